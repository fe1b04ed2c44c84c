//! Loader for the CMS ICD-10-PCS Definitions XML (root `ICD10PCS.definitions`): `<section
//! code="X">` with a `<title>` and `<axis pos="N">` elements, each a `<title>` and `<terms>`
//! (one or more `<title>`, an optional `<definition>` and `<explanation>`, any number of
//! `<includes>`), then one `<deviceAggregation>` of `<aggregate>` rows (`<device>`,
//! `<operation>`, `<bodySys>`, `<parent value="X">`).
//!
//! A file that is malformed or truncated, repeats a section or axis, gives a bad section or
//! value character or axis position, or is otherwise off this layout is refused with its line.

use std::path::Path;

use quick_xml::events::BytesStart;

use super::source;
use super::xml;
use super::LoadError;
use crate::alpha_index::collapse_whitespace;
use crate::codes::pcs_definitions::{AxisTerm, DefinitionAxis, DefinitionSection, DeviceAggregate, PcsDefinitions};
use crate::codes::system::is_pcs_character;

/// Loads a PCS definitions XML file (gzip allowed).
pub fn load(path: &Path) -> Result<PcsDefinitions, LoadError> {
    let text = source::read_text(path)?;
    parse(path, &text)
}

/// The elements the loader tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Section,
    Axis,
    Terms,
    Aggregation,
    Aggregate,
    /// An element whose text is a field of the open container.
    Field(Field),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Version,
    Title,
    Definition,
    Explanation,
    Includes,
    Device,
    Operation,
    BodySys,
    Parent,
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    stack: Vec<Tag>,
    version: String,
    sections: Vec<DefinitionSection>,
    aggregates: Vec<DeviceAggregate>,
    axis: DefinitionAxis,
    term: AxisTerm,
    aggregate: DeviceAggregate,
    /// Where each open element started, for errors about its content.
    starts: Vec<u64>,
    text_buf: String,
    event_start: u64,
}

/// Parses PCS definitions XML text; `path` only names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<PcsDefinitions, LoadError> {
    let mut parser = Parser {
        path,
        text,
        stack: Vec::new(),
        version: String::new(),
        sections: Vec::new(),
        aggregates: Vec::new(),
        axis: DefinitionAxis::default(),
        term: AxisTerm::default(),
        aggregate: DeviceAggregate::default(),
        starts: Vec::new(),
        text_buf: String::new(),
        event_start: 0,
    };
    xml::parse_events(path, text, &mut parser)?;
    parser.finish()
}

