//! What the XML loaders (ICD-10-CM tabular, Alphabetic Index, ICD-10-PCS tables, index and
//! definitions) share: the event loop, the line of a byte offset for error messages, and
//! required attributes read with their reasons.

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// What [`read_events`] hands a loader's parser.
pub enum XmlEvent<'e, 'x> {
    /// An element opens (empty elements open and then close).
    Start(&'e BytesStart<'x>),
    /// The open element closes.
    End,
    /// Text, CDATA or a resolved character / predefined entity reference.
    Text(&'e str),
    /// The end of the text (at its offset: errors found when the parser finishes point there).
    Eof,
}

/// Reads `text` event by event, handing each to `handle` with the byte offset where it starts.
/// Malformed XML and unknown entity references become `malformed(offset, reason)`; the first
/// error `handle` returns ends the reading.
pub fn read_events<E>(
    text: &str,
    mut handle: impl FnMut(XmlEvent<'_, '_>, u64) -> Result<(), E>,
    malformed: impl Fn(u64, String) -> E,
) -> Result<(), E> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    loop {
        let offset = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => return Err(malformed(reader.error_position(), format!("malformed XML: {err}"))),
        };
        match event {
            Event::Start(start) => handle(XmlEvent::Start(&start), offset)?,
            Event::End(_) => handle(XmlEvent::End, offset)?,
            Event::Text(text) => handle(XmlEvent::Text(&text.xml10_content()), offset)?,
            Event::CData(data) => handle(XmlEvent::Text(&data.xml10_content()), offset)?,
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch.to_string()),
                    Ok(None) => resolve_xml_entity(&reference).map(str::to_string),
                    Err(_) => None,
                };
                let Some(replacement) = resolved else {
                    return Err(malformed(offset, format!("unknown entity &{};", &*reference)));
                };
                handle(XmlEvent::Text(&replacement), offset)?;
            }
            Event::Eof => return handle(XmlEvent::Eof, offset),
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
