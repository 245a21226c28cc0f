//! Library benchmarks, each beside a peer measured in the same run so the
//! report can give ratios: search (per-query p50, p99 and slowest over the
//! relevance set plus adversarial queries, and the whole mix) against a plain
//! substring scan, one
//! comparison against serialising the same two entries, loading the
//! catalog against parsing its TOML without validation, the catalog access
//! a process pays at start-up (decoding the prebuilt catalog) against the
//! loading and validation it replaced, and explaining a
//! transcript against a byte scan for three-digit numbers, at two sizes so
//! the two ratios show whether the time grows linearly.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use statusatlas::catalog::{Entry, Protocol, catalog, load_embedded};
use statusatlas::compare;
use statusatlas::search;
use std::time::{Duration, Instant};

/// The judged queries of tests/data/search-relevance.tsv: (query,
/// protocol, expected id).
fn relevance_set() -> Vec<(String, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/search-relevance.tsv");
    std::fs::read_to_string(path)
        .expect("tests/data/search-relevance.tsv is readable")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0].to_string(), cols[1].to_string(), cols[2].to_string())
        })
        .collect()
}

fn relevance_queries() -> Vec<String> {
    relevance_set().into_iter().map(|(q, _, _)| q).collect()
}

/// MRR, top-1 and top-3 of the ranking over the relevance set.
fn relevance_scores() -> serde_json::Value {
    let set = relevance_set();
    let (mut rr, mut top1, mut top3) = (0.0, 0, 0);
    for (q, protocol, id) in &set {
        let outcome = search::index().search(q, 10);
        if let Some(r) = outcome.results.iter().position(|h| h.entry.protocol.slug() == protocol && &h.entry.id == id) {
            rr += 1.0 / (r as f64 + 1.0);
            top1 += usize::from(r == 0);
            top3 += usize::from(r < 3);
        }
    }
    let n = set.len() as f64;
    serde_json::json!({ "mrr": rr / n, "top1": top1 as f64 / n, "top3": top3 as f64 / n })
}

/// Input meant to be expensive: many words, long words, repeated
/// characters, many short prefixes, a typo in every word, and far more than
/// the length limit.
fn adversarial_queries() -> Vec<String> {
    let nonsense: Vec<String> = (0..28).map(|i| format!("qzx{}vwk{}pl", i * 7, i * 13)).collect();
    vec![
        nonsense.join(" "),
        nonsense[..12].join(" "),
        "a".repeat(search::MAX_QUERY_CHARS),
        "x".repeat(50_000),
        "ab ".repeat(100),
        "aaaaaaaa bbbbbbbb cccccccc dddddddd eeeeeeee ffffffff gggggggg hhhhhhhh".into(),
        "re co se pr in de un ma no ex tr st".into(),
        "r e c o s p i n d u m t".into(),
        "gatway timout unathorized forbiden servce unavailabel requst entitty permision acess denide".into(),
        "unauthorizedd authenticationn configurationn implementationn negotiationn precondditionn".into(),
        "aa-ab-ac-ad-ae-af-ag-ah-ai-aj-ak-al-am-an-ao-ap-aq-ar-as-at-au-av-aw-ax-ay-az".into(),
        "%00 <script>alert(1)</script> ' OR 1=1 -- ../../etc/passwd".into(),
        "5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5".into(),
        "4".repeat(search::MAX_QUERY_CHARS),
    ]
}

/// The peer: what a plain search does, a substring scan of the phrases.
fn substring_scan(entries: &[&Entry], q: &str) -> usize {
    let q = q.to_lowercase();
    entries.iter().filter(|e| e.code == q || e.phrase.to_lowercase().contains(&q)).count()
}

/// Each query's own time: the median of `reps` runs.
fn per_query(queries: &[String], reps: usize, mut f: impl FnMut(&str)) -> Vec<Duration> {
    queries
        .iter()
        .map(|q| {
            let mut runs: Vec<Duration> = (0..reps)
                .map(|_| {
                    let t = Instant::now();
                    f(black_box(q));
                    t.elapsed()
                })
                .collect();
            runs.sort();
            runs[reps / 2]
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// p50, p99 and the slowest query of the relevance set plus the adversarial
/// queries, for statusatlas and for the peer, alternating A B A B; written
/// to target/search-latency.json for bench/lib/run.
fn search_latency(_: &mut Criterion) {
    let index = search::index();
    let entries: Vec<&Entry> = catalog().entries().collect();
    let mut queries = relevance_queries();
    let relevance = queries.len();
    queries.extend(adversarial_queries());
    // Warm up: the first correction builds the typo index once.
    for q in &queries {
        black_box(index.search(q, 10));
    }
    let mut ours: Vec<Duration> = Vec::new();
    let mut peer: Vec<Duration> = Vec::new();
    for _ in 0..2 {
        ours.extend(per_query(&queries, 101, |q| {
            black_box(index.search(q, 10));
        }));
        peer.extend(per_query(&queries, 101, |q| {
            black_box(substring_scan(&entries, q));
        }));
    }
    let stats = |v: &mut Vec<Duration>| {
        v.sort();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        serde_json::json!({
            "p50_us": us(percentile(v, 0.50)),
            "p99_us": us(percentile(v, 0.99)),
            "max_us": us(*v.last().unwrap()),
        })
    };
    let (slowest_us, slowest) = queries
        .iter()
        .map(|q| {
            let t = per_query(std::slice::from_ref(q), 101, |q| {
                black_box(index.search(q, 10));
            })[0];
            (t.as_secs_f64() * 1e6, q.chars().take(60).collect::<String>())
        })
        .fold((0.0, String::new()), |a, b| if b.0 > a.0 { b } else { a });
    let report = serde_json::json!({
        "queries": queries.len(),
        "relevance": relevance,
        "adversarial": queries.len() - relevance,
        "statusatlas": stats(&mut ours),
        "peer": stats(&mut peer),
        "slowest_query": slowest,
        "slowest_us": slowest_us,
        "relevance_scores": relevance_scores(),
    });
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/target/search-latency.json");
    std::fs::write(out, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("search latency: {report}");
}

fn search_mix(c: &mut Criterion) {
    let index = search::index();
    let entries: Vec<&Entry> = catalog().entries().collect();
    let mut queries = relevance_queries();
    queries.extend(adversarial_queries());
    let mut group = c.benchmark_group("search");
    group.bench_function("statusatlas search (relevance and adversarial)", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(index.search(black_box(q), 10));
            }
        })
    });
    group.bench_function("peer: substring scan (relevance and adversarial)", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(substring_scan(&entries, black_box(q)));
            }
        })
    });
    group.finish();
}