impl Parser<'_> {
    fn error_at(&self, offset: u64, reason: impl Into<String>) -> LoadError {
        LoadError::at_line(self.path, xml::line_at(self.text, offset), reason)
    }

    fn error(&self, reason: impl Into<String>) -> LoadError {
        self.error_at(self.event_start, reason)
    }

    fn start_section(&mut self, start: &BytesStart<'_>) -> Result<Tag, LoadError> {
        let code = self.value_char(start, "code")?;
        if self.sections.iter().any(|section| section.code == code) {
            return Err(self.error(format!("section {code} given twice")));
        }
        self.sections.push(DefinitionSection { code, ..DefinitionSection::default() });
        Ok(Tag::Section)
    }

    fn start_axis(&mut self, start: &BytesStart<'_>) -> Result<Tag, LoadError> {
        let value = xml::required_attribute(start, "pos").map_err(|reason| self.error(reason))?;
        let Some(position) = value.trim().parse::<u8>().ok().filter(|pos| (1..=7).contains(pos)) else {
            return Err(self.error(format!("bad axis pos=\"{value}\": not 1 to 7")));
        };
        let section = self.sections.last();
        if section.is_some_and(|section| section.axes.iter().any(|axis| axis.position == position)) {
            return Err(self.error(format!("axis {position} given twice in one section")));
        }
        self.axis = DefinitionAxis { position, ..DefinitionAxis::default() };
        Ok(Tag::Axis)
    }

    /// A single PCS character held by attribute `name`.
    fn value_char(&self, start: &BytesStart<'_>, name: &str) -> Result<char, LoadError> {
        let value = xml::required_attribute(start, name).map_err(|reason| self.error(reason))?;
        match value.trim().as_bytes() {
            [byte] if is_pcs_character(*byte) => Ok(char::from(*byte)),
            _ => Err(self.error(format!("bad {name}=\"{value}\": not one PCS character"))),
        }
    }

    fn end_field(&mut self, field: Field) -> Result<(), LoadError> {
        let text = collapse_whitespace(&std::mem::take(&mut self.text_buf));
        let element = field_name(field);
        if text.is_empty() {
            return Err(self.error(format!("empty <{element}>")));
        }
        let slot = match (field, self.stack.last()) {
            (Field::Version, _) => Some(&mut self.version),
            (Field::Title, Some(Tag::Section)) => self.sections.last_mut().map(|section| &mut section.title),
            (Field::Title, Some(Tag::Axis)) => Some(&mut self.axis.title),
            (Field::Title, Some(Tag::Terms)) => {
                self.term.titles.push(text);
                return Ok(());
            }
            (Field::Includes, _) => {
                self.term.includes.push(text);
                return Ok(());
            }
            (Field::Definition | Field::Explanation, _) => {
                let slot = match field {
                    Field::Definition => &mut self.term.definition,
                    _ => &mut self.term.explanation,
                };
                if slot.is_some() {
                    return Err(self.error(format!("a second <{element}> in one <terms>")));
                }
                *slot = Some(text);
                return Ok(());
            }
            (Field::Operation, _) => {
                self.aggregate.operations.push(text);
                return Ok(());
            }
            (Field::BodySys, _) => {
                self.aggregate.body_systems.push(text);
                return Ok(());
            }
            (Field::Device, _) => Some(&mut self.aggregate.device),
            (Field::Parent, _) => Some(&mut self.aggregate.value_title),
            (Field::Title, _) => None,
        };
        match slot {
            Some(slot) if slot.is_empty() => {
                *slot = text;
                Ok(())
            }
            Some(_) => Err(self.error(format!("a second <{element}>"))),
            None => Ok(()),
        }
    }

    fn end_aggregate(&mut self, start: u64) -> Result<(), LoadError> {
        let aggregate = std::mem::take(&mut self.aggregate);
        let missing = if aggregate.device.is_empty() {
            Some("device")
        } else if aggregate.operations.is_empty() {
            Some("operation")
        } else if aggregate.body_systems.is_empty() {
            Some("bodySys")
        } else if aggregate.value_title.is_empty() {
            Some("parent")
        } else {
            None
        };
        if let Some(element) = missing {
            return Err(self.error_at(start, format!("<aggregate> without a <{element}>")));
        }
        self.aggregates.push(aggregate);
        Ok(())
    }

    fn finish(self) -> Result<PcsDefinitions, LoadError> {
        if !self.stack.is_empty() {
            let reason = format!("unexpected end of file: {} elements not closed", self.stack.len());
            return Err(self.error(reason));
        }
        if self.sections.is_empty() {
            return Err(LoadError::file(self.path, "no <section>: not an ICD-10-PCS definitions file"));
        }
        Ok(PcsDefinitions::new(self.version, self.sections, self.aggregates))
    }
}

