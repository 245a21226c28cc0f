//! The header glossary: every header field a status code is defined with
//! (the `headers` of the data files), explained once in `data/headers.toml`
//! so that code pages can link to it instead of repeating it.

use super::reference::{self, SpecRef};
use super::{Catalog, Entry};
use crate::text::prose_problems;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One header field as the glossary explains it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
pub struct HeaderField {
    /// The field name as the specification writes it ("Retry-After").
    pub name: String,
    /// The name in lowercase: the last part of its page's URL ("retry-after").
    pub slug: String,
    /// What the field tells the recipient, in a sentence or two.
    pub meaning: String,
    /// The field's grammar, in the specification's ABNF or a close paraphrase.
    pub syntax: String,
    /// Field lines as they appear on the wire ("Retry-After: 120").
    pub examples: Vec<String>,
    /// The defining specification as written ("RFC 9110, Section 10.2.3").
    pub reference: String,
    /// `reference` split into linkable parts.
    pub spec: Vec<SpecRef>,
}

/// One `[[header]]` table of `data/headers.toml`, as written there.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeader {
    pub name: String,
    pub meaning: String,
    pub syntax: String,
    pub examples: Vec<String>,
    pub reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeaders {
    pub header: Vec<RawHeader>,
}

impl From<RawHeader> for HeaderField {
    fn from(raw: RawHeader) -> HeaderField {
        HeaderField {
            slug: raw.name.to_ascii_lowercase(),
            spec: reference::parse(&raw.reference),
            name: raw.name,
            meaning: raw.meaning,
            syntax: raw.syntax,
            examples: raw.examples,
            reference: raw.reference,
        }
    }
}

impl Catalog {
    /// Every header of the glossary, in alphabetical order.
    pub fn headers(&self) -> &[HeaderField] {
        &self.notes.get().headers
    }

    /// The glossary entry of a header, by name in any case ("retry-after").
    pub fn header(&self, name: &str) -> Option<&HeaderField> {
        self.notes
            .get()
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// The codes whose definition names `header`, in protocol and data order.
    pub fn codes_with_header(&self, header: &HeaderField) -> Vec<&Entry> {
        self.entries()
            .filter(|e| {
                e.headers
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(&header.name))
            })
            .collect()
    }
}

/// Every header a code names has exactly one entry, every entry is named by
/// a code, names are field names, and the prose passes the text checks.
pub(crate) fn validate(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut seen = HashSet::new();
    for h in catalog.headers() {
        let at = format!("header {}", h.name);
        if !seen.insert(h.slug.clone()) {
            problems.push(format!("{at}: listed twice"));
        }
        if h.name.is_empty()
            || !h
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            problems.push(format!("{at}: a field name is letters, digits and dashes"));
        }
        for p in prose_problems(&h.meaning) {
            problems.push(format!("{at}: meaning {p}"));
        }
        if h.syntax.trim().is_empty() {
            problems.push(format!("{at}: the syntax is empty"));
        }
        if h.examples.is_empty() {
            problems.push(format!("{at}: give at least one example"));
        }
        for ex in &h.examples {
            let named = ex
                .split_once(':')
                .is_some_and(|(n, _)| n.eq_ignore_ascii_case(&h.name));
            if !named {
                problems.push(format!(
                    "{at}: the example {ex:?} is not a {} field line",
                    h.name
                ));
            }
        }
        if h.reference.trim().is_empty() {
            problems.push(format!("{at}: the reference is empty"));
        }
        if catalog.codes_with_header(h).is_empty() {
            problems.push(format!("{at}: no code is defined with this header"));
        }
    }
    for e in catalog.entries() {
        for name in &e.headers {
            if catalog.header(name).is_none() {
                problems.push(format!(
                    "{} {}: the header {name} has no entry in data/headers.toml",
                    e.protocol.name(),
                    e.id
                ));
            }
        }
    }
}
