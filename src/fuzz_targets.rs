//! Entry points for fuzzing: each takes arbitrary bytes and must return without panicking,
//! whatever the bytes are, telling whether the input was accepted. The cargo-fuzz targets in `fuzz/` call them, and
//! `tests/fuzz_replay.rs` runs them over seed files and mutations of them in every test run.
//!
//! File loaders are fed through a scratch file (they read paths, as the service does); the
//! query path goes through request validation and the index of the embedded releases.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::alpha_index::IndexKind;
use crate::claims::ncci::{MueTableKind, PtpTableKind};
use crate::engine::Engine;
use crate::grpc::proto;
use crate::loaders::{
    cpt_ama, cpt_hierarchy, hcc, hcpcs_fixed, hcpcs_xlsx, icd10cm_index_csv, icd10cm_index_xml, icd10cm_order,
    icd10cm_tabular, icd10pcs_definitions, icd10pcs_index, icd10pcs_tables, manifest, mce, ncci,
};

/// Separates the files of a CPT release in one fuzz input: LONGULT, MEDU, SHORTU, MODUL.
pub const CPT_FILE_SEPARATOR: u8 = 0xFF;

/// Separates the files of a multi-file fuzz input other than CPT: the parts of an NCCI PTP
/// table, and the three CMS-HCC tables. The same byte as [`CPT_FILE_SEPARATOR`].
pub const FILE_SEPARATOR: u8 = CPT_FILE_SEPARATOR;

/// The payment year the CMS-HCC tables are loaded as.
const HCC_YEAR: u16 = 2026;

/// A fuzz entry point: `true` when the input was accepted (loaded, or searched).
pub type Target = fn(&[u8]) -> bool;

/// Every entry point, by the name of its cargo-fuzz target.
pub const TARGETS: [(&str, Target); 19] = [
    ("load_icd10cm_order", load_icd10cm_order),
    ("load_icd10cm_tabular", load_icd10cm_tabular),
    ("load_icd10cm_index_csv", load_icd10cm_index_csv),
    ("load_icd10cm_index_xml", load_icd10cm_index_xml),
    ("load_icd10pcs_tables", load_icd10pcs_tables),
    ("load_icd10pcs_index", load_icd10pcs_index),
    ("load_icd10pcs_definitions", load_icd10pcs_definitions),
    ("load_hcpcs_fixed", load_hcpcs_fixed),
    ("load_hcpcs_xlsx", load_hcpcs_xlsx),
    ("load_cpt_ama", load_cpt_ama),
    ("load_cpt_hierarchy", load_cpt_hierarchy),
    ("load_synonyms", load_synonyms),
    ("load_manifest", load_manifest),
    ("load_ncci_ptp", load_ncci_ptp),
    ("load_ncci_mue", load_ncci_mue),
    ("load_ncci_aoc", load_ncci_aoc),
    ("load_hcc", load_hcc),
    ("load_mce", load_mce),
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

/// An emptied scratch subdirectory `name` holding the parts of `data` (split on
/// [`FILE_SEPARATOR`]) as the files `names`, in order; parts beyond the names are dropped, and
/// names without a part get no file. Returns the directory and the paths of the files written.
fn scratch_parts(name: &str, names: &[&str], data: &[u8]) -> (PathBuf, Vec<PathBuf>) {
    let dir = scratch().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let mut written = Vec::new();
    for (name, part) in names.iter().zip(data.split(|&byte| byte == FILE_SEPARATOR)) {
        let path = dir.join(name);
        let _ = std::fs::write(&path, part);
        written.push(path);
    }
    (dir, written)
}

/// ICD-10-CM order file.
pub fn load_icd10cm_order(data: &[u8]) -> bool {
    icd10cm_order::load(&scratch_file("icd10cm_order.txt", data)).is_ok()
}

/// ICD-10-CM tabular XML.
pub fn load_icd10cm_tabular(data: &[u8]) -> bool {
    icd10cm_tabular::load(&scratch_file("icd10cm_tabular.xml", data)).is_ok()
}

/// ICD-10-CM Index to Diseases and Injuries flattened to CSV.
pub fn load_icd10cm_index_csv(data: &[u8]) -> bool {
    icd10cm_index_csv::load(&scratch_file("icd10cm_index.csv", data)).is_ok()
}

/// ICD-10-CM index XML: the first byte picks the index (`E` external cause, `N` neoplasm
/// table, `D` drug table, anything else the main index), the rest is the XML.
pub fn load_icd10cm_index_xml(data: &[u8]) -> bool {
    let Some((&selector, xml)) = data.split_first() else {
        return false;
    };
    let kind = match selector {
        b'E' => IndexKind::ExternalCause,
        b'N' => IndexKind::Neoplasm,
        b'D' => IndexKind::Drug,
        _ => IndexKind::Main,
    };
    icd10cm_index_xml::load(&scratch_file("icd10cm_index.xml", xml), kind).is_ok()
}

/// ICD-10-PCS tables XML.
pub fn load_icd10pcs_tables(data: &[u8]) -> bool {
    icd10pcs_tables::load(&scratch_file("icd10pcs_tables.xml", data)).is_ok()
}

/// ICD-10-PCS Alphabetic Index XML.
pub fn load_icd10pcs_index(data: &[u8]) -> bool {
    icd10pcs_index::load(&scratch_file("icd10pcs_index.xml", data)).is_ok()
}

/// ICD-10-PCS Definitions XML.
pub fn load_icd10pcs_definitions(data: &[u8]) -> bool {
    icd10pcs_definitions::load(&scratch_file("icd10pcs_definitions.xml", data)).is_ok()
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

/// NCCI PTP table (read as the practitioner one; the kind only labels it): the input holds
/// up to four part files (`-f1` … `-f4`), separated by [`FILE_SEPARATOR`].
pub fn load_ncci_ptp(data: &[u8]) -> bool {
    let names = ["ccipra-f1.txt", "ccipra-f2.txt", "ccipra-f3.txt", "ccipra-f4.txt"];
    let (_, paths) = scratch_parts("ncci-ptp", &names, data);
    ncci::load_ptp(PtpTableKind::Practitioner, &paths).is_ok()
}

/// NCCI MUE table, accepted when it loads as any of the three tables (its header names one).
pub fn load_ncci_mue(data: &[u8]) -> bool {
    let path = scratch_file("MCR_MUE_Services.csv", data);
    [MueTableKind::Practitioner, MueTableKind::OutpatientHospital, MueTableKind::DmeSupplier]
        .into_iter()
        .any(|kind| ncci::load_mue(kind, &path).is_ok())
}

/// NCCI add-on code table.
pub fn load_ncci_aoc(data: &[u8]) -> bool {
    ncci::load_add_ons(&scratch_file("AOC-MCR.txt", data)).is_ok()
}

/// CMS-HCC tables of one payment year: the input holds `ra_dx_to_cc`, `ra_labels` and
/// `ra_hierarchies`, separated by [`FILE_SEPARATOR`]; missing parts are missing files.
pub fn load_hcc(data: &[u8]) -> bool {
    let names = ["ra_dx_to_cc.csv", "ra_labels.csv", "ra_hierarchies.csv"];
    let (dir, _) = scratch_parts("hcc", &names, data);
    let [dx, labels, hierarchies] = names.map(|name| dir.join(name));
    hcc::load(HCC_YEAR, &dx, &labels, &hierarchies).is_ok()
}

/// MCE data: a bare `mce.bin` (protobuf) or a jar (zip) holding one.
pub fn load_mce(data: &[u8]) -> bool {
    mce::load(&scratch_file("mce.bin", data)).is_ok()
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
