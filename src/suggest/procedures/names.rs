//! Procedure names of the ICD-10-PCS Alphabetic Index found in a note: a main term's leading
//! words anchor it ("appendectomy", "replacement"), the words after its comma must be nearby
//! ("Replacement, knee"), and the walk goes down the terms whose words are all nearby
//! ("Replacement" → "Joint" → "Knee" → "Right" for "right knee replacement"; "joint" may go
//! unsaid). The deepest entry's targets are the leads: a table or partial code, or a "see"
//! to another entry, walked again with the same words. An entry without targets leads to
//! what every code below it starts with ("Knee" → 0SR when the side is not said).

use crate::codes::pcs_index::{IndexTarget, PcsIndex, SeeResolution};
use crate::index::analyzer::WordSplitter;

use super::super::phrases::PhraseTrie;
use super::super::tokens::{is_stop_word, Vocabulary};
use super::axes::positions;

/// Term words a note may leave out.
const OPTIONAL_WORDS: [&str; 3] = ["joint", "region", "structure"];

/// "See" hops followed from one name.
const MAX_HOPS: usize = 2;

/// Where an entry leads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lead {
    /// A table, partial or complete code.
    Code(String),
    /// Another entry, walked with the same words.
    Entry(u32),
}

/// A lead and the axis value labels it fixes ("with qualifier Diagnostic", a "use" label).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    lead: Lead,
    forced: Option<String>,
}

/// A code a name leads to, with the labels it fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// 3 to 7 characters.
    pub code: String,
    /// Lower-case labels the index fixes for it.
    pub forced: Vec<String>,
}

/// What the walk from a name reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reached {
    /// The codes it leads to.
    pub found: Vec<Found>,
    /// Window positions of the term words it used.
    pub used: Vec<usize>,
}

/// The index's names, prepared for notes.
#[derive(Debug, Default)]
pub struct IndexNames {
    /// A main term's leading words (before its first comma) → main term ids.
    pub heads: PhraseTrie<u32>,
    /// Per entry: alternatives ("Partial or total") of the stem ids a note must hold; for a main
    /// term, of the words after its first comma.
    words: Vec<Vec<Vec<u32>>>,
    targets: Vec<Vec<Target>>,
    children: Vec<Vec<u32>>,
    /// Per entry: what the codes below it start with, when at least a table.
    below: Vec<Option<String>>,
}

impl IndexNames {
    /// Prepares every entry of `index`, its words interned in `vocabulary`.
    pub fn build(index: &PcsIndex, splitter: &mut WordSplitter, vocabulary: &mut Vocabulary) -> IndexNames {
        let count = index.entries().len();
        let mut names = IndexNames {
            heads: PhraseTrie::default(),
            words: Vec::with_capacity(count),
            targets: Vec::with_capacity(count),
            children: vec![Vec::new(); count],
            below: vec![None; count],
        };
        let mut ids = |text: &str| -> Vec<u32> {
            splitter
                .words(text)
                .iter()
                .filter(|word| !is_stop_word(&word.folded) && !OPTIONAL_WORDS.contains(&word.folded.as_str()))
                .map(|word| vocabulary.intern(&word.stem))
                .collect()
        };
        for (id, entry) in index.entries().iter().enumerate() {
            let title = entry.title();
            let alternatives = if entry.level() == 0 {
                let (head, tail) = title.split_once(',').unwrap_or((title, ""));
                names.heads.insert(&ids(head), id as u32);
                let tail = ids(tail);
                if tail.is_empty() {
                    Vec::new()
                } else {
                    vec![tail]
                }
            } else {
                title.split(" or ").map(&mut ids).collect()
            };
            names.words.push(alternatives);
            names.targets.push(entry.targets().iter().filter_map(|target| resolve(index, target)).collect());
            if let Some(parent) = entry.parent() {
                names.children[parent].push(id as u32);
            }
        }
        for id in (0..count).rev() {
            let own = names.targets[id].iter().filter_map(|target| match &target.lead {
                Lead::Code(code) => Some(code.clone()),
                Lead::Entry(_) => None,
            });
            let below = names.children[id].iter().filter_map(|&child| names.below[child as usize].clone());
            names.below[id] = common_prefix(own.chain(below));
        }
        names
    }

    /// Alternatives of the words a main term needs beside its leading words.
    pub fn needs(&self, main: u32) -> &[Vec<u32>] {
        self.words.get(main as usize).map_or(&[], Vec::as_slice)
    }

