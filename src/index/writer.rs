//! Builds the index from a catalog: one document per code of every release (see
//! `document`), each release one segment, or in parts side by side merged later.

use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::directory::{RamDirectory, TerminatingWrite};
use tantivy::indexer::merge_filtered_segments;
use tantivy::Directory;
use tantivy::{Index, IndexBuilder, Segment, SegmentMeta, TantivyDocument};

use std::collections::HashMap;

use super::analyzer::WordSplitter;
use super::document::document;
use super::index_terms::{index_terms, CodeTerms};
use super::schema::Fields;
use super::{IndexError, ReleaseSegments};
use crate::alpha_index::IndexReleases;
use crate::codes::{Catalog, Release};

/// Memory budget of one release's segment writer: enough for the largest release.
const WRITER_MEMORY_BYTES: usize = 100_000_000;
/// tantivy's list of an index's segments (its `META_FILEPATH`, not exported).
const META_FILE: &str = "meta.json";
/// Releases indexed at once, at most (each on its own thread, one segment each).
const MAX_INDEXING_THREADS: usize = 4;

/// Packs a release id and entry index into one `entry_ref` value.
pub fn entry_ref(release: u32, entry: u32) -> u64 {
    (u64::from(release) << 32) | u64::from(entry)
}

/// Unpacks an `entry_ref` value.
pub fn split_entry_ref(value: u64) -> (u32, u32) {
    ((value >> 32) as u32, value as u32)
}

/// Segments already built elsewhere, copied instead of rebuilt: every segment of `index`,
/// which holds none of the releases wanted.
pub struct Reuse<'a> {
    /// The index holding them.
    pub index: &'a Index,
    /// Its segments, by release id.
    pub segments: &'a ReleaseSegments,
}

/// What [`write_catalog`] builds.
pub struct Plan<'a> {
    /// The releases to index, by release id.
    pub wanted: &'a [bool],
    /// Index large releases in parts of at most [`PART_ENTRIES`] entries, side by side, one
    /// segment each (for a build that must end soon; a later build with this one as `reuse`
    /// merges them). Otherwise each release is one segment.
    pub split: bool,
    /// Segments of the other releases, copied (a release's several parts merged into one).
    pub reuse: Option<Reuse<'a>>,
}

impl Plan<'_> {
    /// Whether the release at `at` is to be indexed.
    fn wants(&self, at: usize) -> bool {
        self.wanted.get(at).copied().unwrap_or(false)
    }

    /// The segments `reuse` has of the release at `at`, when it is not to be indexed.
    fn reused(&self, at: usize) -> Option<&Vec<SegmentMeta>> {
        self.reuse
            .as_ref()
            .and_then(|reuse| reuse.segments.get(at))
            .and_then(Option::as_ref)
            .filter(|_| !self.wants(at))
    }
}

/// Largest part of a release indexed on one thread when a build splits releases: small
/// enough that the last parts end together, large enough that each segment's term
/// dictionary is not mostly repeated.
pub const PART_ENTRIES: usize = 16_000;

/// One job of a build.
#[derive(Debug, Clone)]
enum Job {
    /// Index these entries of the release at this position.
    Index { at: usize, entries: Range<usize> },
    /// Merge the reused segments of the release at this position into one.
    Merge { at: usize },
}

impl Job {
    fn release(&self) -> usize {
        match self {
            Job::Index { at, .. } | Job::Merge { at } => *at,
        }
    }

    /// The release's first entry the job's segment holds.
    fn first_entry(&self) -> usize {
        match self {
            Job::Index { entries, .. } => entries.start,
            Job::Merge { .. } => 0,
        }
    }
}

