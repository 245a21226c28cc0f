//! The live endpoints obey the RFCs they let clients test: status lines,
//! framing, content negotiation, the WebSocket closing handshake, OPTIONS,
//! trailing slashes, repeated fields, and no throttling on loopback. Each is
//! checked on the wire, byte for byte, against a real server.

use statusatlas::web::live::LiveConfig;
use statusatlas::web::{AppState, router, serve};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Starts a server on a free loopback port; it stops when the test ends.
pub async fn start(config: LiveConfig) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(Arc::new(AppState::with_live(
        &format!("http://{addr}"),
        config,
    )));
    tokio::spawn(serve(listener, app, std::future::pending()));
    addr
}

/// A response as it came off the wire.
#[derive(Debug)]
pub struct Raw {
    pub status_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn status(&self) -> u16 {
        self.status_line
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Sends `method target` with `extra` header lines on a fresh connection
/// (closed after the answer) and reads the whole answer.
pub async fn raw(addr: SocketAddr, method: &str, target: &str, extra: &[&str]) -> Raw {
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for line in extra {
        request.push_str(line);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut bytes)).await;
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Raw {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("").to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let body = bytes.get(end + 4..).unwrap_or(&[]).to_vec();
    Raw {
        status_line,
        headers,
        body,
    }
}

/// The reason phrase a status line must carry for `code`, from the
/// registries themselves: the IANA name, the vendor's phrase for a vendor
/// code, hyper's well-known name for an unused code that has one (418) and
/// nothing for an unassigned number.
fn expected_phrase(code: u16) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/registries/");
    let mut iana = csv::Reader::from_path(format!("{dir}http.csv")).unwrap();
    for row in iana.records() {
        let row = row.unwrap();
        if row[0].parse::<u16>().ok() == Some(code) {
            if &row[1] == "(Unused)" {
                return axum::http::StatusCode::from_u16(code)
                    .unwrap()
                    .canonical_reason()
                    .unwrap_or("(Unused)")
                    .to_string();
            }
            return row[1].to_string();
        }
    }
    let mut vendor = csv::Reader::from_path(format!("{dir}http-unofficial.csv")).unwrap();
    for row in vendor.records() {
        let row = row.unwrap();
        if row[0].parse::<u16>().ok() == Some(code) {
            return row[1].to_string();
        }
    }
    String::new()
}

#[tokio::test]
async fn every_status_line_from_100_to_599_names_the_status_sent() {
    let addr = start(LiveConfig::default()).await;
    let mut unassigned = 0;
    for code in 100u16..=599 {
        let r = raw(addr, "GET", &format!("/status/{code}"), &[]).await;
        let (sent, phrase) = match code {
            101 => (426, "Upgrade Required".to_string()),
            c if c < 200 => (200, "OK".to_string()),
            c => (c, expected_phrase(c)),
        };
        assert_eq!(
            r.status_line,
            format!("HTTP/1.1 {sent} {phrase}"),
            "/status/{code}"
        );
        assert!(!r.status_line.contains("<none>"), "/status/{code}");
        unassigned += usize::from(phrase.is_empty());
    }
    assert!(
        unassigned > 250,
        "most numbers are unassigned ({unassigned})"
    );
}

#[tokio::test]
#[ignore = "needs Python requests; scripts/test.sh runs it"]
async fn python_requests_reports_the_phrases_it_is_sent() {
    let addr = start(LiveConfig::default()).await;
    let python = crate::support::venv_python();
    let script = format!(
        "import requests\nfor c in (209, 413, 520, 418):\n    r = requests.get('http://{addr}/status/%d' % c)\n    print(c, repr(r.reason))\n"
    );
    let out = tokio::process::Command::new(python)
        .args(["-c", &script])
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "209 ''",
            "413 'Content Too Large'",
            "520 'Web Server Returned an Unknown Error'",
            "418 \"I'm a teapot\""
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn bodiless_statuses_never_carry_content_length_on_any_path() {
    let addr = start(LiveConfig::default()).await;
    let options = [
        "",
        "?fault=dribble",
        "?fault=abort-after-headers",
        "?fault=abort-during-body",
        "?suppress_body",
        "?delay=5ms",
        "?body=hello",
        "?header=Content-Type:application/json",
        "?header=X-Trace:1&header=Last-Modified:Tue,%2001%20Dec%202026%2000:00:00%20GMT&header=ETag:%22v1%22",
    ];
    for code in ["204", "304", "204:1", "304:1"] {
        for option in options {
            for method in ["GET", "HEAD", "POST", "DELETE"] {
                let target = format!("/status/{code}{option}");
                let r = raw(addr, method, &target, &[]).await;
                let want: u16 = code[..3].parse().unwrap();
                assert_eq!(r.status(), want, "{method} {target}");
                assert!(
                    r.header("content-length").is_none(),
                    "{method} {target}: {r:?}"
                );
                assert!(r.header("transfer-encoding").is_none(), "{method} {target}");
                assert!(r.header("content-type").is_none(), "{method} {target}");
                assert!(r.body.is_empty(), "{method} {target}");
                if want == 304 {
                    // Only what a 200 would have had that updates a cache.
                    assert!(r.header("last-modified").is_none(), "{target}");
                    assert!(r.header("etag").is_some(), "{target}");
                }
            }
        }
    }
    // The interim codes are explained by a 200 whose length is exact.
    let r = raw(addr, "HEAD", "/status/103", &[]).await;
    assert_eq!(r.status(), 200);
    assert!(r.header("content-length").is_some());
}

#[tokio::test]
async fn accept_is_negotiated_with_weights_wildcards_and_any_case() {
    let addr = start(LiveConfig::default()).await;
    let cases: &[(&str, &str)] = &[
        ("text/html, application/json;q=0.5", "text/html"),
        ("application/json;q=0.5, text/html", "text/html"),
        ("application/json, text/html;q=0.9", "application/json"),
        ("TEXT/HTML", "text/html"),
        ("Application/JSON", "application/json"),
        ("text/html;q=0, application/json", "application/json"),
        ("text/*;q=0.9, text/html;q=0", "text/plain"),
        ("application/*", "application/json"),
        ("*/*", "text/plain"),
        ("*/*;q=0.1, application/json", "application/json"),
        ("application/jsonx", "text/plain"),
        ("text/htmlx, application/xjson", "text/plain"),
        ("image/png", "text/plain"),
        ("nonsense;;;", "text/plain"),
        ("", "text/plain"),
    ];
    for code in ["418", "103", "101", "209"] {
        for (accept, want) in cases {
            let r = raw(
                addr,
                "GET",
                &format!("/status/{code}"),
                &[&format!("Accept: {accept}")],
            )
            .await;
            let got = r.header("content-type").unwrap_or("");
            assert!(
                got.starts_with(want),
                "/status/{code} with Accept: {accept} gave {got}"
            );
            assert!(
                r.all("vary")
                    .iter()
                    .any(|v| v.to_ascii_lowercase().contains("accept")),
                "/status/{code} varies by Accept"
            );
            let body = String::from_utf8_lossy(&r.body);
            match *want {
                "application/json" => {
                    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                    assert_eq!(v["code"].as_u64(), code.parse().ok(), "{code}");
                }
                "text/html" => assert!(body.starts_with("<!doctype html>"), "{code}"),
                _ => assert!(body.starts_with(code), "{code}: {body}"),
            }
        }
    }
}

#[tokio::test]
async fn repeated_header_options_send_every_field_line() {
    let addr = start(LiveConfig::default()).await;
    let r = raw(
        addr,
        "GET",
        "/status/200?header=X-A:1&header=X-A:2&header=x-a:3",
        &[],
    )
    .await;
    assert_eq!(r.all("x-a"), ["1", "2", "3"]);
    // Location replaces the default of a redirect, once.
    let r = raw(addr, "GET", "/status/302?header=Location:/echo", &[]).await;
    assert_eq!(r.all("location"), ["/echo"]);
}

#[tokio::test]
async fn plain_options_reaches_the_routes_and_preflights_keep_working() {
    let addr = start(LiveConfig::default()).await;
    let r = raw(addr, "OPTIONS", "/status/503", &[]).await;
    assert_eq!(
        r.status(),
        503,
        "a live endpoint answers OPTIONS like any method"
    );
    for path in [
        "/http/407",
        "/api/v1/protocols",
        "/badge/http/407.svg",
        "/embed/http/407",
        "/",
    ] {
        let r = raw(addr, "OPTIONS", path, &[]).await;
        assert_eq!(r.status(), 204, "{path}");
        let allow = r.header("allow").unwrap_or("");
        assert!(
            allow.contains("GET") && allow.contains("HEAD"),
            "{path}: {allow}"
        );
    }
    let r = raw(
        addr,
        "OPTIONS",
        "/status/503",
        &[
            "Origin: https://client.example",
            "Access-Control-Request-Method: PUT",
        ],
    )
    .await;
    assert!(r.status() == 200 || r.status() == 204, "a preflight: {r:?}");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.header("access-control-allow-methods").is_some());
    assert!(
        r.header("content-security-policy").is_some(),
        "preflights carry the security headers"
    );
}

#[tokio::test]
async fn one_trailing_slash_rule_for_every_route_group() {
    let addr = start(LiveConfig::default()).await;
    for (path, to) in [
        ("/status/200/", "/status/200"),
        ("/status/404/?x=1", "/status/404?x=1"),
        ("/http/407/", "/http/407"),
        ("/http", "/http/"),
        ("/situations", "/situations/"),
        ("/compare/http/101-vs-407/", "/compare/http/101-vs-407"),
        ("/api/v1/protocols/", "/api/v1/protocols"),
        ("/api/v1/http/codes/407/", "/api/v1/http/codes/407"),
        ("/embed/http/407/", "/embed/http/407"),
        ("/badge/http/407.svg/", "/badge/http/407.svg"),
        ("/embed", "/embed/"),
        ("/status/abc/", "/status/abc"),
    ] {
        for method in ["GET", "POST"] {
            let r = raw(addr, method, path, &[]).await;
            assert_eq!(r.status(), 308, "{method} {path}");
            assert_eq!(r.header("location"), Some(to), "{method} {path}");
        }
    }
    for path in [
        "/nope/",
        "/nope",
        "//evil.example/",
        "/http/407/more/",
        "/assets/none.css/",
    ] {
        let r = raw(addr, "GET", path, &[]).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.header("location").is_none(), "{path}");
    }
    // A live 404 is an answer, not a missing page.
    assert_eq!(raw(addr, "GET", "/status/404", &[]).await.status(), 404);
}

