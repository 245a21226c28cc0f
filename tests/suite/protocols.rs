//! Every protocol beyond HTTP: the data agrees with its registry row by row,
//! every code page and every same-protocol pair renders, the cross-protocol
//! links hold, and the CLI answers a sample from each protocol.

use crate::support::{body_text, get, registry_rows};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use statusatlas::catalog::{Entry, Kind, Protocol, catalog};
use statusatlas::compare;
use statusatlas::text::prose_problems;
use statusatlas::web::views::{compare_href, entry_href};
use statusatlas::web::{AppState, router};
use std::process::Command;
use std::sync::Arc;
use tower::ServiceExt;

fn entries(p: Protocol, kind: Option<Kind>) -> Vec<&'static Entry> {
    catalog()
        .protocol(p)
        .unwrap_or_else(|| panic!("{p} has data"))
        .entries
        .iter()
        .filter(|e| kind.is_none() || e.kind == kind)
        .collect()
}

/// Compares a registry file with entries in order: code, name and reference
/// columns, plus further columns through `extra`.
fn check(
    file: &str,
    got: Vec<&Entry>,
    code: &str,
    name: &str,
    reference: Option<&str>,
    extra: &dyn Fn(&Entry, &std::collections::HashMap<String, String>),
) {
    let rows = registry_rows(file);
    assert_eq!(got.len(), rows.len(), "{file}: one entry per row");
    for (row, e) in rows.iter().zip(&got) {
        assert_eq!(e.code, row[code], "{file}: codes in registry order");
        assert_eq!(e.phrase, row[name], "{file}: name of {}", e.code);
        if let Some(r) = reference {
            assert_eq!(e.reference, row[r], "{file}: reference of {}", e.code);
        }
        extra(e, row);
        assert!(
            !e.summary.is_empty() && !e.description.is_empty() && !e.when_you_see_it.is_empty()
        );
        assert!(
            !e.how_to_fix.parts().is_empty(),
            "{} {} has fixes",
            e.protocol,
            e.id
        );
    }
}

#[test]
fn smtp_agrees_with_its_three_registries() {
    check(
        "smtp.csv",
        entries(Protocol::Smtp, Some(Kind::Basic)),
        "code",
        "text",
        Some("reference"),
        &|_, _| {},
    );
    check(
        "smtp-enhanced-classes.csv",
        entries(Protocol::Smtp, Some(Kind::EnhancedClass)),
        "code",
        "name",
        Some("reference"),
        &|_, _| {},
    );
    check(
        "smtp-enhanced.csv",
        entries(Protocol::Smtp, Some(Kind::Enhanced)),
        "code",
        "sample_text",
        Some("reference"),
        &|e, row| {
            assert_eq!(
                e.basic_codes.as_deref(),
                Some(row["basic_codes"].as_str()),
                "basic codes of {}",
                e.code
            );
        },
    );
}

#[test]
fn grpc_agrees_with_its_registry_and_mapping() {
    check(
        "grpc.csv",
        entries(Protocol::Grpc, None),
        "code",
        "name",
        Some("reference"),
        &|e, row| {
            assert_eq!(
                e.http_mapping.map(|m| m.to_string()).as_deref(),
                Some(row["http_mapping"].as_str())
            );
        },
    );
    let mapping = registry_rows("grpc-http-mapping.csv");
    assert_eq!(
        mapping.len(),
        statusatlas::catalog::registry_grpc_http_mapping().len()
    );
    for row in mapping {
        let h = catalog()
            .get(Protocol::Http, &row["http_status"])
            .expect("mapped HTTP status exists");
        let g = statusatlas::relations::grpc_code_for_http_status(catalog(), &h.code).unwrap();
        assert_eq!(
            g.phrase, row["grpc_code"],
            "HTTP {} maps to {}",
            h.code, row["grpc_code"]
        );
    }
    let unknown = statusatlas::relations::grpc_code_for_http_status(catalog(), "418").unwrap();
    assert_eq!(
        unknown.phrase, "UNKNOWN",
        "every status not in the mapping becomes UNKNOWN"
    );
}