/// Adds the entries of the releases the plan wants to an empty index, and the segments its
/// `reuse` has of the others. Each release becomes one segment (or, split, one per part),
/// so that a search skips the segments of releases not in force (see `collect`). Jobs run
/// in parallel, each on one thread that prepares and indexes its documents (or merges
/// segments) in a scratch in-memory index and copies the finished segment's files into
/// `index`; the segments are then listed in `index`'s `meta.json`, in catalog order.
/// Returns each release's segments.
pub fn write_catalog(
    index: &Index,
    fields: &Fields,
    catalog: &Catalog,
    alpha_indexes: &IndexReleases,
    plan: Plan<'_>,
) -> Result<ReleaseSegments, IndexError> {
    let releases = catalog.releases();
    let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, MAX_INDEXING_THREADS);
    let part_entries = if plan.split && threads > 1 { PART_ENTRIES } else { usize::MAX };
    let mut jobs: Vec<Job> = Vec::new();
    for (at, release) in releases.iter().enumerate() {
        if plan.wants(at) {
            let count = release.entries.len();
            let parts = count.div_ceil(part_entries).max(1);
            let size = count.div_ceil(parts).max(1);
            jobs.extend((0..parts).map(|part| Job::Index { at, entries: part * size..((part + 1) * size).min(count) }));
        } else if plan.reused(at).is_some_and(|segments| segments.len() > 1) {
            jobs.push(Job::Merge { at });
        }
    }
    let terms = ReleaseTerms::new(releases, alpha_indexes, &jobs);
    order_jobs(&mut jobs, releases, &terms);
    let next = AtomicUsize::new(0);
    // Each scratch index is dropped once its files are copied: the build holds at most one
    // per thread on top of the index, not every release's.
    let built: Vec<(usize, Result<Vec<SegmentMeta>, IndexError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(jobs.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let number = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(number) else { break };
                        let started = std::time::Instant::now();
                        let scratch = run_job(job, index, fields, releases, alpha_indexes, &terms, &plan);
                        done.push((number, scratch.and_then(|scratch| copy_segments(&scratch, index))));
                        let release = &releases[job.release()].info;
                        tracing::debug!(
                            system = release.system.id(),
                            version = %release.version,
                            job = ?job,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "index job done"
                        );
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().flat_map(|worker| worker.join().unwrap_or_default()).collect()
    });
    if built.len() != jobs.len() {
        return Err(IndexError::Build("an indexing thread stopped before its jobs were done".into()));
    }
    // A release's parts in entry order, so that its documents keep the catalog's order.
    let mut built = built;
    built.sort_by_key(|(number, _)| (jobs[*number].release(), jobs[*number].first_entry()));
    let mut by_release: ReleaseSegments = vec![None; releases.len()];
    for (number, segments) in built {
        by_release[jobs[number].release()].get_or_insert_with(Vec::new).extend(segments?);
    }
    if let Some(reuse) = &plan.reuse {
        let mut copied: Vec<String> = Vec::new();
        for (at, slot) in by_release.iter_mut().enumerate() {
            let Some(segments) = plan.reused(at).filter(|segments| segments.len() <= 1) else { continue };
            copied.extend(segments.iter().map(|segment| segment.id().uuid_string()));
            *slot = Some(segments.clone());
        }
        copy_segment_files(reuse.index, index, |file| copied.iter().any(|id| file.starts_with(id.as_str())))?;
    }
    // Segments in catalog order.
    let mut meta = index.load_metas()?;
    meta.segments.extend(by_release.iter().flatten().flatten().cloned());
    let json = serde_json::to_vec_pretty(&meta).map_err(|e| IndexError::Build(format!("index meta: {e}")))?;
    index.directory().sync_directory().map_err(|e| IndexError::Build(format!("sync: {e}")))?;
    index
        .directory()
        .atomic_write(Path::new(META_FILE), &json)
        .map_err(|e| IndexError::Build(format!("cannot write meta.json: {e}")))?;
    Ok(by_release)
}

/// Copies the files of a scratch index's segments into `index`, and returns the segments'
/// metadata for `index`'s list.
fn copy_segments(scratch: &Index, index: &Index) -> Result<Vec<SegmentMeta>, IndexError> {
    copy_segment_files(scratch, index, |_| true)
}

/// Copies the files of `from`'s segments whose names `keep` selects into `to`; returns all
/// of `from`'s segments.
fn copy_segment_files(from: &Index, to: &Index, keep: impl Fn(&str) -> bool) -> Result<Vec<SegmentMeta>, IndexError> {
    let meta = from.load_metas()?;
    // The list names every file a segment may have (deletes, positions): copy those it has.
    for file in meta.list_segment_files() {
        if keep(&file.to_string_lossy()) && from.directory().exists(&file).unwrap_or(false) {
            copy_file(from, to, &file)?;
        }
    }
    Ok(meta.segments)
}

/// Runs one job: a scratch in-memory index holding its one segment.
fn run_job(
    job: &Job,
    index: &Index,
    fields: &Fields,
    releases: &[Release],
    alpha_indexes: &IndexReleases,
    terms: &ReleaseTerms,
    plan: &Plan<'_>,
) -> Result<Index, IndexError> {
    match job {
        Job::Index { at, entries } => {
            let release = &releases[*at];
            let code_terms = terms.get(*at, release, alpha_indexes);
            let scratch = index_entries(index, fields, release, entries.clone(), &code_terms);
            drop(code_terms);
            terms.part_done(*at);
            scratch
        }
        Job::Merge { at } => match (&plan.reuse, plan.reused(*at)) {
            (Some(reuse), Some(segments)) => merge_segments(reuse.index, segments),
            _ => Err(IndexError::Build("a merge without its segments".into())),
        },
    }
}

/// Orders the jobs so that the threads finish together: first the first part of each
/// release that needs the Alphabetic Index's terms (its thread computes them), then the
/// jobs that need none, then the other parts of those releases (their terms ready by
/// then), each group largest first.
fn order_jobs(jobs: &mut [Job], releases: &[Release], terms: &ReleaseTerms) {
    jobs.sort_by_key(|job| {
        let (group, size) = match job {
            Job::Index { at, entries } if terms.needed(*at) && entries.start == 0 => (0, entries.len()),
            Job::Index { at, entries } if terms.needed(*at) => (2, entries.len()),
            Job::Index { entries, .. } => (1, entries.len()),
            // A merge reads and writes every document once: cheaper than indexing them.
            Job::Merge { at } => (1, releases[*at].entries.len() / 4),
        };
        (group, std::cmp::Reverse(size))
    });
}

