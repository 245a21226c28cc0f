//! Search ranking through the library, the same function the CLI, the
//! website and the API call.

use statusatlas::catalog::{Protocol, catalog};
use statusatlas::search::{self, MatchKind, SearchIndex};

fn top(q: &str) -> Vec<String> {
    search::index()
        .search(q, 5)
        .results
        .iter()
        .map(|h| h.entry.id.clone())
        .collect()
}

#[test]
fn exact_codes_come_first() {
    assert_eq!(top("404")[0], "404");
    assert_eq!(top("http 503")[0], "503");
    assert_eq!(
        search::index().search("404", 5).results[0].matched,
        MatchKind::Code
    );
}

#[test]
fn prefixes_and_classes_list_their_codes_in_order() {
    let o = search::index().search("41", 100);
    let codes: Vec<&str> = o.results.iter().map(|h| h.entry.code.as_str()).collect();
    assert!(
        codes.starts_with(&["410", "411", "412", "413", "414"]),
        "{codes:?}"
    );
    let o = search::index().search("5xx", 100);
    assert!(o.results.iter().all(|h| h.entry.code.starts_with('5')));
    assert!(o.results.iter().any(|h| h.entry.code == "511"));
}

#[test]
fn words_phrases_and_aliases_rank_the_intended_code_first() {
    for (q, want) in [
        ("teapot", "418"),
        ("too many", "429"),
        ("too many requests", "429"),
        ("proxy auth", "407"),
        ("not found", "404"),
        ("gateway timeout", "504"),
        ("rate limit", "429"),
        ("payload too large", "413"),
        ("unprocessable entity", "422"),
    ] {
        assert_eq!(
            top(q).first().map(String::as_str),
            Some(want),
            "{q:?} -> {:?}",
            top(q)
        );
    }
}

#[test]
fn typos_are_corrected_with_did_you_mean() {
    let o = search::index().search("gatway timout", 5);
    assert_eq!(o.did_you_mean.as_deref(), Some("gateway timeout"));
    assert_eq!(o.results[0].entry.code, "504");
    let o = search::index().search("unathorized", 5);
    assert!(o.did_you_mean.is_some());
    assert_eq!(o.results[0].entry.code, "401");
}

#[test]
fn nonsense_and_hostile_queries_are_cheap_and_empty() {
    for q in [
        "",
        "   ",
        "qqqqzzzz",
        "<script>alert(1)</script>",
        "%00",
        "\u{0}",
        &"x".repeat(50_000),
    ] {
        let o = search::index().search(q, 10);
        assert!(o.query.chars().count() <= search::MAX_QUERY_CHARS);
        assert!(o.results.len() <= 10);
    }
    assert!(search::index().search("qqqqzzzz", 10).results.is_empty());
}

#[test]
fn limit_is_clamped() {
    assert_eq!(search::index().search("4xx", 0).results.len(), 1);
    assert!(search::index().search("http", 1000).results.len() <= search::MAX_LIMIT);
}

#[test]
fn an_index_built_afresh_ranks_like_the_shared_one() {
    let fresh = SearchIndex::new(catalog());
    let a: Vec<_> = fresh
        .search("proxy auth", 5)
        .results
        .iter()
        .map(|h| h.entry.id.clone())
        .collect();
    assert_eq!(a, top("proxy auth"));
    assert!(catalog().protocol(Protocol::Http).is_some());
}
