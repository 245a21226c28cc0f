//! The HTTP flows of the live endpoints: echo, redirect chains, auth
//! challenges, proxy authentication, conditional and range requests,
//! Retry-After, uploads with 100-continue, negotiation, 414 and 431.
//! In-process through the router where the router decides; on a real
//! server over raw TCP where hyper and the connection layer decide (100
//! Continue, Connection: close, hyper's own 431); and, in the tests marked
//! ignored, with curl, Python requests and httpx.

use crate::support::{BASE, body_text, header, send};
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, Version};
use axum_extra::headers::{Authorization, HeaderMapExt};
use statusatlas::web::live::{LiveConfig, conditional, flows, range, retry};
use statusatlas::web::{AppState, router, serve};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn request(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(uri)
}

async fn go(builder: axum::http::request::Builder, body: &str) -> Response<Body> {
    send(builder.body(Body::from(body.to_string())).unwrap()).await
}

fn basic(user: &str, password: &str) -> HeaderValue {
    let mut map = axum::http::HeaderMap::new();
    map.typed_insert(Authorization::basic(user, password));
    map.get("authorization").unwrap().clone()
}

async fn json(response: Response<Body>) -> serde_json::Value {
    serde_json::from_str(&body_text(response).await).unwrap()
}

#[tokio::test]
async fn echo_describes_the_request_as_received() {
    let r = go(
        request("PATCH", "/echo?a=1&b=two%20words&a=3").header("x-trace", "abc"),
        "payload",
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/json");
    assert!(header(&r, "content-security-policy").starts_with("sandbox"));
    let v = json(r).await;
    assert_eq!(v["method"], "PATCH");
    assert_eq!(v["path"], "/echo");
    assert_eq!(v["query"], "a=1&b=two%20words&a=3");
    assert_eq!(
        v["args"],
        serde_json::json!([["a", "1"], ["b", "two words"], ["a", "3"]])
    );
    assert!(
        v["headers"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["x-trace", "abc"]))
    );
    assert_eq!(v["body"], "payload");
    assert_eq!(v["body_bytes"], 7);

    let binary = send(
        request("POST", "/echo")
            .body(Body::from(vec![0xff_u8, 0xfe, 0x00]))
            .unwrap(),
    )
    .await;
    let v = json(binary).await;
    assert_eq!(
        (v["body"].is_null(), v["body_bytes"].as_u64()),
        (true, Some(3))
    );

    let big = go(request("POST", "/echo"), &"x".repeat(20_000)).await;
    assert_eq!(big.status(), 413, "echo bodies are size-capped");
}

/// Follows `Location` from `uri` the way a client would, returning every
/// status seen and the final answer.
async fn follow(uri: &str, method: &str) -> (Vec<u16>, Response<Body>) {
    let mut seen = Vec::new();
    let mut next = uri.to_string();
    for _ in 0..30 {
        let r = go(request(method, &next), "").await;
        if !r.status().is_redirection() {
            return (seen, r);
        }
        seen.push(r.status().as_u16());
        let location = header(&r, "location").to_string();
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{location} stays on this site"
        );
        next = location;
    }
    panic!("more than 30 redirects from {uri}");
}

#[tokio::test]
async fn redirect_chains_end_where_asked_on_this_site() {
    for code in [301, 302, 303, 307, 308] {
        let (seen, last) = follow(&format!("/redirect/{code}?n=3"), "GET").await;
        assert_eq!(seen, vec![code; 3], "three {code} hops");
        assert_eq!(last.status(), 200);
        assert_eq!(json(last).await["path"], "/echo", "ends at /echo");
    }
    let (seen, last) = follow("/redirect/302?to=%2Fstatus%2F418", "GET").await;
    assert_eq!((seen, last.status().as_u16()), (vec![302], 418));
    let r = go(request("GET", "/redirect/308/loop"), "").await;
    assert_eq!(r.status(), 308);
    assert_eq!(header(&r, "location"), "/redirect/308/loop");
    for bad in [
        "/redirect/305",
        "/redirect/300",
        "/redirect/abc",
        "/redirect/301?n=0",
        "/redirect/301?n=21",
        "/redirect/301?to=%2F%2Fevil.example%2F",
        "/redirect/301?to=https%3A%2F%2Fevil.example%2F",
        "/redirect/301?to=%2F%5Cevil.example",
        "/redirect/301?to=echo",
        "/redirect/305/loop",
    ] {
        let r = go(request("GET", bad), "").await;
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(header(&r, "location"), "", "{bad}");
    }
}

