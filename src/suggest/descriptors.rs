//! Suggesting CPT and HCPCS Level II codes from their descriptors: the note's longest
//! multi-word phrases that spell out how a descriptor begins ("Total knee replacement",
//! "Chest X-ray, two views", "Basic metabolic panel"). A descriptor is read in parts cut at its
//! punctuation and before an "of" that follows its head ("Basic metabolic panel | of blood
//! chemistry"), and each leading run of parts is a phrase: "Chest X-ray" leads to both one-
//! and two-view codes, "Chest X-ray, two views" to one. Conservative by design: a phrase is
//! suggested only when it has two content words or more and leads to exactly one code, and
//! modifiers and descriptors of other kinds (consumer, clinician) are read the same way.
//! Built once per release; knows nothing of gRPC. Notes are patient data: nothing here logs
//! them.

use std::ops::Range;

use crate::codes::{EntryKind, Release};
use crate::index::analyzer::WordSplitter;

use super::phrases::PhraseTrie;
use super::tokens::{content_tokens, intern_words, sentences, Vocabulary};
use super::{evidence_of, Mention, MentionSource};

/// Fewest content words of a phrase that is suggested.
const MIN_WORDS: usize = 2;

/// Characters that end a part of a descriptor.
const PART_ENDS: [char; 6] = [',', ';', ':', '(', ')', '.'];

/// Finds descriptor phrases in notes, for one CPT or HCPCS release.
#[derive(Debug)]
pub struct DescriptorSuggester {
    vocabulary: Vocabulary,
    /// Phrases → positions in `codes`.
    phrases: PhraseTrie<u32>,
    codes: Vec<String>,
}

impl DescriptorSuggester {
    /// Builds the suggester of a CPT or HCPCS release from its codes' descriptors.
    pub fn build(release: &Release) -> DescriptorSuggester {
        let mut splitter = WordSplitter::default();
        let mut vocabulary = Vocabulary::default();
        let mut phrases = PhraseTrie::default();
        let mut codes = Vec::new();
        for entry in release.entries.iter().filter(|entry| entry.kind == EntryKind::Code) {
            let at = codes.len() as u32;
            codes.push(entry.code.clone());
            let texts = std::iter::once(entry.title.as_str())
                .chain(entry.short_title.as_deref())
                .chain(entry.descriptors.iter().map(|descriptor| descriptor.text.as_str()));
            for text in texts {
                for lead in leading_parts(text) {
                    let ids = intern_words(&mut vocabulary, &splitter.words(lead));
                    if ids.len() >= MIN_WORDS {
                        phrases.insert(&ids, at);
                    }
                }
            }
        }
        vocabulary.finish();
        DescriptorSuggester { vocabulary, phrases, codes }
    }

    /// Every descriptor mention in the text, in text order: at each word the longest phrase
    /// that leads to exactly one code, the words after it searched next.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let mut splitter = WordSplitter::default();
        let mut found = Vec::new();
        for sentence in sentences(text) {
            let tokens = content_tokens(&mut splitter, &self.vocabulary, text, sentence);
            let mut start = 0;
            while start < tokens.len() {
                let longest = self.phrases.longest(tokens[start..].iter().map(|token| token.id));
                let Some((length, [only])) = longest else {
                    start += 1;
                    continue;
                };
                let evidence = evidence_of(&tokens[start..start + length]);
                found.push(self.mention(*only, evidence, length));
                start += length;
            }
        }
        found
    }

    fn mention(&self, at: u32, evidence: Vec<Range<usize>>, words: usize) -> Mention {
        let start = evidence.first().map_or(0, |range| range.start);
        let end = evidence.iter().map(|range| range.end).max().unwrap_or(start);
        Mention {
            code: self.codes.get(at as usize).cloned().unwrap_or_default(),
            start,
            end,
            evidence,
            source: MentionSource::Title,
            strength: (0.4 + 0.1 * words.min(5) as f32).min(0.9),
            lacks: Vec::new(),
            main_term: false,
        }
    }

    /// Number of stems and phrase trie nodes (for memory estimates).
    pub fn sizes(&self) -> (usize, usize) {
        (self.vocabulary.count(), self.phrases.nodes())
    }
}

/// The leading runs of parts of a descriptor: "Chest X-ray, two views" → "Chest X-ray",
/// "Chest X-ray, two views"; "Basic metabolic panel of blood chemistry" → "Basic metabolic
/// panel", and the whole.
fn leading_parts(text: &str) -> Vec<&str> {
    let mut leads: Vec<&str> = text.match_indices(PART_ENDS).map(|(at, _)| &text[..at]).collect();
    leads.extend(text.match_indices(" of ").map(|(at, _)| &text[..at]));
    leads.sort_by_key(|lead| lead.len());
    leads.push(text);
    leads.retain(|lead| !lead.trim().is_empty());
    leads.dedup();
    leads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_are_read_in_leading_parts() {
        assert_eq!(leading_parts("Chest X-ray, two views"), ["Chest X-ray", "Chest X-ray, two views"]);
        assert_eq!(leading_parts("MRI of the brain"), ["MRI", "MRI of the brain"]);
        assert_eq!(
            leading_parts("Drug test (screen)."),
            ["Drug test ", "Drug test (screen", "Drug test (screen)", "Drug test (screen)."]
        );
    }
}
