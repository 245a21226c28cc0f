//! Live test endpoints: `/status/{codes}` answers with a real status code and
//! the headers the code is defined with, for any method, with options for a
//! delay, a custom body, extra headers, weighted random choice, faults and a
//! WebSocket echo on 101. Limits keep a public instance usable: a cap on
//! concurrent delayed requests and a per-client rate limit.

use super::AppState;
use super::error::{WebError, shorten};
use super::pages::query_pairs;
use crate::catalog::{Entry, EntryRef, Protocol, catalog};
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, OptionalFromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Limits of the live endpoints, set by `serve` flags.
#[derive(Clone, Debug)]
pub struct LiveConfig {
    pub max_delay: Duration,
    pub max_delayed: usize,
    /// Requests per second per client address.
    pub rate_per_second: u32,
    pub max_body: usize,
}

impl Default for LiveConfig {
    fn default() -> LiveConfig {
        LiveConfig {
            max_delay: Duration::from_secs(10),
            max_delayed: 64,
            rate_per_second: 50,
            max_body: 1024,
        }
    }
}

pub struct Limits {
    pub config: LiveConfig,
    delayed: Semaphore,
    rate: DefaultKeyedRateLimiter<IpAddr>,
}

impl Limits {
    pub fn new(config: LiveConfig) -> Limits {
        let per_second = NonZeroU32::new(config.rate_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        Limits {
            delayed: Semaphore::new(config.max_delayed),
            rate: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(
                per_second.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN)),
            )),
            config,
        }
    }
}

/// The fault a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    AbortBeforeHeaders,
    AbortAfterHeaders,
    AbortDuringBody,
    Dribble,
}

impl Fault {
    fn parse(s: &str) -> Option<Fault> {
        Some(match s {
            "abort-before-headers" => Fault::AbortBeforeHeaders,
            "abort-after-headers" => Fault::AbortAfterHeaders,
            "abort-during-body" => Fault::AbortDuringBody,
            "dribble" => Fault::Dribble,
            _ => return None,
        })
    }
}

/// Whether a request asks to be dropped before any answer: the connection
/// layer honours this, since a handler always answers.
pub fn wants_abort_before_headers(path: &str, query: Option<&str>) -> bool {
    path.starts_with("/status/")
        && query
            .map(query_pairs)
            .is_some_and(|q| q.get("fault").map(String::as_str) == Some("abort-before-headers"))
}

/// Parses `418` or weighted choices `200:3,500:1`.
pub fn parse_codes(spec: &str) -> Result<Vec<(u16, u32)>, String> {
    if spec.is_empty() || spec.len() > 200 {
        return Err(
            "give a status code such as 418, or weighted choices such as 200:3,500:1".into(),
        );
    }
    let mut out = Vec::new();
    for part in spec.split(',') {
        let (code, weight) = match part.split_once(':') {
            Some((c, w)) => (c.trim(), w.trim()),
            None => (part.trim(), "1"),
        };
        let code: u16 = code
            .parse()
            .ok()
            .filter(|c| (100..=599).contains(c))
            .ok_or_else(|| format!("“{}” is not a status code from 100 to 599", shorten(code)))?;
        let weight: u32 = weight
            .parse()
            .ok()
            .filter(|w| (1..=1000).contains(w))
            .ok_or_else(|| {
                format!(
                    "the weight “{}” must be a whole number from 1 to 1000",
                    shorten(weight)
                )
            })?;
        out.push((code, weight));
    }
    if out.len() > 20 {
        return Err("at most 20 choices".into());
    }
    Ok(out)
}

fn choose(choices: &[(u16, u32)]) -> u16 {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut pick = fastrand::u32(0..total.max(1));
    for (code, weight) in choices {
        if pick < *weight {
            return *code;
        }
        pick -= weight;
    }
    choices[0].0
}

/// `500`, `500ms`, `1.5s`: milliseconds by default.
pub fn parse_delay(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            format!(
                "delay “{}” must be milliseconds (500 or 500ms) or seconds (1.5s)",
                shorten(s)
            )
        })?;
    Ok(Duration::from_secs_f64(
        (value * scale / 1000.0).min(86_400.0),
    ))
}

/// Extra headers a caller may set: their own (X-...) and a few harmless ones.
fn allowed_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("x-")
        || matches!(
            lower.as_str(),
            "cache-control"
                | "content-type"
                | "retry-after"
                | "location"
                | "link"
                | "etag"
                | "last-modified"
                | "vary"
                | "expires"
                | "content-language"
                | "www-authenticate"
                | "proxy-authenticate"
        )
}