#[tokio::test]
async fn basic_and_bearer_challenges_until_the_right_credentials() {
    let path = "/auth/basic/alice/s%C3%A9same";
    let r = go(request("GET", path), "").await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        header(&r, "www-authenticate"),
        "Basic realm=\"statusatlas\", charset=\"UTF-8\""
    );
    for wrong in [
        basic("alice", "wrong"),
        basic("bob", "sésame"),
        HeaderValue::from_bytes("Bearer sésame".as_bytes()).unwrap(),
        HeaderValue::from_static("Basic !!!not-base64"),
    ] {
        let r = go(
            request("GET", path).header("authorization", wrong.clone()),
            "",
        )
        .await;
        assert_eq!(r.status(), 401, "{wrong:?}");
        assert!(header(&r, "www-authenticate").starts_with("Basic "));
    }
    let r = go(
        request("GET", path).header("authorization", basic("alice", "sésame")),
        "",
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(json(r).await["user"], "alice");
    // The scheme name is case-insensitive (RFC 9110, Section 11.1).
    let lower = basic("alice", "sésame")
        .to_str()
        .unwrap()
        .replace("Basic", "basic");
    let r = go(request("GET", path).header("authorization", lower), "").await;
    assert_eq!(r.status(), 200);

    let r = go(request("GET", "/auth/bearer/t0ken"), "").await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "www-authenticate")),
        (401, "Bearer realm=\"statusatlas\"")
    );
    let r = go(
        request("GET", "/auth/bearer/t0ken").header("authorization", "Bearer other"),
        "",
    )
    .await;
    assert_eq!(r.status(), 401);
    assert!(header(&r, "www-authenticate").contains("error=\"invalid_token\""));
    let r = go(
        request("GET", "/auth/bearer/t0ken").header("authorization", "Bearer t0ken"),
        "",
    )
    .await;
    assert_eq!(r.status(), 200);

    let r = go(request("GET", "/auth/forbidden"), "").await;
    assert_eq!(r.status(), 401, "no credentials: who are you?");
    let r = go(
        request("GET", "/auth/forbidden").header("authorization", basic("someone", "else")),
        "",
    )
    .await;
    assert_eq!(r.status(), 401, "wrong credentials stay 401");
    let r = go(
        request("GET", "/auth/forbidden")
            .header("authorization", basic("statusatlas", "live-test")),
        "",
    )
    .await;
    assert_eq!(r.status(), 403, "known and refused");
    assert_eq!(header(&r, "www-authenticate"), "");
}

