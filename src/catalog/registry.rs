//! The registries the catalog must agree with (IANA and the protocols' own
//! lists), embedded as CSV files. Loading checks every entry against its row,
//! so a phrase or reference can never drift from the registry unnoticed.

use super::model::{Entry, Status};
use super::protocol::Kind;
use super::protocol::Protocol;
use serde::Deserialize;

/// (file name, CSV text); copies of the shared ground-truth registries.
const HTTP: (&str, &str) = ("http.csv", include_str!("../../data/registries/http.csv"));
const HTTP_UNOFFICIAL: (&str, &str) = (
    "http-unofficial.csv",
    include_str!("../../data/registries/http-unofficial.csv"),
);
const SMTP: (&str, &str) = ("smtp.csv", include_str!("../../data/registries/smtp.csv"));
const SMTP_CLASSES: (&str, &str) = (
    "smtp-enhanced-classes.csv",
    include_str!("../../data/registries/smtp-enhanced-classes.csv"),
);
const SMTP_ENHANCED: (&str, &str) = (
    "smtp-enhanced.csv",
    include_str!("../../data/registries/smtp-enhanced.csv"),
);
const GRPC: (&str, &str) = ("grpc.csv", include_str!("../../data/registries/grpc.csv"));
/// HTTP status to gRPC code, as gRPC clients map a non-gRPC HTTP answer.
pub const GRPC_HTTP_MAPPING: &str = include_str!("../../data/registries/grpc-http-mapping.csv");
const WEBSOCKET: (&str, &str) = (
    "websocket.csv",
    include_str!("../../data/registries/websocket.csv"),
);
const FTP: (&str, &str) = ("ftp.csv", include_str!("../../data/registries/ftp.csv"));
const SIP: (&str, &str) = ("sip.csv", include_str!("../../data/registries/sip.csv"));
const DNS_RCODE: (&str, &str) = (
    "dns-rcode.csv",
    include_str!("../../data/registries/dns-rcode.csv"),
);
const DNS_EDE: (&str, &str) = (
    "dns-ede.csv",
    include_str!("../../data/registries/dns-ede.csv"),
);

/// Statuses an entry of a registry without a status column may have.
const REGISTERED: &[Status] = &[Status::Standard, Status::Deprecated, Status::Unused];

/// One row of a registry, reduced to what an entry must repeat.
#[derive(Debug)]
pub struct RegistryRow {
    pub file: &'static str,
    pub code: String,
    pub phrase: String,
    pub kind: Option<Kind>,
    /// None where the registry has no reference column.
    pub reference: Option<String>,
    pub vendor: Option<String>,
    /// The statuses an entry for this row may have.
    pub statuses: &'static [Status],
    /// Further columns the entry repeats: (field, value as the registry writes it).
    pub extra: Vec<(&'static str, String)>,
}

impl RegistryRow {
    /// Whether `entry` is the catalog's entry for this row.
    pub fn identifies(&self, entry: &Entry) -> bool {
        entry.code == self.code
            && entry.phrase == self.phrase
            && entry.kind == self.kind
            && entry.vendor == self.vendor
    }

    /// What differs between the row and its entry, beyond identity.
    pub fn mismatches(&self, entry: &Entry) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(r) = &self.reference
            && &entry.reference != r
        {
            out.push(format!(
                "reference is {:?}, registry says {r:?}",
                entry.reference
            ));
        }
        for (field, expected) in &self.extra {
            let actual = match *field {
                "basic_codes" => entry.basic_codes.clone(),
                "http_mapping" => entry.http_mapping.map(|m| m.to_string()),
                "sendable" => entry
                    .sendable
                    .map(|s| if s { "yes".into() } else { "no".into() }),
                "long_name" => entry.long_name.clone(),
                _ => None,
            };
            if actual.as_deref() != Some(expected.as_str()) {
                out.push(format!("{field} is {actual:?}, registry says {expected:?}"));
            }
        }
        if !self.statuses.contains(&entry.status) {
            out.push(format!(
                "status is {:?}, registry allows {:?}",
                entry.status.as_str(),
                self.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()
            ));
        }
        out
    }
}

/// The rows of a registry file; a row the CSV reader refuses is an error
/// naming the file.
fn records(file: (&'static str, &'static str)) -> Result<Vec<csv::StringRecord>, String> {
    let mut reader = csv::Reader::from_reader(file.1.as_bytes());
    reader
        .records()
        .map(|r| r.map_err(|e| format!("{}: {e}", file.0)))
        .collect()
}

/// The registration state of an HTTP status code in IANA's registry
/// (RFC 9110 section 16.2.1): permanent, or temporary until the document
/// that defines it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    Permanent,
    Temporary,
}

/// The phrase IANA's HTTP registry gives a code that is reserved as unused
/// (306, 418).
pub const UNUSED_PHRASE: &str = "(Unused)";

