//! The one integration test binary: a module per feature.

mod catalog;
mod cli;
mod compare;
mod embed;
mod explain;
mod export;
mod live;
mod mcp;
mod protocols;
mod search;
mod support;
mod web;
