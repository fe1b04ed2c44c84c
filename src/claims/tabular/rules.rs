//! [`TabularRules`]: the Excludes1, Code First and Use Additional Code notes of one
//! ICD-10-CM release, with their code references parsed once, grouped the way the tabular
//! list groups them, and listed per code together with the notes of the code's ancestors.
//!
//! Grouping. The loader keeps notes as a flat list per code, so groups are rebuilt:
//! every Excludes1 note stands alone; all Code First notes of a code are one group of
//! alternatives (CMS never gives a code two `<codeFirst>` elements); Use Additional Code
//! notes form a group from a lead-in ending with `:` ("code to identify control using:")
//! through the notes after it, a note starting with `or ` joins the note before, and any other
//! note is a group of its own. On FY2026 this rebuilds 824 of the 826 `<useAdditionalCode>`
//! elements exactly; in L51 and T80.2 a lone note after a lead-in list joins that list (so
//! its absence is not reported on its own).

use crate::claims::code_refs::{references_in, CodeSet};
use crate::codes::{CodeEntry, NoteKind, Release, ReleaseId};

/// Words that make an instruction conditional, or its list only examples: a missing code
/// may then be right. Matched case-insensitively; `any` as a whole word.
const HEDGES: &[&str] = &["if applicable", "if known", "such as", "complicating"];

/// One checkable unit: an Excludes1 note, or a Code First / Use Additional Code group.
#[derive(Debug, Clone)]
pub(super) struct NoteRule {
    /// Excludes1, CodeFirst or UseAdditionalCode.
    pub kind: NoteKind,
    /// The code the notes sit on, undotted.
    pub source: Box<str>,
    /// The notes' exact texts, in file order (lead-ins included).
    pub texts: Vec<Box<str>>,
    /// The parsed reference lists of all the notes.
    pub sets: Vec<CodeSet>,
    /// The text hedges ("if applicable", "if known", "such as", "any", "complicating").
    pub optional: bool,
    /// An alternative of the group cites no code it could be checked against, so the
    /// absence of the cited codes proves nothing.
    pub open: bool,
}

impl NoteRule {
    /// Whether a code (undotted) is among the codes the notes cite.
    pub fn cites(&self, code: &str) -> bool {
        self.sets.iter().any(|set| set.contains(code))
    }

    fn heap_bytes(&self) -> usize {
        self.source.len()
            + self.texts.capacity() * std::mem::size_of::<Box<str>>()
            + self.texts.iter().map(|text| text.len()).sum::<usize>()
            + self.sets.capacity() * std::mem::size_of::<CodeSet>()
            + self.sets.iter().map(CodeSet::heap_bytes).sum::<usize>()
    }
}

/// Counts over the notes of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts {
    /// Notes of the kind on codes of the release.
    pub notes: usize,
    /// Notes whose text names a code anywhere.
    pub naming_codes: usize,
    /// Notes with at least one parenthesised reference list, every one of them parsed.
    pub resolved: usize,
    /// Notes naming codes only outside parentheses (`classified to Q87.-`): not checked.
    pub bare_only: usize,
    /// Notes with a parenthesised list that holds a code but does not parse.
    pub unparsed: usize,
    /// Notes that name no code (`underlying disease`): skipped.
    pub without_code: usize,
}

/// A note that names codes the parser could not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedNote {
    /// The code the note sits on, undotted.
    pub source: String,
    /// The kind of note.
    pub kind: NoteKind,
    /// The note's text.
    pub text: String,
}

/// What building [`TabularRules`] found in the release's notes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TabularStats {
    /// Excludes1 notes.
    pub excludes1: KindCounts,
    /// Code First notes.
    pub code_first: KindCounts,
    /// Use Additional Code notes.
    pub use_additional_code: KindCounts,
    /// Excludes1 rules (one per resolved note).
    pub excludes1_rules: usize,
    /// Code First groups with at least one parsed list.
    pub code_first_groups: usize,
    /// Use Additional Code groups with at least one parsed list.
    pub use_additional_code_groups: usize,
    /// Code First and Use Additional Code groups that cite no code: skipped.
    pub groups_without_codes: usize,
    /// Groups with an alternative that cites no code: checked for order only, never for a
    /// missing code.
    pub open_groups: usize,
    /// Notes naming codes that are not resolved, by code in file order.
    pub unresolved: Vec<UnresolvedNote>,
}

