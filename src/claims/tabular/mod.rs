//! Claim checks from the instructional notes of the ICD-10-CM tabular list: the diagnosis
//! codes of one claim judged together against the Excludes1, Code First and Use Additional
//! Code notes on each code and its ancestors.
//!
//! - **Excludes1**: two codes on the claim where a note on one (or on an ancestor of it)
//!   cites the other: "never coded together". One finding per unordered pair, with the notes
//!   of both directions.
//! - **Code First**: a code whose Code First group cites codes of which none comes before
//!   it on the claim: [`TabularRule::CodeFirstAfter`] when one comes after it (D63.0 "Anemia
//!   in neoplastic disease" listed before its neoplasm), [`TabularRule::CodeFirstMissing`]
//!   when none is on the claim.
//! - **Use Additional Code**: a warning when none of the codes a group cites is on the claim.
//!
//! Excludes2 and Code Also notes are never edits. Notes that cite no code (`underlying
//! disease`) cannot be checked and are counted in [`TabularStats`]; so are notes naming codes
//! only outside parentheses. Chapter and section notes are not checked: the tabular loader
//! keeps only the notes of codes. Findings whose notes hedge ("if applicable", "if known",
//! "such as", "any", "complicating") are marked [`TabularFinding::optional`]: the missing
//! code may well be right.
//!
//! The checks are pure functions of the [`TabularRules`] built once from a release, that
//! release, and the claim's diagnosis codes (undotted, upper-case, in claim order).

mod rules;

use std::fmt;

use crate::codes::{NoteKind, Release};

pub use rules::{KindCounts, TabularRules, TabularStats, UnresolvedNote};

use rules::NoteRule;

/// Which tabular check a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TabularRule {
    /// Two codes that an Excludes1 note says are never coded together.
    Excludes1,
    /// A code whose Code First note cites codes none of which is on the claim.
    CodeFirstMissing,
    /// A code whose Code First note cites a code that is on the claim, but only after it.
    CodeFirstAfter,
    /// A code whose Use Additional Code note cites codes none of which is on the claim.
    UseAdditionalCodeMissing,
}

/// One note behind a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteCitation<'r> {
    /// The kind of note.
    pub kind: NoteKind,
    /// The code the note sits on (the claim code or an ancestor of it), undotted.
    pub source: &'r str,
    /// Position on the claim (0-based) of the code the note applies to.
    pub applies_to: usize,
    /// The note's exact text.
    pub text: &'r str,
}

/// A code of the claim, with its position (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCode {
    /// Position in claim order, from 0.
    pub position: usize,
    /// The code as given.
    pub code: String,
}

/// One tabular-note finding on a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabularFinding<'r> {
    /// The check.
    pub rule: TabularRule,
    /// The code the finding is about: the first of an Excludes1 pair, the code whose Code
    /// First or Use Additional Code note is not met.
    pub code: ClaimCode,
    /// The second code of an Excludes1 pair, or the cited code listed after for
    /// [`TabularRule::CodeFirstAfter`].
    pub other: Option<ClaimCode>,
    /// The notes behind the finding (for Excludes1, the notes of both directions).
    pub notes: Vec<NoteCitation<'r>>,
    /// The notes hedge ("if applicable", "such as", ...): a missing code may be right.
    pub optional: bool,
}

impl fmt::Display for TabularFinding<'_> {
    /// `Excludes1 E109 (#1), E119 (#2): E10 "type 2 diabetes mellitus (E11.-)"; ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {} (#{})", self.rule, self.code.code, self.code.position + 1)?;
        if let Some(other) = &self.other {
            write!(f, ", {} (#{})", other.code, other.position + 1)?;
        }
        for (at, note) in self.notes.iter().enumerate() {
            let separator = if at == 0 { ": " } else { "; " };
            write!(f, "{separator}{} {:?}", note.source, note.text)?;
        }
        Ok(())
    }
}

/// Why a claim could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TabularError {
    /// The rules were built from another release than the one given.
    #[error("tabular rules were built from release {built_from}, not {given}")]
    OtherRelease {
        /// Version of the release the rules come from.
        built_from: String,
        /// Version of the release given.
        given: String,
    },
}

/// Every tabular check on a claim: Excludes1 pairs, then Code First, then Use Additional
/// Code findings, each in claim order.
pub fn check_claim<'r, S: AsRef<str>>(
    rules: &'r TabularRules,
    release: &Release,
    diagnoses: &[S],
) -> Result<Vec<TabularFinding<'r>>, TabularError> {
    let claim = Claim::new(rules, release, diagnoses)?;
    let mut findings = claim.excludes1();
    findings.extend(claim.code_first());
    findings.extend(claim.use_additional_code());
    Ok(findings)
}

/// The Excludes1 findings of a claim.
pub fn check_excludes1<'r, S: AsRef<str>>(
    rules: &'r TabularRules,
    release: &Release,
    diagnoses: &[S],
) -> Result<Vec<TabularFinding<'r>>, TabularError> {
    Ok(Claim::new(rules, release, diagnoses)?.excludes1())
}

