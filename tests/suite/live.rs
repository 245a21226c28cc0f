//! The live endpoints on a real server on loopback, driven by real clients:
//! hyper for statuses, headers, weights, delays and faults; tokio-tungstenite
//! for the WebSocket echo on 101; curl through --proxy for 407.

use axum::body::Body;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use statusatlas::web::live::LiveConfig;
use statusatlas::web::{AppState, router, serve};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Starts a server on a free loopback port; it stops when the test ends.
async fn start(config: LiveConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = router(Arc::new(AppState::with_live(&url, config)));
    tokio::spawn(serve(listener, app, std::future::pending()));
    url
}

fn client() -> Client<hyper_util::client::legacy::connect::HttpConnector, Body> {
    Client::builder(TokioExecutor::new()).build_http()
}

async fn get(url: &str, accept: Option<&str>) -> (u16, axum::http::HeaderMap, String) {
    let mut request = axum::http::Request::get(url);
    if let Some(a) = accept {
        request = request.header("accept", a);
    }
    let response = client()
        .request(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn h<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn every_code_answers_with_its_status_and_defined_headers() {
    let base = start(LiveConfig {
        rate_per_second: Some(1000),
        ..Default::default()
    })
    .await;
    for code in (200..=599)
        .filter(|c| c % 100 < 32 || [418, 422, 425, 426, 428, 429, 431, 451, 511].contains(c))
    {
        let (status, _, _) = get(&format!("{base}/status/{code}"), None).await;
        assert_eq!(status, code, "/status/{code}");
    }
    let (_, hd, body) = get(&format!("{base}/status/407"), None).await;
    assert!(h(&hd, "proxy-authenticate").starts_with("Basic realm="));
    assert!(body.starts_with("407 Proxy Authentication Required"));
    let (_, hd, _) = get(&format!("{base}/status/401"), None).await;
    assert!(h(&hd, "www-authenticate").starts_with("Basic realm="));
    for code in [301, 302, 303, 307, 308] {
        let (_, hd, _) = get(&format!("{base}/status/{code}"), None).await;
        assert_eq!(
            h(&hd, "location"),
            "/status/200",
            "{code} points somewhere harmless"
        );
    }
    for code in [429, 503] {
        let (_, hd, _) = get(&format!("{base}/status/{code}"), None).await;
        assert_eq!(h(&hd, "retry-after"), "5");
    }
    let (_, hd, _) = get(&format!("{base}/status/405"), None).await;
    assert_eq!(h(&hd, "allow"), "GET, HEAD");
    let (_, hd, _) = get(&format!("{base}/status/416"), None).await;
    assert_eq!(h(&hd, "content-range"), "bytes */1024");
    for code in [204, 304] {
        let (status, hd, body) = get(&format!("{base}/status/{code}"), None).await;
        assert_eq!(status, code);
        assert!(
            body.is_empty() && h(&hd, "content-type").is_empty(),
            "{code} has no body"
        );
    }
    let patch = axum::http::Request::patch(format!("{base}/status/415"))
        .body(Body::empty())
        .unwrap();
    let r = client().request(patch).await.unwrap();
    assert_eq!(r.status(), 415);
    assert!(h(r.headers(), "accept-patch").contains("application/json-patch+json"));
}

#[tokio::test]
async fn the_body_follows_content_negotiation_and_options() {
    let base = start(LiveConfig::default()).await;
    let (_, hd, body) = get(&format!("{base}/status/418"), Some("application/json")).await;
    assert_eq!(h(&hd, "content-type"), "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], 418);
    assert_eq!(v["entry"]["phrase"], "(Unused)");
    let (_, hd, body) = get(&format!("{base}/status/404"), Some("text/html")).await;
    assert!(
        h(&hd, "content-type").starts_with("text/html") && body.contains("<h1>404 Not Found</h1>")
    );
    let (_, _, body) = get(&format!("{base}/status/200?body=hello%20there"), None).await;
    assert_eq!(body, "hello there");
    let (_, hd, body) = get(&format!("{base}/status/200?suppress_body"), None).await;
    assert!(body.is_empty() && h(&hd, "content-type").is_empty());
    let (_, hd, _) = get(
        &format!("{base}/status/200?header=X-Trace:abc&header=Cache-Control:max-age%3D5"),
        None,
    )
    .await;
    assert_eq!(
        (h(&hd, "x-trace"), h(&hd, "cache-control")),
        ("abc", "max-age=5")
    );
    for bad in [
        "header=Set-Cookie:a%3Db",
        "header=Content-Length:5",
        "header=Transfer-Encoding:chunked",
        "header=nocolon",
        "fault=explode",
        "delay=soon",
        "delay=-1",
    ] {
        let (status, hd, body) = get(&format!("{base}/status/200?{bad}"), None).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(h(&hd, "content-type"), "application/json");
        assert!(body.contains("\"error\""), "{bad}");
    }
    let (status, _, body) = get(
        &format!("{base}/status/200?body={}", "x".repeat(1500)),
        None,
    )
    .await;
    assert_eq!(status, 400, "bodies are size-capped");
    assert!(body.contains("at most"));
}

#[tokio::test]
async fn codes_outside_100_to_599_are_refused_and_1xx_are_explained() {
    let base = start(LiveConfig::default()).await;
    for bad in ["600", "99", "abc", "4O4", "200:0", "200:x", "%3Cscript%3E"] {
        let (status, _, body) = get(&format!("{base}/status/{bad}"), None).await;
        assert_eq!(status, 400, "/status/{bad}");
        assert!(!body.contains("<script>"));
    }
    let (status, hd, body) = get(&format!("{base}/status/103"), None).await;
    assert_eq!(status, 200);
    assert_eq!(h(&hd, "statusatlas-requested-status"), "103");
    assert!(body.contains("interim"));
}

#[tokio::test]
async fn weighted_choices_follow_their_weights() {
    let base = start(LiveConfig {
        rate_per_second: Some(10_000),
        ..Default::default()
    })
    .await;
    let mut ok = 0;
    let n = 400;
    for _ in 0..n {
        let (status, _, _) = get(&format!("{base}/status/200:3,500:1"), None).await;
        assert!(status == 200 || status == 500);
        ok += usize::from(status == 200);
    }
    // Expected 300 of 400; 0.75 +- 5 standard deviations (about 0.11).
    let share = ok as f64 / n as f64;
    assert!((0.64..=0.86).contains(&share), "share of 200: {share}");
}

#[tokio::test]
async fn delays_wait_and_are_capped() {
    let base = start(LiveConfig {
        max_delay: Duration::from_millis(400),
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    let (status, _, _) = get(&format!("{base}/status/200?delay=250ms"), None).await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "the answer waited for the delay"
    );
    let (_, hd, _) = get(&format!("{base}/status/200?delay=60s"), None).await;
    assert_eq!(h(&hd, "statusatlas-delay"), "400ms (capped)");
}

#[tokio::test]
async fn faults_break_the_connection_where_asked() {
    let base = start(LiveConfig::default()).await;
    let before = client()
        .get(
            format!("{base}/status/200?fault=abort-before-headers")
                .parse()
                .unwrap(),
        )
        .await;
    assert!(before.is_err(), "no response at all");

    let after = client()
        .get(
            format!("{base}/status/200?fault=abort-after-headers")
                .parse()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(after.status(), 200, "the headers arrive");
    assert!(
        after.into_body().collect().await.is_err(),
        "then the body breaks"
    );

    let during = client()
        .get(
            format!("{base}/status/200?fault=abort-during-body")
                .parse()
                .unwrap(),
        )
        .await
        .unwrap();
    let declared: usize = h(during.headers(), "content-length").parse().unwrap();
    let mut body = during.into_body();
    let mut received = 0;
    let mut failed = false;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(f) => received += f.data_ref().map_or(0, |d| d.len()),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(
        failed && received > 0 && received < declared,
        "part of the body, then a break ({received} of {declared})"
    );

    let dribble = client()
        .get(
            format!("{base}/status/200?fault=dribble&delay=400ms")
                .parse()
                .unwrap(),
        )
        .await
        .unwrap();
    let mut body = dribble.into_body();
    let mut frames = 0;
    while let Some(frame) = body.frame().await {
        frame.unwrap();
        frames += 1;
    }
    assert!(frames >= 5, "the body arrives in pieces ({frames} frames)");
}

#[tokio::test]
async fn status_101_is_a_real_websocket_echo() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let base = start(LiveConfig::default()).await;
    let (mut socket, response) =
        tokio_tungstenite::connect_async(format!("{}/status/101", base.replace("http", "ws")))
            .await
            .unwrap();
    assert_eq!(response.status(), 101);
    assert!(response.headers().contains_key("sec-websocket-accept"));
    socket
        .send(Message::text("hello statusatlas"))
        .await
        .unwrap();
    let reply = socket.next().await.unwrap().unwrap();
    assert_eq!(reply.into_text().unwrap().as_str(), "hello statusatlas");
    socket.send(Message::binary(vec![1u8, 2, 3])).await.unwrap();
    assert_eq!(
        socket.next().await.unwrap().unwrap().into_data().as_ref(),
        &[1, 2, 3]
    );
    socket.close(None).await.unwrap();
    let (status, hd, body) = get(&format!("{base}/status/101"), None).await;
    assert_eq!(status, 426, "without upgrade headers it explains");
    assert_eq!(h(&hd, "upgrade"), "websocket");
    assert!(body.contains("WebSocket"));
}

#[tokio::test]
async fn limits_answer_429_with_retry_after() {
    let base = start(LiveConfig {
        rate_per_second: Some(5),
        max_delayed: 1,
        ..Default::default()
    })
    .await;
    let mut limited = None;
    for _ in 0..40 {
        let (status, hd, _) = get(&format!("{base}/status/200"), None).await;
        if status == 429 {
            limited = Some(h(&hd, "retry-after").to_string());
            break;
        }
    }
    assert_eq!(
        limited.as_deref(),
        Some("1"),
        "the per-client rate limit answers 429"
    );

    let base = start(LiveConfig {
        max_delayed: 1,
        ..Default::default()
    })
    .await;
    let slow = tokio::spawn({
        let url = format!("{base}/status/200?delay=800ms");
        async move { get(&url, None).await.0 }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, hd, _) = get(&format!("{base}/status/200?delay=10ms"), None).await;
    assert_eq!(status, 429, "a second delayed request over the cap");
    assert_eq!(h(&hd, "retry-after"), "2");
    assert_eq!(slow.await.unwrap(), 200);
}

#[tokio::test]
#[ignore = "needs curl; scripts/test.sh runs it"]
async fn curl_through_proxy_semantics_sees_407() {
    let base = start(LiveConfig::default()).await;
    let curl = tokio::process::Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{http_connect}",
            "--proxy",
            &base,
            "http://example.test/status/407",
        ])
        .output()
        .await
        .expect("curl is installed (scripts/test.sh installs it)");
    let out = String::from_utf8_lossy(&curl.stdout);
    assert!(
        out.starts_with("407"),
        "curl reports the proxy's 407: {out}"
    );
}

#[tokio::test]
async fn code_pages_link_their_live_endpoint() {
    let body = crate::support::body_text(crate::support::get("/http/407").await).await;
    assert!(
        body.contains("curl -i http://statusatlas.test/status/407"),
        "a ready curl line"
    );
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish() {
    use tokio::io::AsyncBufReadExt;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The access log at debug level says when a request reaches the router,
    // so the signal is sent while it is surely in flight.
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server starts"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Keep reading the log so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = log.next_line().await {} });
    // A dribbled body: once its headers have arrived the request is surely
    // in flight, and its body takes another 1.5 s.
    let response = client()
        .get(
            format!("{base}/status/200?fault=dribble&delay=1500ms")
                .parse()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let pid = child.id().unwrap().to_string();
    // The shell's kill builtin: no program beyond a POSIX shell is needed.
    let kill = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    assert!(kill.success());
    // New connections are refused while the old request finishes.
    let mut refused = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the listener closes on SIGTERM");
    let body = response.into_body().collect().await;
    assert!(
        body.is_ok_and(|b| !b.to_bytes().is_empty()),
        "the request in flight completes"
    );
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("the server stops")
        .unwrap();
    assert!(status.success(), "a clean exit after SIGTERM: {status}");
}

#[tokio::test]
async fn status_lines_carry_the_registered_phrases() {
    let base = start(LiveConfig::default()).await;
    for (code, phrase) in [
        (413, "Content Too Large"),
        (422, "Unprocessable Content"),
        (520, "Web Server Returned an Unknown Error"),
    ] {
        let response = client()
            .get(format!("{base}/status/{code}").parse().unwrap())
            .await
            .unwrap();
        // hyper keeps a reason phrase that differs from its own table as an extension.
        let reason = response
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned());
        assert_eq!(reason.as_deref(), Some(phrase), "{code}");
    }
}
