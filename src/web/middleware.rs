//! Middleware of every response: security headers, error bodies for the
//! responses axum makes on its own (405), and the URI length limit.

use super::AppState;
use super::error::WebError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// Longer request targets are refused before routing: no page needs them.
pub const MAX_URI_BYTES: usize = 2048;

const CSP_PAGES: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/// Iframe pages: framed by anyone, still no script at all.
pub const CSP_EMBED: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *";
const CSP_DOCS: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The iframe pages (`/embed/http/407`), the only pages other sites may frame.
pub fn is_iframe_page(path: &str) -> bool {
    path.starts_with("/embed/") && path != "/embed/" && !path.starts_with("/embed/fragment/")
}

/// Routes whose errors are JSON: the API, what widgets fetch, and MCP.
fn is_api(path: &str) -> bool {
    path.starts_with("/oembed")
        || path.starts_with("/embed/fragment/")
        || is_api_path(path)
        || path == crate::mcp::http::PATH
}

fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/docs")
}

fn error_response(path: &str, error: WebError) -> Response {
    if is_api(path) {
        error.into_json()
    } else {
        error.into_html()
    }
}

pub async fn reject_long_uris(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let length = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if length > MAX_URI_BYTES {
        let path = request.uri().path().to_string();
        let error = WebError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!(
                "The request target is {length} bytes long; at most {MAX_URI_BYTES} are accepted."
            ),
        );
        return with_security_headers(&path, error_response(&path, error));
    }
    next.run(request).await
}

/// Cached responses are keyed by their path: a GET for one is answered
/// before routing, without extracting or allocating anything.
pub async fn cached_fast_path(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() == Method::GET
        && request.uri().query().is_none()
        && let Some(hit) = state.cache.get(request.uri().path())
    {
        let response = hit.respond(request.headers());
        return with_security_headers(request.uri().path(), response);
    }
    next.run(request).await
}

pub async fn errors_and_headers(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let api = is_api(request.uri().path());
    let kind = Kind::of(request.uri().path());
    let response = next.run(request).await;
    let response = if response.status() == StatusCode::METHOD_NOT_ALLOWED
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
        let mut replaced = if api {
            error.into_json()
        } else {
            error.into_html()
        };
        if let Some(a) = allow {
            replaced.headers_mut().insert(header::ALLOW, a);
        }
        replaced
    } else {
        response
    };
    security_headers(kind, response)
}

/// Which security policy a path gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    Iframe,
    Docs,
}

impl Kind {
    fn of(path: &str) -> Kind {
        if is_iframe_page(path) {
            Kind::Iframe
        } else if path.starts_with("/api/docs") {
            Kind::Docs
        } else {
            Kind::Page
        }
    }
}

fn with_security_headers(path: &str, response: Response<Body>) -> Response<Body> {
    security_headers(Kind::of(path), response)
}

fn security_headers(kind: Kind, mut response: Response<Body>) -> Response<Body> {
    let h = response.headers_mut();
    if kind == Kind::Iframe {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP_EMBED),
        );
    } else {
        let csp = if kind == Kind::Docs {
            CSP_DOCS
        } else {
            CSP_PAGES
        };
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    response
}