/// The checkable notes of one release, per code.
#[derive(Debug, Clone)]
pub struct TabularRules {
    release_id: ReleaseId,
    version: String,
    entry_count: usize,
    rules: Vec<NoteRule>,
    /// Per entry of the release: start and length in `pool` of the rules that apply to it
    /// (its own, then its ancestors', nearest first).
    spans: Vec<(u32, u32)>,
    pool: Vec<u32>,
    stats: TabularStats,
}

impl TabularRules {
    /// Parses and groups the notes of `release` (ICD-10-CM). A release without notes (the
    /// FY2025 order file) gives rules that never find anything.
    pub fn new(release: &Release) -> TabularRules {
        let mut rules = Vec::new();
        let mut stats = TabularStats::default();
        let own: Vec<(u32, u32)> = release
            .entries
            .iter()
            .map(|entry| {
                let start = rules.len();
                add_entry_rules(entry, &mut rules, &mut stats);
                (start as u32, (rules.len() - start) as u32)
            })
            .collect();
        let (spans, pool) = inherit(release, &own);
        TabularRules {
            release_id: release.id,
            version: release.info.version.clone(),
            entry_count: release.entries.len(),
            rules,
            spans,
            pool,
            stats,
        }
    }

    /// What was found while building.
    pub fn stats(&self) -> &TabularStats {
        &self.stats
    }

    /// The version of the release the rules were built from.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of rules (Excludes1 notes and groups).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Bytes held on the heap (rules, texts, parsed sets and the per-code lists).
    pub fn heap_bytes(&self) -> usize {
        self.version.capacity()
            + self.rules.capacity() * std::mem::size_of::<NoteRule>()
            + self.rules.iter().map(NoteRule::heap_bytes).sum::<usize>()
            + self.spans.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.pool.capacity() * std::mem::size_of::<u32>()
    }

    /// Whether the rules were built from `release` (same id, version and entry count).
    pub fn built_from(&self, release: &Release) -> bool {
        self.release_id == release.id
            && self.version == release.info.version
            && self.entry_count == release.entries.len()
    }

    /// The rules that apply to the entry at `entry_index`: its own, then its ancestors'.
    pub(super) fn rules_of(&self, entry_index: u32) -> impl Iterator<Item = &NoteRule> {
        let (start, length) = self.spans.get(entry_index as usize).copied().unwrap_or((0, 0));
        let ids = self.pool.get(start as usize..(start + length) as usize).unwrap_or(&[]);
        ids.iter().filter_map(|&id| self.rules.get(id as usize))
    }
}

/// Builds the rules of one entry's own notes and counts them.
fn add_entry_rules(entry: &CodeEntry, rules: &mut Vec<NoteRule>, stats: &mut TabularStats) {
    let mut code_first: Vec<&str> = Vec::new();
    let mut use_additional: Vec<Vec<&str>> = Vec::new();
    let mut in_lead_in_group = false;
    for note in &entry.notes {
        let text = note.text.as_str();
        match note.kind {
            NoteKind::Excludes1 => {
                count_note(entry, note.kind, text, stats);
                push_rule(entry, NoteKind::Excludes1, &[text], rules, stats);
            }
            NoteKind::CodeFirst => code_first.push(text),
            NoteKind::UseAdditionalCode => {
                let joins = in_lead_in_group || text.starts_with("or ");
                match use_additional.last_mut() {
                    Some(group) if joins && !is_lead_in(text) => group.push(text),
                    _ => {
                        in_lead_in_group = is_lead_in(text);
                        use_additional.push(vec![text]);
                    }
                }
            }
            _ => {}
        }
    }
    for text in &code_first {
        count_note(entry, NoteKind::CodeFirst, text, stats);
    }
    if !code_first.is_empty() {
        push_rule(entry, NoteKind::CodeFirst, &code_first, rules, stats);
    }
    for group in &use_additional {
        for text in group {
            count_note(entry, NoteKind::UseAdditionalCode, text, stats);
        }
        push_rule(entry, NoteKind::UseAdditionalCode, group, rules, stats);
    }
}

