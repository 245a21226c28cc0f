//! The one integration test binary: a module per feature.

mod api_contract;
mod catalog;
mod cli;
mod cli_output;
mod compare;
mod conformance;
mod constants;
mod dns;
mod documents;
mod embed;
mod explain;
mod explain_web;
mod export;
mod ftp;
mod hardening;
mod live;
mod live_grpc;
mod live_flows;
mod mcp;
mod protocols;
mod search;
mod sip;
mod smtp;
mod support;
mod urls;
mod web;