#[tokio::test]
async fn proxy_requests_get_407_until_the_test_credentials_and_go_nowhere() {
    let r = go(request("GET", "http://example.test/some/page"), "").await;
    assert_eq!(r.status(), 407);
    assert_eq!(
        header(&r, "proxy-authenticate"),
        "Basic realm=\"statusatlas proxy\", charset=\"UTF-8\""
    );
    let r = go(
        request("GET", "http://example.test/some/page")
            .header("proxy-authorization", basic("statusatlas", "wrong")),
        "",
    )
    .await;
    assert_eq!(r.status(), 407);
    let r = go(
        request("POST", "http://example.test/some/page?x=%3Cb%3E")
            .header("proxy-authorization", basic("statusatlas", "live-test"))
            .header("accept", "text/html"),
        "",
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-security-policy").starts_with("sandbox"));
    let page = body_text(r).await;
    assert!(
        page.contains("nothing was sent to http://example.test/some/page"),
        "{page}"
    );
    assert!(!page.contains("<b>"), "the target is escaped");

    let connect = || request("CONNECT", "example.test:443");
    let r = go(connect(), "").await;
    assert_eq!(r.status(), 407);
    let r = go(
        connect().header("proxy-authorization", basic("statusatlas", "live-test")),
        "",
    )
    .await;
    assert_eq!(r.status(), 403, "a refused tunnel");
    assert!(
        json(r).await["message"]
            .as_str()
            .unwrap()
            .contains("tunnel")
    );

    // This server's own origin in absolute form is an ordinary request
    // (RFC 9112, Section 3.2.2), and so is anything over HTTP/2.
    let r = go(request("GET", &format!("{BASE}/http/407")), "").await;
    assert_eq!(r.status(), 200);
    let r = send(
        request("GET", "http://example.test/http/407")
            .version(Version::HTTP_2)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn conditional_requests_answer_304_412_and_428() {
    let r = go(request("GET", "/cache/etag"), "").await;
    assert_eq!(r.status(), 200);
    let tag = header(&r, "etag").to_string();
    let modified = header(&r, "last-modified").to_string();
    assert_eq!(tag, conditional::etag_value());
    assert!(tag.starts_with('"') && tag.ends_with('"'), "a strong tag");
    assert!(modified.ends_with(" GMT"), "an HTTP-date: {modified}");
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert_eq!(body_text(r).await, conditional::REPRESENTATION);

    let check = |method: &'static str, field: &'static str, value: String, want: u16| {
        let tag = tag.clone();
        async move {
            let r = go(
                request(method, "/cache/etag").header(field, value.as_str()),
                "x",
            )
            .await;
            assert_eq!(r.status(), want, "{method} {field}: {value}");
            if want == 304 {
                assert_eq!(header(&r, "etag"), tag, "a 304 carries the tag");
                assert_eq!(body_text(r).await, "", "and no body");
            }
        }
    };
    check("GET", "if-none-match", tag.clone(), 304).await;
    check("HEAD", "if-none-match", tag.clone(), 304).await;
    check("GET", "if-none-match", format!("W/{tag}"), 304).await;
    check("GET", "if-none-match", format!("\"other\", {tag}"), 304).await;
    check("GET", "if-none-match", "\"other\"".into(), 200).await;
    check("GET", "if-modified-since", modified.clone(), 304).await;
    check(
        "GET",
        "if-modified-since",
        "Sat, 01 Jan 2000 00:00:00 GMT".into(),
        200,
    )
    .await;
    check("GET", "if-match", "\"stale\"".into(), 412).await;
    check("GET", "if-match", tag.clone(), 200).await;
    check("GET", "if-match", format!("W/{tag}"), 412).await;
    check(
        "GET",
        "if-unmodified-since",
        "Sat, 01 Jan 2000 00:00:00 GMT".into(),
        412,
    )
    .await;
    check("PUT", "if-match", "\"stale\"".into(), 412).await;
    check("PUT", "if-match", tag.clone(), 204).await;
    check("PUT", "if-match", "*".into(), 204).await;
    check("PUT", "if-none-match", "*".into(), 412).await;
    check("PUT", "if-unmodified-since", modified.clone(), 204).await;
    let r = go(request("PUT", "/cache/etag"), "x").await;
    assert_eq!(r.status(), 428, "an unconditional PUT");
    // If-None-Match takes precedence over If-Modified-Since.
    let r = go(
        request("GET", "/cache/etag")
            .header("if-none-match", "\"other\"")
            .header("if-modified-since", modified.as_str()),
        "",
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = go(request("DELETE", "/cache/etag"), "").await;
    assert_eq!(r.status(), 405);
    let allow = header(&r, "allow").to_string();
    for m in ["GET", "HEAD", "PUT"] {
        assert!(allow.contains(m), "Allow: {allow}");
    }
}

#[test]
fn range_sets_are_read_to_the_letter() {
    use range::{Selection, select};
    assert_eq!(select("bytes=0-9", 100), Selection::Ranges(vec![(0, 9)]));
    assert_eq!(select("bytes=90-", 100), Selection::Ranges(vec![(90, 99)]));
    assert_eq!(
        select("bytes=90-500", 100),
        Selection::Ranges(vec![(90, 99)])
    );
    assert_eq!(select("bytes=-5", 100), Selection::Ranges(vec![(95, 99)]));
    assert_eq!(select("bytes=-500", 100), Selection::Ranges(vec![(0, 99)]));
    assert_eq!(
        select("BYTES = 1-1 , ,3-4", 100),
        Selection::Ranges(vec![(1, 1), (3, 4)])
    );
    assert_eq!(select("bytes=100-", 100), Selection::Unsatisfiable);
    assert_eq!(select("bytes=-0", 100), Selection::Unsatisfiable);
    assert_eq!(select("bytes=0-0", 0), Selection::Unsatisfiable);
    assert_eq!(select("bytes=200-300,100-", 100), Selection::Unsatisfiable);
    assert_eq!(
        select("bytes=99999999999999999999999-", 100),
        Selection::Unsatisfiable
    );
    // Invalid syntax, another unit, a reversed range, too many ranges, or
    // more than twice the representation: the field is ignored.
    for ignored in [
        "bytes=abc",
        "bytes=5-2",
        "bytes=1-2,x",
        "items=0-1",
        "bytes 0-1",
        "bytes=",
        "bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19,20-21,22-23,24-25,26-27,28-29,30-31,32-33",
        "bytes=0-,0-,0-",
    ] {
        assert_eq!(select(ignored, 100), Selection::Whole, "{ignored}");
    }
}

#[tokio::test]
async fn ranges_give_206_multipart_and_416() {
    let whole = range::representation(100);
    let r = go(request("GET", "/range/100"), "").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "accept-ranges"), "bytes");
    let tag = header(&r, "etag").to_string();
    assert_eq!(crate::support::body_bytes(r).await, whole);

    let r = go(
        request("GET", "/range/100").header("range", "bytes=10-19"),
        "",
    )
    .await;
    assert_eq!(r.status(), 206);
    assert_eq!(header(&r, "content-range"), "bytes 10-19/100");
    assert_eq!(crate::support::body_bytes(r).await, &whole[10..20]);

    let r = go(
        request("GET", "/range/100").header("range", "bytes=0-1,50-52,-3"),
        "",
    )
    .await;
    assert_eq!(r.status(), 206);
    let content_type = header(&r, "content-type").to_string();
    assert!(content_type.starts_with("multipart/byteranges; boundary="));
    let body = crate::support::body_bytes(r).await;
    // Read by a MIME parser, as a client would.
    let mut message = format!("Content-Type: {content_type}\r\n\r\n").into_bytes();
    message.extend_from_slice(&body);
    let parsed = mail_parser::MessageParser::default()
        .parse(&message)
        .unwrap();
    let parts: Vec<(String, Vec<u8>)> = parsed
        .parts
        .iter()
        .skip(1)
        .map(|p| {
            let range = p
                .headers
                .iter()
                .find(|h| h.name.as_str().eq_ignore_ascii_case("content-range"))
                .and_then(|h| h.value.as_text().map(str::to_string))
                .unwrap();
            (range, p.contents().to_vec())
        })
        .collect();
    assert_eq!(
        parts,
        vec![
            ("bytes 0-1/100".to_string(), whole[0..2].to_vec()),
            ("bytes 50-52/100".to_string(), whole[50..53].to_vec()),
            ("bytes 97-99/100".to_string(), whole[97..100].to_vec()),
        ]
    );

    let r = go(
        request("GET", "/range/100").header("range", "bytes=500-600"),
        "",
    )
    .await;
    assert_eq!(r.status(), 416);
    assert_eq!(header(&r, "content-range"), "bytes */100");

    let r = go(
        request("GET", "/range/100")
            .header("range", "bytes=0-4")
            .header("if-range", "\"stale\""),
        "",
    )
    .await;
    assert_eq!(r.status(), 200, "If-Range with another tag sends the whole");
    // A value that is neither an entity tag nor an HTTP-date is a false
    // condition too: the whole, never the range.
    for odd in [
        "*",
        "range-100",
        "\"a\", \"b\"",
        "Tue, 01 Dec 2026 01:53:36 +0000",
    ] {
        let r = go(
            request("GET", "/range/100")
                .header("range", "bytes=0-4")
                .header("if-range", odd),
            "",
        )
        .await;
        assert_eq!(r.status(), 200, "If-Range: {odd}");
    }
    let r = go(
        request("GET", "/range/100")
            .header("range", "bytes=0-4")
            .header("if-range", tag.as_str()),
        "",
    )
    .await;
    assert_eq!(r.status(), 206);

    for bad in ["/range/102401", "/range/-1", "/range/ten"] {
        assert_eq!(go(request("GET", bad), "").await.status(), 400, "{bad}");
    }
    let r = go(request("POST", "/range/10"), "").await;
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn retry_answers_retry_after_until_the_wait_is_over() {
    let app = router(Arc::new(AppState::new(BASE)));
    let call = |uri: &str| {
        let app = app.clone();
        let uri = uri.to_string();
        async move {
            use tower::ServiceExt;
            app.oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap()
        }
    };
    let started = Instant::now();
    let r = call("/retry/429?after=1&id=flow-a").await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after"), "1");
    let r = call("/retry/503?after=1&id=flow-a").await;
    assert_eq!(r.status(), 503, "each code is a flow of its own");
    let r = call("/retry/429?after=1&id=flow-a").await;
    assert_eq!(r.status(), 429, "still waiting");
    tokio::time::sleep(Duration::from_millis(1100).saturating_sub(started.elapsed())).await;
    let r = call("/retry/429?after=1&id=flow-a").await;
    assert_eq!(r.status(), 200, "the wait is over");
    let r = call("/retry/429?after=1&id=flow-a").await;
    assert_eq!(r.status(), 429, "a finished flow starts again");
    for bad in [
        "/retry/500",
        "/retry/429?after=121",
        "/retry/429?after=soon",
        "/retry/429?id=%3Cscript%3E",
    ] {
        let r = call(bad).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
}

#[test]
fn the_retry_table_stays_bounded() {
    let flows = retry::Flows::default();
    let now = Instant::now();
    let client: std::net::IpAddr = "192.0.2.1".parse().unwrap();
    for i in 0..retry::MAX_FLOWS + 50 {
        let left = flows.remaining(
            (client, 429, 60, format!("id-{i}")),
            Duration::from_secs(60),
            now + Duration::from_millis(i as u64),
        );
        assert!(!left.is_zero());
    }
    assert_eq!(flows.len(), retry::MAX_FLOWS);
}

#[tokio::test]
async fn uploads_refuse_before_the_body_in_process() {
    let r = go(request("POST", "/upload"), "hello").await;
    assert_eq!(r.status(), 201);
    let v = json(r).await;
    assert_eq!(
        (v["received_bytes"].as_u64(), v["expect_continue"].as_bool()),
        (Some(5), Some(false))
    );
    let r = go(
        request("PUT", "/upload").header("expect", "something-else"),
        "hello",
    )
    .await;
    assert_eq!(r.status(), 417);
    assert_eq!(header(&r, "connection"), "close");
    let r = go(
        request("POST", "/upload?limit=4").header("content-length", "5"),
        "hello",
    )
    .await;
    assert_eq!(r.status(), 413);
    assert_eq!(header(&r, "connection"), "close");
    let r = go(request("POST", "/upload?limit=4"), "hello").await;
    assert_eq!(
        r.status(),
        413,
        "a body without a declared length, over the limit"
    );
    for bad in ["/upload?limit=x", "/upload?limit=1048577"] {
        assert_eq!(go(request("POST", bad), "").await.status(), 400, "{bad}");
    }
    let r = go(request("GET", "/upload"), "").await;
    assert_eq!(r.status(), 405);
    assert!(header(&r, "allow").contains("POST"));
}

#[tokio::test]
async fn negotiation_answers_406_and_415() {
    let r = go(
        request("GET", "/negotiate").header("accept", "image/png"),
        "",
    )
    .await;
    assert_eq!(r.status(), 406);
    assert!(
        body_text(r)
            .await
            .contains("text/plain, application/json and text/html")
    );
    let r = go(
        request("GET", "/negotiate").header(
            "accept",
            "text/plain;q=0, application/json;q=0.5, text/html;q=0.4",
        ),
        "",
    )
    .await;
    assert_eq!(header(&r, "content-type"), "application/json");
    assert_eq!(header(&r, "vary"), "accept");
    let r = go(request("GET", "/negotiate").header("accept", "*/*;q=0"), "").await;
    assert_eq!(r.status(), 406);
    let r = go(request("GET", "/negotiate"), "").await;
    assert_eq!(header(&r, "content-type"), "text/plain; charset=utf-8");

    let r = go(
        request("POST", "/negotiate").header("content-type", "application/xml"),
        "<a/>",
    )
    .await;
    assert_eq!(r.status(), 415);
    assert_eq!(header(&r, "accept-post"), "application/json, text/plain");
    let r = go(request("POST", "/negotiate"), "no type").await;
    assert_eq!(r.status(), 415);
    let r = go(
        request("POST", "/negotiate")
            .header("content-type", "application/json")
            .header("content-encoding", "gzip"),
        "{}",
    )
    .await;
    assert_eq!(r.status(), 415);
    assert_eq!(header(&r, "accept-encoding"), "identity");
    let r = go(
        request("PUT", "/negotiate").header("content-type", "Application/JSON; charset=utf-8"),
        "{\"a\": [1, 2]}",
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(json(r).await["json"]["a"][1], 2);
    let r = go(
        request("POST", "/negotiate").header("content-type", "application/json"),
        "{not json",
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = go(request("PATCH", "/negotiate"), "").await;
    assert_eq!(r.status(), 405);
    assert!(header(&r, "allow").contains("POST"));
}

#[tokio::test]
async fn long_targets_get_414_and_large_heads_431() {
    let r = go(request("GET", &format!("/echo?q={}", "a".repeat(3000))), "").await;
    assert_eq!(r.status(), 414);
    let r = go(
        request("GET", "/echo").header("x-big", "a".repeat(9000)),
        "",
    )
    .await;
    assert_eq!(r.status(), 431);
    assert_eq!(json(r).await["error"]["code"], "header_too_large");
    let mut many = request("GET", "/http/407");
    for i in 0..8 {
        many = many.header(format!("x-part-{i}"), "b".repeat(5000));
    }
    let r = go(many, "").await;
    assert_eq!(r.status(), 431, "a page group answers 431 too");
    assert!(header(&r, "content-type").starts_with("text/html"));
    let r = go(
        request("GET", "/echo").header("x-fine", "a".repeat(7000)),
        "",
    )
    .await;
    assert_eq!(r.status(), 200);
}

/// A real server on loopback, for what only a connection shows.
async fn start() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(Arc::new(AppState::with_live(
        &format!("http://{addr}"),
        LiveConfig::default(),
    )));
    tokio::spawn(serve(listener, app, std::future::pending()));
    addr
}

/// Reads from `stream` until `needle` has arrived (or 5 s pass).
async fn read_until(stream: &mut tokio::net::TcpStream, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(5);
    while !String::from_utf8_lossy(&seen).contains(needle) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => panic!("{e}"),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[tokio::test]
async fn expect_100_continue_comes_only_after_the_checks() {
    let addr = start().await;
    // Accepted: 100 Continue arrives before any body byte is sent.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    )
    .await
    .unwrap();
    let interim = read_until(&mut s, "\r\n\r\n").await;
    assert!(
        interim.starts_with("HTTP/1.1 100 Continue\r\n"),
        "{interim}"
    );
    s.write_all(b"hello").await.unwrap();
    let answer = read_until(&mut s, "}").await;
    assert!(answer.starts_with("HTTP/1.1 201 Created\r\n"), "{answer}");
    assert!(answer.contains("\"expect_continue\":true"), "{answer}");

    // Over the limit: 413 first, never a 100, and the connection closes.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /upload?limit=10 HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until(&mut s, "\u{0}never").await;
    assert!(
        answer.starts_with("HTTP/1.1 413 Content Too Large\r\n"),
        "{answer}"
    );
    assert!(!answer.contains("100 Continue"));
    assert!(answer.to_ascii_lowercase().contains("connection: close"));

    // An unknown expectation: 417, before the body.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 200-ok\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until(&mut s, "\u{0}never").await;
    assert!(
        answer.starts_with("HTTP/1.1 417 Expectation Failed\r\n"),
        "{answer}"
    );
}

#[tokio::test]
async fn hyper_refuses_too_many_fields_with_431() {
    let addr = start().await;
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = String::from("GET /echo HTTP/1.1\r\nHost: t\r\n");
    for i in 0..120 {
        head.push_str(&format!("X-F{i}: v\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until(&mut s, "\r\n\r\n").await;
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{answer}"
    );
}

#[tokio::test]
async fn code_pages_show_the_flow_of_their_code() {
    let page = body_text(crate::support::get("/http/407").await).await;
    assert!(page.contains("--proxy-user statusatlas:live-test http://example.test/"));
    let page = body_text(crate::support::get("/http/304").await).await;
    let tag = conditional::etag_value().replace('"', "&#34;");
    assert!(
        page.contains(&format!("If-None-Match: {tag}")),
        "the real tag"
    );
    let page = body_text(crate::support::get("/http/418").await).await;
    assert!(!page.contains("The flow around"), "no flow for 418");
}

/// Every URL a flow shows on a code page reaches a live endpoint (not a
/// 404), so the table cannot point at a route that does not exist.
#[tokio::test]
async fn every_flow_url_reaches_a_live_endpoint() {
    let mut codes: Vec<u16> = flows::FLOWS.iter().map(|(c, _)| *c).collect();
    codes.dedup();
    for code in codes {
        let steps = flows::steps_for(code, BASE);
        assert!(!steps.is_empty(), "{code}");
        for step in steps {
            let Some(start) = step.command.find(&format!("'{BASE}")) else {
                continue;
            };
            let rest = &step.command[start + 1 + BASE.len()..];
            let path = &rest[..rest.find('\'').unwrap()];
            if path.is_empty() {
                // The proxy's own origin (curl --proxy): no path to route.
                continue;
            }
            let method = if step.command.contains("-X PUT") {
                "PUT"
            } else {
                "GET"
            };
            let r = go(request(method, path), "").await;
            assert_ne!(r.status(), 404, "{code}: {}", step.command);
        }
    }
}

/// Runs curl with `args`; returns its exit code, stdout and stderr.
async fn curl(args: &[&str]) -> (i32, String, String) {
    let out = tokio::process::Command::new("curl")
        .arg("-s")
        .args(args)
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .await
        .expect("curl is installed (scripts/test.sh installs it)");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
#[ignore = "needs curl; scripts/test.sh runs it"]
async fn curl_follows_redirects_by_the_method_rules() {
    let base = format!("http://{}", start().await);
    for (code, method, body) in [
        (301, "GET", None),
        (302, "GET", None),
        (303, "GET", None),
        (307, "POST", Some("hello")),
        (308, "POST", Some("hello")),
    ] {
        let (status, out, err) =
            curl(&["-L", "-d", "hello", &format!("{base}/redirect/{code}?n=2")]).await;
        assert_eq!(status, 0, "{err}");
        let echoed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(echoed["method"], method, "curl -L after {code}");
        assert_eq!(
            echoed["body"].as_str(),
            body.or(Some("")),
            "the body after {code}"
        );
    }
    let (status, _, _) = curl(&[
        "-L",
        "--max-redirs",
        "5",
        &format!("{base}/redirect/302/loop"),
    ])
    .await;
    assert_eq!(
        status, 47,
        "curl stops at its redirect limit (CURLE_TOO_MANY_REDIRECTS)"
    );
}

#[tokio::test]
#[ignore = "needs curl; scripts/test.sh runs it"]
async fn curl_answers_auth_and_proxy_challenges() {
    let base = format!("http://{}", start().await);
    let code = |args: Vec<String>| async move {
        let mut all = vec![
            "-o".to_string(),
            "/dev/null".into(),
            "-w".into(),
            "%{http_code}".into(),
        ];
        all.extend(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        curl(&refs).await.1
    };
    let basic = format!("{base}/auth/basic/user/passwd");
    assert_eq!(code(vec![basic.clone()]).await, "401");
    assert_eq!(
        code(vec!["-u".into(), "user:passwd".into(), basic.clone()]).await,
        "200"
    );
    // --anyauth first asks without credentials and answers the challenge.
    assert_eq!(
        code(vec![
            "--anyauth".into(),
            "-u".into(),
            "user:passwd".into(),
            basic.clone()
        ])
        .await,
        "200"
    );
    assert_eq!(
        code(vec!["-u".into(), "user:wrong".into(), basic]).await,
        "401"
    );
    assert_eq!(
        code(vec![
            "--oauth2-bearer".into(),
            "abc".into(),
            format!("{base}/auth/bearer/abc")
        ])
        .await,
        "200"
    );
    assert_eq!(
        code(vec![
            "-u".into(),
            "statusatlas:live-test".into(),
            format!("{base}/auth/forbidden")
        ])
        .await,
        "403"
    );

    let target = "http://example.test/some/page";
    let (_, out, _) = curl(&["-i", "--proxy", &base, target]).await;
    assert!(
        out.starts_with("HTTP/1.1 407 Proxy Authentication Required"),
        "{out}"
    );
    assert!(
        out.contains("proxy-authenticate: Basic realm=\"statusatlas proxy\""),
        "{out}"
    );
    let (_, out, _) = curl(&[
        "-i",
        "--proxy",
        &base,
        "--proxy-user",
        "statusatlas:live-test",
        target,
    ])
    .await;
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert!(
        out.contains("nothing was sent to http://example.test/some/page"),
        "{out}"
    );
    let (_, out, _) = curl(&[
        "-i",
        "--proxy",
        &base,
        "--proxy-anyauth",
        "--proxy-user",
        "statusatlas:live-test",
        target,
    ])
    .await;
    assert!(
        out.contains("HTTP/1.1 200 OK"),
        "--proxy-anyauth answers the 407: {out}"
    );
    // A tunnel (CONNECT): refused, with and without credentials, and never opened.
    let (status, out, _) = curl(&[
        "-p",
        "-o",
        "/dev/null",
        "-w",
        "%{http_connect}",
        "--proxy",
        &base,
        target,
    ])
    .await;
    assert_eq!((status, out.as_str()), (56, "407"));
    let (status, out, _) = curl(&[
        "-p",
        "-o",
        "/dev/null",
        "-w",
        "%{http_connect}",
        "--proxy",
        &base,
        "--proxy-user",
        "statusatlas:live-test",
        target,
    ])
    .await;
    assert_eq!((status, out.as_str()), (56, "403"));
}

#[tokio::test]
#[ignore = "needs curl; scripts/test.sh runs it"]
async fn curl_sends_conditional_and_range_requests() {
    let base = format!("http://{}", start().await);
    let etag_url = format!("{base}/cache/etag");
    let (_, head, _) = curl(&["-D", "-", "-o", "/dev/null", &etag_url]).await;
    let field = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(&format!("{}: ", name.to_ascii_lowercase())))
            .unwrap()
            .trim()
            .to_string()
    };
    let (tag, modified) = (field("ETag"), field("Last-Modified"));
    let code = |args: Vec<String>| async move {
        let mut all = vec![
            "-o".to_string(),
            "/dev/null".into(),
            "-w".into(),
            "%{http_code}".into(),
        ];
        all.extend(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        curl(&refs).await.1
    };
    assert_eq!(
        code(vec![
            "-H".into(),
            format!("If-None-Match: {tag}"),
            etag_url.clone()
        ])
        .await,
        "304"
    );
    // curl -z sends If-Modified-Since.
    assert_eq!(
        code(vec!["-z".into(), modified.clone(), etag_url.clone()]).await,
        "304"
    );
    assert_eq!(
        code(vec![
            "-X".into(),
            "PUT".into(),
            "-H".into(),
            "If-Match: \"stale\"".into(),
            "-d".into(),
            "x".into(),
            etag_url.clone()
        ])
        .await,
        "412"
    );
    assert_eq!(
        code(vec![
            "-X".into(),
            "PUT".into(),
            "-d".into(),
            "x".into(),
            etag_url.clone()
        ])
        .await,
        "428"
    );

    let range = format!("{base}/range/100");
    let (_, out, _) = curl(&["-r", "10-19", &range]).await;
    assert_eq!(out, "klmnopqrst");
    let (_, out, _) = curl(&["-i", "-r", "0-1,50-52", &range]).await;
    assert!(out.starts_with("HTTP/1.1 206 Partial Content"), "{out}");
    assert!(out.contains("content-type: multipart/byteranges; boundary="));
    assert!(
        out.contains("Content-Range: bytes 50-52/100\r\n\r\nyza\r\n"),
        "{out}"
    );
    let (_, out, _) = curl(&["-i", "-r", "500-600", &range]).await;
    assert!(
        out.starts_with("HTTP/1.1 416 Range Not Satisfiable"),
        "{out}"
    );
    assert!(out.contains("content-range: bytes */100"));
}

#[tokio::test]
#[ignore = "needs curl; scripts/test.sh runs it"]
async fn curl_waits_for_100_continue_and_sees_refusals_before_the_body() {
    let base = format!("http://{}", start().await);
    let body = "x".repeat(2000);
    let (_, out, err) = curl(&[
        "-v",
        "-H",
        "Expect: 100-continue",
        "-d",
        &body,
        &format!("{base}/upload"),
    ])
    .await;
    assert!(err.contains("< HTTP/1.1 100 Continue"), "{err}");
    assert!(err.contains("< HTTP/1.1 201 Created"), "{err}");
    assert!(out.contains("\"received_bytes\":2000"), "{out}");
    let (_, _, err) = curl(&[
        "-v",
        "-H",
        "Expect: 100-continue",
        "-d",
        &body,
        &format!("{base}/upload?limit=100"),
    ])
    .await;
    assert!(err.contains("< HTTP/1.1 413 Content Too Large"), "{err}");
    assert!(
        !err.contains("100 Continue"),
        "refused before the body: {err}"
    );
    assert!(
        err.to_ascii_lowercase().contains("< connection: close"),
        "{err}"
    );
    let (_, _, err) = curl(&[
        "-v",
        "-H",
        "Expect: 200-ok",
        "-d",
        "x",
        &format!("{base}/upload"),
    ])
    .await;
    assert!(err.contains("< HTTP/1.1 417 Expectation Failed"), "{err}");
}

#[tokio::test]
#[ignore = "needs curl; scripts/test.sh runs it"]
async fn curl_retry_honours_retry_after() {
    let base = format!("http://{}", start().await);
    // One retry only: curl's own first delay is 1 s, so it succeeds only by
    // waiting the 2 s Retry-After asks for.
    // The body goes to a file: curl truncates it before a retry, which it
    // cannot do to /dev/null.
    let file = std::env::temp_dir().join(format!("statusatlas-retry-{}", std::process::id()));
    let file = file.to_str().unwrap();
    for code in ["429", "503"] {
        let (_, out, err) = curl(&[
            "--retry",
            "1",
            "-o",
            file,
            "-w",
            "%{http_code}",
            &format!("{base}/retry/{code}?after=2&id=curl"),
        ])
        .await;
        assert_eq!(out, "200", "{code}: {err}");
    }
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
#[ignore = "needs Python requests and httpx; scripts/test.sh runs it"]
async fn python_requests_and_httpx_follow_the_flows() {
    let base = format!("http://{}", start().await);
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/http_flows.py");
    let out = tokio::process::Command::new(crate::support::venv_python())
        .arg(script)
        .arg(&base)
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for client in ["requests", "httpx"] {
        let s = &seen[client];
        for (code, method, body) in [
            ("301", "GET", None),
            ("302", "GET", None),
            ("303", "GET", None),
            ("307", "POST", Some("hello")),
            ("308", "POST", Some("hello")),
        ] {
            let r = &s["redirects"][code];
            assert_eq!(r["status"], 200, "{client} {code}");
            assert_eq!(r["method"], method, "{client} after {code}");
            assert_eq!(
                r["body"].as_str(),
                body.or(Some("")),
                "{client} body after {code}"
            );
            let hops: u16 = code.parse().unwrap();
            assert_eq!(
                r["hops"],
                serde_json::json!([hops, hops]),
                "{client} {code}"
            );
        }
        assert_eq!(s["loop"], "too_many_redirects", "{client}");
        assert_eq!(
            s["basic_without"],
            serde_json::json!([401, "Basic realm=\"statusatlas\", charset=\"UTF-8\""]),
            "{client}"
        );
        assert_eq!(s["basic_with"], 200, "{client}");
        assert_eq!(s["forbidden_with"], 403, "{client}");
        assert_eq!(s["etag_304"], 304, "{client}");
        assert_eq!(
            s["proxy_without"],
            serde_json::json!([407, "Basic realm=\"statusatlas proxy\", charset=\"UTF-8\""]),
            "{client}"
        );
        assert_eq!(s["proxy_with"][0], 200, "{client}");
        assert!(
            s["proxy_with"][1]
                .as_str()
                .unwrap()
                .contains("nothing was sent to http://example.test/some/page"),
            "{client}: {}",
            s["proxy_with"][1]
        );
        assert!(
            s["tunnel_without"].as_str().unwrap().contains("407"),
            "{client}: {}",
            s["tunnel_without"]
        );
        assert!(
            s["tunnel_with"].as_str().unwrap().contains("403"),
            "{client}: {}",
            s["tunnel_with"]
        );
    }
    let r = &seen["requests"];
    assert_eq!(r["basic_wrong"], 401);
    assert_eq!(r["bearer_with"], 200);
    assert_eq!(r["ims_304"], 304);
    assert_eq!(
        (r["put_412"].as_u64(), r["put_204"].as_u64()),
        (Some(412), Some(204))
    );
    assert_eq!(
        r["range_one"],
        serde_json::json!([206, "bytes 0-9/100", "abcdefghij"])
    );
    assert_eq!(
        r["range_multipart"],
        serde_json::json!([206, ["bytes 0-1/100", "ab"], ["bytes 50-52/100", "yza"]])
    );
    assert_eq!(r["range_416"], serde_json::json!([416, "bytes */100"]));
    assert_eq!(
        r["retry"]["status"], 200,
        "urllib3's Retry waited as Retry-After said"
    );
    assert_eq!(r["retry_503_post"], 200);
    assert_eq!(
        seen["httpx"]["range_suffix"],
        serde_json::json!([206, "bytes 97-99/100", "tuv"])
    );
}

/// Every flow answers with the live policy: the sandboxing CSP, nosniff,
/// no framing, never a cookie; and only `/cache/etag` may be stored.
#[tokio::test]
async fn every_flow_keeps_the_live_policy() {
    for (method, uri) in [
        ("GET", "/echo"),
        ("GET", "/redirect/307"),
        ("GET", "/redirect/307/loop"),
        ("GET", "/auth/basic/a/b"),
        ("GET", "/auth/bearer/t"),
        ("GET", "/auth/forbidden"),
        ("GET", "/cache/etag"),
        ("GET", "/range/10"),
        ("GET", "/retry/429?id=policy"),
        ("POST", "/upload"),
        ("GET", "/negotiate"),
        ("GET", "http://example.test/"),
        ("CONNECT", "example.test:443"),
        ("DELETE", "/range/10"),
        ("GET", "/redirect/999"),
    ] {
        let r = go(request(method, uri), "").await;
        assert!(
            header(&r, "content-security-policy").starts_with("sandbox; default-src 'none'"),
            "{method} {uri}"
        );
        assert_eq!(
            header(&r, "x-content-type-options"),
            "nosniff",
            "{method} {uri}"
        );
        assert_eq!(header(&r, "x-frame-options"), "DENY", "{method} {uri}");
        assert!(r.headers().get("set-cookie").is_none(), "{method} {uri}");
        let expected = if uri == "/cache/etag" {
            "no-cache"
        } else {
            "no-store"
        };
        assert_eq!(header(&r, "cache-control"), expected, "{method} {uri}");
    }
}

/// On a public address the flows share the per-client rate limit of the
/// live endpoints, the proxy included.
#[tokio::test]
async fn flows_are_rate_limited_where_the_live_endpoints_are() {
    use tower::ServiceExt;
    let state = AppState::with_live(
        BASE,
        LiveConfig {
            rate_per_second: Some(2),
            ..Default::default()
        },
    );
    let app = router(Arc::new(state));
    let mut limited = Vec::new();
    for uri in ["/echo", "/range/10", "http://example.test/"] {
        let mut seen = None;
        for _ in 0..20 {
            let r = app
                .clone()
                .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            if r.status() == 429 {
                seen = Some(header(&r, "retry-after").to_string());
                assert_eq!(json(r).await["error"]["code"], "rate_limited", "{uri}");
                break;
            }
        }
        limited.push((uri, seen));
    }
    assert_eq!(
        limited,
        vec![
            ("/echo", Some("1".to_string())),
            ("/range/10", Some("1".to_string())),
            ("http://example.test/", Some("1".to_string())),
        ]
    );
}

#[test]
fn absolute_form_naming_this_server_is_not_a_proxy_request() {
    use statusatlas::web::live::proxy::{Listening, ProxyForm, proxy_form};
    let origins = [
        "https://statusatlas.example",
        "https://live.statusatlas.example:8443",
    ];
    let form = |uri: &str| {
        let mut r = Request::get(uri).body(()).unwrap();
        r.extensions_mut()
            .insert(Listening("127.0.0.1:8081".parse().unwrap()));
        proxy_form(&r, &origins)
    };
    assert_eq!(form("https://statusatlas.example/echo"), None);
    assert_eq!(form("https://STATUSATLAS.example:443/echo"), None);
    assert_eq!(form("https://live.statusatlas.example:8443/echo"), None);
    assert_eq!(form("http://127.0.0.1:8081/echo"), None);
    assert_eq!(form("http://localhost:8081/echo"), None);
    assert_eq!(
        form("http://statusatlas.example/echo"),
        Some(ProxyForm::Absolute(
            "http://statusatlas.example/echo".into()
        )),
        "port 80 is another origin than https's 443"
    );
    assert_eq!(
        form("http://127.0.0.1:8082/"),
        Some(ProxyForm::Absolute("http://127.0.0.1:8082/".into()))
    );
    assert_eq!(form("/echo"), None, "origin form");
}
