//! Explains every status code in a pasted transcript: a `curl -v` dump, a
//! bounce, a `dig` answer, a gRPC error in a log, a WebSocket close, a SIP
//! trace, an FTP session, an access log or a HAR file.
//!
//! People rarely start from a number; they start from what a tool printed.
//! This module finds the codes by their context (the shape of a status line,
//! a key such as `status:` or `Diagnostic-Code:`, a reply line in a session),
//! never by a number alone, looks each one up in the catalog and says what the
//! whole transcript amounts to: the final outcome, whether it is transient or
//! permanent, and which hop produced it where the text says so.
//!
//! Domain code: it knows nothing of HTTP serving, terminals or MCP. The single
//! entry point is [`explain`]; its input limit is [`MAX_INPUT_BYTES`].
//! Time and memory are linear in the input: every recogniser is a regular
//! expression from the `regex` crate (linear-time matching) or a parser
//! (`httparse`, `mail-parser`, `serde_json`) run over bounded parts.

mod diagnose;
mod har;
mod input;
mod mime;
mod scan;

use crate::catalog::{Entry, Protocol, Retry, catalog};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

pub use diagnose::{Outcome, Summary, Verdict, finding_label, verdict_of};

/// The largest input accepted, in bytes (1 MiB). Longer input is refused
/// with [`ExplainError::TooLarge`]; the web uses the same number as its
/// request body limit.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// The longest line text kept in a finding, in characters.
pub const MAX_LINE_CHARS: usize = 240;

/// Every code found in a transcript, in order, and what they amount to.
///
/// JSON shape: `{"findings": [Finding...], "summary": Summary}`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Explanation {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// One code found on one line of the input.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Finding {
    pub protocol: Protocol,
    /// The code as the catalog writes it: `407`, `5.7.26`, `14` (gRPC
    /// UNAVAILABLE), `3` (DNS NXDOMAIN), `18` (with `kind` = `ede`), `1006`.
    pub code: String,
    /// The catalog id (`407`, `5.7.26`, `nxdomain`, `ede-18`) when the
    /// catalog knows the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The catalog's kind where a protocol has several (`rcode`, `ede`,
    /// `basic`, `enhanced`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The 1-based line of the input the code was read from.
    pub line: usize,
    /// That line, without control characters, at most [`MAX_LINE_CHARS`].
    pub text: String,
    /// How the code was recognised (`http-status-line`, `dsn-status`,
    /// `grpc-go`, `access-log` ...).
    pub source: &'static str,
    /// The registered reason phrase or name, when the catalog knows the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// The catalog's one-line meaning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// The site path of the code's page (`/http/407`, `/dns/ede/18`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Who produced the code, where the transcript says (a proxy answering
    /// CONNECT, `Server:`, `Via:`, `Remote-MTA`, a gRPC peer ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hop: Option<String>,
    /// What the catalog advises a client to do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
}

/// Why an input cannot be explained. `code()` is a stable machine code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    #[error("the text is empty: paste a transcript, a log, a bounce or a HAR file")]
    Empty,
    #[error(
        "the input looks like binary data (byte {offset} is a control byte); paste text such as a log or a transcript"
    )]
    Binary { offset: usize },
    #[error("the input is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the input is not valid UTF-8 (line {line}, byte {offset})")]
    InvalidUtf8 { line: usize, offset: usize },
    #[error("the input starts like a HAR file but is not valid JSON: {detail}")]
    InvalidHar { detail: String },
}

impl ExplainError {
    /// The stable machine code: `empty`, `binary`, `too_large`,
    /// `invalid_utf8`, `invalid_har`.
    pub fn code(&self) -> &'static str {
        match self {
            ExplainError::Empty => "empty",
            ExplainError::Binary { .. } => "binary",
            ExplainError::TooLarge { .. } => "too_large",
            ExplainError::InvalidUtf8 { .. } => "invalid_utf8",
            ExplainError::InvalidHar { .. } => "invalid_har",
        }
    }
}

