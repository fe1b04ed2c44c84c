//! A strict reader of comma-separated records over decoded text, for the CMS CSV files
//! (NCCI MUE tables, CMS-HCC mappings). RFC 4180 quoting: a quoted field may hold commas,
//! doubled quotes and line breaks (the MUE notice and header do). Each record carries the
//! 1-based line it starts on, so a loader can refuse it with that line. A quote inside an
//! unquoted field, text after a closing quote and an unterminated quote are errors.

/// One record: its fields and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRecord {
    /// 1-based line of the record's first character.
    pub line: usize,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

impl CsvRecord {
    /// Whether every field is empty or blank (an empty line, or `,,,`).
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|field| field.trim().is_empty())
    }

    /// The fields without trailing empty ones (spreadsheet exports pad rows with `,`).
    pub fn trimmed_fields(&self) -> &[String] {
        let keep = self.fields.iter().rposition(|field| !field.trim().is_empty()).map_or(0, |last| last + 1);
        &self.fields[..keep]
    }
}

/// A record that could not be read: the line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line where the problem is.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The records of `text`; iteration stops after the first error.
pub fn records(text: &str) -> CsvRecords<'_> {
    CsvRecords { text, pos: 0, line: 1 }
}

/// Iterator returned by [`records`].
#[derive(Debug)]
pub struct CsvRecords<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl CsvRecords<'_> {
    /// Consumes a line end at `pos` (CRLF, LF or CR) and counts it.
    fn line_end(&mut self) {
        let bytes = self.text.as_bytes();
        let crlf = bytes.get(self.pos) == Some(&b'\r') && bytes.get(self.pos + 1) == Some(&b'\n');
        self.pos += if crlf { 2 } else { 1 };
        self.line += 1;
    }

    fn fail(&mut self, line: usize, reason: String) -> Option<Result<CsvRecord, CsvError>> {
        self.pos = self.text.len();
        Some(Err(CsvError { line, reason }))
    }

    /// A quoted field starting at `pos` (on the opening quote); `Err` when unterminated.
    fn quoted(&mut self) -> Result<String, usize> {
        let bytes = self.text.as_bytes();
        let start_line = self.line;
        self.pos += 1;
        let mut value = String::new();
        let mut segment = self.pos;
        loop {
            match bytes.get(self.pos) {
                None => return Err(start_line),
                Some(b'"') if bytes.get(self.pos + 1) == Some(&b'"') => {
                    value.push_str(&self.text[segment..=self.pos]);
                    self.pos += 2;
                    segment = self.pos;
                }
                Some(b'"') => {
                    value.push_str(&self.text[segment..self.pos]);
                    self.pos += 1;
                    return Ok(value);
                }
                Some(b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(b'\r') => {
                    if bytes.get(self.pos + 1) != Some(&b'\n') {
                        self.line += 1;
                    }
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
    }
}

impl Iterator for CsvRecords<'_> {
    type Item = Result<CsvRecord, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let record_line = self.line;
        let mut fields = Vec::new();
        loop {
            if bytes.get(self.pos) == Some(&b'"') {
                match self.quoted() {
                    Ok(value) => fields.push(value),
                    Err(line) => return self.fail(line, "quoted field is never closed".to_string()),
                }
            } else {
                let rest = &self.text[self.pos..];
                let end = rest.find([',', '\r', '\n']).unwrap_or(rest.len());
                let value = &rest[..end];
                if value.contains('"') {
                    return self.fail(self.line, format!("quote inside an unquoted field: {:?}", short(value)));
                }
                fields.push(value.to_string());
                self.pos += end;
            }
            match bytes.get(self.pos) {
                None => break,
                Some(b',') => self.pos += 1,
                Some(b'\r' | b'\n') => {
                    self.line_end();
                    break;
                }
                Some(_) => {
                    let after: String = self.text[self.pos..].chars().take(20).collect();
                    return self.fail(self.line, format!("text after a closing quote: {after:?}"));
                }
            }
        }
        Some(Ok(CsvRecord { line: record_line, fields }))
    }
}

/// At most 40 characters of `text`, for error messages.
pub fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Result<CsvRecord, CsvError>> {
        records(text).collect()
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text = "\"Notice,\r\nsecond line\",,,\r\n\"HCPCS/\nCPT Code\",Values,\"say \"\"hi\"\"\",\r\nA0001,2,x,y";
        let got: Vec<CsvRecord> = all(text).into_iter().map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].line, 1);
        assert_eq!(got[0].fields, vec!["Notice,\r\nsecond line", "", "", ""]);
        assert_eq!(got[1].line, 3);
        assert_eq!(got[1].fields, vec!["HCPCS/\nCPT Code", "Values", "say \"hi\"", ""]);
        assert_eq!(got[1].trimmed_fields().len(), 3);
        assert_eq!(got[2].line, 5);
        assert_eq!(got[2].fields, vec!["A0001", "2", "x", "y"]);
    }

    #[test]
    fn blank_records_and_line_counting() {
        let got: Vec<CsvRecord> = all("a,b\n\n,,\nc,d\n").into_iter().map(Result::unwrap).collect();
        assert_eq!(got.iter().map(|record| record.line).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert!(got[1].is_blank() && got[2].is_blank() && !got[3].is_blank());
    }

    #[test]
    fn malformed_quoting_is_refused_with_its_line() {
        let unclosed = all("a,b\nc,\"open\nstill open");
        assert_eq!(unclosed.last().unwrap().as_ref().unwrap_err().line, 2);
        let stray = all("a,b\nc,d\"e\n");
        let error = stray.last().unwrap().as_ref().unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.reason.contains("quote inside"), "{}", error.reason);
        let after = all("\"a\"b,c\n");
        assert!(after[0].as_ref().unwrap_err().reason.contains("after a closing quote"));
        assert_eq!(all("x\n\"y\"").len(), 2);
    }
}
