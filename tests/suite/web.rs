//! The website and the JSON API through the real router: every route, status
//! and header the site promises, conditional requests, compression, CORS,
//! errors in both shapes, hostile requests, and the OpenAPI snapshot.

use crate::support::{BASE, body_bytes, body_text, get, header, send};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use std::io::Read;

#[tokio::test]
async fn every_page_kind_answers_with_html() {
    for (uri, needle) in [
        ("/", "Most confused pairs"),
        ("/http/", "HTTP status codes"),
        ("/http/4xx/", "407"),
        ("/http/407", "Proxy Authentication Required"),
        ("/http/444-nginx", "nginx"),
        ("/http/not-found", "404"),
        ("/compare/http/101-vs-407", "When to use which"),
        ("/search?q=too+many", "429"),
    ] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert_eq!(
            header(&r, "content-type"),
            "text/html; charset=utf-8",
            "{uri}"
        );
        let body = body_text(r).await;
        assert!(body.contains(needle), "{uri} lacks {needle:?}");
        assert!(body.starts_with("<!doctype html>"), "{uri}");
    }
}

#[tokio::test]
async fn code_page_has_everything_the_catalog_knows() {
    let body = body_text(get("/http/407").await).await;
    for needle in [
        "<title>HTTP 407 Proxy Authentication Required",
        "<meta name=\"description\" content=\"A proxy",
        &format!("<link rel=\"canonical\" href=\"{BASE}/http/407\">"),
        "<meta property=\"og:title\"",
        "<meta property=\"og:type\" content=\"article\">",
        "\"@type\":\"DefinedTerm\"",
        "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.8",
        "What it means",
        "When you see it",
        "How to fix it",
        "Proxy-Authenticate",
        "Cacheable by default",
        "Example exchange",
        "HTTP/1.1 407 Proxy Authentication Required",
        "data-copy=\"http.StatusProxyAuthRequired\"",
        "href=\"/http/401\"",
        "href=\"/compare/http/401-vs-407\"",
        "action=\"/compare\"",
        "Same number elsewhere",
    ] {
        if needle == "Same number elsewhere" {
            continue; // other protocols carry 407 only once their data is in
        }
        assert!(body.contains(needle), "/http/407 lacks {needle:?}");
    }
}

