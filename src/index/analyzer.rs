//! Text analysis shared by indexing, querying and highlighting: split on anything that
//! is not a letter or digit, lower-case, fold accents, English stemming.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer, WhitespaceTokenizer,
};

/// Words this long (in bytes) or longer are left out of the index and of queries.
pub const MAX_WORD_BYTES: usize = 40;

/// Name the stemming analyzer is registered under in the index.
pub const ANALYZER_NAME: &str = "codify_en";

/// Name the folding (non-stemming) analyzer is registered under in the index.
pub const FOLDING_ANALYZER_NAME: &str = "codify_words";

/// Name of the analyzer of the word-prefix fields: their text is the prefixes the index
/// writer lists, already folded, separated by spaces.
pub const PREFIX_LIST_ANALYZER_NAME: &str = "codify_prefix_list";

/// Whether a folded word qualifies a title without narrowing it ("unspecified", "NOS",
/// connectives). Such words do not count towards a title's length, so that the default code
/// of a condition ranks with the condition's name. "complication(s)" is a qualifier only
/// after "without".
fn is_qualifier_word(folded: &str) -> bool {
    is_connective_word(folded) || matches!(folded, "due" | "nos" | "unspecified" | "with" | "without")
}

/// Whether a folded word only links others; dropped from queries that have other words.
fn is_connective_word(folded: &str) -> bool {
    matches!(folded, "a" | "an" | "and" | "as" | "at" | "by" | "for" | "in" | "of" | "on" | "or" | "the" | "to")
}

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
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachingStemmer)
        .build()
}

/// Stems a word cache holds at most (per analyzer instance: tantivy clones the analyzer for
/// each field of each segment writer, a search for each query).
const MAX_CACHED_STEMS: usize = 50_000;

/// English stemming that remembers the stems it computed: the Snowball stemmer was a tenth
/// of index build time, over a vocabulary of a few tens of thousands of words.
#[derive(Clone)]
struct CachingStemmer;

impl TokenFilter for CachingStemmer {
    type Tokenizer<T: Tokenizer> = CachingStemmerTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachingStemmerTokenizer<T> {
        let stemmer = TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build();
        CachingStemmerTokenizer { inner: tokenizer, stemmer, stems: foldhash::HashMap::default() }
    }
}

#[derive(Clone)]
struct CachingStemmerTokenizer<T> {
    inner: T,
    /// Stems one whole word.
    stemmer: TextAnalyzer,
    stems: foldhash::HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachingStemmerTokenizer<T> {
    type TokenStream<'a> = CachingStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachingStemmerStream { tail: self.inner.token_stream(text), stemmer: &mut self.stemmer, stems: &mut self.stems }
    }
}

struct CachingStemmerStream<'a, S> {
    tail: S,
    stemmer: &'a mut TextAnalyzer,
    stems: &'a mut foldhash::HashMap<String, String>,
}

impl<S: TokenStream> TokenStream for CachingStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(&token.text);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        if self.stems.len() < MAX_CACHED_STEMS {
            self.stems.insert(std::mem::replace(&mut token.text, stem.clone()), stem);
        } else {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analyzer of the word-prefix fields: splits the writer's list on spaces (the folding
/// analyzer gave the same terms at twice the cost).
pub fn prefix_list_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WhitespaceTokenizer::default()).build()
}

/// The folding analyzer used for the word fields and for queries.
pub fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
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
    /// Set by the search for a one-letter last word of a query being typed ("chest p"):
    /// it matches any word it starts.
    pub open_prefix: bool,
    /// Set by the search for the last word of a query being typed that is no indexed word
    /// itself ("walke"): it matches the words it starts, not by its stem ("walk" would match
    /// "walking" and "walk-in" ahead of "walker").
    pub partial: bool,
    /// Set by the search: documents whose titles or other texts hold this word as typed,
    /// over every release indexed (0: none, or not looked up).
    pub documents: u64,
}

