//! The trigger rules, as data: phrases that assert something about the findings near them
//! (negation, uncertainty, a hypothetical, the past, a relative), phrases that look like
//! triggers but are not ("no change", "gram negative"), and phrases that end a trigger's
//! reach ("but", "however", "which"). Written for Codify from the ideas of NegEx and ConText.

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt};

use super::tokens::tokenize;
use super::Assertion;

/// Names the rule set; goes up with every change to the lists below.
pub const RULES_VERSION: &str = "codify-assertion-2025.1";

/// Which way a trigger reaches from where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Findings after it ("denies fever").
    Forward,
    /// Findings before it ("fever resolved").
    Backward,
    Both,
}

/// What a matched phrase does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Assert(Assertion),
    /// Looks like a trigger, is not one: matched only so its words are not read as one.
    Pseudo,
    /// Ends the reach of any trigger across it.
    Terminate,
}

/// One rule: the phrase as written, its lower-case tokens, what it does and which way.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) phrase: String,
    pub(crate) words: Vec<String>,
    pub(crate) effect: Effect,
    pub(crate) direction: Direction,
}

const NEGATION_FORWARD: &[&str] = &[
    "no",
    "not",
    "denies",
    "denied",
    "deny",
    "denying",
    "without",
    "without any",
    "without evidence of",
    "negative for",
    "neg for",
    "-ve for",
    "free of",
    "free from",
    "absence of",
    "no evidence of",
    "no signs of",
    "no sign of",
    "no longer",
    "never",
    "neither",
    "none of",
    "didn't",
    "doesn't",
    "don't",
    "isn't",
    "wasn't",
    "weren't",
    "aren't",
    "hasn't",
    "haven't",
    "hadn't",
    "fails to reveal",
    "failed to reveal",
    "fails to show",
    "failed to show",
    "not consistent with",
    "inconsistent with",
    "unremarkable for",
    "ruled out for",
    "rules out",
    "resolution of",
    "declined",
    "declines",
];

const NEGATION_BACKWARD: &[&str] = &[
    "negative",
    "ruled out",
    "excluded",
    "resolved",
    "not seen",
    "not identified",
    "not detected",
    "not present",
    "not appreciated",
    "not noted",
    "not found",
    "not demonstrated",
    "not visualized",
    "none",
    "was declined",
    "was refused",
    "not performed",
    "was cancelled",
];

const PSEUDO: &[&str] = &[
    "no increase",
    "no significant increase",
    "no change",
    "no significant change",
    "no interval change",
    "no significant interval change",
    "no further change",
    "not only",
    "not necessarily",
    "not changed",
    "not been changed",
    "without change",
    "without difficulty",
    "gram negative",
    "not drain",
    "not extend",
    "not cause",
    "no cause of",
    "history of present illness",
    "history of the present illness",
    "history and physical",
    "social history",
    "clinical history",
    "prior to",
    "no more than",
];

const POSSIBLE_FORWARD: &[&str] = &[
    "possible",
    "possibly",
    "probable",
    "probably",
    "suspected",
    "suspect",
    "suspicious for",
    "suspicion for",
    "suspicion of",
    "concerning for",
    "concern for",
    "worrisome for",
    "likely",
    "most likely",
    "questionable",
    "question of",
    "rule out",
    "rule-out",
    "to rule out",
    "r/o",
    "differential",
    "differential diagnosis",
    "ddx",
    "versus",
    "vs",
    "may be",
    "may have",
    "might be",
    "might have",
    "could be",
    "could have",
    "consider",
    "cannot exclude",
    "cannot rule out",
    "can not exclude",
    "can not rule out",
    "could not exclude",
    "not rule out",
    "evaluate for",
    "evaluation for",
    "assess for",
    "to exclude",
    "to determine whether",
    "unlikely",
    "low suspicion for",
    "low probability of",
    "low likelihood of",
    "unclear",
    "uncertain",
    "not clear",
    "not certain",
    "not sure",
    "presumed",
    "presumably",
    "equivocal for",
];

const POSSIBLE_BACKWARD: &[&str] = &[
    "unlikely",
    "suspected",
    "possible",
    "probable",
    "likely",
    "questionable",
    "versus",
    "vs",
    "cannot be excluded",
    "cannot be ruled out",
    "can not be excluded",
    "can not be ruled out",
    "not be excluded",
    "not be ruled out",
    "not excluded",
    "not ruled out",
    "is suspected",
    "is questioned",
    "not certain",
    "unclear",
    "uncertain",
];

const HYPOTHETICAL_FORWARD: &[&str] = &[
    "if",
    "should",
    "in case of",
    "in the event of",
    "return if",
    "call if",
    "return for",
    "as needed for",
    "prn",
    "risk of",
    "risk for",
    "at risk for",
    "to prevent",
    "prevention of",
    "prophylaxis",
    "prophylaxis against",
    "prophylaxis for",
    "monitor for",
    "watch for",
    "unless",
    "planned",
    "plan for",
    "scheduled for",
    "will undergo",
    "to undergo",
];

/// Procedures still to come ("cholecystectomy is planned").
const HYPOTHETICAL_BACKWARD: &[&str] = &["is planned", "was planned", "is scheduled", "was scheduled"];

const HISTORICAL_FORWARD: &[&str] = &[
    "history of",
    "hx of",
    "h/o",
    "past history of",
    "past medical history",
    "past medical history of",
    "medical history of",
    "past surgical history",
    "surgical history of",
    "status post",
    "s/p",
    "previous",
    "previously",
    "prior",
    "remote",
];

const HISTORICAL_BACKWARD: &[&str] = &["in the past", "years ago", "previously", "in childhood", "as a child"];

const FAMILY_FORWARD: &[&str] =
    &["family history of", "family history", "family hx of", "fh of", "fhx of", "familial history of"];

