//! Links between codes of different protocols or kinds: gRPC codes and their
//! HTTP statuses (both directions), SMTP basic and enhanced codes, and the
//! situations that several protocols express each in their own way.

use crate::catalog::registry_grpc_http_mapping;
use crate::catalog::{Catalog, Entry, Kind, Protocol};
use serde::Serialize;

/// A titled group of related entries for one code's page, card or document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Relation<'a> {
    /// "gRPC codes that map to HTTP 503" ...
    pub title: String,
    #[schema(value_type = Vec<crate::catalog::EntryRef>)]
    #[serde(serialize_with = "refs")]
    pub entries: Vec<&'a Entry>,
    /// Whether each entry can be compared with the code (cross-protocol pairs).
    pub comparable: bool,
}

fn refs<S: serde::Serializer>(entries: &[&Entry], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(entries.len()))?;
    for e in entries {
        seq.serialize_element(&crate::catalog::EntryRef::from(*e))?;
    }
    seq.end()
}

/// The gRPC code a gRPC client reports when it receives this HTTP status
/// instead of a gRPC answer, from gRPC's HTTP-to-gRPC mapping (every status
/// not listed there becomes UNKNOWN).
pub fn grpc_code_for_http_status<'a>(catalog: &'a Catalog, status: &str) -> Option<&'a Entry> {
    let grpc = catalog.protocol(Protocol::Grpc)?;
    let status: u16 = status.parse().ok()?;
    let name = registry_grpc_http_mapping()
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, n)| n.as_str())
        .unwrap_or("UNKNOWN");
    grpc.entries.iter().find(|e| e.phrase == name)
}

/// Every link the catalog knows for `entry` across protocols and kinds.
pub fn relations_of<'a>(catalog: &'a Catalog, entry: &'a Entry) -> Vec<Relation<'a>> {
    let mut out = Vec::new();
    match (entry.protocol, entry.kind) {
        (Protocol::Http, _) if is_primary(catalog, entry) => {
            if let Some(grpc) = catalog.protocol(Protocol::Grpc) {
                let mapped: Vec<&Entry> = grpc
                    .entries
                    .iter()
                    .filter(|g| g.http_mapping.is_some_and(|m| m.to_string() == entry.code))
                    .collect();
                if !mapped.is_empty() {
                    out.push(Relation {
                        title: format!("gRPC codes that map to HTTP {}", entry.code),
                        entries: mapped,
                        comparable: true,
                    });
                }
            }
            if entry.status != crate::catalog::Status::Unofficial
                && let Some(g) = grpc_code_for_http_status(catalog, &entry.code)
            {
                out.push(Relation {
                    title: format!(
                        "What a gRPC client reports for an HTTP {} answer",
                        entry.code
                    ),
                    entries: vec![g],
                    comparable: g.http_mapping.is_some_and(|m| m.to_string() == entry.code),
                });
            }
        }
        (Protocol::Grpc, _) => {
            if let Some(m) = entry.http_mapping
                && let Some(&h) = catalog.resolve(Protocol::Http, &m.to_string()).first()
            {
                out.push(Relation {
                    title: format!("The HTTP status {} maps to", entry.phrase),
                    entries: vec![h],
                    comparable: true,
                });
            }
            let statuses: Vec<&Entry> = registry_grpc_http_mapping()
                .iter()
                .filter(|(_, n)| *n == entry.phrase)
                .filter_map(|(s, _)| catalog.get(Protocol::Http, &s.to_string()))
                .collect();
            if !statuses.is_empty() {
                out.push(Relation {
                    title: format!("HTTP statuses a gRPC client reports as {}", entry.phrase),
                    entries: statuses,
                    comparable: false,
                });
            }
        }
        (Protocol::Smtp, Some(Kind::Basic)) => {
            if let Some(smtp) = catalog.protocol(Protocol::Smtp) {
                let enhanced: Vec<&Entry> = smtp
                    .entries
                    .iter()
                    .filter(|e| e.kind == Some(Kind::Enhanced))
                    .filter(|e| basic_codes(e).contains(&entry.code.as_str()))
                    .collect();
                if !enhanced.is_empty() {
                    out.push(Relation {
                        title: format!(
                            "Enhanced status codes registered for use with {}",
                            entry.code
                        ),
                        entries: enhanced,
                        comparable: false,
                    });
                }
            }
        }
        (Protocol::Smtp, Some(Kind::Enhanced)) => {
            let basics: Vec<&Entry> = basic_codes(entry)
                .into_iter()
                .filter_map(|c| catalog.get(Protocol::Smtp, c))
                .collect();
            if !basics.is_empty() {
                out.push(Relation {
                    title: "Basic reply codes it is registered with".to_string(),
                    entries: basics,
                    comparable: false,
                });
            }
            if let Some(base) = entry
                .base_id
                .as_deref()
                .and_then(|id| catalog.get(Protocol::Smtp, id))
            {
                out.push(Relation {
                    title: "The registered code in every class".to_string(),
                    entries: vec![base],
                    comparable: false,
                });
            }
        }
        _ => {}
    }
    out
}

/// Whether `entry` is the first meaning of its number (the registered code,
/// or nginx's 499 rather than Esri's), the one other protocols' mappings mean.
pub fn is_primary(catalog: &Catalog, entry: &Entry) -> bool {
    catalog
        .resolve(entry.protocol, &entry.code)
        .first()
        .is_some_and(|first| first.id == entry.id)
}

/// The basic codes an enhanced code's registry row names ("451, 550").
fn basic_codes(e: &Entry) -> Vec<&str> {
    e.basic_codes
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}
