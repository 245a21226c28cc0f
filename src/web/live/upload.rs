//! `/upload?limit=BYTES` (POST, PUT): a request body, counted and
//! discarded, answered with 201, to test `Expect: 100-continue` (RFC 9110,
//! Section 10.1.1) and refusals that come before the body:
//!
//! - `Expect: 100-continue`: hyper sends `100 Continue` when the handler
//!   first reads the body, so the interim answer goes out only once the
//!   request has passed every check below; then 201;
//! - any other expectation: 417 Expectation Failed, before the body;
//! - a `Content-Length` over `limit`: 413 Content Too Large, before the
//!   body; a body without a length that passes `limit`: 413 as soon as it
//!   does. Both say `Connection: close`, since the rest of the body is not
//!   read (RFC 9112, Section 9.6).
//!
//! `limit` defaults to [`DEFAULT_LIMIT`] and may be at most [`MAX_LIMIT`];
//! the body is never held in memory, only counted.

use super::{Admitted, json_answer, refuse};
use crate::web::error::ErrorBody;
use crate::web::error::{WebError, shorten};
use crate::web::routes::{self, UploadQuery};
use axum::body::Body;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::routing::TypedPath;
use http_body_util::BodyExt;

/// The body limit when `limit=` is not given, in bytes.
pub const DEFAULT_LIMIT: u64 = 64 * 1024;
/// The largest `limit=`, in bytes.
pub const MAX_LIMIT: u64 = 1024 * 1024;

/// `/upload` (POST, PUT): see the module documentation. Errors: 400 for a
/// `limit` that is not a number from 0 to [`MAX_LIMIT`] or a body that
/// breaks off, 413 and 417 as described.
#[utoipa::path(
    method(post, put),
    path = routes::LiveUpload::PATH,
    tag = "live",
    params(
        ("limit" = Option<u64>, Query, description = "The largest body accepted, in bytes (default 65536)", minimum = 0, maximum = 1048576),
    ),
    request_body(content = Option<Vec<u8>>, content_type = "application/octet-stream", description = "Any bytes; send Expect: 100-continue to have them wait for the server's 100"),
    responses(
        (status = 201, description = "Received, counted and discarded", body = Object),
        (status = 400, description = "A limit out of range, or a body that broke off", body = ErrorBody),
        (status = 413, description = "Over the limit (Connection: close)", body = ErrorBody),
        (status = 417, description = "An expectation other than 100-continue (Connection: close)", body = ErrorBody),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn upload(
    _: routes::LiveUpload,
    Admitted(_): Admitted,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limit = match parse_limit(raw.as_deref()) {
        Ok(l) => l,
        Err(e) => return refuse(e),
    };
    let expectations: Vec<String> = headers
        .get_all(header::EXPECT)
        .iter()
        .flat_map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect();
    let continues = expectations
        .iter()
        .any(|e| e.eq_ignore_ascii_case("100-continue"));
    if let Some(other) = expectations
        .iter()
        .find(|e| !e.eq_ignore_ascii_case("100-continue"))
    {
        return closing(WebError::new(
            StatusCode::EXPECTATION_FAILED,
            "expectation_failed",
            format!(
                "The expectation “{}” cannot be met: the only one this server knows is 100-continue.",
                shorten(other)
            ),
        ));
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared
        && n > limit
    {
        return closing(too_large(n, limit));
    }
    // Reading the body is what makes hyper send 100 Continue.
    let mut body = body;
    let mut received: u64 = 0;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    received += data.len() as u64;
                    if received > limit {
                        return closing(too_large(received, limit));
                    }
                }
            }
            Err(e) => {
                return refuse(WebError::bad_request(format!(
                    "The request body could not be read: {e}."
                )));
            }
        }
    }
    json_answer(
        StatusCode::CREATED,
        &serde_json::json!({
            "received_bytes": received,
            "limit": limit,
            "expect_continue": continues,
            "content_type": headers.get(header::CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            "message": "The body was received, counted and discarded: nothing is stored.",
        }),
    )
}

fn parse_limit(raw: Option<&str>) -> Result<u64, WebError> {
    let query = UploadQuery {
        limit: super::query_param(raw, "limit"),
    };
    match query.limit {
        None => Ok(DEFAULT_LIMIT),
        Some(l) => super::whole::<u64>(&l)
            .filter(|l| *l <= MAX_LIMIT)
            .ok_or_else(|| {
                WebError::bad_request(format!(
                    "limit “{}” must be a number of bytes from 0 to {MAX_LIMIT}",
                    shorten(&l)
                ))
            }),
    }
}

fn too_large(size: u64, limit: u64) -> WebError {
    WebError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("The body is {size} bytes or more; this upload takes at most {limit}."),
    )
}

/// A refusal before (or instead of) the rest of the body: the connection
/// closes after it, since the body is not read.
fn closing(error: WebError) -> Response {
    let mut r = refuse(error);
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}
