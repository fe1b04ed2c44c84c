//! Keeping resident memory close to what the service holds: vectors cut to their length,
//! and the memory an engine build freed handed back when it ends.

use std::sync::OnceLock;

/// How the binary hands freed memory back to the system (its allocator's collect).
static RELEASE_FREED: OnceLock<fn()> = OnceLock::new();

/// Sets the function that hands the memory an engine build freed back to the system; the
/// library calls it after every build, at start-up and on reload, whether the build
/// succeeded or not (the binary also ends its start-up purge policy there). Only the first
/// call has an effect.
pub fn on_release_freed(hook: fn()) {
    let _ = RELEASE_FREED.set(hook);
}

/// Hands the memory a build freed back to the system, when the binary said how.
pub fn release_freed() {
    if let Some(hook) = RELEASE_FREED.get() {
        hook();
    }
}

/// `vec` in an allocation of exactly its length. `Vec::shrink_to_fit` asks the allocator to
/// shrink in place, and mimalloc keeps a block that is shrunk by less than half: a vector
/// grown by doubling would keep up to half of its bytes reserved. Moving the elements into
/// a new allocation frees the old one whole.
pub fn exact_vec<T>(vec: Vec<T>) -> Vec<T> {
    if vec.capacity() == vec.len() {
        return vec;
    }
    let mut exact = Vec::with_capacity(vec.len());
    exact.extend(vec);
    exact
}

#[cfg(test)]
mod tests {
    use super::exact_vec;

    #[test]
    fn keeps_the_elements_in_order_without_spare_capacity() {
        let mut grown: Vec<String> = Vec::new();
        (0..1000).for_each(|n| grown.push(n.to_string()));
        assert!(grown.capacity() > grown.len());
        let exact = exact_vec(grown);
        assert_eq!(exact.capacity(), 1000);
        assert_eq!(exact.first().map(String::as_str), Some("0"));
        assert_eq!(exact.last().map(String::as_str), Some("999"));
    }
}