impl xml::EventParser for Parser<'_> {
    fn at(&mut self, offset: u64) {
        self.event_start = offset;
    }

    fn push_text(&mut self, text: &str) {
        if matches!(self.stack.last(), Some(Tag::Field(_))) {
            self.text_buf.push_str(text);
        }
    }

    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), LoadError> {
        let qualified = start.name();
        let name = qualified.as_ref();
        let parent = self.stack.last().copied();
        let tag = match (parent, name) {
            (None, "ICD10PCS.definitions") => Tag::Root,
            (None, _) => return Err(self.error(format!("root element is <{name}>, not <ICD10PCS.definitions>"))),
            (Some(Tag::Root), "version") => Tag::Field(Field::Version),
            (Some(Tag::Root | Tag::Section | Tag::Axis | Tag::Terms), "title") => Tag::Field(Field::Title),
            (Some(Tag::Root), "section") => self.start_section(start)?,
            (Some(Tag::Section), "axis") => self.start_axis(start)?,
            (Some(Tag::Axis), "terms") => {
                self.term = AxisTerm::default();
                Tag::Terms
            }
            (Some(Tag::Terms), "definition") => Tag::Field(Field::Definition),
            (Some(Tag::Terms), "explanation") => Tag::Field(Field::Explanation),
            (Some(Tag::Terms), "includes") => Tag::Field(Field::Includes),
            (Some(Tag::Root), "deviceAggregation") => Tag::Aggregation,
            (Some(Tag::Aggregation), "aggregate") => {
                self.aggregate = DeviceAggregate::default();
                Tag::Aggregate
            }
            (Some(Tag::Aggregate), "device") => Tag::Field(Field::Device),
            (Some(Tag::Aggregate), "operation") => Tag::Field(Field::Operation),
            (Some(Tag::Aggregate), "bodySys") => Tag::Field(Field::BodySys),
            (Some(Tag::Aggregate), "parent") => {
                self.aggregate.value = self.value_char(start, "value")?;
                Tag::Field(Field::Parent)
            }
            (Some(parent), _) => {
                return Err(self.error(format!("unexpected <{name}> in <{}>", tag_name(parent))));
            }
        };
        self.text_buf.clear();
        self.stack.push(tag);
        self.starts.push(self.event_start);
        Ok(())
    }

    fn end(&mut self) -> Result<(), LoadError> {
        let (Some(tag), Some(start)) = (self.stack.pop(), self.starts.pop()) else {
            return Err(self.error("end tag without a start tag"));
        };
        match tag {
            Tag::Field(field) => self.end_field(field)?,
            Tag::Section => {
                let section = self.sections.last();
                if section.is_some_and(|section| section.title.is_empty()) {
                    return Err(self.error_at(start, "<section> without a <title>"));
                }
            }
            Tag::Axis => {
                if self.axis.title.is_empty() {
                    return Err(self.error_at(start, "<axis> without a <title>"));
                }
                let axis = std::mem::take(&mut self.axis);
                if let Some(section) = self.sections.last_mut() {
                    section.axes.push(axis);
                }
            }
            Tag::Terms => {
                if self.term.titles.is_empty() {
                    return Err(self.error_at(start, "<terms> without a <title>"));
                }
                self.axis.terms.push(std::mem::take(&mut self.term));
            }
            Tag::Aggregate => self.end_aggregate(start)?,
            Tag::Root | Tag::Aggregation => {}
        }
        Ok(())
    }
}

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::Root => "ICD10PCS.definitions",
        Tag::Section => "section",
        Tag::Axis => "axis",
        Tag::Terms => "terms",
        Tag::Aggregation => "deviceAggregation",
        Tag::Aggregate => "aggregate",
        Tag::Field(field) => field_name(field),
    }
}

