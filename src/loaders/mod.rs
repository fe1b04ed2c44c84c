//! Loaders: one module per official file format. Each turns a file (or a release
//! directory) into [`ReleaseContent`](crate::codes::ReleaseContent), or refuses it with
//! the file, line and reason.

pub mod archive;
pub mod cpt_ama;
pub mod cpt_hierarchy;
pub mod csv_text;
pub mod digest;
pub mod hcc;
pub mod hcpcs_fixed;
pub mod hcpcs_record;
pub mod hcpcs_xlsx;
pub mod icd10cm_index_csv;
pub mod icd10cm_index_xml;
pub mod icd10cm_order;
pub mod icd10cm_tabular;
pub mod icd10pcs_definitions;
pub mod icd10pcs_index;
pub mod icd10pcs_release;
pub mod icd10pcs_tables;
pub mod manifest;
pub mod mce;
pub mod ncci;
pub mod source;
pub mod xml;

use std::path::{Path, PathBuf};

/// A release file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct LoadError {
    /// The file that was refused.
    pub file: PathBuf,
    /// 1-based line (or spreadsheet row) where the problem is, when there is one.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl LoadError {
    /// An error about the whole file.
    pub fn file(file: &Path, reason: impl Into<String>) -> LoadError {
        LoadError { file: file.to_path_buf(), line: None, reason: reason.into() }
    }

    /// An error at a 1-based line.
    pub fn at_line(file: &Path, line: usize, reason: impl Into<String>) -> LoadError {
        LoadError { file: file.to_path_buf(), line: Some(line), reason: reason.into() }
    }
}
