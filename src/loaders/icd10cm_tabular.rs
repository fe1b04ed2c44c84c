//! Loader for the CMS ICD-10-CM tabular list XML (`icd10cm_tabular_YYYY.xml`, root element
//! `ICD10CM.tabular`).
//!
//! One pass over the reader's events yields the chapters (`ch01`..`ch22`) and sections
//! (blocks such as `E08-E13`) as hierarchy nodes, and one entry per `<diag>` with its
//! inclusion terms and instructional notes. Codes that need a 7th character (a
//! `<sevenChrDef>` on the code or on an ancestor) are expanded the way CMS's code files list
//! them: the code padded with the placeholder `X` to six characters, then each 7th character,
//! titled "<code title>, <7th-character text>". The expanded codes are the billable ones; the
//! code they come from becomes a header.

use std::collections::HashSet;
use std::path::Path;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::LoadError;
use super::{source, xml};
use crate::codes::{
    CodeEntry, Descriptor, DescriptorKind, EntryKind, HierarchyNode, NodeKind, Note, NoteKind, ReleaseContent,
};

/// 7th characters CMS withholds from some codes although the `<sevenChrDef>` above them lists
/// them: (category, 6th characters, withheld 7th characters). The XML says so only in prose,
/// in the `<notes>` of S06: "7th characters D and S do not apply to codes in category S06 with
/// 6th character 7 - death due to brain injury prior to regaining consciousness, or 8 - death
/// due to other cause prior to regaining consciousness."
const WITHHELD_SEVENTH_CHARACTERS: &[(&str, &[u8], &[u8])] = &[("S06", b"78", b"DS")];

/// Loads an ICD-10-CM tabular XML file (gzip allowed).
pub fn load(path: &Path) -> Result<ReleaseContent, LoadError> {
    let text = source::read_text(path)?;
    parse(path, &text)
}

/// The elements the loader cares about; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Chapter,
    Section,
    Diag,
    Name,
    Desc,
    /// A group of `<note>`s: `inclusionTerm` (`None`) or a note kind.
    NoteGroup(Option<NoteKind>),
    Note,
    SevenChrDef,
    Extension,
    Other,
}

fn tag_of(name: &str) -> Tag {
    match name {
        "chapter" => Tag::Chapter,
        "section" => Tag::Section,
        "diag" => Tag::Diag,
        "name" => Tag::Name,
        "desc" => Tag::Desc,
        "note" => Tag::Note,
        "sevenChrDef" => Tag::SevenChrDef,
        "extension" => Tag::Extension,
        "inclusionTerm" => Tag::NoteGroup(None),
        "includes" => Tag::NoteGroup(Some(NoteKind::Includes)),
        "excludes1" => Tag::NoteGroup(Some(NoteKind::Excludes1)),
        "excludes2" => Tag::NoteGroup(Some(NoteKind::Excludes2)),
        "codeFirst" => Tag::NoteGroup(Some(NoteKind::CodeFirst)),
        "useAdditionalCode" => Tag::NoteGroup(Some(NoteKind::UseAdditionalCode)),
        "codeAlso" => Tag::NoteGroup(Some(NoteKind::CodeAlso)),
        "notes" | "sevenChrNote" => Tag::NoteGroup(Some(NoteKind::Note)),
        _ => Tag::Other,
    }
}

