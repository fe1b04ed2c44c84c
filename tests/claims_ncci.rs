//! The NCCI rule set loaded from the sample tables in `data/ncci-sample/` (edits written by
//! the Codify project for tests, in CMS's layouts; not CMS's edits) and the claim checks run
//! on them. Expected rows and lines are read off the sample files by hand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use codify::claims::ncci::{
    AocType, ClaimLine, ClaimType, ModifierIndicator, MueAdjudication, MueTableKind, NcciFinding, NcciRules,
    PtpTableKind,
};
use codify::codes::Date;
use codify::loaders::ncci;

const VERSION: &str = "sample-2026Q1";

fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/ncci-sample")
}

fn rules() -> &'static NcciRules {
    static RULES: OnceLock<NcciRules> = OnceLock::new();
    RULES.get_or_init(|| {
        let started = Instant::now();
        let rules = ncci::load_dir(&sample_dir(), VERSION).expect("the NCCI sample loads");
        eprintln!("ncci sample load: {:?}, {} heap bytes", started.elapsed(), rules.heap_bytes());
        rules
    })
}

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// A claim line owning its parts: (code, modifiers, units, date of service).
struct Owned(String, Vec<String>, u32, Date);

fn line(code: &str, modifiers: &[&str], units: u32, on: &str) -> Owned {
    Owned(code.to_string(), modifiers.iter().map(|m| m.to_string()).collect(), units, date(on))
}

fn claim(owned: &[Owned]) -> Vec<ClaimLine<'_>> {
    owned
        .iter()
        .enumerate()
        .map(|(index, Owned(code, modifiers, units, on))| ClaimLine {
            position: index + 1,
            code,
            modifiers,
            units: *units,
            date_of_service: *on,
        })
        .collect()
}

fn check(claim_type: ClaimType, owned: &[Owned]) -> Vec<NcciFinding> {
    rules().check_claim(claim_type, &claim(owned))
}

const DAY: &str = "2026-01-15";

#[test]
fn tables_load_with_their_rows() {
    let rules = rules();
    assert_eq!(rules.version(), VERSION);
    assert_eq!(rules.ptp(PtpTableKind::Practitioner).len(), 10);
    assert_eq!(rules.ptp(PtpTableKind::OutpatientHospital).len(), 5);
    assert_eq!(rules.mue(MueTableKind::Practitioner).len(), 14);
    assert_eq!(rules.mue(MueTableKind::OutpatientHospital).len(), 8);
    assert_eq!(rules.mue(MueTableKind::DmeSupplier).len(), 9);
    assert_eq!(rules.add_ons().len(), 11);
    let before_1996 = rules.ptp(PtpTableKind::Practitioner).iter().filter(|edit| edit.before_1996()).count();
    assert_eq!(before_1996, 1);
}

