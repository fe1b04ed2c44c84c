//! Releases as CMS and the AMA ship them: a `.zip` or an unpacked directory. The file a
//! format needs is found by name the way the distributors name it (`HCPC*ANWEB*.txt`,
//! `icd10cm_order_*.txt`, `icd10cm*tabular*.xml`, the AMA `LONGULT.txt` folder), extracted
//! to a scratch directory when zipped, and handed to the format's loader.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use zip::ZipArchive;

use super::manifest::Format;
use super::LoadError;

/// A release file ready to load, and the scratch directory to remove afterwards.
#[derive(Debug)]
pub struct Materialized {
    /// The file (or, for CPT, the directory) to hand to the loader.
    pub path: PathBuf,
    scratch: Option<PathBuf>,
}

impl Drop for Materialized {
    fn drop(&mut self) {
        if let Some(scratch) = &self.scratch {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

/// What a format's file is called, as a predicate on the lower-cased file name.
fn wanted(format: Format, name: &str) -> bool {
    match format {
        Format::Icd10cmTabular => name.contains("tabular") && (name.ends_with(".xml") || name.ends_with(".xml.gz")),
        Format::Icd10cmOrder => {
            name.starts_with("icd10cm_order_") && (name.ends_with(".txt") || name.ends_with(".txt.gz"))
        }
        Format::HcpcsFixed => name.contains("anweb") && (name.ends_with(".txt") || name.ends_with(".txt.gz")),
        Format::HcpcsXlsx => name.contains("anweb") && name.ends_with(".xlsx"),
        Format::CptAma => name == "longult.txt" || name == "longult.txt.gz",
        Format::Icd10pcsTables => {
            name.starts_with("icd10pcs_tables") && (name.ends_with(".xml") || name.ends_with(".xml.gz"))
        }
    }
}

fn pattern(format: Format) -> &'static str {
    match format {
        Format::Icd10cmTabular => "icd10cm*tabular*.xml",
        Format::Icd10cmOrder => "icd10cm_order_*.txt",
        Format::HcpcsFixed => "HCPC*ANWEB*.txt",
        Format::HcpcsXlsx => "HCPC*ANWEB*.xlsx",
        Format::CptAma => "LONGULT.txt",
        Format::Icd10pcsTables => "icd10pcs_tables_*.xml",
    }
}

/// The path to load for `format` from `path`: the path itself when it is already the file
/// (or, for CPT, a release directory), else the matching file inside the zip or directory.
pub fn materialize(path: &Path, format: Format) -> Result<Materialized, LoadError> {
    let is_zip = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("zip"));
    if is_zip {
        return extract(path, format);
    }
    if path.is_dir() && format != Format::CptAma {
        let found = find_in_dir(path, format, 0)
            .ok_or_else(|| LoadError::file(path, format!("no file matching {} in this directory", pattern(format))))?;
        return Ok(Materialized { path: found, scratch: None });
    }
    Ok(Materialized { path: path.to_path_buf(), scratch: None })
}

fn file_name_lower(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default()
}

fn find_in_dir(dir: &Path, format: Format, depth: usize) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    if let Some(file) = entries.iter().find(|p| p.is_file() && wanted(format, &file_name_lower(p))) {
        return Some(file.clone());
    }
    if depth >= 4 {
        return None;
    }
    entries.iter().filter(|p| p.is_dir()).find_map(|sub| find_in_dir(sub, format, depth + 1))
}

static SCRATCH_COUNTER: AtomicU64 = AtomicU64::new(0);

