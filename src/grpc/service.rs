//! `codify.v1.CodeService`: thin adapters that validate, call the domain, convert.

use std::sync::{Arc, RwLock};

use tonic::{Request, Response, Status};

use super::cpu_pool::CpuPool;
use super::error::{echo, ApiError};
use super::proto::code_service_server::CodeService;
use super::proto::{self};
use super::{alpha_index, claims, convert, page_token, pcs_browse, releases, suggest, validate};
use crate::codes::Catalog;
use crate::engine::Engine;
use crate::index::{SearchPage, SearchRequest};

/// Batches at least this large are answered on the CPU pool.
const CPU_POOL_BATCH: usize = 256;

/// The loaded engine, shared with the server's start-up task.
pub type SharedEngine = Arc<RwLock<Option<Arc<Engine>>>>;

/// The service implementation.
#[derive(Debug, Clone)]
pub struct CodeServiceImpl {
    engine: SharedEngine,
    /// Threads for searches and large batches, one per core (see [`CpuPool`]).
    cpu: CpuPool,
}

impl CodeServiceImpl {
    /// A service answering from `engine` once it is loaded.
    pub fn new(engine: SharedEngine, cpu: CpuPool) -> CodeServiceImpl {
        CodeServiceImpl { engine, cpu }
    }

    fn engine(&self) -> Result<Arc<Engine>, ApiError> {
        let guard =
            self.engine.read().map_err(|_| ApiError::Unavailable("service state is unavailable".to_string()))?;
        guard.clone().ok_or_else(|| ApiError::Unavailable("code-set releases are still loading".to_string()))
    }
}

/// Runs `work` on the CPU pool. When the caller has gone (deadline passed, call cancelled)
/// before the work starts, it is skipped; work already started runs to its end, which the
/// request limits (page size, offset, batch size) keep short.
async fn on_cpu<T: Send + 'static>(
    cpu: &CpuPool,
    engine: Arc<Engine>,
    work: impl FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let span = tracing::Span::current();
    let caller = Arc::new(());
    let caller_alive = Arc::downgrade(&caller);
    let outcome = cpu
        .run(move || {
            if caller_alive.strong_count() == 0 {
                return Err(ApiError::Unavailable("the caller has gone".to_string()));
            }
            span.in_scope(|| work(&engine))
        })
        .await?;
    drop(caller);
    outcome
}

/// The response for one search page.
fn search_response(
    engine: &Engine,
    search: &SearchRequest,
    page: &SearchPage,
    fingerprint: u64,
    cached: bool,
) -> proto::SearchCodesResponse {
    crate::telemetry::metrics::record_search(&search.systems, page, cached);
    let next_offset = search.offset + page.hits.len();
    let more = next_offset < page.total && next_offset < validate::MAX_OFFSET;
    proto::SearchCodesResponse {
        results: page.hits.iter().filter_map(|hit| convert::search_result(&engine.catalog, hit)).collect(),
        next_page_token: if more { page_token::encode(next_offset, fingerprint) } else { String::new() },
        total_size: page.total.min(i32::MAX as usize) as i32,
        as_of: search.as_of.to_string(),
    }
}

/// Finds a code in one system, or in every system when none is given.
fn find<'a>(catalog: &'a Catalog, lookup: &validate::CodeLookup) -> Result<Option<crate::codes::Found<'a>>, ApiError> {
    if let Some(system) = lookup.system {
        return Ok(catalog.lookup(system, &lookup.code, lookup.as_of));
    }
    let mut found = catalog.lookup_any(&lookup.code, lookup.as_of);
    if found.len() > 1 {
        let systems: Vec<&str> = found.iter().map(|f| f.release.info.system.id()).collect();
        return Err(ApiError::invalid(
            "system",
            format!("{} exists in {}: set the system", lookup.raw.trim(), systems.join(" and ")),
        ));
    }
    Ok(found.pop())
}

#[tonic::async_trait]
impl CodeService for CodeServiceImpl {
    async fn search_codes(
        &self,
        request: Request<proto::SearchCodesRequest>,
    ) -> Result<Response<proto::SearchCodesResponse>, Status> {
        let engine = self.engine()?;
        let (search, fingerprint) = validate::search(request.get_ref(), &engine)?;
        // A cached page is answered on the spot; a search goes to the CPU pool.
        let response = match engine.cached_search(&search) {
            Some(page) => search_response(&engine, &search, &page, fingerprint, true),
            None => {
                engine.wait_for_index(&search).await.map_err(ApiError::from)?;
                on_cpu(&self.cpu, engine, move |engine| {
                    let page = engine.search(&search)?;
                    Ok(search_response(engine, &search, &page, fingerprint, false))
                })
                .await?
            }
        };
        Ok(Response::new(response))
    }

