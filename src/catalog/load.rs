//! Parsing the data files and building the catalog. Every problem found is
//! collected, so one run shows all of them instead of the first.

use super::constants::RawEcosystems;
use super::guide::RawGuide;
use super::headers::{HeaderField, RawHeaders};
use super::model::{Entry, RawFile, RawPairs, RawSituations};
use super::protocol::Protocol;
use super::{Catalog, ProtocolCodes, validate};
use std::fmt;

/// The data files compiled into the binary: the single source of truth.
pub const EMBEDDED: &[(Protocol, &str, &str)] = &[
    (
        Protocol::Http,
        "data/http.toml",
        include_str!("../../data/http.toml"),
    ),
    (
        Protocol::Smtp,
        "data/smtp.toml",
        include_str!("../../data/smtp.toml"),
    ),
    (
        Protocol::Grpc,
        "data/grpc.toml",
        include_str!("../../data/grpc.toml"),
    ),
    (
        Protocol::Websocket,
        "data/websocket.toml",
        include_str!("../../data/websocket.toml"),
    ),
    (
        Protocol::Ftp,
        "data/ftp.toml",
        include_str!("../../data/ftp.toml"),
    ),
    (
        Protocol::Sip,
        "data/sip.toml",
        include_str!("../../data/sip.toml"),
    ),
    (
        Protocol::Dns,
        "data/dns.toml",
        include_str!("../../data/dns.toml"),
    ),
];

pub const EMBEDDED_PAIRS: (&str, &str) = ("data/pairs.toml", include_str!("../../data/pairs.toml"));
/// The libraries that name codes, and the releases our constants cover.
pub const EMBEDDED_LIBRARIES: (&str, &str) = (
    "data/libraries.toml",
    include_str!("../../data/libraries.toml"),
);
pub const EMBEDDED_SITUATIONS: (&str, &str) = (
    "data/situations.toml",
    include_str!("../../data/situations.toml"),
);

/// The header glossary: every header field a code is defined with.
pub const EMBEDDED_HEADERS: (&str, &str) =
    ("data/headers.toml", include_str!("../../data/headers.toml"));
/// The decision guide for API authors ("Which code should I return?").
pub const EMBEDDED_GUIDE: (&str, &str) = ("data/guide.toml", include_str!("../../data/guide.toml"));

/// Everything wrong with a set of data files.
#[derive(Debug, Clone)]
pub struct CatalogError {
    pub problems: Vec<String>,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "- {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CatalogError {}

pub fn load_embedded() -> Result<Catalog, CatalogError> {
    load_with_glossary(
        EMBEDDED,
        EMBEDDED_PAIRS,
        EMBEDDED_SITUATIONS,
        Some((EMBEDDED_HEADERS, EMBEDDED_GUIDE)),
    )
}

/// Parses and validates data files given as (protocol, file name, text), and
/// the curated pairs and situations files as (file name, text). The header
/// glossary and the decision guide describe the whole catalog, so a catalog
/// of some files alone has neither (and is not checked against them).
pub fn load_from_sources(
    files: &[(Protocol, &str, &str)],
    pairs: (&str, &str),
    situations: (&str, &str),
) -> Result<Catalog, CatalogError> {
    load_with_glossary(files, pairs, situations, None)
}

/// A data file as (file name, text).
pub type Source<'a> = (&'a str, &'a str);

/// As [`load_from_sources`], with the header glossary and the decision guide
/// (each a [`Source`]), validated against the codes.
pub fn load_with_glossary(
    files: &[(Protocol, &str, &str)],
    pairs: Source,
    situations: Source,
    glossary: Option<(Source, Source)>,
) -> Result<Catalog, CatalogError> {
    let mut problems = Vec::new();
    let ecosystems = match toml::from_str::<RawEcosystems>(EMBEDDED_LIBRARIES.1) {
        Ok(raw) => raw.ecosystem,
        Err(e) => {
            problems.push(format!("{}: {e}", EMBEDDED_LIBRARIES.0));
            Vec::new()
        }
    };
    let mut protocols = Vec::new();
    for &(protocol, name, text) in files {
        match toml::from_str::<RawFile>(text) {
            Ok(raw) => {
                let entries = raw
                    .code
                    .into_iter()
                    .map(|r| Entry::from_raw(protocol, r, &ecosystems, &mut problems))
                    .collect();
                protocols.push(ProtocolCodes::new(protocol, entries));
            }
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    let pair_list = match toml::from_str::<RawPairs>(pairs.1) {
        Ok(raw) => raw.pair,
        Err(e) => {
            problems.push(format!("{}: {e}", pairs.0));
            Vec::new()
        }
    };
    let situation_list = match toml::from_str::<RawSituations>(situations.1) {
        Ok(raw) => raw.situation,
        Err(e) => {
            problems.push(format!("{}: {e}", situations.0));
            Vec::new()
        }
    };
    let (mut headers, mut guide) = (Vec::new(), Vec::new());
    if let Some((headers_file, guide_file)) = glossary {
        match toml::from_str::<RawHeaders>(headers_file.1) {
            Ok(raw) => headers = raw.header.into_iter().map(HeaderField::from).collect(),
            Err(e) => problems.push(format!("{}: {e}", headers_file.0)),
        }
        match toml::from_str::<RawGuide>(guide_file.1) {
            Ok(raw) => guide = raw.step,
            Err(e) => problems.push(format!("{}: {e}", guide_file.0)),
        }
    }
    let with_glossary = glossary.is_some();
    protocols.sort_by_key(|p| p.protocol);
    let catalog = Catalog::new(
        protocols,
        pair_list,
        situation_list,
        ecosystems,
        headers,
        guide,
    );
    problems.extend(validate::validate(&catalog));
    if with_glossary {
        super::headers::validate(&catalog, &mut problems);
        super::guide::validate(&catalog, &mut problems);
    }
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(CatalogError { problems })
    }
}
