//! The ICD-10-PCS Definitions: for each section and axis position, the meaning of the axis
//! values (root operations with their definition, explanation and examples; body parts, devices
//! and substances with the anatomical or brand names they include), and the device aggregation
//! table (which device value a specific device is coded to, per operation and body system).
//!
//! The includes lists are the synonyms search needs ("Vermiform appendix" → body part
//! "Appendix"). It knows nothing of XML, gRPC or the search index.

/// The definition of one axis value (or of several values sharing it, as "1st Toe, Left" and
/// "1st Toe, Right" do).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AxisTerm {
    /// The value labels this term defines, in file order (at least one).
    pub titles: Vec<String>,
    /// The official definition (root operations, approaches, types).
    pub definition: Option<String>,
    /// The explanation that follows the definition, if any.
    pub explanation: Option<String>,
    /// What the value includes: anatomical terms and brand names for body parts and devices;
    /// for root operations, one comma-separated list of example procedures.
    pub includes: Vec<String>,
}

impl AxisTerm {
    /// The first title.
    pub fn title(&self) -> &str {
        self.titles.first().map_or("", String::as_str)
    }

    /// Whether one of the titles is `label`, ignoring case.
    pub fn has_title(&self, label: &str) -> bool {
        self.titles.iter().any(|title| same_text(title, label))
    }
}

/// The values of one axis of a section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DefinitionAxis {
    /// The character position, 1 to 7.
    pub position: u8,
    /// The axis name, e.g. "Operation", "Body Part", "Device".
    pub title: String,
    /// The defined values, in file order.
    pub terms: Vec<AxisTerm>,
}

/// The defined axes of one section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DefinitionSection {
    /// The section character, e.g. '0' for Medical and Surgical.
    pub code: char,
    /// The section name.
    pub title: String,
    /// The axes that have definitions, in file order.
    pub axes: Vec<DefinitionAxis>,
}

/// One row of the device aggregation table: a specific device (as the definitions name it) is
/// coded to a more general device value in the given operations and body systems.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceAggregate {
    /// The specific device, e.g. "Cardiac Lead, Pacemaker".
    pub device: String,
    /// The operations it applies to; "All applicable" means every one.
    pub operations: Vec<String>,
    /// The body systems it applies to, e.g. "Heart and Great Vessels".
    pub body_systems: Vec<String>,
    /// The device value character it is coded to, e.g. 'M'.
    pub value: char,
    /// That value's label, e.g. "Cardiac Lead".
    pub value_title: String,
}

impl DeviceAggregate {
    /// Whether the row applies to this operation and body system (names compared ignoring case).
    pub fn applies_to(&self, operation: &str, body_system: &str) -> bool {
        let operation_ok = self.operations.iter().any(|op| same_text(op, operation) || same_text(op, "All applicable"));
        operation_ok && self.body_systems.iter().any(|system| same_text(system, body_system))
    }
}

/// The PCS Definitions of one release.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PcsDefinitions {
    version: String,
    sections: Vec<DefinitionSection>,
    aggregates: Vec<DeviceAggregate>,
}

impl PcsDefinitions {
    /// Definitions from their parts (the loader checks sections and positions are unique).
    pub fn new(version: String, sections: Vec<DefinitionSection>, aggregates: Vec<DeviceAggregate>) -> PcsDefinitions {
        PcsDefinitions { version, sections, aggregates }
    }

    /// The file's `<version>` (the fiscal year, e.g. "2026").
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The sections, in file order.
    pub fn sections(&self) -> &[DefinitionSection] {
        &self.sections
    }

    /// The section with this character.
    pub fn section(&self, section: char) -> Option<&DefinitionSection> {
        self.sections.iter().find(|candidate| candidate.code == section)
    }

    /// The axis at `position` (1 to 7) of a section, when it has definitions.
    pub fn axis(&self, section: char, position: u8) -> Option<&DefinitionAxis> {
        self.section(section)?.axes.iter().find(|axis| axis.position == position)
    }

    /// The defined values of an axis; empty when it has none.
    pub fn terms(&self, section: char, position: u8) -> &[AxisTerm] {
        self.axis(section, position).map_or(&[], |axis| axis.terms.as_slice())
    }

    /// The term one of whose titles is `label_title` (ignoring case), e.g. ('0', 3, "Resection").
    pub fn definition(&self, section: char, position: u8, label_title: &str) -> Option<&AxisTerm> {
        self.terms(section, position).iter().find(|term| term.has_title(label_title))
    }

    /// Like [`PcsDefinitions::definition`] for a value label of a table in `body_system`: device
    /// terms are titled per body system ("Spacer in Lower Joints") or, in section X, per section
    /// ("... in New Technology"); those are tried before the bare label.
    pub fn definition_in(&self, section: char, position: u8, label: &str, body_system: &str) -> Option<&AxisTerm> {
        let by_system = self.definition(section, position, &format!("{label} in {body_system}"));
        by_system
            .or_else(|| {
                let section_title = &self.section(section)?.title;
                self.definition(section, position, &format!("{label} in {section_title}"))
            })
            .or_else(|| self.definition(section, position, label))
    }