    async fn get_code(
        &self,
        request: Request<proto::GetCodeRequest>,
    ) -> Result<Response<proto::GetCodeResponse>, Status> {
        let engine = self.engine()?;
        let lookup = validate::get_code(request.get_ref())?;
        let found = find(&engine.catalog, &lookup)?.ok_or_else(|| {
            let system = lookup.system.map_or("any code system".to_string(), |s| s.id().to_string());
            ApiError::NotFound(format!("{} is not in {system} (no loaded release has it)", lookup.raw.trim()))
        })?;
        let mut code = convert::code(&engine.catalog, &found, lookup.as_of);
        code.hccs = convert::code_hccs(engine.claim_rules.hcc.as_ref(), &found);
        Ok(Response::new(proto::GetCodeResponse { code: Some(code) }))
    }

    async fn batch_get_codes(
        &self,
        request: Request<proto::BatchGetCodesRequest>,
    ) -> Result<Response<proto::BatchGetCodesResponse>, Status> {
        let engine = self.engine()?;
        let lookups = validate::batch_get(request.get_ref())?;
        let answer = move |engine: &Engine| -> Result<proto::BatchGetCodesResponse, ApiError> {
            let mut results = Vec::with_capacity(lookups.len());
            for (index, lookup) in lookups.iter().enumerate() {
                let found = find(&engine.catalog, lookup).map_err(|e| e.within(&format!("codes[{index}].")))?;
                results.push(proto::BatchGetCodesResult {
                    requested: Some(proto::CodeRef {
                        system: lookup.system.map_or(0, convert::system),
                        code: lookup.raw.clone(),
                    }),
                    found: found.is_some(),
                    code: found.map(|found| proto::Code {
                        hccs: convert::code_hccs(engine.claim_rules.hcc.as_ref(), &found),
                        ..convert::code(&engine.catalog, &found, lookup.as_of)
                    }),
                });
            }
            Ok(proto::BatchGetCodesResponse { results })
        };
        let response = if request.get_ref().codes.len() >= CPU_POOL_BATCH {
            on_cpu(&self.cpu, engine, answer).await?
        } else {
            answer(&engine)?
        };
        Ok(Response::new(response))
    }

    async fn validate_codes(
        &self,
        request: Request<proto::ValidateCodesRequest>,
    ) -> Result<Response<proto::ValidateCodesResponse>, Status> {
        let engine = self.engine()?;
        let items = validate::validate_codes(request.get_ref())?;
        let answer = move |engine: &Engine| -> Result<proto::ValidateCodesResponse, ApiError> {
            let results: Vec<proto::ValidationResult> = items
                .iter()
                .map(|(system, code, date)| {
                    convert::validation(*system, &engine.catalog.validate(*system, code, *date))
                })
                .collect();
            crate::telemetry::metrics::record_validations(items.iter().map(|item| item.0).zip(&results));
            let valid_count = results.iter().filter(|r| r.valid).count() as i32;
            Ok(proto::ValidateCodesResponse { results, valid_count })
        };
        let response = if request.get_ref().items.len() >= CPU_POOL_BATCH {
            on_cpu(&self.cpu, engine, answer).await?
        } else {
            answer(&engine)?
        };
        Ok(Response::new(response))
    }

    async fn list_children(
        &self,
        request: Request<proto::ListChildrenRequest>,
    ) -> Result<Response<proto::ListChildrenResponse>, Status> {
        let engine = self.engine()?;
        let validate::ChildrenListing { system, parent, as_of, offset, page_size, fingerprint } =
            validate::list_children(request.get_ref())?;
        let release = engine
            .catalog
            .release_in_force(system, as_of)
            .ok_or_else(|| ApiError::NotFound(format!("no loaded {system} release is in force on {as_of}")))?;
        if let Some(listing) = parent.as_deref().and_then(|p| pcs_browse::axis_children(release, p)) {
            return Ok(Response::new(pcs_browse::page(listing, offset, page_size, fingerprint, release)));
        }
        let parent_key = parent.as_deref().map(|p| release.resolve_key(p));
        let children = release.children(parent_key.as_deref()).ok_or_else(|| {
            ApiError::NotFound(format!(
                "{} is not a node or code of {system} {}",
                echo(parent.as_deref().unwrap_or("")),
                release.info.version
            ))
        })?;
        let page: Vec<proto::HierarchyChild> =
            children.iter().skip(offset).take(page_size).filter_map(|&child| convert::child(release, child)).collect();
        let next = offset.saturating_add(page_size);
        let path = match parent_key.as_deref() {
            Some(key) => convert::steps(system, &release.path_to(key)),
            None => Vec::new(),
        };
        Ok(Response::new(proto::ListChildrenResponse {
            children: page,
            next_page_token: if next < children.len() { page_token::encode(next, fingerprint) } else { String::new() },
            path,
            release_version: release.info.version.clone(),
        }))
    }

