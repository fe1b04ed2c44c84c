//! Sentence splitting over tokens, with the section each sentence is in.
//!
//! A sentence ends at ".", "!" or "?" followed by space and a capital, a digit or a symbol;
//! not after a known abbreviation ("Dr.", "vs."), a single letter ("e.g.", "M.D.", an initial),
//! or a list number opening its sentence ("2."). A line break ends a sentence when a blank line
//! follows, when the next line opens a list item ("1)", "- ") or a section header, or when a
//! short line without final punctuation is followed by a capitalised line (a heading or a
//! list line). Section headers are not part of any sentence: they set the section of the
//! sentences after them.

use super::sections::{header_at, Section};
use super::tokens::Token;

/// Words that take a period without ending a sentence (lower case, without the period).
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "st", "vs", "approx", "pt", "pts", "fig", "jr", "sr", "prof", "dept", "inc", "no", "nos",
    "hx", "dx", "tx", "rx", "sx", "ca", "cf", "resp", "temp", "wt", "ht",
];

/// Lines up to this many bytes, not ending in punctuation, end their sentence when the next
/// line starts with a capital ("Chief complaint chest pain" then "Onset 2 days ago").
const SHORT_LINE_BYTES: usize = 60;

/// A sentence as token indices `[first, end)` and its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SentenceSpan {
    pub(crate) first: usize,
    pub(crate) end: usize,
    pub(crate) section: Option<Section>,
}

/// Splits the tokens of `text` into sentences, in order.
pub(crate) fn split(text: &str, tokens: &[Token]) -> Vec<SentenceSpan> {
    let mut sentences = Vec::new();
    let mut section: Option<Section> = None;
    let mut first: Option<usize> = None;
    let mut index = 0;
    while index < tokens.len() {
        let at_line_start = newline_before(text, tokens, index);
        let boundary = match first {
            None => true,
            Some(first) => ends_sentence(text, tokens, first, index, at_line_start),
        };
        if boundary || wide_gap_before(text, tokens, index) {
            if let Some(header) = header_at(text, tokens, index, at_line_start) {
                close(&mut sentences, &mut first, index, section);
                section = Some(header.section);
                index = header.next_token;
                continue;
            }
        }
        if boundary {
            close(&mut sentences, &mut first, index, section);
            first = Some(index);
        }
        index += 1;
    }
    close(&mut sentences, &mut first, tokens.len(), section);
    sentences
}

fn close(sentences: &mut Vec<SentenceSpan>, first: &mut Option<usize>, end: usize, section: Option<Section>) {
    if let Some(first) = first.take() {
        if first < end {
            sentences.push(SentenceSpan { first, end, section });
        }
    }
}

/// Whether a new sentence starts at `tokens[index]`, the current one having started at `first`.
fn ends_sentence(text: &str, tokens: &[Token], first: usize, index: usize, at_line_start: bool) -> bool {
    let previous = &tokens[index - 1];
    let next = &tokens[index];
    let spaced = previous.end < next.start;
    if at_line_start && (blank_line_before(text, tokens, index) || opens_list_item(text, tokens, index)) {
        return true;
    }
    let previous_text = previous.text(text);
    if matches!(previous_text, "." | "!" | "?") && spaced && opens_sentence(next.text(text)) {
        return previous_text != "." || !period_is_part_of_word(text, tokens, first, index - 1);
    }
    at_line_start && short_unfinished_line(text, tokens, index) && starts_with_capital(next.text(text))
}

/// Whether the period at `tokens[period]` belongs to an abbreviation, an initial, a dotted
/// abbreviation or a list number rather than ending the sentence.
fn period_is_part_of_word(text: &str, tokens: &[Token], first: usize, period: usize) -> bool {
    let Some(word_index) = period.checked_sub(1) else { return false };
    let word = &tokens[word_index];
    if !word.is_word() || word.end != tokens[period].start {
        return false;
    }
    let word_text = word.text(text);
    if word_text.chars().count() == 1 && word_text.chars().all(char::is_alphabetic) {
        return true;
    }
    if word_text.bytes().all(|byte| byte.is_ascii_digit()) && word_index == first {
        return true;
    }
    ABBREVIATIONS.iter().any(|abbreviation| word_text.eq_ignore_ascii_case(abbreviation))
}

fn opens_sentence(token_text: &str) -> bool {
    token_text
        .chars()
        .next()
        .is_some_and(|first| first.is_uppercase() || first.is_ascii_digit() || !first.is_alphanumeric())
        && !matches!(token_text, "," | ";" | ")" | "." | ":")
}

fn starts_with_capital(token_text: &str) -> bool {
    token_text.chars().next().is_some_and(|first| first.is_uppercase() || first.is_ascii_digit())
}

