//! The suggesters of notes, one per catalog release, each built on first use (or ahead of it,
//! [`Suggesters::warm`]): ICD-10-CM diagnoses from the tabular, the Alphabetic Index and the
//! synonyms; ICD-10-PCS procedures from the PCS index and tables; CPT and HCPCS from their
//! descriptors. Start-up does not pay for them. Each build logs its time and the growth of
//! the resident set it caused.

use std::sync::OnceLock;
use std::time::Instant;

use crate::alpha_index::IndexReleases;
use crate::codes::{Catalog, CodeSystem, Date, Release};
use crate::index::Synonyms;
use crate::suggest::descriptors::DescriptorSuggester;
use crate::suggest::procedures::ProcedureSuggester;
use crate::suggest::Suggester;

/// The suggester of one release, by its code system.
#[derive(Debug)]
pub enum NoteSuggester {
    /// ICD-10-CM.
    Diagnoses(Box<Suggester>),
    /// ICD-10-PCS.
    Procedures(Box<ProcedureSuggester>),
    /// CPT or HCPCS Level II.
    Descriptors(Box<DescriptorSuggester>),
    /// A release notes are not coded from (an ICD-10-PCS release without its index).
    Unavailable,
}

/// One suggester per catalog release, each on first use.
#[derive(Debug, Default)]
pub struct Suggesters {
    by_release: Vec<OnceLock<NoteSuggester>>,
}

/// What is needed to build a suggester beside the release.
#[derive(Debug, Clone, Copy)]
pub struct SuggesterInputs<'a> {
    /// The Alphabetic Index releases (for ICD-10-CM).
    pub indexes: &'a IndexReleases,
    /// The search synonyms (for ICD-10-CM).
    pub synonyms: &'a Synonyms,
}

impl Suggesters {
    /// Room for every release of `catalog`; nothing is built yet.
    pub fn new(catalog: &Catalog) -> Suggesters {
        Suggesters { by_release: catalog.releases().iter().map(|_| OnceLock::new()).collect() }
    }

    /// The suggester of `release`, built now if it was not yet.
    pub fn get(&self, release: &Release, inputs: SuggesterInputs<'_>) -> Option<&NoteSuggester> {
        let slot = self.by_release.get(release.id as usize)?;
        Some(slot.get_or_init(|| build(release, inputs)))
    }

    /// The ICD-10-CM suggester of `release`, built now if it was not yet.
    pub fn diagnoses(&self, release: &Release, inputs: SuggesterInputs<'_>) -> Option<&Suggester> {
        match self.get(release, inputs)? {
            NoteSuggester::Diagnoses(suggester) => Some(suggester),
            _ => None,
        }
    }

    /// Builds the suggesters of the releases of `systems` in force on `date`, so that the
    /// first note does not wait for them. Blocking (about half a second for ICD-10-CM).
    pub fn warm(&self, catalog: &Catalog, inputs: SuggesterInputs<'_>, systems: &[CodeSystem], date: Date) {
        for &system in systems {
            if let Some(release) = catalog.release_in_force(system, date) {
                let _ = self.get(release, inputs);
            }
        }
    }
}

/// Builds the suggester of `release` and logs what it cost.
fn build(release: &Release, inputs: SuggesterInputs<'_>) -> NoteSuggester {
    let started = Instant::now();
    let resident_before = resident_kib();
    let suggester = match release.info.system {
        CodeSystem::Icd10Cm => {
            let index = inputs.indexes.in_force(CodeSystem::Icd10Cm, release.info.effective_from);
            let built = Suggester::build(release, index.map(|index| &index.index), Some(inputs.synonyms));
            NoteSuggester::Diagnoses(Box::new(built))
        }
        CodeSystem::Icd10Pcs => match ProcedureSuggester::build(release) {
            Some(built) => NoteSuggester::Procedures(Box::new(built)),
            None => NoteSuggester::Unavailable,
        },
        CodeSystem::Cpt | CodeSystem::Hcpcs => {
            NoteSuggester::Descriptors(Box::new(DescriptorSuggester::build(release)))
        }
    };
    let grown = resident_kib().zip(resident_before).map(|(after, before)| after.saturating_sub(before));
    tracing::info!(
        system = %release.info.system,
        version = %release.info.version,
        build_ms = started.elapsed().as_millis() as u64,
        resident_growth_kib = grown.unwrap_or_default(),
        "note suggester built"
    );
    suggester
}

/// The process's resident set in KiB, where /proc tells it.
pub fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
