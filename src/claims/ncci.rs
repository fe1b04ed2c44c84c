//! The CMS National Correct Coding Initiative (NCCI) edits as a rule set: procedure-to-
//! procedure (PTP) pairs, medically unlikely edits (MUE) and add-on code (AOC) edits, and
//! the checks a claim's lines are judged by together. Built by
//! [`loaders::ncci`](crate::loaders::ncci); every finding names its edit, the rule set
//! version and the file row behind it.
//!
//! Which tables a claim is checked against depends on its [`ClaimType`]:
//!
//! - practitioner (professional claims, 837P / CMS-1500): the practitioner PTP table; the
//!   practitioner MUE table, and for a code with no practitioner MUE but a DME supplier MUE
//!   (a DME item on a professional claim), the DME supplier MUE;
//! - outpatient hospital (837I types of bill under the OCE): the outpatient hospital PTP
//!   and MUE tables;
//! - DME supplier (837P to a DME MAC): the practitioner PTP table (CMS publishes no DME PTP
//!   table) and the DME supplier MUE table.
//!
//! The add-on code table is one table for every claim type.

mod aoc;
mod code;
mod modifiers;
mod mue;
mod ptp;

use std::fmt;

use crate::codes::Date;

pub use aoc::{AddOnEdit, AddOnFinding, AddOnRecord, AddOnTable, AddOnTableBuilder, AocType};
pub use code::NcciCode;
pub use modifiers::{is_ncci_associated, NCCI_ASSOCIATED_MODIFIERS};
pub use mue::{MueAdjudication, MueEdit, MueFinding, MueRecord, MueTable, MueTableBuilder, MueTableKind};
pub use ptp::{ModifierIndicator, PtpEdit, PtpFinding, PtpRecord, PtpTable, PtpTableBuilder, PtpTableKind};

/// Why a row was refused while a table was built (the loader adds file and line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NcciRowError {
    /// The deletion date is before the effective date.
    #[error("deletion date {deletion} is before effective date {effective}")]
    DeletionBeforeEffective {
        /// Effective date.
        effective: Date,
        /// Deletion date.
        deletion: Date,
    },
    /// The code already has a row in this MUE table.
    #[error("code {code} already has an MUE (line {first_line})")]
    DuplicateMue {
        /// The code.
        code: NcciCode,
        /// Line of the first row.
        first_line: u32,
    },
    /// More distinct texts (rationales, notes) or files than the table can index.
    #[error("more than {0} distinct rationale texts or files")]
    TooManyTexts(usize),
    /// An add-on row's type does not fit its primary code (`CCCCC` is for type 2 only).
    #[error("{0}")]
    AddOnShape(String),
}

/// The kind of claim, which picks the tables (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimType {
    /// A professional claim from a physician, other practitioner or ASC.
    Practitioner,
    /// An outpatient hospital (facility) claim processed through the OCE.
    OutpatientHospital,
    /// A durable medical equipment supplier claim.
    DmeSupplier,
}

impl ClaimType {
    /// The PTP table for the claim type.
    pub fn ptp_table(self) -> PtpTableKind {
        match self {
            ClaimType::Practitioner | ClaimType::DmeSupplier => PtpTableKind::Practitioner,
            ClaimType::OutpatientHospital => PtpTableKind::OutpatientHospital,
        }
    }

    /// The MUE tables for the claim type, in the order a code is looked up.
    pub fn mue_tables(self) -> &'static [MueTableKind] {
        match self {
            ClaimType::Practitioner => &[MueTableKind::Practitioner, MueTableKind::DmeSupplier],
            ClaimType::OutpatientHospital => &[MueTableKind::OutpatientHospital],
            ClaimType::DmeSupplier => &[MueTableKind::DmeSupplier],
        }
    }
}

/// One service line of a claim, as the checks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimLine<'a> {
    /// 1-based position of the line on the claim; findings name lines by it.
    pub position: usize,
    /// HCPCS/CPT code (any case, surrounding blanks ignored).
    pub code: &'a str,
    /// Modifiers on the line (any case).
    pub modifiers: &'a [String],
    /// Units of service.
    pub units: u32,
    /// Date of service.
    pub date_of_service: Date,
}

/// A claim line reduced to what the checks compare: its code parsed, or `None` when the
/// code is not a 5-character HCPCS/CPT code (no NCCI edit can name it).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    source: &'a ClaimLine<'a>,
    code: Option<NcciCode>,
}

impl<'a> Line<'a> {
    fn of_claim(lines: &'a [ClaimLine<'a>]) -> Vec<Line<'a>> {
        lines.iter().map(|source| Line { source, code: NcciCode::parse(source.code) }).collect()
    }
}

/// One NCCI edit that fired on a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NcciFinding {
    /// Two codes of a PTP pair on the same date of service.
    Ptp(PtpFinding),
    /// More units of a code than its MUE allows, per line or per date of service.
    Mue(MueFinding),
    /// An add-on code without an acceptable primary code on the same date of service.
    AddOn(AddOnFinding),
}

