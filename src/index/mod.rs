//! The full-text index of code descriptions (tantivy): schema, analysis, query
//! building and ranking. Knows the catalog, nothing of gRPC.

pub mod analyzer;
pub mod any_of;
pub mod at_least;
pub mod cache;
pub mod collect;
pub mod highlight;
pub mod index_terms;
pub mod query;
pub mod schema;
pub mod search;
pub mod spelling;
pub mod synonyms;
pub mod term_docs;
#[cfg(test)]
mod test_scorers;
pub mod writer;

use std::path::Path;

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

pub use cache::SearchCache;
pub use search::{MatchType, SearchHit, SearchPage, SearchRequest};
pub use synonyms::Synonyms;

use crate::alpha_index::IndexReleases;
use crate::codes::Catalog;
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
    reader: IndexReader,
    fields: Fields,
    synonyms: Synonyms,
    fingerprint: u64,
    /// Ranking columns of each segment, opened once (the reader never reloads).
    columns: Vec<collect::SegmentColumns>,
    /// Indexed words for spelling correction, read once.
    vocabulary: spelling::Vocabulary,
}

impl std::fmt::Debug for CodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeIndex").field("fingerprint", &self.fingerprint).finish()
    }
}

impl CodeIndex {
    /// The synonym layer the index was built with.
    pub fn synonyms(&self) -> &Synonyms {
        &self.synonyms
    }

    /// Builds the index in memory, or opens / rebuilds it in `directory` when one is given.
    pub fn open_or_build(
        catalog: &Catalog,
        alpha_indexes: &IndexReleases,
        synonyms: Synonyms,
        directory: Option<&Path>,
    ) -> Result<CodeIndex, IndexError> {
        let (schema, fields) = build_schema();
        let fingerprint = catalog_fingerprint(catalog, alpha_indexes);
        let index = match directory {
            None => {
                let index = Index::create_in_ram(schema);
                register_analyzers(&index);
                writer::write_catalog(&index, &fields, catalog, alpha_indexes)?;
                index
            }
            Some(path) => open_or_build_in_dir(path, schema, &fields, catalog, alpha_indexes, fingerprint)?,
        };
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let searcher = reader.searcher();
        let columns = collect::SegmentColumns::open_all(&searcher)?;
        let vocabulary = spelling::Vocabulary::read(&searcher, &fields)?;
        Ok(CodeIndex { reader, fields, synonyms, fingerprint, columns, vocabulary })
    }

    /// Number of indexed documents.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Identifies the catalog the index was built from (used to scope page tokens).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Bytes the index takes (segment files), when the directory can tell.
    pub fn size_bytes(&self) -> u64 {
        let searcher = self.reader.searcher();
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
) -> Result<Index, IndexError> {
    let dir_error = |reason: String| IndexError::Directory { path: path.display().to_string(), reason };
    let fingerprint_path = path.join(FINGERPRINT_FILE);
    let recorded = std::fs::read_to_string(&fingerprint_path).ok();
    if recorded.as_deref().map(str::trim) == Some(format!("{fingerprint:016x}").as_str()) {
        let index = Index::open_in_dir(path)?;
        register_analyzers(&index);
        tracing::info!(path = %path.display(), "index opened from directory");
        return Ok(index);
    }
    if path.exists() {
        std::fs::remove_dir_all(path).map_err(|e| dir_error(format!("cannot clear stale index: {e}")))?;
    }
    std::fs::create_dir_all(path).map_err(|e| dir_error(format!("cannot create: {e}")))?;
    let directory = MmapDirectory::open(path).map_err(|e| dir_error(e.to_string()))?;
    let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
    register_analyzers(&index);
    writer::write_catalog(&index, fields, catalog, alpha_indexes)?;
    std::fs::write(&fingerprint_path, format!("{fingerprint:016x}\n"))
        .map_err(|e| dir_error(format!("cannot write fingerprint: {e}")))?;
    tracing::info!(path = %path.display(), "index built in directory");
    Ok(index)
}

/// A hash of everything the index is built from: releases, codes, titles and descriptors,
/// and the Alphabetic Index releases.
pub fn catalog_fingerprint(catalog: &Catalog, alpha_indexes: &IndexReleases) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    "codify-index-v8".hash(&mut hasher);
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
