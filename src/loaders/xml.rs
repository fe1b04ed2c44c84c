//! What the XML loaders (ICD-10-CM tabular, Alphabetic Index, ICD-10-PCS tables, index and
//! definitions) share: the event loop, the line of a byte offset for error messages, and
//! required attributes read with their reasons.

use std::path::Path;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::LoadError;

/// A loader's parser, fed the events of an XML text by [`parse_events`].
pub trait EventParser {
    /// Notes the byte offset where the next event starts (errors point at its line).
    fn at(&mut self, offset: u64);
    /// An element opens (empty elements open and then close).
    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), LoadError>;
    /// The open element closes.
    fn end(&mut self) -> Result<(), LoadError>;
    /// Text, CDATA or a resolved character / predefined entity reference.
    fn push_text(&mut self, text: &str);
}

/// Reads `text` event by event into `parser`. Malformed XML and unknown entity references are
/// refused at their line of `path`; so is the first error the parser returns. At the end the
/// parser has been told the text's length, so that what it finds missing points there.
pub fn parse_events(path: &Path, text: &str, parser: &mut impl EventParser) -> Result<(), LoadError> {
    let malformed = |offset: u64, reason: String| LoadError::at_line(path, line_at(text, offset), reason);
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    loop {
        let offset = reader.buffer_position();
        parser.at(offset);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => return Err(malformed(reader.error_position(), format!("malformed XML: {err}"))),
        };
        match event {
            Event::Start(start) => parser.start(&start)?,
            Event::End(_) => parser.end()?,
            Event::Text(text) => parser.push_text(&text.xml10_content()),
            Event::CData(data) => parser.push_text(&data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch.to_string()),
                    Ok(None) => resolve_xml_entity(&reference).map(str::to_string),
                    Err(_) => None,
                };
                let Some(replacement) = resolved else {
                    return Err(malformed(offset, format!("unknown entity &{};", &*reference)));
                };
                parser.push_text(&replacement);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

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
