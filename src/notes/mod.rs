//! Coding a note: the code mentions the suggesters find ([`crate::suggest`]) judged by what the
//! note says about each ([`crate::text`]: negated, possible, hypothetical, historical, a
//! relative's), then ranked. Present mentions are codable; historical ones only as an ICD-10-CM
//! history code ("history of MI" → I25.2, "history of colon cancer" → Z85.038) and a relative's
//! only as a family-history code (Z80–Z84); a procedure (ICD-10-PCS, CPT, HCPCS) only when
//! present. The rest are returned apart when asked for. Several code systems are coded from
//! one reading of the note and their suggestions ranked together.
//!
//! Suggesters are built once per release, on first use ([`suggesters`]). Notes are patient
//! data: nothing here logs them.

mod suggesters;

use std::ops::Range;

use crate::codes::CodeSystem;
use crate::suggest::{Lack, Mention, Suggester, Suggestion};
use crate::text::{self, Analysis, Assertion, AssertionResult, Trigger};

pub use suggesters::{resident_kib, NoteSuggester, SuggesterInputs, Suggesters};

/// A code suggested for a note, with everything that supports it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteSuggestion {
    /// The code system.
    pub system: CodeSystem,
    /// The code, dotted; for ICD-10-PCS possibly a partial code.
    pub code: String,
    /// The title of a partial code (which the release does not list); `None` otherwise.
    pub partial_title: Option<String>,
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
    /// The code system.
    pub system: CodeSystem,
    /// The code the words lead to.
    pub code: String,
    /// The title of a partial code; `None` otherwise.
    pub partial_title: Option<String>,
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

/// A note and what is asked of its coding.
#[derive(Debug, Clone, Copy)]
pub struct Note<'a> {
    /// The text.
    pub text: &'a str,
    /// Its sentences, sections and assertion cues ([`text::analyze`]).
    pub analysis: &'a Analysis,
    /// Most suggestions.
    pub max: usize,
    /// Whether the uncodable mentions are wanted.
    pub include_uncodable: bool,
}

/// Codes `text` with an ICD-10-CM `suggester`: at most `max` suggestions, and the uncodable
/// mentions when `include_uncodable`.
pub fn code_note(suggester: &Suggester, text: &str, max: usize, include_uncodable: bool) -> NoteCoding {
    let analysis = text::analyze(text);
    let note = Note { text, analysis: &analysis, max, include_uncodable };
    let mentions = suggester.mentions(text);
    code_mentions(&note, CodeSystem::Icd10Cm, &mentions, |keep| suggester.rank(&mentions, keep, max), |_| None)
}

/// Codes a note with the suggesters of several systems and ranks their suggestions together
/// (best first, at most `note.max`); uncodable mentions in text order.
pub fn code_note_in(note: &Note<'_>, suggesters: &[(CodeSystem, &NoteSuggester)]) -> NoteCoding {
    let mut coding = NoteCoding::default();
    for &(system, suggester) in suggesters {
        let one = match suggester {
            NoteSuggester::Diagnoses(suggester) => {
                let mentions = suggester.mentions(note.text);
                code_mentions(note, system, &mentions, |keep| suggester.rank(&mentions, keep, note.max), |_| None)
            }
            NoteSuggester::Procedures(suggester) => {
                let mentions = suggester.mentions(note.text);
                let rank = |keep: &dyn Fn(usize) -> bool| crate::suggest::rank_plain(&mentions, keep, note.max);
                code_mentions(note, system, &mentions, rank, |code| {
                    (code.len() < 7).then(|| suggester.partial_title(code)).flatten()
                })
            }
            NoteSuggester::Descriptors(suggester) => {
                let mentions = suggester.mentions(note.text);
                let rank = |keep: &dyn Fn(usize) -> bool| crate::suggest::rank_plain(&mentions, keep, note.max);
                code_mentions(note, system, &mentions, rank, |_| None)
            }
            NoteSuggester::Unavailable => NoteCoding::default(),
        };
        coding.suggestions.extend(one.suggestions);
        coding.uncodable.extend(one.uncodable);
    }
    level_two_gives_way(&mut coding.suggestions);
    // Stable: equal scores keep the order of the systems asked for.
    coding.suggestions.sort_by(|a, b| b.score.total_cmp(&a.score));
    coding.suggestions.truncate(note.max);
    coding.uncodable.sort_by_key(|mention| mention.evidence.first().map_or(0, |range| range.start));
    coding
}

