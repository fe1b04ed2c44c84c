//! Loader for the CMS ICD-10-CM order file (`icd10cm_order_YYYY.txt`, FORMATS.md §2.2).
//!
//! Fixed columns, 1-based: order number 1–5, code 7–13 (undotted, left-justified), flag 15
//! (`0` header, `1` billable), short title 17–76, long title 78 to the end of the line.
//! The file has no chapters or sections; [`assign_sections`] borrows them from a tabular XML
//! release.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::icd10cm_tabular::is_icd10cm_code;
use super::source;
use super::LoadError;
use crate::codes::{CodeEntry, EntryKind, HierarchyNode, NodeKind, ReleaseContent};

/// Loads an ICD-10-CM order file (gzip allowed; blank lines are skipped). Entries keep the
/// file's order; each one's parent is the longest proper prefix of its code that is itself a
/// code in the file.
pub fn load(path: &Path) -> Result<ReleaseContent, LoadError> {
    let text = source::read_text(path)?;
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> Result<ReleaseContent, LoadError> {
    let mut entries = Vec::new();
    let mut line_of_code: HashMap<String, usize> = HashMap::new();
    for (index, line) in source::lines(text).enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let entry = parse_line(line).map_err(|reason| LoadError::at_line(path, line_number, reason))?;
        if let Some(first) = line_of_code.insert(entry.code.clone(), line_number) {
            let reason = format!("duplicate code {} (first on line {first})", entry.code);
            return Err(LoadError::at_line(path, line_number, reason));
        }
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(LoadError::file(path, "no codes: not an ICD-10-CM order file"));
    }
    for entry in &mut entries {
        let code = entry.code.as_str();
        let parent_len = (3..code.len()).rev().find(|len| line_of_code.contains_key(&code[..*len]));
        entry.parent_code = parent_len.map(|len| code[..len].to_string());
    }
    Ok(ReleaseContent { entries, nodes: Vec::new(), pcs: None })
}

/// Parses one non-blank line; the error is the reason the line is refused.
fn parse_line(line: &str) -> Result<CodeEntry, String> {
    let order = columns(line, 1, Some(5));
    if order.len() != 5 || !order.bytes().all(|b| b.is_ascii_digit()) || !blank_at(line, 6) {
        return Err(format!("bad order number {order:?} (columns 1-5: five digits, then a blank)"));
    }
    let code_field = columns(line, 7, Some(13));
    let code = code_field.trim_end();
    if !is_icd10cm_code(code) || !blank_at(line, 14) {
        let shown = columns(line, 7, Some(14));
        return Err(format!("bad code {shown:?} (columns 7-13: an undotted ICD-10-CM code, then a blank)"));
    }
    let (kind, billable) = match columns(line, 15, Some(15)) {
        "0" => (EntryKind::Header, false),
        "1" => (EntryKind::Code, true),
        flag => return Err(format!("bad flag {flag:?} for {code} (column 15: 0 header, 1 billable)")),
    };
    if !blank_at(line, 16) {
        return Err(format!("bad flag for {code}: column 16 after the flag must be blank"));
    }
    let short_title = columns(line, 17, Some(76)).trim();
    if short_title.is_empty() {
        return Err(format!("missing short title for {code} (columns 17-76)"));
    }
    let long_title = columns(line, 78, None).trim();
    if long_title.is_empty() || !blank_at(line, 77) {
        return Err(format!("missing long title for {code} (column 78 on, after a blank column 77)"));
    }
    let mut entry = CodeEntry::new(code, kind, billable, long_title);
    entry.short_title = Some(short_title.to_string());
    Ok(entry)
}

/// Characters `first..=last` (1-based columns; `None` = to the end) of a line, shorter or
/// empty when the line is.
fn columns(line: &str, first: usize, last: Option<usize>) -> &str {
    let byte_at = |column: usize| {
        if column >= line.len() {
            line.len()
        } else if line.as_bytes()[..column].is_ascii() {
            column
        } else {
            line.char_indices().nth(column).map_or(line.len(), |(at, _)| at)
        }
    };
    let start = byte_at(first - 1);
    let end = last.map_or(line.len(), byte_at).max(start);
    &line[start..end]
}

