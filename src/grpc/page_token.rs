//! Opaque page tokens: the offset of the next page, bound to the request that made it and
//! to the index it was computed on, and authenticated: the token carries an HMAC-SHA256 tag
//! over (request fingerprint, offset) under a key of the process (or of the deployment, when
//! `--page-token-key` gives every replica the same one), so a caller cannot forge an offset
//! or replay a token against another request.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

const VERSION_PREFIX: &str = "c2";
/// Bytes of the HMAC tag kept in a token.
const TAG_BYTES: usize = 16;

static KEY: OnceLock<hmac::Key> = OnceLock::new();

/// Sets the key tokens are signed with (the same on every replica, so a page made by one is
/// accepted by another). Returns false when a key was already in use.
pub fn set_key(secret: &[u8]) -> bool {
    KEY.set(hmac::Key::new(hmac::HMAC_SHA256, secret)).is_ok()
}

fn key() -> &'static hmac::Key {
    KEY.get_or_init(|| {
        let mut secret = [0u8; 32];
        if SystemRandom::new().fill(&mut secret).is_err() {
            // No system randomness: fall back to the standard library's random hasher keys.
            let state = std::collections::hash_map::RandomState::new();
            for (index, chunk) in secret.chunks_mut(8).enumerate() {
                let mut hasher = std::hash::BuildHasher::build_hasher(&state);
                hasher.write_usize(index);
                chunk.copy_from_slice(&hasher.finish().to_le_bytes());
            }
        }
        hmac::Key::new(hmac::HMAC_SHA256, &secret)
    })
}

fn tag(offset: u64, fingerprint: u64) -> hmac::Tag {
    let mut message = [0u8; 16];
    message[..8].copy_from_slice(&fingerprint.to_le_bytes());
    message[8..].copy_from_slice(&offset.to_le_bytes());
    hmac::sign(key(), &message)
}

/// Appends `bytes` to `text` as lower-case hex, two digits a byte.
fn push_hex(text: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 * bytes.len());
    push_hex(&mut text, bytes);
    text
}

/// Encodes the offset of the next page for a request fingerprint: the version, the offset in
/// 16 hex digits, the tag.
pub fn encode(offset: usize, fingerprint: u64) -> String {
    let offset = offset as u64;
    let signed = tag(offset, fingerprint);
    let mut token = String::with_capacity(VERSION_PREFIX.len() + 16 + 2 * TAG_BYTES);
    token.push_str(VERSION_PREFIX);
    push_hex(&mut token, &offset.to_be_bytes());
    push_hex(&mut token, &signed.as_ref()[..TAG_BYTES]);
    token
}

/// Decodes a token; `None` when malformed, forged, or made for another request or index.
pub fn decode(token: &str, fingerprint: u64) -> Option<usize> {
    let body = token.strip_prefix(VERSION_PREFIX)?;
    if body.len() != 16 + 2 * TAG_BYTES || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let offset = u64::from_str_radix(&body[..16], 16).ok()?;
    let expected = hex(&tag(offset, fingerprint).as_ref()[..TAG_BYTES]);
    // Compared without an early exit over the lower-cased tag text.
    let given = body[16..].to_ascii_lowercase();
    let difference = given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if difference != 0 {
        return None;
    }
    usize::try_from(offset).ok()
}

/// Fingerprint of everything that defines a result list (all but the page fields).
pub fn fingerprint(parts: impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_foreign_tokens() {
        let print = fingerprint(("diabetes", 10));
        let token = encode(30, print);
        assert_eq!(decode(&token, print), Some(30));
        assert_eq!(decode(&token, print ^ 1), None);
        assert_eq!(decode("garbage", print), None);
        assert_eq!(decode("", print), None);
        assert_eq!(decode(&token[..token.len() - 1], print), None);
    }

    #[test]
    fn a_token_is_the_version_the_offset_in_hex_and_the_tag() {
        let print = fingerprint(("diabetes", 10));
        let token = encode(0x1234_abcd, print);
        assert_eq!(&token[..2 + 16], "c2000000001234abcd");
        let tag_hex: String =
            tag(0x1234_abcd, print).as_ref()[..TAG_BYTES].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(&token[2 + 16..], tag_hex);
    }

    #[test]
    fn a_forged_offset_is_refused() {
        let print = fingerprint(("diabetes", 10));
        let token = encode(30, print);
        // The offset is in plain hex: change it and the tag no longer matches.
        let forged = format!("{VERSION_PREFIX}{:016x}{}", u64::MAX, &token[2 + 16..]);
        assert_eq!(decode(&forged, print), None);
        let forged = format!("{VERSION_PREFIX}{:016x}{}", 40u64, &token[2 + 16..]);
        assert_eq!(decode(&forged, print), None);
        // The tag is not a function of the offset and fingerprint alone.
        let unsigned = format!("{VERSION_PREFIX}{:016x}{}", 30u64, "0".repeat(2 * TAG_BYTES));
        assert_eq!(decode(&unsigned, print), None);
    }
}