/// An open `<diag>`.
struct DiagFrame {
    /// Index of its entry in `content.entries`.
    entry: usize,
    /// Byte offset of its start tag.
    start: u64,
    has_children: bool,
    /// Index into `Parser::seven_defs` of the 7th characters in force here.
    seven_def: Option<usize>,
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    content: ReleaseContent,
    /// Open elements, outermost first.
    stack: Vec<Tag>,
    diags: Vec<DiagFrame>,
    /// Node index of the open chapter, and of its first and last sections.
    chapter: Option<usize>,
    chapter_sections: Option<(usize, usize)>,
    /// Node index of the open section.
    section: Option<usize>,
    /// Every `<sevenChrDef>` seen: (7th character, text).
    seven_defs: Vec<Vec<(char, String)>>,
    /// The `<sevenChrDef>` being read, and the `char` of the `<extension>` being read.
    open_seven_def: Option<usize>,
    extension_char: Option<char>,
    /// Text of the innermost `name`, `desc`, `note` or `extension`.
    text_buf: String,
    seen_codes: HashSet<String>,
    /// Byte offset where the event being handled starts.
    event_start: u64,
}

fn parse(path: &Path, text: &str) -> Result<ReleaseContent, LoadError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut parser = Parser::new(path, text);
    loop {
        parser.event_start = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                let reason = format!("malformed XML: {err}");
                return Err(parser.error_at(reader.error_position(), reason));
            }
        };
        match event {
            Event::Start(start) => parser.start(&start)?,
            Event::End(_) => parser.end()?,
            Event::Text(text) if parser.capturing() => {
                parser.text_buf.push_str(&text.xml10_content());
            }
            Event::CData(data) if parser.capturing() => {
                parser.text_buf.push_str(&data.xml10_content());
            }
            Event::GeneralRef(reference) if parser.capturing() => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch.to_string()),
                    Ok(None) => resolve_xml_entity(&reference).map(str::to_string),
                    Err(_) => None,
                };
                let Some(replacement) = resolved else {
                    return Err(parser.error(format!("unknown entity &{};", &*reference)));
                };
                parser.text_buf.push_str(&replacement);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    parser.finish()
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path, text: &'a str) -> Parser<'a> {
        Parser {
            path,
            text,
            content: ReleaseContent::default(),
            stack: Vec::new(),
            diags: Vec::new(),
            chapter: None,
            chapter_sections: None,
            section: None,
            seven_defs: Vec::new(),
            open_seven_def: None,
            extension_char: None,
            text_buf: String::new(),
            seen_codes: HashSet::new(),
            event_start: 0,
        }
    }

    fn error_at(&self, offset: u64, reason: impl Into<String>) -> LoadError {
        LoadError::at_line(self.path, xml::line_at(self.text, offset), reason)
    }

    fn error(&self, reason: impl Into<String>) -> LoadError {
        self.error_at(self.event_start, reason)
    }

    fn capturing(&self) -> bool {
        matches!(self.stack.last(), Some(Tag::Name | Tag::Desc | Tag::Note | Tag::Extension))
    }

    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), LoadError> {
        if self.stack.is_empty() && start.name().as_ref() != "ICD10CM.tabular" {
            let root = start.name().as_ref().to_string();
            return Err(
                self.error(format!("root element is <{root}>, not <ICD10CM.tabular>: not an ICD-10-CM tabular file"))
            );
        }
        let tag = tag_of(start.name().as_ref());
        let parent = self.stack.last().copied();
        match tag {
            Tag::Chapter => self.start_chapter(),
            Tag::Section => self.start_section(start, parent)?,
            Tag::Diag => self.start_diag(parent)?,
            Tag::SevenChrDef if parent == Some(Tag::Diag) => {
                let Some(frame) = self.diags.last_mut() else {
                    return Err(self.error("<sevenChrDef> outside a <diag>"));
                };
                if frame.has_children {
                    return Err(self.error("<sevenChrDef> after the child codes it should apply to"));
                }
                self.seven_defs.push(Vec::new());
                frame.seven_def = Some(self.seven_defs.len() - 1);
                self.open_seven_def = frame.seven_def;
            }
            Tag::Extension if parent == Some(Tag::SevenChrDef) => {
                self.extension_char = Some(self.extension_char_of(start)?);
            }
            _ => {}
        }
        if matches!(tag, Tag::Name | Tag::Desc | Tag::Note | Tag::Extension) {
            self.text_buf.clear();
        }
        self.stack.push(tag);
        Ok(())
    }

    fn start_chapter(&mut self) {
        self.content.nodes.push(HierarchyNode {
            id: String::new(),
            kind: NodeKind::Chapter,
            title: String::new(),
            parent: None,
            range: None,
        });
        self.chapter = Some(self.content.nodes.len() - 1);
        self.chapter_sections = None;
    }

    fn start_section(&mut self, start: &BytesStart<'_>, parent: Option<Tag>) -> Result<(), LoadError> {
        let chapter_id = match (parent, self.chapter) {
            (Some(Tag::Chapter), Some(chapter)) => self.content.nodes[chapter].id.clone(),
            _ => return Err(self.error("<section> outside a <chapter>")),
        };
        if chapter_id.is_empty() {
            return Err(self.error("<section> before its chapter's <name>"));
        }
        let id = self.attribute(start, "id")?.trim().to_string();
        let (first, last) = id.split_once('-').unwrap_or((&id, &id));
        if first.is_empty() || last.is_empty() {
            return Err(self.error(format!("section id {id:?} is not a code range")));
        }
        let range = Some((first.to_string(), last.to_string()));
        self.content.nodes.push(HierarchyNode {
            id,
            kind: NodeKind::Section,
            title: String::new(),
            parent: Some(chapter_id),
            range,
        });
        let index = self.content.nodes.len() - 1;
        self.section = Some(index);
        self.chapter_sections = Some(self.chapter_sections.map_or((index, index), |(first, _)| (first, index)));
        Ok(())
    }

    fn start_diag(&mut self, parent: Option<Tag>) -> Result<(), LoadError> {
        let section_id = match (parent, self.section) {
            (Some(Tag::Section | Tag::Diag), Some(section)) => self.content.nodes[section].id.clone(),
            _ => return Err(self.error("<diag> outside a <section>")),
        };
        let mut entry = CodeEntry::new(String::new(), EntryKind::Code, true, String::new());
        entry.node = Some(section_id);
        let mut seven_def = None;
        if parent == Some(Tag::Diag) {
            let Some(parent_frame) = self.diags.last_mut() else {
                return Err(self.error("nested <diag> without its parent"));
            };
            parent_frame.has_children = true;
            seven_def = parent_frame.seven_def;
            let parent_code = &self.content.entries[parent_frame.entry].code;
            if parent_code.is_empty() {
                return Err(self.error("<diag> before its parent's <name>"));
            }
            entry.parent_code = Some(parent_code.clone());
        }
        self.content.entries.push(entry);
        self.diags.push(DiagFrame {
            entry: self.content.entries.len() - 1,
            start: self.event_start,
            has_children: false,
            seven_def,
        });
        Ok(())
    }

    fn end(&mut self) -> Result<(), LoadError> {
        let Some(tag) = self.stack.pop() else {
            return Err(self.error("end tag without a start tag"));
        };
        let parent = self.stack.last().copied();
        match (tag, parent) {
            (Tag::Name, Some(Tag::Diag)) => self.set_code()?,
            (Tag::Name, Some(Tag::Chapter)) => self.set_chapter_id()?,
            (Tag::Desc, Some(Tag::Diag)) => {
                let title = clean(&self.text_buf);
                if let Some(frame) = self.diags.last() {
                    self.content.entries[frame.entry].title = title;
                }
            }
            (Tag::Desc, Some(Tag::Chapter)) => self.set_node_title(self.chapter),
            (Tag::Desc, Some(Tag::Section)) => self.set_node_title(self.section),
            (Tag::Note, Some(Tag::NoteGroup(kind))) => self.add_note(kind),
            (Tag::Extension, Some(Tag::SevenChrDef)) => {
                let text = clean(&self.text_buf);
                if let (Some(def), Some(ch)) = (self.open_seven_def, self.extension_char.take()) {
                    self.seven_defs[def].push((ch, text));
                }
            }
            (Tag::SevenChrDef, _) => self.open_seven_def = None,
            (Tag::Diag, _) => self.finish_diag()?,
            (Tag::Section, _) => self.section = None,
            (Tag::Chapter, _) => self.finish_chapter()?,
            _ => {}
        }
        Ok(())
    }

    fn set_code(&mut self) -> Result<(), LoadError> {
        let code: String = self.text_buf.trim().chars().filter(|c| *c != '.').map(|c| c.to_ascii_uppercase()).collect();
        if !is_icd10cm_code(&code) {
            return Err(self.error(format!("bad code {:?}", self.text_buf.trim())));
        }
        if !self.seen_codes.insert(code.clone()) {
            return Err(self.error(format!("duplicate code {code}")));
        }
        if let Some(frame) = self.diags.last() {
            self.content.entries[frame.entry].code = code;
        }
        Ok(())
    }

    fn set_chapter_id(&mut self) -> Result<(), LoadError> {
        let number: u32 = match self.text_buf.trim().parse() {
            Ok(number) => number,
            Err(_) => return Err(self.error(format!("bad chapter number {:?}", self.text_buf.trim()))),
        };
        if let Some(chapter) = self.chapter {
            self.content.nodes[chapter].id = format!("ch{number:02}");
        }
        Ok(())
    }

    fn set_node_title(&mut self, node: Option<usize>) {
        if let Some(index) = node {
            self.content.nodes[index].title = clean(&self.text_buf);
        }
    }

    /// Adds a `<note>` to the diag whose note group it is in; chapter and section notes are
    /// dropped.
    fn add_note(&mut self, kind: Option<NoteKind>) {
        let depth = self.stack.len();
        if depth < 2 || self.stack[depth - 2] != Tag::Diag {
            return;
        }
        let text = clean(&self.text_buf);
        let Some(frame) = self.diags.last() else {
            return;
        };
        if text.is_empty() {
            return;
        }
        let entry = &mut self.content.entries[frame.entry];
        match kind {
            None => entry.descriptors.push(Descriptor { kind: DescriptorKind::InclusionTerm, text }),
            Some(kind) => entry.notes.push(Note { kind, text }),
        }
    }

    fn finish_diag(&mut self) -> Result<(), LoadError> {
        let Some(frame) = self.diags.pop() else {
            return Err(self.error("</diag> without <diag>"));
        };
        let entry = &mut self.content.entries[frame.entry];
        if entry.code.is_empty() {
            return Err(self.error_at(frame.start, "<diag> without a <name>"));
        }
        if entry.title.is_empty() {
            let reason = format!("code {} has no <desc>", entry.code);
            return Err(self.error_at(frame.start, reason));
        }
        if frame.has_children {
            entry.kind = EntryKind::Header;
            entry.billable = false;
            return Ok(());
        }
        let Some(def) = frame.seven_def else {
            return Ok(());
        };
        entry.kind = EntryKind::Header;
        entry.billable = false;
        let code = entry.code.clone();
        let title = entry.title.clone();
        let node = entry.node.clone();
        if code.len() > 6 {
            let reason = format!("code {code} has 7 characters but a 7th character applies to it");
            return Err(self.error_at(frame.start, reason));
        }
        let mut base = code.clone();
        while base.len() < 6 {
            base.push('X');
        }
        for (seventh, text) in &self.seven_defs[def] {
            if is_withheld(&base, *seventh) {
                continue;
            }
            let expanded_code = format!("{base}{seventh}");
            if !self.seen_codes.insert(expanded_code.clone()) {
                let reason = format!("duplicate code {expanded_code} (7th-character expansion)");
                return Err(self.error_at(frame.start, reason));
            }
            let mut expanded = CodeEntry::new(expanded_code, EntryKind::Code, true, format!("{title}, {text}"));
            expanded.parent_code = Some(code.clone());
            expanded.node = node.clone();
            self.content.entries.push(expanded);
        }
        Ok(())
    }

    fn finish_chapter(&mut self) -> Result<(), LoadError> {
        let Some(chapter) = self.chapter.take() else {
            return Ok(());
        };
        if self.content.nodes[chapter].id.is_empty() {
            return Err(self.error("<chapter> without a <name>"));
        }
        if let Some((first, last)) = self.chapter_sections.take() {
            let first_code = self.content.nodes[first].range.as_ref().map(|r| r.0.clone());
            let last_code = self.content.nodes[last].range.as_ref().map(|r| r.1.clone());
            if let (Some(first_code), Some(last_code)) = (first_code, last_code) {
                self.content.nodes[chapter].range = Some((first_code, last_code));
            }
        }
        Ok(())
    }

    fn extension_char_of(&self, start: &BytesStart<'_>) -> Result<char, LoadError> {
        let value = self.attribute(start, "char")?;
        let mut chars = value.trim().chars();
        match (chars.next(), chars.next()) {
            (Some(ch), None) if ch.is_ascii_alphanumeric() => Ok(ch.to_ascii_uppercase()),
            _ => Err(self.error(format!("bad 7th character {value:?}"))),
        }
    }

    fn attribute(&self, start: &BytesStart<'_>, name: &str) -> Result<String, LoadError> {
        xml::required_attribute(start, name).map_err(|reason| self.error(reason))
    }

    fn finish(self) -> Result<ReleaseContent, LoadError> {
        if !self.stack.is_empty() {
            let reason = format!("unexpected end of file: {} elements not closed", self.stack.len());
            return Err(self.error(reason));
        }
        if self.content.entries.is_empty() {
            return Err(LoadError::file(self.path, "no <diag> element: not an ICD-10-CM tabular list"));
        }
        Ok(self.content)
    }
}

