//! The ICD-10-CM FY2025 Alphabetic Index as shipped in `data/icd10cm/index-fy2025/`: the main
//! index CSV, the External Cause index, the Table of Neoplasms and the Table of Drugs and
//! Chemicals, loaded by their loaders and queried through `codify::alpha_index`.
//!
//! Every figure here was read from the files with grep and Python before the engine ran.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use codify::alpha_index::{AlphaIndex, CodeForm, EntryId, IndexCode, IndexEntry, IndexKind};
use codify::loaders::{icd10cm_index_csv, icd10cm_index_xml, source};

const CSV: &str = "ICD10CM_2025_Index.csv.gz";
const EINDEX: &str = "icd-10-cm-eindex-2025.xml.gz";
const NEOPLASM: &str = "icd-10-cm-neoplasm-2025.xml.gz";
const DRUG: &str = "icd-10-cm-drug-2025.xml.gz";

/// Where each file's entries start in the combined index (CSV, eindex, neoplasm, drug).
const EINDEX_AT: EntryId = 81_024;
const NEOPLASM_AT: EntryId = 89_088;
const DRUG_AT: EntryId = 91_027;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icd10cm/index-fy2025").join(name)
}

fn load(name: &str) -> AlphaIndex {
    let started = Instant::now();
    let index = match name {
        CSV => icd10cm_index_csv::load(&data(name)),
        EINDEX => icd10cm_index_xml::load(&data(name), IndexKind::ExternalCause),
        NEOPLASM => icd10cm_index_xml::load(&data(name), IndexKind::Neoplasm),
        _ => icd10cm_index_xml::load(&data(name), IndexKind::Drug),
    };
    let index = index.unwrap_or_else(|err| panic!("{err}"));
    eprintln!("loaded {name}: {} entries in {:?}", index.len(), started.elapsed());
    index
}

fn csv() -> &'static AlphaIndex {
    static INDEX: OnceLock<AlphaIndex> = OnceLock::new();
    INDEX.get_or_init(|| load(CSV))
}

fn eindex() -> &'static AlphaIndex {
    static INDEX: OnceLock<AlphaIndex> = OnceLock::new();
    INDEX.get_or_init(|| load(EINDEX))
}

fn neoplasm() -> &'static AlphaIndex {
    static INDEX: OnceLock<AlphaIndex> = OnceLock::new();
    INDEX.get_or_init(|| load(NEOPLASM))
}

fn drug() -> &'static AlphaIndex {
    static INDEX: OnceLock<AlphaIndex> = OnceLock::new();
    INDEX.get_or_init(|| load(DRUG))
}

/// The four files in one index, in the order CSV, eindex, neoplasm, drug.
fn all() -> &'static AlphaIndex {
    static INDEX: OnceLock<AlphaIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let started = Instant::now();
        let parts = [csv().clone(), eindex().clone(), neoplasm().clone(), drug().clone()];
        let index = AlphaIndex::combine(parts);
        eprintln!("combined {} entries in {:?}", index.len(), started.elapsed());
        index
    })
}

fn entry(index: &AlphaIndex, id: EntryId) -> &IndexEntry {
    index.get(id).unwrap_or_else(|| panic!("no entry {id}"))
}

fn code(entry: &IndexEntry) -> Option<&str> {
    entry.code.as_ref().map(IndexCode::display)
}

fn count(index: &AlphaIndex, pred: impl Fn(&IndexEntry) -> bool) -> usize {
    index.entries().iter().filter(|entry| pred(entry)).count()
}

fn cells(entry: &IndexEntry) -> Vec<(&str, &str)> {
    entry.cells.iter().map(|(column, code)| (&**column, code.display())).collect()
}

fn main_term(index: &AlphaIndex, kind: IndexKind, name: &str) -> EntryId {
    index.find_main_term(kind, name).unwrap_or_else(|| panic!("no main term {name:?}"))
}

