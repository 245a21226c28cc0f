//! `/range/{bytes}`: range requests (RFC 9110, Section 14) against a
//! representation of `bytes` bytes (the letters a to z, repeated), at most
//! [`MAX_BYTES`].
//!
//! - every answer says `Accept-Ranges: bytes` and carries a strong `ETag`;
//! - one satisfiable range gives 206 with `Content-Range`; several give 206
//!   with a `multipart/byteranges` body, one part per range, in the order
//!   asked (Section 14.6);
//! - a range set none of whose ranges is satisfiable gives 416 with
//!   `Content-Range: bytes */N` (Section 15.5.17);
//! - a `Range` that is not valid syntax, names another unit, asks for more
//!   than [`MAX_RANGES`] ranges, or adds up to more than twice the
//!   representation is ignored, and the whole representation is sent with
//!   200, as Section 14.2 allows;
//! - `If-Range` with another tag or an older date also sends the whole.
//!
//! The range set is parsed here, to the letter of Section 14.1.2, because
//! `headers::Range` drops invalid ranges one by one (a range set with one
//! bad range must be ignored as a whole) and refuses a suffix longer than
//! the representation (which selects all of it).

use super::{Admitted, finish, refuse};
use crate::web::error::ErrorBody;
use crate::web::error::{WebError, shorten};
use crate::web::routes;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::headers::{ETag, HeaderMapExt, IfRange};
use axum_extra::routing::TypedPath;

/// The largest representation `/range/{bytes}` serves, in bytes.
pub const MAX_BYTES: u64 = 102_400;
/// The most ranges one request may ask for before `Range` is ignored.
pub const MAX_RANGES: usize = 16;

/// What a `Range` field asks of a representation of a given length.
#[derive(Debug, PartialEq, Eq)]
pub enum Selection {
    /// Send the whole representation (no `Range`, or one to ignore).
    Whole,
    /// Nothing asked for exists: 416.
    Unsatisfiable,
    /// These byte ranges (first and last position, inclusive), in the order asked.
    Ranges(Vec<(u64, u64)>),
}

/// Reads `value` (the `Range` field) against a representation of `len`
/// bytes (RFC 9110, Section 14.1.2 and 14.2).
pub fn select(value: &str, len: u64) -> Selection {
    let Some((unit, set)) = value.split_once('=') else {
        return Selection::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return Selection::Whole;
    }
    let specs: Vec<&str> = set
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if specs.is_empty() || specs.len() > MAX_RANGES {
        return Selection::Whole;
    }
    let digits = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // A number too large for 64 bits is still a number: it is past the end.
        Some(s.parse().unwrap_or(u64::MAX))
    };
    let mut ranges = Vec::new();
    for spec in specs {
        let Some((first, last)) = spec.split_once('-') else {
            return Selection::Whole;
        };
        if first.is_empty() {
            let Some(suffix) = digits(last) else {
                return Selection::Whole;
            };
            if suffix > 0 && len > 0 {
                ranges.push((len.saturating_sub(suffix), len - 1));
            }
            continue;
        }
        let Some(first) = digits(first) else {
            return Selection::Whole;
        };
        let last = if last.is_empty() {
            u64::MAX
        } else {
            match digits(last) {
                Some(l) if l >= first => l,
                _ => return Selection::Whole,
            }
        };
        if first < len {
            ranges.push((first, last.min(len - 1)));
        }
    }
    if ranges.is_empty() {
        return Selection::Unsatisfiable;
    }
    let total: u64 = ranges.iter().map(|(a, b)| b - a + 1).sum();
    if total > len.saturating_mul(2) {
        return Selection::Whole;
    }
    Selection::Ranges(ranges)
}

/// The representation of `len` bytes: `abc...xyzabc...`.
pub fn representation(len: u64) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

/// The strong entity tag of the representation of `len` bytes (its bytes
/// depend on nothing else).
pub fn etag_of(len: u64) -> String {
    format!("\"range-{len}\"")
}

/// `/range/{bytes}` (GET, HEAD): see the module documentation. Errors: 400
/// when `bytes` is not a whole number from 0 to [`MAX_BYTES`].
#[utoipa::path(
    get,
    path = routes::LiveRange::PATH,
    tag = "live",
    params(
        ("bytes" = u64, Path, description = "The size of the representation", minimum = 0, maximum = 102400),
        ("Range" = Option<String>, Header, description = "A byte range set, e.g. bytes=0-9,50-"),
        ("If-Range" = Option<String>, Header, description = "An entity tag: the range applies only if it is current"),
    ),
    responses(
        (status = 200, description = "The whole representation", content_type = "application/octet-stream", body = Vec<u8>, headers(("Accept-Ranges" = String), ("ETag" = String))),
        (status = 206, description = "One range (Content-Range), or several as multipart/byteranges", content_type = "application/octet-stream", body = Vec<u8>, headers(("Accept-Ranges" = String), ("ETag" = String))),
        (status = 400, description = "Not a size from 0 to 102400", body = ErrorBody),
        (status = 416, description = "No range is satisfiable", content_type = "text/plain", body = String, headers(("Content-Range" = String, description = "bytes */N"))),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn range(path: routes::LiveRange, Admitted(_): Admitted, headers: HeaderMap) -> Response {
    let Some(len) = super::whole::<u64>(&path.bytes).filter(|n| *n <= MAX_BYTES) else {
        return refuse(WebError::bad_request(format!(
            "“{}” is not a size: give a number of bytes from 0 to {MAX_BYTES}",
            shorten(&path.bytes)
        )));
    };
    let tag_text = etag_of(len);
    let tag: Option<ETag> = tag_text.parse().ok();
    let wanted = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Selection::Whole, |v| select(v, len));
    // An If-Range that is neither a strong tag nor an HTTP-date matching
    // the representation makes the condition false, so the whole is sent
    // (RFC 9110, section 13.1.5): a value that does not parse included.
    let current = match headers.typed_get::<IfRange>() {
        Some(if_range) => !if_range.is_modified(tag.as_ref(), None),
        None => !headers.contains_key(header::IF_RANGE),
    };
    let wanted = if current { wanted } else { Selection::Whole };
    let body = representation(len);
    let mut r = match wanted {
        Selection::Whole => {
            let mut r = Response::new(Body::from(body));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            r
        }
        Selection::Unsatisfiable => {
            let mut r = Response::new(Body::from(format!(
                "None of the ranges asked for lies within the {len} bytes of this representation.\n"
            )));
            *r.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                h.insert(header::CONTENT_RANGE, v);
            }
            r
        }
        Selection::Ranges(ranges) if ranges.len() == 1 => {
            let (a, b) = ranges[0];
            let mut r = Response::new(Body::from(body[a as usize..=b as usize].to_vec()));
            *r.status_mut() = StatusCode::PARTIAL_CONTENT;
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {a}-{b}/{len}")) {
                h.insert(header::CONTENT_RANGE, v);
            }
            r
        }
        Selection::Ranges(ranges) => {
            let boundary = format!("statusatlas-{:016x}", fastrand::u64(..));
            let mut out = Vec::new();
            for (a, b) in ranges {
                out.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes {a}-{b}/{len}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(&body[a as usize..=b as usize]);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            let mut r = Response::new(Body::from(out));
            *r.status_mut() = StatusCode::PARTIAL_CONTENT;
            if let Ok(v) =
                HeaderValue::from_str(&format!("multipart/byteranges; boundary={boundary}"))
            {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r
        }
    };
    let h = r.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(tag) = tag {
        h.typed_insert(tag);
    }
    finish(r)
}
