//! statusatlas: the reference for protocol status codes.
//!
//! The catalog (data files validated at load) feeds the pure domain
//! modules — lookup, search, compare and explain — which the command line,
//! the web server and the static export all call in the same way.

pub mod catalog;
pub mod cli;
pub mod compare;
pub mod explain;
pub mod export;
pub mod listeners;
pub mod live_grpc;
pub mod markdown;
pub mod mcp;
pub mod relations;
pub mod search;
pub mod text;
pub mod web;
