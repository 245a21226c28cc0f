//! Library constants checked against the installed libraries themselves: each
//! test reads the library's own table (an enum, a module, a class file, the
//! source file a package installs), learns the installed version, and fails
//! on a name we list that the library lacks or gives another code, and on a
//! name the library has that we do not list for that code. Names are matched
//! for the installed version only, using the version ranges in the data.
//!
//! Tests that need Python packages, Node, Ruby or Debian packages are
//! ignored by plain `cargo test`; scripts/test.sh installs what they need and
//! runs them.

use statusatlas::catalog::{Entry, Protocol, Status, catalog, constants};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Output of a program, which must succeed.
fn run(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    let program = program.as_ref();
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program:?} runs: {e}"));
    assert!(
        output.status.success(),
        "{program:?} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The venv python that scripts/test.sh fills from scripts/requirements-test.txt.
fn venv_python() -> PathBuf {
    let p = repo().join(".venv/bin/python");
    assert!(
        p.is_file(),
        "{} is missing: run scripts/test.sh, which creates it",
        p.display()
    );
    p
}

/// Runs Python code that prints `{"version": "...", "names": {name: code}}`.
fn python_table(python: &Path, code: &str) -> (String, HashMap<String, u16>) {
    let out = run(python, &["-c", code]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON from python");
    let names = serde_json::from_value(v["names"].clone()).expect("name → code");
    (v["version"].as_str().expect("version").to_string(), names)
}

/// The Debian version of an installed package without its epoch and
/// Debian revision: `5.4.53+dfsg-0+deb12u1` → `5.4.53`.
fn debian_version(package: &str) -> String {
    let full = run("dpkg-query", &["-W", "-f=${Version}", package]);
    let no_epoch = full.split_once(':').map_or(full.as_str(), |(_, v)| v);
    no_epoch
        .split(['-', '+', '~'])
        .next()
        .expect("a version")
        .to_string()
}

/// The entries whose codes an ecosystem of `protocol` could name: HTTP
/// registered codes and RCODEs, not vendor codes or Extended DNS Errors.
fn entries(protocol: Protocol) -> Vec<&'static Entry> {
    catalog()
        .protocol(protocol)
        .expect("protocol data")
        .entries
        .iter()
        .filter(|e| e.kind != Some(statusatlas::catalog::Kind::Ede))
        .collect()
}

/// Compares the names we list for `key` that hold in `version` with the
/// library's own table (name → code); returns how many names agreed.
fn check(protocol: Protocol, key: &str, version: &str, library: &HashMap<String, u16>) -> usize {
    let eco = catalog()
        .ecosystems()
        .iter()
        .find(|e| e.protocol == protocol && e.key == key)
        .unwrap_or_else(|| panic!("{key} is an ecosystem of {}", protocol.name()));
    assert!(!library.is_empty(), "{key}: the library's table is empty");
    if let (Some(since), Some(through)) = (&eco.since, &eco.through) {
        let v = constants::parse_version(version).expect("a dotted installed version");
        let low = constants::parse_version(since).unwrap();
        let high = constants::parse_version(through).unwrap();
        assert!(
            constants::compare(&v, &low).is_ge()
                && constants::compare(&v[..high.len().min(v.len())], &high).is_le(),
            "{key}: installed {version} is outside the covered releases {}",
            eco.versions()
        );
    }
    // What our data says holds in this version, and every code it names.
    let mut ours: BTreeMap<String, u16> = BTreeMap::new();
    let mut named_codes = BTreeSet::new();
    for e in entries(protocol) {
        let Ok(code) = e.code.parse::<u16>() else {
            continue;
        };
        if let Some(c) = e.constants_detail.iter().find(|c| c.ecosystem == key) {
            named_codes.insert(code);
            for n in c.names.iter().filter(|n| n.holds_in(version)) {
                ours.insert(n.name.clone(), code);
            }
        }
    }
    let registered: BTreeSet<u16> = entries(protocol)
        .iter()
        .filter(|e| e.status != Status::Unofficial)
        .filter_map(|e| e.code.parse().ok())
        .collect();
    let mut problems = Vec::new();
    for (name, code) in &ours {
        match library.get(name) {
            Some(c) if c == code => {}
            Some(c) => problems.push(format!("{name} is {c} in the library, {code} in our data")),
            None => problems.push(format!("{name} ({code}) does not exist in {version}")),
        }
    }
    for (name, code) in library {
        let ours_for_code = registered.contains(code) || named_codes.contains(code);
        if ours_for_code && ours.get(name) != Some(code) {
            problems.push(format!(
                "the library has {name} for {code}; our data does not list it for {version}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} {key} {version}:\n{}",
        protocol.name(),
        problems.join("\n")
    );
    ours.len()
}

#[test]
fn every_ecosystem_is_defined_once_and_used() {
    let all = catalog().ecosystems();
    let mut seen = BTreeSet::new();
    for e in all {
        assert!(
            seen.insert((e.protocol, e.key.as_str())),
            "{} is defined twice",
            e.key
        );
        let used = catalog()
            .protocol(e.protocol)
            .unwrap()
            .entries
            .iter()
            .any(|x| x.constants_detail.iter().any(|c| c.ecosystem == e.key));
        assert!(used, "{} {} names no code", e.protocol.name(), e.key);
    }
    let http = all.iter().filter(|e| e.protocol == Protocol::Http).count();
    assert!(http >= 14, "HTTP has {http} ecosystems");
}

#[test]
fn the_simple_field_is_the_current_name_and_ranges_are_honest() {
    let e = catalog().get(Protocol::Http, "413").unwrap();
    let spring = e
        .constants_detail
        .iter()
        .find(|c| c.ecosystem == "spring")
        .unwrap();
    assert_eq!(e.constants["spring"], spring.current().name);
    assert_eq!(spring.current().name, "HttpStatus.CONTENT_TOO_LARGE");
    assert!(spring.current().holds_in("7.0.0") && !spring.current().holds_in("6.2.10"));
    let old = spring
        .names
        .iter()
        .find(|n| n.name == "HttpStatus.PAYLOAD_TOO_LARGE")
        .unwrap();
    assert!(old.holds_in("6.2.10") && old.deprecated_in("7.0.1") && !old.deprecated_in("6.2"));
    let method_failure = catalog().get(Protocol::Http, "420-spring").unwrap();
    let spring = &method_failure.constants_detail[0];
    assert_eq!(spring.ecosystem, "spring");
    assert_eq!(spring.current().removed.as_deref(), Some("7.0"));
    assert!(!spring.current().holds_in("7.0.0"));
    assert!(
        !method_failure.reference.contains("deprecated"),
        "version facts live in the constants, not in the prose"
    );
}

/// The version and source directory of a crate the build resolved, from
/// `cargo metadata`.
fn resolved_crate(name: &str) -> (String, PathBuf) {
    let metadata = run(
        env!("CARGO"),
        &[
            "metadata",
            "--format-version",
            "1",
            "--manifest-path",
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    let package = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} is a dependency"));
    let manifest = Path::new(package["manifest_path"].as_str().unwrap());
    (
        package["version"].as_str().unwrap().to_string(),
        manifest.parent().unwrap().to_path_buf(),
    )
}

#[test]
fn rust_http_crate_names_match_the_resolved_crate() {
    let (version, dir) = resolved_crate("http");
    let source = std::fs::read_to_string(dir.join("src/status.rs")).unwrap();
    // The crate lists its constants as `(407, PROXY_AUTHENTICATION_REQUIRED, "...");`
    let mut library = HashMap::new();
    for line in source.lines() {
        let t = line.trim().trim_start_matches('(');
        let mut parts = t.splitn(3, ',');
        if let (Some(code), Some(name)) = (parts.next(), parts.next())
            && let Ok(code) = code.trim().parse::<u16>()
        {
            let name = name.trim();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                library.insert(format!("StatusCode::{name}"), code);
            }
        }
    }
    assert!(library.len() > 50, "parsed {} constants", library.len());
    assert!(check(Protocol::Http, "rust", &version, &library) > 50);
}

#[test]
fn tungstenite_close_codes_match_the_resolved_crate() {
    let (version, dir) = resolved_crate("tungstenite");
    let source = std::fs::read_to_string(dir.join("src/protocol/frame/coding.rs")).unwrap();
    // `impl From<u16> for CloseCode` maps each number: `1000 => Normal,`.
    let start = source
        .find("impl From<u16> for CloseCode")
        .expect("the From<u16> impl");
    let mut library = HashMap::new();
    for line in source[start..].lines().skip(1) {
        if line.starts_with('}') {
            break;
        }
        if let Some((code, name)) = line.trim().trim_end_matches(',').split_once(" => ")
            && let Ok(code) = code.parse::<u16>()
            && name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            library.insert(format!("CloseCode::{name}"), code);
        }
    }
    assert!(check(Protocol::Websocket, "rust", &version, &library) >= 10);
}

#[test]
#[ignore = "needs python3; scripts/test.sh runs it"]
fn python_standard_library_names_match() {
    let (version, library) = python_table(
        Path::new("python3"),
        "import http, json, platform; print(json.dumps({'version': platform.python_version(), \
         'names': {'HTTPStatus.' + n: int(v) for n, v in http.HTTPStatus.__members__.items()}}))",
    );
    assert!(check(Protocol::Http, "python", &version, &library) > 50);
}

#[test]
#[ignore = "needs the .venv of scripts/test.sh (PyPI starlette); scripts/test.sh runs it"]
fn starlette_status_names_match() {
    let (version, library) = python_table(
        &venv_python(),
        "import json, starlette, starlette.status as s; \
         names = {n: getattr(s, n) for n in dir(s) if n.startswith('HTTP_')}; \
         names.update(getattr(s, '__deprecated__', {})); \
         print(json.dumps({'version': starlette.__version__, \
         'names': {'status.' + n: v for n, v in names.items() if n.startswith('HTTP_')}}))",
    );
    assert!(check(Protocol::Http, "starlette", &version, &library) > 50);
    // FastAPI re-exports the same module.
    let same = run(
        venv_python(),
        &[
            "-c",
            "import fastapi, starlette.status; print(fastapi.status is starlette.status)",
        ],
    );
    assert_eq!(same.trim(), "True");
}

#[test]
#[ignore = "needs the .venv of scripts/test.sh (PyPI aiohttp); scripts/test.sh runs it"]
fn aiohttp_web_exception_names_match() {
    let (version, library) = python_table(
        &venv_python(),
        "import json, aiohttp; from aiohttp import web; \
         names = {n: getattr(web, n).status_code for n in dir(web) if n.startswith('HTTP') \
                  and isinstance(getattr(web, n), type) \
                  and isinstance(getattr(getattr(web, n), 'status_code', None), int) \
                  and 100 <= getattr(web, n).status_code <= 599}; \
         print(json.dumps({'version': aiohttp.__version__, 'names': {'web.' + n: c for n, c in names.items()}}))",
    );
    assert!(check(Protocol::Http, "aiohttp", &version, &library) > 40);
}

#[test]
#[ignore = "needs the .venv of scripts/test.sh (PyPI grpcio); scripts/test.sh runs it"]
fn grpcio_status_code_names_match() {
    let (version, library) = python_table(
        &venv_python(),
        "import json, grpc; print(json.dumps({'version': grpc.__version__, \
         'names': {'grpc.StatusCode.' + m.name: m.value[0] for m in grpc.StatusCode}}))",
    );
    assert_eq!(check(Protocol::Grpc, "python", &version, &library), 17);
}

#[test]
#[ignore = "needs the .venv of scripts/test.sh (PyPI websockets); scripts/test.sh runs it"]
fn websockets_close_code_names_match() {
    let (version, library) = python_table(
        &venv_python(),
        "import json, websockets.version as v; from websockets.frames import CloseCode; \
         print(json.dumps({'version': v.version, \
         'names': {'CloseCode.' + n: int(m) for n, m in CloseCode.__members__.items()}}))",
    );
    assert!(check(Protocol::Websocket, "python", &version, &library) >= 10);
}

#[test]
#[ignore = "needs the .venv of scripts/test.sh (PyPI dnspython); scripts/test.sh runs it"]
fn dnspython_rcode_names_match() {
    let (version, library) = python_table(
        &venv_python(),
        "import json, dns.version, dns.rcode; print(json.dumps({'version': dns.version.version, \
         'names': {'dns.rcode.' + n: int(m) for n, m in dns.rcode.Rcode.__members__.items()}}))",
    );
    assert!(check(Protocol::Dns, "python", &version, &library) >= 10);
}

#[test]
#[ignore = "needs node and npm http-status-codes in e2e/; scripts/test.sh runs it"]
fn node_http_status_codes_names_match() {
    let package = repo().join("e2e/node_modules/http-status-codes");
    assert!(
        package.is_dir(),
        "http-status-codes is not installed: run scripts/test.sh, which runs npm ci in e2e/"
    );
    let script = format!(
        "const p = {:?}; const {{StatusCodes}} = require(p); const out = {{}}; \
         for (const [k, v] of Object.entries(StatusCodes)) if (typeof v === 'number') out['StatusCodes.' + k] = v; \
         console.log(JSON.stringify({{version: require(p + '/package.json').version, names: out}}));",
        package.display().to_string()
    );
    let out = run("node", &["-e", &script]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let library: HashMap<String, u16> = serde_json::from_value(v["names"].clone()).unwrap();
    assert!(
        check(
            Protocol::Http,
            "node",
            v["version"].as_str().unwrap(),
            &library
        ) > 50
    );
}

#[test]
#[ignore = "needs node; scripts/test.sh runs it"]
fn node_own_status_table_knows_every_code_we_name_for_node() {
    // Node's http.STATUS_CODES maps numbers to reason phrases (no names):
    // every code the http-status-codes names cover must be one Node knows.
    let out = run(
        "node",
        &[
            "-e",
            "console.log(JSON.stringify(Object.keys(require('http').STATUS_CODES)))",
        ],
    );
    let known: BTreeSet<String> = serde_json::from_str(&out).unwrap();
    let mut missing = Vec::new();
    for e in entries(Protocol::Http) {
        if e.status != Status::Unofficial
            && e.constants.contains_key("node")
            && !known.contains(&e.code)
        {
            missing.push(e.code.clone());
        }
    }
    assert!(
        known.len() > 50 && missing.is_empty(),
        "Node lacks {missing:?}"
    );
}

#[test]
#[ignore = "needs Debian golang-1.19-src; scripts/test.sh runs it"]
fn go_net_http_names_match_the_debian_go_source() {
    let dir = std::fs::read_dir("/usr/share")
        .unwrap()
        .filter_map(|d| d.ok())
        .map(|d| d.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("go-"))
                && p.join("src/net/http/status.go").is_file()
        })
        .max()
        .expect("a Go source tree in /usr/share/go-*: install golang-1.19-src");
    let series = dir
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .trim_start_matches("go-")
        .to_string();
    let version = debian_version(&format!("golang-{series}-src"));
    let source = std::fs::read_to_string(dir.join("src/net/http/status.go")).unwrap();
    let mut library = HashMap::new();
    for line in source.lines() {
        let t = line.trim();
        if let Some((name, rest)) = t.split_once('=')
            && name.trim().starts_with("Status")
            && let Ok(code) = rest.split("//").next().unwrap().trim().parse::<u16>()
        {
            library.insert(format!("http.{}", name.trim()), code);
        }
    }
    assert!(check(Protocol::Http, "go", &version, &library) > 50);
}

#[test]
#[ignore = "needs Debian ruby-rack; scripts/test.sh runs it"]
fn rack_symbols_match_the_debian_rack() {
    let out = run(
        "ruby",
        &[
            "-e",
            "require 'rack'; require 'json'; puts JSON.dump({version: Rack.release, \
             names: Rack::Utils::SYMBOL_TO_STATUS_CODE.map { |k, v| [':' + k.to_s, v] }.to_h})",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut library: HashMap<String, u16> = serde_json::from_value(v["names"].clone()).unwrap();
    // Rack derives a symbol from every phrase; the unused 306 has none.
    library.retain(|name, _| !name.contains('('));
    assert!(
        check(
            Protocol::Http,
            "rack",
            v["version"].as_str().unwrap(),
            &library
        ) > 50
    );
}

#[test]
#[ignore = "needs Debian php-symfony-http-foundation; scripts/test.sh runs it"]
fn symfony_constants_match_the_debian_http_foundation() {
    let version = debian_version("php-symfony-http-foundation");
    let source =
        std::fs::read_to_string("/usr/share/php/Symfony/Component/HttpFoundation/Response.php")
            .expect("php-symfony-http-foundation is installed");
    let mut library = HashMap::new();
    for line in source.lines() {
        // `public const HTTP_CONTINUE = 100;`
        if let Some(rest) = line.trim().strip_prefix("public const HTTP_")
            && let Some((name, value)) = rest.split_once(" = ")
            && let Ok(code) = value.split(';').next().unwrap_or("").trim().parse::<u16>()
        {
            library.insert(format!("Response::HTTP_{name}"), code);
        }
    }
    assert!(check(Protocol::Http, "symfony", &version, &library) > 50);
}

#[test]
#[ignore = "needs Debian libhttpcore5-java and python3; scripts/test.sh runs it"]
fn httpcore5_constants_match_the_debian_jar() {
    let version = debian_version("libhttpcore5-java");
    // The constants are `static final int` fields with a ConstantValue
    // attribute in the compiled interface; read them from the class file.
    let script = include_str!("constants_classfile.py");
    let out = run(
        "python3",
        &[
            "-c",
            script,
            "/usr/share/java/httpcore5.jar",
            "org/apache/hc/core5/http/HttpStatus.class",
        ],
    );
    let fields: HashMap<String, u16> = serde_json::from_str(&out).unwrap();
    let library: HashMap<String, u16> = fields
        .into_iter()
        // SC_INFORMATIONAL (100) ... SC_SERVER_ERROR (500) mark where each
        // class begins; they are not names of one status.
        .filter(|(n, _)| n.starts_with("SC_"))
        .filter(|(n, _)| {
            ![
                "SC_INFORMATIONAL",
                "SC_SUCCESS",
                "SC_REDIRECTION",
                "SC_CLIENT_ERROR",
                "SC_SERVER_ERROR",
            ]
            .contains(&n.as_str())
        })
        .map(|(n, c)| (format!("HttpStatus.{n}"), c))
        .collect();
    assert!(check(Protocol::Http, "httpcore5", &version, &library) > 50);
}

/// The 413 page, API entry, embed and CLI card all show Spring's current
/// name first and the older names with their releases.
#[tokio::test]
async fn every_surface_shows_the_current_name_first_with_ranges() {
    use crate::support::{body_text, get};
    let page = body_text(get("/http/413").await).await;
    // Line-break opportunities (<wbr>) inside names do not change them.
    let row = page
        .split("<tr>")
        .find(|r| r.contains("Java Spring HttpStatus"))
        .expect("a Spring row on the 413 page")
        .replace("<wbr>", "");
    let current = row
        .find("HttpStatus.CONTENT_TOO_LARGE")
        .expect("current name");
    let old = row
        .find("HttpStatus.PAYLOAD_TOO_LARGE (deprecated in 7.0)")
        .expect("old name");
    assert!(current < old && row.contains("≥ 7.0"), "{row}");
    assert!(row.contains("Spring Framework 5.3 – 7.0.9"), "{row}");

    let v: serde_json::Value =
        serde_json::from_str(&body_text(get("/api/v1/http/codes/413").await).await).unwrap();
    assert_eq!(v["constants"]["spring"], "HttpStatus.CONTENT_TOO_LARGE");
    let spring = v["constants_detail"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ecosystem"] == "spring")
        .unwrap();
    assert_eq!(spring["names"][0]["since"], "7.0");
    assert_eq!(spring["names"][1]["deprecated"], "7.0");
    assert_eq!(
        spring["names"][2]["note"],
        "≤ 6.2, deprecated, removed in 7.0"
    );

    let embed = body_text(get("/embed/http/420-spring?size=large").await)
        .await
        .replace("<wbr>", "");
    assert!(
        embed.contains("HttpStatus.METHOD_FAILURE (≤ 6.2, deprecated, removed in 7.0)"),
        "the embed card shows the range"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(["--color", "never", "http", "413"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Java Spring HttpStatus"))
        .expect("a Spring line in the CLI card");
    assert!(
        line.contains("HttpStatus.CONTENT_TOO_LARGE (≥ 7.0) · HttpStatus.PAYLOAD_TOO_LARGE (deprecated in 7.0)"),
        "{line}"
    );
}

/// Every defect of a constants table is refused with a message naming it.
#[test]
fn validation_names_each_constants_defect() {
    use statusatlas::catalog::load_from_sources;
    let http = std::fs::read_to_string(repo().join("data/http.toml")).unwrap();
    let spring_413 = "spring = [\n  { name = \"HttpStatus.CONTENT_TOO_LARGE\", since = \"7.0\" },";
    assert!(http.contains(spring_413));
    let load = |text: &str| {
        load_from_sources(
            &[(Protocol::Http, "http.toml", text)],
            ("pairs.toml", "pair = []"),
            ("situations.toml", "situation = []"),
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    load(&http).expect("the real data loads");
    let cases = [
        (
            http.replacen("go = \"http.StatusContinue\"", "cobol = \"CONTINUE\"", 1),
            "unknown ecosystem \"cobol\"",
        ),
        (
            http.replacen("go = \"http.StatusContinue\"", "go = \"http. StatusContinue\"", 1),
            "must be one token",
        ),
        (
            http.replacen(spring_413, "spring = [\n  { name = \"HttpStatus.CONTENT_TOO_LARGE\", since = \"seven\" },", 1),
            "\"seven\" is not a dotted version",
        ),
        (
            http.replacen(spring_413, "spring = [\n  { name = \"HttpStatus.CONTENT_TOO_LARGE\", since = \"9.0\" },", 1),
            "outside the covered releases 5.3 – 7.0.9",
        ),
        (
            http.replacen(spring_413, "spring = [\n  { name = \"HttpStatus.CONTENT_TOO_LARGE\", until = \"6.2\" },", 1),
            "until and removed go together",
        ),
        (
            http.replacen(spring_413, "spring = [\n  { name = \"HttpStatus.CONTENT_TOO_LARGE\", since = \"7.0\", until = \"6.0\", removed = \"7.0.1\" },", 1),
            "since must come before until",
        ),
        (
            http.replacen(spring_413, "spring = [\n  { name = \"HttpStatus.CONTENT_TOO_LARGE\", since = \"7.0\", colour = \"red\" },", 1),
            "unknown field",
        ),
        (
            http.replacen(
                spring_413,
                "spring = [\n  { name = \"HttpStatus.REQUEST_ENTITY_TOO_LARGE\", until = \"6.2\", removed = \"7.0\" },\n  { name = \"HttpStatus.CONTENT_TOO_LARGE\", since = \"7.0\" },",
                1,
            ),
            "the first name must be the one to use with 7.0.9",
        ),
    ];
    for (text, expected) in cases {
        assert_ne!(text, http, "the case {expected:?} changes the data");
        let err = load(&text).expect_err(expected);
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }
}