/// Finds and explains every status code in `input`.
///
/// The input is text of at most [`MAX_INPUT_BYTES`] bytes: UTF-8, with or
/// without a byte order mark, with any line endings; terminal colour escapes
/// are ignored. A HAR file (JSON whose top level has `log`) is read with
/// `serde_json`; a MIME message is read with `mail-parser` so encoded parts
/// and RFC 3464 delivery status parts are found; everything else line by line.
///
/// Errors: [`ExplainError`] for empty, binary, oversized, non-UTF-8 input and
/// for a HAR file that is not JSON.
pub fn explain(input: &[u8]) -> Result<Explanation, ExplainError> {
    let text = input::validate(input)?;
    let clean = input::strip_ansi(text);
    let (mut raw, actions) = if har::looks_like_har(&clean) {
        (har::scan(&clean)?, Vec::new())
    } else {
        read_text(&clean)
    };
    raw.sort_by_key(|f| f.line);
    let mut seen = HashSet::new();
    let findings: Vec<Finding> = raw
        .into_iter()
        .filter_map(|r| r.into_finding())
        .filter(|f| seen.insert((f.line, f.protocol, f.code.clone(), f.kind.clone())))
        .collect();
    let summary = diagnose::summarise(&findings, &actions);
    Ok(Explanation { findings, summary })
}

/// The codes of a text that is not a HAR file, and the `Action:` fields of
/// any delivery status notification in it. Codes of encoded MIME parts get
/// the part's first line, unless the raw text already shows them there
/// (quoted-printable often does).
fn read_text(text: &str) -> (Vec<RawFinding>, Vec<String>) {
    let mut found = scan::scan(text);
    let mut actions = mime::dsn_actions(text);
    let mut lines_of: HashMap<(Protocol, &str), BTreeSet<usize>> = HashMap::new();
    for r in &found {
        lines_of
            .entry((r.protocol, &r.code))
            .or_default()
            .insert(r.line);
    }
    let mut decoded_found = Vec::new();
    for part in mime::encoded_parts(text) {
        actions.extend(mime::dsn_actions(&part.text));
        for mut f in scan::scan(&part.text) {
            let shown = lines_of
                .get(&(f.protocol, f.code.as_str()))
                .is_some_and(|l| l.range(part.first_line..=part.last_line).next().is_some());
            if !shown {
                f.line = part.first_line;
                decoded_found.push(f);
            }
        }
    }
    found.extend(decoded_found);
    (found, actions)
}

/// The site path of an entry's page: `/http/407`, `/smtp/5.7.26`,
/// `/grpc/14`, `/dns/nxdomain`, `/dns/ede/18`.
pub fn link_for(entry: &Entry) -> String {
    match (entry.protocol, entry.kind.as_deref()) {
        (Protocol::Dns, Some("ede")) => format!("/dns/ede/{}", entry.code),
        _ => format!("/{}/{}", entry.protocol.slug(), entry.id),
    }
}

/// What a recogniser reports before the catalog lookup.
#[derive(Clone, Debug)]
pub(crate) struct RawFinding {
    pub protocol: Protocol,
    /// `407`, `5.7.26`, `UNAVAILABLE`/`14` (gRPC), `NXDOMAIN` (DNS rcode),
    /// `ede:18` (Extended DNS Error).
    pub code: String,
    pub line: usize,
    pub text: String,
    pub source: &'static str,
    pub hop: Option<String>,
}

impl RawFinding {
    pub fn new(protocol: Protocol, code: impl Into<String>, line: usize, text: &str) -> Self {
        RawFinding {
            protocol,
            code: code.into(),
            line,
            text: crate::text::shorten(text.trim(), MAX_LINE_CHARS),
            source: "",
            hop: None,
        }
    }

    pub fn source(mut self, source: &'static str) -> Self {
        self.source = source;
        self
    }

    /// Who produced the code; cleaned like the line text, since it quotes
    /// header values from the input.
    pub fn hop(mut self, hop: Option<String>) -> Self {
        self.hop = hop.map(|h| crate::text::shorten(h.trim(), MAX_LINE_CHARS));
        self
    }

