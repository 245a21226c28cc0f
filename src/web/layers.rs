//! The layers the route groups are built from: the error format (HTML page
//! or JSON body, with the request-target limit), the content security policy
//! and framing rule, and the headers every response carries. Each group
//! picks its layers in `web::router`; nothing here looks at the path to
//! decide a policy.

use super::error::{ErrorMark, WebError};
use super::views::{ErrorPage, Head, Link};
use crate::catalog::catalog;
use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;

/// Longer request targets are refused: no page needs them.
pub const MAX_URI_BYTES: usize = 2048;

/// The longest header field line accepted (name, colon, space and value),
/// in bytes; a longer one is refused with 431, as nginx and Apache refuse
/// field lines over about 8 KiB.
pub const MAX_FIELD_BYTES: usize = 8 * 1024;

/// The largest header section accepted (every field line with its CRLF),
/// in bytes; a larger one is refused with 431. hyper refuses more than 100
/// fields itself, also with 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Pages: scripts and styles from the site only; never framed.
pub const CSP_PAGES: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/// Iframe pages: framed by anyone; their only script is the site's own
/// `frame.js`, which tells the embedding page the card's height.
pub const CSP_EMBED: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *";
/// The API browser needs inline styles of Swagger UI.
pub const CSP_DOCS: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// How a group renders its errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorFormat {
    /// An HTML page with suggestions.
    Html,
    /// The JSON body `{"error": {...}}`.
    Json,
}

impl ErrorFormat {
    fn render(self, error: WebError) -> Response {
        let code = error.code;
        let mut response = match self {
            ErrorFormat::Html => error_page(error),
            ErrorFormat::Json => error.into_json(),
        };
        response.extensions_mut().insert(ErrorMark(code));
        response
    }
}

/// Errors as HTML pages.
pub async fn html_errors(request: Request, next: Next) -> Response {
    errors(ErrorFormat::Html, request, next).await
}

/// Errors as JSON bodies.
pub async fn json_errors(request: Request, next: Next) -> Response {
    errors(ErrorFormat::Json, request, next).await
}

/// Refuses over-long request targets (414), renders a [`WebError`] a
/// handler or extractor returned, and gives axum's bare 405 a body.
async fn errors(format: ErrorFormat, request: Request, next: Next) -> Response {
    let uri = request.uri();
    let length = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if length > MAX_URI_BYTES {
        return format.render(WebError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!(
                "The request target is {length} bytes long; at most {MAX_URI_BYTES} are accepted."
            ),
        ));
    }
    if let Some(problem) = header_problem(request.headers()) {
        return format.render(WebError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "header_too_large",
            problem,
        ));
    }
    let method = request.method().clone();
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<WebError>() {
        let extra = std::mem::take(response.headers_mut());
        let mut rendered = format.render(error);
        // Headers the error came with (Retry-After on a 429) are kept.
        for (name, value) in extra.iter() {
            // Not Cache-Control: the group's policy for its documents does not
            // apply to an error, which is never stored.
            if name != header::CONTENT_TYPE
                && name != header::CONTENT_LENGTH
                && name != header::CACHE_CONTROL
            {
                rendered.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return rendered;
    }
    if method == axum::http::Method::OPTIONS
        && response.status() == StatusCode::METHOD_NOT_ALLOWED
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        // A plain OPTIONS (not a CORS preflight) asks what the resource
        // allows (RFC 9110, Section 9.3.7): the router adds the Allow list
        // to this answer, as it does to every 405.
        let mut answer = Response::new(axum::body::Body::empty());
        *answer.status_mut() = StatusCode::NO_CONTENT;
        return answer;
    }
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        let allow = response.headers().get(header::ALLOW).cloned();
        let error = WebError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!(
                "{} is not allowed here; use {}.",
                method,
                allow
                    .as_ref()
                    .and_then(|a| a.to_str().ok())
                    .unwrap_or("GET")
            ),
        );
        let mut replaced = format.render(error);
        if let Some(a) = allow {
            replaced.headers_mut().insert(header::ALLOW, a);
        }
        return replaced;
    }
    response
}