impl NcciFinding {
    /// The edit family: `PTP`, `MUE` or `AOC`.
    pub fn edit(&self) -> &'static str {
        match self {
            NcciFinding::Ptp(_) => "PTP",
            NcciFinding::Mue(_) => "MUE",
            NcciFinding::AddOn(_) => "AOC",
        }
    }

    /// The rule set version, table, file, line and content of the row behind the finding.
    pub fn rule_row(&self) -> &str {
        match self {
            NcciFinding::Ptp(found) => &found.rule_row,
            NcciFinding::Mue(found) => &found.rule_row,
            NcciFinding::AddOn(found) => &found.rule_row,
        }
    }

    /// Positions of the claim lines the finding is about.
    pub fn lines(&self) -> Vec<usize> {
        match self {
            NcciFinding::Ptp(found) => vec![found.column1_line, found.column2_line],
            NcciFinding::Mue(found) => found.lines.clone(),
            NcciFinding::AddOn(found) => vec![found.add_on_line],
        }
    }
}

impl fmt::Display for NcciFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NcciFinding::Ptp(found) => found.fmt(f),
            NcciFinding::Mue(found) => found.fmt(f),
            NcciFinding::AddOn(found) => found.fmt(f),
        }
    }
}

/// One NCCI release: a version and its tables (a table not loaded is empty and never fires).
#[derive(Debug, Clone, Default)]
pub struct NcciRules {
    version: String,
    ptp_practitioner: PtpTable,
    ptp_outpatient: PtpTable,
    mue_practitioner: MueTable,
    mue_outpatient: MueTable,
    mue_dme: MueTable,
    add_ons: AddOnTable,
}

impl NcciRules {
    /// A rule set named `version` (`2026Q1`), with every table empty.
    pub fn new(version: impl Into<String>) -> NcciRules {
        NcciRules { version: version.into(), ..NcciRules::default() }
    }

    /// Sets the PTP table of its kind.
    pub fn with_ptp(mut self, table: PtpTable) -> NcciRules {
        match table.kind() {
            PtpTableKind::Practitioner => self.ptp_practitioner = table,
            PtpTableKind::OutpatientHospital => self.ptp_outpatient = table,
        }
        self
    }

    /// Sets the MUE table of its kind.
    pub fn with_mue(mut self, table: MueTable) -> NcciRules {
        match table.kind() {
            MueTableKind::Practitioner => self.mue_practitioner = table,
            MueTableKind::OutpatientHospital => self.mue_outpatient = table,
            MueTableKind::DmeSupplier => self.mue_dme = table,
        }
        self
    }

    /// Sets the add-on code table.
    pub fn with_add_ons(mut self, table: AddOnTable) -> NcciRules {
        self.add_ons = table;
        self
    }

    /// The version the rule set was loaded as.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The PTP table of `kind`.
    pub fn ptp(&self, kind: PtpTableKind) -> &PtpTable {
        match kind {
            PtpTableKind::Practitioner => &self.ptp_practitioner,
            PtpTableKind::OutpatientHospital => &self.ptp_outpatient,
        }
    }

    /// The MUE table of `kind`.
    pub fn mue(&self, kind: MueTableKind) -> &MueTable {
        match kind {
            MueTableKind::Practitioner => &self.mue_practitioner,
            MueTableKind::OutpatientHospital => &self.mue_outpatient,
            MueTableKind::DmeSupplier => &self.mue_dme,
        }
    }

    /// The add-on code table.
    pub fn add_ons(&self) -> &AddOnTable {
        &self.add_ons
    }

    /// The PTP edit in force on `date` for the pair (`column1`, `column2`) in the table of
    /// `claim_type`, indicator 9 rows included.
    pub fn ptp_edit(&self, claim_type: ClaimType, column1: &str, column2: &str, date: Date) -> Option<&PtpEdit> {
        let (column1, column2) = (NcciCode::parse(column1)?, NcciCode::parse(column2)?);
        self.ptp(claim_type.ptp_table()).edit_on(column1, column2, date)
    }

    /// The MUE a `code` is held to on a claim of `claim_type`, with the table it comes from.
    pub fn mue_for(&self, claim_type: ClaimType, code: &str) -> Option<(&MueTable, &MueEdit)> {
        self.mue_lookup(claim_type, NcciCode::parse(code)?)
    }

    fn mue_lookup(&self, claim_type: ClaimType, code: NcciCode) -> Option<(&MueTable, &MueEdit)> {
        claim_type.mue_tables().iter().find_map(|&kind| self.mue(kind).get(code).map(|edit| (self.mue(kind), edit)))
    }

