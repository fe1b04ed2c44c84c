//! Alphabetic Index releases over time: each loaded index (the parts of one fiscal year's
//! Index combined) with the dates it is in force, like the code-set releases it points into.

use crate::codes::{CodeSystem, Date};

use super::AlphaIndex;

/// What the manifest says of one index release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    /// The code system the index leads into (ICD-10-CM).
    pub system: CodeSystem,
    /// Version label ("FY2025").
    pub version: String,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force; `None` while it is the latest index of its system.
    pub effective_to: Option<Date>,
    /// Files it was loaded from (as configured).
    pub sources: Vec<String>,
}

/// One loaded index release.
#[derive(Debug, Clone)]
pub struct IndexRelease {
    /// Its dates and files.
    pub info: IndexInfo,
    /// The combined index (main, external cause, tables).
    pub index: AlphaIndex,
}

/// Every loaded index release, ordered by system, then effective date.
#[derive(Debug, Clone, Default)]
pub struct IndexReleases {
    releases: Vec<IndexRelease>,
}

impl IndexReleases {
    /// The releases given, ordered, each ending the day before the next of its system starts
    /// (unless the manifest ended it earlier).
    pub fn new(mut releases: Vec<IndexRelease>) -> IndexReleases {
        releases.sort_by_key(|release| (release.info.system, release.info.effective_from));
        for at in 1..releases.len() {
            let (earlier, later) = releases.split_at_mut(at);
            let (previous, next) = (&mut earlier[at - 1], &later[0]);
            if previous.info.system == next.info.system {
                let day_before = next.info.effective_from.pred();
                previous.info.effective_to =
                    Some(previous.info.effective_to.map_or(day_before, |to| to.min(day_before)));
            }
        }
        IndexReleases { releases }
    }

    /// Every release.
    pub fn releases(&self) -> &[IndexRelease] {
        &self.releases
    }

    /// The index of `system` in force on `date`: the latest that started on or before it and
    /// has not ended. When a newer code-set release has no index of its own, the latest index
    /// stays in force (its codes are checked against the code release in force).
    pub fn in_force(&self, system: CodeSystem, date: Date) -> Option<&IndexRelease> {
        self.releases
            .iter()
            .rev()
            .filter(|release| release.info.system == system && release.info.effective_from <= date)
            .find(|release| release.info.effective_to.is_none_or(|to| date <= to))
    }

    /// The release of `system` with `version`.
    pub fn by_version(&self, system: CodeSystem, version: &str) -> Option<&IndexRelease> {
        self.releases.iter().find(|release| release.info.system == system && release.info.version == version)
    }
}
