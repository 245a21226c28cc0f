//! The one integration test binary: a module per feature.

mod api_contract;
mod catalog;
mod cli;
mod cli_output;
mod compare;
mod conformance;
mod constants;
mod documents;
mod embed;
mod explain;
mod explain_web;
mod export;
mod hardening;
mod live;
mod mcp;
mod protocols;
mod search;
mod serving;
mod support;
mod urls;
mod web;
