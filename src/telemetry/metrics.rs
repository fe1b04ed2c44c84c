//! The service's metrics. Label values come from small fixed sets (method names, status
//! codes, code systems, release versions, validity reasons): never the query or the code.
//! Until [`install`] runs (telemetry not set up, as in most tests) recording does nothing.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter};
use opentelemetry::{KeyValue, Value};

use crate::codes::CodeSystem;
use crate::engine::Engine;
use crate::grpc::proto::{ValidationResult, ValidityReason};
use crate::index::SearchPage;

/// Bucket bounds of `rpc.server.duration`, in milliseconds (searches take about a millisecond).
const DURATION_BOUNDS_MS: [f64; 15] =
    [0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_500.0, 5_000.0, 10_000.0];
/// Bucket bounds of `codify.search.results`.
const RESULT_BOUNDS: [f64; 8] = [0.0, 1.0, 5.0, 10.0, 20.0, 50.0, 100.0, 500.0];

struct Instruments {
    rpc_duration: Histogram<f64>,
    search_results: Histogram<u64>,
    search_empty: Counter<u64>,
    search_fuzzy: Counter<u64>,
    search_cache: Counter<u64>,
    validate_outcomes: Counter<u64>,
    index_documents: Gauge<u64>,
    index_size: Gauge<u64>,
    index_last_load: Gauge<u64>,
    index_load_duration: Gauge<f64>,
    reloads: Counter<u64>,
}

static INSTRUMENTS: OnceLock<Instruments> = OnceLock::new();

/// Creates the instruments on `meter` (the first call wins).
pub(super) fn install(meter: &Meter) {
    let _ = INSTRUMENTS.get_or_init(|| Instruments {
        rpc_duration: meter
            .f64_histogram("rpc.server.duration")
            .with_unit("ms")
            .with_description("Duration of inbound RPCs")
            .with_boundaries(DURATION_BOUNDS_MS.to_vec())
            .build(),
        search_results: meter
            .u64_histogram("codify.search.results")
            .with_unit("{result}")
            .with_description("Results returned per SearchCodes page")
            .with_boundaries(RESULT_BOUNDS.to_vec())
            .build(),
        search_empty: meter
            .u64_counter("codify.search.empty")
            .with_unit("{search}")
            .with_description("Searches that matched nothing")
            .build(),
        search_fuzzy: meter
            .u64_counter("codify.search.fuzzy")
            .with_unit("{search}")
            .with_description("Searches where typo tolerance contributed results")
            .build(),
        search_cache: meter
            .u64_counter("codify.search.cache")
            .with_unit("{search}")
            .with_description("Search pages answered from the page cache (outcome hit) or searched (miss)")
            .build(),
        reloads: meter
            .u64_counter("codify.releases.reloads")
            .with_unit("{reload}")
            .with_description("Release reloads, by outcome (swapped or refused)")
            .build(),
        validate_outcomes: meter
            .u64_counter("codify.validate.outcomes")
            .with_unit("{code}")
            .with_description("Codes validated, by code system and reason")
            .build(),
        index_documents: meter
            .u64_gauge("codify.index.documents")
            .with_unit("{document}")
            .with_description("Codes indexed, by code system and release")
            .build(),
        index_size: meter.u64_gauge("codify.index.size").with_unit("By").with_description("Size of the index").build(),
        index_last_load: meter
            .u64_gauge("codify.index.last_load")
            .with_unit("s")
            .with_description("When the releases were last loaded and indexed (Unix time)")
            .build(),
        index_load_duration: meter
            .f64_gauge("codify.index.load.duration")
            .with_unit("s")
            .with_description("Time the last load and indexing took")
            .build(),
    });
}

/// One finished RPC; `service` and `method` are the known names or `_OTHER`.
pub(super) fn record_rpc(service: &Value, method: &Value, status_code: i32, elapsed: Duration) {
    let Some(instruments) = INSTRUMENTS.get() else {
        return;
    };
    let attributes = [
        KeyValue::new("rpc.system", "grpc"),
        KeyValue::new("rpc.service", service.clone()),
        KeyValue::new("rpc.method", method.clone()),
        KeyValue::new("rpc.grpc.status_code", i64::from(status_code)),
    ];
    instruments.rpc_duration.record(elapsed.as_secs_f64() * 1_000.0, &attributes);
}

/// One search page answered, from the page cache or not. `systems` are the systems asked
/// for (empty for all).
pub fn record_search(systems: &[CodeSystem], page: &SearchPage, cached: bool) {
    let Some(instruments) = INSTRUMENTS.get() else {
        return;
    };
    let outcome = if cached { "hit" } else { "miss" };
    instruments.search_cache.add(1, &[KeyValue::new("outcome", outcome)]);
    let system = match systems {
        [] => "all",
        [one] => one.id(),
        _ => "several",
    };
    let attributes = [KeyValue::new("code_system", system)];
    instruments.search_results.record(page.hits.len() as u64, &attributes);
    if page.total == 0 {
        instruments.search_empty.add(1, &attributes);
    }
    if page.used_fuzzy {
        instruments.search_fuzzy.add(1, &attributes);
    }
}

/// The verdicts of a ValidateCodes call, counted per (system, reason) before recording.
pub fn record_validations<'a>(outcomes: impl Iterator<Item = (CodeSystem, &'a ValidationResult)>) {
    let Some(instruments) = INSTRUMENTS.get() else {
        return;
    };
    let mut counts: Vec<(CodeSystem, i32, u64)> = Vec::new();
    for (system, result) in outcomes {
        match counts.iter_mut().find(|(s, reason, _)| *s == system && *reason == result.reason) {
            Some((_, _, count)) => *count += 1,
            None => counts.push((system, result.reason, 1)),
        }
    }
    for (system, reason, count) in counts {
        let reason = ValidityReason::try_from(reason).unwrap_or(ValidityReason::Unspecified).as_str_name();
        let reason = reason.strip_prefix("VALIDITY_REASON_").unwrap_or(reason);
        instruments
            .validate_outcomes
            .add(count, &[KeyValue::new("code_system", system.id()), KeyValue::new("reason", reason)]);
    }
}

/// A release reload: swapped in, or refused (the running releases stay).
pub fn record_reload(swapped: bool) {
    if let Some(instruments) = INSTRUMENTS.get() {
        let outcome = if swapped { "swapped" } else { "refused" };
        instruments.reloads.add(1, &[KeyValue::new("outcome", outcome)]);
    }
}

/// The loaded releases and index, once serving.
pub fn record_index(engine: &Engine) {
    let Some(instruments) = INSTRUMENTS.get() else {
        return;
    };
    for release in engine.catalog.releases() {
        let attributes = [
            KeyValue::new("code_system", release.info.system.id()),
            KeyValue::new("release", release.info.version.clone()),
        ];
        instruments.index_documents.record(release.entries.len() as u64, &attributes);
    }
    instruments.index_size.record(engine.index.size_bytes(), &[]);
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    instruments.index_last_load.record(now.as_secs(), &[]);
    instruments.index_load_duration.record((engine.load_time + engine.index_time).as_secs_f64(), &[]);
}
