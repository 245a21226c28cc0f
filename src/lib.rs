//! statusatlas: the reference for protocol status codes.
//!
//! The catalog (data files validated at load) feeds three pure domain
//! modules — lookup, search and compare — which the command line, the web
//! server and the static export all call in the same way.

pub mod catalog;
pub mod cli;
pub mod compare;
pub mod export;
pub mod markdown;
pub mod mcp;
pub mod relations;
pub mod search;
pub mod text;
pub mod web;
