//! Pages and API documents pinned by snapshots: a code page of each kind of
//! path (plain, vendor, SMTP enhanced, DNS EDE), an index, and the API's
//! code, list, comparison and protocol documents. Comparison pages and the
//! OpenAPI document have their snapshots beside their own tests.

use crate::support::{body_text, get, header};
use axum::http::StatusCode;

async fn fetched(uri: &str, content_type: &str) -> String {
    let r = get(uri).await;
    assert_eq!(r.status(), StatusCode::OK, "{uri}");
    assert!(
        header(&r, "content-type").starts_with(content_type),
        "{uri}"
    );
    body_text(r).await
}

#[tokio::test]
async fn pages_match_their_snapshots() {
    for (name, uri) in [
        ("page-http-407", "/http/407"),
        ("page-http-444-nginx", "/http/444-nginx"),
        ("page-smtp-5.7.1", "/smtp/5.7.1"),
        ("page-dns-ede-18", "/dns/ede/18"),
        ("page-http-4xx", "/http/4xx/"),
    ] {
        crate::support::snapshot(name, &fetched(uri, "text/html").await);
    }
}

#[tokio::test]
async fn api_documents_match_their_snapshots() {
    for (name, uri) in [
        ("api-http-407", "/api/v1/http/codes/407"),
        ("api-smtp-5.7.1", "/api/v1/smtp/codes/5.7.1"),
        ("api-http-codes-1xx", "/api/v1/http/codes?class=1xx"),
        (
            "api-compare-http-101-vs-407",
            "/api/v1/compare/http/101-vs-407",
        ),
        (
            "api-compare-grpc-14-vs-http-503",
            "/api/v1/compare/grpc/14-vs-http/503",
        ),
        ("api-protocols", "/api/v1/protocols"),
    ] {
        let body = fetched(uri, "application/json").await;
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        crate::support::snapshot(name, &serde_json::to_string_pretty(&v).unwrap());
    }
}
