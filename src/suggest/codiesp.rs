//! Evaluation of the suggester on CodiEsp (CLEF eHealth 2020; Miranda-Escalada et al. 2020,
//! CC BY 4.0): clinical cases with gold ICD-10 diagnosis codes.
//!
//! A split directory holds `{split}D.tsv` (`ID<TAB>code`, lower case, dotted; `.gz` allowed)
//! and the texts, either as the organisers ship them (`text_files_en/ID.txt`) or packed in one
//! file `text_files_en.txt.gz` (each document a line `#doc ID` followed by its lines).
//!
//! MAP is CodiEsp's (the organisers' script computes trec_eval's MAP with trectools): per
//! document, the average precision of the ranked predicted codes against the gold set (the
//! sum, over ranks holding a gold code, of the precision at that rank, divided by the number of
//! gold codes), averaged over documents. The official script first drops predicted codes
//! outside its valid list (the CIE-10-ES diagnosis codes); we have no CIE-10-ES list and drop
//! nothing: every prediction is a billable code of the ICD-10-CM release, and the few codes
//! ICD-10-CM added since CIE-10-ES 2018 count here as misses where the official script would
//! skip them, so the figure here is at most the official one. Every document with a gold code
//! counts (one without suggestions scores 0). Micro precision, recall and F1 are given at a
//! few cut-offs.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::loaders::{source, LoadError};

use super::{Prior, Suggester};

/// Cut-offs of the precision, recall and F1 figures.
pub const CUTOFFS: [usize; 3] = [1, 5, 10];

/// Most suggestions ranked per document for MAP.
pub const MAX_RANKED: usize = 200;

/// One clinical case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The case id.
    pub id: String,
    /// Its English text.
    pub text: String,
    /// Gold diagnosis codes, upper case, dotted, each once.
    pub gold: Vec<String>,
}

/// Figures at one cut-off.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AtK {
    /// The cut-off.
    pub k: usize,
    /// Micro precision.
    pub precision: f64,
    /// Micro recall.
    pub recall: f64,
    /// Micro F1.
    pub f1: f64,
}

/// Figures over one split.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Documents with at least one gold code.
    pub documents: usize,
    /// Gold codes over all documents.
    pub gold_codes: usize,
    /// Mean average precision.
    pub map: f64,
    /// Precision, recall and F1 at each of [`CUTOFFS`].
    pub at: Vec<AtK>,
    /// Recall over every suggestion (up to [`MAX_RANKED`]).
    pub recall_all: f64,
    /// Words over all documents.
    pub words: usize,
    /// Time spent finding and ranking mentions, over all documents.
    pub elapsed: Duration,
}

impl Report {
    /// Time per 400 words of notes.
    pub fn per_400_words(&self) -> Duration {
        if self.words == 0 {
            return Duration::ZERO;
        }
        self.elapsed.mul_f64(400.0 / self.words as f64)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "documents     {}", self.documents)?;
        writeln!(f, "gold codes    {}", self.gold_codes)?;
        writeln!(f, "MAP           {:.3}", self.map)?;
        for at in &self.at {
            writeln!(f, "P/R/F1 @{:<4}  {:.3} / {:.3} / {:.3}", at.k, at.precision, at.recall, at.f1)?;
        }
        writeln!(f, "recall (all)  {:.3}", self.recall_all)?;
        write!(
            f,
            "time          {:.2} ms per 400 words ({} words)",
            self.per_400_words().as_secs_f64() * 1e3,
            self.words
        )
    }
}

/// Reads a split directory; see the module documentation.
pub fn read_split(dir: &Path) -> Result<Vec<Document>, LoadError> {
    let gold_path = find_file(dir, |name| name.ends_with("D.tsv") || name.ends_with("D.tsv.gz"))
        .ok_or_else(|| LoadError::file(dir, "no {split}D.tsv gold file"))?;
    let mut gold: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in source::lines(&source::read_text(&gold_path)?) {
        let mut columns = line.split('\t');
        let (Some(id), Some(code)) = (columns.next(), columns.next()) else { continue };
        let code = code.trim().to_ascii_uppercase();
        let codes = gold.entry(id.trim().to_string()).or_default();
        if !code.is_empty() && !codes.contains(&code) {
            codes.push(code);
        }
    }
    let texts = read_texts(dir)?;
    Ok(gold
        .into_iter()
        .filter_map(|(id, gold)| texts.get(&id).map(|text| Document { text: text.clone(), id, gold }))
        .collect())
}

