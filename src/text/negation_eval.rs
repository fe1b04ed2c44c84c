//! Negation measured against the NegEx test kit layout: one phrase per row,
//! `number<TAB>phrase<TAB>sentence<TAB>Negated|Affirmed`, the phrase in upper case inside the
//! sentence, fields optionally in double quotes (a quote inside doubled). Each phrase is found
//! in its sentence, the sentence analysed and the phrase asserted; `Negated` is the positive
//! class. Rows are also scored by the parity of their number, so that rules developed on one
//! half can be checked on the other. Nothing here prints row text.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{analyze, assert_mention, Assertion};

/// Counts of one confusion matrix, Negated being the positive class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
}

impl Confusion {
    fn add(&mut self, expected_negated: bool, predicted_negated: bool) {
        match (expected_negated, predicted_negated) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (true, false) => self.false_negatives += 1,
            (false, false) => self.true_negatives += 1,
        }
    }

    pub fn phrases(&self) -> usize {
        self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
    }

    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    pub fn f1(&self) -> f64 {
        ratio(2 * self.true_positives, 2 * self.true_positives + self.false_positives + self.false_negatives)
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

impl fmt::Display for Confusion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "F1 {:.3} precision {:.3} recall {:.3} ({} phrases)",
            self.f1(),
            self.precision(),
            self.recall(),
            self.phrases()
        )
    }
}

/// A row the rules got wrong, by position only (the text is patient data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Miss {
    /// 1-based line in the file.
    pub line: usize,
    /// The row's number (first field).
    pub number: u64,
    /// The annotation: `true` for Negated.
    pub expected_negated: bool,
}

/// The result of [`evaluate_negation`].
#[derive(Debug, Clone, PartialEq)]
pub struct NegationReport {
    /// Every row.
    pub overall: Confusion,
    /// Rows with an odd number (the development half).
    pub odd_rows: Confusion,
    /// Rows with an even number (the check half).
    pub even_rows: Confusion,
    /// Rows whose phrase was only partly in the sentence and was matched by its longest part.
    pub partial_phrases: usize,
    pub misses: Vec<Miss>,
}

impl NegationReport {
    pub fn precision(&self) -> f64 {
        self.overall.precision()
    }

    pub fn recall(&self) -> f64 {
        self.overall.recall()
    }

    pub fn f1(&self) -> f64 {
        self.overall.f1()
    }
}

impl fmt::Display for NegationReport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts = &self.overall;
        writeln!(formatter, "odd-numbered rows: {}", self.odd_rows)?;
        writeln!(formatter, "even-numbered rows: {}", self.even_rows)?;
        writeln!(
            formatter,
            "tp {} fp {} fn {} tn {}; {} phrases matched by their longest part",
            counts.true_positives,
            counts.false_positives,
            counts.false_negatives,
            counts.true_negatives,
            self.partial_phrases
        )?;
        write!(formatter, "{counts}")
    }
}

/// Why an evaluation file could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum NegationEvalError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {reason}")]
    BadRow { path: PathBuf, line: usize, reason: String },
    #[error("{path}: no rows")]
    Empty { path: PathBuf },
}

/// Scores the assertion stage's negation on a file in the NegEx annotation layout.
pub fn evaluate_negation(path: &Path) -> Result<NegationReport, NegationEvalError> {
    let content =
        std::fs::read_to_string(path).map_err(|source| NegationEvalError::Read { path: path.to_path_buf(), source })?;
    let mut report = NegationReport {
        overall: Confusion::default(),
        odd_rows: Confusion::default(),
        even_rows: Confusion::default(),
        partial_phrases: 0,
        misses: Vec::new(),
    };
    for (line_index, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_number = line_index + 1;
        let bad_row =
            |reason: String| NegationEvalError::BadRow { path: path.to_path_buf(), line: line_number, reason };
        let row = parse_row(line).map_err(bad_row)?;
        let (mention, whole) = locate(&row.sentence, &row.phrase)
            .ok_or_else(|| bad_row("the phrase is not in the sentence".to_string()))?;
        if !whole {
            report.partial_phrases += 1;
        }
        let predicted_negated = is_negated(&row.sentence, mention);
        report.overall.add(row.negated, predicted_negated);
        let half = if row.number % 2 == 1 { &mut report.odd_rows } else { &mut report.even_rows };
        half.add(row.negated, predicted_negated);
        if row.negated != predicted_negated {
            report.misses.push(Miss { line: line_number, number: row.number, expected_negated: row.negated });
        }
    }
    if report.overall.phrases() == 0 {
        return Err(NegationEvalError::Empty { path: path.to_path_buf() });
    }
    Ok(report)
}

fn is_negated(sentence: &str, mention: Range<usize>) -> bool {
    let analysis = analyze(sentence);
    let Some(sentence_index) = analysis.sentence_at(mention.start) else { return false };
    assert_mention(sentence, &analysis, sentence_index, mention).assertion == Assertion::Negated
}

struct Row {
    number: u64,
    phrase: String,
    sentence: String,
    negated: bool,
}

fn parse_row(line: &str) -> Result<Row, String> {
    let fields: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
    let [number, phrase, sentence, label] = fields.as_slice() else {
        return Err(format!("expected 4 tab-separated fields, found {}", fields.len()));
    };
    let number = number.trim().parse::<u64>().map_err(|_| "the first field is not a row number".to_string())?;
    let phrase = unquote(phrase);
    if phrase.trim().is_empty() {
        return Err("empty phrase".to_string());
    }
    let negated = match label.trim() {
        "Negated" => true,
        "Affirmed" => false,
        other => return Err(format!("the label must be Negated or Affirmed, not {other:?}")),
    };
    Ok(Row { number, phrase, sentence: unquote(sentence), negated })
}