fn extract(path: &Path, format: Format) -> Result<Materialized, LoadError> {
    let file = File::open(path).map_err(|e| LoadError::file(path, format!("cannot open archive: {e}")))?;
    let mut archive = ZipArchive::new(file).map_err(|e| LoadError::file(path, format!("not a zip archive: {e}")))?;
    let scratch = std::env::temp_dir().join(format!(
        "codify-release-{}-{}",
        std::process::id(),
        SCRATCH_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&scratch)
        .map_err(|e| LoadError::file(path, format!("cannot create scratch directory: {e}")))?;
    let mut materialized = Materialized { path: scratch.clone(), scratch: Some(scratch.clone()) };
    let mut found: Option<PathBuf> = None;
    for index in 0..archive.len() {
        let mut member =
            archive.by_index(index).map_err(|e| LoadError::file(path, format!("unreadable member: {e}")))?;
        if member.is_dir() {
            continue;
        }
        // Only names that stay inside the scratch directory.
        let Some(relative) = member.enclosed_name() else { continue };
        let name = file_name_lower(&relative);
        let keep = format == Format::CptAma || wanted(format, &name);
        if !keep {
            continue;
        }
        let target = scratch.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| LoadError::file(path, format!("cannot extract: {e}")))?;
        }
        let mut out = File::create(&target).map_err(|e| LoadError::file(path, format!("cannot extract: {e}")))?;
        std::io::copy(&mut member, &mut out)
            .map_err(|e| LoadError::file(path, format!("cannot extract {name}: {e}")))?;
        if wanted(format, &name) && found.is_none() {
            found = Some(target);
        }
    }
    let found =
        found.ok_or_else(|| LoadError::file(path, format!("no file matching {} in the archive", pattern(format))))?;
    materialized.path = match format {
        // The AMA loader takes the release directory: the folder holding LONGULT.txt.
        Format::CptAma => found.parent().map_or(scratch, Path::to_path_buf),
        _ => found,
    };
    Ok(materialized)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;
    use crate::loaders::hcpcs_fixed;

    fn data(relative: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join(relative)
    }

    #[test]
    fn loads_a_zipped_cms_hcpcs_release_like_the_plain_file() {
        let mut text = Vec::new();
        let gz = File::open(data("hcpcs/HCPC2020_ANWEB_w_disclaimer.txt.gz")).unwrap();
        flate2::read::GzDecoder::new(gz).read_to_end(&mut text).unwrap();
        let zip_path = std::env::temp_dir().join(format!("codify-test-hcpcs-{}.zip", std::process::id()));
        let mut writer = zip::ZipWriter::new(File::create(&zip_path).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        writer.start_file("HCPC2020_README.txt", options).unwrap();
        writer.write_all(b"readme").unwrap();
        writer.start_file("2020-Alpha-Numeric-HCPCS-File/HCPC2020_ANWEB_w_disclaimer.txt", options).unwrap();
        writer.write_all(&text).unwrap();
        writer.finish().unwrap();

        let materialized = materialize(&zip_path, Format::HcpcsFixed).unwrap();
        let from_zip = hcpcs_fixed::load(&materialized.path).unwrap();
        let plain = hcpcs_fixed::load(&data("hcpcs/HCPC2020_ANWEB_w_disclaimer.txt.gz")).unwrap();
        assert_eq!(from_zip.entries.len(), 7_079);
        assert_eq!(from_zip, plain);
        let scratch = materialized.scratch.clone().unwrap();
        drop(materialized);
        assert!(!scratch.exists(), "scratch directory removed");

        let missing = materialize(&zip_path, Format::HcpcsXlsx).unwrap_err();
        assert!(missing.reason.contains("HCPC*ANWEB*.xlsx"), "{missing}");
        let _ = std::fs::remove_file(&zip_path);
    }

    #[test]
    fn finds_the_file_in_an_unpacked_directory() {
        let found = materialize(&data("hcpcs"), Format::HcpcsXlsx).unwrap();
        assert_eq!(found.path, data("hcpcs/HCPC2025_OCT_ANWEB.xlsx"));
        let found = materialize(&data("icd10cm"), Format::Icd10cmOrder).unwrap();
        assert_eq!(found.path, data("icd10cm/icd10cm_order_2025.txt.gz"));
        assert!(materialize(&data("cpt-sample"), Format::HcpcsFixed).is_err());
    }
}
