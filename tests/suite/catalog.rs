//! The catalog: validation, agreement with the registries row by row, and
//! how widely constants are named (checks against the libraries themselves
//! are in `constants`).

use crate::support::{registries_dir, registry_rows};
use statusatlas::catalog::{Entry, Protocol, Status, catalog, load_embedded, load_from_sources};
use std::collections::BTreeMap;

fn http() -> Vec<&'static Entry> {
    catalog()
        .protocol(Protocol::Http)
        .expect("HTTP data")
        .entries
        .iter()
        .collect()
}

#[test]
fn embedded_catalog_passes_validation() {
    if let Err(e) = load_embedded() {
        panic!("the embedded catalog is invalid:\n{e}");
    }
}

/// The catalog a process uses is the one the build script wrote; it must
/// say exactly what loading the data files says, field for field.
#[test]
fn prebuilt_catalog_equals_the_data_files() {
    use statusatlas::catalog::Catalog;
    let loaded = load_embedded().expect("the data files load");
    let prebuilt = statusatlas::catalog::load_prebuilt();
    let as_json = |c: &Catalog| {
        let protocols: Vec<_> = c
            .protocols()
            .map(|p| (p.protocol, &p.entries, &p.variants))
            .collect();
        serde_json::to_value((protocols, c.pairs(), c.situations(), c.ecosystems())).unwrap()
    };
    let (a, b) = (as_json(&loaded), as_json(&prebuilt));
    assert!(a[0].as_array().is_some_and(|p| p.len() == 7), "{}", a[0]);
    assert!(a == b, "the prebuilt catalog differs from the data files");
    // Lookups go through the prebuilt id index: every id, variants included.
    for codes in prebuilt.protocols() {
        for e in codes.entries.iter().chain(&codes.variants) {
            let found = prebuilt
                .get(codes.protocol, &e.id)
                .map(|f| (&f.id, &f.phrase));
            assert_eq!(
                found,
                Some((&e.id, &e.phrase)),
                "{} {}",
                codes.protocol.slug(),
                e.id
            );
        }
        assert!(prebuilt.get(codes.protocol, "no-such-id").is_none());
    }
    // The prebuilt numbers table finds what a scan of every entry finds.
    for e in loaded.entries() {
        let scan: Vec<(Protocol, &str)> = loaded
            .entries()
            .filter(|o| {
                o.protocol != e.protocol && o.code == e.code && o.status != Status::Unofficial
            })
            .filter(|o| o.code.len() == 3 && o.code.bytes().all(|b| b.is_ascii_digit()))
            .filter(|_| e.code.len() == 3 && e.code.bytes().all(|b| b.is_ascii_digit()))
            .map(|o| (o.protocol, o.id.as_str()))
            .collect();
        let table: Vec<(Protocol, &str)> = prebuilt
            .same_number_elsewhere(prebuilt.get(e.protocol, &e.id).unwrap())
            .iter()
            .map(|o| (o.protocol, o.id.as_str()))
            .collect();
        assert_eq!(table, scan, "{} {}", e.protocol.slug(), e.id);
    }
}

/// Every registry copy names where it comes from and when it was taken, and
/// the refresh script knows every file.
#[test]
fn every_registry_copy_has_its_provenance() {
    let dir = registries_dir();
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("data/registries/README.md");
    let script = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/refresh-registries"),
    )
    .expect("scripts/refresh-registries");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "every registry file: {files:?}");
    for name in &files {
        let heading = format!("## {name}");
        let section = readme
            .split("\n## ")
            .map(|s| format!("## {s}"))
            .find(|s| s.lines().next() == Some(heading.as_str()))
            .unwrap_or_else(|| panic!("data/registries/README.md has no section {heading}"));
        let field = |key: &str| {
            section
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::trim)
                .unwrap_or_else(|| panic!("{name}: no {key:?} line"))
                .to_string()
        };
        assert!(
            field("Source:").contains("https://"),
            "{name}: the source is a URL"
        );
        let date = field("Taken:");
        let parts: Vec<&str> = date.split('-').collect();
        assert!(
            parts.len() == 3
                && parts[0].len() == 4
                && parts.iter().all(|p| p.parse::<u32>().is_ok()),
            "{name}: the date is YYYY-MM-DD, not {date:?}"
        );
        let rows = registry_rows(name);
        assert!(!rows.is_empty(), "{name} has rows");
        assert!(
            script.contains(name.as_str()),
            "the refresh script handles {name}"
        );
    }
}

