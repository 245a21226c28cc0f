//! What a caller may ask a live endpoint to send. Every query parameter of
//! `/status/...` is written by whoever crafted the link, so nothing in it may
//! turn a response into active content on the site's origin, point a client
//! off the origin, or change how a browser or a cache treats the origin:
//!
//! - `body=` is served only as plain text or JSON (the inert types); asking
//!   for any other `Content-Type` is refused with a 400;
//! - `header=` sets only fields on an allowlist, never ones that carry
//!   policy (cookies, CSP, CORS, framing, service workers, `Link`,
//!   `Refresh`, server-side redirects such as `X-Accel-Redirect`);
//! - `Location` may only name a path on the same origin.

use super::super::error::{WebError, shorten};
use super::{Fault, LiveConfig, parse_delay};
use axum::http::{HeaderName, HeaderValue, header};
use std::time::Duration;

/// The longest value of one `header=` field, in bytes.
pub const MAX_HEADER_VALUE: usize = 256;
/// How many `header=` fields one request may set.
pub const MAX_HEADERS: usize = 10;
/// The longest WebSocket close reason, in bytes: a Close frame's payload is at
/// most 125 bytes, two of which carry the code (RFC 6455, Section 5.5).
pub const MAX_CLOSE_REASON: usize = 123;

/// Fields a caller may set besides their own `X-...` fields.
const ALLOWED: &[&str] = &[
    "cache-control",
    "content-language",
    "content-type",
    "etag",
    "expires",
    "last-modified",
    "location",
    "proxy-authenticate",
    "retry-after",
    "vary",
    "www-authenticate",
];

/// `X-...` fields that are not the caller's own: browsers, proxies and web
/// servers act on them (framing, sniffing, legacy CSP, internal redirects
/// and file sends by nginx, Apache, lighttpd, LiteSpeed, Perlbal or an edge
/// middleware in front of the server).
const DENIED_X: &[&str] = &[
    "x-content-security-policy",
    "x-webkit-csp",
    "x-accel-buffering",
    "x-accel-charset",
    "x-accel-expires",
    "x-accel-limit-rate",
    "x-accel-redirect",
    "x-content-type-options",
    "x-dns-prefetch-control",
    "x-download-options",
    "x-frame-options",
    "x-lighttpd-send-file",
    "x-permitted-cross-domain-policies",
    "x-sendfile",
    "x-ua-compatible",
    "x-xss-protection",
];

/// Families of `X-...` fields that front-end servers act on.
const DENIED_X_PREFIXES: &[&str] = &[
    "x-accel-",
    "x-sendfile",
    "x-lighttpd-",
    "x-litespeed-",
    "x-reproxy-",
    "x-middleware-",
    "x-nextjs-",
];

/// The media types `body=` and `Content-Type` may use: inert in every browser.
const INERT_TYPES: &[(&str, &str)] = &[
    ("text", "plain"),
    ("application", "json"),
    ("application", "problem+json"),
];

/// Whether a caller may set the field `name` (any case).
pub fn allowed_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("x-") {
        return !DENIED_X.contains(&lower.as_str())
            && !DENIED_X_PREFIXES.iter().any(|p| lower.starts_with(p));
    }
    ALLOWED.contains(&lower.as_str())
}

/// Checks a `Content-Type` a caller asks for: plain text or JSON, with at
/// most a `charset` parameter. Returns the value to send.
pub fn inert_content_type(value: &str) -> Result<HeaderValue, WebError> {
    let refuse = || {
        WebError::bad_request(format!(
            "Content-Type “{}” is not served by live endpoints: a body is sent only as text/plain, application/json or application/problem+json (with an optional charset)",
            shorten(value)
        ))
    };
    let parsed = mediatype::MediaType::parse(value.trim()).map_err(|_| refuse())?;
    let ty = parsed.ty.as_str().to_ascii_lowercase();
    let sub = match parsed.suffix {
        Some(suffix) => format!("{}+{}", parsed.subty.as_str(), suffix.as_str()),
        None => parsed.subty.as_str().to_string(),
    }
    .to_ascii_lowercase();
    if !INERT_TYPES.iter().any(|(t, s)| *t == ty && *s == sub) {
        return Err(refuse());
    }
    if parsed
        .params
        .iter()
        .any(|(name, _)| !name.as_str().eq_ignore_ascii_case("charset"))
    {
        return Err(refuse());
    }
    HeaderValue::from_str(value.trim()).map_err(|_| refuse())
}