#[test]
fn csv_counts_match_the_file() {
    let index = csv();
    assert_eq!(index.len(), 81_024);
    assert_eq!(index.main_terms().len(), 8_100);
    assert_eq!(count(index, |e| e.code.is_some()), 62_721);
    assert_eq!(count(index, |e| e.see.is_some()), 12_136);
    assert_eq!(count(index, |e| e.see_also.is_some()), 2_057);
    assert_eq!(count(index, |e| !e.nonessential.is_empty()), 12_601);
    assert_eq!(index.entries().iter().map(|e| e.nonessential.len()).sum::<usize>(), 17_638);
    assert_eq!(count(index, |e| e.code.as_ref().is_some_and(|c| c.form() == CodeForm::Category)), 6_930);
    assert_eq!(count(index, |e| e.level == 9), 60);
    assert_eq!(index.entries().iter().map(|e| e.level).max(), Some(9));
    assert_eq!(count(index, |e| e.term.is_empty()), 5);
    assert!(index.entries().iter().all(|e| e.kind == IndexKind::Main && e.cells.is_empty()));
}

#[test]
fn csv_entries_keep_terms_modifiers_and_codes() {
    let index = csv();
    // Entry ids follow the rows: id = RowID - 1.
    assert_eq!((entry(index, 0).term.as_str(), code(entry(index, 0))), ("Aarskog's syndrome", Some("Q87.19")));
    let abasia = entry(index, 2);
    assert_eq!((abasia.term.as_str(), code(abasia)), ("Abasia", Some("F44.4")));
    assert_eq!(abasia.nonessential, ["(-astasia)", "(hysterical)"]);
    let hypertension = entry(index, main_term(index, IndexKind::Main, "Hypertension, hypertensive"));
    assert_eq!(code(hypertension), Some("I10"));
    assert_eq!(hypertension.nonessential.len(), 6);
    let diabetes = main_term(index, IndexKind::Main, "diabetes,  DIABETIC");
    assert_eq!((diabetes, code(entry(index, diabetes))), (23_824, Some("E11.9")));
    assert_eq!(entry(index, diabetes).nonessential, ["(mellitus)", "(sugar)"]);
    // Title text the CSV put among the modifiers goes back to the term.
    assert_eq!(entry(index, 2_246).term, "Achromat, achromatopsia");
    assert_eq!(entry(index, 2_246).nonessential, ["(ism)", "(acquired)", "(congenital)"]);
    assert_eq!(entry(index, 3_782).term, "Alder anomaly or syndrome");
    assert_eq!(
        (entry(index, 51_678).term.as_str(), &entry(index, 51_678).nonessential[..]),
        ("Legg", &["(-Calvé)".to_string()][..])
    );
    // Rows whose title was only a modifier keep an empty term.
    assert_eq!(index.path(28_601), ["Disorder", "persistent", ""]);
    assert_eq!(
        (entry(index, 28_601).nonessential[0].as_str(), code(entry(index, 28_601))),
        ("(somatoform)", Some("F45.41"))
    );
    let deepest = index.path(6_395);
    assert_eq!(deepest.len(), 10);
    assert_eq!((deepest[0], deepest[9]), ("Arteriosclerosis, arteriosclerotic", "ankle"));
    let neck = entry(index, 37_446);
    assert_eq!(index.path(37_446), ["Fracture, traumatic", "femur, femoral", "upper end", "neck"]);
    let s7200 = neck.code.as_ref().unwrap();
    assert_eq!((s7200.display(), s7200.code(), s7200.is_incomplete()), ("S72.00-", "S7200", true));
    assert_eq!(index.children(60_318).len(), 124);
}

#[test]
fn external_cause_index_counts_and_entries() {
    let index = eindex();
    assert_eq!(index.len(), 8_064);
    assert_eq!(index.main_terms().len(), 314);
    assert_eq!(count(index, |e| e.code.is_some()), 6_664);
    assert_eq!(count(index, |e| e.code.as_ref().is_some_and(|c| c.form() == CodeForm::Subcategory)), 11);
    assert_eq!(count(index, |e| e.code.as_ref().is_some_and(|c| c.form() == CodeForm::SeeCategory)), 3);
    assert_eq!(count(index, |e| e.code.as_ref().is_some_and(|c| c.form() == CodeForm::Category)), 238);
    assert_eq!((count(index, |e| e.see.is_some()), count(index, |e| e.see_also.is_some())), (790, 98));
    assert_eq!(count(index, |e| !e.nonessential.is_empty()), 1_570);
    assert_eq!(index.entries().iter().map(|e| e.nonessential.len()).sum::<usize>(), 1_896);
    assert_eq!(index.entries().iter().map(|e| e.level).max(), Some(8));
    assert!(index.entries().iter().all(|e| e.kind == IndexKind::ExternalCause));

    let abandonment = entry(index, 0);
    assert_eq!((abandonment.term.as_str(), code(abandonment)), ("Abandonment NEC", Some("X58")));
    let groups = ["(causing exposure to weather conditions)", "(with intent to injure or kill)"];
    assert_eq!(abandonment.nonessential, groups);
    // `<nemod>(stepping) exercise (class)</nemod>`: the stray word goes back to the term.
    assert_eq!(index.path(3_056), ["Activity", "step exercise"]);
    assert_eq!((code(entry(index, 3_056)), entry(index, 3_056).nonessential.len()), (Some("Y93.A3"), 2));
    assert_eq!(entry(index, 3_377).term, "cigar or cigarette(s)");
    let lightning = entry(index, main_term(index, IndexKind::ExternalCause, "Lightning"));
    let subcat = lightning.code.as_ref().unwrap();
    assert_eq!((subcat.display(), subcat.form(), subcat.is_incomplete()), ("T75.0", CodeForm::Subcategory, true));
    let strangulation = entry(index, main_term(index, IndexKind::ExternalCause, "Strangulation"));
    assert_eq!(strangulation.code.as_ref().map(|c| (c.display(), c.form())), Some(("T71", CodeForm::SeeCategory)));
}

