//! The CPT hierarchy file (`data/cpt-hierarchy.tsv`): sections, subsections, headings and
//! subheadings with their code ranges, and the placement of each code under the deepest node
//! whose range holds it.
//!
//! The file is tab-separated with `#` comment lines and the columns
//! `id, level, parent_id, first_code, last_code, name`. Parents come before their children;
//! a node may have no range (both code columns empty).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::path::Path;

use super::source;
use super::LoadError;
use crate::codes::{CptCategory, EntryKind, HierarchyNode, NodeKind, ReleaseContent};

const COLUMNS: &str = "id, level, parent_id, first_code, last_code, name";

/// Loads the hierarchy file, refusing malformed lines, unknown levels or parents, duplicate
/// ids and reversed or mixed-form ranges.
pub fn load(path: &Path) -> Result<Vec<HierarchyNode>, LoadError> {
    parse(path, &source::read_text(path)?)
}

/// Stores `nodes` in `content.nodes` and sets each entry's `node` to the deepest node whose
/// range contains its code (ties: the narrower range, then the earlier node). Modifiers that
/// no range holds go to the section titled "Modifiers" when there is one.
pub fn assign(content: &mut ReleaseContent, nodes: Vec<HierarchyNode>) {
    let depths = depths(&nodes);
    let modifiers_section =
        nodes.iter().position(|node| node.kind == NodeKind::Section && node.title.eq_ignore_ascii_case("Modifiers"));
    for entry in &mut content.entries {
        let deepest = nodes
            .iter()
            .enumerate()
            .filter_map(|(position, node)| {
                let (first, last) = node.range.as_ref()?;
                range_contains(first, last, &entry.code).then(|| (position, span(first, last)))
            })
            .min_by_key(|&(position, width)| (Reverse(depths[position]), width, position))
            .map(|(position, _)| position);
        let fallback = modifiers_section.filter(|_| entry.kind == EntryKind::Modifier);
        entry.node = deepest.or(fallback).map(|position| nodes[position].id.clone());
    }
    content.nodes = nodes;
}

/// Whether two codes have the same form: same length, digits in the same places and the
/// same letters elsewhere (`99213` / `27447`, `3074F` / `0001F`, `1P` / `8P`).
fn same_form(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left.bytes().zip(right.bytes()).all(|(l, r)| if l.is_ascii_digit() { r.is_ascii_digit() } else { l == r })
}

/// Whether `code` lies in `first..=last`; codes of another form never do.
pub(crate) fn range_contains(first: &str, last: &str, code: &str) -> bool {
    same_form(code, first) && same_form(code, last) && first <= code && code <= last
}

/// The numeric width of a range (digits only), to prefer the narrower of two nested ranges.
fn span(first: &str, last: &str) -> u64 {
    let digits = |code: &str| {
        code.bytes().filter(u8::is_ascii_digit).fold(0_u64, |value, digit| value * 10 + u64::from(digit - b'0'))
    };
    digits(last).saturating_sub(digits(first))
}

/// Depth of each node (0 for a top-level node), following parent links.
fn depths(nodes: &[HierarchyNode]) -> Vec<usize> {
    let by_id: HashMap<&str, &HierarchyNode> = nodes.iter().map(|node| (node.id.as_str(), node)).collect();
    nodes
        .iter()
        .map(|node| {
            let mut depth = 0;
            let mut parent = node.parent.as_deref();
            while let Some(parent_node) = parent.and_then(|id| by_id.get(id)) {
                depth += 1;
                if depth > nodes.len() {
                    break;
                }
                parent = parent_node.parent.as_deref();
            }
            depth
        })
        .collect()
}

fn level_of(text: &str) -> Option<NodeKind> {
    match text {
        "section" => Some(NodeKind::Section),
        "subsection" => Some(NodeKind::Subsection),
        "heading" => Some(NodeKind::Heading),
        "subheading" => Some(NodeKind::Subheading),
        _ => None,
    }
}

fn rank(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::Section | NodeKind::Chapter | NodeKind::Group => 0,
        NodeKind::Subsection | NodeKind::BodySystem => 1,
        NodeKind::Heading | NodeKind::Table => 2,
        NodeKind::Subheading => 3,
    }
}

fn parse(path: &Path, text: &str) -> Result<Vec<HierarchyNode>, LoadError> {
    let mut nodes = Vec::new();
    let mut seen: HashMap<String, (usize, NodeKind)> = HashMap::new();
    for (index, line) in source::lines(text).enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let node = parse_node(line, &seen).map_err(|reason| LoadError::at_line(path, line_number, reason))?;
        if let Some((first, _)) = seen.get(&node.id) {
            let reason = format!("duplicate id `{}` (first on line {first})", node.id);
            return Err(LoadError::at_line(path, line_number, reason));
        }
        seen.insert(node.id.clone(), (line_number, node.kind));
        nodes.push(node);
    }
    Ok(nodes)
}

