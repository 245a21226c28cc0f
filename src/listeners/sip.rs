//! The live SIP listener (`serve --sip-addr`): a stateless user agent
//! server over UDP (RFC 3261 section 8.2.7) whose final responses are
//! chosen by the Request-URI's user part, so that a SIP stack can be tested
//! against any final response code of the catalog.
//!
//! - `sip:486@host` (any method but ACK): `486 Busy Here`, with the header
//!   fields RFC 3261 requires of that response (WWW-Authenticate for 401,
//!   Proxy-Authenticate for 407, Allow for 405, Min-Expires for 423, a
//!   Contact for 3xx). Codes of class 1 are never final, and a 2xx to INVITE
//!   would start a call this server cannot carry, so those get
//!   `400 Bad Request` with a reason phrase that says why, as do numbers the
//!   catalog lacks.
//! - Any other user: OPTIONS gets `200 OK` with Allow and Accept, INVITE
//!   `404 Not Found`, BYE and CANCEL `481` (the server keeps no calls),
//!   other methods `405` with Allow. ACK and responses are never answered.
//! - Requests without the mandatory header fields get `400`; a SIP version
//!   other than 2.0 `505`; a URI scheme other than sip or sips `416`.
//!
//! Responses go to the datagram's source address, as `rport` (RFC 3581)
//! asks; the To tag is derived from the request, so retransmissions get
//! identical answers. Datagrams over [`MAX_DATAGRAM`] octets are dropped,
//! and over the per-client rate a request gets no answer. The parser is
//! ours, small and strict: the SIP crates are unmaintained or pull in
//! a transport stack.

use crate::catalog::{Protocol, catalog};
use std::net::{IpAddr, Ipv4Addr};
use tokio::net::UdpSocket;

/// The largest request read, in octets; larger datagrams are dropped.
pub const MAX_DATAGRAM: usize = 8192;

/// The methods this server answers without a chosen code.
pub const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS";

/// Bounds of the SIP listener.
#[derive(Clone, Copy, Debug, Default)]
pub struct SipLimits {
    /// Requests per second per client address; over it a request gets no
    /// answer. `None`: none on loopback, 50 on other addresses; `Some(0)`:
    /// no limit.
    pub rate_per_second: Option<u32>,
}

/// A request as far as the answer needs it.
struct Request<'a> {
    method: &'a str,
    uri: &'a str,
    version: &'a str,
    /// Header fields in order, names in their long form.
    fields: Vec<(String, String)>,
}

impl Request<'_> {
    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn one(&self, name: &str) -> Option<&str> {
        self.all(name).next()
    }
}

/// The long form of a compact header name (RFC 3261 section 7.3.3).
fn long_name(name: &str) -> &str {
    match name {
        "v" | "V" => "Via",
        "f" | "F" => "From",
        "t" | "T" => "To",
        "i" | "I" => "Call-ID",
        "l" | "L" => "Content-Length",
        "m" | "M" => "Contact",
        _ => name,
    }
}

fn parse(datagram: &[u8]) -> Option<Request<'_>> {
    let text = std::str::from_utf8(datagram).ok()?;
    let head = text.split("\r\n\r\n").next()?;
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, uri, version) = (start.next()?, start.next()?, start.next()?);
    if start.next().is_some()
        || method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || uri.is_empty()
    {
        return None;
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded line continues the previous field (section 7.3.1).
            let (_, value) = fields.last_mut()?;
            value.push(' ');
            value.push_str(line.trim());
            continue;
        }
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        if name.is_empty() || name.contains(' ') {
            return None;
        }
        fields.push((long_name(name).to_string(), value.trim().to_string()));
    }
    Some(Request {
        method,
        uri,
        version,
        fields,
    })
}

/// The final response a request gets: code, reason phrase and extra
/// header fields.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub code: u16,
    pub reason: String,
    pub fields: Vec<(&'static str, String)>,
}

fn answer(code: u16, reason: &str) -> Answer {
    Answer {
        code,
        reason: reason.to_string(),
        fields: Vec::new(),
    }
}

/// The header fields RFC 3261 requires (MUST) or recommends for a chosen
/// code: section 21.4.2 (401), 21.4.8 (407), 21.4.6 (405), 21.4.18 (423)
/// and 21.3 (3xx, a Contact to try).
fn required_fields(code: u16) -> Vec<(&'static str, String)> {
    let challenge =
        "Digest realm=\"status.test\", nonce=\"c3RhdHVzYXRsYXM\", algorithm=MD5, qop=\"auth\"";
    match code {
        300..=399 => vec![("Contact", "<sip:200@status.test>".into())],
        401 => vec![("WWW-Authenticate", challenge.into())],
        405 => vec![("Allow", ALLOW.into())],
        407 => vec![("Proxy-Authenticate", challenge.into())],
        423 => vec![("Min-Expires", "3600".into())],
        _ => Vec::new(),
    }
}

/// What a request for `method` to `user` (the Request-URI's user part)
/// is answered; `None` for ACK, which gets no response.
pub fn choose(method: &str, user: &str) -> Option<Answer> {
    if method == "ACK" {
        return None;
    }
    if user.len() == 3 && user.bytes().all(|b| b.is_ascii_digit()) {
        let code: u16 = user.parse().ok()?;
        let Some(entry) = catalog().get(Protocol::Sip, user) else {
            return Some(answer(
                400,
                &format!("Bad Request ({code} is not a SIP code of the catalog)"),
            ));
        };
        if code < 200 {
            return Some(answer(
                400,
                &format!("Bad Request ({code} is provisional, never final)"),
            ));
        }
        if code < 300 && method == "INVITE" {
            return Some(answer(
                400,
                &format!("Bad Request (a {code} to INVITE would start a call; ask with OPTIONS)"),
            ));
        }
        return Some(Answer {
            code,
            reason: entry.phrase.clone(),
            fields: required_fields(code),
        });
    }
    Some(match method {
        "OPTIONS" => Answer {
            code: 200,
            reason: "OK".into(),
            fields: vec![
                ("Allow", ALLOW.into()),
                ("Accept", "application/sdp".into()),
            ],
        },
        "INVITE" => answer(
            404,
            "Not Found (write a code as the user part: sip:486@...)",
        ),
        "BYE" | "CANCEL" => answer(481, "Call/Transaction Does Not Exist"),
        _ => Answer {
            code: 405,
            reason: "Method Not Allowed".into(),
            fields: vec![("Allow", ALLOW.into())],
        },
    })
}

