//! Explaining pasted transcripts: precision and recall over the corpus in
//! tests/explain-corpus (each sample beside its expected findings), the
//! diagnosis, bad input, and the `explain` command run as a real process.

use statusatlas::explain::{ExplainError, MAX_INPUT_BYTES, Verdict, explain};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explain-corpus")
}

/// (sample, expected) file pairs: every file beside a `.expected` file.
fn samples() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus_dir()).expect("the corpus folder") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".expected") || name == "README.md" {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let expected = corpus_dir().join(format!("{stem}.expected"));
        assert!(expected.is_file(), "{name} has no {stem}.expected");
        out.push((path, expected));
    }
    out.sort();
    out
}

type Key = (usize, String, String);

/// `LINE PROTOCOL CODE  # comment` lines; the code is the catalog id.
fn expected_keys(path: &Path) -> BTreeSet<Key> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "{}: bad line {l:?}", path.display());
            (
                parts[0].parse().unwrap(),
                parts[1].to_string(),
                parts[2].to_string(),
            )
        })
        .collect()
}

fn found_keys(input: &[u8]) -> BTreeSet<Key> {
    let x = explain(input).unwrap_or_else(|e| panic!("{e}"));
    x.findings
        .iter()
        .map(|f| {
            (
                f.line,
                f.protocol.slug().to_string(),
                f.id.clone().unwrap_or_else(|| f.code.clone()),
            )
        })
        .collect()
}

#[test]
fn corpus_precision_and_recall() {
    let samples = samples();
    assert!(samples.len() >= 60, "only {} samples", samples.len());
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut report = String::new();
    for (sample, expected) in &samples {
        let want = expected_keys(expected);
        let got = found_keys(&std::fs::read(sample).unwrap());
        let hits = want.intersection(&got).count();
        let extra: Vec<&Key> = got.difference(&want).collect();
        let missed: Vec<&Key> = want.difference(&got).collect();
        tp += hits;
        fp += extra.len();
        fn_ += missed.len();
        if !extra.is_empty() || !missed.is_empty() {
            let name = sample.file_name().unwrap().to_string_lossy();
            report.push_str(&format!("{name}: extra {extra:?} missed {missed:?}\n"));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "explain corpus: {} samples, {tp} true positives, {fp} false positives, {fn_} missed; precision {precision:.4}, recall {recall:.4}\n{report}",
        samples.len()
    );
    assert!(tp > 150, "the corpus expects too few codes: {tp}");
    assert!(precision >= 0.98, "precision {precision:.4}\n{report}");
    assert!(recall >= 0.95, "recall {recall:.4}\n{report}");
}