#[test]
fn neoplasm_table_columns_and_cells() {
    let index = neoplasm();
    assert_eq!((index.len(), index.main_terms().len()), (1_939, 1));
    let heads: Vec<&str> = index.columns(IndexKind::Neoplasm).iter().map(|head| &**head).collect();
    let expected = [
        "Malignant Primary",
        "Malignant Secondary",
        "Ca in situ",
        "Benign",
        "Uncertain Behavior",
        "Unspecified Behavior",
    ];
    assert_eq!(heads, expected);
    assert_eq!(index.entries().iter().map(|e| e.cells.len()).sum::<usize>(), 9_018);
    let per_column: Vec<usize> = expected.iter().map(|head| count(index, |e| e.cell(head).is_some())).collect();
    assert_eq!(per_column, [1_726, 1_641, 918, 1_606, 1_564, 1_563]);
    let incomplete = index.entries().iter().flat_map(|e| &e.cells).filter(|(_, c)| c.is_incomplete()).count();
    assert_eq!(incomplete, 972);
    assert_eq!((count(index, |e| e.see.is_some()), count(index, |e| e.see_also.is_some())), (67, 120));
    assert_eq!((count(index, |e| !e.nonessential.is_empty()), count(index, |e| e.code.is_some())), (270, 0));

    let root = entry(index, 0);
    assert_eq!(root.term, "Neoplasm, neoplastic");
    assert_eq!(cells(root)[0], ("Malignant Primary", "C80.1"));
    assert_eq!(cells(root)[5], ("Unspecified Behavior", "D49.9"));
    let breast = entry(index, 253);
    assert_eq!(breast.term, "breast");
    assert_eq!(breast.nonessential, ["(connective tissue)", "(glandular tissue)", "(soft parts)"]);
    let breast_cells = [
        ("Malignant Primary", "C50.9-"),
        ("Malignant Secondary", "C79.81"),
        ("Ca in situ", "D05.-"),
        ("Benign", "D24.-"),
    ];
    assert_eq!(cells(breast)[..4], breast_cells);
    let in_situ = breast.cell("Ca in situ").unwrap();
    assert_eq!((in_situ.code(), in_situ.form()), ("D05", CodeForm::Category));
    assert_eq!(index.path(220), ["Neoplasm, neoplastic", "book-leaf"]);
    let manifestation = entry(index, 220).manifestation.as_deref();
    assert_eq!(manifestation, Some("ventral surface of tongue and floor of mouth"));
}

