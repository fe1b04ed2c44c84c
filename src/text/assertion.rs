//! Triggers and their scope: which trigger phrases a sentence holds, which of them reach a
//! mention, and the assertion that wins.
//!
//! Triggers are found once per sentence, scanning left to right and taking the longest rule
//! at each word, so "no change" (pseudo) hides its "no" and "cannot be ruled out" (possible)
//! hides its "ruled out". A trigger reaches a mention on its side (after it for forward
//! triggers, before it for backward ones) unless, between them, there is:
//! - a terminator ("but", "however", "which", "the patient", ";" ...);
//! - a trigger of another kind, other than a historical one, that is not attached to it
//!   ("no fever, possible pneumonia": "possible" stops "no"; "no family history of" and
//!   "denies any history of" stay one negation, as only "any", "a", "the" or "known" separate
//!   the two triggers);
//! - a colon other than right after the trigger or the mention ("Not entered  History:
//!   post-menopausal" is two fields; "Negative for: fever" and "HIV: negative" are one);
//! - a run of more than [`MAX_ITEM_WORDS`] words without a list separator ("," "or" "and"
//!   "nor"), so that a trigger reaches down a list ("denies fever, chills or cough") but
//!   not into the next clause.
//!
//! Of the triggers that reach a mention, negation wins, then family, hypothetical, possible and
//! historical. With none, the section decides (Family history: family; Past medical history:
//! historical); a historical trigger inside the Family history section is a relative's.

use std::ops::Range;

use super::rules::{rules, Direction, Effect};
use super::sections::SectionKind;
use super::tokens::{token_is, Token};
use super::{Analysis, Assertion, AssertionResult, Trigger};

/// Longest run of words, without a list separator, a trigger reaches across.
pub const MAX_ITEM_WORDS: usize = 6;

/// Words that separate the items of a list.
const LIST_SEPARATORS: &[&str] = &[",", "or", "and", "nor", "and/or", "&"];

/// A rule matched in a sentence: tokens `[first, end)` of the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cue {
    pub(crate) rule: usize,
    pub(crate) first: usize,
    pub(crate) end: usize,
    /// For a trigger inside a pseudo-trigger ("no" in "no change"): where the pseudo-trigger
    /// ends. It counts only for a mention that starts inside the pseudo-trigger ("no CHANGE IN
    /// VISION"), where the pseudo-trigger's words are the finding itself.
    pub(crate) hidden_until: Option<usize>,
}

/// The cues in `sentence_tokens`, whose first token is token `offset` of the analysis.
pub(crate) fn find_cues(text: &str, sentence_tokens: &[Token], offset: usize) -> Vec<Cue> {
    let rule_set = rules();
    let mut cues = Vec::new();
    let mut lowercase = String::new();
    let mut index = 0;
    while index < sentence_tokens.len() {
        lowercase.clear();
        lowercase.push_str(sentence_tokens[index].text(text));
        lowercase.make_ascii_lowercase();
        let mut matches = rule_set.starting_with(&lowercase).iter().copied().filter(|&rule_index| {
            let words = &rule_set.rules[rule_index].words;
            sentence_tokens
                .get(index..index + words.len())
                .is_some_and(|candidate| candidate.iter().zip(words).all(|(token, word)| token_is(text, token, word)))
        });
        let Some(rule_index) = matches.next() else {
            index += 1;
            continue;
        };
        let end = offset + index + rule_set.rules[rule_index].words.len();
        cues.push(Cue { rule: rule_index, first: offset + index, end, hidden_until: None });
        if rule_set.rules[rule_index].effect == Effect::Pseudo {
            if let Some(hidden) = matches.find(|&other| rule_set.rules[other].effect != Effect::Pseudo) {
                let hidden_end = offset + index + rule_set.rules[hidden].words.len();
                cues.push(Cue { rule: hidden, first: offset + index, end: hidden_end, hidden_until: Some(end) });
            }
        }
        index = end - offset;
    }
    cues
}

