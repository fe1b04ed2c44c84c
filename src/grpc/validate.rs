//! Request validation: proto requests in, domain requests out, or INVALID_ARGUMENT with
//! every offending field named.

use super::error::{echo, ApiError, FieldViolation};
use super::page_token;
use super::proto;
use crate::codes::{normalize_code, strict_code, CodeSystem, CptCategory, Date};
use crate::engine::Engine;
use crate::index::SearchRequest;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// Largest search page.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Search page size when none is given.
pub const DEFAULT_PAGE_SIZE: i32 = 10;
/// Deepest result offset reachable by paging.
pub const MAX_OFFSET: usize = 10_000;
/// Most codes in one BatchGetCodes call.
pub const MAX_BATCH_GET: usize = 1_000;
/// Most items in one ValidateCodes call.
pub const MAX_VALIDATE_ITEMS: usize = 5_000;
/// Largest ListChildren page.
pub const MAX_CHILDREN_PAGE: i32 = 1_000;
/// Deepest child offset reachable by paging.
pub const MAX_CHILDREN_OFFSET: usize = 100_000;
/// ListChildren page size when none is given.
pub const DEFAULT_CHILDREN_PAGE: i32 = 200;
/// What a refused date is told (the text itself is not echoed).
pub(super) const DATE_FORMAT: &str = "is not a valid date (expected YYYY-MM-DD or YYYYMMDD)";
/// Longest code or node id accepted.
const MAX_CODE_CHARS: usize = 64;

/// Collects violations while reading a request.
#[derive(Default)]
struct Violations(Vec<FieldViolation>);

impl Violations {
    fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation::new(field, description));
    }

    fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::InvalidArgument(self.0))
        }
    }
}

/// A system enum value: `Ok(None)` for unspecified.
pub fn system(value: i32) -> Result<Option<CodeSystem>, String> {
    match proto::CodeSystem::try_from(value) {
        Ok(proto::CodeSystem::Unspecified) => Ok(None),
        Ok(proto::CodeSystem::Icd10cm) => Ok(Some(CodeSystem::Icd10Cm)),
        Ok(proto::CodeSystem::Hcpcs) => Ok(Some(CodeSystem::Hcpcs)),
        Ok(proto::CodeSystem::Cpt) => Ok(Some(CodeSystem::Cpt)),
        Ok(proto::CodeSystem::Icd10pcs) => Ok(Some(CodeSystem::Icd10Pcs)),
        Err(_) => Err(format!("unknown code system {value}")),
    }
}

fn cpt_category(value: i32) -> Result<CptCategory, String> {
    match proto::CptCategory::try_from(value) {
        Ok(proto::CptCategory::I) => Ok(CptCategory::CategoryI),
        Ok(proto::CptCategory::Ii) => Ok(CptCategory::CategoryII),
        Ok(proto::CptCategory::Iii) => Ok(CptCategory::CategoryIII),
        Ok(proto::CptCategory::Pla) => Ok(CptCategory::Pla),
        Ok(proto::CptCategory::Modifier) => Ok(CptCategory::Modifier),
        Ok(proto::CptCategory::Unspecified) => Err("category must be specified".to_string()),
        Err(_) => Err(format!("unknown CPT category {value}")),
    }
}

/// A date field: empty means today.
pub(super) fn date(text: &str) -> Result<Date, String> {
    if text.trim().is_empty() {
        return Ok(Date::today_utc());
    }
    Date::parse(text).map_err(|_| DATE_FORMAT.to_string())
}