#[tokio::test]
async fn a_thousand_quick_requests_to_a_loopback_server_are_never_throttled() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = crate::support::Spawned::serve(&["--addr", &format!("127.0.0.1:{port}")]).await;
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // Keep-alive: 1,000 requests on one connection, as a test suite would.
    let mut limited = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for _ in 0..1000 {
        stream
            .write_all(format!("GET /status/200 HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut got = Vec::new();
        loop {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the server closed the connection");
            got.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&got);
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if got.len() >= end + 4 + length {
                    break;
                }
            }
        }
        limited += usize::from(got.starts_with(b"HTTP/1.1 429"));
    }
    assert_eq!(limited, 0, "no 429 on loopback without --live-rate");
}

#[tokio::test]
async fn a_public_rate_limit_is_there_when_asked_for() {
    let addr = start(LiveConfig {
        rate_per_second: Some(5),
        ..Default::default()
    })
    .await;
    let mut limited = 0;
    for _ in 0..40 {
        limited += usize::from(raw(addr, "GET", "/status/200", &[]).await.status() == 429);
    }
    assert!(limited > 0);
    // The default for a public address is on, for loopback off.
    let public = LiveConfig::default().for_address("203.0.113.7".parse().unwrap());
    assert_eq!(
        public.rate_per_second,
        Some(statusatlas::web::live::DEFAULT_RATE)
    );
    let local = LiveConfig::default().for_address("127.0.0.1".parse().unwrap());
    assert_eq!(local.rate_per_second, None);
    let chosen = LiveConfig {
        rate_per_second: Some(0),
        ..Default::default()
    }
    .for_address("203.0.113.7".parse().unwrap());
    assert_eq!(chosen.rate_per_second, Some(0), "--live-rate 0 stays off");
}

