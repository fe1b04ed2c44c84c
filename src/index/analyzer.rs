//! Text analysis shared by indexing, querying and highlighting: split on anything that
//! is not a letter or digit, lower-case, fold accents, English stemming.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

/// Name the stemming analyzer is registered under in the index.
pub const ANALYZER_NAME: &str = "codify_en";

/// Name the folding (non-stemming) analyzer is registered under in the index.
pub const FOLDING_ANALYZER_NAME: &str = "codify_words";

/// Words that qualify a title without narrowing it ("unspecified", "NOS", connectives).
/// They do not count towards a title's length, so that the default code of a condition
/// ranks with the condition's name. "complication(s)" is a qualifier only after "without".
const QUALIFIER_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "due",
    "for",
    "in",
    "nos",
    "of",
    "on",
    "or",
    "the",
    "to",
    "unspecified",
    "with",
    "without",
];

/// Number of words of a title that are not qualifiers.
pub fn content_length(words: &[Word]) -> u64 {
    let mut previous: Option<&str> = None;
    let mut count = 0;
    for word in words {
        let complication_of_without =
            previous == Some("without") && matches!(word.folded.as_str(), "complication" | "complications");
        if !word.is_qualifier() && !complication_of_without {
            count += 1;
        }
        previous = Some(word.folded.as_str());
    }
    count
}

/// The stemming analyzer used for title and descriptor fields.
pub fn stemming_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The folding analyzer used for word-prefix fields.
pub fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// One word of a text: folded form, stem, and its position in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lower-cased, accent-folded word.
    pub folded: String,
    /// English stem of the folded word.
    pub stem: String,
    /// Byte offset where the word starts in the text.
    pub byte_from: usize,
    /// Byte offset one past the word's end.
    pub byte_to: usize,
    /// Set by the search when no indexed word starts like this one: a candidate for
    /// typo tolerance.
    pub unknown: bool,
}

impl Word {
    /// Whether this word only qualifies a title (see [`QUALIFIER_WORDS`]).
    pub fn is_qualifier(&self) -> bool {
        QUALIFIER_WORDS.binary_search(&self.folded.as_str()).is_ok()
    }
}

/// Splits a text into words the way the index does.
#[derive(Clone)]
pub struct WordSplitter {
    folding: TextAnalyzer,
    stemming: TextAnalyzer,
}

impl Default for WordSplitter {
    fn default() -> Self {
        WordSplitter { folding: folding_analyzer(), stemming: stemming_analyzer() }
    }
}

impl WordSplitter {
    /// The words of `text`, in order.
    pub fn words(&mut self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        let mut folded_stream = self.folding.token_stream(text);
        while folded_stream.advance() {
            let token = folded_stream.token();
            words.push(Word {
                folded: token.text.clone(),
                stem: String::new(),
                byte_from: token.offset_from,
                byte_to: token.offset_to,
                unknown: false,
            });
        }
        let mut stem_stream = self.stemming.token_stream(text);
        let mut index = 0;
        while stem_stream.advance() {
            if let Some(word) = words.get_mut(index) {
                word.stem = stem_stream.token().text.clone();
            }
            index += 1;
        }
        words
    }

    /// Number of words of a text that are not qualifiers (see [`content_length`]).
    pub fn content_length(&mut self, text: &str) -> u64 {
        content_length(&self.words(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifier_list_is_sorted_for_binary_search() {
        let mut sorted = QUALIFIER_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, QUALIFIER_WORDS);
    }

    #[test]
    fn folds_stems_and_counts_content_words() {
        let mut splitter = WordSplitter::default();
        let words = splitter.words("Crohn's DISEASES, Ménière");
        let folded: Vec<&str> = words.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(folded, ["crohn", "s", "diseases", "meniere"]);
        assert_eq!(words[2].stem, "diseas");
        assert_eq!(splitter.content_length("Type 2 diabetes mellitus without complications"), 4);
        assert_eq!(splitter.content_length("Type 2 diabetes mellitus"), 4);
        assert_eq!(splitter.content_length("Type 2 diabetes mellitus with unspecified complications"), 5);
        assert_eq!(splitter.content_length("Acute myocardial infarction, unspecified"), 3);
    }
}
