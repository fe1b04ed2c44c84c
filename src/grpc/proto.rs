//! Generated protobuf messages, gRPC server and client for `codify.v1`.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

tonic::include_proto!("codify.v1");

/// Encoded file descriptor set of the `codify.v1` protos, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("codify_descriptor");
