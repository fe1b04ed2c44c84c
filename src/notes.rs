//! Coding a note: the code mentions the suggester finds ([`crate::suggest`]) judged by what the
//! note says about each ([`crate::text`]: negated, possible, hypothetical, historical, a
//! relative's), then ranked. Present mentions are codable; historical ones only as a history
//! code ("history of MI" → I25.2, "history of colon cancer" → Z85.038) and a relative's only as
//! a family-history code (Z80–Z84); the rest are returned apart when asked for.
//!
//! Suggesters are built once per ICD-10-CM release, on first use or ahead of it
//! ([`Suggesters::warm`]). Notes are patient data: nothing here logs them.

use std::ops::Range;
use std::sync::OnceLock;

use crate::alpha_index::IndexReleases;
use crate::codes::{Catalog, CodeSystem, Date, Release};
use crate::index::Synonyms;
use crate::suggest::{Lack, Suggester};
use crate::text::{self, Assertion, AssertionResult, Trigger};

/// One suggester per catalog release (built for ICD-10-CM releases only), each on first use.
#[derive(Debug, Default)]
pub struct Suggesters {
    by_release: Vec<OnceLock<Suggester>>,
}

impl Suggesters {
    /// Room for every release of `catalog`; nothing is built yet.
    pub fn new(catalog: &Catalog) -> Suggesters {
        Suggesters { by_release: catalog.releases().iter().map(|_| OnceLock::new()).collect() }
    }

    /// The suggester of `release` (an ICD-10-CM release), built now if it was not yet, with the
    /// Alphabetic Index in force when the release takes effect.
    pub fn get(&self, release: &Release, indexes: &IndexReleases, synonyms: &Synonyms) -> Option<&Suggester> {
        let slot = self.by_release.get(release.id as usize)?;
        Some(slot.get_or_init(|| {
            let index = indexes.in_force(CodeSystem::Icd10Cm, release.info.effective_from);
            Suggester::build(release, index.map(|index| &index.index), Some(synonyms))
        }))
    }

    /// Builds the suggester of the ICD-10-CM release in force on `date`, so that the first
    /// note does not wait for it. Blocking (about half a second).
    pub fn warm(&self, catalog: &Catalog, indexes: &IndexReleases, synonyms: &Synonyms, date: Date) {
        if let Some(release) = catalog.release_in_force(CodeSystem::Icd10Cm, date) {
            let _ = self.get(release, indexes, synonyms);
        }
    }
}

/// A code suggested for a note, with everything that supports it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteSuggestion {
    /// The code, dotted.
    pub code: String,
    /// Score in [0, 1].
    pub score: f32,
    /// Byte ranges of the words that support it, in text order, without repeats.
    pub evidence: Vec<Range<usize>>,
    /// Present, or historical for a history code, or family for a family-history code.
    pub assertion: Assertion,
    /// The trigger phrases that decided the assertion.
    pub triggers: Vec<Trigger>,
    /// The section of its first mention.
    pub section: Option<&'static str>,
    /// What the documentation lacks for a more specific code.
    pub lacks: Vec<Lack>,
}

/// A mention that is not codable, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct UncodableMention {
    /// The code the words lead to.
    pub code: String,
    /// Byte ranges of its words.
    pub evidence: Vec<Range<usize>>,
    /// Negated, possible, hypothetical, or historical / a relative's without a history code.
    pub assertion: Assertion,
    /// The trigger phrases that decided it.
    pub triggers: Vec<Trigger>,
    /// The section it is in.
    pub section: Option<&'static str>,
}

/// What a note supports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoteCoding {
    /// Best first.
    pub suggestions: Vec<NoteSuggestion>,
    /// In text order (only when asked for).
    pub uncodable: Vec<UncodableMention>,
}

