//! The command line's output, pinned by snapshots: a card, a comparison, a
//! search, a class list, and the JSON documents of a lookup and an error.
//! Output is read from a pipe, so it has no colour and wraps at 80 columns.

use std::process::Command;

/// Runs the binary with `args` and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .output()
        .expect("the binary runs");
    (
        o.status.code(),
        String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    )
}

#[test]
fn text_output_matches_its_snapshots() {
    for (name, args) in [
        ("cli-card-http-407", &["407"][..]),
        ("cli-card-smtp-5.7.1", &["smtp", "5.7.1"][..]),
        (
            "cli-compare-http-101-vs-407",
            &["compare", "101", "407"][..],
        ),
        (
            "cli-compare-grpc-14-vs-http-503",
            &["compare", "grpc", "14", "http", "503"][..],
        ),
        ("cli-search-too-many", &["search", "too", "many"][..]),
        (
            "cli-list-http-4xx",
            &["list", "--protocol", "http", "--class", "4xx"][..],
        ),
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!out.contains('\u{1b}'), "{args:?}: no colour on a pipe");
        crate::support::snapshot(name, &out);
    }
}

#[test]
fn json_output_matches_its_snapshots() {
    for (name, args, exit) in [
        ("cli-json-lookup-http-407", &["--json", "407"][..], 0),
        (
            "cli-json-compare-http-404-vs-410",
            &["compare", "--json", "404", "410"][..],
            0,
        ),
        (
            "cli-json-not-found-http-299",
            &["--json", "http", "299"][..],
            1,
        ),
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, Some(exit), "{args:?}: {err}");
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"));
        crate::support::snapshot(name, &out);
    }
}

#[test]
fn a_not_found_message_on_stderr_matches_its_snapshot() {
    let (code, out, err) = run(&["http", "299"]);
    assert_eq!(code, Some(1));
    assert!(out.is_empty(), "nothing on stdout: {out}");
    crate::support::snapshot("cli-not-found-http-299", &err);
}
