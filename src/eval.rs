//! Search evaluation over a judged query set: recall@1, recall@10 and MRR@10, and the
//! misses. Each query is searched in its own code system, as a coder's field would.

use std::collections::HashMap;
use std::path::Path;

use crate::codes::{normalize_code, CodeSystem, Date};
use crate::engine::Engine;
use crate::index::SearchRequest;
use crate::loaders::{source, LoadError};

/// Slowest queries listed in the report.
pub const SLOWEST_SHOWN: usize = 15;

/// Results looked at per query.
pub const CUTOFF: usize = 10;

/// One judged query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgedQuery {
    /// What the user types.
    pub query: String,
    /// System searched.
    pub system: CodeSystem,
    /// The code a certified coder would pick (normalised).
    pub expected: String,
    /// Query class (lay_term, typo, ...).
    pub class: String,
}

/// A query whose expected code was not first.
#[derive(Debug, Clone)]
pub struct Miss {
    /// The judged query.
    pub judged: JudgedQuery,
    /// 1-based rank of the expected code within the cutoff, if found.
    pub rank: Option<usize>,
    /// The top results returned (normalised codes).
    pub top: Vec<String>,
}

/// Figures over a query set.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    /// Number of queries.
    pub queries: usize,
    /// Share with the expected code first.
    pub recall_at_1: f64,
    /// Share with the expected code in the top 10.
    pub recall_at_10: f64,
    /// Mean reciprocal rank within the top 10.
    pub mrr_at_10: f64,
    /// Queries whose expected code was not first.
    pub misses: Vec<Miss>,
    /// In-process search latency per query, sorted ascending.
    pub latencies: Vec<std::time::Duration>,
    /// The slowest queries, slowest first, each by its fastest run (its cost once warm, without
    /// the noise of any one run).
    pub slowest: Vec<(std::time::Duration, String)>,
    /// Per query class, in class order: (class, queries, recall@1, recall@10, MRR@10).
    pub classes: Vec<ClassFigures>,
}

/// The figures of one query class.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassFigures {
    /// The class (`lay_term`, `typeahead`, ...).
    pub class: String,
    /// Queries of the class.
    pub queries: usize,
    /// Share with the expected code first.
    pub recall_at_1: f64,
    /// Share with the expected code in the top 10.
    pub recall_at_10: f64,
    /// Mean reciprocal rank within the top 10.
    pub mrr_at_10: f64,
}

/// Reads a judged query file: `query<TAB>system<TAB>expected_code<TAB>class`, `#` comments.
pub fn read_queries(path: &Path) -> Result<Vec<JudgedQuery>, LoadError> {
    let text = source::read_text(path)?;
    let mut queries = Vec::new();
    for (index, line) in source::lines(&text).enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [query, system, expected, class] = fields.as_slice() else {
            return Err(LoadError::at_line(path, index + 1, "expected 4 tab-separated fields"));
        };
        let system = system
            .parse()
            .map_err(|e: crate::codes::UnknownSystem| LoadError::at_line(path, index + 1, e.to_string()))?;
        let expected = normalize_code(expected)
            .ok_or_else(|| LoadError::at_line(path, index + 1, "expected code is not a code"))?;
        queries.push(JudgedQuery { query: query.to_string(), system, expected, class: class.to_string() });
    }
    Ok(queries)
}