fn parse_node(line: &str, seen: &HashMap<String, (usize, NodeKind)>) -> Result<HierarchyNode, String> {
    let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
    let [id, level, parent, first, last, name] = fields.as_slice() else {
        return Err(format!("expected 6 tab-separated columns ({COLUMNS}), found {}", fields.len()));
    };
    if id.is_empty() || name.is_empty() {
        return Err("id and name must not be empty".to_string());
    }
    let kind = level_of(level)
        .ok_or_else(|| format!("unknown level `{level}` (expected section, subsection, heading or subheading)"))?;
    let parent = match (kind, *parent) {
        (NodeKind::Section, "") => None,
        (NodeKind::Section, _) => return Err(format!("section `{id}` cannot have a parent")),
        (_, "") => return Err(format!("{level} `{id}` needs a parent")),
        (_, parent_id) => {
            let (_, parent_kind) = seen
                .get(parent_id)
                .ok_or_else(|| format!("unknown parent `{parent_id}` (parents must come before their children)"))?;
            if rank(*parent_kind) >= rank(kind) {
                return Err(format!("a {level} cannot sit under `{parent_id}`, which is not a higher level"));
            }
            Some(parent_id.to_string())
        }
    };
    Ok(HierarchyNode { id: id.to_string(), kind, title: name.to_string(), parent, range: parse_range(first, last)? })
}

