//! Library benchmarks, each beside a peer measured in the same run so the
//! report can give ratios: search against a plain substring scan, one
//! comparison against serialising the same two entries, loading the
//! catalog against parsing its TOML without validation, and explaining a
//! transcript against a byte scan for three-digit numbers, at two sizes so
//! the two ratios show whether the time grows linearly.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use statusatlas::catalog::{Protocol, catalog, load_embedded};
use statusatlas::compare;
use statusatlas::search;

/// Codes, prefixes, classes, phrases, aliases, fuzzy words and typos.
const QUERIES: &[&str] = &["404", "40", "4xx", "smtp 5.7.1", "too many", "proxy auth", "teapot", "gatway timout", "nxdomain", "unavailable", "mailbox full", "unathorized"];

fn search_mix(c: &mut Criterion) {
    let index = search::index();
    let entries: Vec<_> = catalog().entries().collect();
    let mut group = c.benchmark_group("search");
    group.bench_function("statusatlas ranked search (12-query mix)", |b| {
        b.iter(|| {
            for q in QUERIES {
                black_box(index.search(black_box(q), 10));
            }
        })
    });
    group.bench_function("peer: substring scan of phrases (12-query mix)", |b| {
        b.iter(|| {
            for q in QUERIES {
                let q = q.to_lowercase();
                black_box(entries.iter().filter(|e| e.code == q || e.phrase.to_lowercase().contains(&q)).count());
            }
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

criterion_group!(benches, search_mix, one_comparison, every_http_pair, catalog_load, explain_transcripts);
criterion_main!(benches);
