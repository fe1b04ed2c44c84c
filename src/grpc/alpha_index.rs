//! LookupIndex and ListIndexChildren: requests checked, the Alphabetic Index of the date
//! asked, entries converted with their codes checked against the ICD-10-CM release in force.

use super::error::{echo, ApiError, FieldViolation};
use super::{page_token, proto, validate};
use crate::alpha_index::against::{check, describe_missing};
use crate::alpha_index::{EntryId, IndexKind, IndexRelease, Match};
use crate::codes::{CodeSystem, Date, Release};
use crate::engine::Engine;

/// Largest LookupIndex page.
const MAX_LOOKUP_PAGE: i32 = 100;
/// LookupIndex page size when none is given.
const DEFAULT_LOOKUP_PAGE: i32 = 10;
/// Largest ListIndexChildren page.
const MAX_CHILDREN_PAGE: i32 = 1_000;
/// ListIndexChildren page size when none is given.
const DEFAULT_CHILDREN_PAGE: i32 = 200;
/// Longest entry id accepted.
const MAX_ID_CHARS: usize = 64;

/// The index and code release a call answers from.
struct Sources<'a> {
    index: &'a IndexRelease,
    release: Option<&'a Release>,
}

fn sources(engine: &Engine, as_of: Date) -> Result<Sources<'_>, ApiError> {
    let index = engine
        .alpha_indexes
        .in_force(CodeSystem::Icd10Cm, as_of)
        .ok_or_else(|| ApiError::NotFound(format!("no ICD-10-CM Alphabetic Index is loaded for {as_of}")))?;
    Ok(Sources { index, release: engine.catalog.release_in_force(CodeSystem::Icd10Cm, as_of) })
}

fn page_size(value: i32, default: i32, max: i32, violations: &mut Vec<FieldViolation>) -> usize {
    match value {
        0 => default as usize,
        size if (1..=max).contains(&size) => size as usize,
        size => {
            violations.push(FieldViolation::new("page_size", format!("must be between 1 and {max} (got {size})")));
            default as usize
        }
    }
}

fn offset(token: &str, fingerprint: u64, violations: &mut Vec<FieldViolation>) -> usize {
    if token.is_empty() {
        return 0;
    }
    match page_token::decode(token, fingerprint) {
        Some(offset) if offset <= validate::MAX_OFFSET => offset,
        _ => {
            violations.push(FieldViolation::new("page_token", "is not a token from a previous page of this same call"));
            0
        }
    }
}

fn as_of(text: &str, violations: &mut Vec<FieldViolation>) -> Date {
    validate::date(text).unwrap_or_else(|reason| {
        violations.push(FieldViolation::new("as_of", reason));
        Date::today_utc()
    })
}

fn finish(violations: Vec<FieldViolation>) -> Result<(), ApiError> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ApiError::InvalidArgument(violations))
    }
}

/// LookupIndex.
pub fn lookup(engine: &Engine, request: &proto::LookupIndexRequest) -> Result<proto::LookupIndexResponse, ApiError> {
    let mut violations = Vec::new();
    let query = request.query.trim();
    let chars = query.chars().count();
    if chars == 0 {
        violations.push(FieldViolation::new("query", "must not be empty"));
    } else if chars > validate::MAX_QUERY_CHARS {
        violations.push(FieldViolation::new(
            "query",
            format!("must be at most {} characters (got {chars})", validate::MAX_QUERY_CHARS),
        ));
    }
    let date = as_of(&request.as_of, &mut violations);
    let size = page_size(request.page_size, DEFAULT_LOOKUP_PAGE, MAX_LOOKUP_PAGE, &mut violations);
    let fingerprint = page_token::fingerprint(("lookup-index", query, date, size));
    let start = offset(&request.page_token, fingerprint, &mut violations);
    finish(violations)?;
    let sources = sources(engine, date)?;
    let words: Vec<&str> = query.split_whitespace().collect();
    let matches = sources.index.index.lookup(&words);
    let end = start.saturating_add(size).min(matches.len());
    let entries = matches.get(start..end).unwrap_or(&[]).iter().map(|found| entry_of_match(&sources, found)).collect();
    let more = end < matches.len() && end < validate::MAX_OFFSET;
    Ok(proto::LookupIndexResponse {
        entries,
        next_page_token: if more { page_token::encode(end, fingerprint) } else { String::new() },
        total_size: matches.len().min(i32::MAX as usize) as i32,
        index_version: sources.index.info.version.clone(),
        release_version: sources.release.map(|release| release.info.version.clone()).unwrap_or_default(),
    })
}

