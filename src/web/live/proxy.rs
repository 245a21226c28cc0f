//! Proxy authentication (RFC 9110, Sections 11.7 and 15.5.8) without a
//! proxy. A request in absolute form for another origin (`GET
//! http://example.test/ HTTP/1.1`, what a client configured with this
//! server as its HTTP proxy sends) and every `CONNECT` are answered here,
//! before routing:
//!
//! - without the documented test credentials ([`auth::TEST_USER`],
//!   [`auth::TEST_PASSWORD`]) in `Proxy-Authorization` (Basic): 407 with a
//!   `Proxy-Authenticate` challenge;
//! - with them: an absolute-form request gets a page saying that it
//!   reached statusatlas and went no further (200, negotiated as text, JSON
//!   or HTML); a `CONNECT` gets 403: no tunnel is opened.
//!
//! Nothing is ever forwarded and no connection is made anywhere. An
//! absolute-form request that names this server itself (`--base-url`,
//! `--live-base-url` or the address it listens on) is an ordinary request, as RFC 9112,
//! Section 3.2.2 requires servers to accept; HTTP/2 requests always carry
//! their authority and are never read as proxy requests, nor is an
//! extended CONNECT (RFC 8441).

use super::negotiate::{Format, preferred};
use super::{auth, client_of, finish, json_answer};
use crate::web::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;

/// The address the connection was accepted on, recorded by the connection
/// layer so that a request in absolute form naming this server is told
/// apart from one meant for a proxy.
#[derive(Clone, Copy, Debug)]
pub struct Listening(pub SocketAddr);

/// The challenge of a 407.
pub const PROXY_CHALLENGE: &str = "Basic realm=\"statusatlas proxy\", charset=\"UTF-8\"";

/// What kind of proxy request a request is, if any.
#[derive(Debug, PartialEq, Eq)]
pub enum ProxyForm {
    /// `CONNECT host:port`: a tunnel request.
    Connect(String),
    /// An absolute-form target for another origin.
    Absolute(String),
}

/// Whether `request` is meant for a proxy (see the module documentation).
/// `origins` are this server's own public origins (`https://host:port`).
pub fn proxy_form<B>(request: &axum::http::Request<B>, origins: &[&str]) -> Option<ProxyForm> {
    let uri = request.uri();
    let target = || crate::web::error::shorten(&uri.to_string());
    if request.method() == Method::CONNECT {
        if request.extensions().get::<hyper::ext::Protocol>().is_some() {
            return None;
        }
        return Some(ProxyForm::Connect(target()));
    }
    if request.version() > Version::HTTP_11 {
        return None;
    }
    let authority = uri.authority()?;
    let listening = request.extensions().get::<Listening>().map(|l| l.0);
    (!origins
        .iter()
        .any(|origin| is_own(authority, uri.scheme_str(), origin, listening)))
    .then(|| ProxyForm::Absolute(target()))
}

/// Whether `authority` names this server: the base URL's host and port, or
/// the address listened on (also as `localhost` on loopback).
fn is_own(
    authority: &axum::http::uri::Authority,
    scheme: Option<&str>,
    base_url: &str,
    listening: Option<SocketAddr>,
) -> bool {
    let default_port = |scheme: Option<&str>| {
        if scheme.is_some_and(|s| s.eq_ignore_ascii_case("https")) {
            443
        } else {
            80
        }
    };
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let port = authority.port_u16().unwrap_or(default_port(scheme));
    if let Ok(base) = base_url.parse::<axum::http::Uri>()
        && let Some(b) = base.authority()
        && b.host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .eq_ignore_ascii_case(host)
        && b.port_u16().unwrap_or(default_port(base.scheme_str())) == port
    {
        return true;
    }
    listening.is_some_and(|addr| {
        addr.port() == port
            && (host.parse::<std::net::IpAddr>().ok() == Some(addr.ip())
                || (addr.ip().is_loopback() && host.eq_ignore_ascii_case("localhost")))
    })
}

/// The layer that answers proxy requests before routing (the live router
/// adds it when the live endpoints are served).
pub async fn front(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let mut origins = vec![state.base_url.as_str()];
    origins.extend(state.live_base_url.as_deref());
    let Some(form) = proxy_form(&request, &origins) else {
        return next.run(request).await;
    };
    // No route group's layers are around these answers: add the live
    // group's framing rule here (the CSP comes with `finish`).
    let mut r = answer_proxy(&state, &request, form);
    if let Some(error) = r.extensions_mut().remove::<crate::web::error::WebError>() {
        // A refusal (the rate limit's 429) rendered as the JSON error shape,
        // with the fields it came with (Retry-After).
        let fields = std::mem::take(r.headers_mut());
        let mut rendered = error.into_json();
        for (name, value) in &fields {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                rendered.headers_mut().insert(name.clone(), value.clone());
            }
        }
        *rendered.extensions_mut() = std::mem::take(r.extensions_mut());
        r = rendered;
    }
    r.headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

fn answer_proxy(state: &AppState, request: &Request, form: ProxyForm) -> Response {
    if let Some(limited) = super::over_rate(state, client_of(request.extensions())) {
        return limited;
    }
    let credentials = auth::presented(request.headers(), &header::PROXY_AUTHORIZATION, "Basic");
    if !auth::are_test_credentials(&credentials) {
        let mut r = json_answer(
            StatusCode::PROXY_AUTHENTICATION_REQUIRED,
            &serde_json::json!({
                "authenticated": false,
                "message": format!(
                    "Proxy authentication required: send Proxy-Authorization with the Basic credentials {} / {} (test values). statusatlas never forwards a request, even then.",
                    auth::TEST_USER, auth::TEST_PASSWORD
                ),
            }),
        );
        r.headers_mut().insert(
            header::PROXY_AUTHENTICATE,
            HeaderValue::from_static(PROXY_CHALLENGE),
        );
        return r;
    }
    match form {
        ProxyForm::Connect(target) => json_answer(
            StatusCode::FORBIDDEN,
            &serde_json::json!({
                "authenticated": true,
                "target": target,
                "message": "Your proxy credentials were accepted, and the tunnel is refused: statusatlas opens no connection anywhere.",
            }),
        ),
        ProxyForm::Absolute(target) => explanation(&target, preferred(request.headers())),
    }
}

/// The page an authenticated absolute-form request gets.
fn explanation(target: &str, format: Format) -> Response {
    let said = format!(
        "Your proxy credentials were accepted. statusatlas answers proxy requests itself and never forwards them: nothing was sent to {target}."
    );
    let text = match format {
        Format::Text => format!("{said}\n"),
        Format::Json => {
            serde_json::json!({"authenticated": true, "target": target, "message": said})
                .to_string()
        }
        Format::Html => format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Proxy request answered locally</title></head><body><p>{}</p></body></html>",
            super::escape(&said)
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
