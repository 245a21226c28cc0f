//! Request-time errors. One type carries status, a stable machine code, a
//! message and suggestions; it renders as the JSON error shape for the API and
//! as an HTML page for the site. Messages may echo user input: the HTML page
//! escapes it through the template and JSON escapes by construction.

use super::views::{ErrorPage, Head, Link, entry_link};
use crate::catalog::{Protocol, catalog};
use crate::search;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub suggestions: Vec<(String, String, String)>,
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

    /// An unknown code, with the nearest codes as suggestions.
    pub fn unknown_code(protocol: Option<Protocol>, input: &str) -> WebError {
        let shown = shorten(input);
        let message = match protocol {
            Some(p) => format!("There is no {} {} “{shown}”.", p.name(), p.code_noun()),
            None => format!("Nothing is known as “{shown}”."),
        };
        let mut e = WebError::not_found(message);
        e.suggestions = search::suggestions(search::index(), protocol, input)
            .into_iter()
            .map(|s| {
                let l = entry_link(s);
                (l.href, format!("{} {}", s.protocol.name(), l.label), l.text)
            })
            .collect();
        e
    }

    pub fn internal(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    pub fn into_html(self) -> Response {
        let self_code = self.code;
        let heading = match self.status {
            StatusCode::NOT_FOUND => "Not found".to_string(),
            s => s.canonical_reason().unwrap_or("Error").to_string(),
        };
        let page = ErrorPage {
            head: Head::new(
                catalog(),
                "",
                "/",
                format!("{heading} — statusatlas"),
                self.message.clone(),
            ),
            status: self.status.as_u16(),
            heading,
            message: self.message,
            suggestions: self
                .suggestions
                .into_iter()
                .map(|(href, label, text)| Link { href, label, text })
                .collect(),
        };
        let body = page.render().unwrap_or_else(|_| "error".to_string());
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response.extensions_mut().insert(ErrorMark(self_code));
        response
    }

    pub fn into_json(self) -> Response {
        let self_code = self.code;
        #[derive(Serialize)]
        struct Suggestion {
            href: String,
            label: String,
        }
        #[derive(Serialize)]
        struct Inner {
            code: &'static str,
            message: String,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            suggestions: Vec<Suggestion>,
        }
        #[derive(Serialize)]
        struct Outer {
            error: Inner,
        }
        let body = Outer {
            error: Inner {
                code: self.code,
                message: self.message,
                suggestions: self
                    .suggestions
                    .into_iter()
                    .map(|(href, label, _)| Suggestion { href, label })
                    .collect(),
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
        let mut response = (self.status, text).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response.extensions_mut().insert(ErrorMark(self_code));
        response
    }
}

/// Marks a response made from a [`WebError`] (with its machine code), so
/// later layers can tell "no such resource" from a live endpoint that was
/// asked to answer 404.
#[derive(Clone, Copy, Debug)]
pub struct ErrorMark(pub &'static str);

/// Input shortened for messages: at most 60 characters, controls removed.
pub fn shorten(input: &str) -> String {
    crate::text::shorten(input, 60)
}

/// An error on an HTML route.
pub struct PageError(pub WebError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.into_html()
    }
}

impl From<WebError> for PageError {
    fn from(e: WebError) -> Self {
        PageError(e)
    }
}

/// An error on an API route.
pub struct ApiError(pub WebError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

/// Path parameters whose rejection (bytes that are not UTF-8, say) becomes
/// our 400 page or JSON error instead of axum's plain-text answer.
pub struct SafePath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for SafePath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(SafePath(value)),
            Err(_) => {
                let error =
                    WebError::bad_request("The address is not valid: it must be UTF-8 text.");
                Err(if parts.uri.path().starts_with("/api/") {
                    error.into_json()
                } else {
                    error.into_html()
                })
            }
        }
    }
}