#[test]
fn http_agrees_with_the_iana_registry_row_by_row() {
    let rows = registry_rows("http.csv");
    let registered: Vec<&Entry> = http()
        .into_iter()
        .filter(|e| e.status != Status::Unofficial)
        .collect();
    assert_eq!(registered.len(), rows.len(), "one entry per registry row");
    for (row, e) in rows.iter().zip(&registered) {
        assert_eq!(e.code, row["code"], "order and codes follow the registry");
        assert_eq!(e.phrase, row["phrase"], "phrase of {}", e.code);
        assert_eq!(e.reference, row["reference"], "reference of {}", e.code);
        assert_eq!(e.id, e.code, "a registered code is its own id");
        let expected_status = match (row["status"].as_str(), row["phrase"].as_str()) {
            ("temporary", _) => vec![Status::Temporary],
            (_, "(Unused)") => vec![Status::Unused],
            _ => vec![Status::Standard, Status::Deprecated],
        };
        assert!(
            expected_status.contains(&e.status),
            "status of {}: {:?}",
            e.code,
            e.status
        );
    }
    // The names RFC 9110 settled on, spelled out because they are the ones peers get wrong.
    let phrase = |c: &str| {
        registered
            .iter()
            .find(|e| e.code == c)
            .map(|e| e.phrase.as_str())
    };
    assert_eq!(phrase("413"), Some("Content Too Large"));
    assert_eq!(phrase("422"), Some("Unprocessable Content"));
    assert_eq!(
        registered
            .iter()
            .find(|e| e.code == "104")
            .map(|e| e.status),
        Some(Status::Temporary)
    );
    assert_eq!(
        registered
            .iter()
            .find(|e| e.code == "306")
            .map(|e| e.status),
        Some(Status::Unused)
    );
    assert_eq!(
        registered
            .iter()
            .find(|e| e.code == "418")
            .map(|e| e.status),
        Some(Status::Unused)
    );
}

#[test]
fn http_vendor_codes_agree_with_the_unofficial_registry() {
    let rows = registry_rows("http-unofficial.csv");
    let vendor: Vec<&Entry> = http()
        .into_iter()
        .filter(|e| e.status == Status::Unofficial)
        .collect();
    assert_eq!(
        vendor.len(),
        rows.len(),
        "one entry per unofficial row, duplicates kept"
    );
    for (row, e) in rows.iter().zip(&vendor) {
        assert_eq!(e.code, row["code"]);
        assert_eq!(e.phrase, row["phrase"], "phrase of {}", e.id);
        assert_eq!(
            e.vendor.as_deref(),
            Some(row["vendor"].as_str()),
            "vendor of {}",
            e.id
        );
        assert_ne!(e.id, e.code, "vendor codes have their own id");
    }
    // Codes with two vendor meanings keep both.
    for (code, n) in [("420", 2), ("430", 2), ("499", 2), ("530", 3)] {
        assert_eq!(
            vendor.iter().filter(|e| e.code == code).count(),
            n,
            "meanings of {code}"
        );
    }
}

#[test]
fn every_http_code_has_complete_prose_and_facts() {
    for e in http() {
        assert!(
            !e.summary.is_empty() && !e.description.is_empty() && !e.when_you_see_it.is_empty(),
            "{}",
            e.id
        );
        assert!(!e.how_to_fix.parts().is_empty(), "{} has fixes", e.id);
        assert!(e.cacheable.is_some(), "{} states cacheability", e.id);
        assert!(!e.related.is_empty(), "{} has related codes", e.id);
        assert!(!e.sent_by.is_empty(), "{} says who sends it", e.id);
        assert!(!e.spec.is_empty(), "{} has a spec reference", e.id);
        if e.status != Status::Unofficial {
            assert!(
                e.spec.iter().any(|s| s.url.is_some()),
                "{} links its spec",
                e.id
            );
        }
    }
    let cacheable: Vec<&str> = http()
        .into_iter()
        .filter(|e| e.cacheable == Some(true))
        .map(|e| e.code.as_str())
        .collect();
    // RFC 9110 Section 15.1's list, plus 451 (RFC 7725 Section 3).
    assert_eq!(
        cacheable,
        [
            "200", "203", "204", "206", "300", "301", "308", "404", "405", "410", "414", "451",
            "501"
        ]
    );
}

const WEBSOCKET: &str = include_str!("../../data/websocket.toml");

