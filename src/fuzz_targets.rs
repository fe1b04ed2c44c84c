//! Entry points for fuzzing: each takes arbitrary bytes and must return without panicking,
//! whatever the bytes are, telling whether the input was accepted. The cargo-fuzz targets in `fuzz/` call them, and
//! `tests/fuzz_replay.rs` runs them over seed files and mutations of them in every test run.
//!
//! File loaders are fed through a scratch file (they read paths, as the service does); the
//! query path goes through request validation and the index of the embedded releases.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::engine::Engine;
use crate::grpc::proto;
use crate::loaders::{cpt_ama, cpt_hierarchy, hcpcs_fixed, hcpcs_xlsx, icd10cm_order, icd10cm_tabular, manifest};

/// Separates the files of a CPT release in one fuzz input: LONGULT, MEDU, SHORTU, MODUL.
pub const CPT_FILE_SEPARATOR: u8 = 0xFF;

/// A fuzz entry point: `true` when the input was accepted (loaded, or searched).
pub type Target = fn(&[u8]) -> bool;

/// Every entry point, by the name of its cargo-fuzz target.
pub const TARGETS: [(&str, Target); 9] = [
    ("load_icd10cm_order", load_icd10cm_order),
    ("load_icd10cm_tabular", load_icd10cm_tabular),
    ("load_hcpcs_fixed", load_hcpcs_fixed),
    ("load_hcpcs_xlsx", load_hcpcs_xlsx),
    ("load_cpt_ama", load_cpt_ama),
    ("load_cpt_hierarchy", load_cpt_hierarchy),
    ("load_synonyms", load_synonyms),
    ("load_manifest", load_manifest),
    ("search", search),
];

/// A scratch directory of this process and thread, created on first use.
fn scratch() -> PathBuf {
    thread_local! {
        static SCRATCH: PathBuf = {
            let name = format!("codify-fuzz-{}-{:?}", std::process::id(), std::thread::current().id());
            let dir = std::env::temp_dir().join(name.replace(['(', ')'], ""));
            let _ = std::fs::create_dir_all(&dir);
            dir
        };
    }
    SCRATCH.with(PathBuf::clone)
}

/// Writes `data` to `name` in the scratch directory and returns its path.
fn scratch_file(name: &str, data: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    let _ = std::fs::write(&path, data);
    path
}

/// ICD-10-CM order file.
pub fn load_icd10cm_order(data: &[u8]) -> bool {
    icd10cm_order::load(&scratch_file("icd10cm_order.txt", data)).is_ok()
}

/// ICD-10-CM tabular XML.
pub fn load_icd10cm_tabular(data: &[u8]) -> bool {
    icd10cm_tabular::load(&scratch_file("icd10cm_tabular.xml", data)).is_ok()
}

/// HCPCS fixed-width file.
pub fn load_hcpcs_fixed(data: &[u8]) -> bool {
    hcpcs_fixed::load(&scratch_file("hcpcs.txt", data)).is_ok()
}

/// HCPCS workbook (zip of XML parts).
pub fn load_hcpcs_xlsx(data: &[u8]) -> bool {
    hcpcs_xlsx::load(&scratch_file("hcpcs.xlsx", data)).is_ok()
}

/// AMA CPT release: the input holds LONGULT, MEDU, SHORTU and MODUL, separated by
/// [`CPT_FILE_SEPARATOR`]; missing parts are missing files.
pub fn load_cpt_ama(data: &[u8]) -> bool {
    let dir = scratch().join("cpt");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let names = ["LONGULT.txt", "MEDU.txt", "SHORTU.txt", "MODUL.txt"];
    for (name, part) in names.iter().zip(data.split(|&byte| byte == CPT_FILE_SEPARATOR)) {
        let _ = std::fs::write(dir.join(name), part);
    }
    cpt_ama::load(&dir).is_ok()
}

/// CPT hierarchy TSV.
pub fn load_cpt_hierarchy(data: &[u8]) -> bool {
    cpt_hierarchy::load(&scratch_file("cpt-hierarchy.tsv", data)).is_ok()
}

/// Synonyms TSV.
pub fn load_synonyms(data: &[u8]) -> bool {
    crate::index::Synonyms::load(&scratch_file("synonyms.tsv", data)).is_ok()
}

/// Release manifest (JSON); the files it names are looked for next to it.
pub fn load_manifest(data: &[u8]) -> bool {
    manifest::Manifest::read(&scratch_file("releases.json", data)).is_ok()
}

/// The embedded releases, loaded once per process.
fn embedded_engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/releases.json");
            Engine::load(&manifest, None).ok()
        })
        .as_ref()
}

/// SearchCodes without the transport: the input is the query text (lossy UTF-8); its first
/// byte also picks the code system, billable filter and page size.
pub fn search(data: &[u8]) -> bool {
    let Some(engine) = embedded_engine() else {
        return false;
    };
    let selector = data.first().copied().unwrap_or(0);
    let request = proto::SearchCodesRequest {
        query: String::from_utf8_lossy(data).into_owned(),
        systems: if selector & 3 == 0 { Vec::new() } else { vec![i32::from(selector & 3)] },
        billable_only: selector & 4 != 0,
        page_size: i32::from(selector >> 3),
        ..Default::default()
    };
    match crate::grpc::validate::search(&request, engine) {
        Ok((search, _)) => engine.index.search(&engine.catalog, &search).is_ok(),
        Err(_) => false,
    }
}