/// The texts of a split directory by id.
fn read_texts(dir: &Path) -> Result<BTreeMap<String, String>, LoadError> {
    let packed = dir.join("text_files_en.txt.gz");
    let mut texts = BTreeMap::new();
    if packed.is_file() {
        let mut current: Option<(String, String)> = None;
        for line in source::lines(&source::read_text(&packed)?) {
            if let Some(id) = line.strip_prefix("#doc ") {
                texts.extend(current.take());
                current = Some((id.trim().to_string(), String::new()));
            } else if let Some((_, text)) = current.as_mut() {
                text.push_str(line);
                text.push('\n');
            }
        }
        texts.extend(current);
        return Ok(texts);
    }
    let folder = dir.join("text_files_en");
    let listing = std::fs::read_dir(&folder).map_err(|e| LoadError::file(&folder, format!("cannot list: {e}")))?;
    for item in listing {
        let path = item.map_err(|e| LoadError::file(&folder, format!("cannot list: {e}")))?.path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        if let Some(id) = name.strip_suffix(".txt").or_else(|| name.strip_suffix(".txt.gz")) {
            texts.insert(id.to_string(), source::read_text(&path)?);
        }
    }
    Ok(texts)
}

fn find_file(dir: &Path, wanted: impl Fn(&str) -> bool) -> Option<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|item| item.path())
        .filter(|path| path.file_name().and_then(|name| name.to_str()).is_some_and(&wanted))
        .collect();
    found.sort();
    found.into_iter().next()
}

/// Evaluates the suggester on a split directory.
pub fn evaluate_suggest(dir: &Path, suggester: &Suggester) -> Result<Report, LoadError> {
    Ok(evaluate_documents(&read_split(dir)?, suggester))
}

/// Learns a prior from documents: per code, the documents in which the suggester (ranking
/// without a prior) found it, and of those, the ones coded with it. The prior keeps the
/// suggester's weights.
pub fn learn_prior(documents: &[Document], suggester: &Suggester) -> Prior {
    let mut prior = Prior::default();
    prior.weights = suggester.prior().map(|prior| prior.weights).unwrap_or_default();
    for document in documents.iter().filter(|document| !document.gold.is_empty()) {
        let mentions = suggester.mentions(&document.text);
        for suggestion in suggester.rank_unweighted(&mentions, |_| true, MAX_RANKED) {
            prior.add(&suggestion.code, document.gold.contains(&suggestion.code));
        }
    }
    prior
}

/// Evaluates the suggester on documents (every mention kept, whatever its assertion).
pub fn evaluate_documents(documents: &[Document], suggester: &Suggester) -> Report {
    evaluate_ranked(documents, |text| {
        let mentions = suggester.mentions(text);
        suggester.rank(&mentions, |_| true, MAX_RANKED).into_iter().map(|suggestion| suggestion.code).collect()
    })
}

/// Evaluates a coder of notes on documents: `code` gives a note's codes, best first.
pub fn evaluate_ranked(documents: &[Document], code: impl Fn(&str) -> Vec<String>) -> Report {
    let mut report = Report { at: CUTOFFS.iter().map(|&k| AtK { k, ..AtK::default() }).collect(), ..Report::default() };
    let mut hits_at = [0usize; CUTOFFS.len()];
    let mut predicted_at = [0usize; CUTOFFS.len()];
    let mut hits_all = 0;
    let mut average_precision_sum = 0.0;
    for document in documents.iter().filter(|document| !document.gold.is_empty()) {
        let started = Instant::now();
        let ranked = code(&document.text);
        report.elapsed += started.elapsed();
        report.words += document.text.split_whitespace().count();
        report.documents += 1;
        report.gold_codes += document.gold.len();
        let is_gold = |code: &str| document.gold.iter().any(|gold| gold == code);
        let mut hits = 0;
        let mut precision_sum = 0.0;
        for (rank, suggestion) in ranked.iter().enumerate() {
            if is_gold(suggestion) {
                hits += 1;
                precision_sum += hits as f64 / (rank + 1) as f64;
            }
        }
        average_precision_sum += precision_sum / document.gold.len() as f64;
        hits_all += hits;
        for (slot, &k) in CUTOFFS.iter().enumerate() {
            hits_at[slot] += ranked.iter().take(k).filter(|code| is_gold(code)).count();
            predicted_at[slot] += ranked.len().min(k);
        }
    }
    if report.documents == 0 {
        return report;
    }
    report.map = average_precision_sum / report.documents as f64;
    report.recall_all = hits_all as f64 / report.gold_codes as f64;
    for (slot, at) in report.at.iter_mut().enumerate() {
        at.precision = ratio(hits_at[slot], predicted_at[slot]);
        at.recall = ratio(hits_at[slot], report.gold_codes);
        at.f1 = if at.precision + at.recall > 0.0 {
            2.0 * at.precision * at.recall / (at.precision + at.recall)
        } else {
            0.0
        };
    }
    report
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
