//! SHA-256 of release files, for the manifest's pins.

use std::io::Read;
use std::path::Path;

use super::LoadError;

/// The SHA-256 of a file, as lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String, LoadError> {
    let mut file = std::fs::File::open(path).map_err(|e| LoadError::file(path, format!("cannot read: {e}")))?;
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = file.read(&mut buffer).map_err(|e| LoadError::file(path, format!("cannot read: {e}")))?;
        if read == 0 {
            break;
        }
        context.update(&buffer[..read]);
    }
    Ok(context.finish().as_ref().iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_a_known_text() {
        let path = std::env::temp_dir().join(format!("codify-digest-{}", std::process::id()));
        std::fs::write(&path, b"abc").unwrap_or_else(|e| panic!("write: {e}"));
        let digest = sha256_file(&path);
        let _ = std::fs::remove_file(&path);
        assert_eq!(digest.ok().as_deref(), Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }
}