/// The Code First findings of a claim.
pub fn check_code_first<'r, S: AsRef<str>>(
    rules: &'r TabularRules,
    release: &Release,
    diagnoses: &[S],
) -> Result<Vec<TabularFinding<'r>>, TabularError> {
    Ok(Claim::new(rules, release, diagnoses)?.code_first())
}

/// The Use Additional Code findings of a claim.
pub fn check_use_additional_code<'r, S: AsRef<str>>(
    rules: &'r TabularRules,
    release: &Release,
    diagnoses: &[S],
) -> Result<Vec<TabularFinding<'r>>, TabularError> {
    Ok(Claim::new(rules, release, diagnoses)?.use_additional_code())
}

/// A claim's codes with the entry each resolves to in the release.
struct Claim<'r, 'c, S> {
    rules: &'r TabularRules,
    codes: &'c [S],
    entries: Vec<Option<u32>>,
}

impl<'r, 'c, S: AsRef<str>> Claim<'r, 'c, S> {
    fn new(rules: &'r TabularRules, release: &Release, codes: &'c [S]) -> Result<Self, TabularError> {
        if !rules.built_from(release) {
            return Err(TabularError::OtherRelease {
                built_from: rules.version().to_string(),
                given: release.info.version.clone(),
            });
        }
        let entries = codes.iter().map(|code| release.entry_index(code.as_ref())).collect();
        Ok(Claim { rules, codes, entries })
    }

    fn code(&self, position: usize) -> &str {
        self.codes.get(position).map_or("", AsRef::as_ref)
    }

    fn claim_code(&self, position: usize) -> ClaimCode {
        ClaimCode { position, code: self.code(position).to_string() }
    }

    /// The rules of the kind applying to each code with an entry, with its position.
    fn rules_of_kind(&self, kind: NoteKind) -> impl Iterator<Item = (usize, &'r NoteRule)> + '_ {
        let rules = self.rules;
        self.entries.iter().enumerate().flat_map(move |(position, entry)| {
            entry
                .map(|index| rules.rules_of(index))
                .into_iter()
                .flatten()
                .filter(move |rule| rule.kind == kind)
                .map(move |rule| (position, rule))
        })
    }

    /// Positions of the other codes (a different code at another position) that `rule` cites.
    fn cited_positions<'a>(&'a self, position: usize, rule: &'a NoteRule) -> impl Iterator<Item = usize> + 'a {
        let own = self.code(position);
        (0..self.codes.len()).filter(move |&other| {
            let code = self.code(other);
            other != position && code != own && rule.cites(code)
        })
    }

    fn excludes1(&self) -> Vec<TabularFinding<'r>> {
        let mut pairs: Vec<((usize, usize), Vec<NoteCitation<'r>>)> = Vec::new();
        for (position, rule) in self.rules_of_kind(NoteKind::Excludes1) {
            for other in self.cited_positions(position, rule) {
                let pair = (position.min(other), position.max(other));
                let citations = citations(rule, position);
                match pairs.iter_mut().find(|(known, _)| *known == pair) {
                    Some((_, notes)) => notes.extend(citations),
                    None => pairs.push((pair, citations.collect())),
                }
            }
        }
        pairs.sort_by_key(|(pair, _)| *pair);
        pairs
            .into_iter()
            .map(|((first, second), notes)| TabularFinding {
                rule: TabularRule::Excludes1,
                code: self.claim_code(first),
                other: Some(self.claim_code(second)),
                notes,
                optional: false,
            })
            .collect()
    }

    fn code_first(&self) -> Vec<TabularFinding<'r>> {
        let mut findings = Vec::new();
        for (position, rule) in self.rules_of_kind(NoteKind::CodeFirst) {
            let mut cited = self.cited_positions(position, rule);
            let first_cited = cited.next();
            let (found, other) = match first_cited {
                Some(before) if before < position => continue,
                Some(after) => (TabularRule::CodeFirstAfter, Some(self.claim_code(after))),
                None if rule.open => continue,
                None => (TabularRule::CodeFirstMissing, None),
            };
            findings.push(self.finding(found, position, other, rule));
        }
        findings
    }

    fn use_additional_code(&self) -> Vec<TabularFinding<'r>> {
        self.rules_of_kind(NoteKind::UseAdditionalCode)
            .filter(|(position, rule)| !rule.open && self.cited_positions(*position, rule).next().is_none())
            .map(|(position, rule)| self.finding(TabularRule::UseAdditionalCodeMissing, position, None, rule))
            .collect()
    }

    fn finding(
        &self,
        found: TabularRule,
        position: usize,
        other: Option<ClaimCode>,
        rule: &'r NoteRule,
    ) -> TabularFinding<'r> {
        TabularFinding {
            rule: found,
            code: self.claim_code(position),
            other,
            notes: citations(rule, position).collect(),
            optional: rule.optional,
        }
    }
}

/// The notes of a rule, cited as applying to the code at `position`.
fn citations(rule: &NoteRule, position: usize) -> impl Iterator<Item = NoteCitation<'_>> {
    rule.texts.iter().map(move |text| NoteCitation {
        kind: rule.kind,
        source: &rule.source,
        applies_to: position,
        text,
    })
}

#[cfg(test)]
mod tests;
