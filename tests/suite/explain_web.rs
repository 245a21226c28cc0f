//! The web faces of explain: the `/explain` form page and
//! `POST /api/v1/explain`, through the real router and with curl against a
//! real server; the body limits of the route groups.

use crate::support::{body_text, get, header, send};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use statusatlas::explain::MAX_INPUT_BYTES;
use statusatlas::web::layers::{BODY_LIMIT, EXPLAIN_BODY_LIMIT};

/// A `curl -v` dump through a proxy that wants credentials, then the
/// origin's answer.
const PROXY_THEN_ORIGIN: &str = "*   Trying 10.4.5.3:8080...
* Connected to proxy.example.test (10.4.5.3) port 8080
> CONNECT shop.example.test:443 HTTP/1.1
> Host: shop.example.test:443
>
< HTTP/1.1 407 Proxy Authentication Required
< Proxy-Authenticate: Basic realm=\"corp\"
< Content-Length: 0
<
* Ignoring the response-body
> CONNECT shop.example.test:443 HTTP/1.1
> Proxy-Authorization: Basic dXNlcjpwYXNz
>
< HTTP/1.1 200 Connection established
<
> GET /cart HTTP/2
> Host: shop.example.test
>
< HTTP/2 200
< content-type: text/html
";

fn form(text: &[u8]) -> Vec<u8> {
    let mut body = b"text=".to_vec();
    body.extend(
        percent_encoding::percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .into_bytes(),
    );
    body
}

