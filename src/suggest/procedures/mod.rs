//! Suggesting ICD-10-PCS codes from the procedures a note documents ("laparoscopic
//! appendectomy", "right total knee arthroplasty, cemented", "colonoscopy with biopsy of the
//! sigmoid colon").
//!
//! Stages, each in its own file: procedure names of the Alphabetic Index are found and walked
//! down to a table or partial code ([`names`]); the code is completed axis by axis from the
//! labels the note spells out and the cue words of operative notes ([`axes`], [`cues`]); where
//! the index leaves a choice of tables ("Appendectomy" → Excision or Resection), the most
//! complete code wins, then one whose root operation a cue names, then the default cue.
//! A code the note does not complete is suggested as the most specific partial code, with the
//! axis it lacks. Built once per ICD-10-PCS release; knows nothing of gRPC. Notes are patient
//! data: nothing here logs them.

mod axes;
mod cues;
mod names;

use std::ops::Range;
use std::sync::Arc;

use crate::codes::pcs_release::PcsRelease;
use crate::codes::Release;
use crate::index::analyzer::WordSplitter;

use super::tokens::{content_tokens, sentences, Token, Vocabulary};
use super::{evidence_of, Lack, Mention, MentionSource};
use axes::{AxisWords, Completion};
use cues::{Cue, Cues};
use names::IndexNames;

/// Words on each side of a procedure name in which its terms, labels and cues are looked for.
const WINDOW: usize = 8;

/// Shortest partial code suggested: the table and the body part (or the table, when the note
/// names the body part but not its side).
const MIN_PARTIAL: usize = 4;

/// Finds procedure mentions in notes, for one ICD-10-PCS release.
#[derive(Debug)]
pub struct ProcedureSuggester {
    release: Arc<PcsRelease>,
    vocabulary: Vocabulary,
    names: IndexNames,
    axes: AxisWords,
    cues: Cues,
    /// Labels preferred when nothing in the note decides (lower case).
    defaults: Vec<String>,
}

/// One way to code a procedure name, completed.
struct Candidate {
    completion: Completion,
    /// Window positions of every word that supports it.
    used: Vec<usize>,
    /// Whether a cue names its root operation, and whether the default does.
    operation_cued: bool,
    operation_default: bool,
}

impl ProcedureSuggester {
    /// Builds the suggester of an ICD-10-PCS release; `None` when the release has no tables or
    /// no index.
    pub fn build(release: &Release) -> Option<ProcedureSuggester> {
        let pcs = release.pcs_shared()?;
        let index = pcs.index.clone()?;
        let mut splitter = WordSplitter::default();
        let mut vocabulary = Vocabulary::default();
        let names = IndexNames::build(&index.index, &mut splitter, &mut vocabulary);
        let axes = AxisWords::build(&pcs.tables, &mut splitter, &mut vocabulary);
        let cues = Cues::shipped(&mut splitter, &mut vocabulary);
        let defaults = cues::defaults();
        vocabulary.finish();
        Some(ProcedureSuggester { release: pcs, vocabulary, names, axes, cues, defaults })
    }

