//! Comparisons: every pair of HTTP codes renders through the library, the
//! page, the API and the CLI text; every generated sentence passes the prose
//! lint; the 101 vs 407 page and five curated pairs are pinned by snapshots.

use crate::support::{BASE, body_text, header};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use statusatlas::catalog::{Entry, Protocol, catalog};
use statusatlas::compare::{self, CompareError};
use statusatlas::text::prose_problems;
use statusatlas::web::{AppState, router};
use std::sync::Arc;
use tower::ServiceExt;

fn http_pairs() -> Vec<(&'static Entry, &'static Entry)> {
    let entries = &catalog().protocol(Protocol::Http).unwrap().entries;
    let mut pairs = Vec::new();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            pairs.push(compare::canonical_order(a, b));
        }
    }
    pairs
}

#[test]
fn every_http_pair_reads_cleanly() {
    let pairs = http_pairs();
    let n = catalog().protocol(Protocol::Http).unwrap().entries.len();
    assert_eq!(pairs.len(), n * (n - 1) / 2);
    let mut problems = Vec::new();
    for (a, b) in &pairs {
        let c = compare::compare(catalog(), a, b)
            .unwrap_or_else(|e| panic!("{} vs {}: {e}", a.id, b.id));
        let mut sentences = vec![c.overview.clone(), c.title.clone()];
        sentences.extend(c.guidance.iter().cloned());
        for s in &sentences {
            for p in prose_problems(s) {
                problems.push(format!("{} vs {}: {p}: {s}", a.id, b.id));
            }
            if s.is_empty() || s.contains("  ") {
                problems.push(format!("{} vs {}: empty or spaced sentence", a.id, b.id));
            }
        }
        for s in c.guidance.iter().chain([&c.overview]) {
            if !s.ends_with('.') {
                problems.push(format!("{} vs {}: unfinished sentence: {s}", a.id, b.id));
            }
        }
        for f in &c.facts {
            if f.a.trim().is_empty() || f.b.trim().is_empty() {
                problems.push(format!("{} vs {}: empty fact {}", a.id, b.id, f.fact));
            }
            if f.differs == (f.a == f.b) {
                problems.push(format!(
                    "{} vs {}: fact {} marks differs wrongly",
                    a.id, b.id, f.fact
                ));
            }
        }
        assert!(c.facts.iter().any(|f| f.fact == "Class"));
        let text = statusatlas::cli::comparison_text(&c);
        assert!(text.contains(&c.title) && text.contains("When to use which"));
    }
    assert!(
        problems.is_empty(),
        "{} problems, first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(20)].join("\n")
    );
}

#[tokio::test]
async fn every_http_pair_renders_as_page_and_api() {
    let app = router(Arc::new(AppState::new(BASE)));
    for (a, b) in http_pairs() {
        for prefix in ["/compare/http", "/api/v1/compare/http"] {
            let uri = format!("{prefix}/{}-vs-{}", a.id, b.id);
            let response = app
                .clone()
                .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{uri}");
        }
    }
}

#[test]
fn comparison_wording_matches_the_facts() {
    let get = |id: &str| catalog().get(Protocol::Http, id).unwrap();
    let c = compare::compare(catalog(), get("101"), get("407")).unwrap();
    assert_eq!(
        c.overview,
        "101 (Switching Protocols) is a 1xx Informational response, while 407 (Proxy Authentication Required) is a 4xx Client Error response."
    );
    let headers = c
        .facts
        .iter()
        .find(|f| f.fact == "Headers it is defined with")
        .unwrap();
    assert!(headers.a.contains("Upgrade") && headers.b.contains("Proxy-Authenticate"));
    let c = compare::compare(catalog(), get("401"), get("403")).unwrap();
    assert_eq!(
        c.overview,
        "Both 401 (Unauthorized) and 403 (Forbidden) are 4xx Client Error responses."
    );
    assert!(c.curated.is_some());
    let c = compare::compare(catalog(), get("307"), get("302")).unwrap();
    let kept = c
        .facts
        .iter()
        .find(|f| f.fact == "Method kept on redirect")
        .unwrap();
    assert_eq!(
        (kept.a.as_str(), kept.b.as_str()),
        ("yes", "no: POST may become GET")
    );
    assert!(
        c.guidance
            .iter()
            .any(|g| g.contains("choose 307 when the method matters"))
    );
    let c = compare::compare(catalog(), get("420-twitter"), get("429")).unwrap();
    assert!(
        c.guidance
            .iter()
            .any(|g| g.contains("prefer the registered 429")),
        "{:?}",
        c.guidance
    );
    assert_eq!(
        compare::compare(catalog(), get("404"), get("404")).unwrap_err(),
        CompareError::SameCode
    );
}

#[test]
fn curated_pairs_cover_the_commonly_confused_codes() {
    let wanted = [
        ("301", "302"),
        ("301", "308"),
        ("302", "303"),
        ("302", "307"),
        ("307", "308"),
        ("400", "422"),
        ("401", "403"),
        ("403", "404"),
        ("404", "410"),
        ("405", "501"),
        ("409", "412"),
        ("429", "503"),
        ("500", "502"),
        ("502", "503"),
        ("502", "504"),
        ("503", "504"),
        ("200", "204"),
        ("201", "202"),
        ("304", "200"),
        ("101", "426"),
        ("401", "407"),
        ("407", "511"),
        ("408", "504"),
        ("413", "414"),
        ("415", "406"),
        ("451", "403"),
    ];
    for (a, b) in wanted {
        let ea = catalog().get(Protocol::Http, a).unwrap();
        let eb = catalog().get(Protocol::Http, b).unwrap();
        let pair = catalog()
            .pair(ea, eb)
            .unwrap_or_else(|| panic!("no curated note for {a}/{b}"));
        assert!(
            pair.difference.len() > 80 && pair.rule.len() > 20,
            "{a}/{b} is substantial"
        );
    }
}

#[tokio::test]
async fn reverse_order_redirects_and_bad_pairs_get_helpful_404s() {
    let r = crate::support::get("/compare/http/407-vs-101").await;
    assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(header(&r, "location"), "/compare/http/101-vs-407");
    let r = crate::support::get("/api/v1/compare/http/407-vs-101").await;
    assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(header(&r, "location"), "/api/v1/compare/http/101-vs-407");
    let r = crate::support::get("/compare/http/404-vs-404").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = body_text(r).await;
    assert!(
        body.contains("compared with itself") && body.contains("/compare/http/"),
        "suggests real comparisons"
    );
    for bad in [
        "/compare/http/404-vs-998",
        "/compare/http/x-vs-",
        "/compare/http/404",
        "/compare/gopher/1-vs-2",
    ] {
        let r = crate::support::get(bad).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    let r = crate::support::get("/compare?protocol=http&a=407&b=101").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&r, "location"), "/compare/http/101-vs-407");
}

#[tokio::test]
async fn snapshots_pin_the_seed_comparison_and_five_curated_pairs() {
    for pair in [
        "101-vs-407",
        "301-vs-302",
        "401-vs-403",
        "404-vs-410",
        "429-vs-503",
        "502-vs-504",
    ] {
        let r = crate::support::get(&format!("/compare/http/{pair}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        crate::support::snapshot(&format!("compare-http-{pair}"), &body_text(r).await);
    }
}
