//! Opaque page tokens: the offset of the next page, bound to the request that made it
//! and to the index it was computed on.

use std::hash::{Hash, Hasher};

const VERSION_PREFIX: &str = "c1";

/// Encodes the offset of the next page for a request fingerprint.
pub fn encode(offset: usize, fingerprint: u64) -> String {
    format!("{VERSION_PREFIX}{:016x}{:016x}", offset as u64 ^ fingerprint.rotate_left(17), fingerprint)
}

/// Decodes a token; `None` when malformed or made for another request or index.
pub fn decode(token: &str, fingerprint: u64) -> Option<usize> {
    let body = token.strip_prefix(VERSION_PREFIX)?;
    if body.len() != 32 || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let masked = u64::from_str_radix(&body[..16], 16).ok()?;
    let recorded = u64::from_str_radix(&body[16..], 16).ok()?;
    if recorded != fingerprint {
        return None;
    }
    usize::try_from(masked ^ fingerprint.rotate_left(17)).ok()
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
}