/// The user part of a sip: or sips: URI (`486` of `sip:486@host;x=y`).
fn user_of(uri: &str) -> Option<&str> {
    // Schemes are case-insensitive (RFC 3261, section 19.1.4).
    let (scheme, rest) = uri.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("sip") && !scheme.eq_ignore_ascii_case("sips") {
        return None;
    }
    Some(match rest.split_once('@') {
        Some((user, _)) => user.split([';', ':']).next().unwrap_or(user),
        None => "",
    })
}

/// A To tag derived from the request, so that a retransmission gets the
/// same response (RFC 3261 section 8.2.7).
fn tag_for(request: &Request<'_>) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    request.one("Call-ID").hash(&mut hasher);
    request.one("From").hash(&mut hasher);
    request.one("CSeq").hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// The topmost Via value as the response carries it: `received` with the
/// source address when it differs from the sent-by host (RFC 3261, section
/// 18.2.1), and an empty `rport` filled in with the source port, which also
/// adds `received` (RFC 3581, section 4).
fn stamped_via(via: &str, peer: std::net::SocketAddr) -> String {
    // Only the first via-parm of a comma-separated value is the topmost.
    let (first, others) = match via.split_once(',') {
        Some((first, others)) => (first, Some(others)),
        None => (via, None),
    };
    let mut parts = first.split(';');
    let sent = parts.next().unwrap_or("").trim_end();
    let host = sent
        .split_whitespace()
        .nth(1)
        .map(|by| match by.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(v6),
            None => by.split(':').next().unwrap_or(by),
        })
        .unwrap_or("");
    let ip = peer.ip().to_string();
    let mut rport = false;
    let mut params: Vec<String> = Vec::new();
    for p in parts {
        let p = p.trim();
        if p.eq_ignore_ascii_case("rport") {
            rport = true;
            params.push(format!("rport={}", peer.port()));
        } else if !p.to_ascii_lowercase().starts_with("received=") {
            params.push(p.to_string());
        }
    }
    if rport || host != ip {
        params.push(format!("received={ip}"));
    }
    let mut out = sent.to_string();
    for p in params {
        out.push(';');
        out.push_str(&p);
    }
    if let Some(others) = others {
        out.push(',');
        out.push_str(others);
    }
    out
}

/// The response to one datagram from `peer`, or `None` when nothing is
/// sent (ACK, responses, what is not a SIP request).
pub fn respond(datagram: &[u8], peer: std::net::SocketAddr) -> Option<Vec<u8>> {
    if datagram.len() > MAX_DATAGRAM || datagram.starts_with(b"SIP/") {
        return None;
    }
    let request = parse(datagram)?;
    let cseq_method = request
        .one("CSeq")
        .and_then(|c| c.split_whitespace().nth(1));
    let complete = ["Via", "From", "To", "Call-ID", "CSeq"]
        .iter()
        .all(|n| request.one(n).is_some());
    let chosen = if request.version != "SIP/2.0" {
        if request.method == "ACK" {
            return None;
        }
        answer(505, "Version Not Supported")
    } else if !complete || cseq_method != Some(request.method) {
        if request.method == "ACK" {
            return None;
        }
        answer(
            400,
            "Bad Request (Via, From, To, Call-ID and a matching CSeq are required)",
        )
    } else {
        match user_of(request.uri) {
            None if request.method == "ACK" => return None,
            None => answer(416, "Unsupported URI Scheme"),
            Some(user) => choose(request.method, user)?,
        }
    };
    let mut out = format!("SIP/2.0 {} {}\r\n", chosen.code, chosen.reason);
    for (i, via) in request.all("Via").enumerate() {
        if i == 0 {
            out.push_str(&format!("Via: {}\r\n", stamped_via(via, peer)));
        } else {
            out.push_str(&format!("Via: {via}\r\n"));
        }
    }
    for name in ["From", "To", "Call-ID", "CSeq"] {
        let Some(value) = request.one(name) else {
            continue;
        };
        if name == "To" && !value.contains(";tag=") {
            out.push_str(&format!("To: {value};tag={}\r\n", tag_for(&request)));
        } else {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    for (name, value) in &chosen.fields {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Server: statusatlas\r\nContent-Length: 0\r\n\r\n");
    Some(out.into_bytes())
}

/// Serves SIP over UDP on `socket` until `shutdown` completes.
pub async fn serve(
    socket: UdpSocket,
    limits: SipLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let ip = socket
        .local_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let rate = super::rate_limiter(limits.rate_per_second, ip);
    // One byte more than the limit tells a datagram that is too large.
    let mut buf = vec![0u8; MAX_DATAGRAM + 1];
    tokio::pin!(shutdown);
    loop {
        let (n, peer) = tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::debug!(%error, "SIP receive failed");
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        if peer.port() == 0 || !rate.allow(peer.ip()) {
            continue;
        }
        if let Some(response) = respond(&buf[..n], peer)
            && let Err(error) = socket.send_to(&response, peer).await
        {
            tracing::debug!(%error, %peer, "SIP response not sent");
        }
    }
}