/// Adds the rule of one note or group when its notes cite codes.
fn push_rule(entry: &CodeEntry, kind: NoteKind, texts: &[&str], rules: &mut Vec<NoteRule>, stats: &mut TabularStats) {
    let mut sets = Vec::new();
    let mut open = false;
    for text in texts {
        let references = references_in(text);
        open |= !is_lead_in(text) && !references.resolved();
        sets.extend(references.sets);
    }
    if sets.is_empty() {
        if kind != NoteKind::Excludes1 {
            stats.groups_without_codes += 1;
        }
        return;
    }
    match kind {
        NoteKind::Excludes1 => stats.excludes1_rules += 1,
        NoteKind::CodeFirst => stats.code_first_groups += 1,
        _ => stats.use_additional_code_groups += 1,
    }
    if open && kind != NoteKind::Excludes1 {
        stats.open_groups += 1;
    }
    rules.push(NoteRule {
        kind,
        source: entry.code.as_str().into(),
        texts: texts.iter().map(|text| (*text).into()).collect(),
        sets,
        optional: texts.iter().any(|text| hedges(text)),
        open,
    });
}

fn count_note(entry: &CodeEntry, kind: NoteKind, text: &str, stats: &mut TabularStats) {
    let counts = match kind {
        NoteKind::Excludes1 => &mut stats.excludes1,
        NoteKind::CodeFirst => &mut stats.code_first,
        _ => &mut stats.use_additional_code,
    };
    let references = references_in(text);
    counts.notes += 1;
    if !references.names_a_code {
        counts.without_code += 1;
        return;
    }
    counts.naming_codes += 1;
    if references.resolved() {
        counts.resolved += 1;
        return;
    }
    if references.unparsed.is_empty() {
        counts.bare_only += 1;
    } else {
        counts.unparsed += 1;
    }
    stats.unresolved.push(UnresolvedNote { source: entry.code.clone(), kind, text: text.to_string() });
}

/// A note that introduces the alternatives after it ("code to identify control using:").
fn is_lead_in(text: &str) -> bool {
    text.trim_end().ends_with(':')
}

fn hedges(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    HEDGES.iter().any(|hedge| lower.contains(hedge))
        || lower.split(|c: char| !c.is_ascii_alphabetic()).any(|word| word == "any")
}

/// Per entry, the rules that apply to it: its own, then its parent's list. An entry without
/// notes of its own shares its parent's list (most 7th-character codes do).
fn inherit(release: &Release, own: &[(u32, u32)]) -> (Vec<(u32, u32)>, Vec<u32>) {
    let mut spans: Vec<Option<(u32, u32)>> = vec![None; release.entries.len()];
    let mut pool: Vec<u32> = Vec::new();
    for index in 0..release.entries.len() {
        // The chain of entries up to the first one already done (bounded: a malformed file
        // must not loop forever).
        let mut chain = vec![index];
        while let Some(parent) = chain
            .last()
            .and_then(|&at| release.entries[at].parent_code.as_deref())
            .and_then(|code| release.entry_index(code))
            .map(|parent| parent as usize)
            .filter(|&parent| spans[parent].is_none() && chain.len() <= 16 && !chain.contains(&parent))
        {
            chain.push(parent);
        }
        for &at in chain.iter().rev() {
            if spans[at].is_some() {
                continue;
            }
            let parent_span = release.entries[at]
                .parent_code
                .as_deref()
                .and_then(|code| release.entry_index(code))
                .and_then(|parent| spans[parent as usize])
                .unwrap_or((0, 0));
            let (own_start, own_length) = own[at];
            if own_length == 0 {
                spans[at] = Some(parent_span);
                continue;
            }
            let start = pool.len() as u32;
            pool.extend(own_start..own_start + own_length);
            pool.extend_from_within(parent_span.0 as usize..(parent_span.0 + parent_span.1) as usize);
            spans[at] = Some((start, pool.len() as u32 - start));
        }
    }
    (spans.into_iter().map(|span| span.unwrap_or((0, 0))).collect(), pool)
}