mod websocket {
    use super::*;
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    async fn connect(
        addr: SocketAddr,
        query: &str,
    ) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>
    {
        let (socket, response) =
            tokio_tungstenite::connect_async(format!("ws://{addr}/status/101{query}"))
                .await
                .unwrap();
        assert_eq!(response.status(), 101);
        socket
    }

    /// The Close frame the server sends, if any, before the connection ends.
    async fn server_close(
        socket: &mut tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    ) -> Option<(u16, String)> {
        while let Ok(Some(message)) =
            tokio::time::timeout(Duration::from_secs(10), socket.next()).await
        {
            match message {
                Ok(Message::Close(Some(frame))) => {
                    return Some((u16::from(frame.code), frame.reason.to_string()));
                }
                Ok(Message::Close(None)) => return Some((1005, String::new())),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    }

    #[tokio::test]
    async fn a_close_is_answered_with_a_close() {
        let addr = start(LiveConfig::default()).await;
        let mut socket = connect(addr, "").await;
        socket.send(Message::text("hello")).await.unwrap();
        assert_eq!(
            socket.next().await.unwrap().unwrap(),
            Message::text("hello")
        );
        socket
            .close(Some(CloseFrame {
                code: CloseCode::Normal,
                reason: "done".into(),
            }))
            .await
            .unwrap();
        assert_eq!(
            server_close(&mut socket).await,
            Some((1000, "done".to_string())),
            "the server echoes the Close (RFC 6455, Section 5.5.1)"
        );
    }

    #[tokio::test]
    async fn the_server_closes_with_the_code_asked_for_after_n_messages() {
        let addr = start(LiveConfig::default()).await;
        for (query, sent, code) in [
            ("?close=4001&after=2&reason=bye", 2, 4001u16),
            ("?close=1000", 0, 1000),
            ("?close=1008&after=1&reason=policy", 1, 1008),
            ("?close=3000&after=0", 0, 3000),
        ] {
            let mut socket = connect(addr, query).await;
            for i in 0..sent {
                socket.send(Message::text(format!("m{i}"))).await.unwrap();
                assert_eq!(
                    socket.next().await.unwrap().unwrap(),
                    Message::text(format!("m{i}"))
                );
            }
            let (got, reason) = server_close(&mut socket).await.expect("a Close frame");
            assert_eq!(got, code, "{query}");
            if query.contains("reason=bye") {
                assert_eq!(reason, "bye");
            }
        }
        for bad in ["1005", "1006", "1015", "999", "5000", "2999", "abc"] {
            let r = raw(addr, "GET", &format!("/status/101?close={bad}"), &[]).await;
            assert_eq!(r.status(), 400, "close={bad}");
        }
        let long = "x".repeat(124);
        let r = raw(
            addr,
            "GET",
            &format!("/status/101?close=1000&reason={long}"),
            &[],
        )
        .await;
        assert_eq!(r.status(), 400, "a reason longer than a Close frame holds");
    }

    /// Performs the opening handshake by hand and returns the raw stream.
    async fn handshake(addr: SocketAddr) -> tokio::net::TcpStream {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(
                format!(
                    "GET /status/101 HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        assert!(head.starts_with(b"HTTP/1.1 101"));
        stream
    }

    /// A client frame (masked unless `masked` is false).
    fn frame(opcode: u8, payload: &[u8], masked: bool) -> Vec<u8> {
        let mut out = vec![0x80 | opcode];
        let mask_bit = if masked { 0x80 } else { 0 };
        match payload.len() {
            n if n < 126 => out.push(mask_bit | n as u8),
            n if n < 65536 => {
                out.push(mask_bit | 126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(mask_bit | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        if masked {
            let key = [1u8, 2, 3, 4];
            out.extend_from_slice(&key);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        } else {
            out.extend_from_slice(payload);
        }
        out
    }

    /// Reads server frames until a Close and returns its code.
    async fn close_code(stream: &mut tokio::net::TcpStream) -> Option<u16> {
        let mut bytes = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), async {
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => bytes.extend_from_slice(&buf[..n]),
                }
                if bytes.len() >= 4 && bytes[0] == 0x88 {
                    break;
                }
            }
        })
        .await;
        let mut i = 0;
        while i + 2 <= bytes.len() {
            let opcode = bytes[i] & 0x0f;
            let len = (bytes[i + 1] & 0x7f) as usize;
            if opcode == 0x8 && len >= 2 && bytes.len() >= i + 4 {
                return Some(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
            }
            i += 2 + len;
        }
        None
    }

    #[tokio::test]
    async fn bad_frames_end_the_session_with_the_code_that_says_why() {
        let addr = start(LiveConfig::default()).await;
        let mut s = handshake(addr).await;
        s.write_all(&frame(0x1, &[0xff, 0xfe, 0xfd], true))
            .await
            .unwrap();
        assert_eq!(close_code(&mut s).await, Some(1007), "invalid UTF-8 text");

        let mut s = handshake(addr).await;
        s.write_all(&frame(0x1, b"not masked", false))
            .await
            .unwrap();
        assert_eq!(
            close_code(&mut s).await,
            Some(1002),
            "an unmasked client frame"
        );

        let mut s = handshake(addr).await;
        s.write_all(&frame(0x3, b"reserved opcode", true))
            .await
            .unwrap();
        assert_eq!(close_code(&mut s).await, Some(1002), "a reserved opcode");

        let mut s = handshake(addr).await;
        let big = vec![b'a'; statusatlas::web::live::websocket::MAX_MESSAGE + 1];
        let _ = s.write_all(&frame(0x2, &big, true)).await;
        assert_eq!(
            close_code(&mut s).await,
            Some(1009),
            "a message over the cap"
        );
    }

    #[tokio::test]
    async fn an_unsupported_version_gets_426_naming_version_13() {
        let addr = start(LiveConfig::default()).await;
        let r = raw(
            addr,
            "GET",
            "/status/101",
            &[
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version: 8",
            ],
        )
        .await;
        assert_eq!(r.status(), 426);
        assert_eq!(r.header("sec-websocket-version"), Some("13"));
        assert_eq!(r.header("upgrade"), Some("websocket"));
    }

    #[tokio::test]
    #[ignore = "needs Python websockets; scripts/test.sh runs it"]
    async fn python_websockets_sees_clean_closes() {
        let addr = start(LiveConfig::default()).await;
        let python = crate::support::venv_python();
        let script = format!(
            r#"
import asyncio, websockets
from websockets.exceptions import ConnectionClosed
async def main():
    async with websockets.connect("ws://{addr}/status/101") as ws:
        await ws.send("hi")
        assert await ws.recv() == "hi"
        await ws.close(1000, "bye")
        print("client", ws.protocol.close_rcvd.code, ws.protocol.close_rcvd.reason)
    async with websockets.connect("ws://{addr}/status/101?close=4000&after=1&reason=later") as ws:
        await ws.send("one")
        assert await ws.recv() == "one"
        try:
            await ws.recv()
        except ConnectionClosed as e:
            print("server", e.rcvd.code, e.rcvd.reason)
    async with websockets.connect("ws://{addr}/status/101", max_size=None) as ws:
        try:
            await ws.send("x" * 70000)
            await ws.recv()
        except ConnectionClosed as e:
            print("big", e.rcvd.code)
asyncio.run(main())
"#
        );
        let out = tokio::process::Command::new(python)
            .args(["-c", &script])
            .output()
            .await
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .collect::<Vec<_>>(),
            ["client 1000 bye", "server 4000 later", "big 1009"],
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test]
async fn fields_keep_their_rules_when_callers_set_them() {
    let addr = start(LiveConfig::default()).await;
    // One Location, the last given (RFC 9110, Section 10.2.2).
    let r = raw(
        addr,
        "GET",
        "/status/301?header=Location:/a&header=Location:/b",
        &[],
    )
    .await;
    assert_eq!(r.all("location"), ["/b"]);
    // A caller's Vary stays beside the negotiation's own.
    let r = raw(addr, "GET", "/status/200?header=Vary:Cookie", &[]).await;
    let vary: Vec<String> = r
        .all("vary")
        .iter()
        .map(|v| v.to_ascii_lowercase())
        .collect();
    assert!(
        vary.contains(&"cookie".to_string()) && vary.contains(&"accept".to_string()),
        "{vary:?}"
    );
    // 205 has no content (RFC 9110, Section 15.3.6).
    for method in ["GET", "POST"] {
        let r = raw(addr, method, "/status/205", &[]).await;
        assert_eq!(r.status(), 205);
        assert!(
            r.body.is_empty() && r.header("content-type").is_none(),
            "{r:?}"
        );
    }
    // Answers no live endpoint made carry the registered phrase too.
    let body = "x".repeat(17 * 1024);
    let r = raw(
        addr,
        "POST",
        "/http/407",
        &[&format!("Content-Length: {}\r\n\r\n{body}", body.len())],
    )
    .await;
    assert_eq!(r.status_line, "HTTP/1.1 413 Content Too Large");
    // An API error is never stored, whatever the group's document policy.
    let r = raw(
        addr,
        "GET",
        &format!("/api/v1/search?q={}", "a".repeat(300)),
        &[],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // CONNECT to a server that is no proxy is not redirected anywhere.
    let r = raw(addr, "CONNECT", "elsewhere.example:443", &[]).await;
    assert!(r.header("location").is_none(), "{r:?}");
    assert!(r.status() >= 400, "{r:?}");
}
