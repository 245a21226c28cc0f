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

/// One line of tests/data/search-relevance.tsv.
struct Judgement {
    query: String,
    protocol: Protocol,
    id: String,
}

fn relevance_set() -> Vec<Judgement> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/search-relevance.tsv"
    );
    let text = std::fs::read_to_string(path).expect("the relevance set is readable");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "four tab-separated columns: {l:?}");
            Judgement {
                query: cols[0].to_string(),
                protocol: Protocol::from_slug(cols[1]).unwrap_or_else(|| panic!("{l:?}")),
                id: cols[2].to_string(),
            }
        })
        .collect()
}

#[test]
fn the_relevance_set_finds_the_intended_code_in_the_top_three() {
    let set = relevance_set();
    assert!(set.len() >= 150, "{} queries", set.len());
    let (mut reciprocal, mut top1, mut top3) = (0.0, 0usize, 0usize);
    let mut misses = Vec::new();
    for j in &set {
        // Every expected answer is a real catalog entry.
        assert!(
            catalog().get(j.protocol, &j.id).is_some(),
            "{:?} expects {} {} which is not in the catalog",
            j.query,
            j.protocol.slug(),
            j.id
        );
        let outcome = search::index().search(&j.query, 10);
        let rank = outcome
            .results
            .iter()
            .position(|h| h.entry.protocol == j.protocol && h.entry.id == j.id);
        match rank {
            Some(r) => {
                reciprocal += 1.0 / (r as f64 + 1.0);
                top1 += usize::from(r == 0);
                top3 += usize::from(r < 3);
                if r > 0 {
                    misses.push(format!("{:?} -> rank {}", j.query, r + 1));
                }
            }
            None => misses.push(format!("{:?} -> not in the top 10", j.query)),
        }
    }
    let n = set.len() as f64;
    let (mrr, p1, p3) = (reciprocal / n, top1 as f64 / n, top3 as f64 / n);
    println!(
        "relevance over {} queries: MRR {mrr:.3}, top-1 {p1:.3}, top-3 {p3:.3}",
        set.len()
    );
    for m in &misses {
        println!("  {m}");
    }
    assert!(
        p3 >= 0.95,
        "top-3 {p3:.3} < 0.95; misses:\n{}",
        misses.join("\n")
    );
}

#[test]
fn typo_correction_keeps_the_meaning() {
    // "mny" is one edit from both "any" and "many"; only "many" occurs with
    // the other words, so the meaning survives and HTTP 429 comes first.
    let o = search::index().search("too mny requets", 5);
    assert_eq!(o.did_you_mean.as_deref(), Some("too many requests"));
    assert_eq!(o.results[0].entry.protocol, Protocol::Http);
    assert_eq!(o.results[0].entry.code, "429");
    // Words that occur in the catalog are real and never replaced, even when
    // no entry has them all.
    let o = search::index().search("teapot gateway", 5);
    assert_eq!(o.did_you_mean, None);
    assert!(!o.results.is_empty());
    // A word typed without its space.
    let o = search::index().search("ratelimited", 5);
    assert_eq!(o.did_you_mean.as_deref(), Some("rate limited"));
    assert_eq!(o.results[0].entry.code, "429");
}

#[test]
fn older_registered_names_find_their_code() {
    for (q, want) in [
        ("Request Entity Too Large", "413"),
        ("Payload Too Large", "413"),
        ("Request-URI Too Long", "414"),
        ("Request-URI Too Large", "414"),
        ("Requested Range Not Satisfiable", "416"),
        ("Unprocessable Entity", "422"),
        ("Moved Temporarily", "302"),
        ("Request Time-out", "408"),
        ("Gateway Time-out", "504"),
    ] {
        let o = search::index().search(q, 3);
        let first = &o.results[0].entry;
        assert_eq!(
            (first.protocol, first.code.as_str()),
            (Protocol::Http, want),
            "{q:?}"
        );
    }
}

#[test]
fn codes_with_filler_words_are_codes() {
    for q in [
        "error 404",
        "404 error",
        "http error 503",
        "status code 429",
    ] {
        let o = search::index().search(q, 3);
        assert_eq!(o.results[0].matched, MatchKind::Code, "{q:?}");
    }
}

#[test]
fn queries_are_cut_to_the_length_and_word_limits() {
    let many: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
    let o = search::index().search(&many.join(" "), 10);
    assert_eq!(
        o.query.split(' ').count(),
        search::MAX_QUERY_WORDS,
        "{}",
        o.query
    );
    let long = "timeout ".repeat(100);
    let o = search::index().search(&long, 10);
    assert!(o.query.chars().count() <= search::MAX_QUERY_CHARS);
    assert!(!o.results.is_empty());
    // Long words, repeated characters and many distinct short words find
    // nothing they should not and stay within the limits.
    for q in [
        "a".repeat(5_000),
        "ab ".repeat(300),
        (b'a'..=b'z')
            .map(|c| format!("{}x", c as char))
            .collect::<Vec<_>>()
            .join("-"),
        "unauthorizedunauthorizedunauthorized".to_string(),
    ] {
        let o = search::index().search(&q, 10);
        assert!(o.query.chars().count() <= search::MAX_QUERY_CHARS);
        assert!(o.results.len() <= 10);
    }
}

#[test]
fn a_partial_match_after_correction_says_what_was_searched() {
    // "qqqq" stays unknown, "gatway" is corrected; the partial match uses
    // the corrected word and says so.
    let o = search::index().search("qqqq gatway timout", 5);
    assert_eq!(o.did_you_mean.as_deref(), Some("qqqq gateway timeout"));
    assert_eq!(o.results[0].entry.code, "504");
    assert_eq!(o.results[0].matched, MatchKind::Fuzzy);
}

#[test]
fn a_code_with_its_phrase_finds_that_code_first() {
    let index = statusatlas::search::SearchIndex::new(catalog());
    for (q, protocol, code) in [
        ("404 Not Found", Protocol::Http, "404"),
        ("HTTP/1.1 503 Service Unavailable", Protocol::Http, "503"),
        ("sip 404 not found", Protocol::Sip, "404"),
    ] {
        let out = index.search(q, 10);
        let first = out
            .results
            .first()
            .unwrap_or_else(|| panic!("{q}: no result"));
        assert_eq!(
            (first.entry.protocol, first.entry.code.as_str()),
            (protocol, code),
            "{q}"
        );
    }
}