/// ListIndexChildren.
pub fn children(
    engine: &Engine,
    request: &proto::ListIndexChildrenRequest,
) -> Result<proto::ListIndexChildrenResponse, ApiError> {
    let mut violations = Vec::new();
    let date = as_of(&request.as_of, &mut violations);
    let size = page_size(request.page_size, DEFAULT_CHILDREN_PAGE, MAX_CHILDREN_PAGE, &mut violations);
    let parent = request.parent.trim();
    if parent.chars().count() > MAX_ID_CHARS {
        violations.push(FieldViolation::new("parent", "is too long to be an index entry id"));
    }
    let part = match proto::IndexPart::try_from(request.part) {
        Ok(part) => kind_of(part),
        Err(_) => {
            violations.push(FieldViolation::new("part", format!("unknown index part {}", request.part)));
            None
        }
    };
    let fingerprint = page_token::fingerprint(("index-children", parent, request.part, date, size));
    let start = offset(&request.page_token, fingerprint, &mut violations);
    finish(violations)?;
    let sources = sources(engine, date)?;
    let index = &sources.index.index;
    let listed: Vec<EntryId> = if parent.is_empty() {
        index.main_terms_of(part.unwrap_or(IndexKind::Main)).collect()
    } else {
        let id = parse_id(&sources, parent)?;
        index.children(id).to_vec()
    };
    let end = start.saturating_add(size).min(listed.len());
    let entries = listed
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .map(|&id| entry(&sources, id, None, index.get(id).and_then(|e| e.code.as_ref())))
        .collect();
    Ok(proto::ListIndexChildrenResponse {
        entries,
        next_page_token: if end < listed.len() { page_token::encode(end, fingerprint) } else { String::new() },
        total_size: listed.len().min(i32::MAX as usize) as i32,
        index_version: sources.index.info.version.clone(),
    })
}

fn kind_of(part: proto::IndexPart) -> Option<IndexKind> {
    match part {
        proto::IndexPart::Unspecified => None,
        proto::IndexPart::Main => Some(IndexKind::Main),
        proto::IndexPart::ExternalCause => Some(IndexKind::ExternalCause),
        proto::IndexPart::Neoplasm => Some(IndexKind::Neoplasm),
        proto::IndexPart::Drug => Some(IndexKind::Drug),
    }
}

fn part_of(kind: IndexKind) -> proto::IndexPart {
    match kind {
        IndexKind::Main => proto::IndexPart::Main,
        IndexKind::ExternalCause => proto::IndexPart::ExternalCause,
        IndexKind::Neoplasm => proto::IndexPart::Neoplasm,
        IndexKind::Drug => proto::IndexPart::Drug,
    }
}

/// `FY2025:1234`: the index version and the entry's position in it.
fn id_of(sources: &Sources<'_>, id: EntryId) -> String {
    format!("{}:{id}", sources.index.info.version)
}

fn parse_id(sources: &Sources<'_>, text: &str) -> Result<EntryId, ApiError> {
    let parsed = text.rsplit_once(':').and_then(|(version, id)| Some((version, id.parse::<EntryId>().ok()?)));
    match parsed {
        Some((version, id)) if version == sources.index.info.version && sources.index.index.get(id).is_some() => Ok(id),
        Some((version, _)) if version != sources.index.info.version => Err(ApiError::invalid(
            "parent",
            format!(
                "is an entry of index {}, not of {} in force on the date",
                echo(version),
                sources.index.info.version
            ),
        )),
        Some(_) => Err(ApiError::NotFound(format!("no index entry {}", echo(text)))),
        None => Err(ApiError::invalid("parent", "is not an index entry id (IndexEntry.id)")),
    }
}

fn entry_of_match(sources: &Sources<'_>, found: &Match<'_>) -> proto::IndexEntry {
    let mut converted = entry(sources, found.entry, found.column, found.code);
    // The path as matched (the same terms as the entry's own path).
    converted.path = found.path.iter().map(|term| term.to_string()).collect();
    converted
}

fn reference(sources: &Sources<'_>, id: Option<EntryId>) -> Option<proto::IndexReference> {
    let id = id?;
    let index = &sources.index.index;
    let target = index.get(id)?;
    Some(proto::IndexReference {
        id: id_of(sources, id),
        path: index.path(id).into_iter().map(str::to_string).collect(),
        code: target.code.as_ref().map(|code| code.display().to_string()).unwrap_or_default(),
    })
}

fn entry(
    sources: &Sources<'_>,
    id: EntryId,
    column: Option<&str>,
    code: Option<&crate::alpha_index::IndexCode>,
) -> proto::IndexEntry {
    let index = &sources.index.index;
    let Some(found) = index.get(id) else {
        return proto::IndexEntry::default();
    };
    let checked = match (code, sources.release) {
        (Some(code), Some(release)) => Some(check(release, code)),
        _ => None,
    };
    let missing =
        checked.as_ref().and_then(|checked| checked.missing).map(|(first, last)| describe_missing(first, last));
    proto::IndexEntry {
        id: id_of(sources, id),
        part: part_of(found.kind) as i32,
        path: index.path(id).into_iter().map(str::to_string).collect(),
        code: code.map(|code| code.display().to_string()).unwrap_or_default(),
        missing_characters: missing.unwrap_or_default(),
        code_title: checked.as_ref().and_then(|c| c.entry).map(|entry| entry.title.clone()).unwrap_or_default(),
        billable: checked.as_ref().is_some_and(|checked| checked.billable),
        column: column.unwrap_or_default().to_string(),
        see: found.see.clone().unwrap_or_default(),
        see_target: found.see.as_ref().and_then(|_| reference(sources, index.resolve_see(id))),
        see_also: found.see_also.clone().unwrap_or_default(),
        see_also_target: found.see_also.as_ref().and_then(|_| reference(sources, index.resolve_see_also(id))),
        nonessential: found.nonessential.clone(),
        has_children: !found.children.is_empty(),
        cells: found
            .cells
            .iter()
            .map(|(column, code)| proto::IndexCell { column: column.to_string(), code: code.display().to_string() })
            .collect(),
    }
}