/// The assertion of the mention at `mention` (byte range inside sentence `sentence_index`).
/// A sentence index out of range gives `Present` with no triggers.
pub fn assert_mention(
    text: &str,
    analysis: &Analysis,
    sentence_index: usize,
    mention: Range<usize>,
) -> AssertionResult {
    let (Some(span), Some(sentence)) = (analysis.spans.get(sentence_index), analysis.sentences.get(sentence_index))
    else {
        return AssertionResult { assertion: Assertion::Present, triggers: Vec::new(), from_section: false };
    };
    let tokens = &analysis.tokens;
    let sentence_tokens = span.first..span.end;
    let mention_first =
        span.first + tokens[sentence_tokens.clone()].partition_point(|token| token.end <= mention.start);
    let mention_end =
        mention_first + tokens[mention_first..span.end].partition_point(|token| token.start < mention.end);

    let rule_set = rules();
    let mut triggers = Vec::new();
    for cue in &span.cues {
        let rule = &rule_set.rules[cue.rule];
        let Effect::Assert(kind) = rule.effect else { continue };
        if cue.hidden_until.is_some_and(|pseudo_end| pseudo_end <= mention_first || cue.end > mention_first) {
            continue;
        }
        let forward = matches!(rule.direction, Direction::Forward | Direction::Both) && cue.end <= mention_first;
        let backward = matches!(rule.direction, Direction::Backward | Direction::Both) && cue.first >= mention_end;
        let gap = if forward {
            cue.end..mention_first
        } else if backward {
            mention_end..cue.first
        } else {
            continue;
        };
        if reaches(text, tokens, &span.cues, cue, kind, gap) {
            let start = tokens[cue.first].start;
            let end = tokens[cue.end - 1].end;
            triggers.push(Trigger { start, end, assertion: kind, rule: rule.phrase.as_str() });
        }
    }
    let section_kind = sentence.section.map(|section| section.kind);
    let (assertion, from_section) = decide(&triggers, section_kind);
    AssertionResult { assertion, triggers, from_section }
}

/// Whether `cue` (asserting `kind`) reaches across the tokens `gap` to the mention.
fn reaches(text: &str, tokens: &[Token], cues: &[Cue], cue: &Cue, kind: Assertion, gap: Range<usize>) -> bool {
    let rule_set = rules();
    for other in cues {
        if other.first < gap.start || other.end > gap.end || other.hidden_until.is_some() {
            continue;
        }
        match rule_set.rules[other.rule].effect {
            Effect::Terminate => return false,
            Effect::Assert(other_kind) if other_kind != kind && other_kind != Assertion::Historical => {
                if !attached(text, tokens, cue, other) {
                    return false;
                }
            }
            Effect::Assert(_) | Effect::Pseudo => {}
        }
    }
    let mut item_words = 0;
    for (position, token) in tokens[gap].iter().enumerate() {
        if position > 0 && token.text(text) == ":" {
            return false;
        }
        if LIST_SEPARATORS.iter().any(|separator| token_is(text, token, separator)) {
            item_words = 0;
        } else if token.is_word() {
            item_words += 1;
            if item_words > MAX_ITEM_WORDS {
                return false;
            }
        }
    }
    true
}

/// Words that may stand between two cues that act together.
const FILLERS: &[&str] = &["any", "a", "an", "the", "known"];

/// Two cues with nothing but [`FILLERS`] between them act together ("no family history of",
/// "denies any history of").
fn attached(text: &str, tokens: &[Token], one: &Cue, other: &Cue) -> bool {
    let between = if one.end <= other.first { one.end..other.first } else { other.end..one.first };
    tokens[between].iter().all(|token| FILLERS.iter().any(|filler| token_is(text, token, filler)))
}