fn field_name(field: Field) -> &'static str {
    match field {
        Field::Version => "version",
        Field::Title => "title",
        Field::Definition => "definition",
        Field::Explanation => "explanation",
        Field::Includes => "includes",
        Field::Device => "device",
        Field::Operation => "operation",
        Field::BodySys => "bodySys",
        Field::Parent => "parent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ICD10PCS.definitions>\n<version>2026</version>\n\
        <title>2026 ICD-10-PCS Definitions</title>\n<section code=\"0\"><title>Medical and Surgical</title>\n\
        <axis pos=\"3\"><title>Operation</title>\n\
        <terms><title>Resection</title><definition>Cutting out or off, without replacement, all of a body part\
        </definition>\n<includes>Total nephrectomy, total lobectomy of lung</includes></terms></axis>\n\
        <axis pos=\"4\"><title>Body Part</title>\n\
        <terms><title>1st Toe, Left</title><title>1st Toe, Right</title><includes>Hallux</includes></terms>\n\
        <terms><title>Appendix</title><includes>Appendiceal orifice</includes><includes>Vermiform  appendix</includes>\
        </terms>\n</axis></section>\n\
        <section code=\"B\"><title>Imaging</title><axis pos=\"3\"><title>Type</title>\n\
        <terms><title>Fluoroscopy</title><definition>Single plane</definition><explanation>Stored</explanation>\
        </terms></axis></section>\n\
        <deviceAggregation><aggregate><device>Cardiac Lead, Pacemaker</device><operation>Insertion</operation>\n\
        <bodySys>Heart and Great Vessels</bodySys><parent value=\"M\">Cardiac Lead</parent></aggregate>\
        </deviceAggregation>\n</ICD10PCS.definitions>\n";

    fn parse_text(text: &str) -> Result<PcsDefinitions, LoadError> {
        parse(Path::new("definitions.xml"), text)
    }

    fn refusal(text: &str) -> (Option<usize>, String) {
        let err = parse_text(text).unwrap_err();
        (err.line, err.reason)
    }

    #[test]
    fn reads_sections_axes_terms_and_aggregates() {
        let definitions = parse_text(SAMPLE).unwrap();
        assert_eq!(definitions.version(), "2026");
        let sections: Vec<(char, &str, usize)> =
            definitions.sections().iter().map(|s| (s.code, s.title.as_str(), s.axes.len())).collect();
        assert_eq!(sections, [('0', "Medical and Surgical", 2), ('B', "Imaging", 1)]);
        let resection = definitions.definition('0', 3, "RESECTION").unwrap();
        assert_eq!(
            resection.definition.as_deref(),
            Some("Cutting out or off, without replacement, all of a body part")
        );
        assert_eq!(resection.includes, ["Total nephrectomy, total lobectomy of lung"]);
        assert_eq!(definitions.axis('0', 4).map(|axis| axis.title.as_str()), Some("Body Part"));
        assert_eq!(definitions.terms('0', 4).len(), 2);
        let fluoroscopy = definitions.definition('B', 3, "Fluoroscopy").unwrap();
        assert_eq!(fluoroscopy.explanation.as_deref(), Some("Stored"));
        let includes: Vec<(char, u8, &str, &str)> = definitions.includes().collect();
        assert_eq!(includes.len(), 5);
        assert_eq!(includes[4], ('0', 4, "Vermiform appendix", "Appendix"));
        let aggregate = &definitions.device_aggregates()[0];
        assert_eq!((aggregate.value, aggregate.operations.as_slice()), ('M', ["Insertion".to_string()].as_slice()));
    }

    #[test]
    fn refuses_broken_files_at_their_line() {
        let bad_section = SAMPLE.replace("<section code=\"B\">", "<section code=\"I\">");
        assert_eq!(refusal(&bad_section), (Some(13), "bad code=\"I\": not one PCS character".to_string()));
        let twice = SAMPLE.replace("<section code=\"B\">", "<section code=\"0\">");
        assert_eq!(refusal(&twice), (Some(13), "section 0 given twice".to_string()));
        let same_axis = SAMPLE.replace("<axis pos=\"4\">", "<axis pos=\"3\">");
        assert_eq!(refusal(&same_axis), (Some(9), "axis 3 given twice in one section".to_string()));
        let bad_pos = SAMPLE.replace("<axis pos=\"4\">", "<axis pos=\"8\">");
        assert_eq!(refusal(&bad_pos), (Some(9), "bad axis pos=\"8\": not 1 to 7".to_string()));
        let untitled = SAMPLE.replace("<title>Appendix</title>", "");
        assert_eq!(refusal(&untitled), (Some(11), "<terms> without a <title>".to_string()));
        let second = SAMPLE.replace("<explanation>Stored</explanation>", "<definition>Again</definition>");
        assert_eq!(refusal(&second), (Some(14), "a second <definition> in one <terms>".to_string()));
        let stray = SAMPLE.replace("<includes>Hallux</includes>", "<use>Hallux</use>");
        assert_eq!(refusal(&stray), (Some(10), "unexpected <use> in <terms>".to_string()));
        let empty = SAMPLE.replace("<includes>Hallux</includes>", "<includes> </includes>");
        assert_eq!(refusal(&empty), (Some(10), "empty <includes>".to_string()));
        let no_system = SAMPLE.replace("<bodySys>Heart and Great Vessels</bodySys>", "");
        assert_eq!(refusal(&no_system), (Some(15), "<aggregate> without a <bodySys>".to_string()));
        let bad_value = SAMPLE.replace("value=\"M\"", "value=\"MM\"");
        assert_eq!(refusal(&bad_value).1, "bad value=\"MM\": not one PCS character");
        let (line, reason) = refusal(&SAMPLE[..SAMPLE.find("<section code=\"B\">").unwrap()]);
        assert_eq!(line, Some(13));
        assert!(reason.starts_with("unexpected end of file"), "{reason}");
        let (line, reason) = refusal(&SAMPLE.replace("</includes></terms></axis>", "</includes></term></axis>"));
        assert_eq!(line, Some(8));
        assert!(reason.starts_with("malformed XML"), "{reason}");
        assert_eq!(refusal("<ICD10PCS.index/>").0, Some(1));
        let err = parse_text("<ICD10PCS.definitions><version>2026</version></ICD10PCS.definitions>").unwrap_err();
        assert_eq!(err.line, None);
    }

    /// (sections, terms, titles, includes elements, include pairs, definitions, aggregates).
    fn census(definitions: &PcsDefinitions) -> [usize; 7] {
        let terms = || definitions.sections().iter().flat_map(|s| &s.axes).flat_map(|axis| &axis.terms);
        [
            definitions.sections().len(),
            terms().count(),
            terms().map(|term| term.titles.len()).sum(),
            terms().map(|term| term.includes.len()).sum(),
            definitions.includes().count(),
            terms().filter(|term| term.definition.is_some()).count(),
            definitions.device_aggregates().len(),
        ]
    }

    #[test]
    fn loads_the_fy2026_definitions() {
        let definitions = load(Path::new("data/icd10pcs/icd10pcs_definitions_2026.xml.gz")).unwrap();
        assert_eq!(definitions.version(), "2026");
        assert_eq!(census(&definitions), [16, 954, 1_090, 1_966, 2_470, 323, 60]);
        let axes: Vec<(u8, &str, usize)> = definitions
            .section('0')
            .unwrap()
            .axes
            .iter()
            .map(|axis| (axis.position, axis.title.as_str(), axis.terms.len()))
            .collect();
        assert_eq!(axes, [(3, "Operation", 31), (4, "Body Part", 328), (5, "Approach", 7), (6, "Device", 145)]);
        let resection = definitions.definition('0', 3, "Resection").unwrap();
        assert_eq!(
            resection.definition.as_deref(),
            Some("Cutting out or off, without replacement, all of a body part")
        );
        let excision = definitions.definition('0', 3, "excision").unwrap();
        assert_eq!(
            excision.definition.as_deref(),
            Some("Cutting out or off, without replacement, a portion of a body part")
        );
        let approach = definitions.definition('0', 5, "Percutaneous Endoscopic").unwrap();
        assert!(approach.definition.as_deref().unwrap().starts_with("Entry, by puncture or minor incision"));
        assert!(definitions.includes().any(|pair| pair == ('0', 4, "Vermiform appendix", "Appendix")));
        let spacer = definitions.definition_in('0', 6, "Spacer", "Lower Joints").unwrap();
        assert_eq!(spacer.title(), "Spacer in Lower Joints");
        assert!(spacer.includes.iter().any(|included| included == "Static Spacer (Antibiotic)"));
        let fluoroscopy = definitions.definition('B', 3, "Fluoroscopy").unwrap();
        assert!(fluoroscopy.definition.as_deref().unwrap().starts_with("Single plane or bi-plane"));
        let lead = definitions.aggregate("Cardiac Lead, Pacemaker", "Insertion", "Heart and Great Vessels").unwrap();
        assert_eq!((lead.value, lead.value_title.as_str()), ('M', "Cardiac Lead"));
        assert!(definitions.definition('0', 3, "Appendectomy").is_none());
    }

    #[test]
    fn loads_the_fy2025_definitions() {
        let definitions = load(Path::new("data/icd10pcs/icd10pcs_definitions_2025.xml.gz")).unwrap();
        assert_eq!(definitions.version(), "2025");
        assert_eq!(census(&definitions), [16, 930, 1_066, 1_912, 2_416, 323, 60]);
        let counts: Vec<usize> = [3, 4, 5, 6].iter().map(|&pos| definitions.terms('0', pos).len()).collect();
        assert_eq!(counts, [31, 329, 7, 143]);
    }
}