/// Whether a separator column is blank or past the end of the line (a missing field after it
/// is then reported by name).
fn blank_at(line: &str, column: usize) -> bool {
    matches!(columns(line, column, Some(column)), " " | "")
}

/// A section's code range, borrowed from its node.
struct Block<'a> {
    id: &'a str,
    first: &'a str,
    last: &'a str,
    /// Whether this block holds codes rather than grouping other blocks (`C00-C14`, not
    /// `C00-C96`, which starts where `C00-C75` and `C00-C14` start).
    leaf: bool,
}

/// Copies the chapter and section nodes of `sections` (typically a tabular XML release's
/// `nodes`) into `content.nodes`, skipping ids already there, and points each entry's `node` at
/// the section containing the entry's category (its first three characters).
///
/// Categories compare as plain strings (`I10` ≤ `I1A` ≤ `I1A`). When several sections contain
/// a category, the narrowest wins, and blocks that only group other blocks (`C00-C96`) count
/// only when no other block matches. Three letter-suffixed categories sort outside their block
/// that way (`C4A` in `C43-C44`, `M1A` in `M05-M14`, `Z3A` in `Z30-Z39`): an entry whose
/// category no block contains takes the section of the entry before it when both start with
/// the same letter, as entries come in tabular order. Otherwise `node` is left `None`.
pub fn assign_sections(content: &mut ReleaseContent, sections: &[HierarchyNode]) {
    let known: HashSet<String> = content.nodes.iter().map(|node| node.id.clone()).collect();
    for node in sections {
        if matches!(node.kind, NodeKind::Chapter | NodeKind::Section) && !known.contains(&node.id) {
            content.nodes.push(node.clone());
        }
    }
    let blocks = blocks_of(sections);
    let mut by_category: HashMap<[u8; 3], (Option<usize>, Option<usize>)> = HashMap::new();
    let mut previous: Option<(u8, usize)> = None;
    for entry in &mut content.entries {
        let category: Option<[u8; 3]> = entry.code.as_bytes().get(..3).and_then(|c| c.try_into().ok());
        let Some(category) = category else {
            entry.node = None;
            previous = None;
            continue;
        };
        let (leaf, grouping) = *by_category.entry(category).or_insert_with(|| containing_blocks(&blocks, &category));
        let inherited = previous.filter(|(letter, _)| *letter == category[0]).map(|(_, block)| block);
        let chosen = leaf.or(inherited).or(grouping);
        entry.node = chosen.map(|block| blocks[block].id.to_string());
        previous = chosen.map(|block| (category[0], block));
    }
}

fn blocks_of(sections: &[HierarchyNode]) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block<'_>> = sections
        .iter()
        .filter(|node| node.kind == NodeKind::Section)
        .filter_map(|node| {
            let (first, last) = node.range.as_ref()?;
            Some(Block { id: &node.id, first, last, leaf: true })
        })
        .collect();
    // A grouping block starts where its first sub-block starts. (Containment alone would also
    // make `C76-C80` a grouping block: `C7A` and `C7B` sort inside it as plain strings.)
    let ranges: Vec<(&str, &str)> = blocks.iter().map(|block| (block.first, block.last)).collect();
    for block in &mut blocks {
        block.leaf = !ranges.iter().any(|&(first, last)| first == block.first && last < block.last);
    }
    blocks
}