#[test]
fn drug_table_columns_and_cells() {
    let index = drug();
    assert_eq!((index.len(), index.main_terms().len()), (7_428, 5_177));
    let heads: Vec<&str> = index.columns(IndexKind::Drug).iter().map(|head| &**head).collect();
    let expected = [
        "Poisoning Accidental (unintentional)",
        "Poisoning Intentional self-harm",
        "Poisoning Assault",
        "Poisoning Undetermined",
        "Adverse effect",
        "Underdosing",
    ];
    assert_eq!(heads, expected);
    assert_eq!(index.entries().iter().map(|e| e.cells.len()).sum::<usize>(), 40_026);
    assert_eq!(count(index, |e| e.cell("Underdosing").is_some()), 5_609);
    assert_eq!((count(index, |e| e.see.is_some()), count(index, |e| e.see_also.is_some())), (97, 35));
    assert_eq!(count(index, |e| !e.nonessential.is_empty()), 777);
    assert_eq!(index.entries().iter().map(|e| e.nonessential.len()).sum::<usize>(), 966);

    let acetaminophen = entry(index, main_term(index, IndexKind::Drug, "acetaminophen"));
    let expected_cells = ["T39.1X1", "T39.1X2", "T39.1X3", "T39.1X4", "T39.1X5", "T39.1X6"];
    assert_eq!(cells(acetaminophen).iter().map(|(_, code)| *code).collect::<Vec<_>>(), expected_cells);
    // `--` is no code: 1-propanol has no adverse-effect or underdosing code.
    assert_eq!(cells(entry(index, 0)).len(), 4);
    assert_eq!((entry(index, 2).term.as_str(), entry(index, 2).nonessential.len()), ("2,4-D", 1));
}

#[test]
fn see_references_resolve_to_their_entries() {
    let index = csv();
    assert_eq!(entry(index, 8).see.as_deref(), Some("Pain, abdominal"));
    assert_eq!(index.resolve_see(8), Some(60_319));
    assert_eq!(index.path(60_319), ["Pain", "abdominal"]);
    assert_eq!(code(entry(index, 60_319)), Some("R10.9"));
    assert_eq!(index.resolve_see(1), Some(53_892), "Abandonment, see Maltreatment");
    assert_eq!(index.path(53_892), ["Maltreatment"]);
    assert_eq!(index.resolve_see(9), Some(17_293), "see Contraction, joint");
    assert_eq!((index.path(17_293)[1], code(entry(index, 17_293))), ("joint", Some("M24.50")));
    // "femur, femoral" is reached by its first alternative, "Fracture, traumatic" by its head.
    assert_eq!(index.resolve_see(37_402), Some(37_446), "see Fracture, femur, upper end, neck");
    assert_eq!(index.resolve_see_also(60_318), Some(60_545), "Pain, see also Painful");
    assert_eq!(index.resolve_see(4), None, "see condition is an instruction");
    assert_eq!(index.resolve_see(0), None, "no see reference");

    let all = all();
    assert_eq!(all.resolve_see(2_500), Some(NEOPLASM_AT), "Neoplasm, malignant, by site: the table");
    assert_eq!(all.resolve_see_also(EINDEX_AT + 3), Some(EINDEX_AT + 182));
    assert_eq!(all.path(EINDEX_AT + 182), ["Accident", "transport", "aircraft NEC"]);
    assert_eq!(all.resolve_see(EINDEX_AT + 4), Some(86_547), "Forces of nature, by type");
    assert_eq!(all.path(86_547), ["Forces of nature"]);
    assert_eq!(all.resolve_see(85_394), Some(14_210), "Index to Diseases and Injuries, Complications");
    assert_eq!(all.resolve_see(DRUG_AT + 127), Some(DRUG_AT + 126), "Adrenalin, see Adrenaline");
    assert_eq!(all.resolve_see(91_236), Some(95_835), "Aleve, see Naproxen");
    assert_eq!(all.path(94_835), ["Insecticide NEC"]);
    assert_eq!(all.resolve_see(91_526), Some(94_835), "Ant poison, see Insecticide");
}

/// (references, unresolved) for the see and see-also references of one kind.
fn unresolved(index: &AlphaIndex, kind: IndexKind) -> [(usize, usize); 2] {
    let mut counts = [(0, 0); 2];
    for (id, entry) in index.entries().iter().enumerate().filter(|(_, e)| e.kind == kind) {
        let tallies =
            [(entry.see.is_some(), index.resolve_see(id)), (entry.see_also.is_some(), index.resolve_see_also(id))];
        for (slot, (present, resolved)) in counts.iter_mut().zip(tallies) {
            if present {
                slot.0 += 1;
                slot.1 += usize::from(resolved.is_none());
            }
        }
    }
    counts
}

