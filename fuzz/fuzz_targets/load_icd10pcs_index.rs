//! cargo-fuzz target: `codify::fuzz_targets::load_icd10pcs_index` must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = codify::fuzz_targets::load_icd10pcs_index(data);
});