/// A field without its surrounding double quotes, doubled quotes inside made single.
fn unquote(field: &str) -> String {
    let trimmed = field.trim();
    match trimmed.strip_prefix('"').and_then(|inner| inner.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => trimmed.to_string(),
    }
}

/// The byte range of `phrase` in `sentence`, whole words, any whitespace between words, any
/// case, preferring an occurrence written in upper case (how the kit marks the phrase), and
/// whether the whole phrase was found. When it is not there whole, its longest run of words
/// that is.
pub(crate) fn locate(sentence: &str, phrase: &str) -> Option<(Range<usize>, bool)> {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    for length in (1..=words.len()).rev() {
        for start in 0..=words.len() - length {
            if let Some(range) = best_occurrence(sentence, &words[start..start + length]) {
                return Some((range, length == words.len()));
            }
        }
    }
    None
}

fn best_occurrence(sentence: &str, words: &[&str]) -> Option<Range<usize>> {
    let occurrences: Vec<Range<usize>> =
        sentence.char_indices().filter_map(|(start, _)| match_words_at(sentence, start, words)).collect();
    let upper_case = |range: &&Range<usize>| {
        let matched = &sentence[(*range).clone()];
        matched.chars().any(char::is_uppercase) && !matched.chars().any(char::is_lowercase)
    };
    occurrences.iter().find(upper_case).or(occurrences.first()).cloned()
}

fn is_word_char(character: char) -> bool {
    character.is_alphanumeric() || character == '\''
}

fn match_words_at(sentence: &str, start: usize, words: &[&str]) -> Option<Range<usize>> {
    if sentence[..start].chars().next_back().is_some_and(is_word_char) {
        return None;
    }
    let mut position = start;
    for (index, word) in words.iter().enumerate() {
        if index > 0 {
            let rest = &sentence[position..];
            let skipped = rest.len() - rest.trim_start().len();
            if skipped == 0 {
                return None;
            }
            position += skipped;
        }
        let candidate = sentence.get(position..position + word.len())?;
        if !candidate.eq_ignore_ascii_case(word) {
            return None;
        }
        position += word.len();
    }
    if sentence[position..].chars().next().is_some_and(is_word_char) {
        return None;
    }
    Some(start..position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_prefers_the_upper_case_whole_word_occurrence() {
        let sentence = "History of PE's in the past, not consistent with dissection, PE, or sepsis.";
        assert_eq!(locate(sentence, "PE"), Some((61..63, true)));
        assert_eq!(locate("no   PERICARDIAL\n  EFFUSION", "pericardial effusion"), Some((5..27, true)));
        assert_eq!(locate("No adenopathy present.", "neck is supple.  No adenopathy present"), Some((0..21, false)));
        assert_eq!(locate("No rash.", "fever"), None);
    }

    #[test]
    fn rows_parse_with_quotes_and_report_bad_rows() {
        let row = parse_row("7\t\"a, b\"\t\"She said \"\"no\"\" to A, B.\"\tNegated\r");
        let row = row.ok();
        assert_eq!(row.as_ref().map(|row| (row.number, row.phrase.as_str(), row.negated)), Some((7, "a, b", true)));
        assert_eq!(row.map(|row| row.sentence), Some("She said \"no\" to A, B.".to_string()));
        assert_eq!(parse_row("7\tx\tNo x.").err(), Some("expected 4 tab-separated fields, found 3".to_string()));
        assert_eq!(
            parse_row("7\tx\tNo x.\tmaybe").err(),
            Some("the label must be Negated or Affirmed, not \"maybe\"".to_string())
        );
        assert_eq!(
            parse_row("seven\tx\tNo x.\tNegated").err(),
            Some("the first field is not a row number".to_string())
        );
    }

    #[test]
    fn scores_a_small_file_and_names_the_bad_line() {
        let directory = std::env::temp_dir().join(format!("codify-negation-eval-{}", std::process::id()));
        std::fs::create_dir_all(&directory).unwrap();
        let good = directory.join("good.tsv");
        std::fs::write(
            &good,
            "1\tfever\tShe denies FEVER.\tNegated\n2\tcough\tShe has a COUGH.\tAffirmed\n\
             3\trash\tNo RASH.\tAffirmed\n4\tedema\tEDEMA is present.\tNegated\n",
        )
        .unwrap();
        let report = evaluate_negation(&good).unwrap();
        let expected = Confusion { true_positives: 1, false_positives: 1, false_negatives: 1, true_negatives: 1 };
        assert_eq!(report.overall, expected);
        assert_eq!(report.odd_rows, Confusion { true_positives: 1, false_positives: 1, ..Confusion::default() });
        assert_eq!(report.misses.iter().map(|miss| miss.number).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(report.to_string().lines().last(), Some("F1 0.500 precision 0.500 recall 0.500 (4 phrases)"));

        let bad = directory.join("bad.tsv");
        std::fs::write(&bad, "1\tfever\tShe denies FEVER.\tNegated\n2\tcough\tNo rash.\tAffirmed\n").unwrap();
        let error = evaluate_negation(&bad).unwrap_err().to_string();
        assert!(error.ends_with("bad.tsv:2: the phrase is not in the sentence"), "{error}");
        std::fs::remove_dir_all(&directory).unwrap();
    }
}
