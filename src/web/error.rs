//! Request-time errors. One type carries status, a stable machine code, a
//! message and suggestions. A handler or extractor returns it; the route
//! group's error layer (`web::layers`) renders it, as the JSON body for the
//! API and the widget fragments, as an HTML page elsewhere. The JSON body is
//! [`ErrorBody`], which is also the schema the OpenAPI document gives.
//! Messages may echo user input: the HTML page escapes it through the
//! template and JSON escapes by construction.

use axum::extract::rejection::PathRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A request that cannot be answered as asked.
#[derive(Debug, Clone)]
pub struct WebError {
    pub status: StatusCode,
    /// not_found, bad_request, method_not_allowed, uri_too_long, ...
    pub code: &'static str,
    pub message: String,
    pub suggestions: Vec<Suggestion>,
}

/// A page the reader may have meant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    /// The path of the suggested page, e.g. `/http/407`.
    pub href: String,
    /// What it is, e.g. `HTTP 407 Proxy Authentication Required`.
    pub label: String,
    /// A one-line summary, shown on HTML error pages only.
    #[serde(skip)]
    pub text: String,
}

/// The error shape of every JSON failure: `{"error": {...}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for machines and for people.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code: not_found, bad_request,
    /// method_not_allowed, uri_too_long, too_large, unsupported_media_type,
    /// empty, binary, invalid_utf8, invalid_har, not_implemented, rate_limited,
    /// too_many_delayed, header_too_large, expectation_failed, internal.
    #[schema(value_type = String)]
    pub code: &'static str,
    pub message: String,
    /// Pages the reader may have meant; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

impl WebError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> WebError {
        WebError {
            status,
            code,
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn internal(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// The error as the JSON body [`ErrorBody`].
    pub fn into_json(self) -> Response {
        let status = self.status;
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                suggestions: self.suggestions,
            },
        };
        // Messages may quote the request; escaping < and > keeps the JSON
        // inert even for a client that sniffs it as HTML.
        let text = serde_json::to_string(&body)
            .unwrap_or_else(|_| {
                "{\"error\":{\"code\":\"internal\",\"message\":\"error\"}}".to_string()
            })
            .replace('<', "\\u003c")
            .replace('>', "\\u003e");
        finish(status, "application/json", text)
    }
}

fn finish(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A handler's error travels to its group's error layer as an extension of
/// an empty response with the error's status; the layer renders it.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// A path capture that cannot be read (bytes that are not UTF-8, say).
impl From<PathRejection> for WebError {
    fn from(_: PathRejection) -> WebError {
        WebError::bad_request("The address is not valid: it must be UTF-8 text.")
    }
}

/// Marks a response rendered from a [`WebError`] (with its machine code),
/// so later layers can tell "no such resource" from a live endpoint that was
/// asked to answer 404.
#[derive(Clone, Copy, Debug)]
pub struct ErrorMark(pub &'static str);

/// Input shortened for messages: at most 60 characters, controls removed.
pub fn shorten(input: &str) -> String {
    crate::text::shorten(input, 60)
}