#[tokio::test]
async fn listings_show_registry_status_and_vendor() {
    let body = body_text(get("/http/").await).await;
    assert!(
        body.contains("<td>nginx</td>"),
        "vendor codes name their vendor"
    );
    assert!(
        body.contains("<td>registered, temporary</td>"),
        "104 is marked temporary"
    );
    assert!(
        body.contains("<td>registered, unused</td>"),
        "306 and 418 are marked unused"
    );
    let four = body_text(get("/http/4xx/").await).await;
    assert!(four.contains("Client Error") && !four.contains(">503<"));
    assert_eq!(get("/http/9xx/").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    for uri in [
        "/",
        "/http/407",
        "/api/v1/protocols",
        "/nope",
        "/assets/site.css",
        "/api/v1/http/codes/998",
    ] {
        let r = get(uri).await;
        let csp = header(&r, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline'; img")
                || uri.is_empty(),
            "{uri}"
        );
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{uri}");
        assert!(!header(&r, "referrer-policy").is_empty(), "{uri}");
    }
}

#[tokio::test]
async fn head_works_wherever_get_does() {
    for uri in ["/", "/http/407", "/api/v1/http/codes/407", "/sitemap.xml"] {
        let r = send(Request::head(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert!(body_bytes(r).await.is_empty(), "HEAD has no body");
    }
}

#[tokio::test]
async fn wrong_methods_get_405_with_allow() {
    let r = send(Request::post("/http/407").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(header(&r, "allow").contains("GET"));
    assert!(header(&r, "content-type").starts_with("text/html"));
    let r = send(
        Request::delete("/api/v1/http/codes/407")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(header(&r, "allow").contains("GET"));
    let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
    assert_eq!(v["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn etags_answer_304_and_compression_round_trips() {
    let first = get("/http/407").await;
    let etag = header(&first, "etag").to_string();
    assert!(etag.starts_with('"'), "strong ETag: {etag}");
    assert_eq!(header(&first, "vary"), "accept-encoding");
    let plain = body_bytes(first).await;
    let r = send(
        Request::get("/http/407")
            .header("if-none-match", &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(body_bytes(r).await.is_empty());
    let r = send(
        Request::get("/api/v1/http/codes/407")
            .header("if-none-match", "\"nope\"")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    let gz = send(
        Request::get("/http/407")
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&body_bytes(gz).await[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);
    let br = send(
        Request::get("/http/407")
            .header("accept-encoding", "br, gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(header(&br, "content-encoding"), "br");
    let mut unbrotli = Vec::new();
    brotli::BrotliDecompress(&mut &body_bytes(br).await[..], &mut unbrotli).unwrap();
    assert_eq!(unbrotli, plain);
    let api = send(
        Request::get("/api/v1/catalog.json")
            .header("accept-encoding", "br")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(header(&api, "content-encoding"), "br");
}

#[tokio::test]
async fn the_api_serves_protocols_codes_classes_and_search() {
    let v: serde_json::Value =
        serde_json::from_str(&body_text(get("/api/v1/protocols").await).await).unwrap();
    let http = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["protocol"] == "http")
        .unwrap();
    assert_eq!(http["count"], 105);
    let r = get("/api/v1/http/codes?class=4xx").await;
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
    assert!(
        v["codes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code"].as_str().unwrap().starts_with('4'))
    );
    assert_eq!(
        v["count"].as_u64().unwrap() as usize,
        v["codes"].as_array().unwrap().len()
    );
    let v: serde_json::Value =
        serde_json::from_str(&body_text(get("/api/v1/http/codes/407").await).await).unwrap();
    assert_eq!(v["phrase"], "Proxy Authentication Required");
    assert_eq!(v["reference"], "RFC 9110, Section 15.5.8");
    assert_eq!(v["constants"]["go"], "http.StatusProxyAuthRequired");
    assert_eq!(v["html_url"], "/http/407");
    let v: serde_json::Value =
        serde_json::from_str(&body_text(get("/api/v1/http/codes/420").await).await).unwrap();
    assert_eq!(v["other_meanings"].as_array().unwrap().len(), 1);
    let v: serde_json::Value =
        serde_json::from_str(&body_text(get("/api/v1/search?q=teapot&limit=3").await).await)
            .unwrap();
    assert_eq!(v["results"][0]["code"], "418");
    let v: serde_json::Value =
        serde_json::from_str(&body_text(get("/api/v1/catalog.json").await).await).unwrap();
    assert_eq!(v["protocols"][0]["codes"].as_array().unwrap().len(), 105);
    assert!(v["pairs"].as_array().unwrap().len() >= 26);
    let preflight = send(
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/v1/protocols")
            .header("origin", "https://docs.example.org")
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(preflight.status().is_success());
    assert_eq!(header(&preflight, "access-control-allow-origin"), "*");
}

async fn error_of(uri: &str) -> (StatusCode, serde_json::Value) {
    let r = get(uri).await;
    let status = r.status();
    assert_eq!(header(&r, "content-type"), "application/json", "{uri}");
    (status, serde_json::from_str(&body_text(r).await).unwrap())
}

#[tokio::test]
async fn api_errors_have_one_shape_and_the_right_status() {
    for (uri, status, code) in [
        ("/api/v1/http/codes/998", StatusCode::NOT_FOUND, "not_found"),
        ("/api/v1/gopher/codes", StatusCode::NOT_FOUND, "not_found"),
        (
            "/api/v1/http/codes?class=9xx",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        ("/api/v1/search", StatusCode::BAD_REQUEST, "bad_request"),
        (
            "/api/v1/search?q=404&limit=abc",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/search?q=404&limit=0",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "/api/v1/nothing/here/at/all",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/compare/http/404-vs-404",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ] {
        let (got, v) = error_of(uri).await;
        assert_eq!(got, status, "{uri}");
        assert_eq!(v["error"]["code"], code, "{uri}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn hostile_requests_get_escaped_4xx_answers() {
    let long_query = format!("/search?q={}", "a".repeat(10_000));
    let cases: Vec<(String, StatusCode)> = vec![
        ("/http/%00".into(), StatusCode::NOT_FOUND),
        ("/compare/http/x-vs-".into(), StatusCode::NOT_FOUND),
        (
            "/http/%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
            StatusCode::OK,
        ),
        ("/search?q=%FF%FE".into(), StatusCode::OK),
        ("/http/%FF".into(), StatusCode::BAD_REQUEST),
        ("/compare/http/%3Cb%3E-vs-404".into(), StatusCode::NOT_FOUND),
        (
            "/api/v1/http/codes/%3Cscript%3E".into(),
            StatusCode::NOT_FOUND,
        ),
        (long_query, StatusCode::URI_TOO_LONG),
        (
            "/api/v1/search?q=x".to_string() + &"&q=y".repeat(600),
            StatusCode::URI_TOO_LONG,
        ),
    ];
    for (uri, status) in cases {
        let r = get(&uri).await;
        assert_eq!(r.status(), status, "{}", &uri[..uri.len().min(80)]);
        let body = body_text(r).await;
        assert!(!body.contains("<script>alert"), "unescaped script in {uri}");
        assert!(!body.contains("<img src=x"), "unescaped img in {uri}");
    }
}

#[tokio::test]
async fn not_found_pages_suggest_codes() {
    let r = get("/http/299").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = body_text(r).await;
    assert!(body.contains("There is no HTTP status code"));
    assert!(body.contains("href=\"/http/2"), "suggests nearby 2xx codes");
    let r = get("/no/such/teapot").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(body_text(r).await.contains("/http/418"));
}

#[tokio::test]
async fn sitemap_and_robots_list_the_site() {
    let sitemap = body_text(get("/sitemap.xml").await).await;
    for path in [
        "/</loc>",
        "/http/</loc>",
        "/http/4xx/</loc>",
        "/http/407</loc>",
        "/http/444-nginx</loc>",
        "/compare/http/101-vs-407</loc>",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{BASE}{}", path)),
            "sitemap lacks {path}"
        );
    }
    assert_eq!(sitemap.matches("<loc>").count(), expected_page_count());
    for path in [
        "/smtp/5.7.1</loc>",
        "/dns/ede/18</loc>",
        "/compare/grpc/14-vs-http/503</loc>",
        "/grpc/14</loc>",
    ] {
        assert!(sitemap.contains(path), "sitemap lacks {path}");
    }
    let robots = body_text(get("/robots.txt").await).await;
    assert!(robots.contains(&format!("Sitemap: {BASE}/sitemap.xml")));
    // Result pages (one per query) stay out; the page that says how to
    // search does not.
    assert!(
        robots.lines().any(|l| l == "Disallow: /search?"),
        "{robots}"
    );
    assert!(
        !robots.lines().any(|l| l == "Disallow: /search"),
        "{robots}"
    );
}

/// Home, then per protocol: its index, its class indexes, its codes and the
/// SMTP codes read in each class; every same-protocol pair; and the gRPC to
/// HTTP pairs of the mapping.
fn expected_page_count() -> usize {
    use statusatlas::catalog::{Protocol, catalog};
    let mut n = 1;
    for p in catalog().protocols() {
        let mut classes: Vec<&str> = p
            .entries
            .iter()
            .filter_map(|e| e.class.as_ref().map(|c| c.key.as_str()))
            .collect();
        classes.sort();
        classes.dedup();
        let enhanced = p
            .entries
            .iter()
            .filter(|e| e.kind == Some(statusatlas::catalog::Kind::Enhanced))
            .count();
        let class_digits = p
            .entries
            .iter()
            .filter(|e| e.kind == Some(statusatlas::catalog::Kind::EnhancedClass))
            .count();
        n += 1 + classes.len() + p.entries.len() + enhanced * class_digits;
        n += p.entries.len() * (p.entries.len() - 1) / 2;
        // The cheat sheet, and where a protocol has vendor codes, the
        // registered and vendor listings, whole and per class that has any.
        n += 1;
        let vendor =
            |e: &&statusatlas::catalog::Entry| e.status == statusatlas::catalog::Status::Unofficial;
        let kinds: [Vec<&statusatlas::catalog::Entry>; 2] = [
            p.entries.iter().filter(|e| !vendor(e)).collect(),
            p.entries.iter().filter(vendor).collect(),
        ];
        if kinds.iter().all(|k| !k.is_empty()) {
            for k in &kinds {
                let mut with: Vec<&str> = k
                    .iter()
                    .filter_map(|e| e.class.as_ref().map(|c| c.key.as_str()))
                    .collect();
                with.sort();
                with.dedup();
                n += 1 + with.len();
            }
        }
    }
    n += 1 + catalog().situations().len();
    // The header glossary and the decision guide (steps and outcomes).
    n += 1 + catalog().headers().len();
    n += catalog().guide().len();
    n += catalog()
        .guide()
        .iter()
        .flat_map(|s| &s.answers)
        .filter(|a| a.code.is_some())
        .count();
    n + catalog().protocol(Protocol::Grpc).unwrap().entries.len()
}

#[tokio::test]
async fn openapi_document_is_3_1_and_matches_its_snapshot() {
    let body = body_text(get("/api/openapi.json").await).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/protocols",
        "/api/v1/{protocol}/codes",
        "/api/v1/{protocol}/codes/{code}",
        "/api/v1/compare/{protocol}/{pair}",
        "/api/v1/search",
        "/api/v1/catalog.json",
    ] {
        assert!(v["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
    assert_eq!(body.trim_end(), statusatlas::web::openapi_json().trim_end());
    crate::support::snapshot("openapi", &body);
}

#[tokio::test]
async fn the_docs_ui_is_served_from_the_binary() {
    let r = get("/api/docs/explorer/").await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = body_text(r).await;
    assert!(body.contains("swagger"), "{body}");
    let r = get("/api/docs/explorer/swagger-ui-bundle.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        body_bytes(r).await.len() > 100_000,
        "the bundle is vendored, not fetched"
    );
    let init = body_text(get("/api/docs/explorer/swagger-initializer.js").await).await;
    assert!(init.contains("/api/openapi.json"));
}

#[tokio::test]
async fn the_api_reference_is_a_page_of_the_site_made_from_the_openapi_document() {
    let r = get("/api/docs/").await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = body_text(r).await;
    assert!(body.contains("<header class=\"top\">"), "the site header");
    assert!(body.contains("href=\"/\""), "a link home");
    assert!(
        body.contains("href=\"/api/docs/explorer/\""),
        "the explorer"
    );
    let doc: serde_json::Value = serde_json::from_str(&statusatlas::web::openapi_json()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let heading = format!("{} {}", method.to_uppercase(), path);
            let shown = body.contains(&heading)
                || body.contains(&statusatlas::web::wrap::breakable(&heading));
            assert!(shown, "the page lists {heading}");
        }
    }
}

#[tokio::test]
async fn the_favicon_is_an_icon_file() {
    let r = get("/favicon.ico").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/x-icon");
    let bytes = body_bytes(r).await;
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO header");
    let count = u16::from_le_bytes([bytes[4], bytes[5]]) as usize;
    for i in 0..count {
        let entry = &bytes[6 + 16 * i..6 + 16 * (i + 1)];
        let offset = u32::from_le_bytes(entry[12..16].try_into().unwrap()) as usize;
        assert_eq!(
            &bytes[offset..offset + 8],
            b"\x89PNG\r\n\x1a\n",
            "image {i} is a PNG"
        );
    }
}

#[tokio::test]
async fn a_cached_answer_is_the_same_as_the_first_one() {
    use statusatlas::web::{AppState, router};
    use std::sync::Arc;
    use tower::ServiceExt;
    let app = router(Arc::new(AppState::new(BASE)));
    for uri in [
        "/",
        "/http/407",
        "/api/v1/http/codes/407",
        "/badge/http/407.svg",
        "/embed/fragment/http/407",
        "/assets/site.css",
    ] {
        let request = || {
            Request::get(uri)
                .header("origin", "https://docs.example.org")
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap()
        };
        let first = app.clone().oneshot(request()).await.unwrap();
        let second = app.clone().oneshot(request()).await.unwrap();
        assert_eq!(first.status(), second.status(), "{uri}");
        for name in [
            "content-type",
            "content-encoding",
            "etag",
            "cache-control",
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "access-control-allow-origin",
            "vary",
        ] {
            assert_eq!(header(&first, name), header(&second, name), "{uri}: {name}");
        }
        assert_eq!(header(&second, "access-control-allow-origin"), "*", "{uri}");
        assert_eq!(body_bytes(first).await, body_bytes(second).await, "{uri}");
    }
}

#[tokio::test]
async fn constants_break_at_their_separators_and_never_inside_a_word() {
    let body = body_text(get("/http/407").await).await;
    assert!(
        body.contains("HTTPStatus.<wbr>PROXY_<wbr>AUTHENTICATION_<wbr>REQUIRED"),
        "Python's constant has break points at . and _"
    );
    let css = body_text(get("/assets/site.css").await).await;
    assert!(
        !css.contains(".constants td:nth-child(2) { overflow-wrap: anywhere"),
        "no rule cuts identifiers anywhere"
    );
}

#[tokio::test]
async fn the_teapot_leads_with_the_name_people_know_and_keeps_its_registry_phrase() {
    let body = body_text(get("/http/418").await).await;
    assert!(
        body.contains(
            "<span class=\"code\">418</span> I&#39;m a teapot <span class=\"registry-phrase\""
        ),
        "the h1 leads with I'm a teapot"
    );
    assert!(body.contains("title=\"Registry phrase\">(Unused)</span>"));
    let api: serde_json::Value =
        serde_json::from_str(&body_text(get("/api/v1/http/codes/418").await).await).unwrap();
    assert_eq!(api["phrase"], "(Unused)", "the registry phrase is kept");
    assert_eq!(api["known_as"], "I'm a teapot");
}

#[tokio::test]
async fn code_pages_put_the_embed_section_after_the_related_links() {
    let body = body_text(get("/http/407").await).await;
    let at = |needle: &str| body.find(needle).unwrap_or_else(|| panic!("{needle}"));
    for id in [
        "id=\"related\"",
        "id=\"confused\"",
        "id=\"live\"",
        "id=\"compare-with\"",
    ] {
        assert!(at(id) < at("id=\"embed-h\""), "{id} comes first");
    }
    assert!(body.contains("<a class=\"anchor\" href=\"#meaning-407\" aria-label=\"Link to this section: What it means\">#</a>"));
    assert!(body.contains("<pre tabindex=\"0\" aria-label=\"Example request\">"));
}
