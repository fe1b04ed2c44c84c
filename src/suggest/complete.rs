//! Code completion and what the note lacks. A category to complete (`S72.00-`) becomes the
//! billable code under it whose title the sentence supports best ("right", "closed"), else
//! the unspecified one, with the initial encounter ("A") when the note names none. Every
//! suggested code is then told what the documentation lacks for a more specific one: a side
//! when its siblings name sides, an acuity, a type, a site, an encounter.

use super::codes::{flags, CodeTable};
use super::Lack;

/// A completion candidate's score: sentence words its title shares, then "unspecified", then
/// an initial encounter, then the shortest code and the code itself (smallest first).
type CandidateKey = (usize, bool, bool, std::cmp::Reverse<usize>);

/// The title words of each billable code, by code position, for choosing completions.
pub trait TitleWords {
    /// The stem ids of the title of the code at `at`.
    fn title_ids(&self, at: u32) -> &[u32];
}

/// The billable code under `prefix` the sentence supports best; see the module documentation.
/// `sentence` holds the stem ids of the sentence's words.
pub fn complete(codes: &CodeTable, titles: &impl TitleWords, prefix: &str, sentence: &[u32]) -> Option<u32> {
    let mut best: Option<(CandidateKey, u32)> = None;
    for at in codes.under(prefix) {
        let Some(info) = codes.get(at) else { continue };
        let shared = titles.title_ids(at).iter().filter(|id| sentence.contains(id)).count();
        let unspecified = info.flags & flags::UNSPECIFIED != 0;
        let initial = info.code.len() < 7 || info.code.ends_with('A');
        let key = (shared, unspecified, initial, std::cmp::Reverse(info.code.len()));
        if best.as_ref().is_none_or(|(current, _)| key > *current) {
            best = Some((key, at));
        }
    }
    best.map(|(_, at)| at)
}

/// What the documentation lacks for a more specific code than the one at `at`; `completed`
/// says whether the code was chosen by completion, `encounter_named` whether the sentence
/// names an encounter.
pub fn lacks(codes: &CodeTable, at: u32, completed: bool, encounter_named: bool) -> Vec<Lack> {
    let Some(info) = codes.get(at) else {
        return Vec::new();
    };
    let own = info.flags;
    // Its siblings: the codes of its category for a four-character code ("I50.9" among the
    // I50 codes), else of its subcategory.
    let width = if info.code.len() <= 4 { 3 } else { 4 };
    let siblings = codes.under(info.code.get(..width).unwrap_or(&info.code));
    let around = siblings.filter_map(|sibling| codes.get(sibling)).fold(0u16, |bits, sibling| bits | sibling.flags);
    let mut found = Vec::new();
    if own & flags::UNSPECIFIED_SIDE != 0 || (around & flags::SIDE != 0 && own & flags::SIDE == 0) {
        found.push(Lack::Laterality);
    }
    if around & flags::ACUITY != 0 && own & flags::ACUITY == 0 {
        found.push(Lack::Acuity);
    }
    if own & flags::UNSPECIFIED_TYPE != 0 {
        found.push(Lack::Type);
    }
    if own & flags::UNSPECIFIED_SITE != 0 {
        found.push(Lack::Site);
    }
    if completed && own & flags::ENCOUNTER != 0 && !encounter_named {
        found.push(Lack::Encounter);
    }
    if found.is_empty() && own & flags::UNSPECIFIED != 0 {
        found.push(Lack::Other("the detail a more specific code needs".to_string()));
    }
    found
}