async fn post(path: &str, content_type: &str, body: Vec<u8>) -> axum::http::Response<Body> {
    send(
        Request::post(path)
            .header("content-type", content_type)
            .header("content-length", body.len())
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn post_form(text: &[u8]) -> (StatusCode, String) {
    let r = post("/explain", "application/x-www-form-urlencoded", form(text)).await;
    let status = r.status();
    (status, body_text(r).await)
}

/// The 1-based line of `text` that starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines().position(|l| l.starts_with(prefix)).unwrap() + 1
}

#[tokio::test]
async fn the_page_is_a_form_that_posts_text_without_script() {
    let r = get("/explain").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let page = body_text(r).await;
    assert!(page.contains(r#"<form class="explain" action="/explain" method="post">"#));
    assert!(page.contains(r#"<textarea id="text" name="text""#));
    assert!(page.contains(r#"<a href="/explain" aria-current="page">Explain</a>"#));
    // Other pages link to it from the header.
    let home = body_text(get("/").await).await;
    assert!(home.contains(r#"<a href="/explain">Explain</a>"#));
}

#[tokio::test]
async fn a_posted_transcript_shows_every_finding_and_the_diagnosis() {
    let (status, page) = post_form(PROXY_THEN_ORIGIN.as_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    let l407 = line_of(PROXY_THEN_ORIGIN, "< HTTP/1.1 407");
    let l200 = line_of(PROXY_THEN_ORIGIN, "< HTTP/2 200");
    let first = page
        .find(&format!("line {l407}</span>"))
        .expect("the 407 finding");
    let second = page
        .find(&format!("line {l200}</span>"))
        .expect("the final 200 finding");
    assert!(first < second, "findings in order");
    assert!(page.contains(r#"<a href="/http/407"><span class="code">HTTP 407</span> <span class="phrase">Proxy Authentication Required</span></a>"#));
    assert!(
        page.contains("<pre class=\"line\">&#60; HTTP/1.1 407 Proxy Authentication Required</pre>")
    );
    let meaning_407 = statusatlas::catalog::catalog()
        .get(statusatlas::catalog::Protocol::Http, "407")
        .unwrap()
        .summary
        .clone();
    assert!(page.contains(&askama_escape(&meaning_407)), "{page}");
    assert!(page.contains("From: the proxy, answering CONNECT shop.example.test:443"));
    // The diagnosis: the origin's 200 is the outcome, the 407 came before.
    let diagnosis = &page[page
        .find("id=\"diagnosis\">Diagnosis</h2>")
        .expect("a diagnosis")..];
    assert!(diagnosis.contains(&format!(
        "<dt>Final outcome</dt><dd>HTTP 200 OK (line {l200})</dd>"
    )));
    assert!(diagnosis.contains("<dt>Transient or permanent</dt><dd>success</dd>"));
    assert!(diagnosis.contains(&format!("HTTP 407 (line {l407})")));
}

/// What askama's HTML escaping makes of `s` (the characters it escapes).
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn a_failure_says_transient_or_permanent_and_which_hop() {
    let bounce = "Reporting-MTA: dns; mx.sender.example.test\n\nFinal-Recipient: rfc822; ana@dest.example.test\nAction: failed\nStatus: 5.7.26\nRemote-MTA: dns; mx1.dest.example.test\nDiagnostic-Code: smtp; 550 5.7.26 Unauthenticated email is not accepted\n";
    let (status, page) = post_form(bounce.as_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<dt>Transient or permanent</dt><dd>a permanent failure"),
        "{page}"
    );
    assert!(page.contains("<dt>Produced by</dt><dd>"), "{page}");
    assert!(page.contains("mx1.dest.example.test"), "{page}");
}

#[tokio::test]
async fn hostile_text_comes_back_escaped() {
    let text = "<script>alert(1)</script>\n< HTTP/1.1 404 <img src=x onerror=alert(2)>\n";
    let (status, page) = post_form(text.as_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(page.contains("&#60;img src=x onerror=alert(2)&#62;"));
    // In an error message too.
    let har = "{\"log\": <script>alert(3)</script>";
    let (status, page) = post_form(har.as_bytes()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!page.contains("<script>alert(3)"), "{page}");
}

#[tokio::test]
async fn bad_input_gets_the_page_again_with_a_message_and_a_4xx() {
    for (text, status, words) in [
        (
            b"   \n".to_vec(),
            StatusCode::BAD_REQUEST,
            "the text is empty",
        ),
        (
            b"ab\x00\x01cd".to_vec(),
            StatusCode::BAD_REQUEST,
            "binary data",
        ),
        (
            b"HTTP/1.1 200 OK\n\xff\xfe".to_vec(),
            StatusCode::BAD_REQUEST,
            "not valid UTF-8",
        ),
        (
            b"{\"log\": [".to_vec(),
            StatusCode::BAD_REQUEST,
            "not valid JSON",
        ),
        (
            vec![b'a'; MAX_INPUT_BYTES + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "the limit is 1048576 bytes",
        ),
    ] {
        let (got, page) = post_form(&text).await;
        assert_eq!(got, status, "{words}");
        assert!(
            page.contains(r#"<p class="note error" role="alert">"#),
            "{words}"
        );
        assert!(page.contains(words), "{words}: {page}");
        assert!(
            page.contains(r#"<textarea id="text" name="text""#),
            "{words}"
        );
    }
    // A form body over the route's limit: the page again, 413.
    let r = post(
        "/explain",
        "application/x-www-form-urlencoded",
        vec![b'a'; EXPLAIN_BODY_LIMIT + 1],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = body_text(r).await;
    assert!(
        page.contains(r#"<p class="note error" role="alert">"#),
        "{page}"
    );
    assert!(
        page.contains(&format!("larger than the {EXPLAIN_BODY_LIMIT} bytes")),
        "{page}"
    );
    assert!(page.contains(r#"<textarea id="text" name="text""#));
    // No field at all is empty text.
    let r = post(
        "/explain",
        "application/x-www-form-urlencoded",
        b"other=1".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Not a form.
    let r = post("/explain", "text/plain", b"HTTP/1.1 200 OK".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn the_api_takes_plain_text_and_json() {
    let check = |x: serde_json::Value| {
        let f = x["findings"].as_array().unwrap();
        assert_eq!(f.len(), 3, "{x}");
        let keys: Vec<(u64, &str)> = f
            .iter()
            .map(|f| (f["line"].as_u64().unwrap(), f["code"].as_str().unwrap()))
            .collect();
        assert_eq!(
            keys,
            [
                (line_of(PROXY_THEN_ORIGIN, "< HTTP/1.1 407") as u64, "407"),
                (line_of(PROXY_THEN_ORIGIN, "< HTTP/1.1 200") as u64, "200"),
                (line_of(PROXY_THEN_ORIGIN, "< HTTP/2 200") as u64, "200"),
            ]
        );
        assert_eq!(f[0]["link"], "/http/407");
        assert_eq!(f[0]["protocol"], "http");
        assert_eq!(x["summary"]["outcome"]["code"], "200");
        assert_eq!(x["summary"]["outcome"]["verdict"], "success");
    };
    let r = post(
        "/api/v1/explain",
        "text/plain; charset=utf-8",
        PROXY_THEN_ORIGIN.into(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "application/json");
    check(serde_json::from_str(&body_text(r).await).unwrap());
    let body = serde_json::to_vec(&serde_json::json!({ "text": PROXY_THEN_ORIGIN })).unwrap();
    let r = post("/api/v1/explain", "application/json", body).await;
    assert_eq!(r.status(), StatusCode::OK);
    check(serde_json::from_str(&body_text(r).await).unwrap());
}

async fn api_error(content_type: &str, body: Vec<u8>) -> (StatusCode, String) {
    let r = post("/api/v1/explain", content_type, body).await;
    let status = r.status();
    assert_eq!(header(&r, "content-type"), "application/json");
    let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
    (status, v["error"]["code"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn the_api_refuses_bad_input_in_its_error_shape() {
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "text/plain",
            b" ".to_vec(),
            StatusCode::BAD_REQUEST,
            "empty",
        ),
        (
            "text/plain",
            b"a\x00".to_vec(),
            StatusCode::BAD_REQUEST,
            "binary",
        ),
        (
            "text/plain",
            b"a\xff".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_utf8",
        ),
        (
            "text/plain",
            b"{\"log\": x".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_har",
        ),
        (
            "text/plain",
            vec![b'a'; MAX_INPUT_BYTES + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            "text/plain",
            vec![b'a'; EXPLAIN_BODY_LIMIT + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            "application/json",
            b"{\"text\": 5}".to_vec(),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "application/json",
            b"{}".to_vec(),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "application/json",
            b"{\"text\": \"x\", \"more\": 1}".to_vec(),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "application/json",
            b"{\"text\": \"\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "empty",
        ),
        (
            "image/png",
            b"HTTP/1.1 200 OK".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "application/x-www-form-urlencoded",
            b"text=x".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "text/plain; charset=latin1",
            b"HTTP/1.1 200 OK".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (content_type, body, status, code) in cases {
        assert_eq!(
            api_error(content_type, body).await,
            (status, code.to_string()),
            "{content_type}"
        );
    }
    // Without any Content-Type.
    let r = send(
        Request::post("/api/v1/explain")
            .body(Body::from("HTTP/1.1 200 OK"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

/// Other groups keep the 16 KiB limit, answered in their own error format
/// (on routes that take any method: elsewhere a POST is a 405 first).
#[tokio::test]
async fn other_groups_keep_the_small_body_limit_in_their_error_format() {
    let big = vec![b'a'; BODY_LIMIT + 1];
    let r = post("/api/v1/no-such-route", "text/plain", big.clone()).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(header(&r, "content-type"), "application/json");
    let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
    assert_eq!(v["error"]["code"], "too_large");
    let r = post("/status/200", "text/plain", big.clone()).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(header(&r, "content-type"), "application/json");
    let r = post("/no-such-page", "text/plain", big.clone()).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(header(&r, "content-type").starts_with("text/html"));
    // A body that declares no length stops at the limit as it is read.
    let r = send(
        Request::post("/api/v1/explain")
            .header("content-type", "text/plain")
            .body(Body::from(vec![b'a'; EXPLAIN_BODY_LIMIT + 1]))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Within the explain limit, the explain routes read it.
    let r = post("/api/v1/explain", "text/plain", big).await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// A real client: curl posts a file as it is (`--data-binary @file`) to a
/// running server, as plain text and as a form.
#[test]
#[ignore = "needs curl; scripts/test.sh runs it"]
fn curl_posts_a_transcript_file() {
    let server = crate::explain::Server::start();
    let dir = std::env::temp_dir().join(format!("statusatlas-explain-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("transcript.txt");
    std::fs::write(&file, PROXY_THEN_ORIGIN).unwrap();
    let curl = |args: &[&str]| {
        let out = std::process::Command::new("curl")
            .args(args)
            .output()
            .expect("curl runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let url = format!("{}/api/v1/explain", server.base);
    let at = format!("@{}", file.display());
    let json = curl(&[
        "-sS",
        "-H",
        "Content-Type: text/plain",
        "--data-binary",
        &at,
        &url,
    ]);
    let x: serde_json::Value = serde_json::from_str(&json).unwrap();
    let codes: Vec<&str> = x["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["407", "200", "200"], "{json}");
    assert_eq!(x["summary"]["outcome"]["verdict"], "success");
    // The form, as a browser without script sends it.
    let page = curl(&[
        "-sS",
        "--data-urlencode",
        &format!("text@{}", file.display()),
        &format!("{}/explain", server.base),
    ]);
    assert!(page.contains(r#"<a href="/http/407">"#), "{page}");
    assert!(page.contains("id=\"diagnosis\">Diagnosis</h2>"), "{page}");
    // Over the limit: curl sees the 413.
    let big = dir.join("big.txt");
    std::fs::write(&big, vec![b'a'; EXPLAIN_BODY_LIMIT + 1]).unwrap();
    let status = curl(&[
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-H",
        "Content-Type: text/plain",
        "--data-binary",
        &format!("@{}", big.display()),
        &url,
    ]);
    assert_eq!(status, "413");
    let _ = std::fs::remove_dir_all(&dir);
}
