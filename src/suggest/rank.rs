//! Mentions merged into ranked suggestions. A mention whose words are all part of another
//! mention's words is the less specific reading and gives way ("diabetes" → E11.9 inside
//! "diabetes with chronic kidney disease" → E11.22), unless the wider code's tabular notes ask
//! for its category as well ("use additional code ... (I50.-)" keeps I50.9 beside I11.0) — but
//! never beside a wider reading of its own category (I50.32 for "chronic diastolic heart
//! failure").
//! A main term's own symptom code gives way too: the "pain" of "chest pain" is not R52 beside
//! R07.9.
//! Of two codes of one category read from the same words, the weaker gives way.
//! A code's score combines its mentions' strengths as independent evidence: 1 − Π(1 − s);
//! a learned [`Prior`] then reweighs it by how often the code, found, is coded.

use std::collections::HashMap;
use std::ops::Range;

use super::codes::CodeTable;
use super::prior::Prior;
use super::{Mention, Suggestion};

/// Ranks the kept mentions; see the module documentation.
pub fn rank(
    codes: Option<&CodeTable>,
    mentions: &[Mention],
    keep: impl Fn(usize) -> bool,
    max: usize,
    prior: Option<&Prior>,
) -> Vec<Suggestion> {
    let kept: Vec<usize> = (0..mentions.len()).filter(|at| keep(*at)).collect();
    // First the weaker of two same-category readings of the same words, then narrower readings.
    let kept: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&at| !kept.iter().any(|&other| other != at && same_words_weaker(&mentions[at], &mentions[other])))
        .collect();
    let mut by_code: HashMap<&str, Suggestion> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for &at in &kept {
        let mention = &mentions[at];
        let wider = kept.iter().any(|&other| other != at && gives_way(codes, mention, &mentions[other]));
        if wider {
            continue;
        }
        let suggestion = by_code.entry(mention.code.as_str()).or_insert_with(|| {
            order.push(mention.code.as_str());
            Suggestion { code: mention.code.clone(), score: 0.0, mentions: Vec::new(), lacks: Vec::new() }
        });
        let strongest = suggestion.mentions.iter().map(|i| mentions[*i].strength).fold(0.0f32, f32::max);
        if mention.strength > strongest {
            suggestion.lacks = mention.lacks.clone();
        }
        suggestion.score = 1.0 - (1.0 - suggestion.score) * (1.0 - mention.strength.clamp(0.0, 1.0));
        suggestion.mentions.push(at);
    }
    let mut ranked: Vec<Suggestion> = order.into_iter().filter_map(|code| by_code.remove(code)).collect();
    if let Some(prior) = prior {
        for suggestion in &mut ranked {
            suggestion.score = prior.reweigh(&suggestion.code, suggestion.score);
        }
    }
    // Stable: equal scores keep text order.
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    ranked.truncate(max);
    ranked
}

/// Whether `narrow` gives way to `wide`: another code, whose words strictly contain its words,
/// and whose notes do not ask for `narrow`'s category as well.
fn gives_way(codes: Option<&CodeTable>, narrow: &Mention, wide: &Mention) -> bool {
    if narrow.code == wide.code {
        return false;
    }
    if !strictly_within(&narrow.evidence, &wide.evidence) {
        return false;
    }
    // A wider reading in the same category is the more specific code of the same condition
    // ("heart failure" → I50.9 inside "chronic diastolic heart failure" → I50.32): no note asks
    // for a code beside its own less specific sibling.
    if narrow.code.get(..3) == wide.code.get(..3) {
        return true;
    }
    let undotted: String = wide.code.chars().filter(|c| *c != '.').collect();
    let asked = codes
        .and_then(|codes| codes.find(&undotted).and_then(|at| codes.get(at)))
        .is_some_and(|info| info.additional.iter().any(|category| narrow.code.as_bytes().starts_with(category)));
    !asked
}

/// Whether `narrow` and `wide` read the same words as codes of one category and `narrow` is
/// the weaker reading.
fn same_words_weaker(narrow: &Mention, wide: &Mention) -> bool {
    narrow.code != wide.code
        && narrow.code.get(..3) == wide.code.get(..3)
        && narrow.evidence == wide.evidence
        && (narrow.strength, &narrow.code) < (wide.strength, &wide.code)
}

/// Whether every range of `inner` lies within a range of `outer`, and `outer` covers more bytes.
fn strictly_within(inner: &[Range<usize>], outer: &[Range<usize>]) -> bool {
    let covered = |ranges: &[Range<usize>]| ranges.iter().map(|range| range.len()).sum::<usize>();
    let inside = inner.iter().all(|range| outer.iter().any(|wide| wide.start <= range.start && range.end <= wide.end));
    inside && covered(outer) > covered(inner)
}
