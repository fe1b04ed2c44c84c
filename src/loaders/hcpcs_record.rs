//! The HCPCS Level II record shared by the CMS fixed-width `.txt` and `.xlsx` files, and
//! its mapping to code entries plus one letter-group node per first letter (and one node
//! for the modifiers). Both file readers fill [`HcpcsRecord`]s and call [`build_release`].

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::codes::{CodeEntry, CodeSystem, Date, EntryKind, HcpcsFields, HierarchyNode, NodeKind, ReleaseContent};

use super::LoadError;

/// Id of the node holding the Level II modifiers.
pub const MODIFIERS_NODE_ID: &str = "hcpcs-modifiers";

/// One procedure or modifier record, with the fields Codify keeps, as text from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HcpcsRecord {
    /// 1-based physical line (`.txt`) or spreadsheet row (`.xlsx`) of the record's first line.
    pub line: usize,
    /// `EntryKind::Code` (RECID 3) or `EntryKind::Modifier` (RECID 7).
    pub kind: EntryKind,
    /// `HCPC` as in the file; modifiers are right-aligned after three blanks.
    pub hcpc: String,
    /// Full long description (continuation lines already joined).
    pub long_description: String,
    /// `SHORT DESCRIPTION`.
    pub short_description: String,
    /// `XREF1`..`XREF5`, blank ones included.
    pub xrefs: Vec<String>,
    /// `COV`.
    pub coverage: String,
    /// `BETOS`.
    pub betos: String,
    /// `ADD DT` (YYYYMMDD or blank).
    pub added: String,
    /// `ACT EFF DT` (YYYYMMDD or blank).
    pub action_effective: String,
    /// `TERM DT` (YYYYMMDD or blank).
    pub terminated: String,
    /// `ACTION CD`.
    pub action_code: String,
}

impl HcpcsRecord {
    /// An empty record of `kind` starting at `line`.
    pub fn new(line: usize, kind: EntryKind) -> HcpcsRecord {
        HcpcsRecord {
            line,
            kind,
            hcpc: String::new(),
            long_description: String::new(),
            short_description: String::new(),
            xrefs: Vec::new(),
            coverage: String::new(),
            betos: String::new(),
            added: String::new(),
            action_effective: String::new(),
            terminated: String::new(),
            action_code: String::new(),
        }
    }
}

/// The entry kind of a first-line RECID: `3` procedure, `7` modifier.
pub fn kind_of_recid(recid: &str) -> Option<EntryKind> {
    match recid.trim() {
        "3" => Some(EntryKind::Code),
        "7" => Some(EntryKind::Modifier),
        _ => None,
    }
}

/// Whether a trimmed code has a CPT form (all digits, or four digits and F/T/U/M/A).
/// Older contractor files carry such AMA-copyrighted rows; loaders skip them.
pub fn looks_like_cpt(code: &str) -> bool {
    let bytes = code.as_bytes();
    if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) {
        return true;
    }
    bytes.len() == 5
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && matches!(bytes[4], b'F' | b'T' | b'U' | b'M' | b'A')
}

/// CMS section name of a Level II letter range.
pub fn group_title(letter: char) -> Option<&'static str> {
    let title = match letter {
        'A' => "Transportation, medical and surgical supplies, miscellaneous and experimental",
        'B' => "Enteral and parenteral therapy",
        'C' => "Outpatient PPS",
        'E' => "Durable medical equipment",
        'G' => "Procedures/professional services (temporary)",
        'H' => "Alcohol and drug abuse treatment services",
        'J' => "Drugs administered other than oral method, chemotherapy drugs",
        'K' => "Temporary codes (DME MACs)",
        'L' => "Orthotic and prosthetic procedures and devices",
        'M' => "Medical services / quality measures",
        'P' => "Pathology and laboratory services",
        'Q' => "Miscellaneous services (temporary codes)",
        'R' => "Diagnostic radiology services",
        'S' => "Temporary national codes (non-Medicare)",
        'T' => "National codes established for state Medicaid agencies",
        'U' => "Coronavirus diagnostic panel tests",
        'V' => "Vision, hearing and speech-language pathology services",
        _ => return None,
    };
    Some(title)
}

/// Id of the letter-group node of a procedure code (`J1234` → `hcpcs-J`).
fn group_id(letter: char) -> String {
    format!("hcpcs-{letter}")
}