/// The mentions of one system judged, ranked by `rank` (given which mentions count) and
/// turned into suggestions; `partial_title` titles a code the release does not list.
fn code_mentions(
    note: &Note<'_>,
    system: CodeSystem,
    mentions: &[Mention],
    rank: impl FnOnce(&dyn Fn(usize) -> bool) -> Vec<Suggestion>,
    partial_title: impl Fn(&str) -> Option<String>,
) -> NoteCoding {
    let (text, analysis) = (note.text, note.analysis);
    let diagnoses = system == CodeSystem::Icd10Cm;
    let judged: Vec<(AssertionResult, Option<&'static str>)> = mentions
        .iter()
        .map(|mention| match analysis.sentence_at(mention.start) {
            Some(sentence) => {
                let mut result = text::assert_mention(text, analysis, sentence, mention.start..mention.end);
                // A history code read from "history of X" holds its own trigger: judge the
                // words after the first ("MI" of "History of MI").
                if diagnoses && result.assertion == Assertion::Present && is_history_code(&mention.code) {
                    if let Some(rest) = mention.evidence.get(1) {
                        let after = text::assert_mention(text, analysis, sentence, rest.start..mention.end);
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
    let codable = |index: usize| {
        let assertion = judged[index].0.assertion;
        if diagnoses {
            is_codable(assertion, &mentions[index].code)
        } else {
            assertion == Assertion::Present
        }
    };
    let suggestions = rank(&codable)
        .into_iter()
        .map(|suggestion| {
            let first = suggestion.mentions.iter().copied().min().unwrap_or_default();
            let (assertion, section) = judged.get(first).map_or((present(), None), |(a, s)| (a.clone(), *s));
            let evidence = merged(
                text,
                suggestion.mentions.iter().filter_map(|&i| mentions.get(i)).flat_map(|m| m.evidence.iter().cloned()),
            );
            NoteSuggestion {
                system,
                partial_title: partial_title(&suggestion.code),
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
    if note.include_uncodable {
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
                system,
                code: mention.code.clone(),
                partial_title: partial_title(&mention.code),
                evidence,
                assertion: assertion.assertion,
                triggers: deciding(assertion),
                section: *section,
            });
        }
        drop_contained(&mut uncodable);
    }
    NoteCoding { suggestions, uncodable }
}

/// Drops an uncodable mention whose words all lie inside another's wider mention of the same
/// assertion ("pain" in "denies chest pain"): the wider one says it.
fn drop_contained(uncodable: &mut Vec<UncodableMention>) {
    let width = |mention: &UncodableMention| mention.evidence.iter().map(|range| range.len()).sum::<usize>();
    let inside = |inner: &UncodableMention, outer: &UncodableMention| {
        inner.code != outer.code
            && inner.assertion == outer.assertion
            && width(inner) < width(outer)
            && inner
                .evidence
                .iter()
                .all(|range| outer.evidence.iter().any(|wider| wider.start <= range.start && range.end <= wider.end))
    };
    let contained: Vec<bool> =
        uncodable.iter().map(|mention| uncodable.iter().any(|other| inside(mention, other))).collect();
    let mut contained = contained.into_iter();
    uncodable.retain(|_| !contained.next().unwrap_or(false));
}

/// HCPCS Level II codes what CPT does not: a Level II suggestion read from words that all
/// support a CPT suggestion gives way ("diagnostic colonoscopy" is 45378, not a G code).
fn level_two_gives_way(suggestions: &mut Vec<NoteSuggestion>) {
    let cpt_words: Vec<Range<usize>> = suggestions
        .iter()
        .filter(|suggestion| suggestion.system == CodeSystem::Cpt)
        .flat_map(|suggestion| suggestion.evidence.iter().cloned())
        .collect();
    suggestions.retain(|suggestion| {
        let within =
            |range: &Range<usize>| cpt_words.iter().any(|cpt| cpt.start <= range.start && range.end <= cpt.end);
        suggestion.system != CodeSystem::Hcpcs || !suggestion.evidence.iter().all(within)
    });
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
