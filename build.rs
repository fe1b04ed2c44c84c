//! Compiles `proto/` with protox (pure Rust, no protoc) and tonic-prost-build, and writes
//! a file descriptor set for server reflection.

use std::path::PathBuf;

const PROTO_FILES: &[&str] = &["proto/codify/v1/codify.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for file in PROTO_FILES {
        println!("cargo:rerun-if-changed={file}");
    }
    let descriptors = protox::compile(PROTO_FILES, ["proto"])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out_dir.join("codify_descriptor.bin"), prost::Message::encode_to_vec(&descriptors))?;
    // Undecodable requests are INVALID_ARGUMENT, not tonic's INTERNAL (src/grpc/codec.rs).
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .codec_path("crate::grpc::codec::StrictProstCodec")
        .compile_fds(descriptors)?;
    Ok(())
}