struct Options {
    delay: Duration,
    delay_capped: bool,
    body: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    suppress_body: bool,
    fault: Option<Fault>,
}

fn options(raw: Option<&str>, config: &LiveConfig) -> Result<Options, WebError> {
    let mut o = Options {
        delay: Duration::ZERO,
        delay_capped: false,
        body: None,
        headers: Vec::new(),
        suppress_body: false,
        fault: None,
    };
    let Some(raw) = raw else { return Ok(o) };
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match key.as_ref() {
            "delay" => {
                let d = parse_delay(&value).map_err(WebError::bad_request)?;
                o.delay_capped = d > config.max_delay;
                o.delay = d.min(config.max_delay);
            }
            "body" => {
                if value.len() > config.max_body {
                    return Err(WebError::bad_request(format!("body may be at most {} bytes", config.max_body)));
                }
                o.body = Some(value.into_owned());
            }
            "header" => {
                let (name, val) = value
                    .split_once(':')
                    .ok_or_else(|| WebError::bad_request("header must be Name:Value"))?;
                let name = name.trim();
                if !allowed_header(name) {
                    return Err(WebError::bad_request(format!(
                        "the header “{}” cannot be set; allowed are X-... headers and Cache-Control, Content-Type, Retry-After, Location, Link, ETag, Last-Modified, Vary, Expires, Content-Language, WWW-Authenticate, Proxy-Authenticate",
                        shorten(name)
                    )));
                }
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| WebError::bad_request("invalid header name"))?;
                let val = HeaderValue::from_str(val.trim())
                    .ok()
                    .filter(|v| v.len() <= 256)
                    .ok_or_else(|| WebError::bad_request("header values must be visible text of at most 256 bytes"))?;
                if o.headers.len() >= 10 {
                    return Err(WebError::bad_request("at most 10 extra headers"));
                }
                o.headers.push((name, val));
            }
            "suppress_body" => o.suppress_body = value.is_empty() || value == "1" || value == "true",
            "fault" => {
                o.fault = Some(Fault::parse(&value).ok_or_else(|| {
                    WebError::bad_request("fault must be abort-before-headers, abort-after-headers, abort-during-body or dribble")
                })?)
            }
            _ => {}
        }
    }
    Ok(o)
}

/// Checks the options of a `/status/...` query string (`delay`, `body`,
/// `header`, `suppress_body`, `fault`) the way the endpoint reads them,
/// without answering: the message of the first problem, for tools that build
/// live URLs.
pub fn check_options(query: &str, config: &LiveConfig) -> Result<(), String> {
    options(Some(query), config)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// The headers a code is defined with, with harmless values.
fn defined_headers(code: u16, method: &Method) -> Vec<(HeaderName, &'static str)> {
    let mut h = Vec::new();
    match code {
        201 | 300 | 301 | 302 | 303 | 307 | 308 => h.push((header::LOCATION, "/status/200")),
        401 => h.push((
            header::WWW_AUTHENTICATE,
            "Basic realm=\"statusatlas\", charset=\"UTF-8\"",
        )),
        405 => h.push((header::ALLOW, "GET, HEAD")),
        407 => h.push((
            header::PROXY_AUTHENTICATE,
            "Basic realm=\"statusatlas proxy\", charset=\"UTF-8\"",
        )),
        416 => h.push((header::CONTENT_RANGE, "bytes */1024")),
        415 => {
            h.push((header::ACCEPT, "application/json"));
            if method == Method::PATCH {
                h.push((
                    HeaderName::from_static("accept-patch"),
                    "application/merge-patch+json, application/json-patch+json",
                ));
            }
        }
        426 => {
            h.push((header::UPGRADE, "websocket"));
            h.push((header::CONNECTION, "Upgrade"));
        }
        429 | 503 => h.push((header::RETRY_AFTER, "5")),
        304 => h.push((header::ETAG, "\"statusatlas\"")),
        _ => {}
    }
    h
}

fn entry_for(code: u16) -> Option<&'static Entry> {
    catalog().get(Protocol::Http, &code.to_string())
}

