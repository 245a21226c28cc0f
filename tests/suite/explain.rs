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

/// An explanation with its links filled in as every surface does.
fn linked(input: &[u8]) -> statusatlas::explain::Explanation {
    let mut x = explain(input).unwrap();
    x.link_with(statusatlas::web::routes::entry);
    x
}

#[test]
fn findings_carry_catalog_facts_and_links() {
    let x = linked(b"< HTTP/2 407\n");
    let f = &x.findings[0];
    assert_eq!(f.line, 1);
    assert_eq!(f.code, "407");
    assert_eq!(f.phrase.as_deref(), Some("Proxy Authentication Required"));
    assert_eq!(f.link.as_deref(), Some("/http/407"));
    assert!(f.meaning.as_deref().unwrap().contains("proxy"));
    let x = linked(b"Status: 5.7.26\n");
    assert_eq!(x.findings[0].link.as_deref(), Some("/smtp/5.7.26"));
    let x =
        linked(b";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1\n; EDE: 18 (Prohibited)\n");
    let links: Vec<_> = x.findings.iter().map(|f| f.link.clone().unwrap()).collect();
    assert_eq!(links, ["/dns/nxdomain", "/dns/ede/18"]);
    let x = linked(b"rpc error: code = Unavailable desc = x");
    assert_eq!(
        (x.findings[0].code.as_str(), x.findings[0].link.as_deref()),
        ("14", Some("/grpc/14"))
    );
}

#[test]
fn json_shape_is_findings_and_summary() {
    let x = linked(b"HTTP/1.1 503 Service Unavailable\r\nServer: nginx\r\n\r\n");
    let v = serde_json::to_value(&x).unwrap();
    let f = &v["findings"][0];
    for key in [
        "protocol", "code", "line", "text", "phrase", "meaning", "link", "source",
    ] {
        assert!(!f[key].is_null(), "findings[0].{key} missing in {v}");
    }
    assert_eq!(f["protocol"], "http");
    assert_eq!(v["summary"]["outcome"]["verdict"], "transient-failure");
    assert_eq!(v["summary"]["outcome"]["hop"], "Server: nginx");
    assert_eq!(v["summary"]["count"], 1);
}

fn outcome_of(path: &str) -> (String, Verdict, Option<String>, Vec<String>) {
    let bytes = std::fs::read(corpus_dir().join(path)).unwrap();
    let s = explain(&bytes).unwrap().summary;
    let o = s.outcome.expect("an outcome");
    (o.code, o.verdict, o.hop, s.earlier_failures)
}

#[test]
fn diagnosis_names_outcome_permanence_and_hop() {
    // A proxy's 407 on CONNECT, then the origin's answer through the tunnel.
    let (code, verdict, hop, _) = outcome_of("curl-proxy-407.txt");
    assert_eq!((code.as_str(), verdict), ("407", Verdict::PermanentFailure));
    assert!(hop.unwrap().starts_with("the proxy"));
    let (code, verdict, hop, _) = outcome_of("curl-proxy-auth-then-origin.txt");
    assert_eq!((code.as_str(), verdict), ("503", Verdict::TransientFailure));
    assert_eq!(hop.as_deref(), Some("Server: envoy"));
    // DSN failed vs delayed.
    let (code, verdict, hop, earlier) = outcome_of("gmail-bounce-5.7.26.eml");
    assert_eq!(
        (code.as_str(), verdict),
        ("5.7.26", Verdict::PermanentFailure)
    );
    assert!(hop.unwrap().contains("Remote-MTA mx.example.net"));
    assert!(
        earlier.is_empty(),
        "the quoted copy is not another failure: {earlier:?}"
    );
    let (code, verdict, hop, _) = outcome_of("postfix-delayed.eml");
    assert_eq!(
        (code.as_str(), verdict),
        ("4.4.1", Verdict::TransientFailure)
    );
    assert_eq!(hop.as_deref(), Some("reported by mail.example.org"));
    // A session's goodbye is not its outcome.
    let (code, verdict, _, _) = outcome_of("swaks-session.txt");
    assert_eq!(
        (code.as_str(), verdict),
        ("5.1.1", Verdict::PermanentFailure)
    );
    let (code, verdict, _, _) = outcome_of("windows-ftp.txt");
    assert_eq!((code.as_str(), verdict), ("226", Verdict::Success));
    // gRPC: retryable or not, from the catalog.
    let (code, verdict, hop, _) = outcome_of("grpcio-python.txt");
    assert_eq!((code.as_str(), verdict), ("14", Verdict::TransientFailure));
    assert!(hop.unwrap().contains("no connection"));
    let (code, verdict, _, _) = outcome_of("grpc-java-stacktrace.txt");
    assert_eq!((code.as_str(), verdict), ("7", Verdict::PermanentFailure));
    // DNS: the RCODE is the outcome; the EDE is named beside it.
    let x = explain(&std::fs::read(corpus_dir().join("dig-refused-ede18.txt")).unwrap()).unwrap();
    assert!(
        x.summary.diagnosis.contains("EDE 18 (Prohibited)"),
        "{}",
        x.summary.diagnosis
    );
    assert_eq!(x.summary.outcome.unwrap().code, "5");
    // Envoy says which hop failed.
    let (_, _, hop, earlier) = outcome_of("envoy-access.log");
    assert!(hop.unwrap().contains("UH: no healthy upstream host"));
    assert_eq!(earlier, ["HTTP 504 (line 3)"]);
    // Nothing found: no outcome, and a diagnosis that says why.
    let s = explain(b"listening on port 8080, pid 404, 2025 rows")
        .unwrap()
        .summary;
    assert!(s.outcome.is_none() && s.count == 0);
    assert!(s.diagnosis.starts_with("No status code was found"));
}