/// "1)", "2.", "a)", "-", "*" or "•" followed by a space, opening a line.
fn opens_list_item(text: &str, tokens: &[Token], index: usize) -> bool {
    let token = &tokens[index];
    let token_text = token.text(text);
    if matches!(token_text, "-" | "*" | "•") {
        return text[token.end..].starts_with([' ', '\t']);
    }
    let marker_like =
        token_text.len() <= 3 && (token_text.bytes().all(|byte| byte.is_ascii_digit()) || token_text.len() == 1);
    marker_like
        && tokens.get(index + 1).is_some_and(|after| {
            after.start == token.end
                && matches!(after.text(text), "." | ")")
                && text[after.end..].starts_with([' ', '\t'])
        })
}

/// The line before `tokens[index]` is short and does not end in punctuation.
fn short_unfinished_line(text: &str, tokens: &[Token], index: usize) -> bool {
    let previous = &tokens[index - 1];
    if !previous.is_word() {
        return false;
    }
    let line_start = text[..previous.end].rfind('\n').map_or(0, |newline| newline + 1);
    text[line_start..previous.end].trim().len() <= SHORT_LINE_BYTES
}

fn gap_before<'a>(text: &'a str, tokens: &[Token], index: usize) -> &'a str {
    let previous_end = index.checked_sub(1).map_or(0, |previous| tokens[previous].end);
    &text[previous_end..tokens[index].start]
}

fn newline_before(text: &str, tokens: &[Token], index: usize) -> bool {
    index == 0 || gap_before(text, tokens, index).contains('\n')
}

fn blank_line_before(text: &str, tokens: &[Token], index: usize) -> bool {
    gap_before(text, tokens, index).matches('\n').count() >= 2
}

/// Two or more spaces: where a header may follow inside a line of flattened text.
fn wide_gap_before(text: &str, tokens: &[Token], index: usize) -> bool {
    gap_before(text, tokens, index).len() >= 2
}

#[cfg(test)]
mod tests {
    use super::super::sections::SectionKind;
    use super::super::tokens::tokenize;
    use super::*;

    fn sentences(text: &str) -> Vec<(&str, Option<SectionKind>)> {
        let tokens = tokenize(text, 0..text.len());
        split(text, &tokens)
            .iter()
            .map(|span| {
                (&text[tokens[span.first].start..tokens[span.end - 1].end], span.section.map(|section| section.kind))
            })
            .collect()
    }

    #[test]
    fn abbreviations_initials_and_decimals_do_not_split() {
        assert_eq!(
            sentences("Seen by Dr. Smith, M.D. on rounds. Take 2.5 mg daily, e.g. with food. Pain vs. pressure."),
            [
                ("Seen by Dr. Smith, M.D. on rounds.", None),
                ("Take 2.5 mg daily, e.g. with food.", None),
                ("Pain vs. pressure.", None)
            ]
        );
    }

    #[test]
    fn headers_open_sections_and_are_not_sentences() {
        let text =
            "PAST MEDICAL HISTORY:  Diabetes. Asthma.\nFamily History\nMother had breast cancer\nPlan: follow up";
        assert_eq!(
            sentences(text),
            [
                ("Diabetes.", Some(SectionKind::PastHistory)),
                ("Asthma.", Some(SectionKind::PastHistory)),
                ("Mother had breast cancer", Some(SectionKind::FamilyHistory)),
                ("follow up", Some(SectionKind::Plan)),
            ]
        );
    }

    #[test]
    fn list_lines_and_unpunctuated_lines_split() {
        let text = "Diagnoses:\n1. Pneumonia\n2. CHF exacerbation\n- hypertension\nChest pain\nShortness of breath";
        assert_eq!(
            sentences(text),
            [
                ("1. Pneumonia", Some(SectionKind::Assessment)),
                ("2. CHF exacerbation", Some(SectionKind::Assessment)),
                ("- hypertension", Some(SectionKind::Assessment)),
                ("Chest pain", Some(SectionKind::Assessment)),
                ("Shortness of breath", Some(SectionKind::Assessment)),
            ]
        );
    }

    #[test]
    fn wrapped_lines_stay_together() {
        let text = "The patient was admitted with a long history of chest pain radiating to the\nleft arm and jaw.";
        assert_eq!(sentences(text), [(text, None)]);
    }

    #[test]
    fn a_header_inside_flattened_text_after_wide_space() {
        let text = "No acute findings.  IMPRESSION:   No pneumothorax.";
        assert_eq!(
            sentences(text),
            [("No acute findings.", None), ("No pneumothorax.", Some(SectionKind::Assessment))]
        );
    }
}
