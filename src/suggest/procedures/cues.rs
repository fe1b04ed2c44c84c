//! Cue words of operative notes ("laparoscopic", "biopsy", "total") that name an ICD-10-PCS
//! axis value in other words; the list is data (`data/suggest/pcs-cues.tsv`, compiled in).

use crate::index::analyzer::WordSplitter;

use super::super::tokens::{intern_words, Vocabulary};

/// The shipped cue list.
const SHIPPED: &str = include_str!("../../../data/suggest/pcs-cues.tsv");

/// The words of a cue that holds when nothing in the note decides.
const DEFAULT_CUE: &str = "-";

/// The labels the shipped list prefers when nothing in the note decides (lower case).
pub fn defaults() -> Vec<String> {
    SHIPPED
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .filter(|(words, _)| *words == DEFAULT_CUE)
        .map(|(_, label)| label.trim().to_lowercase())
        .collect()
}

/// One cue: the stem ids of its words and the axis value label it names (lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Stem ids, all of which must be in the window.
    pub words: Vec<u32>,
    /// The label, folded to lower case.
    pub label: String,
}

/// Every cue, in file order.
#[derive(Debug, Default)]
pub struct Cues {
    cues: Vec<Cue>,
}

impl Cues {
    /// The shipped cues, their words interned in `vocabulary`.
    pub fn shipped(splitter: &mut WordSplitter, vocabulary: &mut Vocabulary) -> Cues {
        Cues::parse(SHIPPED, splitter, vocabulary)
    }

    /// Cues from text in the file's layout; lines that are not `words<TAB>label` are skipped.
    pub fn parse(text: &str, splitter: &mut WordSplitter, vocabulary: &mut Vocabulary) -> Cues {
        let cues = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t'))
            .filter_map(|(words, label)| {
                let ids = intern_words(vocabulary, &splitter.words(words));
                (!ids.is_empty()).then(|| Cue { words: ids, label: label.trim().to_lowercase() })
            })
            .collect();
        Cues { cues }
    }

    /// The cues whose words are all among `window` (stem ids).
    pub fn present(&self, window: &[u32]) -> Vec<&Cue> {
        self.cues.iter().filter(|cue| cue.words.iter().all(|id| window.contains(id))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_cues_parse_and_match_by_stem() {
        let mut splitter = WordSplitter::default();
        let mut vocabulary = Vocabulary::default();
        let cues = Cues::shipped(&mut splitter, &mut vocabulary);
        let window: Vec<u32> =
            splitter.words("laparoscopic biopsies").iter().filter_map(|word| vocabulary.get(&word.stem)).collect();
        let labels: Vec<&str> = cues.present(&window).iter().map(|cue| cue.label.as_str()).collect();
        assert!(labels.contains(&"percutaneous endoscopic"), "{labels:?}");
        assert!(labels.contains(&"diagnostic") && labels.contains(&"excision"), "{labels:?}");
        assert!(!labels.contains(&"open"), "{labels:?}");
    }
}
