//! `/echo`: the request as the server received it, as JSON, for any method.
//! It is where redirect chains end by default, so a client can see which
//! method, fields and body arrived after each kind of redirect.
//!
//! The body is read up to [`MAX_ECHO_BODY`] bytes (more is refused with
//! 413 before anything is echoed); it is echoed as text when it is UTF-8
//! and otherwise only counted. Nothing is stored.

use super::{Admitted, json_answer};
use crate::web::error::ErrorBody;
use crate::web::layers::read_body;
use crate::web::routes;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, Uri, Version};
use axum::response::Response;
use axum_extra::routing::TypedPath;

/// The largest body `/echo` reads, in bytes; a longer one is refused with
/// 413 Content Too Large.
pub const MAX_ECHO_BODY: usize = crate::web::layers::BODY_LIMIT;

/// What `/echo` answers: the request as the server received it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EchoDocument {
    /// The method, as sent (`GET`, `POST`, ...).
    pub method: String,
    /// The path, still percent-encoded.
    pub path: String,
    /// The raw query string, without `?`; absent when there is none.
    pub query: Option<String>,
    /// The query's name and value pairs, decoded, in order.
    #[schema(value_type = Vec<Vec<String>>)]
    pub args: Vec<(String, String)>,
    /// `HTTP/1.1`, `HTTP/2.0` ...
    pub version: String,
    /// Every field line in the order received, names in lowercase.
    #[schema(value_type = Vec<Vec<String>>)]
    pub headers: Vec<(String, String)>,
    /// The body as text; null when it is not UTF-8.
    pub body: Option<String>,
    /// The body's length in bytes.
    pub body_bytes: usize,
    /// Whether the body is UTF-8 text.
    pub body_utf8: bool,
}

/// `/echo`, any method: the request as an [`EchoDocument`]. Errors: 413
/// for a body over [`MAX_ECHO_BODY`].

#[utoipa::path(
    method(get, head, post, put, delete, patch, options),
    path = routes::LiveEcho::PATH,
    tag = "live",
    responses(
        (status = 200, description = "The request as received", body = EchoDocument),
        (status = 413, description = "A body over 16 KiB", body = ErrorBody),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
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
    let document = describe(&method, &uri, version, &headers, &bytes);
    json_answer(
        StatusCode::OK,
        &serde_json::to_value(&document).unwrap_or_default(),
    )
}

/// The description of a request (see [`echo`]).
pub fn describe(
    method: &Method,
    uri: &Uri,
    version: Version,
    headers: &HeaderMap,
    body: &[u8],
) -> EchoDocument {
    let text = std::str::from_utf8(body).ok();
    EchoDocument {
        method: method.as_str().to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        args: uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default(),
        version: format!("{version:?}"),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: text.map(str::to_string),
        body_bytes: body.len(),
        body_utf8: text.is_some(),
    }
}
