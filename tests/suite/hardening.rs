//! A public instance under attack: hostile requests over every route group,
//! connections that never finish, descriptor exhaustion, slow bodies,
//! WebSocket floods and a rate limiter fed a million addresses. Nothing may
//! answer 5xx, reflect input unescaped, redirect off the origin, serve
//! active content from a live endpoint, or hold a resource without bound.

use crate::conformance::{raw, start};
use crate::support::{BASE, get};
use axum::body::Body;
use http_body_util::BodyExt;
use statusatlas::web::live::{Limits, LiveConfig, MAX_TRACKED_CLIENTS};
use statusatlas::web::{AppState, ConnectionLimits, router, serve_with};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</title><script>alert(1)</script>",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "\0",
    "\r\nSet-Cookie: owned=1",
    "\r\n\r\n<script>alert(1)</script>",
    "//elsewhere.example/",
    "/\\elsewhere.example",
    "https://elsewhere.example/",
    "/\t/elsewhere.example",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "' OR '1'='1",
    "Å\u{202e}\u{2028}🙂",
    "\u{feff}407",
    "407<script>",
    "text/html",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
    "Set-Cookie:a=b",
    "Content-Security-Policy:default-src *",
    "Service-Worker-Allowed:/",
    "Refresh:0;url=https://elsewhere.example/",
    "Access-Control-Allow-Origin:https://elsewhere.example",
    "X-Accel-Redirect:/internal",
    "X-Sendfile2:/etc/passwd 0-",
    "X-LIGHTTPD-send-tempfile:/etc/passwd",
    "X-LiteSpeed-Location:/etc/passwd",
    "X-Reproxy-URL:http://elsewhere.example/",
    "X-Middleware-Rewrite:https://elsewhere.example/",
    "X-Content-Security-Policy:sandbox allow-scripts",
];

const TEMPLATES: &[&str] = &[
    "/{}",
    "/http/{}",
    "/http/{}/",
    "/smtp/{}",
    "/dns/ede/{}",
    "/compare/http/{}",
    "/compare/http/101-vs-{}",
    "/search?q={}",
    "/api/v1/search?q={}",
    "/api/v1/http/codes/{}",
    "/api/v1/{}/codes",
    "/api/v1/http/codes?class={}",
    "/embed/http/{}",
    "/embed/http/407?theme={}&size={}",
    "/embed/fragment/http/{}",
    "/oembed?url={}",
    "/badge/http/{}.svg",
    "/badge/http/407.svg?label={}&style={}",
    "/situations/{}",
    "/assets/{}",
    "/status/{}",
    "/status/200?body={}",
    "/status/200?header=X-Echo:{}",
    "/status/302?header=Location:{}",
    "/status/200?header=Content-Type:{}",
    "/status/200?header={}",
    "/status/200?header=Content-Type:text/plain&body={}",
];

/// What must hold for every answer to a hostile request.
fn check(uri: &str, status: u16, headers: &axum::http::HeaderMap, body: &str) {
    assert!(status < 500, "{uri}: {status}");
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(h("x-content-type-options"), "nosniff", "{uri}");
    assert!(!h("content-security-policy").is_empty(), "{uri}");
    assert!(headers.get("set-cookie").is_none(), "{uri}");
    assert!(headers.get("service-worker-allowed").is_none(), "{uri}");
    assert!(headers.get("refresh").is_none(), "{uri}");
    for name in [
        "x-accel-redirect",
        "x-sendfile2",
        "x-lighttpd-send-tempfile",
        "x-litespeed-location",
        "x-reproxy-url",
        "x-middleware-rewrite",
        "x-content-security-policy",
    ] {
        assert!(headers.get(name).is_none(), "{uri}: {name}");
    }
    let acao = h("access-control-allow-origin");
    assert!(acao.is_empty() || acao == "*", "{uri}: {acao}");
    if let Some(location) = headers.get("location") {
        let l = location.to_str().unwrap_or("");
        let on_site = (l.starts_with('/') && !l.starts_with("//") && !l.contains('\\'))
            || l.starts_with(&format!("{BASE}/"));
        assert!(on_site, "{uri}: Location {l}");
    }
    let ct = h("content-type").to_ascii_lowercase();
    let path = uri.split('?').next().unwrap_or("");
    let live = path
        .strip_prefix("/status/")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    if live {
        assert!(
            h("content-security-policy").starts_with("sandbox"),
            "{uri}: live answers are sandboxed"
        );
        let inert = ct.is_empty()
            || ct.starts_with("text/plain")
            || ct.starts_with("application/json")
            || ct.starts_with("application/problem+json");
        // The one HTML a live endpoint sends is its own explanation.
        let own_html = ct.starts_with("text/html") && body.starts_with("<!doctype html>");
        assert!(inert || own_html, "{uri}: {ct}");
    }
    if ct.starts_with("text/html") || ct.contains("svg") || ct.contains("xml") {
        for needle in [
            "<script>alert",
            "<img src=x",
            "<svg/onload",
            "href=\"javascript:",
            "src=\"javascript:",
            "action=\"javascript:",
        ] {
            assert!(
                !body.to_ascii_lowercase().contains(needle),
                "{uri}: reflected {needle}"
            );
        }
    }
}