impl Word {
    /// Whether this word only links others ("of", "the", "in"): it is dropped from queries.
    pub fn is_connective(&self) -> bool {
        is_connective_word(&self.folded)
    }

    /// Whether this word only qualifies a title (see [`is_qualifier_word`]).
    pub fn is_qualifier(&self) -> bool {
        is_qualifier_word(&self.folded)
    }

    /// Whether a query matches this word and `other` alike: same text, same stem, same way
    /// of matching (where they were typed does not matter).
    pub fn matches_like(&self, other: &Word) -> bool {
        self.folded == other.folded
            && self.stem == other.stem
            && self.partial == other.partial
            && self.open_prefix == other.open_prefix
            && self.unknown == other.unknown
    }
}

/// Byte ranges of the words of an ASCII text, split as the analyzers split it (runs of
/// letters and digits, those of [`MAX_WORD_BYTES`] or more dropped), without running them:
/// nearly every CMS text is ASCII, and for it folding is lower-casing.
pub fn ascii_word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || loop {
        while at < bytes.len() && !bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at == bytes.len() {
            return None;
        }
        let from = at;
        while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at - from < MAX_WORD_BYTES {
            return Some((from, at));
        }
    })
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
        let mut words = self.folded_words(text);
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

    /// The words of `text`, in order, without their stems (left empty).
    pub fn folded_words(&mut self, text: &str) -> Vec<Word> {
        if text.is_ascii() {
            return ascii_word_spans(text)
                .map(|(from, to)| Word {
                    folded: text[from..to].to_ascii_lowercase(),
                    stem: String::new(),
                    byte_from: from,
                    byte_to: to,
                    unknown: false,
                    open_prefix: false,
                    partial: false,
                    documents: 0,
                })
                .collect();
        }
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
                open_prefix: false,
                partial: false,
                documents: 0,
            });
        }
        words
    }

    /// The stem of one folded word.
    pub fn stem(&mut self, folded: &str) -> String {
        let mut stream = self.stemming.token_stream(folded);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            String::new()
        }
    }

    /// Number of words of a text that are not qualifiers (see [`content_length`]).
    pub fn content_length(&mut self, text: &str) -> u64 {
        content_length(&self.words(text))
    }
}

/// The phrase keys of a text: its folded words joined by spaces, and the same without the
/// parts that do not change its meaning for a coder (parenthesised nonessential modifiers,
/// "NOS", a trailing ", unspecified ..." segment, a trailing "without complications").
pub fn phrase_keys(splitter: &mut WordSplitter, text: &str) -> Vec<String> {
    let words = splitter.folded_words(text);
    phrase_keys_of(splitter, text, &words)
}

/// [`phrase_keys`] of a text whose folded words are already known.
pub fn phrase_keys_of(splitter: &mut WordSplitter, text: &str, words: &[Word]) -> Vec<String> {
    let mut keys = Vec::with_capacity(2);
    let full = phrase_key(words);
    if full.is_empty() {
        return keys;
    }
    let nonessential_tail = [", unspecified", ", site not specified", ", not elsewhere classified"];
    let has_nonessential_part = text.contains(['(', '['])
        || nonessential_tail.iter().any(|tail| contains_ignoring_ascii_case(text, tail))
        || words.iter().any(|w| w.folded == "nos");
    let reduced = if has_nonessential_part {
        let mut essential = String::with_capacity(text.len());
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ if depth == 0 => essential.push(c),
                _ => {}
            }
        }
        let lowered = essential.to_ascii_lowercase();
        if let Some(at) = nonessential_tail.iter().filter_map(|tail| lowered.find(tail)).min() {
            essential.truncate(at);
        }
        let essential_words: Vec<Word> =
            splitter.folded_words(&essential).into_iter().filter(|w| w.folded != "nos").collect();
        essential_key(&essential_words)
    } else {
        essential_key(words)
    };
    keys.push(full);
    if !reduced.is_empty() && !keys.contains(&reduced) {
        keys.push(reduced);
    }
    keys
}

