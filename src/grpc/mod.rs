//! The gRPC surface: generated types, request validation, service adapters, server
//! assembly, and the one error → status mapping.

pub mod admission;
pub mod alpha_index;
pub mod claims;
pub mod codec;
pub mod convert;
pub mod cpu_pool;
pub mod error;
pub mod incoming;
pub mod limits;
pub mod on_demand;
pub mod page_token;
pub mod pcs_browse;
pub mod proto;
pub mod releases;
pub mod server;
pub mod service;
pub mod suggest;
pub mod validate;
