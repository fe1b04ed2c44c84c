//! Loads one ICD-10-PCS release: the CMS code tables (required), with the definitions and the
//! procedure index when the manifest names them, into the release's codes, hierarchy and the
//! [`PcsRelease`] the service answers PCS questions from.

use std::path::Path;
use std::sync::Arc;

use super::{icd10pcs_definitions, icd10pcs_index, icd10pcs_tables, LoadError};
use crate::codes::pcs_release::PcsRelease;
use crate::codes::ReleaseContent;

/// Loads the tables at `tables`, and `definitions` and `index` when given; the index is loaded
/// on a second thread beside the tables.
pub fn load(tables: &Path, definitions: Option<&Path>, index: Option<&Path>) -> Result<ReleaseContent, LoadError> {
    let (loaded_tables, index) = std::thread::scope(|scope| {
        let index = scope.spawn(|| index.map(icd10pcs_index::load).transpose());
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