#[test]
fn bad_input_is_refused_with_a_stable_code() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "empty"),
        (b"  \n\r\n\t".to_vec(), "empty"),
        (vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0], "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00".to_vec(), "binary"),
        (vec![b'a'; 10 * 1024 * 1024], "too_large"),
        (
            b"HTTP/1.1 200 OK\n\xc3\x28 caf\xe9".to_vec(),
            "invalid_utf8",
        ),
        (
            b"{\"log\": {\"version\": \"1.2\", \"entries\": [ {\"request\":".to_vec(),
            "invalid_har",
        ),
    ];
    for (input, code) in cases {
        let e = explain(&input).expect_err(code);
        assert_eq!(e.code(), code, "{e}");
        assert!(!e.to_string().is_empty());
    }
    assert_eq!(
        explain(b"ok\n\xff").unwrap_err(),
        ExplainError::InvalidUtf8 { line: 2, offset: 3 }
    );
    // Exactly at the limit is accepted.
    let mut at_limit = b"HTTP/1.1 200 OK\n".to_vec();
    at_limit.resize(MAX_INPUT_BYTES, b'x');
    assert_eq!(explain(&at_limit).unwrap().findings.len(), 1);
    // JSON that is not a HAR is read as text.
    let x = explain(b"{\"log\": \"rpc error: code = NotFound desc = x\"}").unwrap();
    assert_eq!(x.findings[0].code, "5");
}

#[test]
fn nothing_from_the_input_reaches_a_terminal_as_a_control_sequence() {
    let input = "\u{1b}]0;owned\u{7}< HTTP/1.1 502 Bad\u{1b}[31m Gateway\n< Server: evil\u{9b}31m\u{1b}]8;;x\n<\n";
    let x = explain(input.as_bytes()).unwrap();
    let f = &x.findings[0];
    for s in [
        f.text.as_str(),
        f.hop.as_deref().unwrap(),
        x.summary.diagnosis.as_str(),
    ] {
        assert!(!s.chars().any(char::is_control), "{s:?}");
    }
    assert_eq!(f.code, "502");
}

/// A quarter of the input limit: large enough to show that nothing is
/// quadratic, small enough for a debug build beside the other tests (the
/// benchmark in bench/lib measures 256 KiB against 1 MiB).
const LARGE: usize = MAX_INPUT_BYTES / 4;

#[test]
fn a_large_input_of_hostile_lines_is_read() {
    // Long lines of near-misses for every recogniser.
    let line = "< HTTP/1.1 4O4 said: 55O 5.1 code = Unavail status: NXDOMAI close 99999 SIP/2.0 9 ";
    let mut text = String::new();
    while text.len() + line.len() < LARGE {
        text.push_str(line);
    }
    let x = explain(text.as_bytes()).unwrap();
    assert!(x.findings.is_empty(), "{:?}", x.findings.first());
    let many = "250-x\n".repeat(LARGE / 6);
    assert!(explain(many.as_bytes()).is_ok());
}

