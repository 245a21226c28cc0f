//! Live test endpoints: `/status/{codes}` answers with a real status code and
//! the headers the code is defined with, for any method, with options for a
//! delay, a custom body, extra headers, weighted random choice, faults and a
//! WebSocket echo on 101.
//!
//! Everything a caller sends is untrusted (see `policy`): live responses are
//! never active content (a sandboxing CSP on every answer, bodies only as
//! text or JSON), never redirect off the origin, and every resource they hold
//! is capped: delayed and dribbled answers hold a slot until their last byte,
//! WebSocket sessions are bounded in number, size and idle time, and the
//! per-client rate limiter forgets clients it no longer needs to remember.
//! The per-client rate limit is meant for public instances: on a loopback
//! address it is off unless asked for, so a local test suite is never
//! throttled.

pub mod auth;
pub mod conditional;
pub mod echo;
pub mod flows;
mod negotiate;
pub mod negotiation;
pub mod policy;
pub mod proxy;
pub mod range;
pub mod redirect;
pub mod retry;
pub mod upload;
pub mod websocket;

use super::AppState;
use super::error::{WebError, shorten};
use super::routes;
use crate::catalog::{Entry, EntryRef, Protocol, Status, catalog};
use axum::body::{Body, Bytes};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, OptionalFromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
pub use negotiate::Format;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The per-client rate a public instance applies when none is given, in
/// requests per second (bursts of twice as many are let through).
pub const DEFAULT_RATE: u32 = 50;

/// The Content-Security-Policy of every live response: a document that
/// somehow renders one anyway runs in a sandbox (an opaque origin, no
/// script), loads nothing and cannot be framed.
pub const CSP_LIVE: &str =
    "sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// How many client addresses the rate limiter remembers at most; past that
/// it forgets everyone rather than grow (the limit then starts afresh).
pub const MAX_TRACKED_CLIENTS: usize = 100_000;

/// Limits of the live endpoints, set by `serve` flags.
#[derive(Clone, Debug)]
pub struct LiveConfig {
    /// The longest `delay=`; longer requests are capped and say so.
    pub max_delay: Duration,
    /// How many delayed or dribbled answers may be in flight at once.
    pub max_delayed: usize,
    /// Requests per second per client address (an IPv4 address or an IPv6
    /// /64). `Some(0)` turns the limit off; `None` leaves the choice to
    /// [`LiveConfig::for_address`]: off on loopback, [`DEFAULT_RATE`]
    /// elsewhere.
    pub rate_per_second: Option<u32>,
    /// The longest `body=`, in bytes.
    pub max_body: usize,
    /// Caps on WebSocket sessions of `/status/101`.
    pub websocket: websocket::SessionLimits,
}

impl Default for LiveConfig {
    /// The limits of a local instance: no per-client rate limit.
    fn default() -> LiveConfig {
        LiveConfig {
            max_delay: Duration::from_secs(10),
            max_delayed: 64,
            rate_per_second: None,
            max_body: 1024,
            websocket: websocket::SessionLimits::default(),
        }
    }
}

impl LiveConfig {
    /// The limits for a server listening on `addr`: where no rate was
    /// chosen, a public address gets [`DEFAULT_RATE`] and a loopback
    /// address none, so local test suites are never throttled.
    pub fn for_address(mut self, addr: IpAddr) -> LiveConfig {
        if self.rate_per_second.is_none() && !addr.is_loopback() {
            self.rate_per_second = Some(DEFAULT_RATE);
        }
        self
    }
}

/// The state behind the limits: semaphores, counters and the rate limiter.
pub struct Limits {
    pub config: LiveConfig,
    delayed: Arc<Semaphore>,
    rate: Option<std::sync::RwLock<DefaultKeyedRateLimiter<IpAddr>>>,
    quota: Option<Quota>,
    checks: AtomicU64,
    sessions: websocket::Sessions,
    /// The flows of `/retry/...` in progress.
    pub retries: retry::Flows,
}