#[tokio::test]
async fn hostile_requests_over_every_route_group_are_refused_safely() {
    let mut sent = 0;
    for template in TEMPLATES {
        for payload in PAYLOADS {
            for encoded in [encode(payload), payload.to_string()] {
                let uri = template.replace("{}", &encoded);
                let Ok(parsed) = uri.parse::<axum::http::Uri>() else {
                    continue;
                };
                let response = get(&parsed.to_string()).await;
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                check(&uri, status, &headers, &String::from_utf8_lossy(&bytes));
                sent += 1;
            }
        }
    }
    assert!(sent >= 300, "only {sent} hostile requests were well-formed");
}

#[tokio::test]
async fn hostile_requests_on_the_wire_never_break_the_server() {
    let addr = start(LiveConfig::default()).await;
    // Requests no client library would build: odd methods, CRLF in the
    // target, absolute and authority forms, oversized parts.
    let long = "a".repeat(5000);
    let targets = [
        format!("/status/200?x={long}"),
        format!("/http/{long}"),
        "/status/200?header=X-A:1%0d%0aSet-Cookie:%20x=1".to_string(),
        "/status/302?header=Location:%2F%5Celsewhere.example".to_string(),
        "/status/302?header=Location:%2F%09%2Felsewhere.example".to_string(),
        "/status/200?header=Content-Type:text%2Fhtml&body=%3Cscript%3E".to_string(),
        "/%2e%2e/%2e%2e/etc/passwd".to_string(),
        "/assets/..%2f..%2fCargo.toml".to_string(),
        "/http/%00".to_string(),
        "*".to_string(),
    ];
    for method in [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "BREW",
    ] {
        for target in &targets {
            let r = raw(addr, method, target, &[]).await;
            assert!(
                r.status() != 0 && r.status() < 500,
                "{method} {target}: {}",
                r.status_line
            );
            assert!(r.header("set-cookie").is_none(), "{method} {target}");
        }
    }
    // The server still answers.
    assert_eq!(raw(addr, "GET", "/status/204", &[]).await.status(), 204);
}

#[tokio::test]
async fn service_worker_scripts_are_refused_on_live_routes() {
    let addr = start(LiveConfig::default()).await;
    let r = raw(
        addr,
        "GET",
        "/status/200?header=Content-Type:text/plain&body=self.onfetch%3Dnull",
        &["Service-Worker: script"],
    )
    .await;
    assert_eq!(r.status(), 400);
}

/// Starts a server with tight connection limits for the socket tests.
async fn start_limited(connections: ConnectionLimits, live: LiveConfig) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(Arc::new(AppState::with_live(
        &format!("http://{addr}"),
        live,
    )));
    tokio::spawn(serve_with(
        listener,
        app,
        std::future::pending(),
        connections,
    ));
    addr
}

/// Whether the server closes `stream` within `within`.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

fn short_limits() -> ConnectionLimits {
    ConnectionLimits {
        max_connections: 64,
        first_request: Duration::from_millis(500),
        idle: Duration::from_millis(800),
        http2_ping: Duration::from_secs(1),
    }
}