/// The Alphabetic Index's terms of each release being indexed, computed once by the first
/// of its parts to need them and dropped when its last part is done.
struct ReleaseTerms {
    slots: Vec<TermsSlot>,
}

/// One release's terms while its parts are indexed.
struct TermsSlot {
    /// An Alphabetic Index leads into the release.
    needed: bool,
    terms: Mutex<Option<Arc<HashMap<u32, CodeTerms>>>>,
    /// Parts of the release not indexed yet.
    parts_left: AtomicUsize,
}

impl ReleaseTerms {
    fn new(releases: &[Release], alpha_indexes: &IndexReleases, jobs: &[Job]) -> ReleaseTerms {
        let slots = releases
            .iter()
            .enumerate()
            .map(|(at, release)| TermsSlot {
                needed: alpha_indexes.in_force(release.info.system, release.info.effective_from).is_some(),
                terms: Mutex::new(None),
                parts_left: AtomicUsize::new(
                    jobs.iter().filter(|job| matches!(job, Job::Index { at: of, .. } if *of == at)).count(),
                ),
            })
            .collect();
        ReleaseTerms { slots }
    }

    fn needed(&self, at: usize) -> bool {
        self.slots.get(at).is_some_and(|slot| slot.needed)
    }

    /// The terms of the release at `at`, computed on first use (other parts wait for them).
    fn get(&self, at: usize, release: &Release, alpha_indexes: &IndexReleases) -> Arc<HashMap<u32, CodeTerms>> {
        let Some(slot) = self.slots.get(at).filter(|slot| slot.needed) else { return Arc::default() };
        let mut terms = slot.terms.lock().unwrap_or_else(PoisonError::into_inner);
        terms
            .get_or_insert_with(|| {
                // The Alphabetic Index in force when the release starts leads into it.
                let began = std::time::Instant::now();
                let computed = alpha_indexes
                    .in_force(release.info.system, release.info.effective_from)
                    .map(|alpha| index_terms(release, &alpha.index, &mut WordSplitter::default()))
                    .unwrap_or_default();
                tracing::debug!(elapsed_ms = began.elapsed().as_millis() as u64, "index terms");
                Arc::new(computed)
            })
            .clone()
    }

    /// One part of the release at `at` is indexed: the last one drops the terms.
    fn part_done(&self, at: usize) {
        let Some(slot) = self.slots.get(at) else { return };
        if slot.parts_left.fetch_sub(1, Ordering::AcqRel) == 1 {
            *slot.terms.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }
}

/// Some entries of a release as the single segment of a scratch in-memory index.
fn index_entries(
    index: &Index,
    fields: &Fields,
    release: &Release,
    entries: Range<usize>,
    terms: &HashMap<u32, CodeTerms>,
) -> Result<Index, IndexError> {
    let mut writer = IndexBuilder::new()
        .schema(index.schema())
        .settings(index.settings().clone())
        .tokenizers(index.tokenizers().clone())
        .single_segment_index_writer::<TantivyDocument>(RamDirectory::create(), WRITER_MEMORY_BYTES)?;
    let mut splitter = WordSplitter::default();
    for index_in_release in entries {
        let Some(entry) = release.entries.get(index_in_release) else { break };
        let code_terms = terms.get(&(index_in_release as u32));
        writer.add_document(document(fields, release, index_in_release, entry, code_terms, &mut splitter))?;
    }
    Ok(writer.finalize()?)
}

/// A release's segments of `index` merged, in order, into the single segment of a scratch
/// in-memory index.
fn merge_segments(index: &Index, segments: &[SegmentMeta]) -> Result<Index, IndexError> {
    let segments: Vec<Segment> = segments.iter().map(|meta| index.segment(meta.clone())).collect();
    let keep_all = vec![None; segments.len()];
    Ok(merge_filtered_segments(&segments, index.settings().clone(), keep_all, RamDirectory::create())?)
}

/// Copies one segment file between indexes.
fn copy_file(from: &Index, to: &Index, path: &Path) -> Result<(), IndexError> {
    let failed = |reason: String| IndexError::Build(format!("copying {}: {reason}", path.display()));
    let bytes = from
        .directory()
        .open_read(path)
        .map_err(|e| failed(e.to_string()))?
        .read_bytes()
        .map_err(|e| failed(e.to_string()))?;
    let mut out = to.directory().open_write(path).map_err(|e| failed(e.to_string()))?;
    out.write_all(bytes.as_slice()).map_err(|e| failed(e.to_string()))?;
    out.terminate().map_err(|e| failed(e.to_string()))?;
    Ok(())
}
