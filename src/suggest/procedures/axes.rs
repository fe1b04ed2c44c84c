//! Completing an ICD-10-PCS code from the table axes, position by position, the way a coder
//! builds one: after a table or partial code, each next position takes the one value the row
//! allows, or the value whose label the note spells out ("Knee Joint, Right" from "right
//! knee"; the most words wins), or the value a cue names ("laparoscopic" → Percutaneous
//! Endoscopic), or "No Device" / "No Qualifier" when the note says nothing more. Where none of
//! these decides, the code stops there and the position is what the documentation lacks.

use std::collections::HashMap;

use crate::codes::pcs::{AxisValue, PcsTables};
use crate::index::analyzer::WordSplitter;

use super::super::tokens::{is_stop_word, Vocabulary};
use super::super::Lack;
use super::cues::Cue;

/// Label words that a note may leave out ("Knee Joint, Right" is "right knee").
const OPTIONAL_WORDS: [&str; 3] = ["joint", "region", "structure"];

/// Words that name a side.
const SIDE_WORDS: [&str; 2] = ["right", "left"];

/// The words of one axis value label.
#[derive(Debug, Clone, Default)]
struct LabelWords {
    /// Stem ids the note must hold for the label to be spelled out.
    required: Vec<u32>,
    /// Of those, the ones naming a side.
    sides: Vec<u32>,
}

/// The words of every axis value label of a release, by lower-case label.
#[derive(Debug, Default)]
pub struct AxisWords {
    by_label: HashMap<String, LabelWords>,
}

/// A code completed as far as the note allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// 3 to 7 characters.
    pub code: String,
    /// What stopped it (empty for a complete code).
    pub lacks: Vec<Lack>,
    /// Window positions of the words that chose values.
    pub used: Vec<usize>,
}

impl AxisWords {
    /// The label words of every axis value of `tables`, interned in `vocabulary`.
    pub fn build(tables: &PcsTables, splitter: &mut WordSplitter, vocabulary: &mut Vocabulary) -> AxisWords {
        let mut by_label: HashMap<String, LabelWords> = HashMap::new();
        let labels = tables.tables().iter().flat_map(|table| {
            table.head().into_iter().chain(table.rows.iter().flat_map(|row| row.axes.iter().flatten()))
        });
        for value in labels {
            let key = value.label.to_lowercase();
            if by_label.contains_key(&key) {
                continue;
            }
            let mut words = LabelWords::default();
            for word in splitter.words(&value.label) {
                if is_stop_word(&word.folded) || OPTIONAL_WORDS.contains(&word.folded.as_str()) {
                    continue;
                }
                let id = vocabulary.intern(&word.stem);
                if SIDE_WORDS.contains(&word.folded.as_str()) {
                    words.sides.push(id);
                }
                words.required.push(id);
            }
            by_label.insert(key, words);
        }
        AxisWords { by_label }
    }

    /// Completes `start` (a table or partial code) from the `window`'s stem ids, taking
    /// `forced` labels first (a "with qualifier Diagnostic" of the index), then spelled-out
    /// labels, then `cues`, then a "No ..." value. `free[i]` says whether window word `i` may
    /// still choose a value.
    pub fn complete(
        &self,
        tables: &PcsTables,
        start: &str,
        forced: &[String],
        window: &[Option<u32>],
        free: &[bool],
        cues: &[(&Cue, Vec<usize>)],
    ) -> Completion {
        let mut code = start.to_string();
        let mut used: Vec<usize> = Vec::new();
        while code.len() < 7 {
            let values = tables.next_axis(&code);
            let chosen = match values.as_slice() {
                [] => break,
                [only] => Some(only.code),
                _ => self.choose(&values, forced, window, free, cues, &mut used),
            };
            let Some(chosen) = chosen else {
                let lack = self.lack(tables, &code, &values, window);
                return Completion { code, lacks: vec![lack], used };
            };
            code.push(chosen);
        }
        Completion { code, lacks: Vec::new(), used }
    }

    fn choose(
        &self,
        values: &[AxisValue],
        forced: &[String],
        window: &[Option<u32>],
        free: &[bool],
        cues: &[(&Cue, Vec<usize>)],
        used: &mut Vec<usize>,
    ) -> Option<char> {
        let lower = |value: &AxisValue| value.label.to_lowercase();
        if let Some(value) = values.iter().find(|value| forced.contains(&lower(value))) {
            return Some(value.code);
        }
        let mut spelled: Vec<(usize, &AxisValue, Vec<usize>)> = values
            .iter()
            .filter_map(|value| {
                let words = self.by_label.get(&lower(value))?;
                let at = positions(&words.required, window, free)?;
                (!words.required.is_empty()).then_some((words.required.len(), value, at))
            })
            .collect();
        spelled.sort_by_key(|(words, _, _)| std::cmp::Reverse(*words));
        match spelled.as_slice() {
            [(best, value, at), rest @ ..] if rest.first().is_none_or(|(next, _, _)| next < best) => {
                used.extend(at);
                return Some(value.code);
            }
            [_, ..] => return None,
            [] => {}
        }
        let cued: Vec<(&AxisValue, &Vec<usize>)> = cues
            .iter()
            .filter_map(|(cue, at)| Some((values.iter().find(|value| lower(value) == cue.label)?, at)))
            .collect();
        if let Some((first, _)) = cued.first() {
            if cued.iter().all(|(value, _)| value.code == first.code) {
                used.extend(cued.iter().flat_map(|(_, at)| at.iter().copied()));
                return Some(first.code);
            }
            return None;
        }
        values.iter().find(|value| value.label.starts_with("No ")).map(|value| value.code)
    }

    /// What the note lacks at the position after `code`: named from the table's axis title,
    /// a side when the values the note does name differ only by side.
    fn lack(&self, tables: &PcsTables, code: &str, values: &[AxisValue], window: &[Option<u32>]) -> Lack {
        let axis = tables
            .table(code.get(..3).unwrap_or_default())
            .and_then(|table| table.axis_titles.get(code.len()))
            .map(|title| title.to_lowercase())
            .unwrap_or_default();
        let all_free = vec![true; window.len()];
        let named_but_side = values
            .iter()
            .filter_map(|value| self.by_label.get(&value.label.to_lowercase()))
            .filter(|words| !words.sides.is_empty() && words.required.len() > words.sides.len())
            .filter(|words| {
                let without_sides: Vec<u32> =
                    words.required.iter().copied().filter(|id| !words.sides.contains(id)).collect();
                positions(&without_sides, window, &all_free).is_some()
            })
            .count();
        match axis.as_str() {
            _ if named_but_side >= 2 => Lack::Laterality,
            "body part" | "body region" => Lack::Site,
            "approach" => Lack::Approach,
            "device" => Lack::Device,
            "qualifier" => Lack::Qualifier,
            "operation" => Lack::Operation,
            _ => Lack::Other(axis),
        }
    }
}

/// Window positions holding every id of `required` among the `free` ones (each position once).
pub fn positions(required: &[u32], window: &[Option<u32>], free: &[bool]) -> Option<Vec<usize>> {
    let mut taken: Vec<usize> = Vec::with_capacity(required.len());
    for id in required {
        let at = (0..window.len()).find(|&at| free[at] && window[at] == Some(*id) && !taken.contains(&at))?;
        taken.push(at);
    }
    Some(taken)
}