/// Codes `text` with `suggester`: at most `max` suggestions, and the uncodable mentions when
/// `include_uncodable`.
pub fn code_note(suggester: &Suggester, text: &str, max: usize, include_uncodable: bool) -> NoteCoding {
    let analysis = text::analyze(text);
    let mentions = suggester.mentions(text);
    let judged: Vec<(AssertionResult, Option<&'static str>)> = mentions
        .iter()
        .map(|mention| match analysis.sentence_at(mention.start) {
            Some(sentence) => {
                let mut result = text::assert_mention(text, &analysis, sentence, mention.start..mention.end);
                // A history code read from "history of X" holds its own trigger: judge the
                // words after the first ("MI" of "History of MI").
                if result.assertion == Assertion::Present && is_history_code(&mention.code) {
                    if let Some(rest) = mention.evidence.get(1) {
                        let after = text::assert_mention(text, &analysis, sentence, rest.start..mention.end);
                        if matches!(after.assertion, Assertion::Historical | Assertion::Family) {
                            result = after;
                        }
                    }
                }
                (result, analysis.sentences[sentence].section.map(|section| section.name))
            }
            None => (present(), None),
        })
        .collect();
    let codable = |index: usize| is_codable(judged[index].0.assertion, &mentions[index].code);
    let suggestions = suggester
        .rank(&mentions, codable, max)
        .into_iter()
        .map(|suggestion| {
            let first = suggestion.mentions.iter().copied().min().unwrap_or_default();
            let (assertion, section) = judged.get(first).map_or((present(), None), |(a, s)| (a.clone(), *s));
            let evidence = merged(
                text,
                suggestion.mentions.iter().filter_map(|&i| mentions.get(i)).flat_map(|m| m.evidence.iter().cloned()),
            );
            NoteSuggestion {
                code: suggestion.code,
                score: suggestion.score,
                evidence,
                triggers: deciding(&assertion),
                assertion: assertion.assertion,
                section,
                lacks: suggestion.lacks,
            }
        })
        .collect();
    let mut uncodable: Vec<UncodableMention> = Vec::new();
    if include_uncodable {
        for (index, mention) in mentions.iter().enumerate() {
            if codable(index) {
                continue;
            }
            let (assertion, section) = &judged[index];
            let evidence = merged(text, mention.evidence.iter().cloned());
            let same =
                |seen: &&mut UncodableMention| seen.code == mention.code && seen.assertion == assertion.assertion;
            if let Some(seen) = uncodable.iter_mut().find(same) {
                seen.evidence = merged(text, seen.evidence.drain(..).chain(evidence));
                continue;
            }
            uncodable.push(UncodableMention {
                code: mention.code.clone(),
                evidence,
                assertion: assertion.assertion,
                triggers: deciding(assertion),
                section: *section,
            });
        }
    }
    NoteCoding { suggestions, uncodable }
}

/// Whether a mention with `assertion` may be coded as `code`.
pub fn is_codable(assertion: Assertion, code: &str) -> bool {
    match assertion {
        Assertion::Present => true,
        Assertion::Historical => is_history_code(code),
        Assertion::Family => is_family_history_code(code),
        Assertion::Negated | Assertion::Possible | Assertion::Hypothetical => false,
    }
}

/// Codes that state a past condition or treatment of the patient: personal history
/// (Z85–Z87), history of treatment (Z92), postprocedural states (Z98), old myocardial
/// infarction (I25.2), and family history (Z80–Z84, which the history triggers also reach).
fn is_history_code(code: &str) -> bool {
    let prefix = |p: &str| code.starts_with(p);
    ["Z85", "Z86", "Z87", "Z92", "Z98", "I25.2"].iter().any(|p| prefix(p)) || is_family_history_code(code)
}

/// Family history of a condition (Z80–Z84).
fn is_family_history_code(code: &str) -> bool {
    ["Z80", "Z81", "Z82", "Z83", "Z84"].iter().any(|p| code.starts_with(p))
}

fn present() -> AssertionResult {
    AssertionResult { assertion: Assertion::Present, triggers: Vec::new(), from_section: false }
}

/// The triggers of the winning assertion (the losing kinds left out).
fn deciding(result: &AssertionResult) -> Vec<Trigger> {
    result.triggers.iter().filter(|trigger| trigger.assertion == result.assertion).copied().collect()
}

/// Ranges of `text` sorted by start, overlapping ones joined, and so are ones only spaces
/// apart ("type", "2", "diabetes" → "type 2 diabetes"): the phrases a reader highlights.
fn merged(text: &str, ranges: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut all: Vec<Range<usize>> = ranges.collect();
    all.sort_by_key(|range| (range.start, range.end));
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(all.len());
    for range in all {
        let touches = |last: &Range<usize>| {
            range.start <= last.end
                || text.get(last.end..range.start).is_some_and(|gap| gap.bytes().all(|b| b == b' ' || b == b'\t'))
        };
        match joined.last_mut() {
            Some(last) if touches(last) => last.end = last.end.max(range.end),
            _ => joined.push(range),
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_and_family_codes_are_codable_only_as_such() {
        assert!(is_codable(Assertion::Present, "I21.9"));
        assert!(is_codable(Assertion::Historical, "I25.2"));
        assert!(is_codable(Assertion::Historical, "Z85.038"));
        assert!(!is_codable(Assertion::Historical, "I21.9"));
        assert!(is_codable(Assertion::Family, "Z80.3"));
        assert!(!is_codable(Assertion::Family, "C50.919"));
        assert!(!is_codable(Assertion::Family, "Z85.3"));
        for assertion in [Assertion::Negated, Assertion::Possible, Assertion::Hypothetical] {
            assert!(!is_codable(assertion, "R07.9"));
            assert!(!is_codable(assertion, "Z87.891"));
        }
    }

    #[test]
    fn evidence_is_sorted_with_overlaps_and_spaces_joined() {
        let text = "abc, efgh  jk\nmn";
        assert_eq!(merged(text, [5..9, 0..3, 5..9, 0..2, 11..13, 7..8, 14..16].into_iter()), vec![0..3, 5..13, 14..16]);
    }
}