/// Why a header section is refused with 431 Request Header Fields Too
/// Large (RFC 6585, Section 5), if it is: a field line over
/// [`MAX_FIELD_BYTES`] or a section over [`MAX_HEADER_BYTES`].
pub fn header_problem(headers: &axum::http::HeaderMap) -> Option<String> {
    let mut total = 0;
    for (name, value) in headers {
        let line = name.as_str().len() + 2 + value.len();
        if line > MAX_FIELD_BYTES {
            return Some(format!(
                "The header field {} is {line} bytes long; at most {MAX_FIELD_BYTES} are accepted for one field.",
                name.as_str()
            ));
        }
        total += line + 2;
    }
    (total > MAX_HEADER_BYTES).then(|| {
        format!(
            "The header section is {total} bytes long; at most {MAX_HEADER_BYTES} are accepted."
        )
    })
}

/// The request body limit of every route group but the explain routes, in
/// bytes (16 KiB): no other route reads a body.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The request body limit of the explain routes, in bytes: room for
/// `explain::MAX_INPUT_BYTES` (1 MiB) of text in any encoding they accept.
/// A form field's percent-encoding and a JSON string's `\u` escapes of
/// characters beyond the Basic Multilingual Plane at most triple the bytes;
/// 1 KiB more covers the field name or the JSON around the text.
pub const EXPLAIN_BODY_LIMIT: usize = 3 * crate::explain::MAX_INPUT_BYTES + 1024;

/// The 413 answer of a body over `limit` bytes.
pub fn body_too_large(limit: usize) -> WebError {
    WebError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("The request body is larger than the {limit} bytes accepted here."),
    )
}

/// Bounds the request body to `limit` bytes (the group's limit): a declared
/// `Content-Length` over it is refused at once with a 413 [`WebError`],
/// which the group's error layer renders; any other body stops with an
/// error once it passes the limit, so a handler reading it (with
/// [`read_body`]) answers 413 too.
pub async fn limit_body(
    axum::extract::State(limit): axum::extract::State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return body_too_large(limit).into_response();
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Reads a whole request body of at most `limit` bytes. Errors: 413 when
/// it is longer, 400 when the connection fails mid-body.
pub async fn read_body(
    body: axum::body::Body,
    limit: usize,
) -> Result<axum::body::Bytes, WebError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(s) = source {
            if s.is::<http_body_util::LengthLimitError>() {
                return body_too_large(limit);
            }
            source = s.source();
        }
        WebError::bad_request(format!("The request body could not be read: {e}."))
    })
}

/// A content security policy.
pub fn csp(policy: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    )
}

/// `X-Frame-Options: DENY`, for browsers that predate `frame-ancestors`.
pub fn deny_framing() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"))
}

/// The Cache-Control of a group, where a handler did not set its own.
pub fn cache_control(policy: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static(policy))
}

/// `X-Content-Type-Options: nosniff`, on every response.
pub fn nosniff() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    )
}

/// The Referrer-Policy of every response.
pub fn referrer_policy() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    )
}

/// An error as an HTML page with its suggestions.
pub fn error_page(error: WebError) -> Response {
    let this = error;
    let heading = match this.status {
        StatusCode::NOT_FOUND => "Not found".to_string(),
        s => s.canonical_reason().unwrap_or("Error").to_string(),
    };
    let page = ErrorPage {
        head: Head::new(
            catalog(),
            "",
            &super::routes::Home.to_string(),
            format!("{heading} — statusatlas"),
            this.message.clone(),
        ),
        status: this.status.as_u16(),
        heading,
        message: this.message,
        suggestions: this
            .suggestions
            .into_iter()
            .map(|s| Link {
                href: s.href,
                label: s.label,
                text: s.text,
            })
            .collect(),
    };
    let body = page.render().unwrap_or_else(|_| "error".to_string());
    let mut response = (this.status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