    async fn list_releases(
        &self,
        request: Request<proto::ListReleasesRequest>,
    ) -> Result<Response<proto::ListReleasesResponse>, Status> {
        let engine = self.engine()?;
        let only = validate::system(request.get_ref().system).map_err(|reason| ApiError::invalid("system", reason))?;
        let releases = engine
            .catalog
            .releases()
            .iter()
            .filter(|release| only.is_none_or(|system| release.info.system == system))
            .map(convert::release)
            .collect();
        let data_sets = convert::data_sets(&engine, only);
        Ok(Response::new(proto::ListReleasesResponse { releases, data_sets }))
    }

    async fn lookup_index(
        &self,
        request: Request<proto::LookupIndexRequest>,
    ) -> Result<Response<proto::LookupIndexResponse>, Status> {
        let engine = self.engine()?;
        Ok(Response::new(alpha_index::lookup(&engine, request.get_ref())?))
    }

    async fn list_index_children(
        &self,
        request: Request<proto::ListIndexChildrenRequest>,
    ) -> Result<Response<proto::ListIndexChildrenResponse>, Status> {
        let engine = self.engine()?;
        Ok(Response::new(alpha_index::children(&engine, request.get_ref())?))
    }

    async fn check_claim(
        &self,
        request: Request<proto::CheckClaimRequest>,
    ) -> Result<Response<proto::CheckClaimResponse>, Status> {
        let engine = self.engine()?;
        let claim = claims::claim(request.get_ref(), "")?;
        let report = crate::claims::claim::check_claim(&engine.catalog, &engine.claim_rules, &claim);
        Ok(Response::new(claims::response(report)))
    }

    async fn check_claims(
        &self,
        request: Request<proto::CheckClaimsRequest>,
    ) -> Result<Response<proto::CheckClaimsResponse>, Status> {
        let engine = self.engine()?;
        let checked = claims::claims(request.get_ref())?;
        let results = on_cpu(&self.cpu, engine, move |engine| {
            Ok(checked
                .iter()
                .map(|claim| {
                    claims::response(crate::claims::claim::check_claim(&engine.catalog, &engine.claim_rules, claim))
                })
                .collect())
        })
        .await?;
        Ok(Response::new(proto::CheckClaimsResponse { results }))
    }

    async fn suggest_codes(
        &self,
        request: Request<proto::SuggestCodesRequest>,
    ) -> Result<Response<proto::SuggestCodesResponse>, Status> {
        let engine = self.engine()?;
        let checked = suggest::request(request.get_ref())?;
        let response = on_cpu(&self.cpu, engine, move |engine| {
            let date = checked.date_of_service;
            let (releases, coding) = engine
                .code_note(date, &checked.systems, &checked.text, checked.max_suggestions, checked.include_uncodable)
                .map_err(|system| ApiError::NotFound(format!("no {system} release is in force on {date}")))?;
            Ok(suggest::response(&releases, &checked.text, coding))
        })
        .await?;
        Ok(Response::new(response))
    }

    type DiffReleasesStream = releases::ResponseStream<proto::DiffReleasesResponse>;

    async fn diff_releases(
        &self,
        request: Request<proto::DiffReleasesRequest>,
    ) -> Result<Response<Self::DiffReleasesStream>, Status> {
        let engine = self.engine()?;
        Ok(Response::new(releases::diff_releases(engine, self.cpu.clone(), request.get_ref())?))
    }

    type ExportCodesStream = releases::ResponseStream<proto::ExportCodesResponse>;

    async fn export_codes(
        &self,
        request: Request<proto::ExportCodesRequest>,
    ) -> Result<Response<Self::ExportCodesStream>, Status> {
        let engine = self.engine()?;
        Ok(Response::new(releases::export_codes(engine, self.cpu.clone(), request.get_ref())?))
    }
}
