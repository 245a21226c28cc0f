//! Content negotiation of live bodies (RFC 9110, Section 12.5.1): the
//! `Accept` field is parsed by `headers-accept`, which orders media ranges by
//! specificity and weight, honours `q=0` as "not acceptable", and compares
//! types without regard to case.

use axum::http::{HeaderMap, header};
use headers_accept::Accept;
use mediatype::{MediaType, names};
use std::str::FromStr;

/// A representation a live endpoint can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Html,
}

impl Format {
    /// The `Content-Type` value of this representation.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; charset=utf-8",
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

const TEXT_PLAIN: MediaType<'static> = MediaType::new(names::TEXT, names::PLAIN);
const APPLICATION_JSON: MediaType<'static> = MediaType::new(names::APPLICATION, names::JSON);
const TEXT_HTML: MediaType<'static> = MediaType::new(names::TEXT, names::HTML);

/// The representation the request prefers. Plain text wins ties and is sent
/// when `Accept` is absent, unparsable or rules out everything: a live
/// endpoint exists to send its status, so it disregards the field rather
/// than answer 406 (RFC 9110, Section 12.5.1 allows either).
pub fn preferred(headers: &HeaderMap) -> Format {
    let mut fields = headers.get_all(header::ACCEPT).iter().peekable();
    if fields.peek().is_none() {
        return Format::Text;
    }
    let joined = fields
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    let Ok(accept) = Accept::from_str(&joined) else {
        return Format::Text;
    };
    let available = [TEXT_PLAIN, APPLICATION_JSON, TEXT_HTML];
    match accept.negotiate(available.iter()) {
        Some(m) if *m == APPLICATION_JSON => Format::Json,
        Some(m) if *m == TEXT_HTML => Format::Html,
        _ => Format::Text,
    }
}

/// The representation the request accepts, strictly: `None` when `Accept`
/// rules out every one (the 406 case of RFC 9110, Section 15.5.7). An
/// absent field accepts anything (plain text); a field that cannot be
/// parsed is disregarded, as Section 12.5.1 allows.
pub fn acceptable(headers: &HeaderMap) -> Option<Format> {
    let mut fields = headers.get_all(header::ACCEPT).iter().peekable();
    if fields.peek().is_none() {
        return Some(Format::Text);
    }
    let joined = fields
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    let Ok(accept) = Accept::from_str(&joined) else {
        return Some(Format::Text);
    };
    let available = [TEXT_PLAIN, APPLICATION_JSON, TEXT_HTML];
    match accept.negotiate(available.iter()) {
        Some(m) if *m == APPLICATION_JSON => Some(Format::Json),
        Some(m) if *m == TEXT_HTML => Some(Format::Html),
        Some(_) => Some(Format::Text),
        None => None,
    }
}
