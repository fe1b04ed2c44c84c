//! What the XML loaders (ICD-10-CM tabular, Alphabetic Index) share: the line of a byte
//! offset for error messages, and required attributes read with their reasons.

use quick_xml::events::BytesStart;
use quick_xml::XmlVersion;

/// The 1-based line of a byte offset (CRLF, LF and lone CR each end a line).
pub fn line_at(text: &str, offset: u64) -> usize {
    let bytes = text.as_bytes();
    let end = usize::try_from(offset).map_or(bytes.len(), |offset| offset.min(bytes.len()));
    let mut line = 1;
    for (at, byte) in bytes[..end].iter().enumerate() {
        if *byte == b'\n' || (*byte == b'\r' && bytes.get(at + 1) != Some(&b'\n')) {
            line += 1;
        }
    }
    line
}

/// The value of attribute `name` of `start`, or why it cannot be had.
pub fn required_attribute(start: &BytesStart<'_>, name: &str) -> Result<String, String> {
    let element = start.name().as_ref().to_string();
    match start.try_get_attribute(name) {
        Ok(Some(attr)) => match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => Ok(value.into_owned()),
            Err(err) => Err(format!("bad attribute {name} on <{element}>: {err}")),
        },
        Ok(None) => Err(format!("<{element}> without a {name} attribute")),
        Err(err) => Err(format!("malformed XML: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        assert_eq!(line_at("a\nb\r\nc\rd", 0), 1);
        assert_eq!(line_at("a\nb\r\nc\rd", 2), 2);
        assert_eq!(line_at("a\nb\r\nc\rd", 6), 3);
        assert_eq!(line_at("a\nb\r\nc\rd", 99), 4);
    }
}
