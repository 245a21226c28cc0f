//! `/echo`: the request as the server received it, as JSON, for any method.
//! It is where redirect chains end by default, so a client can see which
//! method, fields and body arrived after each kind of redirect.
//!
//! The body is read up to [`MAX_ECHO_BODY`] bytes (more is refused with
//! 413 before anything is echoed); it is echoed as text when it is UTF-8
//! and otherwise only counted. Nothing is stored.

use super::{Admitted, json_answer};
use crate::web::layers::read_body;
use crate::web::routes;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, Uri, Version};
use axum::response::Response;

/// The largest body `/echo` reads, in bytes; a longer one is refused with
/// 413 Content Too Large.
pub const MAX_ECHO_BODY: usize = crate::web::layers::BODY_LIMIT;

/// `/echo`, any method: `{"method", "path", "query", "args": [[name,
/// value]], "version", "headers": [[name, value]], "body", "body_bytes",
/// "body_utf8"}`. `headers` lists every field line in the order received
/// (names in lowercase, as HTTP/2 sends them); `body` is the body as text,
/// or null when it is not UTF-8.
pub async fn echo(
    _: routes::LiveEcho,
    Admitted(_): Admitted,
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bytes = match read_body(body, MAX_ECHO_BODY).await {
        Ok(b) => b,
        Err(e) => return super::refuse(e),
    };
    json_answer(
        StatusCode::OK,
        &describe(&method, &uri, version, &headers, &bytes),
    )
}

/// The JSON description of a request (see [`echo`]).
pub fn describe(
    method: &Method,
    uri: &Uri,
    version: Version,
    headers: &HeaderMap,
    body: &[u8],
) -> serde_json::Value {
    let args: Vec<(String, String)> = uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let fields: Vec<(&str, String)> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let text = std::str::from_utf8(body).ok();
    serde_json::json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": uri.query(),
        "args": args,
        "version": format!("{version:?}"),
        "headers": fields,
        "body": text,
        "body_bytes": body.len(),
        "body_utf8": text.is_some(),
    })
}
