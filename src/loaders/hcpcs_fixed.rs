//! Loader for the CMS HCPCS Level II fixed-width "ANWEB" `.txt` file (320-character
//! records, FORMATS.md §1.2). Finds the record lines, joins each description from its
//! first line (RECID 3/7) and continuation lines (RECID 4/8), and hands the records to
//! [`hcpcs_record`](super::hcpcs_record) for the mapping to entries.

use std::path::Path;

use crate::codes::{EntryKind, ReleaseContent};

use super::hcpcs_record::{self, HcpcsRecord};
use super::{source, LoadError};

/// Characters in one record; shorter lines are padded with blanks.
const RECORD_WIDTH: usize = 320;

/// Loads a fixed-width HCPCS file (gzip allowed; UTF-8 or Windows-1252).
pub fn load(path: &Path) -> Result<ReleaseContent, LoadError> {
    let text = source::read_text(path)?;
    let records = parse_records(path, &text)?;
    if records.is_empty() {
        return Err(LoadError::file(path, "no HCPCS records (RECID 3 or 7 lines) found"));
    }
    hcpcs_record::build_release(path, records)
}

/// A first line whose continuation lines are still being collected.
struct Pending {
    record: HcpcsRecord,
    /// (SEQNUM, right-trimmed 80-character description chunk).
    chunks: Vec<(u32, String)>,
}

impl Pending {
    fn finish(mut self) -> HcpcsRecord {
        self.chunks.sort_by_key(|(seqnum, _)| *seqnum);
        let parts: Vec<&str> =
            self.chunks.iter().map(|(_, chunk)| chunk.as_str()).filter(|chunk| !chunk.is_empty()).collect();
        self.record.long_description = parts.join(" ");
        self.record
    }
}

fn parse_records(path: &Path, text: &str) -> Result<Vec<HcpcsRecord>, LoadError> {
    let mut records = Vec::new();
    let mut pending: Option<Pending> = None;
    for (index, line) in source::lines(text).enumerate() {
        let line_number = index + 1;
        let columns = Columns::new(line);
        let Some((seqnum, recid)) = columns.record_key() else {
            continue;
        };
        let chunk = columns.field(12, 91).trim_end().to_string();
        match recid {
            '3' | '7' => {
                let kind = if recid == '3' { EntryKind::Code } else { EntryKind::Modifier };
                records.extend(pending.take().map(Pending::finish));
                pending = Some(Pending {
                    record: columns.first_line_record(line_number, kind),
                    chunks: vec![(seqnum, chunk)],
                });
            }
            _ => {
                let kind = if recid == '4' { EntryKind::Code } else { EntryKind::Modifier };
                let code = columns.field(1, 5);
                match pending.as_mut() {
                    Some(open) if open.record.kind == kind && open.record.hcpc.trim() == code.trim() => {
                        open.chunks.push((seqnum, chunk));
                    }
                    _ => {
                        let reason = format!(
                            "continuation line (RECID {recid}) for {:?} without a preceding first line",
                            code.trim()
                        );
                        return Err(LoadError::at_line(path, line_number, reason));
                    }
                }
            }
        }
    }
    records.extend(pending.map(Pending::finish));
    Ok(records)
}

/// One physical line as characters (not bytes), padded to [`RECORD_WIDTH`].
struct Columns {
    chars: Vec<char>,
}

impl Columns {
    fn new(line: &str) -> Columns {
        let mut chars: Vec<char> = line.chars().collect();
        if chars.len() < RECORD_WIDTH {
            chars.resize(RECORD_WIDTH, ' ');
        }
        Columns { chars }
    }

    /// Columns `first..=last`, 1-based.
    fn field(&self, first: usize, last: usize) -> String {
        self.chars[first - 1..last].iter().collect()
    }

    /// (SEQNUM, RECID) when this is a record line: columns 6–10 digits, column 11 in {3,4,7,8}.
    fn record_key(&self) -> Option<(u32, char)> {
        let recid = self.chars[10];
        if !matches!(recid, '3' | '4' | '7' | '8') || !self.chars[5..10].iter().all(char::is_ascii_digit) {
            return None;
        }
        let seqnum = self.chars[5..10].iter().fold(0, |number, digit| number * 10 + digit.to_digit(10).unwrap_or(0));
        Some((seqnum, recid))
    }