#[test]
fn a_large_input_of_codes_is_read_whole() {
    // Tens of thousands of findings and hop clues: the hop and diagnosis
    // passes must stay linear, and every code is still reported.
    let block = "host mx.example.net[192.0.2.25] said: 550 5.1.1 no\nRemote-MTA: dns; mx.example.net\nStatus: 4.4.1\n";
    let text = block.repeat(LARGE / block.len());
    let x = explain(text.as_bytes()).unwrap();
    assert_eq!(x.findings.len(), 3 * (LARGE / block.len()));
    assert!(x.summary.earlier_failures.len() <= 11);
    // A MIME message of many small base64 parts.
    let mut mime = String::from(
        "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n",
    );
    let part =
        "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nNTUwIDUuMS4xIG5v\n";
    while mime.len() + part.len() + 6 < LARGE {
        mime.push_str(part);
    }
    mime.push_str("--b--\n");
    let x = explain(mime.as_bytes()).unwrap();
    assert!(x.findings.len() > 2_500, "{}", x.findings.len());
}

fn cli(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.unwrap_or(b"").to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

#[test]
fn cli_explains_a_file_and_stdin_alike() {
    let path = corpus_dir().join("curl-proxy-407.txt");
    let from_file = cli(&["explain", path.to_str().unwrap()], None);
    assert_eq!(from_file.status.code(), Some(0));
    let text = String::from_utf8(from_file.stdout.clone()).unwrap();
    for needle in [
        "line 11",
        "HTTP 407 Proxy Authentication Required",
        "/http/407",
        "Final outcome: HTTP 407",
        "the proxy, answering CONNECT",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let bytes = std::fs::read(&path).unwrap();
    let from_stdin = cli(&["explain"], Some(&bytes));
    let from_dash = cli(&["explain", "-"], Some(&bytes));
    assert_eq!(from_stdin.stdout, from_file.stdout);
    assert_eq!(from_dash.stdout, from_file.stdout);
}

#[test]
fn cli_json_is_one_document() {
    let path = corpus_dir().join("postfix-bounce.eml");
    let o = cli(&["explain", "--json", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(v["findings"][0]["protocol"], "smtp");
    assert_eq!(v["summary"]["outcome"]["code"], "5.1.1");
    assert_eq!(v["summary"]["outcome"]["verdict"], "permanent-failure");
}

#[test]
fn cli_exit_codes_and_json_errors() {
    let o = cli(&["explain", "--json"], Some(b""));
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(v["error"]["code"], "empty");
    assert!(v["error"]["message"].as_str().unwrap().contains("empty"));
    assert!(v["error"]["suggestions"].is_array());

    let big = vec![b'x'; 10 * 1024 * 1024];
    let o = cli(&["explain", "--json", "-"], Some(&big));
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "too_large");

    for (input, code) in [
        (&b"\x00\x01\x02binary"[..], "binary"),
        (&b"caf\xe9"[..], "invalid_utf8"),
        (&b"{\"log\": {\"entries\": ["[..], "invalid_har"),
    ] {
        let o = cli(&["explain", "--json"], Some(input));
        assert_eq!(o.status.code(), Some(2), "{code}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["error"]["code"], code);
        assert!(String::from_utf8_lossy(&o.stderr).starts_with("statusatlas: "));
    }

    let o = cli(&["explain", "/nonexistent/transcript.txt"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));

    // Text without codes: exit 1, like a lookup that finds nothing.
    let o = cli(
        &["explain", "--json"],
        Some(b"port 8080, pid 404, year 2025"),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
}

/// `statusatlas serve` on a free port, for real clients to talk to; stopped
/// when dropped.
pub struct Server {
    child: std::process::Child,
    pub base: String,
}

impl Server {
    pub fn start() -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed().as_secs() < 20, "the server starts");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The 1-based numbers of the lines of `text` that start with `prefix`.
fn lines_starting(text: &str, prefix: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(prefix))
        .map(|(i, _)| i + 1)
        .collect()
}

fn keys_of(x: &statusatlas::explain::Explanation) -> Vec<(usize, String, String)> {
    x.findings
        .iter()
        .map(|f| (f.line, f.protocol.slug().to_string(), f.code.clone()))
        .collect()
}

#[test]
#[ignore = "needs curl; scripts/test.sh runs it"]
fn real_curl_transcripts_are_explained() {
    let server = Server::start();
    let curl = |args: &[&str]| {
        let out = Command::new("curl").args(args).output().expect("curl runs");
        String::from_utf8(out.stderr).unwrap()
    };
    // One 407 with Proxy-Authenticate.
    let t = curl(&[
        "-sv",
        "-o",
        "/dev/null",
        &format!("{}/status/407", server.base),
    ]);
    let x = explain(t.as_bytes()).unwrap();
    let line = lines_starting(&t, "< HTTP/1.1 407")[0];
    assert_eq!(
        keys_of(&x),
        [(line, "http".to_string(), "407".to_string())],
        "{t}"
    );
    let o = x.summary.outcome.unwrap();
    assert_eq!(o.verdict, Verdict::PermanentFailure);
    assert_eq!(
        o.hop.as_deref(),
        Some("a proxy (it sent Proxy-Authenticate)")
    );
    // A redirect followed: both answers, in order; the last is the outcome.
    let t = curl(&[
        "-sv",
        "-L",
        "-o",
        "/dev/null",
        &format!("{}/status/302", server.base),
    ]);
    let x = explain(t.as_bytes()).unwrap();
    let expected = vec![
        (
            lines_starting(&t, "< HTTP/1.1 302")[0],
            "http".to_string(),
            "302".to_string(),
        ),
        (
            lines_starting(&t, "< HTTP/1.1 200")[0],
            "http".to_string(),
            "200".to_string(),
        ),
    ];
    assert_eq!(keys_of(&x), expected, "{t}");
    assert_eq!(x.summary.outcome.unwrap().verdict, Verdict::Success);
    // --fail: the status line and curl's own messages (verbose curl says it
    // twice: "* The requested URL returned error" and "curl: (22) ...").
    let t = curl(&[
        "-sSfv",
        "-o",
        "/dev/null",
        &format!("{}/status/503", server.base),
    ]);
    let x = explain(t.as_bytes()).unwrap();
    let mut expected = vec![(
        lines_starting(&t, "< HTTP/1.1 503")[0],
        "http".to_string(),
        "503".to_string(),
    )];
    for line in t
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("returned error: 503"))
    {
        expected.push((line.0 + 1, "http".to_string(), "503".to_string()));
    }
    assert!(expected.len() >= 2, "{t}");
    assert_eq!(keys_of(&x), expected, "{t}");
    assert_eq!(
        x.summary.outcome.unwrap().verdict,
        Verdict::TransientFailure
    );
}

#[test]
#[ignore = "needs wget; scripts/test.sh runs it"]
fn real_wget_output_is_explained() {
    let server = Server::start();
    let out = Command::new("wget")
        .args(["-O", "/dev/null", &format!("{}/status/404", server.base)])
        .output()
        .expect("wget runs");
    let t = String::from_utf8(out.stderr).unwrap();
    let x = explain(t.as_bytes()).unwrap();
    let awaiting = t
        .lines()
        .position(|l| l.contains("awaiting response"))
        .unwrap()
        + 1;
    let error = t.lines().position(|l| l.contains("ERROR 404")).unwrap() + 1;
    assert_eq!(
        keys_of(&x),
        [
            (awaiting, "http".to_string(), "404".to_string()),
            (error, "http".to_string(), "404".to_string())
        ],
        "{t}"
    );
}

#[test]
#[ignore = "needs python3; scripts/test.sh runs it"]
fn a_real_python_traceback_is_explained() {
    let server = Server::start();
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, urllib.request; urllib.request.urlopen(sys.argv[1])",
            &format!("{}/status/429", server.base),
        ])
        .output()
        .expect("python3 runs");
    let t = String::from_utf8(out.stderr).unwrap();
    let x = explain(t.as_bytes()).unwrap();
    let line = lines_starting(&t, "urllib.error.HTTPError")[0];
    assert_eq!(
        keys_of(&x),
        [(line, "http".to_string(), "429".to_string())],
        "{t}"
    );
    assert_eq!(
        x.summary.outcome.unwrap().verdict,
        Verdict::TransientFailure
    );
}