fn load_websocket(toml: &str) -> Result<(), String> {
    load_from_sources(
        &[(Protocol::Websocket, "websocket.toml", toml)],
        ("pairs.toml", "pair = []"),
        ("situations.toml", "situation = []"),
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// The WebSocket data with the first line starting with `prefix` replaced.
fn with_first_line(prefix: &str, replacement: &str) -> String {
    let mut done = false;
    WEBSOCKET
        .lines()
        .map(|line| {
            if !done && line.starts_with(prefix) {
                done = true;
                replacement.to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn validation_accepts_good_data_and_names_each_defect() {
    load_websocket(WEBSOCKET).expect("the real data loads");
    let cases = [
        (
            with_first_line("summary = ", "summary = \"The the close is normal.\""),
            "repeats the word",
        ),
        (
            with_first_line("related = ", "related = [\"9999\"]"),
            "does not exist",
        ),
        (
            with_first_line("when_you_see_it = ", "when_you_see_it = \"\""),
            "is empty",
        ),
        (
            with_first_line("description = ", "description = \"It ended .\""),
            "dangling",
        ),
        (
            with_first_line("description = ", "description = \"It is a error.\""),
            "before \"error\"",
        ),
        (
            with_first_line("retry = ", "retry = \"whenever\""),
            "unknown variant",
        ),
        (
            with_first_line("status = ", "status = \"unofficial\""),
            "vendor is required",
        ),
        (
            with_first_line("phrase = ", "phrase = \"Normal closure\""),
            "no entry for websocket.csv row 1000",
        ),
        (
            with_first_line("sendable = ", "sendable = false"),
            "sendable is Some(\"no\")",
        ),
        (
            WEBSOCKET.replacen("id = \"1001\"", "id = \"1000\"", 1),
            "used twice",
        ),
        (
            with_first_line("sent_by = ", "sent_by = [\"the-server\"]"),
            "unknown variant `the-server`",
        ),
        (
            with_first_line("sent_by = ", "sent_by = [\"registrar\"]"),
            "is not a WebSocket role",
        ),
        (
            with_first_line("retry = ", "kind = \"rcode\"\nretry = \"not-needed\""),
            "kind Rcode is not one of WebSocket's",
        ),
        (
            with_first_line("retry = ", "kind = \"extended\"\nretry = \"not-needed\""),
            "unknown variant `extended`",
        ),
    ];
    for (toml, expected) in cases {
        assert_ne!(toml, WEBSOCKET, "the case {expected:?} changes the data");
        let err = load_websocket(&toml).expect_err(expected);
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }
}

#[test]
fn validation_checks_http_phrases_against_the_registry() {
    let http =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/http.toml")).unwrap();
    let tampered = http.replacen(
        "phrase = \"Content Too Large\"",
        "phrase = \"Payload Too Large\"",
        1,
    );
    assert_ne!(http, tampered);
    let err = load_from_sources(
        &[(Protocol::Http, "http.toml", &tampered)],
        ("pairs.toml", "pair = []"),
        ("situations.toml", "situation = []"),
    )
    .expect_err("a phrase that differs from the registry is refused")
    .to_string();
    assert!(err.contains("no entry for http.csv row 413"), "{err}");
    assert!(err.contains("Payload Too Large"), "{err}");
}

#[test]
fn registered_codes_name_constants_in_many_ecosystems() {
    let mut per_ecosystem: BTreeMap<&str, usize> = BTreeMap::new();
    for e in http()
        .into_iter()
        .filter(|e| e.status != Status::Unofficial)
    {
        for k in e.constants.keys() {
            *per_ecosystem.entry(k.as_str()).or_default() += 1;
        }
    }
    let http_keys = catalog()
        .ecosystems()
        .iter()
        .filter(|e| e.protocol == Protocol::Http)
        .map(|e| e.key.as_str())
        .collect::<Vec<_>>();
    for &key in &http_keys {
        assert!(
            per_ecosystem.get(key).copied().unwrap_or(0) >= 40,
            "{key}: {per_ecosystem:?}"
        );
    }
    let full = catalog().get(Protocol::Http, "404").unwrap();
    assert_eq!(
        full.constants.len(),
        http_keys.len(),
        "404 is named by every HTTP ecosystem"
    );
}

#[test]
fn every_class_comes_from_its_protocol_table() {
    for codes in catalog().protocols() {
        let p = codes.protocol;
        let digits: Vec<char> = p.classes().iter().map(|c| c.digit).collect();
        assert!(
            digits.windows(2).all(|w| w[0] < w[1]),
            "{p}: one row per digit, in order"
        );
        for e in &codes.entries {
            match &e.class {
                Some(class) => {
                    let row = e
                        .class_def()
                        .unwrap_or_else(|| panic!("{p} {} has a row", e.id));
                    assert_eq!(class.name, row.name, "{p} {}", e.id);
                    assert!(class.key.starts_with(row.digit), "{p} {}", e.id);
                    assert_eq!(e.outcome(), row.outcome, "{p} {}", e.id);
                }
                None if e.kind.is_none() && e.status != Status::Unofficial => assert!(
                    p.classes().is_empty(),
                    "{p} {}: a registered code of a protocol with classes has one",
                    e.id
                ),
                None => {}
            }
        }
    }
}
