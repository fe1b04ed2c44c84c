//! The synonym and abbreviation layer: user terms ("afib", "heart attack", "type ii")
//! mapped to the words official titles use. Loaded from a reviewed TSV file.

use std::collections::HashMap;
use std::path::Path;

use super::analyzer::{Word, WordSplitter};
use crate::loaders::{source, LoadError};

/// Most alternative phrasings tried for one query.
const MAX_VARIANTS: usize = 8;

/// User terms and the title words they stand for, keyed by the stems of the term.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    by_first_stem: HashMap<String, Vec<Synonym>>,
    count: usize,
}

#[derive(Debug, Clone)]
struct Synonym {
    term_stems: Vec<String>,
    expansion: Vec<Word>,
}

impl Synonyms {
    /// Parses a synonyms file: `term<TAB>expansion` per line; `#` comments and blank lines skipped.
    pub fn load(path: &Path) -> Result<Synonyms, LoadError> {
        let text = source::read_text(path)?;
        Synonyms::parse(&text).map_err(|(line, reason)| LoadError::at_line(path, line, reason))
    }

    /// Parses the file's text; errors carry the 1-based line.
    pub fn parse(text: &str) -> Result<Synonyms, (usize, String)> {
        let mut splitter = WordSplitter::default();
        let mut synonyms = Synonyms::default();
        for (index, line) in source::lines(text).enumerate() {
            let line_number = index + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut columns = line.split('\t');
            let (Some(term), Some(expansion), None) = (columns.next(), columns.next(), columns.next()) else {
                return Err((line_number, "expected two tab-separated columns: term, expansion".to_string()));
            };
            let term_stems: Vec<String> = splitter.words(term).into_iter().map(|w| w.stem).collect();
            let expansion = splitter.words(expansion);
            if term_stems.is_empty() || expansion.is_empty() {
                return Err((line_number, "term and expansion must both contain words".to_string()));
            }
            synonyms.count += 1;
            synonyms.by_first_stem.entry(term_stems[0].clone()).or_default().push(Synonym { term_stems, expansion });
        }
        for candidates in synonyms.by_first_stem.values_mut() {
            // Longest terms first so "heart attack" wins over "heart".
            candidates.sort_by_key(|synonym| std::cmp::Reverse(synonym.term_stems.len()));
        }
        Ok(synonyms)
    }

    /// Whether some synonym term starts with this stem (the word is known to the layer).
    pub fn starts_a_term(&self, stem: &str) -> bool {
        self.by_first_stem.contains_key(stem)
    }

    /// Every entry: the stems of its term and the words of its expansion (in no set order).
    pub fn entries(&self) -> impl Iterator<Item = (&[String], &[Word])> + '_ {
        self.by_first_stem
            .values()
            .flatten()
            .map(|synonym| (synonym.term_stems.as_slice(), synonym.expansion.as_slice()))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Alternative phrasings of a query: each matched term replaced by its expansion, one
    /// at a time, then all at once. The original query is not included.
    pub fn variants(&self, words: &[Word]) -> Vec<Vec<Word>> {
        let mut replacements: Vec<(usize, usize, &[Word])> = Vec::new();
        for start in 0..words.len() {
            let Some(candidates) = self.by_first_stem.get(&words[start].stem) else {
                continue;
            };
            for synonym in candidates {
                let end = start + synonym.term_stems.len();
                let matches = end <= words.len()
                    && words[start..end].iter().zip(&synonym.term_stems).all(|(word, stem)| &word.stem == stem);
                if matches {
                    replacements.push((start, end, &synonym.expansion));
                }
            }
        }
        let mut variants: Vec<Vec<Word>> = Vec::new();
        for &(start, end, expansion) in &replacements {
            let mut variant = words[..start].to_vec();
            variant.extend_from_slice(expansion);
            variant.extend_from_slice(&words[end..]);
            if !variants.contains(&variant) {
                variants.push(variant);
            }
        }
        // All non-overlapping replacements together (first match at each position wins).
        if replacements.len() > 1 {
            let mut combined = Vec::new();
            let mut position = 0;
            for &(start, end, expansion) in &replacements {
                if start < position {
                    continue;
                }
                combined.extend_from_slice(&words[position..start]);
                combined.extend_from_slice(expansion);
                position = end;
            }
            combined.extend_from_slice(&words[position..]);
            if !variants.contains(&combined) {
                variants.push(combined);
            }
        }
        variants.truncate(MAX_VARIANTS);
        variants
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.stem.as_str()).collect()
    }

    #[test]
    fn expands_longest_terms_and_combinations() {
        let synonyms = Synonyms::parse(
            "# comment\nheart attack\tmyocardial infarction\nafib\tatrial fibrillation\ntype ii\ttype 2\n",
        )
        .unwrap();
        assert_eq!(synonyms.len(), 3);
        let mut splitter = WordSplitter::default();
        let variants = synonyms.variants(&splitter.words("Heart attacks with afib"));
        assert_eq!(variants.len(), 3);
        assert_eq!(stems(&variants[0]), ["myocardi", "infarct", "with", "afib"]);
        assert_eq!(stems(&variants[2]), ["myocardi", "infarct", "with", "atrial", "fibril"]);
        assert!(synonyms.variants(&splitter.words("diabetes")).is_empty());
    }

    #[test]
    fn refuses_malformed_lines_with_their_number() {
        assert_eq!(Synonyms::parse("ok\tfine\nbroken line\n").unwrap_err().0, 2);
        assert_eq!(Synonyms::parse("a\tb\tc\n").unwrap_err().0, 1);
    }
}