    /// Walks down from `entry` with the `free` words of `window` (stem ids).
    pub fn reach(&self, entry: u32, window: &[Option<u32>], free: &[bool]) -> Reached {
        let mut reached = Reached::default();
        self.reach_into(entry, window, free, MAX_HOPS, &[], &mut reached);
        reached
    }

    fn reach_into(
        &self,
        entry: u32,
        window: &[Option<u32>],
        free: &[bool],
        hops: usize,
        forced: &[String],
        reached: &mut Reached,
    ) {
        let (deepest, used) = self.deepest(entry, window, free);
        let mut free_after = free.to_vec();
        for &at in &used {
            free_after[at] = false;
        }
        reached.used.extend(used);
        let targets = &self.targets[deepest as usize];
        if targets.is_empty() {
            if let Some(code) = &self.below[deepest as usize] {
                reached.found.push(Found { code: code.clone(), forced: forced.to_vec() });
            }
            return;
        }
        for target in targets {
            let mut labels = forced.to_vec();
            labels.extend(target.forced.clone());
            match &target.lead {
                Lead::Code(code) => reached.found.push(Found { code: code.clone(), forced: labels }),
                Lead::Entry(next) if hops > 0 && *next != entry => {
                    self.reach_into(*next, window, &free_after, hops - 1, &labels, reached)
                }
                Lead::Entry(_) => {}
            }
        }
    }

    /// The deepest entry under `entry` whose words are all among the free words (most words
    /// first, then one with targets), and the positions used.
    fn deepest(&self, entry: u32, window: &[Option<u32>], free: &[bool]) -> (u32, Vec<usize>) {
        let mut best: (u32, Vec<usize>) = (entry, Vec::new());
        let has_leads = |id: u32| !self.targets[id as usize].is_empty() || self.below[id as usize].is_some();
        for &child in &self.children[entry as usize] {
            for alternative in &self.words[child as usize] {
                let Some(at) = positions(alternative, window, free) else { continue };
                let mut free_below = free.to_vec();
                for &position in &at {
                    free_below[position] = false;
                }
                let (reached, mut used) = self.deepest(child, window, &free_below);
                used.extend(at);
                let key = (used.len(), has_leads(reached));
                if key > (best.1.len(), has_leads(best.0)) {
                    best = (reached, used);
                }
            }
        }
        best
    }
}

/// A target as a lead: codes as they are, "see" texts resolved to an entry, "with qualifier X"
/// kept as a label; a "use" with a table fixes its label in that table.
fn resolve(index: &PcsIndex, target: &IndexTarget) -> Option<Target> {
    match target {
        IndexTarget::Code(code) => Some(Target { lead: Lead::Code(code.to_string()), forced: None }),
        IndexTarget::Use { label, table } => {
            Some(Target { lead: Lead::Code(table.as_ref()?.to_string()), forced: Some(label.to_lowercase()) })
        }
        IndexTarget::See { text, code } => {
            let (text, qualifier) = match text.split_once(" with qualifier ") {
                Some((text, qualifier)) => (text, Some(qualifier.trim().to_lowercase())),
                None => (&**text, None),
            };
            if let Some(code) = code {
                return Some(Target { lead: Lead::Code(code.to_string()), forced: qualifier });
            }
            match index.resolve_see(text) {
                SeeResolution::Term(id) | SeeResolution::Partial(id) => {
                    Some(Target { lead: Lead::Entry(u32::try_from(id).ok()?), forced: qualifier })
                }
                SeeResolution::Unresolved => None,
            }
        }
    }
}

/// What all the codes start with, when at least a table (3 characters).
fn common_prefix(codes: impl Iterator<Item = String>) -> Option<String> {
    let mut common: Option<String> = None;
    for code in codes {
        let shared = match &common {
            None => code,
            Some(known) => known.chars().zip(code.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect(),
        };
        if shared.len() < 3 {
            return None;
        }
        common = Some(shared);
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefixes_stop_below_a_table() {
        let codes = |list: &[&str]| list.iter().map(|code| code.to_string()).collect::<Vec<_>>().into_iter();
        assert_eq!(common_prefix(codes(&["0SRD", "0SRC"])), Some("0SR".to_string()));
        assert_eq!(common_prefix(codes(&["0SRC", "0SRC0J9"])), Some("0SRC".to_string()));
        assert_eq!(common_prefix(codes(&["0SRC", "0RRC"])), None);
        assert_eq!(common_prefix(codes(&[])), None);
    }
}