/// Whether CMS withholds 7th character `seventh` from the 6-character `base`.
fn is_withheld(base: &str, seventh: char) -> bool {
    let sixth = base.as_bytes().get(5).copied().unwrap_or(b' ');
    WITHHELD_SEVENTH_CHARACTERS.iter().any(|(category, sixths, sevenths)| {
        base.starts_with(category) && sixths.contains(&sixth) && sevenths.contains(&(seventh as u8))
    })
}

/// Whether `code` has the form of an undotted ICD-10-CM code: a letter, then 2 to 6 letters
/// or digits. (`codes::is_well_formed` wants a digit second and so refuses FY2026's `QA0`.)
pub(super) fn is_icd10cm_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    (3..=7).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && bytes[1..].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Trims text and folds line breaks and runs of whitespace inside it to single spaces.
fn clean(raw: &str) -> String {
    if raw.contains(['\n', '\r', '\t']) {
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        raw.trim().to_string()
    }
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
    /// The same with 7th character S.
    const T07_SEQUELA: &str = concat!("T07", "XX", "XS");

    fn data_file(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icd10cm").join(name)
    }

    fn fy2026() -> &'static ReleaseContent {
        static CONTENT: OnceLock<ReleaseContent> = OnceLock::new();
        CONTENT.get_or_init(|| load(&data_file("icd10cm-tabular-2026.xml.gz")).unwrap())
    }

    fn entry(code: &str) -> &'static CodeEntry {
        let found = fy2026().entries.iter().find(|entry| entry.code == code);
        found.unwrap_or_else(|| panic!("{code} not loaded"))
    }

    fn node(id: &str) -> &'static HierarchyNode {
        let found = fy2026().nodes.iter().find(|node| node.id == id);
        found.unwrap_or_else(|| panic!("node {id} not loaded"))
    }

    #[test]
    fn codes_are_exactly_the_official_code_list() {
        let list = source::read_text(&data_file("icd10cm-code-list-2026.txt.gz")).unwrap();
        let lines: Vec<&str> = source::lines(&list).map(str::trim).collect();
        assert_eq!(lines.len(), 98_505);
        // The list also names chapters (`1`..`22`) and blocks (`A00-A09`).
        let official: HashSet<&str> = lines
            .iter()
            .copied()
            .filter(|line| !line.contains('-') && !line.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        let loaded: HashSet<&str> = fy2026().entries.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(loaded.len(), fy2026().entries.len(), "a code is loaded twice");
        let missing: Vec<&&str> = official.difference(&loaded).take(10).collect();
        let extra: Vec<&&str> = loaded.difference(&official).take(10).collect();
        assert!(missing.is_empty() && extra.is_empty(), "missing {missing:?}, extra {extra:?}");
        assert_eq!(official.len(), 98_186);
    }

    #[test]
    fn counts_match_the_release() {
        let content = fy2026();
        assert_eq!(content.entries.len(), 98_186);
        let billable = content.entries.iter().filter(|e| e.billable).count();
        assert_eq!(billable, 74_719);
        let headers = content.entries.iter().filter(|e| e.kind == EntryKind::Header).count();
        assert_eq!(headers, 98_186 - 74_719);
        assert!(content.entries.iter().all(|e| e.billable == (e.kind == EntryKind::Code)));
        // 46,881 `<diag>` elements; the other entries are 7th-character expansions.
        let xml = source::read_text(&data_file("icd10cm-tabular-2026.xml.gz")).unwrap();
        assert_eq!(xml.matches("<diag>").count() + xml.matches("<diag ").count(), 46_881);
        let names: HashSet<String> = xml
            .split("<name>")
            .skip(1)
            .filter_map(|rest| rest.split_once('<'))
            .map(|(name, _)| name.replace('.', ""))
            .collect();
        let expansions = content.entries.iter().filter(|e| !names.contains(&e.code)).count();
        assert_eq!(expansions, 98_186 - 46_881);
        let chapters = content.nodes.iter().filter(|n| n.kind == NodeKind::Chapter).count();
        let sections = content.nodes.iter().filter(|n| n.kind == NodeKind::Section).count();
        assert_eq!((chapters, sections), (22, 297));
        assert!(content.entries.iter().all(|e| e.node.is_some()));
    }

    #[test]
    fn codes_and_headers_carry_the_tabular_details() {
        let e119 = entry("E119");
        assert_eq!(e119.title, "Type 2 diabetes mellitus without complications");
        assert_eq!((e119.kind, e119.billable), (EntryKind::Code, true));
        assert_eq!(e119.parent_code.as_deref(), Some("E11"));
        assert_eq!(e119.node.as_deref(), Some("E08-E13"));

        let e11 = entry("E11");
        assert_eq!((e11.kind, e11.billable, e11.parent_code.as_deref()), (EntryKind::Header, false, None));
        let first_excludes1 = e11.notes.iter().find(|n| n.kind == NoteKind::Excludes1).unwrap();
        assert_eq!(first_excludes1.text, "diabetes mellitus due to underlying condition (E08.-)");
        assert_eq!(e11.notes.iter().filter(|n| n.kind == NoteKind::Excludes1).count(), 8);
        assert_eq!(e11.notes.iter().filter(|n| n.kind == NoteKind::Includes).count(), 3);
        assert_eq!(e11.notes.iter().filter(|n| n.kind == NoteKind::UseAdditionalCode).count(), 5);

        let terms: Vec<&str> = entry("A0102").descriptors.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(terms, ["Typhoid endocarditis", "Typhoid myocarditis"]);
        assert!(entry("A0102").descriptors.iter().all(|d| d.kind == DescriptorKind::InclusionTerm));

        let s060 = entry("S060");
        assert_eq!(s060.notes[0].kind, NoteKind::Excludes1);
        assert!(s060.notes[0].text.starts_with("concussion with other intracranial injuries"));
        // A placeholder diag (`<diag placeholder="true">`) is an ordinary header.
        assert_eq!(entry("S060X").kind, EntryKind::Header);
        assert_eq!(node("QA0").range, Some(("QA0".to_string(), "QA0".to_string())));
        assert_eq!(entry("QA00101").node.as_deref(), Some("QA0"));
    }

    #[test]
    fn seventh_characters_expand_like_the_cms_code_files() {
        let s72001a = entry("S72001A");
        assert_eq!(
            s72001a.title,
            "Fracture of unspecified part of neck of right femur, \
             initial encounter for closed fracture"
        );
        assert_eq!((s72001a.kind, s72001a.billable), (EntryKind::Code, true));
        assert_eq!(s72001a.parent_code.as_deref(), Some("S72001"));
        assert_eq!(s72001a.node.as_deref(), Some("S70-S79"));
        assert!(s72001a.notes.is_empty() && s72001a.descriptors.is_empty());
        assert_eq!((entry("S72001").kind, entry("S72001").billable), (EntryKind::Header, false));

        let t360x1a = entry("T360X1A");
        assert_eq!(t360x1a.title, "Poisoning by penicillins, accidental (unintentional), initial encounter");
        assert_eq!(t360x1a.parent_code.as_deref(), Some("T360X1"));
        assert!(t360x1a.descriptors.is_empty(), "expansions do not copy inclusion terms");
        assert_eq!(entry("T360X1").descriptors.len(), 1);
        assert_eq!(entry(T07_INITIAL).title, "Unspecified multiple injuries, initial encounter");
        assert_eq!(entry(T07_INITIAL).parent_code.as_deref(), Some("T07"));
        assert_eq!(entry("S0000XA").title, "Unspecified superficial injury of scalp, initial encounter");
        // A 6-character code takes its 7th character directly.
        assert_eq!(
            entry("E083211").title,
            "Diabetes mellitus due to underlying condition with mild nonproliferative diabetic \
             retinopathy with macular edema, right eye"
        );
        // S06 codes with 6th character 7 or 8 (death before regaining consciousness) get only A.
        assert!(fy2026().entries.iter().any(|e| e.code == "S06307A"));
        assert!(!fy2026().entries.iter().any(|e| e.code == "S06307D" || e.code == "S06308S"));
        assert!(fy2026().entries.iter().any(|e| e.code == "S06306D"));
    }

    #[test]
    fn entries_come_in_document_order() {
        let entries = &fy2026().entries;
        assert_eq!(entries[0].code, "A00");
        assert_eq!(entries[1].code, "A000");
        let mut position = std::collections::HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            if let Some(parent) = &entry.parent_code {
                let parent_index = position.get(parent.as_str()).copied();
                assert!(parent_index.is_some_and(|at: usize| at < index), "{} before its parent", entry.code);
            }
            position.insert(entry.code.as_str(), index);
        }
        let s72001 = position["S72001"];
        let following: Vec<&str> = entries[s72001 + 1..s72001 + 8].iter().map(|e| e.code.as_str()).collect();
        assert_eq!(following, ["S72001A", "S72001B", "S72001C", "S72001D", "S72001E", "S72001F", "S72001G"]);
    }

    #[test]
    fn chapters_and_sections_become_nodes() {
        let chapter = node("ch04");
        assert_eq!(chapter.title, "Endocrine, nutritional and metabolic diseases (E00-E89)");
        assert_eq!((chapter.kind, chapter.parent.as_deref()), (NodeKind::Chapter, None));
        assert_eq!(chapter.range, Some(("E00".to_string(), "E89".to_string())));
        let section = node("E08-E13");
        assert_eq!(section.title, "Diabetes mellitus (E08-E13)");
        assert_eq!((section.kind, section.parent.as_deref()), (NodeKind::Section, Some("ch04")));
        assert_eq!(section.range, Some(("E08".to_string(), "E13".to_string())));
        assert_eq!(node("I10-I1A").range, Some(("I10".to_string(), "I1A".to_string())));
        assert_eq!(node("ch22").range, Some(("U00".to_string(), "U49".to_string())));
        assert_eq!(fy2026().nodes[0].id, "ch01");
        assert_eq!(fy2026().nodes[1].parent.as_deref(), Some("ch01"));
    }

    const SMALL: &str = "<?xml version=\"1.0\"?>\r\n<ICD10CM.tabular>\r\n<chapter><name>19</name>\
        <desc>Injury (S00-T88)</desc>\r\n\
        <section id=\"T07\"><desc>Unspecified injuries (T07)</desc>\r\n\
        <diag><name>T07</name><desc>Multiple injuries &amp; more</desc>\
        <excludes1><note>injury NOS (T14.90)</note></excludes1>\
        <sevenChrDef><extension char=\"A\">initial encounter</extension>\
        <extension char=\"S\">sequela</extension></sevenChrDef></diag>\r\n\
        <diag><name>T08</name><desc>Other</desc><diag><name>T08.1</name><desc>Leaf</desc>\
        <inclusionTerm><note>  Leaf  term </note></inclusionTerm></diag></diag>\r\n\
        </section></chapter></ICD10CM.tabular>\r\n";

    #[test]
    fn parses_a_small_document() {
        let content = parse(Path::new("small.xml"), SMALL).unwrap();
        let codes: Vec<(&str, EntryKind, bool)> =
            content.entries.iter().map(|e| (e.code.as_str(), e.kind, e.billable)).collect();
        assert_eq!(
            codes,
            [
                ("T07", EntryKind::Header, false),
                (T07_INITIAL, EntryKind::Code, true),
                (T07_SEQUELA, EntryKind::Code, true),
                ("T08", EntryKind::Header, false),
                ("T081", EntryKind::Code, true),
            ]
        );
        assert_eq!(content.entries[0].title, "Multiple injuries & more");
        assert_eq!(content.entries[0].notes.len(), 1);
        assert_eq!(content.entries[2].title, "Multiple injuries & more, sequela");
        assert!(content.entries[2].notes.is_empty());
        assert_eq!(content.entries[4].descriptors[0].text, "Leaf  term");
        assert_eq!(content.nodes.len(), 2);
        assert_eq!(content.nodes[0].range, Some(("T07".to_string(), "T07".to_string())));
    }

    #[test]
    fn malformed_xml_is_refused_at_its_line() {
        let broken = SMALL.replace("<desc>Other</desc>", "<desc>Other</dsc>");
        let err = parse(Path::new("broken.xml"), &broken).unwrap_err();
        assert_eq!(err.line, Some(6), "{err}");
        assert!(err.reason.starts_with("malformed XML"), "{err}");

        let bad_code = SMALL.replace("<name>T08.1</name>", "<name>T0-8</name>");
        let err = parse(Path::new("bad.xml"), &bad_code).unwrap_err();
        assert_eq!((err.line, err.reason.as_str()), (Some(6), "bad code \"T0-8\""));

        let truncated = &SMALL[..SMALL.find("</section>").unwrap()];
        let err = parse(Path::new("truncated.xml"), truncated).unwrap_err();
        assert_eq!(err.line, Some(7), "{err}");
        assert!(err.reason.starts_with("unexpected end of file"), "{err}");
    }

    #[test]
    fn a_file_without_codes_is_refused() {
        let empty = "<?xml version=\"1.0\"?>\n<ICD10CM.tabular><version>2026</version></ICD10CM.tabular>\n";
        let err = parse(Path::new("empty.xml"), empty).unwrap_err();
        assert_eq!(err.line, None);
        assert!(err.reason.contains("no <diag>"), "{err}");
        let other = parse(Path::new("other.xml"), "<html><body/></html>").unwrap_err();
        assert_eq!(other.line, Some(1));
    }
}