/// What the first search of a process pays: the token tables and, on the
/// first correction, the typo index.
fn index_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("search-index");
    group.sample_size(20);
    group.bench_function("statusatlas build search index with typo index", |b| {
        b.iter(|| {
            let index = search::SearchIndex::new(catalog());
            black_box(index.search("teapto", 1).results.len())
        })
    });
    group.bench_function("peer: split every phrase, alias and summary into words", |b| {
        b.iter(|| {
            let mut n = 0;
            for e in catalog().entries() {
                for text in std::iter::once(&e.phrase).chain(&e.aliases).chain(std::iter::once(&e.summary)) {
                    n += text.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).filter(|w| !w.is_empty()).count();
                }
            }
            black_box(n)
        })
    });
    group.finish();
}

fn one_comparison(c: &mut Criterion) {
    let a = catalog().get(Protocol::Http, "101").unwrap();
    let b = catalog().get(Protocol::Http, "407").unwrap();
    let mut group = c.benchmark_group("compare");
    group.bench_function("statusatlas compare 101 vs 407", |bench| {
        bench.iter(|| black_box(compare::compare(catalog(), black_box(a), black_box(b)).unwrap()))
    });
    group.bench_function("peer: serialise both entries to JSON", |bench| {
        bench.iter(|| black_box((serde_json::to_string(a).unwrap(), serde_json::to_string(b).unwrap())))
    });
    group.finish();
}

fn every_http_pair(c: &mut Criterion) {
    let http = &catalog().protocol(Protocol::Http).unwrap().entries;
    let mut group = c.benchmark_group("compare-all");
    group.sample_size(10);
    group.bench_function("statusatlas compare every HTTP pair", |b| {
        b.iter(|| {
            for (i, a) in http.iter().enumerate() {
                for e in &http[i + 1..] {
                    black_box(compare::compare(catalog(), a, e).unwrap());
                }
            }
        })
    });
    group.bench_function("peer: serialise every HTTP pair's entries to JSON", |b| {
        b.iter(|| {
            for (i, a) in http.iter().enumerate() {
                for e in &http[i + 1..] {
                    black_box((serde_json::to_string(a).unwrap(), serde_json::to_string(e).unwrap()));
                }
            }
        })
    });
    group.finish();
}

/// What a process pays before its first answer: decoding the catalog that
/// build.rs validated, beside loading and validating the TOML as every
/// process did before.
fn catalog_startup(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");
    group.sample_size(20);
    group.bench_function("statusatlas decode the prebuilt catalog", |b| {
        b.iter(|| {
            // Every part: the whole catalog, as the first full scan pays.
            let c = statusatlas::catalog::load_prebuilt();
            black_box(c.entries().count() + c.pairs().len() + c.situations().len() + c.ecosystems().len());
            black_box(c)
        })
    });
    group.bench_function("peer: load and validate the TOML data files", |b| b.iter(|| black_box(load_embedded().unwrap())));
    group.finish();
}

fn catalog_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(20);
    group.bench_function("statusatlas load and validate every data file", |b| b.iter(|| black_box(load_embedded().unwrap())));
    group.bench_function("peer: parse the same TOML into toml::Table", |b| {
        b.iter(|| {
            for (_, _, text) in statusatlas::catalog::EMBEDDED {
                black_box(text.parse::<toml::Table>().unwrap());
            }
        })
    });
    group.finish();
}

}

/// The text samples of the explain corpus, repeated up to `size` bytes.
fn transcripts(size: usize) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/explain-corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let samples: Vec<String> = names
        .iter()
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("txt" | "log" | "eml")))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut text = String::new();
    'fill: loop {
        for s in &samples {
            if text.len() + s.len() > size {
                break 'fill;
            }
            text.push_str(s);
        }
    }
    text
}

/// The peer: lines that hold a three-digit number, found by a byte scan.
fn lines_with_three_digits(text: &str) -> usize {
    text.split('\n')
        .filter(|l| l.as_bytes().windows(3).any(|w| w.iter().all(u8::is_ascii_digit)))
        .count()
}

fn explain_transcripts(c: &mut Criterion) {
    for (group, size) in [("explain-256k", 256 * 1024), ("explain-1m", 1024 * 1024)] {
        let text = transcripts(size);
        let mut g = c.benchmark_group(group);
        g.sample_size(20);
        g.bench_function("statusatlas explain", |b| {
            b.iter(|| black_box(statusatlas::explain::explain(black_box(text.as_bytes())).unwrap()))
        });
        g.bench_function("peer: byte scan for lines with three digits", |b| {
            b.iter(|| black_box(lines_with_three_digits(black_box(&text))))
        });
        g.finish();
    }
}

criterion_group!(benches, search_latency, search_mix, index_build, one_comparison, every_http_pair, catalog_startup, catalog_load, explain_transcripts);
criterion_main!(benches);