impl Limits {
    pub fn new(config: LiveConfig) -> Limits {
        let quota = config.rate_per_second.filter(|r| *r > 0).map(|r| {
            let per_second = NonZeroU32::new(r).unwrap_or(NonZeroU32::MIN);
            Quota::per_second(per_second).allow_burst(
                per_second.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN)),
            )
        });
        Limits {
            delayed: Arc::new(Semaphore::new(config.max_delayed)),
            rate: quota.map(|q| std::sync::RwLock::new(RateLimiter::keyed(q))),
            quota,
            checks: AtomicU64::new(0),
            sessions: websocket::Sessions::new(config.websocket),
            retries: retry::Flows::default(),
            config,
        }
    }

    /// Whether `client` may make one more request now. IPv6 clients are
    /// counted per /64, the block one subscriber usually holds. Every 1,024
    /// checks the limiter drops clients whose allowance has refilled (they
    /// are indistinguishable from new ones), and it never holds more than
    /// [`MAX_TRACKED_CLIENTS`].
    pub fn allow(&self, client: IpAddr) -> bool {
        let Some(rate) = &self.rate else { return true };
        let key = match client {
            IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
            IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED)),
            v4 => v4,
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            let mut limiter = rate.write().unwrap_or_else(|e| e.into_inner());
            limiter.retain_recent();
            if limiter.len() > MAX_TRACKED_CLIENTS
                && let Some(quota) = self.quota
            {
                *limiter = RateLimiter::keyed(quota);
            }
            limiter.shrink_to_fit();
        }
        let limiter = rate.read().unwrap_or_else(|e| e.into_inner());
        limiter.check_key(&key).is_ok()
    }

    /// How many client addresses the rate limiter remembers now.
    pub fn tracked_clients(&self) -> usize {
        self.rate
            .as_ref()
            .map_or(0, |r| r.read().unwrap_or_else(|e| e.into_inner()).len())
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

/// The marker of a response that must not be sent: the connection is
/// dropped before any answer (only the connection layer can do that).
#[derive(Clone, Copy, Debug)]
pub struct AbortConnection;

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

/// A WebSocket upgrade when the request asks for one; absent otherwise
/// (also when the request names a WebSocket version other than 13).
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

/// A live request admitted under the per-client rate limit, with the
/// address it came from (loopback for requests that did not come over a
/// socket). Extracting it answers 429 with Retry-After when the client is
/// over its rate.
pub struct Admitted(pub IpAddr);

impl axum::extract::FromRequestParts<Arc<AppState>> for Admitted {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Admitted, Response> {
        let client = client_of(&parts.extensions);
        match over_rate(state, client) {
            Some(limited) => Err(limited),
            None => Ok(Admitted(client)),
        }
    }
}

/// A whole number written with ASCII digits only (no sign, no spaces), as
/// the flows' query parameters and path segments take them.
fn whole<T: std::str::FromStr>(text: &str) -> Option<T> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The value of the query parameter `key` (the last one when repeated),
/// decoded; `Some("")` when it is present and empty, which a number never
/// is (serde's forms would read it as absent).
fn query_param(raw: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .filter(|(k, _)| k == key)
        .last()
        .map(|(_, v)| v.into_owned())
}

/// The peer address of a request, as the connection layer recorded it.
fn client_of(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

/// The per-client rate limit: the 429 to send when `client` is over it.
fn over_rate(state: &AppState, client: IpAddr) -> Option<Response> {
    if state.live.allow(client) {
        return None;
    }
    let mut r = too_many(
        "rate_limited",
        "Too many requests from this address; try again in a second.",
        "1",
    );
    r.extensions_mut().insert(reason_for(429));
    Some(r)
}

/// Finishes a flow's answer: the registered reason phrase on the status
/// line, no compression (the bytes are the test), and the live policy.
fn finish(mut response: Response) -> Response {
    let code = response.status().as_u16();
    response.extensions_mut().insert(super::Uncompressed);
    response.extensions_mut().insert(reason_for(code));
    live_policy(response)
}

/// A JSON answer of a flow with `status`.
fn json_answer(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut r = Response::new(Body::from(value.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    finish(r)
}

/// A refusal of a live request: the group's error layer renders it as the
/// JSON error shape.
fn refuse(error: WebError) -> Response {
    live_policy(error.into_response())
}

fn too_many(code: &'static str, message: &'static str, retry_after: &'static str) -> Response {
    let mut r = refuse(WebError::new(StatusCode::TOO_MANY_REQUESTS, code, message));
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static(retry_after));
    r
}

/// Adds what every live response carries: the sandboxing CSP and no-store.
fn live_policy(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP_LIVE),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// What a live listener of its own answers for any other path: the JSON
/// error shape, as every refusal of a live endpoint.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    refuse(WebError::not_found(format!(
        "There is nothing at “{}” here: the live endpoints are /status/{{code}} and the flows /echo, /redirect/{{code}}, /auth/..., /cache/etag, /range/{{bytes}}, /retry/{{code}}, /upload and /negotiate.",
        shorten(uri.path())
    )))
}

