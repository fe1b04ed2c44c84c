//! The full-text index of code descriptions (tantivy): schema, analysis, query
//! building and ranking. Knows the catalog, nothing of gRPC.

pub mod analyzer;
pub mod any_of;
pub mod at_least;
pub mod cache;
pub mod collect;
mod document;
pub mod highlight;
pub mod index_terms;
pub mod query;
mod remembered;
pub mod schema;
pub mod search;
pub mod spelling;
pub mod synonyms;
pub mod term_docs;
#[cfg(test)]
mod test_scorers;
pub mod word_docs;
pub mod writer;

use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy, SegmentMeta};

pub use cache::SearchCache;
pub use search::{MatchType, SearchHit, SearchPage, SearchRequest};
pub use synonyms::Synonyms;

use crate::alpha_index::IndexReleases;
use crate::codes::{Catalog, Date, Release, ReleaseId};
use schema::{build_schema, Fields};

/// File in an index directory recording which catalog the index was built from.
const FINGERPRINT_FILE: &str = "codify-catalog-fingerprint";

/// Errors of the index layer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// tantivy refused an operation.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Building the index failed.
    #[error("index build: {0}")]
    Build(String),
    /// A release the search needs is not indexed yet (its segment is built after start-up).
    #[error("the index of a release in force on that date is still being built")]
    NotYetIndexed,
    /// The index directory could not be used.
    #[error("index directory {path}: {reason}")]
    Directory {
        /// The directory.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

/// The searchable index over a catalog.
pub struct CodeIndex {
    /// The segments built so far; replaced whole when the deferred releases are indexed.
    segments: RwLock<Arc<Segments>>,
    /// Becomes `true` once every release is indexed.
    complete: tokio::sync::watch::Sender<bool>,
    fields: Fields,
    synonyms: Synonyms,
    fingerprint: u64,
}

/// Each release's segments, by release id; `None` for a release not indexed.
pub type ReleaseSegments = Vec<Option<Vec<SegmentMeta>>>;

/// One build of the index: the segments of the releases indexed so far, opened for search.
struct Segments {
    index: Index,
    reader: IndexReader,
    /// Ranking columns of each segment, opened once (the reader never reloads).
    columns: Vec<collect::SegmentColumns>,
    /// Indexed words for spelling correction, read once.
    vocabulary: spelling::Vocabulary,
    /// Each release's segments (one, none when it has no codes, or its parts when a build
    /// split it), by release id (`None`: not indexed here).
    by_release: ReleaseSegments,
}

impl Segments {
    fn open(index: Index, fields: &Fields, by_release: ReleaseSegments) -> Result<Segments, IndexError> {
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let searcher = reader.searcher();
        let columns = collect::SegmentColumns::open_all(&searcher)?;
        let vocabulary = spelling::Vocabulary::read(&searcher, fields)?;
        Ok(Segments { index, reader, columns, vocabulary, by_release })
    }

    fn has(&self, release: ReleaseId) -> bool {
        self.by_release.get(release as usize).is_some_and(Option::is_some)
    }

    /// Whether a release is indexed in more than one segment (parts not merged yet).
    fn has_parts(&self) -> bool {
        self.by_release.iter().flatten().any(|segments| segments.len() > 1)
    }
}

impl std::fmt::Debug for CodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeIndex").field("fingerprint", &self.fingerprint).finish()
    }
}

/// Whether a release's segment is built before the service says SERVING: not when the
/// release ended before `today` (searches dated then wait for the rest of the index).
pub fn indexed_first(release: &Release, today: Date) -> bool {
    release.info.effective_to.is_none_or(|last_day| last_day >= today)
}

impl CodeIndex {
    /// The synonym layer the index was built with.
    pub fn synonyms(&self) -> &Synonyms {
        &self.synonyms
    }