/// Maps records, in file order, to entries and nodes; CPT-looking rows are skipped.
/// Refuses malformed codes, bad dates, multi-character action codes and duplicate codes.
pub fn build_release(path: &Path, records: Vec<HcpcsRecord>) -> Result<ReleaseContent, LoadError> {
    let mut entries = Vec::with_capacity(records.len());
    let mut first_line_of: HashMap<String, usize> = HashMap::with_capacity(records.len());
    let mut letter_ranges: BTreeMap<char, (String, String)> = BTreeMap::new();
    let mut modifier_range: Option<(String, String)> = None;
    for record in records {
        let Some(entry) = to_entry(path, &record)? else {
            continue;
        };
        if let Some(first_line) = first_line_of.insert(entry.code.clone(), record.line) {
            let reason = format!("duplicate code {} (first at line {first_line})", entry.code);
            return Err(LoadError::at_line(path, record.line, reason));
        }
        let range = match entry.kind {
            EntryKind::Modifier => modifier_range.get_or_insert_with(|| single_code_range(&entry.code)),
            _ => {
                let letter = entry.code.chars().next().unwrap_or('?');
                letter_ranges.entry(letter).or_insert_with(|| single_code_range(&entry.code))
            }
        };
        widen(range, &entry.code);
        entries.push(entry);
    }
    let mut nodes: Vec<HierarchyNode> = letter_ranges
        .into_iter()
        .map(|(letter, range)| HierarchyNode {
            id: group_id(letter),
            kind: NodeKind::Group,
            title: group_title(letter).map_or_else(|| format!("HCPCS Level II {letter} codes"), str::to_string),
            parent: None,
            range: Some(range),
        })
        .collect();
    if let Some(range) = modifier_range {
        nodes.push(HierarchyNode {
            id: MODIFIERS_NODE_ID.to_string(),
            kind: NodeKind::Group,
            title: "Modifiers".to_string(),
            parent: None,
            range: Some(range),
        });
    }
    Ok(ReleaseContent { entries, nodes, pcs: None })
}

/// Maps one record; `Ok(None)` for a CPT-looking code.
fn to_entry(path: &Path, record: &HcpcsRecord) -> Result<Option<CodeEntry>, LoadError> {
    let at = |reason: String| LoadError::at_line(path, record.line, reason);
    let code = record.hcpc.trim().to_ascii_uppercase();
    if looks_like_cpt(&code) {
        return Ok(None);
    }
    let well_formed = match record.kind {
        EntryKind::Modifier => code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphanumeric()),
        _ => code.len() == 5 && crate::codes::is_well_formed(CodeSystem::Hcpcs, &code),
    };
    if !well_formed {
        let what = if record.kind == EntryKind::Modifier { "modifier" } else { "procedure code" };
        return Err(at(format!("HCPC {:?} is not a valid HCPCS Level II {what}", record.hcpc)));
    }
    let long_description = record.long_description.trim();
    let short_description = record.short_description.trim();
    let title = if long_description.is_empty() { short_description } else { long_description };
    if title.is_empty() {
        return Err(at(format!("{code} has neither a long nor a short description")));
    }
    let action_code = match record.action_code.trim() {
        "" => None,
        text => {
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(action), None) => Some(action),
                _ => return Err(at(format!("ACTION CD of {code} is not one character: {text:?}"))),
            }
        }
    };
    let node = match record.kind {
        EntryKind::Modifier => MODIFIERS_NODE_ID.to_string(),
        _ => group_id(code.chars().next().unwrap_or('?')),
    };
    let mut entry = CodeEntry::new(code, record.kind, true, title);
    entry.short_title = non_blank(short_description);
    entry.node = Some(node);
    entry.hcpcs = Some(Box::new(HcpcsFields {
        added: parse_date(path, record, "ADD DT", &record.added)?,
        action_effective: parse_date(path, record, "ACT EFF DT", &record.action_effective)?,
        terminated: parse_date(path, record, "TERM DT", &record.terminated)?,
        action_code,
        replacements: record.xrefs.iter().filter_map(|xref| non_blank(xref)).collect(),
        betos: non_blank(&record.betos),
        coverage: non_blank(&record.coverage),
    }));
    Ok(Some(entry))
}

fn parse_date(path: &Path, record: &HcpcsRecord, field: &str, text: &str) -> Result<Option<Date>, LoadError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Date::parse(text).map(Some).map_err(|_| {
        let reason = format!("{field} of {} is not a YYYYMMDD date: {text:?}", record.hcpc.trim());
        LoadError::at_line(path, record.line, reason)
    })
}