#[test]
fn unresolved_references_are_counted() {
    // The main index alone: 605 of the unresolved are "see condition" (476) and "see also
    // condition" (129); then references into the tables it does not hold ("Neoplasm,
    // connective tissue, malignant" 77, "Table of Drugs and Chemicals, by drug, poisoning" 40),
    // code references ("subcategory M14.8-" 26, "category M01" 22), and paths the index does
    // not have ("Occlusion, artery, retina" 17, "Legg-Calvé-Perthes disease" 13).
    assert_eq!(unresolved(csv(), IndexKind::Main), [(12_136, 1_863), (2_057, 399)]);
    // With the tables loaded, the references into them resolve.
    let all = all();
    assert_eq!(unresolved(all, IndexKind::Main), [(12_136, 1_421), (2_057, 322)]);
    // "Table of Drugs and Chemicals" 35, "categories T17 and" 10, "X92-Y08 with 7th character S" 4.
    assert_eq!(unresolved(all, IndexKind::ExternalCause), [(790, 122), (98, 16)]);
    // "Neoplasm, lymph gland" 2, "Index to disease, by histology" 2.
    assert_eq!(unresolved(all, IndexKind::Neoplasm), [(67, 0), (120, 4)]);
    // "by specific chemical substance", "sodium hypochlorite", "Levo-", "Sulf-".
    assert_eq!(unresolved(all, IndexKind::Drug), [(97, 8), (35, 7)]);
}

/// (entry, code, column) of each match.
fn lookup(words: &[&str]) -> Vec<(EntryId, Option<&'static str>, Option<&'static str>)> {
    all().lookup(words).iter().map(|m| (m.entry, m.code.map(IndexCode::display), m.column)).collect()
}

#[test]
fn lookup_main_index_terms() {
    assert_eq!(lookup(&["hypertension"]), [(43_270, Some("I10"), None), (39_506, Some("I70.1"), None)]);
    assert_eq!(lookup(&["Diabetes"]), [(23_824, Some("E11.9"), None), (54_552, None, None)]);
    assert_eq!(lookup(&["diabetes", "mellitus"])[0], (23_824, Some("E11.9"), None));
    assert_eq!(lookup(&["diabetes", "mellitus"]).len(), 3);
    // Fracture > femur > neck says "see Fracture, femur, upper end, neck": it ranks first, the
    // entry with the code (one level more) second.
    let fracture = all().lookup(&["fracture", "femur", "neck"]);
    assert_eq!(fracture.len(), 2);
    assert_eq!(fracture[0].path, ["Fracture, traumatic", "femur, femoral", "neck"]);
    assert_eq!((fracture[0].code, fracture[0].unmatched_levels), (None, 0));
    assert_eq!(fracture[1].path, ["Fracture, traumatic", "femur, femoral", "upper end", "neck"]);
    assert_eq!((fracture[1].code.map(IndexCode::display), fracture[1].unmatched_levels), (Some("S72.00-"), 1));
    assert_eq!(lookup(&["fractures femurs necks"]), lookup(&["FRACTURE", "femur", "neck"]));
    assert_eq!(lookup(&["pain", "abdominal"]), [(60_319, Some("R10.9"), None), (60_329, Some("R10.0"), None)]);
    assert_eq!(lookup(&["pain"]).len(), 11);
    assert_eq!(lookup(&["pain"])[0], (60_318, Some("R52"), None));
    assert_eq!(lookup(&["chediak higashi"]), [(13_031, Some("E70.330"), None)]);
    assert_eq!(lookup(&["aarskog syndrome"]), [(0, Some("Q87.19"), None)]);
    assert_eq!(lookup(&["appendicitis", "acute"]), [(6_167, Some("K35.80"), None)]);
    assert_eq!(lookup(&["hypertens", "kidney"]).len(), 8);
    assert_eq!(lookup(&["hypertens", "kidney"])[1], (43_349, Some("I12.9"), None));
    assert!(lookup(&["hypertension", "xylophone"]).is_empty());
}

