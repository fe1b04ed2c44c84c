//! cargo-fuzz target: `codify::fuzz_targets::load_mce` must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = codify::fuzz_targets::load_mce(data);
});