    fn first_line_record(&self, line: usize, kind: EntryKind) -> HcpcsRecord {
        let mut record = HcpcsRecord::new(line, kind);
        record.hcpc = self.field(1, 5);
        record.short_description = self.field(92, 119);
        record.xrefs = (0..5).map(|n| self.field(205 + 5 * n, 209 + 5 * n)).collect();
        record.coverage = self.field(230, 230);
        record.betos = self.field(257, 259);
        record.added = self.field(269, 276);
        record.action_effective = self.field(277, 284);
        record.terminated = self.field(285, 292);
        record.action_code = self.field(293, 293);
        record
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::OnceLock;

    use super::*;
    use crate::codes::{CodeEntry, Date};

    const REAL_2020: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/hcpcs/HCPC2020_ANWEB_w_disclaimer.txt.gz");

    fn release_2020() -> &'static ReleaseContent {
        static RELEASE: OnceLock<ReleaseContent> = OnceLock::new();
        RELEASE.get_or_init(|| load(Path::new(REAL_2020)).unwrap())
    }

    fn entry<'a>(release: &'a ReleaseContent, code: &str) -> &'a CodeEntry {
        release.entries.iter().find(|e| e.code == code).unwrap()
    }

    fn date(text: &str) -> Option<Date> {
        Some(Date::parse(text).unwrap())
    }

    /// A record line with `fields` written at their 1-based starting columns.
    fn line(fields: &[(usize, &str)], width: usize) -> String {
        let mut chars = vec![' '; width];
        for (first, text) in fields {
            for (offset, ch) in text.chars().enumerate() {
                chars[first - 1 + offset] = ch;
            }
        }
        chars.into_iter().collect()
    }

    /// A temporary file removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(name: &str, bytes: &[u8]) -> TempFile {
            let file_name = format!("codify-hcpcs-fixed-{}-{name}", std::process::id());
            let path = std::env::temp_dir().join(file_name);
            std::fs::write(&path, bytes).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn real_2020_counts_and_groups() {
        let release = release_2020();
        let count = |kind| release.entries.iter().filter(|e| e.kind == kind).count();
        assert_eq!(count(EntryKind::Code), 6_710);
        assert_eq!(count(EntryKind::Modifier), 369);
        let ids: Vec<&str> = release.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "hcpcs-A",
                "hcpcs-B",
                "hcpcs-C",
                "hcpcs-E",
                "hcpcs-G",
                "hcpcs-H",
                "hcpcs-J",
                "hcpcs-K",
                "hcpcs-L",
                "hcpcs-M",
                "hcpcs-P",
                "hcpcs-Q",
                "hcpcs-R",
                "hcpcs-S",
                "hcpcs-T",
                "hcpcs-V",
                "hcpcs-modifiers"
            ]
        );
        let drugs = &release.nodes[6];
        assert_eq!(drugs.title, "Drugs administered other than oral method, chemotherapy drugs");
        assert_eq!(drugs.range, Some(("J0120".to_string(), "J9999".to_string())));
        assert!(release.entries.iter().all(|e| e.billable && e.node.is_some()));
    }

    #[test]
    fn real_2020_joins_continuation_lines() {
        // Five physical lines (RECID 3 + four RECID 4) in the 2020 file.
        let insert = entry(release_2020(), "A5514");
        assert_eq!(
            insert.title,
            "For diabetics only, multiple density insert, made by direct carving with cam technology from a \
             rectified cad model created from a digitized scan of the patient, total contact with patient's foot, \
             including arch, base layer minimum of 3/16 inch material of shore a 35 durometer (or higher), includes \
             arch filler and other shaping material, custom fabricated, each"
        );
        assert_eq!(insert.short_title.as_deref(), Some("Mult den insert dir carv/cam"));
        assert_eq!(insert.betos(), Some("D1F"));
        assert_eq!(insert.node.as_deref(), Some("hcpcs-A"));
    }

    #[test]
    fn real_2020_terminated_code_with_cross_reference() {
        let garment = entry(release_2020(), "A4466");
        assert_eq!(garment.added(), date("20100101"));
        assert_eq!(garment.action_effective(), date("20170101"));
        assert_eq!(garment.terminated(), date("20161231"));
        assert_eq!(garment.action_code(), Some('N'));
        assert_eq!(garment.replacements(), ["A4467"]);
        assert_eq!(garment.coverage(), Some("M"));
        assert_eq!(garment.betos(), Some("Z2"));
    }

    #[test]
    fn real_2020_code_active_then_and_terminated_by_2025() {
        let andexxa = entry(release_2020(), "C9041");
        assert_eq!(andexxa.title, "Injection, coagulation factor xa (recombinant), inactivated (andexxa), 10 mg");
        assert_eq!(andexxa.added(), date("20190401"));
        assert_eq!(andexxa.terminated(), None);
        assert_eq!(andexxa.action_code(), Some('A'));
        assert!(andexxa.replacements().is_empty());
        assert!(andexxa.in_force_on(Date::parse("2020-01-01").unwrap()));
    }

    #[test]
    fn real_2020_modifier() {
        let modifier = entry(release_2020(), "AA");
        assert_eq!(modifier.kind, EntryKind::Modifier);
        assert_eq!(modifier.title, "Anesthesia services performed personally by anesthesiologist");
        assert_eq!(modifier.short_title.as_deref(), Some("Anesthesia perf by anesgst"));
        assert_eq!(modifier.node.as_deref(), Some("hcpcs-modifiers"));
        assert_eq!(modifier.added(), date("19840101"));
        assert_eq!(modifier.action_effective(), date("20010101"));
        assert_eq!(modifier.coverage(), Some("D"));
        assert_eq!(modifier.betos(), None);
    }

    #[test]
    fn pads_short_lines_by_characters_and_orders_chunks_by_seqnum() {
        let first = line(
            &[
                (1, "J1234"),
                (6, "00100"),
                (11, "3"),
                (12, "Injection, the patient\u{2019}s drug,"),
                (92, "Inj drug\u{2019}s"),
                (205, "J9999"),
                (269, "20200101"),
                (277, "20200101"),
                (293, "A"),
            ],
            293,
        );
        let third = line(&[(1, "J1234"), (6, "00300"), (11, "4"), (12, "1 mg")], 91);
        let second = line(&[(1, "J1234"), (6, "00200"), (11, "4"), (12, "per")], 91);
        let text = format!("disclaimer line\r\n\r\n{first}\r\n{third}\r\n{second}\r\n");
        let file = TempFile::new("utf8.txt", text.as_bytes());
        let release = load(&file.0).unwrap();
        let drug = &release.entries[0];
        assert_eq!(drug.title, "Injection, the patient\u{2019}s drug, per 1 mg");
        assert_eq!(drug.short_title.as_deref(), Some("Inj drug\u{2019}s"));
        assert_eq!(drug.replacements(), ["J9999"]);
        assert_eq!(drug.added(), date("20200101"));
        assert_eq!(drug.action_code(), Some('A'));
    }

    #[test]
    fn bad_date_reports_its_physical_line() {
        let good = line(&[(1, "A0021"), (6, "00100"), (11, "3"), (12, "Ambulance"), (269, "20200101")], 320);
        let bad = line(&[(1, "A0080"), (6, "00100"), (11, "3"), (12, "Other"), (269, "2020011X")], 320);
        let text = format!("note\r\n\r\n{good}\r\n{bad}\r\n");
        let file = TempFile::new("bad-date.txt", text.as_bytes());
        let err = load(&file.0).unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(err.reason.contains("ADD DT"), "{}", err.reason);
        assert_eq!(err.file, file.0);
    }

    #[test]
    fn continuation_without_first_line_is_refused() {
        let first = line(&[(1, "A0021"), (6, "00100"), (11, "3"), (12, "Ambulance")], 320);
        let orphan = line(&[(1, "A0080"), (6, "00200"), (11, "4"), (12, "more text")], 91);
        let text = format!("{first}\n{orphan}\n");
        let file = TempFile::new("orphan.txt", text.as_bytes());
        let err = load(&file.0).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.reason.contains("without a preceding first line"), "{}", err.reason);

        let leading = TempFile::new("leading-orphan.txt", format!("{orphan}\n{first}\n").as_bytes());
        assert_eq!(load(&leading.0).unwrap_err().line, Some(1));
    }

    #[test]
    fn file_without_records_is_refused() {
        let file = TempFile::new("empty.txt", b"just a note\r\n");
        let err = load(&file.0).unwrap_err();
        assert_eq!(err.line, None);
    }
}