    /// Every procedure mention found in the text, in text order; `code` is a complete code or
    /// the most specific partial one (undotted), with what it lacks.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let mut splitter = WordSplitter::default();
        let mut found = Vec::new();
        for sentence in sentences(text) {
            let tokens = content_tokens(&mut splitter, &self.vocabulary, text, sentence);
            let ids: Vec<Option<u32>> = tokens.iter().map(|token| token.id).collect();
            let mut start = 0;
            while start < tokens.len() {
                match self.mention_at(&tokens, &ids, start) {
                    Some((mention, length)) => {
                        found.push(mention);
                        start += length;
                    }
                    None => start += 1,
                }
            }
        }
        found.sort_by(|a, b| (a.start, a.end, &a.code).cmp(&(b.start, b.end, &b.code)));
        found.dedup_by(|later, kept| later.code == kept.code && later.evidence == kept.evidence);
        found
    }

    /// The mention of the longest procedure name starting at `tokens[start]`, and the name's
    /// length in words.
    fn mention_at(&self, tokens: &[Token], ids: &[Option<u32>], start: usize) -> Option<(Mention, usize)> {
        for (length, mains) in self.names.heads.all(ids[start..].iter().copied()) {
            let low = start.saturating_sub(WINDOW);
            let high = (start + length + WINDOW).min(tokens.len());
            let window = &ids[low..high];
            let anchor: Vec<usize> = (start - low..start - low + length).collect();
            let present: Vec<(&Cue, Vec<usize>)> = self.cues_in(window);
            let mut candidates: Vec<Candidate> = Vec::new();
            for &main in mains {
                let mut free: Vec<bool> = (0..window.len()).map(|at| !anchor.contains(&at)).collect();
                let mut used = anchor.clone();
                let needs = self.names.needs(main);
                if !needs.is_empty() {
                    let Some(at) = needs.iter().find_map(|words| axes::positions(words, window, &free)) else {
                        continue;
                    };
                    for &position in &at {
                        free[position] = false;
                    }
                    used.extend(at);
                }
                let reached = self.names.reach(main, window, &free);
                for &position in &reached.used {
                    free[position] = false;
                }
                used.extend(&reached.used);
                for lead in reached.found {
                    let completion =
                        self.axes.complete(&self.release.tables, &lead.code, &lead.forced, window, &free, &present);
                    candidates.push(self.candidate(completion, &used, &present));
                }
            }
            let Some(best) = self.best(candidates) else { continue };
            let words: Vec<Token> = best.used.iter().filter_map(|&at| tokens.get(low + at).copied()).collect();
            return Some((self.mention(best, evidence_of(&words)), length));
        }
        None
    }

    /// The cues whose words are in the window, with their positions.
    fn cues_in<'a>(&'a self, window: &[Option<u32>]) -> Vec<(&'a Cue, Vec<usize>)> {
        let all_free = vec![true; window.len()];
        let ids: Vec<u32> = window.iter().flatten().copied().collect();
        self.cues
            .present(&ids)
            .into_iter()
            .filter_map(|cue| Some((cue, axes::positions(&cue.words, window, &all_free)?)))
            .collect()
    }

    fn candidate(&self, completion: Completion, used: &[usize], present: &[(&Cue, Vec<usize>)]) -> Candidate {
        let operation = completion
            .code
            .get(..3)
            .and_then(|table| self.release.tables.table(table))
            .map(|table| table.operation.label.to_lowercase())
            .unwrap_or_default();
        let cue = present.iter().find(|(cue, _)| cue.label == operation);
        let mut all: Vec<usize> = used.iter().chain(&completion.used).copied().collect();
        if let Some((_, at)) = cue {
            all.extend(at);
        }
        all.sort_unstable();
        all.dedup();
        Candidate {
            operation_cued: cue.is_some(),
            operation_default: self.defaults.contains(&operation),
            completion,
            used: all,
        }
    }

    /// The candidate to suggest: the most complete code, then one whose operation a cue
    /// names, then the default; `None` when candidates that rank alike disagree, or when the
    /// code is shorter than [`MIN_PARTIAL`].
    fn best(&self, mut candidates: Vec<Candidate>) -> Option<Candidate> {
        let key = |c: &Candidate| (c.completion.code.len(), c.operation_cued, c.operation_default);
        candidates.sort_by_key(|c| std::cmp::Reverse(key(c)));
        let top = key(candidates.first()?);
        let tied = candidates.iter().take_while(|c| key(c) == top).collect::<Vec<_>>();
        if tied.iter().any(|c| c.completion.code != tied[0].completion.code) {
            return None;
        }
        let best = candidates.swap_remove(0);
        let side_only = best.completion.lacks == [Lack::Laterality];
        (best.completion.code.len() >= MIN_PARTIAL || side_only).then_some(best)
    }

    fn mention(&self, candidate: Candidate, evidence: Vec<Range<usize>>) -> Mention {
        let start = evidence.first().map_or(0, |range| range.start);
        let end = evidence.iter().map(|range| range.end).max().unwrap_or(start);
        let complete = candidate.completion.code.len() == 7;
        let words = evidence.len().min(5) as f32;
        let strength = (0.45 + 0.1 * words) * if complete { 1.0 } else { 0.8 };
        Mention {
            code: candidate.completion.code,
            start,
            end,
            evidence,
            source: MentionSource::Index,
            strength: strength.min(0.95),
            lacks: candidate.completion.lacks,
            main_term: false,
        }
    }

    /// A title for a partial code: its axis labels from the table, in order ("Medical and
    /// Surgical, Lower Joints, Replacement, Knee Joint, Right, Open").
    pub fn partial_title(&self, code: &str) -> Option<String> {
        let tables = &self.release.tables;
        let mut labels: Vec<String> = Vec::new();
        for at in 0..code.len() {
            let prefix = code.get(..at)?;
            let wanted = code[at..].chars().next()?;
            let value = tables.next_axis(prefix).into_iter().find(|value| value.code == wanted)?;
            labels.push(value.label.to_string());
        }
        (!labels.is_empty()).then(|| labels.join(", "))
    }

    /// Number of stems the suggester knows (for memory estimates).
    pub fn vocabulary_size(&self) -> usize {
        self.vocabulary.count()
    }
}