fn decide(triggers: &[Trigger], section_kind: Option<SectionKind>) -> (Assertion, bool) {
    const PRECEDENCE: [Assertion; 5] =
        [Assertion::Negated, Assertion::Family, Assertion::Hypothetical, Assertion::Possible, Assertion::Historical];
    let in_family_section = section_kind == Some(SectionKind::FamilyHistory);
    if let Some(winner) = PRECEDENCE.into_iter().find(|kind| triggers.iter().any(|trigger| trigger.assertion == *kind))
    {
        if winner == Assertion::Historical && in_family_section {
            return (Assertion::Family, false);
        }
        return (winner, false);
    }
    match section_kind {
        Some(SectionKind::FamilyHistory) => (Assertion::Family, true),
        Some(SectionKind::PastHistory) => (Assertion::Historical, true),
        _ => (Assertion::Present, false),
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyze;
    use super::*;

    /// The assertion of the first occurrence of `mention` in `text`, and the rules that reached it.
    fn assertion_of(text: &str, mention: &str) -> (Assertion, Vec<&'static str>) {
        let start = text.find(mention).unwrap();
        let analysis = analyze(text);
        let sentence_index = analysis.sentence_at(start).unwrap();
        let result = assert_mention(text, &analysis, sentence_index, start..start + mention.len());
        (result.assertion, result.triggers.iter().map(|trigger| trigger.rule).collect())
    }

    fn kind(text: &str, mention: &str) -> Assertion {
        assertion_of(text, mention).0
    }

    #[test]
    fn negation_before_and_after_the_finding() {
        assert_eq!(assertion_of("Patient denies chest pain.", "chest pain"), (Assertion::Negated, vec!["denies"]));
        assert_eq!(
            assertion_of("CXR negative for  infiltrate.", "infiltrate"),
            (Assertion::Negated, vec!["negative for"])
        );
        assert_eq!(assertion_of("ROS -ve for anemia.", "anemia"), (Assertion::Negated, vec!["-ve for"]));
        assert_eq!(assertion_of("Pneumonia was ruled out.", "Pneumonia"), (Assertion::Negated, vec!["ruled out"]));
        assert_eq!(assertion_of("BK virus is NEGATIVE.", "BK virus"), (Assertion::Negated, vec!["negative"]));
        assert_eq!(assertion_of("Effusion is not seen.", "Effusion"), (Assertion::Negated, vec!["not seen"]));
        assert_eq!(assertion_of("Her nausea has resolved.", "nausea"), (Assertion::Negated, vec!["resolved"]));
        assert_eq!(kind("She has a cough.", "cough"), Assertion::Present);
    }

    #[test]
    fn trigger_offsets_are_bytes_in_the_text() {
        let text = "Seen today.\nShe   DENIES any\nfever.";
        let analysis = analyze(text);
        let start = text.find("fever").unwrap();
        let result = assert_mention(text, &analysis, 1, start..start + 5);
        assert_eq!(result.triggers, [Trigger { start: 18, end: 24, assertion: Assertion::Negated, rule: "denies" }]);
        assert_eq!(&text[18..24], "DENIES");
        assert!(!result.from_section);
    }

    #[test]
    fn negation_runs_down_a_list_and_stops_at_terminators() {
        let text = "She denies fever, chills or cough.";
        assert_eq!([kind(text, "fever"), kind(text, "chills"), kind(text, "cough")], [Assertion::Negated; 3]);
        let text = "No fever but has cough.";
        assert_eq!([kind(text, "fever"), kind(text, "cough")], [Assertion::Negated, Assertion::Present]);
        assert_eq!(kind("Denies chest pain, however reports dyspnea.", "dyspnea"), Assertion::Present);
        assert_eq!(kind("No rash aside from eczema.", "eczema"), Assertion::Present);
        assert_eq!(kind("No fever; cough persists.", "cough"), Assertion::Present);
        assert_eq!(kind("No evidence of bleeding, the patient remained stable.", "stable"), Assertion::Present);
        assert_eq!(kind("No mass, which explains the pain.", "pain"), Assertion::Present);
    }

    #[test]
    fn long_runs_without_a_separator_end_the_scope() {
        let text = "No records from the outside hospital were available regarding the pneumonia.";
        assert_eq!(kind(text, "pneumonia"), Assertion::Present);
        assert_eq!(kind("No records regarding the pneumonia.", "pneumonia"), Assertion::Negated);
    }

    #[test]
    fn colons_separate_fields() {
        let text = "LMP:  {Not Entered}  Menstrual History:  POST-MENOPAUSAL";
        assert_eq!(kind(text, "POST-MENOPAUSAL"), Assertion::Present);
        assert_eq!(kind("Negative for: fever, chills.", "chills"), Assertion::Negated);
        assert_eq!(kind("HIV: negative.", "HIV"), Assertion::Negated);
    }

    #[test]
    fn pseudo_triggers_are_not_negation() {
        assert_eq!(kind("No change in the size of the nodule.", "nodule"), Assertion::Present);
        assert_eq!(kind("Culture grew gram negative rods.", "rods"), Assertion::Present);
        assert_eq!(kind("Not only pain but swelling.", "pain"), Assertion::Present);
        assert_eq!(kind("Voiding without difficulty and ambulating.", "ambulating"), Assertion::Present);
        assert_eq!(kind("No increase in the effusion.", "effusion"), Assertion::Present);
        // The pseudo-trigger's own words are the finding: "no" negates it.
        assert_eq!(assertion_of("No change in vision.", "change in vision"), (Assertion::Negated, vec!["no"]));
    }

    #[test]
    fn possible_and_hypothetical() {
        assert_eq!(assertion_of("Possible pneumonia.", "pneumonia"), (Assertion::Possible, vec!["possible"]));
        assert_eq!(kind("Admit to r/o MI.", "MI"), Assertion::Possible);
        assert_eq!(assertion_of("PE cannot be excluded.", "PE"), (Assertion::Possible, vec!["cannot be excluded"]));
        assert_eq!(kind("Sepsis is unlikely.", "Sepsis"), Assertion::Possible);
        assert_eq!(kind("Differential includes lymphoma.", "lymphoma"), Assertion::Possible);
        assert_eq!(kind("No fever, possible pneumonia.", "pneumonia"), Assertion::Possible);
        assert_eq!(assertion_of("Return if fever develops.", "fever"), (Assertion::Hypothetical, vec!["return if"]));
        assert_eq!(kind("High risk of falls.", "falls"), Assertion::Hypothetical);
    }

    #[test]
    fn historical_by_trigger_and_by_section() {
        assert_eq!(assertion_of("History of asthma.", "asthma"), (Assertion::Historical, vec!["history of"]));
        assert_eq!(kind("She is s/p appendectomy.", "appendectomy"), Assertion::Historical);
        assert_eq!(kind("Prior MI in 2010.", "MI"), Assertion::Historical);
        assert_eq!(kind("Prior to admission she had chest pain.", "chest pain"), Assertion::Present);
        let text = "PMH: Diabetes. Denies asthma.";
        let start = text.find("Diabetes").unwrap();
        let analysis = analyze(text);
        let result = assert_mention(text, &analysis, 0, start..start + 8);
        assert_eq!((result.assertion, result.from_section), (Assertion::Historical, true));
        assert_eq!(kind(text, "asthma"), Assertion::Negated);
    }

    #[test]
    fn family_by_trigger_and_by_section() {
        assert_eq!(assertion_of("Mother has diabetes.", "diabetes"), (Assertion::Family, vec!["mother"]));
        assert_eq!(assertion_of("Diabetes in her mother.", "Diabetes"), (Assertion::Family, vec!["in her mother"]));
        assert_eq!(kind("Family History:\nDiabetes.", "Diabetes"), Assertion::Family);
        assert_eq!(kind("FAMILY HISTORY:  History of breast cancer.", "breast cancer"), Assertion::Family);
        assert_eq!(kind("FH: No history of colon cancer.", "colon cancer"), Assertion::Negated);
        assert_eq!(kind("She denies any family history of anemia.", "anemia"), Assertion::Negated);
        assert_eq!(kind("No fever, mother has anemia.", "anemia"), Assertion::Family);
        assert_eq!(
            assertion_of("No family history of colon cancer.", "colon cancer"),
            (Assertion::Negated, vec!["no", "family history of"])
        );
    }

    #[test]
    fn a_sentence_out_of_range_is_present() {
        let analysis = analyze("No fever.");
        let result = assert_mention("No fever.", &analysis, 3, 3..8);
        assert_eq!((result.assertion, result.triggers.len()), (Assertion::Present, 0));
    }
}