/// Checks the options of a `/status/...` query string (`delay`, `body`,
/// `header`, `suppress_body`, `fault`, `close`, `after`, `reason`) the way
/// the endpoint reads them, without answering: the message of the first
/// problem, for tools that build live URLs.
pub fn check_options(query: &str, config: &LiveConfig) -> Result<(), String> {
    policy::parse(Some(query), config)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// `/status/{codes}`: see the module documentation.
pub async fn status(
    routes::LiveStatus { codes: spec }: routes::LiveStatus,
    State(state): State<Arc<AppState>>,
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
    if let Some(limited) = over_rate(&state, client) {
        return limited;
    }
    if headers
        .get("service-worker")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"script"))
    {
        return refuse(WebError::bad_request(
            "Live endpoints do not serve service worker scripts.",
        ));
    }
    let choices = match parse_codes(&spec) {
        Ok(c) => c,
        Err(m) => return refuse(WebError::bad_request(m)),
    };
    let o = match policy::parse(raw.as_deref(), &limits.config) {
        Ok(o) => o,
        Err(e) => return refuse(e),
    };
    if o.fault == Some(Fault::AbortBeforeHeaders) {
        let mut response = Response::new(Body::empty());
        response.extensions_mut().insert(AbortConnection);
        return response;
    }
    let format = negotiate::preferred(&headers);
    let code = choose(&choices);
    if code == 101 {
        return switching_protocols(&state, client, o, upgrade.and_then(|u| u.0), format);
    }
    let permit = if o.delay > Duration::ZERO || o.fault == Some(Fault::Dribble) {
        match limits.delayed.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            Err(_) => {
                return too_many(
                    "too_many_delayed",
                    "Too many delayed requests are running; try again shortly.",
                    "2",
                );
            }
        }
    } else {
        None
    };
    if o.delay > Duration::ZERO && o.fault != Some(Fault::Dribble) {
        tokio::time::sleep(o.delay).await;
    }
    answer(&state.base_url, code, &method, o, format, permit)
}

