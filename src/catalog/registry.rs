//! The registries the catalog must agree with (IANA and the protocols' own
//! lists), embedded as CSV files. Loading checks every entry against its row,
//! so a phrase or reference can never drift from the registry unnoticed.

use super::model::{Entry, Status};
use super::protocol::Protocol;

/// (file name, CSV text); copies of the shared ground-truth registries.
const HTTP: (&str, &str) = ("http.csv", include_str!("../../data/registries/http.csv"));
const HTTP_UNOFFICIAL: (&str, &str) = (
    "http-unofficial.csv",
    include_str!("../../data/registries/http-unofficial.csv"),
);

/// One row of a registry, reduced to what an entry must repeat.
#[derive(Debug)]
pub struct RegistryRow {
    pub file: &'static str,
    pub code: String,
    pub phrase: String,
    pub kind: Option<&'static str>,
    /// None where the registry has no reference column.
    pub reference: Option<String>,
    pub vendor: Option<String>,
    /// The statuses an entry for this row may have.
    pub statuses: &'static [Status],
}

impl RegistryRow {
    /// Whether `entry` is the catalog's entry for this row.
    pub fn identifies(&self, entry: &Entry) -> bool {
        entry.code == self.code
            && entry.phrase == self.phrase
            && entry.kind.as_deref() == self.kind
            && entry.vendor == self.vendor
    }

    /// What differs between the row and its entry, beyond identity.
    pub fn mismatches(&self, entry: &Entry) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(r) = &self.reference
            && &entry.reference != r
        {
            out.push(format!("reference is {:?}, registry says {r:?}", entry.reference));
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

fn records(file: (&'static str, &'static str)) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(file.1.as_bytes());
    reader.records().filter_map(Result::ok).collect()
}

/// The rows the given protocol's entries must match one to one.
pub fn expected_rows(protocol: Protocol) -> Vec<RegistryRow> {
    match protocol {
        Protocol::Http => {
            let mut rows: Vec<RegistryRow> = records(HTTP)
                .iter()
                .map(|r| RegistryRow {
                    file: HTTP.0,
                    code: r[0].to_string(),
                    phrase: r[1].to_string(),
                    kind: None,
                    reference: Some(r[2].to_string()),
                    vendor: None,
                    statuses: if &r[3] == "temporary" {
                        &[Status::Temporary]
                    } else if &r[1] == "(Unused)" {
                        &[Status::Unused]
                    } else {
                        &[Status::Standard, Status::Deprecated]
                    },
                })
                .collect();
            rows.extend(records(HTTP_UNOFFICIAL).iter().map(|r| RegistryRow {
                file: HTTP_UNOFFICIAL.0,
                code: r[0].to_string(),
                phrase: r[1].to_string(),
                kind: None,
                reference: None,
                vendor: Some(r[2].to_string()),
                statuses: &[Status::Unofficial],
            }));
            rows
        }
        _ => Vec::new(),
    }
}