/// The body: the code's card as JSON or HTML by Accept, or plain text.
fn body_for(code: u16, accept: &str, base: &str) -> (&'static str, String) {
    let entry = entry_for(code);
    if accept.contains("application/json") {
        let value = match entry {
            Some(e) => {
                serde_json::json!({ "code": code, "entry": EntryRef::from(e), "reference": e.reference, "url": format!("{base}/http/{code}") })
            }
            None => {
                serde_json::json!({ "code": code, "entry": null, "note": "no registered meaning" })
            }
        };
        return ("application/json", value.to_string());
    }
    if accept.contains("text/html") {
        let text = match entry {
            Some(e) => format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{code} {}</title></head><body><h1>{code} {}</h1><p>{}</p><p><a href=\"{base}/http/{code}\">More on statusatlas</a></p></body></html>",
                escape(&e.phrase),
                escape(&e.phrase),
                escape(&e.summary)
            ),
            None => format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{code}</title></head><body><h1>{code}</h1><p>This status code has no registered meaning.</p></body></html>"
            ),
        };
        return ("text/html; charset=utf-8", text);
    }
    let text = match entry {
        Some(e) => format!(
            "{code} {}\n\n{}\n\n{base}/http/{code}\n",
            e.phrase, e.summary
        ),
        None => format!("{code}\n\nThis status code has no registered meaning.\n"),
    };
    ("text/plain; charset=utf-8", text)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A WebSocket upgrade when the request asks for one; absent otherwise.
pub struct MaybeUpgrade(Option<WebSocketUpgrade>);

impl<S: Send + Sync> OptionalFromRequestParts<S> for MaybeUpgrade {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let upgrade = <WebSocketUpgrade as axum::extract::FromRequestParts<S>>::from_request_parts(
            parts, state,
        )
        .await
        .ok();
        Ok(Some(MaybeUpgrade(upgrade)))
    }
}

fn refuse(error: WebError) -> Response {
    error.into_json()
}