    /// Every NCCI edit that fires on the claim: PTP, then MUE, then add-on findings.
    pub fn check_claim(&self, claim_type: ClaimType, lines: &[ClaimLine<'_>]) -> Vec<NcciFinding> {
        let parsed = Line::of_claim(lines);
        let lookup = |code: NcciCode| self.mue_lookup(claim_type, code);
        let ptp = ptp::check(self.ptp(claim_type.ptp_table()), &self.version, &parsed);
        let mue = mue::check(&lookup, &self.version, &parsed);
        let add_ons = aoc::check(&self.add_ons, &self.version, &parsed);
        let mut findings: Vec<NcciFinding> = ptp.into_iter().map(NcciFinding::Ptp).collect();
        findings.extend(mue.into_iter().map(NcciFinding::Mue));
        findings.extend(add_ons.into_iter().map(NcciFinding::AddOn));
        findings
    }

    /// The PTP conflicts among the claim's lines, bypassed ones included (see
    /// [`PtpFinding::bypassed`]).
    pub fn check_ptp(&self, claim_type: ClaimType, lines: &[ClaimLine<'_>]) -> Vec<PtpFinding> {
        ptp::check(self.ptp(claim_type.ptp_table()), &self.version, &Line::of_claim(lines))
    }

    /// The MUE findings among the claim's lines.
    pub fn check_mue(&self, claim_type: ClaimType, lines: &[ClaimLine<'_>]) -> Vec<MueFinding> {
        let lookup = |code: NcciCode| self.mue_lookup(claim_type, code);
        mue::check(&lookup, &self.version, &Line::of_claim(lines))
    }

    /// The add-on codes on the claim without an acceptable primary code on their date.
    pub fn check_add_ons(&self, lines: &[ClaimLine<'_>]) -> Vec<AddOnFinding> {
        aoc::check(&self.add_ons, &self.version, &Line::of_claim(lines))
    }

    /// Approximate heap bytes held by the rule set.
    pub fn heap_bytes(&self) -> usize {
        self.ptp_practitioner.heap_bytes()
            + self.ptp_outpatient.heap_bytes()
            + self.mue_practitioner.heap_bytes()
            + self.mue_outpatient.heap_bytes()
            + self.mue_dme.heap_bytes()
            + self.add_ons.heap_bytes()
    }
}

/// Interned texts (rationales, notes, file names) indexed by `u16`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Texts {
    values: Vec<Box<str>>,
    ids: std::collections::HashMap<Box<str>, u16>,
}

impl Texts {
    fn intern(&mut self, text: &str) -> Result<u16, NcciRowError> {
        if let Some(&id) = self.ids.get(text) {
            return Ok(id);
        }
        let id = u16::try_from(self.values.len()).map_err(|_| NcciRowError::TooManyTexts(usize::from(u16::MAX)))?;
        self.values.push(text.into());
        self.ids.insert(text.into(), id);
        Ok(id)
    }

    fn get(&self, id: u16) -> &str {
        self.values.get(usize::from(id)).map_or("", |text| text)
    }

    fn heap_bytes(&self) -> usize {
        self.values.iter().map(|text| 2 * text.len() + 24).sum::<usize>() + self.values.capacity() * 16
    }

    fn shrink(&mut self) {
        self.ids = std::collections::HashMap::new();
        self.values.shrink_to_fit();
    }
}

/// A deletion date as stored in a row: `i32::MAX` days when the edit is open.
fn pack_deletion(deletion: Option<Date>) -> i32 {
    deletion.map_or(i32::MAX, Date::days_since_epoch)
}

fn unpack_deletion(days: i32) -> Option<Date> {
    (days != i32::MAX).then(|| Date::from_days_since_epoch(days))
}

/// `2010-01-01..` or `2010-01-01..2023-12-31`.
fn date_range(effective: Date, deletion: Option<Date>) -> String {
    match deletion {
        Some(deletion) => format!("{effective}..{deletion}"),
        None => format!("{effective}.."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_type_picks_tables() {
        assert_eq!(ClaimType::Practitioner.ptp_table(), PtpTableKind::Practitioner);
        assert_eq!(ClaimType::DmeSupplier.ptp_table(), PtpTableKind::Practitioner);
        assert_eq!(ClaimType::OutpatientHospital.ptp_table(), PtpTableKind::OutpatientHospital);
        assert_eq!(ClaimType::Practitioner.mue_tables(), &[MueTableKind::Practitioner, MueTableKind::DmeSupplier]);
        assert_eq!(ClaimType::DmeSupplier.mue_tables(), &[MueTableKind::DmeSupplier]);
    }

    #[test]
    fn deletion_dates_pack_and_texts_intern() {
        let date = Date::parse("2023-12-31").unwrap();
        assert_eq!(unpack_deletion(pack_deletion(Some(date))), Some(date));
        assert_eq!(unpack_deletion(pack_deletion(None)), None);
        let mut texts = Texts::default();
        let first = texts.intern("Mutually exclusive procedures").unwrap();
        assert_eq!(texts.intern("Mutually exclusive procedures").unwrap(), first);
        assert_eq!(texts.get(first), "Mutually exclusive procedures");
        assert_eq!(date_range(date, None), "2023-12-31..");
    }
}
