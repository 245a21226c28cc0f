//! The one integration test binary: a module per feature.

mod catalog;
mod cli;
mod cli_output;
mod compare;
mod documents;
mod embed;
mod export;
mod live;
mod protocols;
mod search;
mod support;
mod urls;
mod web;