/// Relatives: a trigger ahead of a finding ("mother had a stroke") and, after "in" ("stroke
/// in her mother"), behind it.
const RELATIVES: &[&str] = &[
    "mother",
    "father",
    "mom",
    "dad",
    "parent",
    "parents",
    "sister",
    "sisters",
    "brother",
    "brothers",
    "sibling",
    "siblings",
    "aunt",
    "aunts",
    "uncle",
    "uncles",
    "grandmother",
    "grandfather",
    "grandparent",
    "grandparents",
    "cousin",
    "cousins",
    "son",
    "sons",
    "daughter",
    "daughters",
    "maternal",
    "paternal",
    "relatives",
];

const TERMINATORS: &[&str] = &[
    "but",
    "however",
    "although",
    "though",
    "except",
    "exception",
    "aside from",
    "apart from",
    "other than",
    "which",
    "who",
    "whose",
    "while",
    "yet",
    "still",
    "nevertheless",
    "nonetheless",
    "presents with",
    "presented with",
    "presenting with",
    "complains of",
    "complaining of",
    "complained of",
    "reports",
    "reported",
    "reporting",
    "admits",
    "admits to",
    "endorses",
    "endorsed",
    "positive for",
    "positive",
    "due to",
    "secondary to",
    "because",
    "because of",
    "since",
    "as a result of",
    "caused by",
    "cause of",
    "etiology of",
    "source of",
    "reason for",
    "he",
    "she",
    "they",
    "we",
    "the patient",
    "there",
    ";",
];

/// The rules and an index from first word to the rules starting with it, longest first.
pub(crate) struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    by_first_word: HashMap<String, Vec<usize>>,
}

impl RuleSet {
    /// The rules whose first word is `first_word` (lower case), longest first.
    pub(crate) fn starting_with(&self, first_word: &str) -> &[usize] {
        self.by_first_word.get(first_word).map_or(&[], Vec::as_slice)
    }
}

/// The rule set, built once.
pub(crate) fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(build)
}

fn build() -> RuleSet {
    use Direction::{Backward, Forward};
    let mut rules = Vec::new();
    let mut add = |phrases: &[&str], effect: Effect, direction: Direction| {
        for phrase in phrases {
            add_rule(&mut rules, phrase.to_string(), effect, direction);
        }
    };
    add(NEGATION_FORWARD, Effect::Assert(Assertion::Negated), Forward);
    add(NEGATION_BACKWARD, Effect::Assert(Assertion::Negated), Backward);
    add(PSEUDO, Effect::Pseudo, Direction::Both);
    add(POSSIBLE_FORWARD, Effect::Assert(Assertion::Possible), Forward);
    add(POSSIBLE_BACKWARD, Effect::Assert(Assertion::Possible), Backward);
    add(HYPOTHETICAL_FORWARD, Effect::Assert(Assertion::Hypothetical), Forward);
    add(HYPOTHETICAL_BACKWARD, Effect::Assert(Assertion::Hypothetical), Backward);
    add(HISTORICAL_FORWARD, Effect::Assert(Assertion::Historical), Forward);
    add(HISTORICAL_BACKWARD, Effect::Assert(Assertion::Historical), Backward);
    add(FAMILY_FORWARD, Effect::Assert(Assertion::Family), Forward);
    add(RELATIVES, Effect::Assert(Assertion::Family), Forward);
    add(TERMINATORS, Effect::Terminate, Direction::Both);
    for relative in RELATIVES {
        for determiner in ["in ", "in his ", "in her ", "in the ", "in their ", "in patient's "] {
            add_rule(&mut rules, format!("{determiner}{relative}"), Effect::Assert(Assertion::Family), Backward);
        }
    }
    let mut by_first_word: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, rule) in rules.iter().enumerate() {
        if let Some(first) = rule.words.first() {
            by_first_word.entry(first.clone()).or_default().push(index);
        }
    }
    for candidates in by_first_word.values_mut() {
        candidates.sort_by_key(|&index| std::cmp::Reverse(rules[index].words.len()));
    }
    RuleSet { rules, by_first_word }
}

/// Adds a rule, merging a phrase listed both ways ("unlikely") into one rule reaching both ways.
fn add_rule(rules: &mut Vec<Rule>, phrase: String, effect: Effect, direction: Direction) {
    if let Some(existing) = rules.iter_mut().find(|rule| rule.phrase == phrase && rule.effect == effect) {
        if existing.direction != direction {
            existing.direction = Direction::Both;
        }
        return;
    }
    let words = tokenize(&phrase, 0..phrase.len()).iter().map(|token| token.text(&phrase).to_lowercase()).collect();
    rules.push(Rule { phrase, words, effect, direction });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_listed_both_ways_become_one_rule() {
        let rule_set = rules();
        let unlikely: Vec<&Rule> = rule_set.rules.iter().filter(|rule| rule.phrase == "unlikely").collect();
        assert_eq!(unlikely.len(), 1);
        assert_eq!(unlikely[0].direction, Direction::Both);
    }

    #[test]
    fn rules_are_tokenized_like_text_and_indexed_longest_first() {
        let rule_set = rules();
        let negative_for = rule_set.rules.iter().find(|rule| rule.phrase == "-ve for").map(|rule| rule.words.clone());
        assert_eq!(negative_for, Some(vec!["-".to_string(), "ve".to_string(), "for".to_string()]));
        let lengths: Vec<usize> =
            rule_set.starting_with("no").iter().map(|&index| rule_set.rules[index].words.len()).collect();
        assert!(lengths.windows(2).all(|pair| pair[0] >= pair[1]), "{lengths:?}");
        assert_eq!(lengths.last(), Some(&1));
    }
}
