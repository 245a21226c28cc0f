//! `/negotiate`: content negotiation that refuses what it cannot serve, so
//! a client sees the real 406 and 415 (RFC 9110, Sections 12 and 15.5):
//!
//! - GET and HEAD: the same short document as plain text, JSON or HTML,
//!   chosen from `Accept` (q-values, wildcards, `q=0`) with `Vary: Accept`;
//!   an `Accept` that rules out all three gives 406 Not Acceptable with the
//!   list of what is available;
//! - POST and PUT: a body as `application/json` (which must parse) or
//!   `text/plain`, answered with what was understood; any other
//!   `Content-Type` gives 415 Unsupported Media Type with `Accept-Post`
//!   (RFC 9110 has no field for PUT; the list is the same), and a
//!   `Content-Encoding` other than identity gives 415 with
//!   `Accept-Encoding: identity` (Section 15.5.16);
//! - any other method: 405 with `Allow` (the router's answer).

use super::negotiate::{Format, acceptable};
use super::{Admitted, finish, json_answer, refuse};
use crate::web::error::ErrorBody;
use crate::web::error::{WebError, shorten};
use crate::web::layers::{BODY_LIMIT, read_body};
use crate::web::routes;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::routing::TypedPath;

/// The media types a body sent to `/negotiate` may have.
pub const ACCEPT_POST: &str = "application/json, text/plain";

/// `/negotiate` (GET, HEAD): the document in the representation `Accept`
/// prefers, or 406.
#[utoipa::path(
    get,
    path = routes::LiveNegotiate::PATH,
    tag = "live",
    responses(
        (status = 200, description = "The document as text/plain, application/json or text/html", content((String = "text/plain"), (Object = "application/json"), (String = "text/html"))),
        (status = 406, description = "Accept rules out all three", content_type = "text/plain", body = String),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn document(
    _: routes::LiveNegotiate,
    Admitted(_): Admitted,
    headers: HeaderMap,
) -> Response {
    let Some(format) = acceptable(&headers) else {
        let mut r = Response::new(Body::from(
            "406 Not Acceptable: none of the media types in Accept is available. This resource is available as text/plain, application/json and text/html.\n",
        ));
        *r.status_mut() = StatusCode::NOT_ACCEPTABLE;
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        h.insert(header::VARY, HeaderValue::from_static("accept"));
        return finish(r);
    };
    let said = "This document is available as text/plain, application/json and text/html; Accept chose this one.";
    let text = match format {
        Format::Text => format!("{said}\n"),
        Format::Json => serde_json::json!({"message": said, "available": ["text/plain", "application/json", "text/html"]}).to_string(),
        Format::Html => format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Negotiated</title></head><body><p>{said}</p></body></html>"
        ),
    };
    let mut r = Response::new(Body::from(text));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept"));
    finish(r)
}

/// `/negotiate` (POST, PUT): the body understood, or 415 (see the module
/// documentation). Errors: 400 for JSON that does not parse or text that
/// is not UTF-8, 413 for a body over 16 KiB.
#[utoipa::path(
    method(post, put),
    path = routes::LiveNegotiate::PATH,
    tag = "live",
    request_body(content((Value = "application/json"), (String = "text/plain"))),
    responses(
        (status = 200, description = "What the body was understood as", body = Object),
        (status = 400, description = "JSON that does not parse, or text that is not UTF-8", body = ErrorBody),
        (status = 413, description = "A body over 16 KiB", body = ErrorBody),
        (status = 415, description = "Another media type (Accept-Post) or a content coding (Accept-Encoding)", body = ErrorBody),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn accept_body(
    _: routes::LiveNegotiate,
    Admitted(_): Admitted,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(coding) = headers
        .get(header::CONTENT_ENCODING)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .filter(|c| !c.eq_ignore_ascii_case("identity"))
    {
        let mut r = refuse(WebError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "The content coding “{}” is not accepted here: send the body as it is (identity).",
                shorten(&coding)
            ),
        ));
        r.headers_mut().insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("identity"),
        );
        return r;
    }
    let given = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let kind = given
        .as_deref()
        .and_then(|v| mediatype::MediaType::parse(v.trim()).ok())
        .and_then(|m| {
            let ty = m.ty.as_str().to_ascii_lowercase();
            let sub = m.subty.as_str().to_ascii_lowercase();
            match (ty.as_str(), sub.as_str(), m.suffix) {
                ("application", "json", None) => Some(Format::Json),
                ("text", "plain", None) => Some(Format::Text),
                _ => None,
            }
        });
    let Some(kind) = kind else {
        let mut r = refuse(WebError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            match &given {
                Some(t) => format!(
                    "The body is “{}”; this resource takes {ACCEPT_POST}.",
                    shorten(t)
                ),
                None => format!("The body has no Content-Type; this resource takes {ACCEPT_POST}."),
            },
        ));
        r.headers_mut()
            .insert("accept-post", HeaderValue::from_static(ACCEPT_POST));
        return r;
    };
    let bytes = match read_body(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(e) => return refuse(e),
    };
    let value = match kind {
        Format::Json => match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(v) => {
                serde_json::json!({"content_type": "application/json", "bytes": bytes.len(), "json": v})
            }
            Err(e) => return refuse(WebError::bad_request(format!("The body is not JSON: {e}."))),
        },
        _ => match std::str::from_utf8(&bytes) {
            Ok(t) => {
                serde_json::json!({"content_type": "text/plain", "bytes": bytes.len(), "text": t})
            }
            Err(_) => return refuse(WebError::bad_request("The text is not UTF-8.")),
        },
    };
    json_answer(StatusCode::OK, &value)
}