/// The answer for a status other than 101, after any delay.
fn answer(
    base: &str,
    code: u16,
    method: &Method,
    o: policy::Options,
    format: Format,
    permit: Option<OwnedSemaphorePermit>,
) -> Response {
    let mut h = HeaderMap::new();
    // hyper sends 1xx only as interim responses before a final one, so a
    // bare 1xx cannot be the answer; say so instead of faking it.
    let sent = if code < 200 {
        h.insert(
            HeaderName::from_static("statusatlas-requested-status"),
            HeaderValue::from(code),
        );
        200
    } else {
        code
    };
    let status = StatusCode::from_u16(sent).unwrap_or(StatusCode::OK);
    let note = (code < 200).then(|| format!(
        "{code} is an interim (1xx) response: a server sends it before the final response, never alone. This endpoint answers 200 and explains instead; /status/101 with a WebSocket client performs a real protocol switch."
    ));
    for (name, value) in defined_headers(sent, method) {
        h.insert(name, value);
    }
    if o.delay_capped {
        h.insert(
            HeaderName::from_static("statusatlas-delay"),
            HeaderValue::from_str(&format!("{}ms (capped)", o.delay.as_millis()))
                .unwrap_or(HeaderValue::from_static("capped")),
        );
    }
    // The caller's fields replace the defaults of the same name and may
    // repeat, one field line each; Location, a single URI reference (RFC
    // 9110, Section 10.2.2), keeps the last one given.
    let mut replaced = Vec::new();
    for (name, value) in o.headers {
        if name == header::LOCATION {
            h.insert(name, value);
            continue;
        }
        if !replaced.contains(&name) {
            h.remove(&name);
            replaced.push(name.clone());
        }
        h.append(name, value);
    }
    // RFC 9110, Sections 6.4.1, 8.6 and 15.3.6: 1xx, 204 and 304 never have
    // content, so they carry no Content-Length (nor Content-Type), and a 205
    // must not either.
    let bodiless = matches!(sent, 204 | 205 | 304);
    let (content_type, bytes) = if bodiless {
        (None, Bytes::new())
    } else if let Some(custom) = o.body {
        let ct = o
            .content_type
            .unwrap_or(HeaderValue::from_static("text/plain; charset=utf-8"));
        (Some(ct), Bytes::from(custom))
    } else {
        let (ct, text) = explain(base, code, sent, note.as_deref(), format);
        // The body depends on Accept; a caller's own Vary stays beside it.
        h.append(header::VARY, HeaderValue::from_static("accept"));
        (
            Some(o.content_type.unwrap_or(HeaderValue::from_static(ct))),
            Bytes::from(text),
        )
    };
    if sent == 304 {
        // A 304 carries only the metadata a 200 would have had that helps a
        // cache update its copy (RFC 9110, Section 15.4.5).
        h.retain_304();
    }
    if let Some(ct) = content_type
        && !o.suppress_body
    {
        h.insert(header::CONTENT_TYPE, ct);
    }
    let bytes = if o.suppress_body { Bytes::new() } else { bytes };
    let body = match o.fault {
        Some(fault) if !bodiless && fault != Fault::AbortBeforeHeaders => {
            if !bytes.is_empty()
                && let Ok(v) = HeaderValue::from_str(&bytes.len().to_string())
            {
                h.insert(header::CONTENT_LENGTH, v);
            }
            faulty_body(fault, bytes, o.delay, permit)
        }
        _ if bodiless => Body::empty(),
        _ => Body::from(bytes),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = h;
    response.extensions_mut().insert(super::Uncompressed);
    response.extensions_mut().insert(reason_for(sent));
    live_policy(response)
}

trait Retain304 {
    fn retain_304(&mut self);
}

impl Retain304 for HeaderMap {
    fn retain_304(&mut self) {
        const KEPT: &[HeaderName] = &[
            header::CACHE_CONTROL,
            header::CONTENT_LOCATION,
            header::DATE,
            header::ETAG,
            header::EXPIRES,
            header::VARY,
        ];
        let names: Vec<HeaderName> = self.keys().cloned().collect();
        for name in names {
            if !KEPT.contains(&name)
                && !name.as_str().starts_with("x-")
                && !name.as_str().starts_with("statusatlas-")
            {
                self.remove(&name);
            }
        }
    }
}

/// `/status/101`: a WebSocket session for a WebSocket client; a 426 that
/// says how to make one for anyone else (RFC 6455, Section 4.2.2: the 426
/// names the supported version).
fn switching_protocols(
    state: &AppState,
    client: IpAddr,
    o: policy::Options,
    upgrade: Option<WebSocketUpgrade>,
    format: Format,
) -> Response {
    if let Some(code) = o.close
        && !sendable_close_code(code)
    {
        return refuse(WebError::bad_request(format!(
            "close code {code} may not be sent in a Close frame; use 1000–1003, 1007–1014, a registered 3000–3999 code the catalog marks as sendable, or 4000–4999 (RFC 6455, Section 7.4)"
        )));
    }
    let Some(ws) = upgrade else {
        let note = "101 Switching Protocols needs a WebSocket handshake (version 13): connect with a WebSocket client, for example websocat ws://HOST/status/101, and every message is echoed back. Add ?close=CODE&after=N&reason=TEXT to have the server close the session.";
        let (ct, text) = explain(&state.base_url, 101, 426, Some(note), format);
        let mut r = Response::new(Body::from(text));
        *r.status_mut() = StatusCode::UPGRADE_REQUIRED;
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
        h.insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        // The body depends on Accept; a caller's own Vary stays beside it.
        h.append(header::VARY, HeaderValue::from_static("accept"));
        r.extensions_mut().insert(reason_for(426));
        return live_policy(r);
    };
    let Some(slot) = state.live.sessions.try_open(client) else {
        return too_many(
            "too_many_sessions",
            "Too many WebSocket sessions are open; close one or try again shortly.",
            "5",
        );
    };
    let script = websocket::Script {
        idle: state.live.config.websocket.idle,
        close: o.close,
        after: o.after,
        reason: o.reason.unwrap_or_default(),
    };
    ws.max_message_size(websocket::MAX_FRAME)
        .max_frame_size(websocket::MAX_FRAME)
        .on_upgrade(move |socket| websocket::session(socket, script, slot))
}

/// Whether a Close frame may carry `code` (RFC 6455, Section 7.4): what the
/// catalog marks as sendable, and the private-use range 4000–4999.
pub fn sendable_close_code(code: u16) -> bool {
    if (4000..=4999).contains(&code) {
        return true;
    }
    catalog()
        .get(Protocol::Websocket, &code.to_string())
        .and_then(|e| e.sendable)
        .unwrap_or(false)
}

/// The response fields a code is defined with (the catalog's `headers`),
/// with harmless values: a redirect points at `/status/200` on this site, a
/// challenge names the realm "statusatlas". Fields the catalog lists that a
/// request carries (Expect, Early-Data, Content-Length on 411) or that need a
/// real representation (Content-Range on 206, delta encoding on 226) are
/// not sent.
fn defined_headers(code: u16, method: &Method) -> Vec<(HeaderName, HeaderValue)> {
    let Some(entry) = entry_for(code) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for name in &entry.headers {
        let value = match name.to_ascii_lowercase().as_str() {
            "location" if code == 201 || (300..400).contains(&code) => {
                HeaderValue::from_str(&routes::live(200)).ok()
            }
            "etag" if code != 206 => Some(HeaderValue::from_static("\"statusatlas\"")),
            "retry-after" => Some(HeaderValue::from_static("5")),
            "www-authenticate" => Some(HeaderValue::from_static(
                "Basic realm=\"statusatlas\", charset=\"UTF-8\"",
            )),
            "proxy-authenticate" => Some(HeaderValue::from_static(
                "Basic realm=\"statusatlas proxy\", charset=\"UTF-8\"",
            )),
            "allow" => Some(HeaderValue::from_static("GET, HEAD")),
            "content-range" if code == 416 => Some(HeaderValue::from_static("bytes */1024")),
            "accept-encoding" => Some(HeaderValue::from_static("gzip, br")),
            "accept-patch" if method == Method::PATCH => Some(HeaderValue::from_static(
                "application/merge-patch+json, application/json-patch+json",
            )),
            "upgrade" if code == 426 => Some(HeaderValue::from_static("websocket")),
            "connection" if code == 408 => Some(HeaderValue::from_static("close")),
            "link" if code == 451 => {
                HeaderValue::from_str(&format!("<{}>; rel=\"blocked-by\"", routes::live(200))).ok()
            }
            _ => None,
        };
        if let (Ok(name), Some(value)) = (HeaderName::from_bytes(name.as_bytes()), value) {
            out.push((name, value));
        }
    }
    // RFC 9110, Section 7.8: an Upgrade field travels with its Connection option.
    if out.iter().any(|(n, _)| n == header::UPGRADE) {
        out.push((header::CONNECTION, HeaderValue::from_static("upgrade")));
    }
    out
}

/// The body explaining `code` in `format`: the code's card (or a note), a
/// link to its page. Every string from the catalog is escaped for HTML.
fn explain(
    base: &str,
    code: u16,
    sent: u16,
    note: Option<&str>,
    format: Format,
) -> (&'static str, String) {
    let entry = entry_for(code);
    let url = entry.map(|e| format!("{base}{}", routes::entry(e)));
    let body = match format {
        Format::Json => {
            let mut value = serde_json::json!({
                "code": code,
                "status": sent,
                "entry": entry.map(EntryRef::from),
                "reference": entry.map(|e| e.reference.as_str()),
                "url": url,
            });
            match note {
                Some(n) => value["note"] = n.into(),
                None if entry.is_none() => value["note"] = "no registered meaning".into(),
                None => {}
            }
            value.to_string()
        }
        Format::Html => {
            let title = match entry {
                Some(e) => format!("{code} {}", escape(&e.phrase)),
                None => code.to_string(),
            };
            let mut html = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>"
            );
            if let Some(n) = note {
                html.push_str(&format!("<p>{}</p>", escape(n)));
            }
            match entry {
                Some(e) => html.push_str(&format!(
                    "<p>{}</p><p><a href=\"{}\">More on statusatlas</a></p>",
                    escape(&e.summary),
                    escape(url.as_deref().unwrap_or_default())
                )),
                None => html.push_str("<p>This status code has no registered meaning.</p>"),
            }
            html.push_str("</body></html>");
            html
        }
        Format::Text => {
            let mut text = match entry {
                Some(e) => format!("{code} {}\n\n{}\n", e.phrase, e.summary),
                None => format!("{code}\n\nThis status code has no registered meaning.\n"),
            };
            if let Some(n) = note {
                text.push_str(&format!("\n{n}\n"));
            }
            if let Some(u) = &url {
                text.push_str(&format!("\n{u}\n"));
            }
            text
        }
    };
    (format.content_type(), body)
}

