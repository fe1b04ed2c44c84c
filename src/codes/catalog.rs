//! The catalog: every loaded release, and the date-aware rules for lookup and
//! claim validation.

use super::pcs::PcsInvalid;
use super::release::{Release, ReleaseId, ReleaseInfo};
use super::{strict_code, CodeEntry, CodeSystem, Date, EntryKind, ReleaseContent};
use crate::codes::system::is_well_formed;

/// All loaded releases, ordered by system then effective date.
#[derive(Debug, Default)]
pub struct Catalog {
    releases: Vec<Release>,
}

/// Status of a code on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In force on the date.
    Active,
    /// Ended: the last day it could be used.
    Terminated { last_day: Date },
    /// Not yet in force: its first day.
    NotYetEffective { first_day: Date },
}

/// A code found in some release, with its status on the date asked about.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// The release the entry comes from.
    pub release: &'a Release,
    /// The entry.
    pub entry: &'a CodeEntry,
    /// Status on the date.
    pub status: Status,
}

/// Why a code is or is not valid on a date of service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Valid for a claim.
    Valid,
    /// Not a well-formed code of the system.
    Malformed,
    /// No loaded release knows it.
    Unknown,
    /// A header or otherwise non-reportable code; children to use instead.
    NotBillable { children: Vec<String> },
    /// Ended on `last_day`, with replacement codes when known.
    Terminated { last_day: Date, replacements: Vec<String> },
    /// Starts on `first_day`.
    NotYetEffective { first_day: Date },
    /// No loaded release covers the date.
    NoRelease,
}

/// The answer of [`Catalog::validate`].
#[derive(Debug, Clone)]
pub struct Validation<'a> {
    /// The verdict.
    pub verdict: Verdict,
    /// Normalised code, when well formed.
    pub normalized: Option<String>,
    /// The entry, when some release knows the code.
    pub entry: Option<&'a CodeEntry>,
    /// Release in force on the date, when there is one.
    pub release_in_force: Option<&'a Release>,
    /// For an ICD-10-PCS code that is not valid: the first position the tables of the release
    /// in force do not allow, and why.
    pub pcs_invalid: Option<PcsInvalid>,
}

impl Catalog {
    /// Builds a catalog. Releases are sorted by system and effective date; a release
    /// without an explicit end is closed the day before the next one of its system starts.
    pub fn new(mut loaded: Vec<(ReleaseInfo, ReleaseContent)>) -> Catalog {
        loaded.sort_by_key(|(info, _)| (info.system, info.effective_from));
        let starts: Vec<(CodeSystem, Date)> =
            loaded.iter().map(|(info, _)| (info.system, info.effective_from)).collect();
        let releases = loaded
            .into_iter()
            .enumerate()
            .map(|(index, (mut info, content))| {
                if info.effective_to.is_none() {
                    if let Some(&(system, next_start)) = starts.get(index + 1) {
                        if system == info.system {
                            info.effective_to = Some(next_start.pred());
                        }
                    }
                }
                Release::new(index as ReleaseId, info, content)
            })
            .collect();
        Catalog { releases }
    }

    /// Every release.
    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    /// The release with this id.
    pub fn release(&self, id: ReleaseId) -> Option<&Release> {
        self.releases.get(id as usize)
    }

    /// Releases of one system, oldest first.
    pub fn releases_of(&self, system: CodeSystem) -> impl DoubleEndedIterator<Item = &Release> {
        self.releases.iter().filter(move |release| release.info.system == system)
    }

    /// The release of `system` in force on `date`.
    pub fn release_in_force(&self, system: CodeSystem, date: Date) -> Option<&Release> {
        self.releases_of(system).rev().find(|release| release.in_force_on(date))
    }