#[tokio::test]
async fn silent_slow_and_idle_connections_are_closed_on_time() {
    let addr = start_limited(short_limits(), LiveConfig::default()).await;
    let mut silent = Vec::new();
    for _ in 0..40 {
        silent.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    for s in &mut silent {
        assert!(
            closed_within(s, Duration::from_secs(5)).await,
            "a silent socket is closed"
        );
    }
    // A request line that never ends.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /status/200 HTTP/1.1\r\nHo")
        .await
        .unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(5)).await,
        "slow headers"
    );
    // A dribbled HTTP/2 preface.
    let mut preface = tokio::net::TcpStream::connect(addr).await.unwrap();
    preface.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    assert!(
        closed_within(&mut preface, Duration::from_secs(5)).await,
        "a partial preface"
    );
    // Keep-alive after one answer.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(format!("GET /status/204 HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)).await,
        "an idle keep-alive"
    );
}

#[tokio::test]
async fn idle_http2_connections_are_closed() {
    let addr = start_limited(short_limits(), LiveConfig::default()).await;
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .unwrap();
    let driver = tokio::spawn(connection);
    let response = sender
        .send_request(
            axum::http::Request::get(format!("http://{addr}/status/200"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    drop(response);
    let ended = tokio::time::timeout(Duration::from_secs(10), driver).await;
    assert!(ended.is_ok(), "the server closes an idle HTTP/2 connection");
}

#[tokio::test]
async fn the_connection_cap_holds_new_connections_until_one_closes() {
    let limits = ConnectionLimits {
        max_connections: 4,
        ..ConnectionLimits::default()
    };
    let addr = start_limited(limits, LiveConfig::default()).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let waiting = tokio::spawn(async move { raw(addr, "GET", "/status/201", &[]).await.status() });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a fifth connection waits while four are open"
    );
    held.pop();
    let status = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("it is served once a slot frees")
        .unwrap();
    assert_eq!(status, 201);
}

/// CPU time (user + system) of a process so far, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[tokio::test]
async fn running_out_of_descriptors_backs_off_and_recovers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = tokio::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "ulimit -n 64 && exec {} serve --addr {addr}",
                env!("CARGO_BIN_EXE_statusatlas")
            ),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut silent = Vec::new();
    for _ in 0..100 {
        if let Ok(s) = tokio::net::TcpStream::connect(addr).await {
            silent.push(s);
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ticks_per_second = 100;
    let before = cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = cpu_ticks(pid) - before;
    assert!(
        used < ticks_per_second,
        "the accept loop backs off instead of spinning ({used} ticks in 2 s)"
    );
    drop(silent);
    let mut answered = false;
    for _ in 0..100 {
        let attempt =
            tokio::time::timeout(Duration::from_secs(2), raw(addr, "GET", "/status/202", &[]))
                .await;
        if attempt.is_ok_and(|r| r.status() == 202) {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answered, "the server serves again once descriptors free up");
    drop(child);
}

#[tokio::test]
async fn dribbled_bodies_hold_their_slot_until_the_last_byte() {
    let addr = start(LiveConfig {
        max_delayed: 2,
        ..Default::default()
    })
    .await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Body>();
    let mut streams = Vec::new();
    for _ in 0..2 {
        let r = client
            .get(
                format!("http://{addr}/status/200?fault=dribble&delay=1500ms")
                    .parse()
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        streams.push(r.into_body());
    }
    // Both handlers have returned; their bodies are still dribbling.
    let third = raw(addr, "GET", "/status/200?fault=dribble", &[]).await;
    assert_eq!(third.status(), 429, "the cap counts bodies still in flight");
    for body in streams {
        body.collect().await.unwrap();
    }
    let after = raw(addr, "GET", "/status/200?delay=1ms", &[]).await;
    assert_eq!(after.status(), 200, "slots come back after the last byte");
}

mod websocket_caps {
    use super::*;
    use futures_util::{SinkExt, StreamExt};
    use statusatlas::web::live::websocket::SessionLimits;
    use tokio_tungstenite::tungstenite::Message;

    #[tokio::test]
    async fn sessions_are_capped_per_client_and_in_all() {
        let addr = start(LiveConfig {
            websocket: SessionLimits {
                total: 3,
                per_client: 2,
                idle: Duration::from_secs(30),
            },
            ..Default::default()
        })
        .await;
        let url = format!("ws://{addr}/status/101");
        let a = tokio_tungstenite::connect_async(&url).await.unwrap().0;
        let b = tokio_tungstenite::connect_async(&url).await.unwrap().0;
        let refused = tokio_tungstenite::connect_async(&url).await;
        match refused {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 429);
                assert!(response.headers().contains_key("retry-after"));
            }
            other => panic!("a third session from one client is refused: {other:?}"),
        }
        drop(a);
        drop(b);
        // Slots come back when sessions end.
        let mut again = None;
        for _ in 0..50 {
            if let Ok((s, _)) = tokio_tungstenite::connect_async(&url).await {
                again = Some(s);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(again.is_some());
    }

    #[tokio::test]
    async fn idle_sessions_are_closed() {
        let addr = start(LiveConfig {
            websocket: SessionLimits {
                idle: Duration::from_millis(500),
                ..SessionLimits::default()
            },
            ..Default::default()
        })
        .await;
        let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/status/101"))
            .await
            .unwrap();
        socket.send(Message::text("x")).await.unwrap();
        assert_eq!(socket.next().await.unwrap().unwrap(), Message::text("x"));
        let closed = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(Ok(m)) = socket.next().await {
                if let Message::Close(Some(frame)) = m {
                    return Some(u16::from(frame.code));
                }
            }
            None
        })
        .await
        .expect("the session ends");
        assert_eq!(closed, Some(1001));
    }
}

#[test]
fn the_rate_limiter_stays_bounded_for_a_million_clients() {
    let limits = Limits::new(LiveConfig {
        rate_per_second: Some(50),
        ..Default::default()
    });
    for i in 0..1_000_000u32 {
        let ip = if i % 2 == 0 {
            IpAddr::V4(Ipv4Addr::from(i.wrapping_mul(2_654_435_761)))
        } else {
            IpAddr::V6(Ipv6Addr::new(
                0x2001,
                0xdb8,
                (i >> 16) as u16,
                i as u16,
                1,
                2,
                3,
                4,
            ))
        };
        assert!(limits.allow(ip), "a client's first request is allowed");
    }
    assert!(
        limits.tracked_clients() <= MAX_TRACKED_CLIENTS,
        "{} clients remembered",
        limits.tracked_clients()
    );
    // One IPv6 /64 is one client: its addresses share an allowance.
    let limits = Limits::new(LiveConfig {
        rate_per_second: Some(5),
        ..Default::default()
    });
    let refused = (0..100u16)
        .filter(|i| !limits.allow(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 7, 7, *i, 0, 0, 1))))
        .count();
    assert!(refused > 80, "{refused} of 100 refused");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn live_endpoints_can_have_an_origin_of_their_own_or_none() {
    let (site, live) = (free_port(), free_port());
    let site_addr: SocketAddr = format!("127.0.0.1:{site}").parse().unwrap();
    let live_addr: SocketAddr = format!("127.0.0.1:{live}").parse().unwrap();
    let _server = crate::support::Spawned::serve(&[
        "--addr",
        &site_addr.to_string(),
        "--live-addr",
        &live_addr.to_string(),
    ])
    .await;
    while tokio::net::TcpStream::connect(live_addr).await.is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        raw(site_addr, "GET", "/status/418", &[]).await.status(),
        404
    );
    assert_eq!(
        raw(live_addr, "GET", "/status/418", &[]).await.status(),
        418
    );
    let elsewhere = raw(live_addr, "GET", "/http/407", &[]).await;
    assert_eq!(elsewhere.status(), 404);
    assert!(String::from_utf8_lossy(&elsewhere.body).contains("\"not_found\""));
    let slash = raw(live_addr, "GET", "/status/200/", &[]).await;
    assert_eq!(
        (slash.status(), slash.header("location")),
        (308, Some("/status/200"))
    );
    let page = raw(site_addr, "GET", "/http/407", &[]).await;
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains(&format!("curl -i http://{live_addr}/status/407")),
        "code pages point at the live origin"
    );

    let alone = free_port();
    let alone_addr: SocketAddr = format!("127.0.0.1:{alone}").parse().unwrap();
    let _without =
        crate::support::Spawned::serve(&["--addr", &alone_addr.to_string(), "--no-live"]).await;
    assert_eq!(
        raw(alone_addr, "GET", "/status/418", &[]).await.status(),
        404
    );
    let page = raw(alone_addr, "GET", "/http/407", &[]).await;
    assert!(!String::from_utf8_lossy(&page.body).contains("/status/407"));
}