#[test]
fn bundled_pair_without_a_modifier() {
    let found = check(ClaimType::Practitioner, &[line("45385", &[], 1, DAY), line("45380", &[], 1, DAY)]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let NcciFinding::Ptp(ptp) = &found[0] else { panic!("{found:?}") };
    assert_eq!(
        (ptp.column1_line, ptp.column1_code.as_str(), ptp.column2_line, ptp.column2_code.as_str()),
        (1, "45385", 2, "45380")
    );
    assert_eq!(ptp.modifier_indicator, ModifierIndicator::Allowed);
    assert!(!ptp.bypassed && ptp.associated_modifiers.is_empty());
    assert!(ptp.bypass_modifiers.contains(&"59") && ptp.bypass_modifiers.contains(&"XS"));
    assert_eq!(
        ptp.rule_row,
        "NCCI sample-2026Q1 practitioner PTP, ccipra-sample-f1.txt line 12: column 1 45385, column 2 45380, in force \
         2010-01-01.., modifier indicator 1, rationale \"Standards of medical/surgical practice\""
    );
    assert_eq!(found[0].edit(), "PTP");
    assert_eq!(found[0].lines(), vec![1, 2]);
    assert!(found[0].to_string().starts_with(
        "PTP (practitioner): line 1 45385 / line 2 45380 on 2026-01-15, modifier indicator 1, not bypassed"
    ));
}

#[test]
fn bundled_pair_with_59_or_xs_is_bypassed() {
    for (column1_modifiers, column2_modifiers, expected) in
        [(&[][..], &["59"][..], "59"), (&["XS"][..], &[][..], "XS"), (&[][..], &["26", "xs"][..], "XS")]
    {
        let found = check(
            ClaimType::Practitioner,
            &[line("45385", column1_modifiers, 1, DAY), line("45380", column2_modifiers, 1, DAY)],
        );
        let [NcciFinding::Ptp(ptp)] = &found[..] else { panic!("{found:?}") };
        assert!(ptp.bypassed, "{ptp}");
        assert_eq!(ptp.associated_modifiers, vec![expected.to_string()]);
        assert!(ptp.to_string().contains(&format!("bypassed by {expected}")), "{ptp}");
    }
    let found = check(ClaimType::Practitioner, &[line("45385", &["26"], 1, DAY), line("45380", &["51"], 1, DAY)]);
    let [NcciFinding::Ptp(ptp)] = &found[..] else { panic!("{found:?}") };
    assert!(!ptp.bypassed, "26 and 51 are not NCCI-associated");
}

#[test]
fn indicator_zero_pair_with_59_is_still_an_edit() {
    let found = check(ClaimType::Practitioner, &[line("45380", &[], 1, DAY), line("45378", &["59"], 1, DAY)]);
    let [NcciFinding::Ptp(ptp)] = &found[..] else { panic!("{found:?}") };
    assert_eq!(ptp.modifier_indicator, ModifierIndicator::NotAllowed);
    assert!(!ptp.bypassed);
    assert_eq!(ptp.associated_modifiers, vec!["59".to_string()]);
    assert!(ptp.bypass_modifiers.is_empty());
    assert!(ptp.rule_row.contains("ccipra-sample-f1.txt line 11:"), "{}", ptp.rule_row);
    let retro =
        check(ClaimType::Practitioner, &[line("45380", &[], 1, "2009-01-01"), line("45378", &[], 1, "2009-01-01")]);
    assert!(retro.is_empty(), "the retroactively deleted row (indicator 9) never fires: {retro:?}");
}

#[test]
fn indicator_nine_never_fires() {
    let on = "2015-01-01";
    let edit = rules().ptp_edit(ClaimType::Practitioner, "93306", "93000", date(on)).unwrap();
    assert_eq!((edit.modifier_indicator(), edit.line()), (ModifierIndicator::NotApplicable, 14));
    assert!(check(ClaimType::Practitioner, &[line("93306", &[], 1, on), line("93000", &[], 1, on)]).is_empty());
}

#[test]
fn a_deleted_edit_fires_through_its_deletion_date_only() {
    let pair = |on: &str| check(ClaimType::Practitioner, &[line("96372", &[], 1, on), line("36415", &[], 1, on)]);
    let last_day = pair("2023-12-31");
    let [NcciFinding::Ptp(ptp)] = &last_day[..] else { panic!("{last_day:?}") };
    assert!(
        ptp.rule_row.contains("line 15:") && ptp.rule_row.contains("in force 2012-01-01..2023-12-31"),
        "{}",
        ptp.rule_row
    );
    assert!(pair("2024-01-01").is_empty(), "the deletion date is the last day in force");
    assert!(pair(DAY).is_empty());
    assert!(pair("2011-12-31").is_empty(), "before the effective date");
}

#[test]
fn codes_on_different_dates_are_no_pair() {
    assert!(
        check(ClaimType::Practitioner, &[line("45385", &[], 1, DAY), line("45380", &[], 1, "2026-01-16")]).is_empty()
    );
}

#[test]
fn claim_type_picks_the_ptp_table() {
    let chemo = [line("96413", &[], 1, DAY), line("96372", &[], 1, DAY)];
    assert!(check(ClaimType::Practitioner, &chemo).is_empty());
    let found = check(ClaimType::OutpatientHospital, &chemo);
    let [NcciFinding::Ptp(ptp)] = &found[..] else { panic!("{found:?}") };
    assert_eq!(ptp.table, PtpTableKind::OutpatientHospital);
    assert!(ptp.rule_row.starts_with("NCCI sample-2026Q1 outpatient hospital PTP, ccioph-sample-f1.txt line 9:"));
    let visits = check(ClaimType::OutpatientHospital, &[line("99284", &[], 1, DAY), line("99283", &["27"], 1, DAY)]);
    let [NcciFinding::Ptp(ptp)] = &visits[..] else { panic!("{visits:?}") };
    assert!(ptp.bypassed, "27 bypasses an indicator-1 edit");
    let visit_and_injection = [line("20610", &[], 1, DAY), line("99213", &["25"], 1, DAY)];
    assert!(check(ClaimType::OutpatientHospital, &visit_and_injection).is_empty());
    let found = check(ClaimType::Practitioner, &visit_and_injection);
    let [NcciFinding::Ptp(ptp)] = &found[..] else { panic!("{found:?}") };
    assert!(ptp.bypassed && ptp.associated_modifiers == ["25"]);
    let found = check(ClaimType::DmeSupplier, &visit_and_injection);
    assert_eq!(found.len(), 1, "DME supplier claims use the practitioner PTP table");
}

#[test]
fn mue_line_edit_over_and_at_the_limit() {
    assert!(check(ClaimType::Practitioner, &[line("97110", &[], 4, DAY)]).is_empty(), "4 units at an MUE of 4");
    let two_lines = check(ClaimType::Practitioner, &[line("97110", &[], 3, DAY), line("97110", &["59"], 3, DAY)]);
    assert!(two_lines.is_empty(), "a line edit compares each line alone: {two_lines:?}");
    let found = check(ClaimType::Practitioner, &[line("97110", &[], 5, DAY)]);
    let [NcciFinding::Mue(mue)] = &found[..] else { panic!("{found:?}") };
    assert_eq!((mue.adjudication, mue.mue_value, mue.units, mue.lines.clone()), (MueAdjudication::Line, 4, 5, vec![1]));
    assert_eq!(
        mue.rule_row,
        "NCCI sample-2026Q1 practitioner MUE, MCR_MUE_PractitionerServices_sample.csv line 15: 97110, MUE value 4, \
         adjudication \"1 Line Edit\", rationale \"Clinical: Data\""
    );
}

#[test]
fn mue_date_of_service_edit_over_and_at_the_limit() {
    assert!(check(ClaimType::Practitioner, &[line("36415", &[], 1, DAY), line("36415", &[], 1, DAY)]).is_empty());
    let split = [line("36415", &[], 2, DAY), line("36415", &[], 2, "2026-01-16")];
    assert!(check(ClaimType::Practitioner, &split).is_empty(), "each date is summed on its own");
    let found = check(
        ClaimType::Practitioner,
        &[line("36415", &[], 1, DAY), line("99213", &[], 1, DAY), line("36415", &["91"], 2, DAY)],
    );
    let [NcciFinding::Mue(mue)] = &found[..] else { panic!("{found:?}") };
    assert_eq!((mue.adjudication, mue.mue_value, mue.units), (MueAdjudication::DateOfServiceClinical, 2, 3));
    assert_eq!(mue.lines, vec![1, 3]);
    assert!(
        mue.rule_row.contains("MCR_MUE_PractitionerServices_sample.csv line 8: 36415, MUE value 2"),
        "{}",
        mue.rule_row
    );
    let hospital = check(ClaimType::OutpatientHospital, &[line("36415", &[], 2, DAY)]);
    let [NcciFinding::Mue(mue)] = &hospital[..] else { panic!("{hospital:?}") };
    assert_eq!(
        (mue.table, mue.mue_value, mue.adjudication),
        (MueTableKind::OutpatientHospital, 1, MueAdjudication::DateOfServicePolicy)
    );
    assert!(mue.rule_row.contains("outpatient hospital MUE, MCR_MUE_OutpatientHospitalServices_sample.csv line 6:"));
}

#[test]
fn dme_codes_on_professional_claims_use_the_dme_supplier_table() {
    let (table, edit) = rules().mue_for(ClaimType::Practitioner, "e0601").unwrap();
    assert_eq!((table.kind(), edit.value(), edit.line()), (MueTableKind::DmeSupplier, 1, 11));
    assert_eq!(rules().mue_for(ClaimType::Practitioner, "36415").unwrap().0.kind(), MueTableKind::Practitioner);
    assert!(rules().mue_for(ClaimType::DmeSupplier, "36415").is_none());
    assert!(rules().mue_for(ClaimType::OutpatientHospital, "E0601").is_none());
    let found = check(ClaimType::Practitioner, &[line("E0601", &[], 2, DAY)]);
    let [NcciFinding::Mue(mue)] = &found[..] else { panic!("{found:?}") };
    assert_eq!(mue.table, MueTableKind::DmeSupplier);
    assert_eq!(check(ClaimType::DmeSupplier, &[line("A4253", &[], 2, DAY), line("A4253", &[], 2, DAY)]).len(), 1);
}

#[test]
fn add_on_alone_and_with_its_primary() {
    let alone = check(ClaimType::Practitioner, &[line("G2211", &[], 1, DAY)]);
    let [NcciFinding::AddOn(aoc)] = &alone[..] else { panic!("{alone:?}") };
    assert_eq!((aoc.add_on_line, aoc.add_on_code.as_str(), aoc.aoc_type), (1, "G2211", AocType::One));
    let listed: Vec<&str> = aoc.listed_primaries.iter().map(|code| code.as_str()).collect();
    assert_eq!(
        listed,
        ["99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"],
        "99211's row ended 2024-12-31"
    );
    assert!(!aoc.contractor_may_accept_others);
    let first_row = "NCCI sample-2026Q1 AOC, AOC_sample-MCR.txt: line 5: add-on G2211 primary 99202 type 1, \
                     edit in force 2024-01-01..;";
    assert!(aoc.rule_row.starts_with(first_row), "{}", aoc.rule_row);
    assert!(check(ClaimType::Practitioner, &[line("99213", &[], 1, DAY), line("G2211", &[], 1, DAY)]).is_empty());
    assert_eq!(check(ClaimType::Practitioner, &[line("99211", &[], 1, DAY), line("G2211", &[], 1, DAY)]).len(), 1);
    let in_2024 = [line("99211", &[], 1, "2024-06-03"), line("G2211", &[], 1, "2024-06-03")];
    assert!(check(ClaimType::Practitioner, &in_2024).is_empty());

    let vaccine = check(ClaimType::Practitioner, &[line("96372", &[], 1, DAY), line("90472", &[], 1, DAY)]);
    let [NcciFinding::AddOn(aoc)] = &vaccine[..] else { panic!("{vaccine:?}") };
    assert!(aoc.aoc_type == AocType::Three && aoc.contractor_may_accept_others);
    assert!(check(ClaimType::Practitioner, &[line("90471", &[], 1, DAY), line("90472", &[], 1, DAY)]).is_empty());

    let microscope = check(ClaimType::Practitioner, &[line("69990", &[], 1, DAY)]);
    let [NcciFinding::AddOn(aoc)] = &microscope[..] else { panic!("{microscope:?}") };
    assert!(aoc.aoc_type == AocType::Two && aoc.listed_primaries.is_empty());
    assert!(check(ClaimType::Practitioner, &[line("64721", &[], 1, DAY), line("69990", &[], 1, DAY)]).is_empty());
}

/// A 20-line practitioner claim over two days: what fires, and how long the check takes.
#[test]
fn a_twenty_line_claim() {
    let next_day = "2026-01-16";
    let owned = [
        line("99213", &["25"], 1, DAY),
        line("G2211", &[], 1, DAY),
        line("20610", &["RT"], 1, DAY),
        line("J3301", &[], 4, DAY),
        line("36415", &[], 1, DAY),
        line("36415", &[], 2, DAY),
        line("80053", &[], 1, DAY),
        line("85025", &[], 1, DAY),
        line("45385", &[], 1, DAY),
        line("45380", &["XS"], 1, DAY),
        line("45378", &["59"], 1, DAY),
        line("97110", &[], 5, DAY),
        line("97140", &[], 2, DAY),
        line("90471", &[], 1, DAY),
        line("90472", &[], 2, DAY),
        line("90686", &[], 1, DAY),
        line("E0601", &[], 1, DAY),
        line("93000", &[], 1, next_day),
        line("G2211", &[], 1, next_day),
        line("74177", &[], 1, next_day),
    ];
    let found = check(ClaimType::Practitioner, &owned);
    let summary: Vec<String> =
        found.iter().map(|finding| format!("{} {:?}", finding.edit(), finding.lines())).collect();
    let expected = ["PTP [3, 1]", "PTP [9, 10]", "PTP [10, 11]", "MUE [5, 6]", "MUE [12]", "AOC [19]"];
    assert_eq!(summary, expected, "{found:#?}");
    let NcciFinding::Ptp(visit) = &found[0] else { panic!("{found:?}") };
    assert_eq!(visit.associated_modifiers, ["RT", "25"], "column 1 line first");
    let bypassed: Vec<bool> = found
        .iter()
        .filter_map(|finding| if let NcciFinding::Ptp(ptp) = finding { Some(ptp.bypassed) } else { None })
        .collect();
    assert_eq!(bypassed, [true, true, false]);

    let lines = claim(&owned);
    let rounds = 20_000u32;
    let started = Instant::now();
    let mut total = 0usize;
    for _ in 0..rounds {
        total += rules().check_claim(ClaimType::Practitioner, std::hint::black_box(&lines)).len();
    }
    let per_claim = started.elapsed() / rounds;
    assert_eq!(total, 6 * rounds as usize);
    eprintln!("ncci check, 20-line claim on the sample tables: {per_claim:?} per claim");
    assert!(per_claim.as_millis() < 5, "{per_claim:?}");
}

/// Copies the sample tables into a scratch directory with line `line` of `file` replaced.
fn corrupt(name: &str, file: &str, line: usize, replacement: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codify-ncci-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(sample_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let target = dir.join(file);
    let text = std::fs::read_to_string(&target).unwrap();
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    lines[line - 1] = replacement;
    std::fs::write(&target, lines.join("\r\n")).unwrap();
    dir
}

#[test]
fn a_malformed_line_is_refused_with_its_file_and_line_number() {
    let cases = [
        (
            "ptp",
            "ccipra-sample-f1.txt",
            9,
            "29881\t20610\t\t20120101\t*\t2\tStandards",
            "modifier indicator must be 0, 1 or 9",
        ),
        ("ptp-date", "ccioph-sample-f1.txt", 8, "74177\t74176\t\t20110101\t2010\t0\tx", "deletion date must be"),
        (
            "mue",
            "MCR_MUE_PractitionerServices_sample.csv",
            8,
            "36415,two,3 Date of Service Edit: Clinical,x",
            "MUE value",
        ),
        ("mue-mai", "MCR_MUE_DMESupplierServices_sample.csv", 11, "E0601,1,4 Some Edit,x", "adjudication indicator"),
        ("aoc", "AOC_sample-MCR.txt", 5, "G2211\t99202\t\t\t4\t2024001\t\t", "AOC edit type"),
    ];
    for (name, file, line, replacement, reason) in cases {
        let dir = corrupt(name, file, line, replacement);
        let error = ncci::load_dir(&dir, VERSION).unwrap_err();
        assert_eq!(error.file, dir.join(file), "{name}: {error}");
        assert_eq!(error.line, Some(line), "{name}: {error}");
        assert!(error.reason.contains(reason), "{name}: {error}");
        assert!(error.to_string().contains(&format!("{file}:{line}: ")), "{error}");
    }
}

#[test]
fn a_directory_without_ncci_files_is_refused() {
    let error = ncci::load_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mce").as_path(), VERSION).unwrap_err();
    assert!(error.reason.contains("no NCCI file"), "{error}");
}

/// Load and check at CMS's scale: a synthetic practitioner PTP table of 2.6 million rows (the
/// size of a real quarter, FORMATS.md §3.1), in 4 files. Run with
/// `cargo test --release --test claims_ncci -- --ignored --nocapture`.
#[test]
#[ignore = "writes ~150 MB to the temp directory; run by hand for figures"]
fn load_and_check_at_cms_scale() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("codify-ncci-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let header = std::fs::read_to_string(sample_dir().join("ccipra-sample-f1.txt")).unwrap();
    let preamble: Vec<&str> = header.split("\r\n").take(6).collect();
    let rationales = [
        "Standards of medical/surgical practice",
        "Mutually exclusive procedures",
        "CPT Manual or CMS manual coding instruction",
    ];
    let mut paths = Vec::new();
    let mut row = 0u64;
    for part in 1..=4 {
        let path = dir.join(format!("ccipra-scale-f{part}.txt"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        write!(out, "{}\r\n", preamble.join("\r\n")).unwrap();
        for _ in 0..650_000 {
            let column1 = 10_000 + row / 200;
            let column2 = 10_000 + (row * 7919) % 90_000;
            let deletion = if row.is_multiple_of(10) { "20231231" } else { "*" };
            let indicator = ["0", "1", "1", "9"][(row % 4) as usize];
            write!(
                out,
                "{column1:05}\t{column2:05}\t\t20100101\t{deletion}\t{indicator}\t{}\r\n",
                rationales[(row % 3) as usize]
            )
            .unwrap();
            row += 1;
        }
        out.flush().unwrap();
        paths.push(path);
    }
    let bytes: u64 = paths.iter().map(|path| std::fs::metadata(path).unwrap().len()).sum();
    let started = Instant::now();
    let table = ncci::load_ptp(PtpTableKind::Practitioner, &paths).unwrap();
    let load = started.elapsed();
    eprintln!(
        "ptp load: {} rows, {} MB of text, {load:?}, {} MB heap",
        table.len(),
        bytes / 1_000_000,
        table.heap_bytes() / 1_000_000
    );
    assert_eq!(table.len(), 2_600_000);
    let rules = NcciRules::new("scale").with_ptp(table);
    let owned: Vec<Owned> = (0..20).map(|index| line(&format!("{:05}", 10_000 + index * 37), &[], 1, DAY)).collect();
    let lines = claim(&owned);
    let rounds = 20_000u32;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(rules.check_claim(ClaimType::Practitioner, std::hint::black_box(&lines)));
    }
    eprintln!("ncci check, 20-line claim on 2.6 M PTP rows: {:?} per claim", started.elapsed() / rounds);
    std::fs::remove_dir_all(&dir).unwrap();
}
