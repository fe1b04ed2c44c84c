//! Codify: search, look up and validate US medical billing codes.
#![forbid(unsafe_code)]

pub mod codes;
pub mod loaders;
