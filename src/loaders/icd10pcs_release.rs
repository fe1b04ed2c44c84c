//! Loads one ICD-10-PCS release: the CMS code tables (required), with the definitions and the
//! procedure index when the manifest names them, into the release's codes, hierarchy and the
//! [`PcsRelease`] the service answers PCS questions from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{icd10pcs_definitions, icd10pcs_index, icd10pcs_tables, LoadError};
use crate::codes::pcs_release::{PcsRelease, ProcedureIndex};
use crate::codes::ReleaseContent;

/// The procedure index files of one load, each read once by whichever release asks first;
/// the others wait for it and share the copy (the FY2026 release reads the FY2025 index, the
/// newest published with these tables).
#[derive(Debug, Default)]
pub struct SharedIndexes {
    files: HashMap<PathBuf, OnceLock<Result<Arc<ProcedureIndex>, LoadError>>>,
}

impl SharedIndexes {
    /// One slot per distinct file.
    pub fn new<'a>(paths: impl Iterator<Item = &'a Path>) -> SharedIndexes {
        SharedIndexes { files: paths.map(|path| (path.to_path_buf(), OnceLock::new())).collect() }
    }

    /// The index in `path`, read on first use.
    fn get(&self, path: &Path) -> Result<Arc<ProcedureIndex>, LoadError> {
        match self.files.get(path) {
            Some(slot) => slot.get_or_init(|| load_index(path)).clone(),
            None => load_index(path),
        }
    }
}

/// Loads the tables at `tables`, and `definitions` and `index` when given; the index is taken
/// from `indexes` on a second thread beside the tables.
pub fn load(
    tables: &Path,
    definitions: Option<&Path>,
    index: Option<&Path>,
    indexes: &SharedIndexes,
) -> Result<ReleaseContent, LoadError> {
    let (loaded_tables, index) = std::thread::scope(|scope| {
        let index = scope.spawn(|| index.map(|path| indexes.get(path)).transpose());
        let loaded_tables = icd10pcs_tables::load(tables);
        let index = index.join().unwrap_or_else(|_| Err(LoadError::file(tables, "the index loader panicked")));
        (loaded_tables, index)
    });
    let definitions = definitions.map(icd10pcs_definitions::load).transpose()?;
    let release = PcsRelease::new(loaded_tables?, definitions, index?);
    let mut content = release.content();
    content.pcs = Some(Arc::new(release));
    Ok(content)
}

fn load_index(path: &Path) -> Result<Arc<ProcedureIndex>, LoadError> {
    Ok(Arc::new(ProcedureIndex::new(icd10pcs_index::load(path)?)))
}