    /// Looks the code up in the catalog; `None` for a name no protocol knows
    /// (a gRPC or DNS name outside the registry is not a code).
    fn into_finding(self) -> Option<Finding> {
        let c = catalog();
        let (entry, code, kind): (Option<&Entry>, String, Option<String>) = match self.protocol {
            Protocol::Grpc => {
                let e = grpc_entry(&self.code)?;
                (Some(e), e.code.clone(), None)
            }
            Protocol::Dns => {
                if let Some(n) = self.code.strip_prefix("ede:") {
                    let e = c.get(Protocol::Dns, &format!("ede-{n}"));
                    (e, n.to_string(), Some("ede".to_string()))
                } else {
                    let e = dns_rcode_entry(&self.code)?;
                    (Some(e), e.code.clone(), Some("rcode".to_string()))
                }
            }
            p => {
                let e = c.resolve(p, &self.code).into_iter().next();
                let kind = e.and_then(|e| e.kind.clone());
                (e, self.code.clone(), kind)
            }
        };
        Some(Finding {
            protocol: self.protocol,
            id: entry.map(|e| e.id.clone()),
            kind,
            code,
            line: self.line,
            text: self.text,
            source: self.source,
            phrase: entry.map(|e| e.phrase.clone()),
            meaning: entry.map(|e| e.summary.clone()),
            link: entry.map(link_for),
            hop: self.hop,
            retry: entry.map(|e| e.retry),
        })
    }
}

/// A gRPC code by number (`14`) or by any library's spelling of its name
/// (`UNAVAILABLE`, `Unavailable`, `DeadlineExceeded`, Go's `Canceled`).
pub(crate) fn grpc_entry(name: &str) -> Option<&'static Entry> {
    let codes = catalog().protocol(Protocol::Grpc)?;
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return codes.get(name);
    }
    let folded: String = name
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let folded = if folded == "CANCELED" {
        "CANCELLED".to_string()
    } else {
        folded
    };
    codes
        .entries
        .iter()
        .find(|e| e.phrase.replace('_', "") == folded)
}

/// A DNS RCODE by its mnemonic (`NXDOMAIN`, `SERVFAIL`) or number.
pub(crate) fn dns_rcode_entry(name: &str) -> Option<&'static Entry> {
    let codes = catalog().protocol(Protocol::Dns)?;
    codes.entries.iter().find(|e| {
        e.kind.as_deref() == Some("rcode")
            && (e.id.eq_ignore_ascii_case(name)
                || e.phrase.eq_ignore_ascii_case(name)
                || e.code == name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_has_an_openapi_schema() {
        #[derive(utoipa::OpenApi)]
        #[openapi(components(schemas(Explanation)))]
        struct Doc;
        let doc = serde_json::to_value(<Doc as utoipa::OpenApi>::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        for (schema, field) in [
            ("Explanation", "findings"),
            ("Explanation", "summary"),
            ("Finding", "line"),
            ("Finding", "link"),
            ("Summary", "outcome"),
            ("Outcome", "verdict"),
        ] {
            assert!(
                schemas[schema]["properties"][field].is_object(),
                "{schema}.{field} missing from {schemas}"
            );
        }
    }

    #[test]
    fn links_follow_the_site_urls() {
        let c = catalog();
        let link = |p, id| link_for(c.get(p, id).unwrap());
        assert_eq!(link(Protocol::Http, "407"), "/http/407");
        assert_eq!(link(Protocol::Smtp, "5.7.26"), "/smtp/5.7.26");
        assert_eq!(link(Protocol::Grpc, "14"), "/grpc/14");
        assert_eq!(link(Protocol::Dns, "nxdomain"), "/dns/nxdomain");
        assert_eq!(link(Protocol::Dns, "ede-18"), "/dns/ede/18");
    }

    #[test]
    fn names_of_every_library_reach_the_same_grpc_code() {
        for name in ["UNAVAILABLE", "Unavailable", "unavailable", "14"] {
            assert_eq!(grpc_entry(name).unwrap().code, "14", "{name}");
        }
        assert_eq!(grpc_entry("DeadlineExceeded").unwrap().code, "4");
        assert_eq!(grpc_entry("Canceled").unwrap().code, "1");
        assert!(grpc_entry("Sideways").is_none());
        assert_eq!(dns_rcode_entry("NXDOMAIN").unwrap().code, "3");
        assert_eq!(dns_rcode_entry("ServFail").unwrap().code, "2");
    }
}
