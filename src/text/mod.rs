//! Clinical text: what a note says about a finding, before any code is suggested for it.
//!
//! A pipeline of small stages over one note: tokens ([`tokens`]), sentences and the section
//! each is in ([`sentences`], [`sections`]), trigger phrases found once per sentence
//! ([`rules`]), and, for a mention a caller has found, its assertion: present, negated,
//! possible, hypothetical, historical or a relative's ([`assertion`]). [`negation_eval`]
//! measures the negation part against the NegEx test kit. Nothing here logs or prints text:
//! notes are patient data.

mod assertion;
pub mod negation_eval;
mod rules;
mod sections;
mod sentences;
mod tokens;

pub use assertion::assert_mention;
pub use negation_eval::{evaluate_negation, NegationEvalError, NegationReport};
pub use rules::RULES_VERSION;
pub use sections::{Section, SectionKind};

use assertion::Cue;
use tokens::Token;

/// A note split into sentences, with the triggers of each found once.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// In text order.
    pub sentences: Vec<Sentence>,
    tokens: Vec<Token>,
    /// Per sentence: its first token and end token, and its cues.
    spans: Vec<SentenceTokens>,
}

#[derive(Debug, Clone)]
struct SentenceTokens {
    first: usize,
    end: usize,
    cues: Vec<Cue>,
}

/// One sentence: `text[start..end]` (byte offsets) and the section it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub section: Option<Section>,
}

/// What the note says about a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Assertion {
    /// The patient has it now.
    Present,
    /// Said not to be there ("denies chest pain", "no effusion").
    Negated,
    /// Uncertain ("possible pneumonia", "r/o MI", "cannot be excluded").
    Possible,
    /// Could happen, has not ("return if fever", "risk of falls").
    Hypothetical,
    /// In the patient's past ("history of", "s/p", the Past medical history section).
    Historical,
    /// Someone other than the patient ("mother had", the Family history section).
    Family,
}

impl Assertion {
    /// Lower-case name, as shown in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Assertion::Present => "present",
            Assertion::Negated => "negated",
            Assertion::Possible => "possible",
            Assertion::Hypothetical => "hypothetical",
            Assertion::Historical => "historical",
            Assertion::Family => "family",
        }
    }
}

/// A trigger phrase that reaches a mention: `text[start..end]`, what it asserts, and the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    pub start: usize,
    pub end: usize,
    pub assertion: Assertion,
    /// The rule's phrase as written in the rule set ("negative for").
    pub rule: &'static str,
}

/// The assertion of a mention and every trigger that reaches it, in text order (the
/// triggers of other kinds that lost to the winner included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionResult {
    pub assertion: Assertion,
    pub triggers: Vec<Trigger>,
    /// Set when no trigger decided and the section did (Past medical history, Family history).
    pub from_section: bool,
}

/// Splits `text` into sentences with their sections and finds the trigger phrases of each.
pub fn analyze(text: &str) -> Analysis {
    let tokens = tokens::tokenize(text, 0..text.len());
    let spans = sentences::split(text, &tokens);
    let mut sentences = Vec::with_capacity(spans.len());
    let mut sentence_tokens = Vec::with_capacity(spans.len());
    for span in spans {
        sentences.push(Sentence {
            start: tokens[span.first].start,
            end: tokens[span.end - 1].end,
            section: span.section,
        });
        let cues = assertion::find_cues(text, &tokens[span.first..span.end], span.first);
        sentence_tokens.push(SentenceTokens { first: span.first, end: span.end, cues });
    }
    Analysis { sentences, tokens, spans: sentence_tokens }
}

impl Analysis {
    /// The index of the sentence holding byte `offset`, or else the last one starting before it.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let after = self.sentences.partition_point(|sentence| sentence.start <= offset);
        after.checked_sub(1).or(if self.sentences.is_empty() { None } else { Some(0) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyze_gives_sentence_offsets_and_sections() {
        let text = "Seen by Dr. Smith today. No fever.\n\nASSESSMENT:  Pneumonia.\nPlan\nAntibiotics";
        let analysis = analyze(text);
        let spans: Vec<(usize, usize, Option<&str>)> = analysis
            .sentences
            .iter()
            .map(|sentence| (sentence.start, sentence.end, sentence.section.map(|section| section.name)))
            .collect();
        assert_eq!(spans, [(0, 24, None), (25, 34, None), (49, 59, Some("Assessment")), (65, 76, Some("Plan"))]);
        assert_eq!(&text[49..59], "Pneumonia.");
        assert_eq!(analysis.sentence_at(30), Some(1));
        assert_eq!(analysis.sentence_at(40), Some(1));
        assert_eq!(analyze("  ").sentence_at(0), None);
    }
}