/// The phrase key of words without a trailing "without complications".
fn essential_key(words: &[Word]) -> String {
    let ends_without_complications = words.len() > 2
        && words[words.len() - 2].folded == "without"
        && matches!(words[words.len() - 1].folded.as_str(), "complication" | "complications");
    if ends_without_complications {
        phrase_key(&words[..words.len() - 2])
    } else {
        phrase_key(words)
    }
}

/// Whether `text` contains `lower_needle` (ASCII lower case), ignoring ASCII case.
fn contains_ignoring_ascii_case(text: &str, lower_needle: &str) -> bool {
    let needle = lower_needle.as_bytes();
    text.as_bytes().windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle))
}

/// Folded words joined by single spaces, connectives left out (queries drop them too).
pub fn phrase_key(words: &[Word]) -> String {
    let mut key = String::with_capacity(words.iter().map(|w| w.folded.len() + 1).sum());
    for word in words.iter().filter(|w| !w.is_connective()) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&word.folded);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrase_keys_drop_nonessential_parts() {
        let mut splitter = WordSplitter::default();
        assert_eq!(
            phrase_keys(&mut splitter, "Essential (primary) hypertension"),
            ["essential primary hypertension", "essential hypertension"]
        );
        assert_eq!(
            phrase_keys(&mut splitter, "Pneumonia, unspecified organism"),
            ["pneumonia unspecified organism", "pneumonia"]
        );
        assert_eq!(phrase_keys(&mut splitter, "Diabetes NOS"), ["diabetes nos", "diabetes"]);
        assert_eq!(
            phrase_keys(&mut splitter, "Type 2 diabetes mellitus without complications"),
            ["type 2 diabetes mellitus without complications", "type 2 diabetes mellitus"]
        );
        assert_eq!(phrase_keys(&mut splitter, "Heart failure"), ["heart failure"]);
        assert_eq!(
            phrase_keys(&mut splitter, "Urinary tract infection, site not specified"),
            ["urinary tract infection site not specified", "urinary tract infection"]
        );
    }

    #[test]
    fn cached_stems_are_the_stemmer_s() {
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut cached = stemming_analyzer();
        let tokens = |analyzer: &mut TextAnalyzer, text: &str| {
            let mut stream = analyzer.token_stream(text);
            let mut tokens = Vec::new();
            while stream.advance() {
                tokens.push(stream.token().text.clone());
            }
            tokens
        };
        let text = "Diabetes diabetic DIABETES, fractures of the fractured femur; Ménière's disease diseases";
        for _ in 0..3 {
            assert_eq!(tokens(&mut cached, text), tokens(&mut plain, text));
        }
    }

    #[test]
    fn ascii_words_are_the_analyzer_s() {
        let mut analyzer = folding_analyzer();
        let text = "Type 2 diabetes (E11.9), NOS; pneumonoultramicroscopicsilicovolcanoconiosis-x B12 ";
        let mut stream = analyzer.token_stream(text);
        let mut expected = Vec::new();
        while stream.advance() {
            let token = stream.token();
            expected.push((token.text.clone(), token.offset_from, token.offset_to));
        }
        let split: Vec<(String, usize, usize)> =
            ascii_word_spans(text).map(|(from, to)| (text[from..to].to_ascii_lowercase(), from, to)).collect();
        assert_eq!(split, expected);
        assert_eq!(split.len(), 8);
    }

    #[test]
    fn tells_connectives_and_qualifiers() {
        assert!(is_connective_word("of") && is_connective_word("the") && !is_connective_word("off"));
        assert!(is_qualifier_word("of") && is_qualifier_word("unspecified") && is_qualifier_word("nos"));
        assert!(!is_qualifier_word("complications") && !is_qualifier_word("type"));
        assert!(contains_ignoring_ascii_case("Pneumonia, Unspecified organism", ", unspecified"));
        assert!(!contains_ignoring_ascii_case("Pneumonia unspecified", ", unspecified"));
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
