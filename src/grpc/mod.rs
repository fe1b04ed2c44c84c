//! The gRPC surface: generated types, request validation, service adapters, server
//! assembly, and the one error → status mapping.

pub mod convert;
pub mod cpu_pool;
pub mod error;
pub mod limits;
pub mod page_token;
pub mod proto;
pub mod releases;
pub mod server;
pub mod service;
pub mod validate;