#[test]
fn lookup_external_causes_and_tables() {
    let accident = lookup(&["accident", "aircraft"]);
    assert_eq!(accident.len(), 11);
    assert_eq!(accident[..2], [(EINDEX_AT + 3, None, None), (EINDEX_AT + 182, Some("V97.89"), None)]);
    assert_eq!(
        lookup(&["lightning"]),
        [(52_280, Some("T75.00"), None), (87_250, Some("T75.0"), None), (72_910, None, None)]
    );

    let malignant = lookup(&["neoplasm", "breast", "malignant"]);
    assert_eq!(malignant.len(), 12);
    let breast = NEOPLASM_AT + 253;
    let expected =
        [(breast, Some("C50.9-"), Some("Malignant Primary")), (breast, Some("C79.81"), Some("Malignant Secondary"))];
    assert_eq!(malignant[..2], expected);
    let primary = lookup(&["neoplasm breast malignant primary"]);
    assert_eq!((primary.len(), primary[0]), (6, (breast, Some("C50.9-"), Some("Malignant Primary"))));
    assert_eq!(lookup(&["neoplasm", "breast", "benign"])[0], (breast, Some("D24.-"), Some("Benign")));
    let lung = lookup(&["neoplasm", "lung", "secondary"]);
    assert_eq!((lung.len(), lung[0]), (9, (90_016, Some("C78.0-"), Some("Malignant Secondary"))));

    let acetaminophen = DRUG_AT + 28;
    let accidental = (acetaminophen, Some("T39.1X1"), Some("Poisoning Accidental (unintentional)"));
    assert_eq!(lookup(&["acetaminophen", "poisoning", "accidental"]), [accidental]);
    let self_harm = (acetaminophen, Some("T39.1X2"), Some("Poisoning Intentional self-harm"));
    assert_eq!(lookup(&["acetaminophen", "self-harm"]), [self_harm]);
    assert_eq!(lookup(&["acetaminophen", "adverse"]), [(acetaminophen, Some("T39.1X5"), Some("Adverse effect"))]);
    assert_eq!(lookup(&["acetaminophen", "underdosing"]), [(acetaminophen, Some("T39.1X6"), Some("Underdosing"))]);
    assert!(lookup(&["acetaminophen", "benign"]).is_empty());
}

#[test]
fn truncated_and_malformed_real_files_are_refused_at_their_line() {
    let text = source::read_text(&data(EINDEX)).unwrap();
    let line_20000 = text.match_indices('\n').nth(19_998).map(|(at, _)| at + 1).unwrap();
    let err = icd10cm_index_xml::parse(Path::new(EINDEX), &text[..line_20000], IndexKind::ExternalCause).unwrap_err();
    assert_eq!(err.line, Some(20_000), "{err}");
    assert!(err.reason.starts_with("unexpected end of file"), "{err}");

    let csv_text = source::read_text(&data(CSV)).unwrap();
    let jump = csv_text.replacen("4,A,0,Abderhalden", "4,A,2,Abderhalden", 1);
    let err = icd10cm_index_csv::parse(Path::new(CSV), &jump).unwrap_err();
    assert_eq!((err.line, err.reason.as_str()), (Some(5), "level 2 after a level 0 row: a level was skipped"));
    let cut = &csv_text[..csv_text.find("\"Diabetes, diabetic\"").unwrap() + 5];
    let err = icd10cm_index_csv::parse(Path::new(CSV), cut).unwrap_err();
    assert_eq!(err.line, Some(23_826), "{err}");

    let not_gzip = std::env::temp_dir().join(format!("codify-alpha-{}.xml.gz", std::process::id()));
    std::fs::write(&not_gzip, b"<ICD10CM.index>").unwrap();
    let err = icd10cm_index_xml::load(&not_gzip, IndexKind::Main).unwrap_err();
    assert!(err.reason.contains("gzip"), "{err}");
    let _ = std::fs::remove_file(&not_gzip);
}

#[test]
fn every_cut_of_the_real_files_is_refused_or_loaded_never_a_panic() {
    let xml = source::read_text(&data(NEOPLASM)).unwrap();
    let end_of_document = xml.rfind("</ICD10CM.index>").unwrap();
    for cut in (1..100).map(|step| step * xml.len() / 100).filter(|cut| xml.is_char_boundary(*cut)) {
        let result = icd10cm_index_xml::parse(Path::new(NEOPLASM), &xml[..cut], IndexKind::Neoplasm);
        assert_eq!(result.is_err(), cut <= end_of_document, "cut at byte {cut}");
        if let Err(err) = result {
            assert!(err.line.is_some(), "{err}");
        }
    }
    let csv_text = source::read_text(&data(CSV)).unwrap();
    for cut in (1..20).map(|step| step * csv_text.len() / 20).filter(|cut| csv_text.is_char_boundary(*cut)) {
        // A cut inside a quoted field or a row is refused; a cut between rows is a shorter index.
        if let Err(err) = icd10cm_index_csv::parse(Path::new(CSV), &csv_text[..cut]) {
            assert!(err.line.is_some(), "{err}");
        }
    }
}