    /// Every (section, position, included text, title) pair, one per title of a term: the
    /// synonyms to search by, e.g. ('0', 4, "Vermiform appendix", "Appendix").
    pub fn includes(&self) -> impl Iterator<Item = (char, u8, &str, &str)> + '_ {
        self.sections.iter().flat_map(|section| {
            section.axes.iter().flat_map(move |axis| {
                axis.terms.iter().flat_map(move |term| {
                    term.includes.iter().flat_map(move |included| {
                        term.titles
                            .iter()
                            .map(move |title| (section.code, axis.position, included.as_str(), title.as_str()))
                    })
                })
            })
        })
    }

    /// The device aggregation table, in file order.
    pub fn device_aggregates(&self) -> &[DeviceAggregate] {
        &self.aggregates
    }

    /// The aggregation row for a specific device in an operation and body system.
    pub fn aggregate(&self, device: &str, operation: &str, body_system: &str) -> Option<&DeviceAggregate> {
        self.aggregates.iter().find(|row| same_text(&row.device, device) && row.applies_to(operation, body_system))
    }
}

/// Whether two texts are equal ignoring case.
fn same_text(left: &str, right: &str) -> bool {
    left.chars().flat_map(char::to_lowercase).eq(right.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(titles: &[&str], definition: Option<&str>, includes: &[&str]) -> AxisTerm {
        AxisTerm {
            titles: titles.iter().map(|t| t.to_string()).collect(),
            definition: definition.map(str::to_string),
            explanation: None,
            includes: includes.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn sample() -> PcsDefinitions {
        let operations = DefinitionAxis {
            position: 3,
            title: "Operation".into(),
            terms: vec![term(&["Resection"], Some("Cutting out or off, without replacement, all of a body part"), &[])],
        };
        let body_parts = DefinitionAxis {
            position: 4,
            title: "Body Part".into(),
            terms: vec![
                term(&["1st Toe, Left", "1st Toe, Right"], None, &["Hallux"]),
                term(&["Appendix"], None, &["Appendiceal orifice", "Vermiform appendix"]),
            ],
        };
        let devices = DefinitionAxis {
            position: 6,
            title: "Device".into(),
            terms: vec![term(&["Spacer in Lower Joints"], None, &["Static Spacer (Antibiotic)"])],
        };
        let section = DefinitionSection {
            code: '0',
            title: "Medical and Surgical".into(),
            axes: vec![operations, body_parts, devices],
        };
        let aggregate = DeviceAggregate {
            device: "Cardiac Lead, Pacemaker".into(),
            operations: vec!["Insertion".into()],
            body_systems: vec!["Heart and Great Vessels".into()],
            value: 'M',
            value_title: "Cardiac Lead".into(),
        };
        PcsDefinitions::new("2026".into(), vec![section], vec![aggregate])
    }

    #[test]
    fn finds_definitions_by_title_ignoring_case() {
        let definitions = sample();
        let resection = definitions.definition('0', 3, "resection").unwrap();
        assert_eq!(
            resection.definition.as_deref(),
            Some("Cutting out or off, without replacement, all of a body part")
        );
        assert_eq!(definitions.definition('0', 4, "1st toe, right").map(AxisTerm::title), Some("1st Toe, Left"));
        assert_eq!(definitions.definition('0', 3, "Resect"), None);
        assert_eq!(definitions.definition('1', 3, "Resection"), None);
        assert!(definitions.terms('0', 5).is_empty());
        let spacer = definitions.definition_in('0', 6, "Spacer", "Lower Joints");
        assert_eq!(spacer.map(AxisTerm::title), Some("Spacer in Lower Joints"));
        assert_eq!(
            definitions.definition_in('0', 3, "Resection", "Lower Joints").map(AxisTerm::title),
            Some("Resection")
        );
    }

    #[test]
    fn lists_includes_per_title() {
        let definitions = sample();
        let pairs: Vec<(char, u8, &str, &str)> = definitions.includes().collect();
        assert_eq!(pairs.len(), 5);
        assert_eq!(pairs[0], ('0', 4, "Hallux", "1st Toe, Left"));
        assert_eq!(pairs[1], ('0', 4, "Hallux", "1st Toe, Right"));
        assert_eq!(pairs[3], ('0', 4, "Vermiform appendix", "Appendix"));
    }

    #[test]
    fn finds_device_aggregates() {
        let definitions = sample();
        let row = definitions.aggregate("cardiac lead, pacemaker", "Insertion", "Heart and Great Vessels").unwrap();
        assert_eq!((row.value, row.value_title.as_str()), ('M', "Cardiac Lead"));
        assert!(definitions.aggregate("Cardiac Lead, Pacemaker", "Removal", "Heart and Great Vessels").is_none());
        let all = DeviceAggregate { operations: vec!["All applicable".into()], ..row.clone() };
        assert!(all.applies_to("Removal", "heart and great vessels"));
    }
}