fn parse_range(first: &str, last: &str) -> Result<Option<(String, String)>, String> {
    if first.is_empty() && last.is_empty() {
        return Ok(None);
    }
    for code in [first, last] {
        if CptCategory::of_code(code).is_none() {
            return Err(format!("`{code}` is not a CPT code or modifier"));
        }
    }
    if !same_form(first, last) {
        return Err(format!("range {first}-{last} mixes two code forms"));
    }
    if first > last {
        return Err(format!("first code {first} comes after last code {last}"));
    }
    Ok(Some((first.to_string(), last.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CodeEntry;
    use std::path::PathBuf;

    fn data_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
    }

    fn sample_with_hierarchy() -> ReleaseContent {
        let mut content = super::super::cpt_ama::load(&data_dir().join("cpt-sample")).unwrap();
        assign(&mut content, load(&data_dir().join("cpt-hierarchy.tsv")).unwrap());
        content
    }

    /// Node ids from the top section down to the node of `code`.
    fn path_of(content: &ReleaseContent, code: &str) -> Vec<String> {
        let entry = content.entries.iter().find(|entry| entry.code == code).expect("code in sample");
        let mut path = Vec::new();
        let mut next = entry.node.clone();
        while let Some(id) = next {
            let node = content.nodes.iter().find(|node| node.id == id).expect("known node");
            next = node.parent.clone();
            path.insert(0, id);
        }
        path
    }

    #[test]
    fn hierarchy_file_loads() {
        let nodes = load(&data_dir().join("cpt-hierarchy.tsv")).unwrap();
        let sections: Vec<&str> =
            nodes.iter().filter(|node| node.kind == NodeKind::Section).map(|node| node.id.as_str()).collect();
        let expected = [
            "cpt-em",
            "cpt-anesthesia",
            "cpt-surgery",
            "cpt-radiology",
            "cpt-pathology",
            "cpt-medicine",
            "cpt-category-ii",
            "cpt-category-iii",
            "cpt-pla",
            "cpt-modifiers",
        ];
        assert_eq!(sections, expected);
        assert_eq!(nodes.len(), 242);
        assert!(nodes.iter().any(|node| node.kind == NodeKind::Subheading));
    }

    #[test]
    fn every_sample_code_sits_in_a_section_and_a_node() {
        let content = sample_with_hierarchy();
        let sections: Vec<&HierarchyNode> =
            content.nodes.iter().filter(|node| node.kind == NodeKind::Section).collect();
        for entry in &content.entries {
            assert!(entry.node.is_some(), "{} has no node", entry.code);
            if entry.kind == EntryKind::Code {
                let inside = sections.iter().any(|section| {
                    section.range.as_ref().is_some_and(|(first, last)| range_contains(first, last, &entry.code))
                });
                assert!(inside, "{} is in no section range", entry.code);
            }
        }
    }

    #[test]
    fn sample_codes_take_the_deepest_node() {
        let content = sample_with_hierarchy();
        let path = path_of(&content, "76805");
        let expected = [
            "cpt-radiology",
            "cpt-radiology-ultrasound",
            "cpt-radiology-ultrasound-pelvis",
            "cpt-radiology-ultrasound-pelvis-obstetrical",
        ];
        assert_eq!(path, expected);
        let knee = path_of(&content, "27447");
        assert_eq!(knee.last().map(String::as_str), Some("cpt-surgery-musculoskeletal-femur-knee-repair"));
        assert_eq!(knee.len(), 4);
        assert_eq!(path_of(&content, "99213"), ["cpt-em", "cpt-em-office", "cpt-em-office-established"]);
        let node_of = |code: &str| path_of(&content, code).pop().unwrap();
        assert_eq!(node_of("45378"), "cpt-surgery-digestive-colon-rectum-endoscopy");
        assert_eq!(node_of("90471"), "cpt-medicine-immunization-admin");
        assert_eq!(node_of("90686"), "cpt-medicine-vaccines");
        assert_eq!(node_of("99506"), "cpt-medicine-home-health");
        assert_eq!(node_of("3074F"), "cpt-category-ii-diagnostic");
        assert_eq!(node_of("0042T"), "cpt-category-iii");
        assert_eq!(node_of("0240U"), "cpt-pla");
        assert_eq!(path_of(&content, "25"), ["cpt-modifiers"]);
        assert_eq!(node_of("P1"), "cpt-modifiers-physical-status");
        assert_eq!(node_of("1P"), "cpt-modifiers-category-ii");
    }

    #[test]
    fn ranges_compare_codes_of_the_same_form_only() {
        assert!(range_contains("0001F", "9007F", "3074F"));
        assert!(!range_contains("10004", "69990", "3074F"));
        assert!(!range_contains("90281", "99607", "0001A"));
        assert!(!range_contains("0042T", "0999T", "0100U"));
        assert!(range_contains("1P", "8P", "3P"));
        assert!(!range_contains("1P", "8P", "25"));
        let nodes = parse(Path::new("h.tsv"), "a\tsection\t\t00100\t01999\tA\n").unwrap();
        let mut content = ReleaseContent {
            entries: vec![
                CodeEntry::new("0001A", EntryKind::Code, true, "x"),
                CodeEntry::new("00100", EntryKind::Code, true, "y"),
            ],
            nodes: Vec::new(),
            pcs: None,
        };
        assign(&mut content, nodes);
        assert_eq!(content.entries[0].node, None);
        assert_eq!(content.entries[1].node.as_deref(), Some("a"));
    }

    #[test]
    fn refuses_a_bad_line_in_a_file() {
        let path = std::env::temp_dir().join(format!("codify-cpt-hierarchy-{}.tsv", std::process::id()));
        std::fs::write(
            &path,
            "# comment\na\tsection\t\t10004\t69990\tSurgery\nb\tsubsection\tnope\t10004\t10021\tGeneral\n",
        )
        .unwrap();
        let result = load(&path);
        let _ = std::fs::remove_file(&path);
        let err = result.unwrap_err();
        assert_eq!((err.file.as_path(), err.line), (path.as_path(), Some(3)));
        assert!(err.reason.contains("unknown parent `nope`"), "{err}");
    }

    #[test]
    fn refuses_malformed_nodes() {
        let section = "s\tsection\t\t10004\t69990\tSurgery\n";
        let refuse = |line: &str| parse(Path::new("h.tsv"), &format!("{section}{line}\n")).unwrap_err();
        let cases = [
            ("x\tchapter\ts\t10004\t10021\tX", "unknown level `chapter`"),
            ("s\tsubsection\ts\t10004\t10021\tX", "duplicate id `s` (first on line 1)"),
            ("x\tsubsection\ts\t10021\t10004\tX", "first code 10021 comes after last code 10004"),
            ("x\tsubsection\ts\t10004\t0042T\tX", "mixes two code forms"),
            ("x\tsubsection\ts\t10004\tX", "expected 6 tab-separated columns"),
            ("x\tsubsection\ts\t1000\t10021\tX", "`1000` is not a CPT code"),
            ("x\tsection\ts\t10004\t10021\tX", "cannot have a parent"),
            ("x\theading\t\t10004\t10021\tX", "needs a parent"),
            ("x\tsubsection\ts\t10004\t\tX", "`` is not a CPT code"),
        ];
        for (line, reason) in cases {
            let err = refuse(line);
            assert_eq!(err.line, Some(2), "{line}");
            assert!(err.reason.contains(reason), "{line}: {err}");
        }
        let nested = format!("{section}h\theading\ts\t10004\t10021\tH\n");
        let err = parse(Path::new("h.tsv"), &format!("{nested}x\tsubsection\th\t10004\t10021\tX\n")).unwrap_err();
        assert!(err.reason.contains("not a higher level"), "{err}");
    }
}