#[test]
fn websocket_ftp_sip_agree_with_their_registries() {
    check(
        "websocket.csv",
        entries(Protocol::Websocket, None),
        "code",
        "name",
        Some("reference"),
        &|e, row| {
            assert_eq!(
                e.sendable,
                Some(row["sendable"] == "yes"),
                "sendable of {}",
                e.code
            );
        },
    );
    check(
        "ftp.csv",
        entries(Protocol::Ftp, None),
        "code",
        "text",
        Some("reference"),
        &|_, _| {},
    );
    check(
        "sip.csv",
        entries(Protocol::Sip, None),
        "code",
        "phrase",
        Some("reference"),
        &|_, _| {},
    );
}

#[test]
fn dns_agrees_with_its_two_registries() {
    check(
        "dns-rcode.csv",
        entries(Protocol::Dns, Some(Kind::Rcode)),
        "value",
        "name",
        Some("reference"),
        &|e, row| {
            assert_eq!(e.long_name.as_deref(), Some(row["description"].as_str()));
        },
    );
    check(
        "dns-ede.csv",
        entries(Protocol::Dns, Some(Kind::Ede)),
        "info_code",
        "purpose",
        Some("reference"),
        &|_, _| {},
    );
}

#[test]
fn every_pair_of_every_protocol_reads_cleanly() {
    let mut problems = Vec::new();
    let mut pairs = 0;
    for p in catalog().protocols() {
        for (i, a) in p.entries.iter().enumerate() {
            for b in &p.entries[i + 1..] {
                let (a, b) = compare::canonical_order(a, b);
                let c = compare::compare(catalog(), a, b).unwrap();
                pairs += 1;
                for s in c.guidance.iter().chain([&c.overview]) {
                    for problem in prose_problems(s) {
                        problems.push(format!(
                            "{} {} vs {}: {problem}: {s}",
                            p.protocol, a.id, b.id
                        ));
                    }
                    if !s.ends_with('.') {
                        problems.push(format!(
                            "{} {} vs {}: unfinished: {s}",
                            p.protocol, a.id, b.id
                        ));
                    }
                }
            }
        }
    }
    assert!(pairs > 18_000, "{pairs} pairs");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems[..problems.len().min(20)].join("\n")
    );
}

#[tokio::test]
async fn every_code_page_and_pair_page_renders() {
    let app = router(Arc::new(AppState::new(crate::support::BASE)));
    let mut uris = Vec::new();
    for p in catalog().protocols() {
        uris.extend(p.entries.iter().chain(&p.variants).map(entry_href));
        uris.extend(
            p.entries
                .iter()
                .map(|e| format!("/api/v1/{}/codes/{}", p.protocol.slug(), e.id)),
        );
        if p.protocol != Protocol::Http {
            for (i, a) in p.entries.iter().enumerate() {
                for b in &p.entries[i + 1..] {
                    uris.push(compare_href(a, b));
                }
            }
        }
    }
    for uri in uris {
        let r = app
            .clone()
            .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn code_pages_speak_each_protocols_language() {
    for (uri, needles) in [
        (
            "/smtp/5.7.1",
            vec![
                "5.7.1",
                "5.X.X Permanent Failure",
                "What the class digit adds",
                "href=\"/smtp/X.7.1\"",
            ],
        ),
        ("/smtp/4.4.7", vec!["4.X.X Persistent Transient Failure"]),
        (
            "/smtp/550",
            vec![
                "5yz Permanent Negative Completion",
                "Enhanced status codes registered for use with 550",
                "href=\"/smtp/X.1.1\"",
            ],
        ),
        (
            "/grpc/not-found",
            vec![
                "NOT_FOUND",
                "codes.NotFound",
                "The HTTP status NOT_FOUND maps to",
                "href=\"/http/404\"",
                "href=\"/compare/grpc/5-vs-http/404\"",
            ],
        ),
        (
            "/http/503",
            vec![
                "gRPC codes that map to HTTP 503",
                "href=\"/grpc/14\"",
                "What a gRPC client reports for an HTTP 503 answer",
            ],
        ),
        (
            "/websocket/1006",
            vec!["May be sent in a Close frame", "no: reported locally only"],
        ),
        ("/sip/486", vec!["4xx Request Failure", "final"]),
        ("/ftp/530", vec!["5yz Permanent Negative Completion"]),
        ("/dns/nxdomain", vec!["NXDomain", "Non-Existent Domain"]),
        ("/dns/3", vec!["NXDomain"]),
        ("/dns/ede/18", vec!["Prohibited", "Extended DNS Error"]),
        (
            "/http/404",
            vec![
                "Same number elsewhere",
                "href=\"/sip/404\"",
                "href=\"/situations/not-found\"",
            ],
        ),
    ] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        let body = body_text(r).await;
        for n in needles {
            assert!(body.contains(n), "{uri} lacks {n:?}");
        }
    }
}

#[tokio::test]
async fn class_indexes_and_situations() {
    for (uri, needle) in [
        ("/smtp/4yz/", "Transient"),
        ("/sip/6xx/", "Global Failure"),
        ("/ftp/1yz/", "Positive Preliminary"),
        ("/smtp/", "Enhanced codes X.7"),
        ("/websocket/", "3000-3999"),
        ("/dns/", "Extended DNS Errors"),
    ] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert!(body_text(r).await.contains(needle), "{uri} lacks {needle}");
    }
    let body = body_text(get("/situations/not-found").await).await;
    for n in [
        "href=\"/http/404\"",
        "href=\"/grpc/5\"",
        "href=\"/dns/nxdomain\"",
        "href=\"/sip/404\"",
        "href=\"/ftp/550\"",
    ] {
        assert!(body.contains(n), "not-found lacks {n}");
    }
    assert_eq!(get("/situations/").await.status(), StatusCode::OK);
    assert_eq!(
        get("/situations/nope").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/grpc/4xx/").await.status(),
        StatusCode::NOT_FOUND,
        "gRPC has no classes"
    );
}

