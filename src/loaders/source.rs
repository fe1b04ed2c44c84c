//! Reading release files: transparent gzip (`.gz`) and text decoding
//! (UTF-8 with or without BOM, falling back to Windows-1252).

use std::io::Read;
use std::path::Path;

use super::LoadError;

/// Reads a file's bytes, gunzipping it when its name ends in `.gz`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    let raw = std::fs::read(path).map_err(|e| LoadError::file(path, format!("cannot read file: {e}")))?;
    if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("gz")) {
        let mut decoded = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut decoded)
            .map_err(|e| LoadError::file(path, format!("not a valid gzip file: {e}")))?;
        return Ok(decoded);
    }
    Ok(raw)
}

/// Reads a text file (gzip allowed): UTF-8 with an optional BOM, else Windows-1252.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    Ok(decode_text(read_bytes(path)?))
}

/// Decodes bytes as UTF-8 (BOM stripped), falling back to Windows-1252.
pub fn decode_text(bytes: Vec<u8>) -> String {
    let without_bom = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(without_bom) {
        Ok(text) => text,
        Err(err) => err.into_bytes().iter().map(|&b| cp1252_char(b)).collect(),
    }
}

/// Splits text into lines on CRLF, LF or lone CR (CMS files mix them).
/// A final empty line after the last line end is not yielded.
pub fn lines(text: &str) -> Lines<'_> {
    Lines { rest: text }
}

/// Iterator returned by [`lines`].
pub struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        match self.rest.find(['\r', '\n']) {
            None => {
                let line = self.rest;
                self.rest = "";
                Some(line)
            }
            Some(at) => {
                let line = &self.rest[..at];
                let skip = if self.rest[at..].starts_with("\r\n") { 2 } else { 1 };
                self.rest = &self.rest[at + skip..];
                Some(line)
            }
        }
    }
}

/// The Windows-1252 character for a byte.
pub fn cp1252_char(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02C6}',
        '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}', '\u{017D}', '\u{8F}', '\u{90}', '\u{2018}',
        '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}',
        '\u{203A}', '\u{0153}', '\u{9D}', '\u{017E}', '\u{0178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[(byte - 0x80) as usize],
        _ => byte as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_bom_utf8_and_cp1252() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc".to_vec()), "abc");
        assert_eq!(decode_text(b"it\x92s".to_vec()), "it\u{2019}s");
        assert_eq!(decode_text("caf\u{e9}".as_bytes().to_vec()), "caf\u{e9}");
    }

    #[test]
    fn splits_mixed_line_ends() {
        let got: Vec<&str> = lines("a\r\nb\rc\nd\r\n").collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        let blank: Vec<&str> = lines("a\n\nb").collect();
        assert_eq!(blank, ["a", "", "b"]);
    }
}
