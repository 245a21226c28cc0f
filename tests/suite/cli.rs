//! The command line, run as a real process: lookups, comparisons, search,
//! lists, JSON shapes, colour rules, exit codes and hostile input.

use std::ffi::OsStr;
use std::io::Read;
use std::process::{Command, Output, Stdio};

fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn a_bare_code_prints_its_card() {
    let o = run(["407"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "HTTP 407 Proxy Authentication Required",
        "4xx Client Error",
        "RFC 9110, Section 15.5.8",
        "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.8",
        "What it means",
        "When you see it",
        "How to fix it",
        "Proxy-Authenticate",
        "401 Unauthorized",
        "http.StatusProxyAuthRequired",
        "HTTPStatus.PROXY_AUTHENTICATION_REQUIRED",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(
        !out.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn lookup_subcommand_and_protocol_prefix_agree_with_bare_form() {
    let bare = stdout(&run(["404"]));
    assert_eq!(stdout(&run(["lookup", "404"])), bare);
    assert_eq!(stdout(&run(["http", "404"])), bare);
    assert_eq!(stdout(&run(["lookup", "http", "404"])), bare);
}

#[test]
fn a_code_with_several_vendor_meanings_shows_each() {
    let out = stdout(&run(["420"]));
    assert!(
        out.contains("Enhance Your Calm") && out.contains("Method Failure"),
        "{out}"
    );
    let o = run(["--json", "420"]);
    assert_eq!(json(&o)["entries"].as_array().unwrap().len(), 2);
}

#[test]
fn two_codes_are_compared() {
    for args in [
        vec!["101", "407"],
        vec!["compare", "101", "407"],
        vec!["compare", "http", "407", "101"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        // Paragraphs are wrapped to the terminal width; unwrap them to compare.
        let out = stdout(&o).replace('\n', " ");
        assert!(
            out.contains("HTTP 101 Switching Protocols vs 407 Proxy Authentication Required"),
            "{out}"
        );
        assert!(out.contains("101 (Switching Protocols) is a 1xx Informational response, while 407 (Proxy Authentication Required) is a 4xx Client Error response."), "{out}");
        assert!(
            out.contains("Key differences") && out.contains("When to use which"),
            "{out}"
        );
    }
    let c = json(&run(["compare", "--json", "401", "403"]));
    assert_eq!(c["a"]["code"], "401");
    assert_eq!(c["b"]["code"], "403");
    assert!(c["curated"]["rule"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(c["facts"].as_array().is_some_and(|f| !f.is_empty()));
}

#[test]
fn search_ranks_codes_phrases_aliases_and_typos() {
    let first = |q: &[&str]| -> String {
        let mut args = vec!["search", "--json"];
        args.extend_from_slice(q);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{q:?}: {}", stderr(&o));
        let v = json(&o);
        format!(
            "{} {}",
            v["results"][0]["protocol"].as_str().unwrap(),
            v["results"][0]["id"].as_str().unwrap()
        )
    };
    assert_eq!(first(&["404"]), "http 404");
    assert_eq!(first(&["teapot"]), "http 418");
    assert_eq!(first(&["too", "many"]), "http 429");
    assert_eq!(first(&["proxy", "auth"]), "http 407");
    let v = json(&run(["search", "--json", "40"]));
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["code"].as_str().unwrap().starts_with("40"))
    );
    let v = json(&run(["search", "--json", "--limit", "100", "4xx"]));
    assert!(v["results"].as_array().unwrap().len() >= 29);
    let typo = run(["search", "teapto"]);
    assert_eq!(typo.status.code(), Some(0));
    assert!(stdout(&typo).contains("418"), "{}", stdout(&typo));
    assert_eq!(
        json(&run(["search", "--json", "teapto"]))["did_you_mean"],
        "teapot"
    );
}

#[test]
fn list_filters_by_protocol_and_class() {
    let v = json(&run([
        "list",
        "--json",
        "--protocol",
        "http",
        "--class",
        "4xx",
    ]));
    let codes = v["entries"].as_array().unwrap();
    assert_eq!(v["count"].as_u64().unwrap() as usize, codes.len());
    assert!(
        codes
            .iter()
            .all(|c| c["code"].as_str().unwrap().starts_with('4'))
    );
    assert!(codes.iter().any(|c| c["code"] == "407"));
    let text = stdout(&run(["list", "--class", "5xx"]));
    assert!(text.contains("503") && !text.contains(" 404 "));
    let bad = run(["list", "--protocol", "gopher"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let forced = run(["--color", "always", "404"]);
    assert!(stdout(&forced).contains('\u{1b}'), "--color always colours");
    let o = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(["--color", "always", "404"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        !stdout(&o).contains('\u{1b}'),
        "NO_COLOR wins over everything"
    );
}

#[test]
fn unknown_codes_fail_with_one_line_and_suggestions() {
    for input in ["299", "9999", "abc", "", "ZZZ-not-a-code"] {
        let o = run([input]);
        assert_eq!(o.status.code(), Some(1), "{input:?}");
        let err = stderr(&o);
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "one line for {input:?}: {err}"
        );
        assert!(err.starts_with("statusatlas: "), "{err}");
        assert!(stdout(&o).is_empty());
        assert!(!err.contains("panicked"));
    }
    assert!(
        stderr(&run(["299"])).contains("did you mean"),
        "nearest codes are suggested"
    );
    let j = run(["--json", "299"]);
    assert_eq!(j.status.code(), Some(1));
    assert_eq!(json(&j)["error"]["code"], "not_found");
}

#[test]
fn hostile_input_never_panics() {
    let long = "4".repeat(10_000);
    let o = run([long.as_str()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1);
    assert!(
        err.len() < 400,
        "the echo is shortened: {} bytes",
        err.len()
    );
    let o = run(["search", long.as_str()]);
    assert!(matches!(o.status.code(), Some(0) | Some(1)));
    assert!(!stderr(&o).contains("panicked"));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bad = OsStr::from_bytes(b"\xff\xfe40");
        let o = run([bad]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(stderr(&o).trim_end().lines().count(), 1, "{}", stderr(&o));
        assert!(stderr(&o).contains("UTF-8"));
    }
    let o = run(["1", "2", "3"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(["--no-such-flag"]).status.code(), Some(2));
    assert_eq!(run(["compare", "404"]).status.code(), Some(2));
    assert_eq!(run(["--help"]).status.code(), Some(0));
}

#[test]
fn a_closed_pipe_is_a_normal_end() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(["list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closing the read end before the program writes makes its first write
    // fail with EPIPE, as with `statusatlas list | head -0`.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
}

#[test]
fn completions_and_man_page_come_from_the_clap_definition() {
    let bash = run(["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    assert!(stdout(&bash).contains("statusatlas") && stdout(&bash).contains("compare"));
    let man = run(["man"]);
    assert_eq!(man.status.code(), Some(0));
    let page = stdout(&man);
    assert!(page.contains(".TH") && page.contains("statusatlas") && page.contains("search"));
}

/// Parses stdout as a stream of JSON values and returns them all.
fn documents(o: &Output) -> Vec<serde_json::Value> {
    serde_json::Deserializer::from_slice(&o.stdout)
        .into_iter::<serde_json::Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(o)))
}

#[test]
fn every_json_invocation_prints_exactly_one_document() {
    let busy_dir = env!("CARGO_MANIFEST_DIR");
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["404"], 0),
        (vec!["101", "407"], 0),
        (vec!["grpc", "14"], 0),
        (vec!["lookup", "404"], 0),
        (vec!["compare", "401", "403"], 0),
        (vec!["compare", "grpc", "14", "http", "503"], 0),
        (vec!["search", "teapot"], 0),
        (vec!["search", "too", "mny", "requets"], 0),
        (vec!["list", "--class", "4xx"], 0),
        (vec![], 0),
        (vec!["--help"], 0),
        (vec!["search", "--help"], 0),
        (vec!["--version"], 0),
        (vec!["299"], 1),
        (vec!["search", "zzzzqqq"], 1),
        (vec!["list", "--class", "9xx"], 1),
        (vec!["compare", "404", "9999"], 1),
        (vec!["export", busy_dir], 1),
        (vec!["--frob"], 2),
        (vec!["search"], 2),
        (vec!["search", "--limit", "0", "x"], 2),
        (vec!["search", "--limitt", "3", "x"], 2),
        (vec!["compare", "404"], 2),
        (vec!["1", "2", "3"], 2),
        (vec!["list", "--protocol", "gopher"], 2),
        (vec!["--color", "sometimes", "404"], 2),
        (vec!["serve"], 2),
        (vec!["serve", "--live-max-delay", "soon"], 2),
        (vec!["export", "out", "--base-url", "ftp://example.org"], 2),
        (vec!["completions", "bash"], 2),
        (vec!["man"], 2),
        (vec!["frobnicate"], 1),
    ];
    for (args, code) in &cases {
        // --json before and after everything else.
        for json_first in [true, false] {
            let mut full: Vec<&str> = Vec::new();
            if json_first {
                full.push("--json");
            }
            full.extend(args.iter().copied());
            if !json_first {
                full.push("--json");
            }
            let o = run(&full);
            assert_eq!(o.status.code(), Some(*code), "{full:?}: {}", stderr(&o));
            let docs = documents(&o);
            assert_eq!(docs.len(), 1, "{full:?} printed {}", stdout(&o));
            let doc = &docs[0];
            if *code == 0 {
                assert!(doc.get("error").is_none(), "{full:?}: {doc}");
            } else {
                let e = &doc["error"];
                let kind = e["code"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{full:?}: {doc}"));
                assert_eq!(kind == "usage", *code == 2, "{full:?}: {doc}");
                assert!(
                    e["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "{full:?}: {doc}"
                );
                assert!(e["suggestions"].is_array(), "{full:?}: {doc}");
                // The same failure is one line on stderr.
                assert_eq!(stderr(&o).trim_end().lines().count(), 1, "{full:?}");
            }
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let o = run([OsStr::new("--json"), OsStr::from_bytes(b"\xff\xfe40")]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(documents(&o)[0]["error"]["code"], "usage");
    }
}

#[test]
fn clap_suggestions_reach_the_json_error() {
    let o = run(["search", "--limitt", "3", "x", "--json"]);
    let doc = json(&o);
    assert_eq!(doc["error"]["suggestions"][0], "--limit");
}

#[test]
fn global_options_work_before_and_after_the_subcommand() {
    for args in [
        vec!["--color", "never", "search", "teapot"],
        vec!["search", "teapot", "--color", "never"],
        vec!["search", "--color", "never", "teapot"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("418"), "{args:?}: {}", stdout(&o));
    }
    for args in [
        vec!["--json", "--color", "always", "search", "teapot"],
        vec!["search", "teapot", "--json", "--color", "never"],
    ] {
        let o = run(&args);
        assert_eq!(json(&o)["results"][0]["code"], "418", "{args:?}");
    }
}