/// One row of IANA's HTTP status code registry.
#[derive(Debug, Deserialize)]
struct HttpRow {
    code: String,
    phrase: String,
    reference: String,
    status: Registration,
}

impl HttpRow {
    /// The catalog statuses an entry for this row may have.
    fn statuses(&self) -> &'static [Status] {
        match self.status {
            Registration::Temporary => &[Status::Temporary],
            Registration::Permanent if self.phrase == UNUSED_PHRASE => &[Status::Unused],
            Registration::Permanent => &[Status::Standard, Status::Deprecated],
        }
    }
}

/// The rows the given protocol's entries must match one to one, or why a
/// registry file cannot be read.
pub fn expected_rows(protocol: Protocol) -> Result<Vec<RegistryRow>, String> {
    Ok(match protocol {
        Protocol::Http => {
            let mut reader = csv::Reader::from_reader(HTTP.1.as_bytes());
            let mut rows = Vec::new();
            for row in reader.deserialize::<HttpRow>() {
                let row = row.map_err(|e| format!("{}: {e}", HTTP.0))?;
                rows.push(RegistryRow {
                    file: HTTP.0,
                    statuses: row.statuses(),
                    code: row.code,
                    phrase: row.phrase,
                    kind: None,
                    reference: Some(row.reference),
                    vendor: None,
                    extra: Vec::new(),
                });
            }
            rows.extend(records(HTTP_UNOFFICIAL)?.iter().map(|r| RegistryRow {
                file: HTTP_UNOFFICIAL.0,
                code: r[0].to_string(),
                phrase: r[1].to_string(),
                kind: None,
                reference: None,
                vendor: Some(r[2].to_string()),
                statuses: &[Status::Unofficial],
                extra: Vec::new(),
            }));
            rows
        }
        Protocol::Smtp => {
            let mut rows = simple(SMTP, Some(Kind::Basic), 0, 1, Some(2), &[])?;
            rows.extend(simple(
                SMTP_CLASSES,
                Some(Kind::EnhancedClass),
                0,
                1,
                Some(2),
                &[],
            )?);
            rows.extend(simple(
                SMTP_ENHANCED,
                Some(Kind::Enhanced),
                0,
                1,
                Some(3),
                &[("basic_codes", 2)],
            )?);
            rows
        }
        Protocol::Grpc => simple(GRPC, None, 0, 1, Some(3), &[("http_mapping", 2)])?,
        Protocol::Websocket => simple(WEBSOCKET, None, 0, 1, Some(2), &[("sendable", 3)])?,
        Protocol::Ftp => simple(FTP, None, 0, 1, Some(2), &[])?,
        Protocol::Sip => simple(SIP, None, 0, 1, Some(2), &[])?,
        Protocol::Dns => {
            let mut rows = simple(
                DNS_RCODE,
                Some(Kind::Rcode),
                0,
                1,
                Some(3),
                &[("long_name", 2)],
            )?;
            rows.extend(simple(DNS_EDE, Some(Kind::Ede), 0, 1, Some(2), &[])?);
            rows
        }
    })
}

/// Rows of a registry with a code column, a name column, an optional
/// reference column and further columns the entries repeat.
fn simple(
    file: (&'static str, &'static str),
    kind: Option<Kind>,
    code: usize,
    phrase: usize,
    reference: Option<usize>,
    extra: &[(&'static str, usize)],
) -> Result<Vec<RegistryRow>, String> {
    let records = records(file)?;
    let width = [Some(code), Some(phrase), reference]
        .into_iter()
        .flatten()
        .chain(extra.iter().map(|(_, i)| *i))
        .max()
        .unwrap_or(0);
    if let Some(short) = records.iter().find(|r| r.len() <= width) {
        return Err(format!(
            "{}: a row has {} columns, {} expected",
            file.0,
            short.len(),
            width + 1
        ));
    }
    Ok(records
        .iter()
        .map(|r| RegistryRow {
            file: file.0,
            code: r[code].to_string(),
            phrase: r[phrase].to_string(),
            kind,
            reference: reference.map(|i| r[i].to_string()),
            vendor: None,
            statuses: REGISTERED,
            extra: extra.iter().map(|(f, i)| (*f, r[*i].to_string())).collect(),
        })
        .collect())
}

/// (HTTP status, gRPC code name) rows of the gRPC HTTP mapping.
pub fn grpc_http_mapping() -> &'static [(u16, String)] {
    static ROWS: std::sync::OnceLock<Vec<(u16, String)>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        records(("grpc-http-mapping.csv", GRPC_HTTP_MAPPING))
            .unwrap_or_default()
            .iter()
            .filter_map(|r| Some((r[0].parse().ok()?, r[1].to_string())))
            .collect()
    })
}