fn non_blank(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn single_code_range(code: &str) -> (String, String) {
    (code.to_string(), code.to_string())
}

fn widen(range: &mut (String, String), code: &str) {
    if code < range.0.as_str() {
        range.0 = code.to_string();
    }
    if code > range.1.as_str() {
        range.1 = code.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: usize, kind: EntryKind, hcpc: &str) -> HcpcsRecord {
        let mut record = HcpcsRecord::new(line, kind);
        record.hcpc = hcpc.to_string();
        record.long_description = format!("Long text of {}", hcpc.trim());
        record.short_description = "Short ".to_string();
        record.xrefs = vec!["J7169".to_string(), "     ".to_string()];
        record.coverage = "D".to_string();
        record.added = "20190401".to_string();
        record.action_effective = "20200701".to_string();
        record.terminated = "20200630".to_string();
        record.action_code = "N".to_string();
        record
    }

    #[test]
    fn recognises_cpt_forms() {
        for cpt in ["99213", "0001A", "3074F", "0042T", "0001U", "0002M", "25"] {
            assert!(looks_like_cpt(cpt), "{cpt}");
        }
        for level2 in ["A0021", "J9999", "AA", "Q0", "G0008"] {
            assert!(!looks_like_cpt(level2), "{level2}");
        }
    }

    #[test]
    fn maps_fields_and_groups() {
        let path = Path::new("test.txt");
        let records = vec![
            record(10, EntryKind::Modifier, "   AA"),
            record(11, EntryKind::Code, "C9041"),
            record(12, EntryKind::Code, "99213"),
            record(13, EntryKind::Code, "A0021"),
            record(14, EntryKind::Code, "C1234"),
            record(15, EntryKind::Code, "D0120"),
        ];
        let content = build_release(path, records).unwrap();
        let codes: Vec<&str> = content.entries.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["AA", "C9041", "A0021", "C1234", "D0120"]);
        let entry = &content.entries[1];
        assert_eq!(entry.kind, EntryKind::Code);
        assert!(entry.billable);
        assert_eq!(entry.title, "Long text of C9041");
        assert_eq!(entry.short_title.as_deref(), Some("Short"));
        assert_eq!(entry.node.as_deref(), Some("hcpcs-C"));
        assert_eq!(entry.added(), Date::from_ymd(2019, 4, 1));
        assert_eq!(entry.action_effective(), Date::from_ymd(2020, 7, 1));
        assert_eq!(entry.terminated(), Date::from_ymd(2020, 6, 30));
        assert_eq!(entry.action_code(), Some('N'));
        assert_eq!(entry.replacements(), ["J7169"]);
        assert_eq!(entry.betos(), None);
        assert_eq!(entry.coverage(), Some("D"));
        assert_eq!(content.entries[0].kind, EntryKind::Modifier);
        assert_eq!(content.entries[0].node.as_deref(), Some(MODIFIERS_NODE_ID));

        let ids: Vec<&str> = content.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["hcpcs-A", "hcpcs-C", "hcpcs-D", "hcpcs-modifiers"]);
        let c_group = &content.nodes[1];
        assert_eq!(c_group.kind, NodeKind::Group);
        assert_eq!(c_group.title, "Outpatient PPS");
        assert_eq!(c_group.parent, None);
        assert_eq!(c_group.range, Some(("C1234".to_string(), "C9041".to_string())));
        assert_eq!(content.nodes[2].title, "HCPCS Level II D codes");
        assert_eq!(content.nodes[3].title, "Modifiers");
    }

    #[test]
    fn refuses_bad_fields_at_the_record_line() {
        let path = Path::new("test.txt");
        let mut bad_date = record(42, EntryKind::Code, "J1234");
        bad_date.terminated = "20201331".to_string();
        let err = build_release(path, vec![bad_date]).unwrap_err();
        assert_eq!(err.line, Some(42));
        assert!(err.reason.contains("TERM DT"), "{}", err.reason);

        let bad_code = record(7, EntryKind::Code, "J12");
        assert_eq!(build_release(path, vec![bad_code]).unwrap_err().line, Some(7));

        let duplicate = vec![record(3, EntryKind::Code, "J1234"), record(9, EntryKind::Code, "J1234")];
        let err = build_release(path, duplicate).unwrap_err();
        assert_eq!(err.line, Some(9));
        assert!(err.reason.contains("line 3"), "{}", err.reason);
    }
}