/// A SearchCodes request, checked, with the fingerprint its page tokens are bound to.
pub fn search(request: &proto::SearchCodesRequest, engine: &Engine) -> Result<(SearchRequest, u64), ApiError> {
    let mut violations = Violations::default();
    let text = request.query.trim();
    let chars = text.chars().count();
    if chars == 0 {
        violations.add("query", "must not be empty");
    } else if chars > MAX_QUERY_CHARS {
        violations.add("query", format!("must be at most {MAX_QUERY_CHARS} characters (got {chars})"));
    }
    let mut systems = Vec::new();
    for (index, &value) in request.systems.iter().enumerate() {
        match system(value) {
            Ok(Some(found)) if !systems.contains(&found) => systems.push(found),
            Ok(Some(_)) => {}
            Ok(None) => violations.add(format!("systems[{index}]"), "must be a specific code system"),
            Err(reason) => violations.add(format!("systems[{index}]"), reason),
        }
    }
    let mut cpt_categories = Vec::new();
    for (index, &value) in request.cpt_categories.iter().enumerate() {
        match cpt_category(value) {
            Ok(category) => cpt_categories.push(category),
            Err(reason) => violations.add(format!("cpt_categories[{index}]"), reason),
        }
    }
    let as_of = date(&request.as_of).unwrap_or_else(|reason| {
        violations.add("as_of", reason);
        Date::today_utc()
    });
    let page_size = match request.page_size {
        0 => DEFAULT_PAGE_SIZE,
        size if (1..=MAX_PAGE_SIZE).contains(&size) => size,
        size => {
            violations.add("page_size", format!("must be between 1 and {MAX_PAGE_SIZE} (got {size})"));
            DEFAULT_PAGE_SIZE
        }
    };
    let under = request.hierarchy_node.trim();
    let under = if under.is_empty() {
        None
    } else if under.chars().count() > MAX_CODE_CHARS {
        violations.add("hierarchy_node", "is too long");
        None
    } else {
        let as_code = normalize_code(under);
        let known = |system: &CodeSystem| {
            engine.catalog.release_in_force(*system, as_of).and_then(|release| {
                if release.node(under).is_some() {
                    Some(under.to_string())
                } else {
                    as_code.as_deref().filter(|code| release.entry(code).is_some()).map(str::to_string)
                }
            })
        };
        let searched: Vec<CodeSystem> = if systems.is_empty() { CodeSystem::ALL.to_vec() } else { systems.clone() };
        let resolved = searched.iter().find_map(known);
        if resolved.is_none() {
            violations
                .add("hierarchy_node", format!("no hierarchy node or code {} in the releases searched", echo(under)));
        }
        resolved
    };
    let fingerprint = page_token::fingerprint((
        text,
        &request.systems,
        request.billable_only,
        &request.cpt_categories,
        &under,
        as_of,
        page_size,
        engine.index.fingerprint(),
    ));
    let offset = if request.page_token.is_empty() {
        0
    } else {
        match page_token::decode(&request.page_token, fingerprint) {
            Some(offset) if offset <= MAX_OFFSET => offset,
            Some(_) => {
                violations.add("page_token", format!("pages end at result {MAX_OFFSET}"));
                0
            }
            None => {
                violations.add("page_token", "is not a token from a previous page of this same search");
                0
            }
        }
    };
    let search = SearchRequest {
        text: text.to_string(),
        systems,
        billable_only: request.billable_only,
        cpt_categories,
        under,
        as_of,
        offset,
        limit: page_size as usize,
    };
    violations.finish((search, fingerprint))
}

/// A code lookup: system (maybe unspecified), normalised code, date.
#[derive(Debug, Clone)]
pub struct CodeLookup {
    /// The system, when given.
    pub system: Option<CodeSystem>,
    /// The code as typed.
    pub raw: String,
    /// Normalised code.
    pub code: String,
    /// Date to answer for.
    pub as_of: Date,
}

fn code_ref(
    violations: &mut Violations,
    field_prefix: &str,
    system_value: i32,
    code: &str,
    as_of: Date,
) -> Option<CodeLookup> {
    let system = match system(system_value) {
        Ok(found) => found,
        Err(reason) => {
            violations.add(format!("{field_prefix}system"), reason);
            return None;
        }
    };
    let field = format!("{field_prefix}code");
    if code.trim().is_empty() {
        violations.add(field, "must not be empty");
        return None;
    }
    if code.chars().count() > MAX_CODE_CHARS {
        violations.add(field, "is too long to be a code");
        return None;
    }
    let normalized = match strict_code(system, code) {
        Ok(normalized) => normalized,
        Err(reason) => {
            violations.add(field, format!("is not a code: it {reason}"));
            return None;
        }
    };
    Some(CodeLookup { system, raw: code.to_string(), code: normalized, as_of })
}

/// A GetCode request, checked.
pub fn get_code(request: &proto::GetCodeRequest) -> Result<CodeLookup, ApiError> {
    let mut violations = Violations::default();
    let as_of = date(&request.as_of).unwrap_or_else(|reason| {
        violations.add("as_of", reason);
        Date::today_utc()
    });
    let lookup = code_ref(&mut violations, "", request.system, &request.code, as_of);
    match lookup {
        Some(lookup) => violations.finish(lookup),
        None => Err(ApiError::InvalidArgument(violations.0)),
    }
}