/// Checks a `Location` a caller asks for: an absolute path on this origin
/// (`/echo`, `/status/200?x=1`). Schemes, network paths (`//host`), and
/// anything a browser would rewrite into one (`/\host`, tabs and line
/// breaks, which URL parsers drop) are refused.
pub fn same_origin_location(value: &str) -> Result<HeaderValue, WebError> {
    let refuse = || {
        WebError::bad_request(format!(
            "Location “{}” must be a path on this site, such as /status/200",
            shorten(value)
        ))
    };
    let bytes = value.as_bytes();
    let plain = bytes
        .iter()
        .all(|b| (0x21..=0x7e).contains(b) && *b != b'\\');
    if !plain || bytes.first() != Some(&b'/') || bytes.get(1) == Some(&b'/') {
        return Err(refuse());
    }
    HeaderValue::from_str(value).map_err(|_| refuse())
}

/// The options of one `/status/...` request.
#[derive(Debug, Default)]
pub struct Options {
    /// How long to wait before answering (already capped).
    pub delay: Duration,
    /// Whether the requested delay was longer than the cap.
    pub delay_capped: bool,
    pub body: Option<String>,
    /// The caller's fields, in the order given; a name may repeat.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The caller's `Content-Type`, already checked to be inert.
    pub content_type: Option<HeaderValue>,
    pub suppress_body: bool,
    pub fault: Option<Fault>,
    /// WebSocket (`/status/101`): close with this code ...
    pub close: Option<u16>,
    /// ... after echoing this many messages (0: right after the handshake) ...
    pub after: u32,
    /// ... and this reason.
    pub reason: Option<String>,
}

/// Parses the query of a `/status/...` request under `config`'s limits.
pub fn parse(raw: Option<&str>, config: &LiveConfig) -> Result<Options, WebError> {
    let mut o = Options::default();
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
                    return Err(WebError::bad_request(format!(
                        "body may be at most {} bytes",
                        config.max_body
                    )));
                }
                o.body = Some(value.into_owned());
            }
            "header" => {
                let (name, val) = value
                    .split_once(':')
                    .ok_or_else(|| WebError::bad_request("header must be Name:Value"))?;
                let (name, val) = (name.trim(), val.trim());
                if !allowed_header(name) {
                    return Err(WebError::bad_request(format!(
                        "the header “{}” cannot be set; allowed are your own X-... fields and {}",
                        shorten(name),
                        "Cache-Control, Content-Language, Content-Type (text/plain or JSON), ETag, Expires, Last-Modified, Location (a path on this site), Proxy-Authenticate, Retry-After, Vary, WWW-Authenticate"
                    )));
                }
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| WebError::bad_request("invalid header name"))?;
                if val.len() > MAX_HEADER_VALUE {
                    return Err(WebError::bad_request(format!(
                        "header values may be at most {MAX_HEADER_VALUE} bytes"
                    )));
                }
                let val = if name == header::CONTENT_TYPE {
                    o.content_type = Some(inert_content_type(val)?);
                    continue;
                } else if name == header::LOCATION {
                    same_origin_location(val)?
                } else {
                    HeaderValue::from_str(val).map_err(|_| {
                        WebError::bad_request("header values must be visible text")
                    })?
                };
                if o.headers.len() >= MAX_HEADERS {
                    return Err(WebError::bad_request(format!(
                        "at most {MAX_HEADERS} extra headers"
                    )));
                }
                o.headers.push((name, val));
            }
            "suppress_body" => {
                o.suppress_body = value.is_empty() || value == "1" || value == "true"
            }
            "fault" => {
                o.fault = Some(Fault::parse(&value).ok_or_else(|| {
                    WebError::bad_request("fault must be abort-before-headers, abort-after-headers, abort-during-body or dribble")
                })?)
            }
            "close" => {
                o.close = Some(value.parse().map_err(|_| {
                    WebError::bad_request(format!(
                        "close “{}” must be a WebSocket close code such as 1000 or 4000",
                        shorten(&value)
                    ))
                })?)
            }
            "after" => {
                o.after = value
                    .parse()
                    .ok()
                    .filter(|n| *n <= 1000)
                    .ok_or_else(|| {
                        WebError::bad_request("after must be a number of messages from 0 to 1000")
                    })?
            }
            "reason" => {
                if value.len() > MAX_CLOSE_REASON {
                    return Err(WebError::bad_request(format!(
                        "a close reason may be at most {MAX_CLOSE_REASON} bytes of UTF-8"
                    )));
                }
                o.reason = Some(value.into_owned());
            }
            _ => {}
        }
    }
    Ok(o)
}
