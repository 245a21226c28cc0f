//! The server's direct answers: once the router has answered a cached page,
//! the server answers the next plain GET for it from the prebuilt head and
//! body, without the router. Over real sockets, those answers must be the
//! router's byte for byte (but the Date line), in every encoding, and
//! requests whose answer depends on more than the page and the encoding must
//! still reach the router.

use statusatlas::web::{AppState, ConnectionLimits, Site, router, serve_with};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PATHS: [&str; 6] = [
    "/http/407",
    "/compare/http/101-vs-407",
    "/api/v1/http/codes/407",
    "/badge/http/407.svg",
    "/badge/http/407.svg?style=flat-square",
    "/assets/site.css",
];

/// Starts a server whose direct answers come from `state`'s cache.
async fn start() -> (SocketAddr, Arc<AppState>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(AppState::new(&format!("http://{addr}")));
    let site = Site::with_cache(router(state.clone()), state.cache.clone());
    tokio::spawn(serve_with(
        listener,
        site,
        std::future::pending(),
        ConnectionLimits::default(),
    ));
    (addr, state)
}

/// One HTTP/1.1 exchange on a kept-alive connection: the status line and
/// header lines as sent (without Date), and the body.
async fn exchange(stream: &mut TcpStream, request: &str) -> (Vec<String>, Vec<u8>) {
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.unwrap();
        assert_eq!(n, 1, "the connection closed mid-head: {head:?}");
        head.push(byte[0]);
    }
    let text = String::from_utf8(head).unwrap();
    let lines: Vec<String> = text
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("date:"))
        .map(str::to_string)
        .collect();
    let length = lines
        .iter()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    if !request.starts_with("HEAD ") {
        stream.read_exact(&mut body).await.unwrap();
    } else {
        body.clear();
    }
    (lines, body)
}

fn get(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: statusatlas.test\r\n{extra}\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_answers_are_the_routers_byte_for_byte() {
    let (addr, state) = start().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    for path in PATHS {
        for encoding in [
            "",
            "Accept-Encoding: gzip\r\n",
            "Accept-Encoding: br, gzip\r\n",
        ] {
            // The first answer renders and stores the page, the second comes
            // from the store through the router, which teaches the server the
            // head; the third is the server's own.
            let (first, first_body) = exchange(&mut stream, &get(path, encoding)).await;
            let (routed, routed_body) = exchange(&mut stream, &get(path, encoding)).await;
            let (direct, direct_body) = exchange(&mut stream, &get(path, encoding)).await;
            // A condition that fails still goes through the router.
            let condition = format!("{encoding}If-None-Match: \"elsewhere\"\r\n");
            let (again, again_body) = exchange(&mut stream, &get(path, &condition)).await;
            assert!(first[0].starts_with("HTTP/1.1 200"), "{path}: {first:?}");
            assert_eq!(first, routed, "{path} {encoding:?}");
            assert_eq!(routed, direct, "{path} {encoding:?}");
            assert_eq!(direct, again, "{path} {encoding:?}");
            assert_eq!(first_body, routed_body, "{path}");
            assert_eq!(routed_body, direct_body, "{path}");
            assert_eq!(direct_body, again_body, "{path}");
        }
        let entry = state.cache.get(path).expect("the page is stored");
        assert_eq!(
            entry.prebuilt_heads(),
            3,
            "{path}: a head for each encoding"
        );
    }
    // The bodies are what they say they are.
    let (plain_head, plain) = exchange(&mut stream, &get("/http/407", "")).await;
    let (br_head, br) = exchange(&mut stream, &get("/http/407", "Accept-Encoding: br\r\n")).await;
    assert!(!plain_head.iter().any(|l| l.starts_with("content-encoding")));
    assert!(
        br_head.contains(&"content-encoding: br".to_string()),
        "{br_head:?}"
    );
    let mut unbrotli = Vec::new();
    brotli::BrotliDecompress(&mut &br[..], &mut unbrotli).unwrap();
    assert_eq!(unbrotli, plain);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_that_change_the_answer_reach_the_router() {
    let (addr, state) = start().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    for _ in 0..3 {
        exchange(&mut stream, &get("/http/407", "")).await;
    }
    assert_eq!(state.cache.get("/http/407").unwrap().prebuilt_heads(), 1);
    let (head, _) = exchange(&mut stream, &get("/http/407", "")).await;
    let etag = head
        .iter()
        .find_map(|l| l.strip_prefix("etag: "))
        .expect("an ETag")
        .to_string();

    let (not_modified, body) = exchange(
        &mut stream,
        &get("/http/407", &format!("If-None-Match: {etag}\r\n")),
    )
    .await;
    assert!(
        not_modified[0].starts_with("HTTP/1.1 304"),
        "{not_modified:?}"
    );
    assert!(body.is_empty());

    let (cors, _) = exchange(
        &mut stream,
        &get("/http/407", "Origin: https://docs.example.org\r\n"),
    )
    .await;
    assert!(cors[0].starts_with("HTTP/1.1 200"));
    assert!(
        cors.contains(&"access-control-allow-origin: *".to_string()),
        "{cors:?}"
    );

    let (headed, body) = exchange(
        &mut stream,
        "HEAD /http/407 HTTP/1.1\r\nHost: statusatlas.test\r\n\r\n",
    )
    .await;
    assert!(headed[0].starts_with("HTTP/1.1 200"));
    assert!(body.is_empty());

    // A body over the limit is refused before any page is looked up.
    let (refused, _) = exchange(
        &mut stream,
        &get(
            "/http/407",
            "Content-Length: 20000\r\nConnection: close\r\n",
        ),
    )
    .await;
    assert!(refused[0].starts_with("HTTP/1.1 413"), "{refused:?}");

    // A header field over the limit gets its 431, cached page or not.
    let long = "a".repeat(9 * 1024);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let (too_large, _) = exchange(
        &mut stream,
        &get("/http/407", &format!("X-Long: {long}\r\n")),
    )
    .await;
    assert!(too_large[0].starts_with("HTTP/1.1 431"), "{too_large:?}");

    // An absolute-form target for another origin is a proxy request: 407,
    // never the stored page.
    let mut proxied = TcpStream::connect(addr).await.unwrap();
    let (challenge, _) = exchange(
        &mut proxied,
        "GET http://example.test/http/407 HTTP/1.1\r\nHost: example.test\r\n\r\n",
    )
    .await;
    assert!(challenge[0].starts_with("HTTP/1.1 407"), "{challenge:?}");

    // Without exactly one Host field, a 400 as before.
    let mut other = TcpStream::connect(addr).await.unwrap();
    let (no_host, _) = exchange(&mut other, "GET /http/407 HTTP/1.1\r\n\r\n").await;
    assert!(no_host[0].starts_with("HTTP/1.1 400"), "{no_host:?}");
}