pub async fn status(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(spec): axum::extract::Path<String>,
    method: Method,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    RawQuery(raw): RawQuery,
    upgrade: Option<MaybeUpgrade>,
) -> Response {
    let limits = &state.live;
    let client = peer
        .map(|axum::Extension(ConnectInfo(a))| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if limits.rate.check_key(&client).is_err() {
        let mut e = WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests from this address; try again in a second.",
        );
        e.suggestions.clear();
        let mut r = refuse(e);
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    }
    let choices = match parse_codes(&spec) {
        Ok(c) => c,
        Err(m) => return refuse(WebError::bad_request(m)),
    };
    let o = match options(raw.as_deref(), &limits.config) {
        Ok(o) => o,
        Err(e) => return refuse(e),
    };
    let code = choose(&choices);
    if code == 101 {
        return match upgrade.and_then(|u| u.0) {
            Some(ws) => ws.on_upgrade(echo),
            None => {
                let mut r = (
                    StatusCode::UPGRADE_REQUIRED,
                    "101 Switching Protocols needs an upgrade request: connect with a WebSocket client (for example websocat ws://HOST/status/101) and every message is echoed back.\n",
                )
                    .into_response();
                r.headers_mut()
                    .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
                r.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
                r
            }
        };
    }
    let _permit = if o.delay > Duration::ZERO || o.fault == Some(Fault::Dribble) {
        match limits.delayed.try_acquire() {
            Ok(p) => Some(p),
            Err(_) => {
                let mut r = refuse(WebError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_delayed",
                    "Too many delayed requests are running; try again shortly.",
                ));
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
                return r;
            }
        }
    } else {
        None
    };
    if o.delay > Duration::ZERO && o.fault != Some(Fault::Dribble) {
        tokio::time::sleep(o.delay).await;
    }
    let mut response_headers = HeaderMap::new();
    let (content_type, mut text) = if code < 200 {
        // hyper sends 1xx only as interim responses before a final one, so a
        // bare 1xx cannot be the answer; say so instead of faking it.
        (
            "text/plain; charset=utf-8",
            format!(
                "{code} is an interim (1xx) response: a server sends it before the final response, never alone. This endpoint answers 200 and explains instead; /status/101 with a WebSocket client performs a real protocol switch.\n"
            ),
        )
    } else {
        body_for(
            code,
            headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
            &state.base_url,
        )
    };
    let status = if code < 200 {
        response_headers.insert(
            HeaderName::from_static("statusatlas-requested-status"),
            HeaderValue::from(code),
        );
        StatusCode::OK
    } else {
        StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
    };
    for (name, value) in defined_headers(code, &method) {
        response_headers.insert(name, HeaderValue::from_static(value));
    }
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let mut content_type = content_type.to_string();
    if let Some(custom) = o.body {
        text = custom;
        content_type = "text/plain; charset=utf-8".into();
    }
    for (name, value) in o.headers {
        if name == header::CONTENT_TYPE {
            content_type = value.to_str().unwrap_or("text/plain").to_string();
        } else {
            response_headers.insert(name, value);
        }
    }
    if o.delay_capped {
        response_headers.insert(
            HeaderName::from_static("statusatlas-delay"),
            HeaderValue::from_str(&format!("{}ms (capped)", o.delay.as_millis()))
                .unwrap_or(HeaderValue::from_static("capped")),
        );
    }
    let no_body = o.suppress_body
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || code == 205;
    if !no_body && let Ok(v) = HeaderValue::from_str(&content_type) {
        response_headers.insert(header::CONTENT_TYPE, v);
    }
    let bytes = if no_body {
        Bytes::new()
    } else {
        Bytes::from(text)
    };
    let body = match o.fault {
        None | Some(Fault::AbortBeforeHeaders) => Body::from(bytes),
        Some(fault) => {
            if let Ok(v) = HeaderValue::from_str(&bytes.len().to_string()) {
                response_headers.insert(header::CONTENT_LENGTH, v);
            }
            faulty_body(fault, bytes, o.delay)
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = response_headers;
    response.extensions_mut().insert(super::Uncompressed);
    if let Some(reason) = reason_phrase(code) {
        response.extensions_mut().insert(reason);
    }
    response
}

/// The status line's reason phrase from the catalog: RFC 9110's names
/// ("413 Content Too Large", not the older "Payload Too Large"), and the
/// vendor's phrase for a code only a vendor uses ("520 Web Server Returned an
/// Unknown Error"). Codes the registry marks "(Unused)" keep the usual text.
fn reason_phrase(code: u16) -> Option<hyper::ext::ReasonPhrase> {
    let entry = *catalog()
        .resolve(Protocol::Http, &code.to_string())
        .first()?;
    if entry.status == crate::catalog::Status::Unused {
        return None;
    }
    hyper::ext::ReasonPhrase::try_from(entry.phrase.as_bytes()).ok()
}

/// A body that fails, or arrives a few bytes at a time.
fn faulty_body(fault: Fault, bytes: Bytes, delay: Duration) -> Body {
    use futures_util::stream::{self, StreamExt};
    type Item = Result<Bytes, std::io::Error>;
    let broken = || {
        std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fault injected by statusatlas",
        )
    };
    // The pause lets the server flush what came before, so the client sees it.
    let pause = Duration::from_millis(100);
    match fault {
        Fault::AbortAfterHeaders => Body::from_stream(stream::once(async move {
            tokio::time::sleep(pause).await;
            Err::<Bytes, _>(broken())
        })),
        Fault::AbortDuringBody => {
            let half = bytes.slice(..bytes.len() / 2);
            let first: Item = Ok(half);
            Body::from_stream(stream::iter([first]).chain(stream::once(async move {
                tokio::time::sleep(pause).await;
                Err::<Bytes, _>(broken())
            })))
        }
        Fault::Dribble => {
            // The body in about 20 pieces spread over the delay (2 s by default).
            let total = if delay.is_zero() {
                Duration::from_secs(2)
            } else {
                delay
            };
            let size = bytes.len().div_ceil(20).max(1);
            let pieces: Vec<Bytes> = (0..bytes.len())
                .step_by(size)
                .map(|i| bytes.slice(i..(i + size).min(bytes.len())))
                .collect();
            let gap = total / (pieces.len().max(1) as u32);
            Body::from_stream(stream::iter(pieces).then(move |piece| async move {
                tokio::time::sleep(gap).await;
                Ok::<Bytes, std::io::Error>(piece)
            }))
        }
        Fault::AbortBeforeHeaders => Body::from(bytes),
    }
}

async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        let reply = match message {
            Message::Text(t) => Message::Text(t),
            Message::Binary(b) => Message::Binary(b),
            Message::Ping(p) => Message::Pong(p),
            Message::Close(frame) => {
                let _ = socket.send(Message::Close(frame)).await;
                return;
            }
            Message::Pong(_) => continue,
        };
        if socket.send(reply).await.is_err() {
            return;
        }
    }
}