/// A BatchGetCodes request, checked.
pub fn batch_get(request: &proto::BatchGetCodesRequest) -> Result<Vec<CodeLookup>, ApiError> {
    let mut violations = Violations::default();
    if request.codes.is_empty() || request.codes.len() > MAX_BATCH_GET {
        violations.add("codes", format!("must hold 1 to {MAX_BATCH_GET} codes (got {})", request.codes.len()));
    }
    let as_of = date(&request.as_of).unwrap_or_else(|reason| {
        violations.add("as_of", reason);
        Date::today_utc()
    });
    let mut lookups = Vec::with_capacity(request.codes.len());
    for (index, code) in request.codes.iter().enumerate().take(MAX_BATCH_GET) {
        if let Some(lookup) = code_ref(&mut violations, &format!("codes[{index}]."), code.system, &code.code, as_of) {
            lookups.push(lookup);
        }
    }
    violations.finish(lookups)
}

/// One ValidateCodes item, checked: system, code as typed, date of service.
pub type ValidationItem = (CodeSystem, String, Date);

/// A ValidateCodes request, checked. Malformed codes are not errors: they get a verdict.
pub fn validate_codes(request: &proto::ValidateCodesRequest) -> Result<Vec<ValidationItem>, ApiError> {
    let mut violations = Violations::default();
    if request.items.is_empty() || request.items.len() > MAX_VALIDATE_ITEMS {
        violations.add("items", format!("must hold 1 to {MAX_VALIDATE_ITEMS} items (got {})", request.items.len()));
    }
    let today = Date::today_utc();
    let mut items = Vec::with_capacity(request.items.len());
    for (index, item) in request.items.iter().enumerate().take(MAX_VALIDATE_ITEMS) {
        let system = match system(item.system) {
            Ok(Some(found)) => Some(found),
            Ok(None) => {
                violations.add(format!("items[{index}].system"), "is required");
                None
            }
            Err(reason) => {
                violations.add(format!("items[{index}].system"), reason);
                None
            }
        };
        let date_of_service = if item.date_of_service.trim().is_empty() {
            Some(today)
        } else {
            match Date::parse(&item.date_of_service) {
                Ok(found) => Some(found),
                Err(_) => {
                    violations.add(format!("items[{index}].date_of_service"), DATE_FORMAT);
                    None
                }
            }
        };
        if let (Some(system), Some(date_of_service)) = (system, date_of_service) {
            items.push((system, item.code.clone(), date_of_service));
        }
    }
    violations.finish(items)
}

/// A ListChildren request, checked.
#[derive(Debug, Clone)]
pub struct ChildrenListing {
    /// The system browsed.
    pub system: CodeSystem,
    /// Node id or code as typed; `None` for the top level.
    pub parent: Option<String>,
    /// Date whose release is browsed.
    pub as_of: Date,
    /// Children to skip.
    pub offset: usize,
    /// Children per page.
    pub page_size: usize,
    /// What page tokens are bound to.
    pub fingerprint: u64,
}

/// A ListChildren request, checked.
pub fn list_children(request: &proto::ListChildrenRequest) -> Result<ChildrenListing, ApiError> {
    let mut violations = Violations::default();
    let system = match system(request.system) {
        Ok(Some(found)) => Some(found),
        Ok(None) => {
            violations.add("system", "is required");
            None
        }
        Err(reason) => {
            violations.add("system", reason);
            None
        }
    };
    let as_of = date(&request.as_of).unwrap_or_else(|reason| {
        violations.add("as_of", reason);
        Date::today_utc()
    });
    let parent = request.parent.trim();
    if parent.chars().count() > MAX_CODE_CHARS {
        violations.add("parent", "is too long");
    }
    let page_size = match request.page_size {
        0 => DEFAULT_CHILDREN_PAGE,
        size if (1..=MAX_CHILDREN_PAGE).contains(&size) => size,
        size => {
            violations.add("page_size", format!("must be between 1 and {MAX_CHILDREN_PAGE} (got {size})"));
            DEFAULT_CHILDREN_PAGE
        }
    };
    let fingerprint = page_token::fingerprint((request.system, parent, as_of, page_size));
    let offset = if request.page_token.is_empty() {
        0
    } else {
        match page_token::decode(&request.page_token, fingerprint) {
            Some(offset) if offset <= MAX_CHILDREN_OFFSET => offset,
            Some(_) => {
                violations.add("page_token", format!("listings end at child {MAX_CHILDREN_OFFSET}"));
                0
            }
            None => {
                violations.add("page_token", "is not a token from a previous page of this same listing");
                0
            }
        }
    };
    let parent = (!parent.is_empty()).then(|| parent.to_string());
    match system {
        Some(system) => violations.finish(ChildrenListing {
            system,
            parent,
            as_of,
            offset,
            page_size: page_size as usize,
            fingerprint,
        }),
        None => Err(ApiError::InvalidArgument(violations.0)),
    }
}