fn entry_for(code: u16) -> Option<&'static Entry> {
    catalog()
        .resolve(Protocol::Http, &code.to_string())
        .into_iter()
        .next()
}

/// `s` with the characters HTML gives meaning to replaced by references.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The reason phrase of the status line for `code` (RFC 9112, Section 4):
/// the registered name (RFC 9110's "413 Content Too Large", not hyper's
/// older table), the vendor's phrase for a vendor code ("520 Web Server
/// Returned an Unknown Error"), the well-known name of an unused code
/// ("418 I'm a teapot") and, for a number nobody assigned, nothing: an empty
/// phrase, never a placeholder.
pub fn reason_phrase(code: u16) -> String {
    match entry_for(code) {
        Some(e) if e.status == Status::Unused => StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or(&e.phrase)
            .to_string(),
        Some(e) => e.phrase.clone(),
        None => String::new(),
    }
}

/// The registered reason phrase of `code` where it differs from hyper's own
/// table (413 Content Too Large, 422 Unprocessable Content, 416 Range Not
/// Satisfiable, vendor codes ...), for answers not made by a live endpoint:
/// the body limit's 413, say. Built once; `None` where hyper already agrees.
pub fn registered_reason(code: u16) -> Option<&'static hyper::ext::ReasonPhrase> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<u16, hyper::ext::ReasonPhrase>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            (100..=599u16)
                .filter_map(|c| {
                    let phrase = reason_phrase(c);
                    let canonical = StatusCode::from_u16(c).ok()?.canonical_reason();
                    (!phrase.is_empty() && canonical != Some(phrase.as_str()))
                        .then(|| {
                            Some((
                                c,
                                hyper::ext::ReasonPhrase::try_from(phrase.into_bytes()).ok()?,
                            ))
                        })
                        .flatten()
                })
                .collect()
        })
        .get(&code)
}