/// Runs every query and scores the answers.
pub fn evaluate(engine: &Engine, queries: &[JudgedQuery], as_of: Date) -> Result<EvalReport, crate::index::IndexError> {
    let mut report = EvalReport { queries: queries.len(), ..Default::default() };
    let (mut first, mut within, mut reciprocal) = (0usize, 0usize, 0f64);
    // class → (queries, first, within, reciprocal)
    let mut per_class: std::collections::BTreeMap<String, (usize, usize, usize, f64)> = Default::default();
    for judged in queries {
        let request = SearchRequest {
            systems: vec![judged.system],
            limit: CUTOFF,
            ..SearchRequest::new(judged.query.clone(), as_of)
        };
        let started = std::time::Instant::now();
        let page = engine.index.search(&engine.catalog, &request)?;
        report.latencies.push(started.elapsed());
        report.slowest.push((started.elapsed(), judged.query.clone()));
        let top: Vec<String> = page
            .hits
            .iter()
            .filter_map(|hit| engine.catalog.release(hit.release)?.entries.get(hit.entry as usize))
            .map(|entry| entry.code.clone())
            .collect();
        let rank = top.iter().position(|code| *code == judged.expected).map(|index| index + 1);
        match rank {
            Some(1) => first += 1,
            _ => report.misses.push(Miss { judged: judged.clone(), rank, top: top.iter().take(5).cloned().collect() }),
        }
        let class = per_class.entry(judged.class.clone()).or_default();
        class.0 += 1;
        if rank == Some(1) {
            class.1 += 1;
        }
        if let Some(rank) = rank {
            within += 1;
            reciprocal += 1.0 / rank as f64;
            class.2 += 1;
            class.3 += 1.0 / rank as f64;
        }
    }
    report.classes = per_class
        .into_iter()
        .map(|(class, (count, first, within, reciprocal))| {
            let total = count.max(1) as f64;
            ClassFigures {
                class,
                queries: count,
                recall_at_1: first as f64 / total,
                recall_at_10: within as f64 / total,
                mrr_at_10: reciprocal / total,
            }
        })
        .collect();
    report.latencies.sort_unstable();
    report.slowest.sort_by_key(|(elapsed, _)| std::cmp::Reverse(*elapsed));
    let count = queries.len().max(1) as f64;
    report.recall_at_1 = first as f64 / count;
    report.recall_at_10 = within as f64 / count;
    report.mrr_at_10 = reciprocal / count;
    Ok(report)
}

impl EvalReport {
    /// Adds the latencies of another run over the same set (recall figures stay this run's).
    pub fn absorb_latencies(&mut self, other: EvalReport) {
        self.latencies.extend(other.latencies);
        self.latencies.sort_unstable();
        let mut fastest: HashMap<String, std::time::Duration> = HashMap::new();
        for (elapsed, query) in self.slowest.drain(..).chain(other.slowest) {
            let kept = fastest.entry(query).or_insert(elapsed);
            *kept = (*kept).min(elapsed);
        }
        self.slowest = fastest.into_iter().map(|(query, elapsed)| (elapsed, query)).collect();
        self.slowest.sort_by_key(|(elapsed, _)| std::cmp::Reverse(*elapsed));
    }

    /// A plain-text summary with every miss.
    pub fn render(&self) -> String {
        let mut text = format!(
            "queries {}  recall@1 {:.3}  recall@10 {:.3}  MRR@10 {:.3}\n",
            self.queries, self.recall_at_1, self.recall_at_10, self.mrr_at_10
        );
        for class in &self.classes {
            text.push_str(&format!(
                "  {:<16} {:>4} queries  recall@1 {:.3}  recall@10 {:.3}  MRR@10 {:.3}\n",
                class.class, class.queries, class.recall_at_1, class.recall_at_10, class.mrr_at_10
            ));
        }
        if !self.latencies.is_empty() {
            let at = |share: f64| {
                let index = ((self.latencies.len() as f64 * share).ceil() as usize).clamp(1, self.latencies.len()) - 1;
                self.latencies[index].as_micros()
            };
            let mean = self.latencies.iter().sum::<std::time::Duration>() / self.latencies.len() as u32;
            text.push_str(&format!(
                "in-process search latency: mean {} µs  p50 {} µs  p90 {} µs  p99 {} µs  max {} µs\n",
                mean.as_micros(),
                at(0.5),
                at(0.9),
                at(0.99),
                at(1.0)
            ));
        }
        for (elapsed, query) in self.slowest.iter().take(SLOWEST_SHOWN) {
            text.push_str(&format!("  slow {:>6} µs (its fastest run)  {query:?}\n", elapsed.as_micros()));
        }
        for miss in &self.misses {
            let rank = miss.rank.map_or("-".to_string(), |r| r.to_string());
            text.push_str(&format!(
                "  rank {rank:>2}  {:<14} {:<8} {:<40} expected {:<8} got {}\n",
                miss.judged.class,
                miss.judged.system,
                format!("{:?}", miss.judged.query),
                miss.judged.expected,
                miss.top.join(" ")
            ));
        }
        text
    }
}