    /// Builds the index in memory, or opens / rebuilds it in `directory` when one is given.
    /// In memory only the releases `first` selects are indexed, and with `split` the large
    /// ones in parts side by side (sooner, one segment per part); [`CodeIndex::complete`]
    /// indexes the others later and merges the parts. With a directory, every release, one
    /// segment each.
    pub fn build_part(
        catalog: &Catalog,
        alpha_indexes: &IndexReleases,
        synonyms: Synonyms,
        directory: Option<&Path>,
        first: impl Fn(&Release) -> bool + Sync,
        split: bool,
    ) -> Result<CodeIndex, IndexError> {
        let (schema, fields) = build_schema();
        let fingerprint = catalog_fingerprint(catalog, alpha_indexes);
        let (index, by_release) = match directory {
            None => {
                let index = Index::create_in_ram(schema);
                register_analyzers(&index);
                let wanted: Vec<bool> = catalog.releases().iter().map(&first).collect();
                let plan = writer::Plan { wanted: &wanted, split, reuse: None };
                let by_release = writer::write_catalog(&index, &fields, catalog, alpha_indexes, plan)?;
                (index, by_release)
            }
            Some(path) => open_or_build_in_dir(path, schema, &fields, catalog, alpha_indexes, fingerprint)?,
        };
        let segments = Segments::open(index, &fields, by_release)?;
        let complete = catalog.releases().iter().all(|release| segments.has(release.id));
        Ok(CodeIndex {
            segments: RwLock::new(Arc::new(segments)),
            complete: tokio::sync::watch::Sender::new(complete),
            fields,
            synonyms,
            fingerprint,
        })
    }

    /// Indexes the releases left out by [`CodeIndex::build_part`], merges the parts of those
    /// it split, and serves the whole index from then on (the other segments already built
    /// are copied, not rebuilt). Blocking.
    pub fn complete(&self, catalog: &Catalog, alpha_indexes: &IndexReleases) -> Result<(), IndexError> {
        let current = self.segments();
        let wanted: Vec<bool> = catalog.releases().iter().map(|release| !current.has(release.id)).collect();
        if wanted.iter().any(|&wanted| wanted) || current.has_parts() {
            let index = Index::create_in_ram(current.index.schema());
            register_analyzers(&index);
            let reuse = writer::Reuse { index: &current.index, segments: &current.by_release };
            let plan = writer::Plan { wanted: &wanted, split: false, reuse: Some(reuse) };
            let by_release = writer::write_catalog(&index, &self.fields, catalog, alpha_indexes, plan)?;
            let segments = Arc::new(Segments::open(index, &self.fields, by_release)?);
            drop(current);
            *self.segments.write().unwrap_or_else(PoisonError::into_inner) = segments;
        }
        self.complete.send_replace(true);
        Ok(())
    }

    /// Whether every release is indexed.
    pub fn is_complete(&self) -> bool {
        *self.complete.borrow()
    }

    /// Whether the index is built to last: every release indexed, each in one segment
    /// ([`CodeIndex::complete`] has nothing left to do).
    pub fn is_final(&self) -> bool {
        self.is_complete() && !self.segments().has_parts()
    }

    /// Waits until every release is indexed (at once when it is).
    pub async fn wait_complete(&self) {
        let mut complete = self.complete.subscribe();
        // The sender lives as long as `self`: an error cannot happen while it is borrowed.
        let _ = complete.wait_for(|complete| *complete).await;
    }

    /// Whether the releases of `ids` are indexed.
    pub fn has_releases(&self, ids: &[ReleaseId]) -> bool {
        let segments = self.segments();
        ids.iter().all(|&id| segments.has(id))
    }

