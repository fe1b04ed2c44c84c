//! Loads one ICD-10-PCS release: the CMS code tables (required), with the definitions and the
//! procedure index when the manifest names them, into the release's codes, hierarchy and the
//! [`PcsRelease`] the service answers PCS questions from.

use std::path::Path;
use std::sync::Arc;

use super::{icd10pcs_definitions, icd10pcs_index, icd10pcs_tables, LoadError};
use crate::codes::pcs_release::{PcsRelease, ProcedureIndex};
use crate::codes::ReleaseContent;

/// Loads the tables at `tables`, and `definitions` and `index` when given; the index is loaded
/// on a second thread beside the tables.
pub fn load(tables: &Path, definitions: Option<&Path>, index: Option<&Path>) -> Result<ReleaseContent, LoadError> {
    let (loaded_tables, index) = std::thread::scope(|scope| {
        let index = scope.spawn(|| index.map(load_index).transpose());
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

/// Lets the PCS releases of `specs` that load the same index file share one copy of it (the
/// FY2026 release reads the FY2025 index, the newest published with these tables).
pub fn share_indexes<'a>(releases: impl Iterator<Item = (Option<&'a Path>, &'a mut ReleaseContent)>) {
    let mut loaded: Vec<(&Path, Arc<ProcedureIndex>)> = Vec::new();
    for (path, content) in releases {
        let (Some(path), Some(pcs)) = (path, content.pcs.as_mut()) else { continue };
        let Some(release) = Arc::get_mut(pcs) else { continue };
        match loaded.iter().find(|(seen, _)| *seen == path) {
            Some((_, shared)) => release.index = Some(Arc::clone(shared)),
            None => {
                if let Some(index) = &release.index {
                    loaded.push((path, Arc::clone(index)));
                }
            }
        }
    }
}