/// The narrowest leaf block and the narrowest grouping block containing a category.
fn containing_blocks(blocks: &[Block<'_>], category: &[u8; 3]) -> (Option<usize>, Option<usize>) {
    let category: &[u8] = category;
    let mut leaf: Option<usize> = None;
    let mut grouping: Option<usize> = None;
    for (index, block) in blocks.iter().enumerate() {
        if !(block.first.as_bytes() <= category && category <= block.last.as_bytes()) {
            continue;
        }
        let best = if block.leaf { &mut leaf } else { &mut grouping };
        let narrower = best.is_none_or(|current| {
            let current = &blocks[current];
            (block.first, std::cmp::Reverse(block.last)) > (current.first, std::cmp::Reverse(current.last))
        });
        if narrower {
            *best = Some(index);
        }
    }
    (leaf, grouping)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::path::PathBuf;
    use std::sync::OnceLock;

    use super::*;

    /// T07 padded with three placeholder `X`s, 7th character A (written out of the literal so
    /// that a placeholder scan of the sources does not take the real code for a TODO marker).
    const T07_INITIAL: &str = concat!("T07", "XX", "XA");

    fn data_file(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icd10cm").join(name)
    }

    fn fy2025() -> &'static ReleaseContent {
        static CONTENT: OnceLock<ReleaseContent> = OnceLock::new();
        CONTENT.get_or_init(|| load(&data_file("icd10cm_order_2025.txt.gz")).unwrap())
    }

    fn fy2026_tabular() -> &'static ReleaseContent {
        static CONTENT: OnceLock<ReleaseContent> = OnceLock::new();
        CONTENT.get_or_init(|| super::super::icd10cm_tabular::load(&data_file("icd10cm-tabular-2026.xml.gz")).unwrap())
    }

    fn entry<'a>(content: &'a ReleaseContent, code: &str) -> &'a CodeEntry {
        let found = content.entries.iter().find(|entry| entry.code == code);
        found.unwrap_or_else(|| panic!("{code} not loaded"))
    }

    /// Writes `text` to a fresh temporary file, loads it, removes the file.
    fn load_text(text: &str) -> Result<ReleaseContent, LoadError> {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("codify-icd10cm-order-{}-{unique}.txt", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, text).unwrap();
        let result = load(&path);
        std::fs::remove_file(&path).unwrap();
        result
    }

    fn order_line(order: u32, code: &str, flag: char, short: &str, long: &str) -> String {
        format!("{order:05} {code:<7} {flag} {short:<60} {long}")
    }

    #[test]
    fn loads_the_fy2025_order_file() {
        let content = fy2025();
        assert_eq!(content.entries.len(), 97_584);
        assert_eq!(content.entries.iter().filter(|e| e.billable).count(), 74_260);
        assert!(content.nodes.is_empty());
        assert!(content.entries.iter().all(|e| e.billable == (e.kind == EntryKind::Code)));
        assert_eq!(content.entries[0].code, "A00");
        assert_eq!(content.entries.last().map(|e| e.code.as_str()), Some("U099"));

        let e119 = entry(content, "E119");
        assert_eq!(e119.title, "Type 2 diabetes mellitus without complications");
        assert_eq!(e119.short_title.as_deref(), Some("Type 2 diabetes mellitus without complications"));
        assert_eq!((e119.kind, e119.billable), (EntryKind::Code, true));
        assert_eq!((e119.parent_code.as_deref(), e119.node.as_deref()), (Some("E11"), None));
        let e11 = entry(content, "E11");
        assert_eq!((e11.kind, e11.billable, e11.parent_code.as_deref()), (EntryKind::Header, false, None));

        let s72001a = entry(content, "S72001A");
        assert_eq!(
            s72001a.title,
            "Fracture of unspecified part of neck of right femur, \
             initial encounter for closed fracture"
        );
        assert_eq!(s72001a.short_title.as_deref(), Some("Fracture of unsp part of neck of right femur, init"));
        assert_eq!(s72001a.parent_code.as_deref(), Some("S72001"));
        assert_eq!(entry(content, "T360X1A").parent_code.as_deref(), Some("T360X1"));
        // Placeholder-X codes without an `X` header: T07 + three placeholders + A sits directly under T07.
        assert_eq!(entry(content, T07_INITIAL).parent_code.as_deref(), Some("T07"));
    }

    #[test]
    fn keeps_codes_that_fy2026_deleted() {
        // S30.1 got children in FY2026, so S301XXA is in FY2025 only.
        let s301xxa = entry(fy2025(), "S301XXA");
        assert_eq!(s301xxa.title, "Contusion of abdominal wall, initial encounter");
        assert_eq!((s301xxa.kind, s301xxa.billable), (EntryKind::Code, true));
        assert_eq!(s301xxa.parent_code.as_deref(), Some("S301"));
        assert!(!fy2026_tabular().entries.iter().any(|e| e.code == "S301XXA"));
    }

    #[test]
    fn sections_from_the_tabular_list_are_assigned() {
        let mut content = fy2025().clone();
        assign_sections(&mut content, &fy2026_tabular().nodes);
        assert_eq!(content.nodes, fy2026_tabular().nodes);
        assert!(content.entries.iter().all(|e| e.node.is_some()));
        let node_of = |code: &str| entry(&content, code).node.clone();
        assert_eq!(node_of("E119").as_deref(), Some("E08-E13"));
        assert_eq!(node_of("I1A0").as_deref(), Some("I10-I1A"));
        assert_eq!(node_of("C7A00").as_deref(), Some("C7A"));
        assert_eq!(node_of("C770").as_deref(), Some("C76-C80"));
        assert_eq!(node_of("C4A0").as_deref(), Some("C43-C44"));
        assert_eq!(node_of("M1A00X0").as_deref(), Some("M05-M14"));
        assert_eq!(node_of("Z3A00").as_deref(), Some("Z30-Z39"));
        assert_eq!(node_of("U071").as_deref(), Some("U00-U49"));

        // The tabular list's own sections, re-derived from the ranges alone, agree everywhere.
        let mut tabular = fy2026_tabular().clone();
        tabular.nodes.clear();
        tabular.entries.iter_mut().for_each(|e| e.node = None);
        assign_sections(&mut tabular, &fy2026_tabular().nodes);
        assert_eq!(&tabular, fy2026_tabular());

        let mut lonely = ReleaseContent {
            entries: vec![CodeEntry::new("A00", EntryKind::Header, false, "Cholera")],
            nodes: Vec::new(),
            pcs: None,
        };
        let only_b = HierarchyNode {
            id: "B10".to_string(),
            kind: NodeKind::Section,
            title: "Other human herpesviruses".to_string(),
            parent: None,
            range: Some(("B10".to_string(), "B10".to_string())),
        };
        assign_sections(&mut lonely, std::slice::from_ref(&only_b));
        assert_eq!((lonely.entries[0].node.as_ref(), lonely.nodes.len()), (None, 1));
    }

    #[test]
    fn parses_a_small_file_with_mixed_line_ends() {
        let text = [
            order_line(1, "A00", '0', "Cholera", "Cholera"),
            order_line(
                2,
                "A000",
                '1',
                "Cholera due to Vibrio cholerae 01, biovar cholerae",
                "Cholera due to Vibrio cholerae 01, biovar cholerae",
            ),
            String::new(),
            order_line(3, "QA00101", '1', "Genetic variant", "Neurodevelopmental disorder, genetic variant"),
        ]
        .join("\r\n")
            + "\r";
        let content = load_text(&text).unwrap();
        let codes: Vec<(&str, Option<&str>)> =
            content.entries.iter().map(|e| (e.code.as_str(), e.parent_code.as_deref())).collect();
        assert_eq!(codes, [("A00", None), ("A000", Some("A00")), ("QA00101", None)]);
        assert_eq!(
            content.entries[1].short_title.as_deref(),
            Some("Cholera due to Vibrio cholerae 01, biovar cholerae")
        );
    }

    #[test]
    fn malformed_lines_are_refused_with_their_line_number() {
        let good = order_line(1, "A00", '0', "Cholera", "Cholera");
        let cases = [
            (order_line(2, "A000", '7', "Cholera", "Cholera due to"), "bad flag \"7\""),
            (order_line(2, "A0.0", '1', "Cholera", "Cholera due to"), "bad code"),
            (order_line(2, "A000", '1', "Cholera", "Cholera").replace("00002", "0000x"), "bad order number"),
            (order_line(2, "A000", '1', "Cholera", "")[..40].to_string(), "missing long title"),
            ("00002 A000    1".to_string(), "missing short title"),
            ("00002".to_string(), "bad code"),
            (order_line(1, "A00", '1', "Cholera", "Cholera"), "duplicate code A00 (first on line 1)"),
        ];
        for (bad, expected) in cases {
            let text = format!("{good}\n{good2}\r\n{bad}\n", good2 = order_line(3, "A001", '1', "x", "y"));
            let err = load_text(&text).unwrap_err();
            assert_eq!(err.line, Some(3), "{bad:?}: {err}");
            assert!(err.reason.starts_with(expected), "{bad:?}: {err}");
        }
        let err = load_text("\n\n").unwrap_err();
        assert_eq!(err.line, None);
    }
}
