//! Clinical section headers ("ASSESSMENT:", "Past Medical History:", "PMH:", "Family
//! History" on a line of its own) and the canonical section each one opens. Headers are data:
//! one row per section with the spellings that name it.

use super::tokens::{token_is, Token};

/// What a section of a note holds; the assertion stage reads it for defaults (a condition
/// listed under Past medical history is historical, under Family history it is a relative's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    ChiefComplaint,
    PresentIllness,
    PastHistory,
    FamilyHistory,
    SocialHistory,
    Medications,
    Allergies,
    ReviewOfSystems,
    Examination,
    Results,
    Assessment,
    Plan,
    Other,
}

/// The section a sentence is in: a display name ("Past medical history") and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Section {
    pub name: &'static str,
    pub kind: SectionKind,
}

/// One section and the header spellings that open it. A spelling is its tokens separated
/// by spaces ("diagnosis ( es )"), matched case-insensitively.
struct HeaderRow {
    name: &'static str,
    kind: SectionKind,
    spellings: &'static [&'static str],
}

use SectionKind::*;

const HEADERS: &[HeaderRow] = &[
    HeaderRow {
        name: "Chief complaint",
        kind: ChiefComplaint,
        spellings: &["chief complaint", "cc", "reason for visit", "reason for admission", "presenting complaint"],
    },
    HeaderRow {
        name: "History of present illness",
        kind: PresentIllness,
        spellings: &[
            "history of present illness",
            "hpi",
            "present illness",
            "history of the present illness",
            "interval history",
        ],
    },
    HeaderRow {
        name: "Past medical history",
        kind: PastHistory,
        spellings: &[
            "past medical history",
            "pmh",
            "pmhx",
            "past history",
            "medical history",
            "past medical and surgical history",
            "previous medical history",
        ],
    },
    HeaderRow {
        name: "Past surgical history",
        kind: PastHistory,
        spellings: &["past surgical history", "psh", "surgical history", "previous surgeries", "past procedures"],
    },
    HeaderRow {
        name: "Family history",
        kind: FamilyHistory,
        spellings: &["family history", "fh", "fhx", "family hx", "family medical history"],
    },
    HeaderRow { name: "Social history", kind: SocialHistory, spellings: &["social history", "sh", "shx", "social hx"] },
    HeaderRow {
        name: "Medications",
        kind: Medications,
        spellings: &[
            "medications",
            "meds",
            "current medications",
            "home medications",
            "medications on admission",
            "admission medications",
            "discharge medications",
            "outpatient medications",
        ],
    },
    HeaderRow {
        name: "Allergies",
        kind: Allergies,
        spellings: &["allergies", "allergy", "drug allergies", "allergies and adverse reactions"],
    },
    HeaderRow {
        name: "Review of systems",
        kind: ReviewOfSystems,
        spellings: &["review of systems", "ros", "systems review"],
    },
    HeaderRow {
        name: "Physical examination",
        kind: Examination,
        spellings: &[
            "physical examination",
            "physical exam",
            "examination",
            "exam",
            "pe",
            "vital signs",
            "vitals",
            "examination on admission",
        ],
    },
    HeaderRow {
        name: "Results",
        kind: Results,
        spellings: &[
            "results",
            "labs",
            "laboratory",
            "laboratory data",
            "laboratory results",
            "pertinent results",
            "imaging",
            "radiology",
            "studies",
            "diagnostic studies",
            "findings",
        ],
    },
    HeaderRow {
        name: "Assessment and plan",
        kind: Assessment,
        spellings: &["assessment and plan", "assessment / plan", "a/p", "a & p", "impression and plan"],
    },
    HeaderRow { name: "Assessment", kind: Assessment, spellings: &["assessment", "clinical assessment"] },
    HeaderRow {
        name: "Impression",
        kind: Assessment,
        spellings: &["impression", "impressions", "clinical impression"],
    },
    HeaderRow {
        name: "Diagnoses",
        kind: Assessment,
        spellings: &[
            "diagnoses",
            "diagnosis",
            "diagnosis ( es )",
            "final diagnosis",
            "final diagnoses",
            "discharge diagnosis",
            "discharge diagnoses",
            "admission diagnosis",
            "admitting diagnosis",
            "preoperative diagnosis",
            "postoperative diagnosis",
            "postoperative diagnosis ( es )",
            "post-operative diagnosis",
            "post-operative diagnosis ( es )",
            "problem list",
        ],
    },
    HeaderRow { name: "Plan", kind: Plan, spellings: &["plan", "recommendations", "disposition", "plan of care"] },
    HeaderRow { name: "Hospital course", kind: Other, spellings: &["hospital course", "brief hospital course"] },
];