#[tokio::test]
async fn cross_protocol_comparisons_follow_the_mapping() {
    let r = get("/compare/grpc/14-vs-http/503").await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = body_text(r).await;
    assert!(body.contains("gRPC 14 (UNAVAILABLE) is a gRPC status code, while HTTP 503 (Service Unavailable) is a 5xx Server Error response."), "overview");
    let r = get("/compare/http/503-vs-grpc/14").await;
    assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        get("/compare/grpc/14-vs-http/404").await.status(),
        StatusCode::NOT_FOUND,
        "no mapping, no comparison"
    );
    let r = get("/api/v1/compare/grpc/5-vs-http/404").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body_text(r).await).unwrap();
    assert_eq!(v["a"]["protocol"], "grpc");
    assert_eq!(v["b"]["protocol"], "http");
}

fn cli(args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
    )
}

#[test]
fn the_cli_answers_every_protocol() {
    for (args, needle) in [
        (
            vec!["smtp", "5.7.1"],
            "SMTP 5.7.1 Delivery not authorized, message refused",
        ),
        (vec!["smtp", "550"], "SMTP 550"),
        (vec!["grpc", "unavailable"], "gRPC 14 UNAVAILABLE"),
        (vec!["grpc", "5"], "gRPC 5 NOT_FOUND"),
        (vec!["dns", "nxdomain"], "DNS 3 NXDomain"),
        (vec!["websocket", "1006"], "WebSocket 1006 Abnormal Closure"),
        (vec!["ftp", "530"], "FTP 530"),
        (vec!["sip", "486"], "SIP 486 Busy Here"),
        (vec!["1006"], "WebSocket 1006"),
        (vec!["nxdomain"], "DNS 3 NXDomain"),
        (
            vec!["compare", "grpc", "14", "http", "503"],
            "gRPC 14 UNAVAILABLE vs HTTP 503 Service Unavailable",
        ),
        (vec!["compare", "smtp", "421", "450"], "SMTP 421"),
    ] {
        let (code, out) = cli(&args);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains(needle), "{args:?} lacks {needle:?}:\n{out}");
    }
    let (_, out) = cli(&["404"]);
    assert!(
        out.contains("also: SIP 404 Not Found"),
        "a bare number names the other protocols"
    );
    let (_, out) = cli(&["search", "--json", "404"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let protocols: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "404")
        .map(|r| r["protocol"].as_str().unwrap())
        .collect();
    assert_eq!(protocols, ["http", "sip"]);
}
