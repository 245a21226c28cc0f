//! HAR files (HTTP Archive 1.2, as browsers export them): every entry's
//! response status, read with `serde_json`, with the line its `"status"`
//! key is on so the answer can point into the file.

use super::{ExplainError, RawFinding};
use crate::catalog::Protocol;
use regex::Regex;
use serde::Deserialize;
use std::sync::LazyLock;

static STATUS_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""status"\s*:\s*(-?[0-9]+)"#).expect("a valid pattern"));

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Vec<HarEntry>,
}

#[derive(Deserialize)]
struct HarEntry {
    request: Request,
    response: Response,
}

#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    method: String,
    #[serde(default)]
    url: String,
}

#[derive(Deserialize)]
struct Response {
    status: i64,
    #[serde(default, rename = "statusText")]
    status_text: String,
    #[serde(default)]
    headers: Vec<Header>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
}

/// Whether the text starts like a HAR file: a JSON object with a `log` key
/// near its start.
pub(super) fn looks_like_har(text: &str) -> bool {
    let trimmed = text.trim_start();
    let head: String = trimmed.chars().take(2048).collect();
    trimmed.starts_with('{') && head.contains("\"log\"")
}

/// The statuses of a HAR file's entries. Input that is not JSON is
/// `ExplainError::InvalidHar`; JSON that is not HAR is read line by line.
pub(super) fn scan(text: &str) -> Result<Vec<RawFinding>, ExplainError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ExplainError::InvalidHar {
            detail: e.to_string(),
        })?;
    let Ok(har) = Har::deserialize(&value) else {
        return Ok(super::scan::scan(text));
    };
    // The `"status"` keys in file order; responses hold the only ones in a
    // browser's HAR, so the n-th matching value is the n-th response. Lines
    // are counted from the previous key on: one pass over the text.
    let (mut offset, mut line) = (0usize, 1usize);
    let mut keys = Vec::new();
    for c in STATUS_KEY.captures_iter(text) {
        let at = c.get(0).map_or(offset, |m| m.start());
        line += text.as_bytes()[offset..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        offset = at;
        keys.push((line, c[1].to_string()));
    }
    let mut keys = keys.into_iter();
    let mut out = Vec::new();
    for entry in &har.log.entries {
        let status = entry.response.status;
        let line = keys
            .by_ref()
            .find(|(_, v)| *v == status.to_string())
            .map_or(1, |(l, _)| l);
        if !(100..=599).contains(&status) {
            continue; // 0: the browser got no response (blocked, aborted, offline).
        }
        let header = |name: &str| {
            entry
                .response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value.clone())
        };
        let hop = match (header("server"), header("via")) {
            (Some(s), Some(v)) => Some(format!("Server: {s}; Via: {v}")),
            (Some(s), None) => Some(format!("Server: {s}")),
            (None, Some(v)) => Some(format!("Via: {v}")),
            (None, None) => None,
        };
        let text = format!(
            "{} {} -> {} {}",
            entry.request.method, entry.request.url, status, entry.response.status_text
        );
        out.push(
            RawFinding::new(Protocol::Http, status.to_string(), line, &text)
                .source("har")
                .hop(hop),
        );
    }
    Ok(out)
}
