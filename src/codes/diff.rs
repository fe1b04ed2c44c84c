//! Differences between releases of one system: codes added, terminated and re-described,
//! and the history of one code across the loaded releases.

use super::{CodeEntry, Release};

/// How a code changed from one release to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// In force in the newer release, not in the older one.
    Added,
    /// In force in the older release, not in the newer one.
    Terminated,
    /// In force in both, with a different long or short descriptor.
    Redescribed,
}

/// One change between two releases.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// What changed.
    pub kind: ChangeKind,
    /// The entry in the older release (absent for additions).
    pub before: Option<&'a CodeEntry>,
    /// The entry in the newer release (absent for codes no longer listed).
    pub after: Option<&'a CodeEntry>,
}

impl Change<'_> {
    /// The code concerned.
    pub fn code(&self) -> &str {
        self.after.or(self.before).map_or("", |entry| entry.code.as_str())
    }
}

/// Whether an entry is in force at the start of its release (listed, and not terminated
/// before the release took effect — HCPCS files keep terminated codes for years).
pub fn in_force_at_start(release: &Release, entry: &CodeEntry) -> bool {
    entry.terminated().is_none_or(|last_day| last_day >= release.info.effective_from)
}

/// Changes from `older` to `newer`, in the newer release's file order, then codes gone.
pub fn diff<'a>(older: &'a Release, newer: &'a Release) -> Vec<Change<'a>> {
    let mut changes = Vec::new();
    for entry in &newer.entries {
        let now = in_force_at_start(newer, entry);
        let before = older.entry(&entry.code);
        let then = before.is_some_and(|old| in_force_at_start(older, old));
        match (then, now) {
            (false, true) => changes.push(Change { kind: ChangeKind::Added, before, after: Some(entry) }),
            (true, false) => changes.push(Change { kind: ChangeKind::Terminated, before, after: Some(entry) }),
            (true, true) => {
                if let Some(old) = before.filter(|old| redescribed(old, entry)) {
                    changes.push(Change { kind: ChangeKind::Redescribed, before: Some(old), after: Some(entry) });
                }
            }
            (false, false) => {}
        }
    }
    for entry in &older.entries {
        if newer.entry(&entry.code).is_none() && in_force_at_start(older, entry) {
            changes.push(Change { kind: ChangeKind::Terminated, before: Some(entry), after: None });
        }
    }
    changes
}

/// Whether the descriptors differ: the long title, or the short title when both releases
/// carry one (ICD-10-CM tabular files have no short titles).
fn redescribed(old: &CodeEntry, new: &CodeEntry) -> bool {
    let short_differs = matches!((&old.short_title, &new.short_title), (Some(a), Some(b)) if a != b);
    old.title != new.title || short_differs
}

/// Counts of each kind of change.
pub fn count(changes: &[Change<'_>]) -> (usize, usize, usize) {
    changes.iter().fold((0, 0, 0), |(added, terminated, redescribed), change| match change.kind {
        ChangeKind::Added => (added + 1, terminated, redescribed),
        ChangeKind::Terminated => (added, terminated + 1, redescribed),
        ChangeKind::Redescribed => (added, terminated, redescribed + 1),
    })
}

/// One event in the history of a code.
#[derive(Debug, Clone, Copy)]
pub struct HistoryEvent<'a> {
    /// The release where the event shows.
    pub release: &'a Release,
    /// What happened.
    pub kind: ChangeKind,
    /// The entry before (re-described, terminated).
    pub before: Option<&'a CodeEntry>,
    /// The entry after (added, re-described).
    pub after: Option<&'a CodeEntry>,
}

/// The history of a code across releases (oldest first): when it appears, changes
/// description, and ends. The first loaded release that lists it counts as "added".
pub fn history<'a>(releases: &[&'a Release], code: &str) -> Vec<HistoryEvent<'a>> {
    let mut events = Vec::new();
    let mut previous: Option<(&Release, &CodeEntry, bool)> = None;
    for &release in releases {
        let current = release.entry(code).map(|entry| (entry, in_force_at_start(release, entry)));
        let was_in_force = previous.is_some_and(|(_, _, in_force)| in_force);
        match (previous.map(|(_, entry, _)| entry), current) {
            (_, Some((entry, true))) if !was_in_force => {
                events.push(HistoryEvent { release, kind: ChangeKind::Added, before: None, after: Some(entry) });
            }
            (Some(old), Some((entry, true))) if redescribed(old, entry) => {
                events.push(HistoryEvent {
                    release,
                    kind: ChangeKind::Redescribed,
                    before: Some(old),
                    after: Some(entry),
                });
            }
            (Some(old), Some((_, false)) | None) if was_in_force => {
                events.push(HistoryEvent { release, kind: ChangeKind::Terminated, before: Some(old), after: None });
            }
            _ => {}
        }
        previous = current.map(|(entry, in_force)| (release, entry, in_force));
    }
    events
}