    /// Looks a normalised code up as of `date`: from the release in force when it has the
    /// code, else from the nearest release that has it (terminated or not yet effective).
    ///
    /// Where a later release dates each code (HCPCS add and termination dates), its dates
    /// decide the status: a newer file knows about terminations and additions that the file
    /// in force on the date did not yet carry.
    pub fn lookup(&self, system: CodeSystem, code: &str, date: Date) -> Option<Found<'_>> {
        let in_force = self.release_in_force(system, date);
        let later_dated = self
            .releases_of(system)
            .rev()
            .filter(|release| release.info.effective_from > date)
            .find_map(|release| release.entry(code).map(|entry| (release, entry)))
            .filter(|(_, entry)| entry.added().is_some() || entry.terminated().is_some());
        if let Some(release) = in_force {
            if let Some(entry) = release.entry(code) {
                let dated_by = later_dated.map_or(entry, |(_, later)| later);
                return Some(Found { release, entry, status: entry_status(dated_by, date) });
            }
            if let Some((later_release, later_entry)) = later_dated {
                if entry_status(later_entry, date) == Status::Active {
                    return Some(Found { release: later_release, entry: later_entry, status: Status::Active });
                }
            }
        }
        let earlier = self
            .releases_of(system)
            .rev()
            .filter(|release| release.info.effective_from <= date)
            .find_map(|release| release.entry(code).map(|entry| (release, entry)));
        if let Some((release, entry)) = earlier {
            let release_end = release.info.effective_to.unwrap_or(date);
            let last_day = entry.terminated().map_or(release_end, |term| term.min(release_end));
            return Some(Found { release, entry, status: Status::Terminated { last_day } });
        }
        let later = self
            .releases_of(system)
            .filter(|release| release.info.effective_from > date)
            .find_map(|release| release.entry(code).map(|entry| (release, entry)));
        later.map(|(release, entry)| {
            let first_day =
                entry.added().map_or(release.info.effective_from, |added| added.max(release.info.effective_from));
            Found { release, entry, status: Status::NotYetEffective { first_day } }
        })
    }

    /// Looks a code up in every system where it exists as of `date`.
    pub fn lookup_any(&self, code: &str, date: Date) -> Vec<Found<'_>> {
        CodeSystem::ALL.iter().filter_map(|&system| self.lookup(system, code, date)).collect()
    }

    /// Whether a code may be reported on a claim for a date of service.
    pub fn validate(&self, system: CodeSystem, raw_code: &str, date_of_service: Date) -> Validation<'_> {
        let release_in_force = self.release_in_force(system, date_of_service);
        let Some(normalized) = strict_code(Some(system), raw_code).ok().filter(|code| is_well_formed(system, code))
        else {
            let pcs_invalid = pcs_check(release_in_force, &raw_code.trim().to_ascii_uppercase());
            return Validation {
                verdict: Verdict::Malformed,
                normalized: None,
                entry: None,
                release_in_force,
                pcs_invalid,
            };
        };
        let found = self.lookup(system, &normalized, date_of_service);
        let verdict = match (&found, release_in_force) {
            (_, None) => Verdict::NoRelease,
            (None, Some(_)) => Verdict::Unknown,
            (Some(found), Some(_)) => match found.status {
                Status::Active if found.entry.billable && found.entry.kind != EntryKind::Header => Verdict::Valid,
                Status::Active => {
                    Verdict::NotBillable { children: self.billable_children(found.release, &found.entry.code) }
                }
                Status::Terminated { last_day } => Verdict::Terminated {
                    last_day,
                    replacements: self.replacements(system, found.entry, date_of_service),
                },
                Status::NotYetEffective { first_day } => Verdict::NotYetEffective { first_day },
            },
        };
        let pcs_invalid = match verdict {
            Verdict::Unknown | Verdict::Terminated { .. } => pcs_check(release_in_force, &normalized),
            _ => None,
        };
        Validation {
            verdict,
            normalized: Some(normalized),
            entry: found.map(|found| found.entry),
            release_in_force,
            pcs_invalid,
        }
    }

    /// Direct children of a code that are billable.
    fn billable_children(&self, release: &Release, code: &str) -> Vec<String> {
        release
            .children(Some(code))
            .unwrap_or(&[])
            .iter()
            .filter_map(|child| match child {
                super::release::Child::Entry(index) => release.entries.get(*index as usize),
                super::release::Child::Node(_) => None,
            })
            .filter(|entry| entry.billable)
            .map(|entry| entry.code.clone())
            .collect()
    }

    /// Replacement codes for a terminated entry: the file's cross-references, else (when the
    /// release in force on the date turned the code into a header) its billable children.
    ///
    /// Cross-references come from the newest release that lists the code. Without them, a code
    /// that became a header gives its billable children, and an ICD-10-CM code that was split
    /// gives the billable codes of the release in force that refine it: same stem (placeholder
    /// `X`s dropped) and, for 7-character codes, the same 7th character.
    fn replacements(&self, system: CodeSystem, entry: &CodeEntry, date: Date) -> Vec<String> {
        let newest_listing = self.releases_of(system).rev().find_map(|release| release.entry(&entry.code));
        if let Some(listed) = newest_listing.filter(|listed| !listed.replacements().is_empty()) {
            return listed.replacements().to_vec();
        }
        if !entry.replacements().is_empty() {
            return entry.replacements().to_vec();
        }
        let Some(release) = self.release_in_force(system, date) else {
            return Vec::new();
        };
        if release.entry(&entry.code).is_some() {
            return self.billable_children(release, &entry.code);
        }
        if system != CodeSystem::Icd10Cm {
            return Vec::new();
        }
        refinements(release, &entry.code)
    }
}

/// Why `code` is not a code of the ICD-10-PCS tables of `release`, position by position.
fn pcs_check(release: Option<&Release>, code: &str) -> Option<PcsInvalid> {
    release?.pcs()?.tables.check(code).err()
}

/// Billable codes of `release` that refine an ICD-10-CM code no longer listed: `S301XXA`
/// → `S3011XA`, `S3012XA`, ...; `E1165` → `E11650`, `E11651`. At most 20.
fn refinements(release: &Release, code: &str) -> Vec<String> {
    let (stem, seventh) = match code.find('X').filter(|_| code.len() == 7) {
        Some(at) if at >= 3 => (&code[..at], code.chars().last()),
        _ => (code, None),
    };
    release
        .entries
        .iter()
        .filter(|candidate| candidate.billable && candidate.code != code && candidate.code.starts_with(stem))
        .filter(|candidate| seventh.is_none_or(|c| candidate.code.len() == 7 && candidate.code.ends_with(c)))
        .map(|candidate| candidate.code.clone())
        .take(20)
        .collect()
}

/// Status of an entry of the release in force, from the entry's own dates.
fn entry_status(entry: &CodeEntry, date: Date) -> Status {
    match (entry.added(), entry.terminated()) {
        (Some(added), _) if date < added => Status::NotYetEffective { first_day: added },
        (_, Some(last_day)) if date > last_day => Status::Terminated { last_day },
        _ => Status::Active,
    }
}