/// Spellings shorter than this open a section only when followed by a colon: a line saying
/// just "PE" is more likely a pulmonary embolism than the examination.
const MIN_BARE_HEADER_LEN: usize = 4;

/// A header found at a token: the section it opens and the first token after it (past
/// the colon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeaderMatch {
    pub(crate) section: Section,
    pub(crate) next_token: usize,
}

/// The header starting at `tokens[index]`, if any: a known spelling followed by a colon,
/// or (at the start of a line, for spellings of 4 characters or more) followed by the end of
/// the line. The longest spelling wins.
pub(crate) fn header_at(text: &str, tokens: &[Token], index: usize, at_line_start: bool) -> Option<HeaderMatch> {
    let mut best: Option<(usize, HeaderMatch)> = None;
    for row in HEADERS {
        for spelling in row.spellings {
            let Some(after) = match_spelling(text, tokens, index, spelling) else { continue };
            let next_token = if tokens.get(after).is_some_and(|token| token.text(text) == ":") {
                after + 1
            } else if at_line_start && spelling.len() >= MIN_BARE_HEADER_LEN && line_ends_before(text, tokens, after) {
                after
            } else {
                continue;
            };
            let length = after - index;
            if best.is_none_or(|(best_length, _)| length > best_length) {
                let section = Section { name: row.name, kind: row.kind };
                best = Some((length, HeaderMatch { section, next_token }));
            }
        }
    }
    best.map(|(_, header)| header)
}

/// The token index after `spelling` if the tokens from `index` spell it.
fn match_spelling(text: &str, tokens: &[Token], index: usize, spelling: &str) -> Option<usize> {
    let mut position = index;
    for word in spelling.split(' ') {
        let token = tokens.get(position)?;
        if !token_is(text, token, word) {
            return None;
        }
        position += 1;
    }
    Some(position)
}

/// Whether a newline (or the end of the text) comes between `tokens[index - 1]` and `tokens[index]`.
fn line_ends_before(text: &str, tokens: &[Token], index: usize) -> bool {
    let Some(token) = tokens.get(index) else { return true };
    let previous_end =
        index.checked_sub(1).and_then(|previous| tokens.get(previous)).map_or(0, |previous| previous.end);
    text[previous_end..token.start].contains('\n')
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn header(text: &str, at_line_start: bool) -> Option<(&'static str, SectionKind, usize)> {
        let tokens = tokenize(text, 0..text.len());
        header_at(text, &tokens, 0, at_line_start)
            .map(|found| (found.section.name, found.section.kind, found.next_token))
    }

    #[test]
    fn colon_headers_in_any_case() {
        assert_eq!(header("ASSESSMENT: pneumonia", false), Some(("Assessment", Assessment, 2)));
        assert_eq!(header("Past Medical History: HTN", false), Some(("Past medical history", PastHistory, 4)));
        assert_eq!(header("PMH: HTN", false), Some(("Past medical history", PastHistory, 2)));
        assert_eq!(header("FH: diabetes", false), Some(("Family history", FamilyHistory, 2)));
        assert_eq!(header("Impression:  no acute disease", false), Some(("Impression", Assessment, 2)));
        assert_eq!(header("POSTOPERATIVE DIAGNOSIS(ES):  1) polyp", false), Some(("Diagnoses", Assessment, 6)));
    }

    #[test]
    fn longest_spelling_wins() {
        assert_eq!(header("Assessment and Plan: rest", false), Some(("Assessment and plan", Assessment, 4)));
    }

    #[test]
    fn bare_headers_need_their_own_line() {
        assert_eq!(header("Family History\nmother with diabetes", true), Some(("Family history", FamilyHistory, 2)));
        assert_eq!(header("Social history\n", true), Some(("Social history", SocialHistory, 2)));
        assert_eq!(header("Family history of diabetes", true), None);
        assert_eq!(header("Family History\nmother", false), None);
        assert_eq!(header("HPI\n54 year old", true), None);
        assert_eq!(header("HPI - 54 year old", true), None);
    }
}