fn reason_for(code: u16) -> hyper::ext::ReasonPhrase {
    hyper::ext::ReasonPhrase::try_from(reason_phrase(code).into_bytes())
        .unwrap_or_else(|_| hyper::ext::ReasonPhrase::from_static(b""))
}

/// A body that fails, or arrives a few bytes at a time. `permit` (a slot of
/// the delayed-request cap) is held by the stream, so it is given back only
/// when the last byte has gone out or the body was dropped.
fn faulty_body(
    fault: Fault,
    bytes: Bytes,
    delay: Duration,
    permit: Option<OwnedSemaphorePermit>,
) -> Body {
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
            let _held = permit;
            tokio::time::sleep(pause).await;
            Err::<Bytes, _>(broken())
        })),
        Fault::AbortDuringBody => {
            let half = bytes.slice(..bytes.len() / 2);
            let first: Item = Ok(half);
            Body::from_stream(stream::iter([first]).chain(stream::once(async move {
                let _held = permit;
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
            Body::from_stream(stream::iter(pieces).then(move |piece| {
                // The stream owns the permit until it is dropped.
                let _held = &permit;
                async move {
                    tokio::time::sleep(gap).await;
                    Ok::<Bytes, std::io::Error>(piece)
                }
            }))
        }
        Fault::AbortBeforeHeaders => Body::from(bytes),
    }
}
