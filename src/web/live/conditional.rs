//! `/cache/etag`: conditional requests (RFC 9110, Section 13) against one
//! small representation that does not change while the server runs. Its
//! `ETag` is derived from its bytes and its `Last-Modified` is when the
//! server first served it, so:
//!
//! - `If-None-Match` with its tag (or `*`) gives 304 to GET and HEAD, 412 to
//!   PUT; `If-Modified-Since` at or after `Last-Modified` gives 304;
//! - `If-Match` with another tag, or `If-Unmodified-Since` before
//!   `Last-Modified`, gives 412 to every method;
//! - PUT without `If-Match` or `If-Unmodified-Since` gives 428 (RFC 6585,
//!   Section 3): a lost update is what the precondition prevents; a PUT
//!   whose preconditions hold gives 204, and nothing is stored.
//!
//! The preconditions are evaluated in the order of RFC 9110, Section 13.2.2,
//! with the comparisons of `headers` (strong for `If-Match`, weak for
//! `If-None-Match`). Answers say `Cache-Control: no-cache`: a cache may keep
//! the representation but must revalidate it, which is the point here.

use super::{Admitted, finish, json_answer};
use crate::web::error::ErrorBody;
use crate::web::routes;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum_extra::headers::{
    ETag, HeaderMapExt, IfMatch, IfModifiedSince, IfNoneMatch, IfUnmodifiedSince, LastModified,
};
use axum_extra::routing::TypedPath;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The representation `/cache/etag` serves.
pub const REPRESENTATION: &str = "This representation does not change while the server runs.\nSend its ETag in If-None-Match (or its Last-Modified in If-Modified-Since) to get 304 Not Modified; send another tag in If-Match to get 412 Precondition Failed.\n";

/// The entity tag of [`REPRESENTATION`]: a strong tag made of the FNV-1a
/// hash of its bytes, as a quoted hexadecimal string.
pub fn etag_value() -> String {
    let hash = REPRESENTATION
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("\"{hash:016x}\"")
}

/// [`etag_value`] as a typed header (a quoted hexadecimal string always
/// parses; were it not to, the resource would answer without a tag).
fn etag() -> Option<ETag> {
    static TAG: OnceLock<Option<ETag>> = OnceLock::new();
    TAG.get_or_init(|| etag_value().parse().ok()).clone()
}

/// When the representation was first served, in whole seconds (an
/// HTTP-date has no finer resolution, and a `Last-Modified` with a fraction
/// would never equal the date a client sends back).
pub fn last_modified() -> SystemTime {
    static FIRST: OnceLock<SystemTime> = OnceLock::new();
    *FIRST.get_or_init(|| {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        UNIX_EPOCH + Duration::from_secs(secs)
    })
}

/// The outcome of the preconditions of a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No precondition stops the method.
    Proceed,
    /// 304 Not Modified (GET and HEAD only).
    NotModified,
    /// 412 Precondition Failed, and which field failed.
    Failed(&'static str),
}

/// Evaluates the preconditions of `headers` for `method` against the
/// representation (RFC 9110, Section 13.2.2, steps 1 to 4).
pub fn evaluate(method: &Method, headers: &HeaderMap) -> Outcome {
    let Some(tag) = etag() else {
        return Outcome::Proceed;
    };
    let modified = last_modified();
    let safe = method == Method::GET || method == Method::HEAD;
    if let Some(if_match) = headers.typed_get::<IfMatch>() {
        if !if_match.precondition_passes(&tag) {
            return Outcome::Failed("If-Match");
        }
    } else if let Some(since) = headers.typed_get::<IfUnmodifiedSince>()
        && !since.precondition_passes(modified)
    {
        return Outcome::Failed("If-Unmodified-Since");
    }
    if let Some(none_match) = headers.typed_get::<IfNoneMatch>() {
        if !none_match.precondition_passes(&tag) {
            return if safe {
                Outcome::NotModified
            } else {
                Outcome::Failed("If-None-Match")
            };
        }
    } else if safe
        && let Some(since) = headers.typed_get::<IfModifiedSince>()
        && !since.is_modified(modified)
    {
        return Outcome::NotModified;
    }
    Outcome::Proceed
}

/// `/cache/etag` (GET, HEAD, PUT): see the module documentation.
#[utoipa::path(
    method(get, head, put),
    path = routes::LiveCacheEtag::PATH,
    tag = "live",
    params(
        ("If-Match" = Option<String>, Header, description = "Entity tags the representation must have"),
        ("If-None-Match" = Option<String>, Header, description = "Entity tags it must not have"),
        ("If-Modified-Since" = Option<String>, Header, description = "An HTTP-date"),
        ("If-Unmodified-Since" = Option<String>, Header, description = "An HTTP-date"),
    ),
    responses(
        (status = 200, description = "The representation", content_type = "text/plain", body = String, headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 204, description = "A PUT whose preconditions hold (nothing is stored)"),
        (status = 304, description = "Not Modified", headers(("ETag" = String))),
        (status = 412, description = "A precondition does not hold", body = Object),
        (status = 428, description = "A PUT without If-Match or If-Unmodified-Since", body = Object),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn etag_resource(
    _: routes::LiveCacheEtag,
    Admitted(_): Admitted,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let mut r = match evaluate(&method, &headers) {
        Outcome::NotModified => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            finish(r)
        }
        Outcome::Failed(field) => json_answer(
            StatusCode::PRECONDITION_FAILED,
            &serde_json::json!({
                "precondition": field,
                "etag": etag_value(),
                "message": format!("{field} does not hold for the current representation, so the request was not applied."),
            }),
        ),
        Outcome::Proceed if method == Method::PUT => {
            if !headers.contains_key(header::IF_MATCH)
                && !headers.contains_key(header::IF_UNMODIFIED_SINCE)
            {
                return json_answer(
                    StatusCode::PRECONDITION_REQUIRED,
                    &serde_json::json!({
                        "etag": etag_value(),
                        "message": "A PUT here must be conditional: send If-Match with the ETag you last saw, so that you cannot overwrite a change you have not seen.",
                    }),
                );
            }
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NO_CONTENT;
            return finish(r);
        }
        Outcome::Proceed => {
            let mut r = Response::new(Body::from(REPRESENTATION));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            finish(r)
        }
    };
    let h = r.headers_mut();
    if let Some(tag) = etag() {
        h.typed_insert(tag);
    }
    h.typed_insert(LastModified::from(last_modified()));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