    fn segments(&self) -> Arc<Segments> {
        self.segments.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Number of indexed documents.
    pub fn doc_count(&self) -> u64 {
        self.segments().reader.searcher().num_docs()
    }

    /// Number of segments searched (one per release once built to last).
    pub fn segment_count(&self) -> usize {
        self.segments().reader.searcher().segment_readers().len()
    }

    /// Identifies the catalog the index was built from (used to scope page tokens).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Bytes the index takes (segment files), when the directory can tell.
    pub fn size_bytes(&self) -> u64 {
        let searcher = self.segments().reader.searcher();
        searcher
            .segment_readers()
            .iter()
            .filter_map(|segment| segment.space_usage().ok())
            .map(|usage| usage.total().get_bytes())
            .sum()
    }

    fn fields(&self) -> &Fields {
        &self.fields
    }
}

fn register_analyzers(index: &Index) {
    index.tokenizers().register(analyzer::ANALYZER_NAME, analyzer::stemming_analyzer());
    index.tokenizers().register(analyzer::FOLDING_ANALYZER_NAME, analyzer::folding_analyzer());
    index.tokenizers().register(analyzer::PREFIX_LIST_ANALYZER_NAME, analyzer::prefix_list_analyzer());
}

fn open_or_build_in_dir(
    path: &Path,
    schema: tantivy::schema::Schema,
    fields: &Fields,
    catalog: &Catalog,
    alpha_indexes: &IndexReleases,
    fingerprint: u64,
) -> Result<(Index, ReleaseSegments), IndexError> {
    let dir_error = |reason: String| IndexError::Directory { path: path.display().to_string(), reason };
    let fingerprint_path = path.join(FINGERPRINT_FILE);
    let recorded = std::fs::read_to_string(&fingerprint_path).ok();
    if recorded.as_deref().map(str::trim) == Some(format!("{fingerprint:016x}").as_str()) {
        let index = Index::open_in_dir(path)?;
        register_analyzers(&index);
        tracing::info!(path = %path.display(), "index opened from directory");
        // Built whole: every release is indexed (whose segment is which does not matter to a
        // complete index, which is never completed again).
        let every = catalog.releases().iter().map(|_| Some(Vec::new())).collect();
        return Ok((index, every));
    }
    if path.exists() {
        std::fs::remove_dir_all(path).map_err(|e| dir_error(format!("cannot clear stale index: {e}")))?;
    }
    std::fs::create_dir_all(path).map_err(|e| dir_error(format!("cannot create: {e}")))?;
    let directory = MmapDirectory::open(path).map_err(|e| dir_error(e.to_string()))?;
    let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
    register_analyzers(&index);
    let every = vec![true; catalog.releases().len()];
    let plan = writer::Plan { wanted: &every, split: false, reuse: None };
    let by_release = writer::write_catalog(&index, fields, catalog, alpha_indexes, plan)?;
    std::fs::write(&fingerprint_path, format!("{fingerprint:016x}\n"))
        .map_err(|e| dir_error(format!("cannot write fingerprint: {e}")))?;
    tracing::info!(path = %path.display(), "index built in directory");
    Ok((index, by_release))
}

/// A hash of everything the index is built from: releases, codes, titles and descriptors,
/// and the Alphabetic Index releases.
pub fn catalog_fingerprint(catalog: &Catalog, alpha_indexes: &IndexReleases) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    "codify-index-v9".hash(&mut hasher);
    for release in alpha_indexes.releases() {
        release.info.version.hash(&mut hasher);
        release.info.effective_from.hash(&mut hasher);
        release.info.effective_to.hash(&mut hasher);
        for entry in release.index.entries() {
            entry.term.hash(&mut hasher);
            entry.level.hash(&mut hasher);
            entry.code.as_ref().map(|code| code.display()).hash(&mut hasher);
            entry.see.hash(&mut hasher);
            entry.nonessential.hash(&mut hasher);
            for (column, code) in &entry.cells {
                column.hash(&mut hasher);
                code.display().hash(&mut hasher);
            }
        }
    }
    for release in catalog.releases() {
        release.info.system.id().hash(&mut hasher);
        release.info.version.hash(&mut hasher);
        release.info.effective_from.hash(&mut hasher);
        release.info.effective_to.hash(&mut hasher);
        for entry in &release.entries {
            entry.code.hash(&mut hasher);
            entry.title.hash(&mut hasher);
            entry.short_title.hash(&mut hasher);
            entry.billable.hash(&mut hasher);
            entry.node.hash(&mut hasher);
            entry.parent_code.hash(&mut hasher);
            entry.added().hash(&mut hasher);
            entry.terminated().hash(&mut hasher);
            for descriptor in &entry.descriptors {
                descriptor.text.hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}
