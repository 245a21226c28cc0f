//! The MCP server: raw JSON-RPC over the real `statusatlas mcp` process,
//! `/mcp` through the real router (Origin check, limits, `--no-mcp`), and
//! the official Python and TypeScript SDKs and the MCP Inspector as clients
//! over stdio and HTTP (those need Python and Node; scripts/test.sh runs them).

use super::support::{BASE, body_text, header, send};
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use statusatlas::web::{AppState, router};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// `statusatlas mcp` as a child process, spoken to line by line.
struct StdioServer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl StdioServer {
    fn start() -> StdioServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
            .arg("mcp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("statusatlas mcp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut server = StdioServer {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        let init = server.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "suite", "version": "1"}}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "statusatlas");
        assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
        server.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        server
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends a request and returns the response with its id, skipping
    /// notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            let n = self.stdout.read_line(&mut line).unwrap();
            assert!(n > 0, "the server closed stdout while {method} was pending");
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout carries only JSON-RPC: {e}: {line}"));
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        assert!(
            response.get("error").is_none(),
            "{tool}: a tool call never ends in a protocol error: {response}"
        );
        response["result"].clone()
    }
}

impl Drop for StdioServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(result: &Value) -> String {
    result["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_tool_error(result: &Value, expected: &str) {
    assert_eq!(result["isError"], true, "{result}");
    let t = text(result);
    assert!(
        t.to_lowercase().contains(&expected.to_lowercase()),
        "the error says {expected:?}: {t}"
    );
}

#[test]
fn stdio_lists_tools_with_schemas_and_read_only_annotations() {
    let mut server = StdioServer::start();
    let tools = server.request("tools/list", json!({}));
    let tools = tools["result"]["tools"].as_array().unwrap().clone();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["lookup", "compare", "search", "list", "explain"],
        "no live_url without a serving instance"
    );
    for tool in &tools {
        assert_eq!(tool["inputSchema"]["type"], "object", "{}", tool["name"]);
        assert_eq!(tool["outputSchema"]["type"], "object", "{}", tool["name"]);
        assert_eq!(tool["annotations"]["readOnlyHint"], true);
        assert_eq!(tool["annotations"]["destructiveHint"], false);
        // Every reference of the output schema resolves inside it.
        let schema = tool["outputSchema"].to_string();
        for part in schema.split("\"$ref\":\"#/$defs/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                tool["outputSchema"]["$defs"].get(name).is_some(),
                "{}: $defs lacks {name}",
                tool["name"]
            );
        }
    }
    let lookup = &tools[0];
    assert_eq!(lookup["inputSchema"]["required"], json!(["code"]));
    assert!(
        lookup["inputSchema"]["properties"]["protocol"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("smtp"))
    );
}

#[test]
fn stdio_tools_answer_from_the_catalog() {
    let catalog = statusatlas::catalog::catalog();
    let mut server = StdioServer::start();

    let r = server.call("lookup", json!({"code": "407"}));
    assert_eq!(r["isError"], false);
    let e407 = catalog
        .get(statusatlas::catalog::Protocol::Http, "407")
        .unwrap();
    assert_eq!(r["structuredContent"]["entries"][0]["phrase"], e407.phrase);
    assert_eq!(
        r["structuredContent"]["resources"][0],
        "statusatlas://http/407"
    );
    assert!(text(&r).starts_with(&format!("# HTTP 407 {}", e407.phrase)));
    assert!(text(&r).contains(&e407.when_you_see_it.replace('_', "\\_")));

    let r = server.call("lookup", json!({"code": 404}));
    let also: Vec<&str> = r["structuredContent"]["also"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["protocol"].as_str().unwrap())
        .collect();
    assert!(also.contains(&"sip"), "404 is also SIP 404: {also:?}");

    let r = server.call("compare", json!({"a": "407", "b": "101"}));
    assert_eq!(
        r["structuredContent"]["a"]["code"], "101",
        "canonical order"
    );
    assert!(text(&r).contains("## When to use which"));

    let r = server.call("search", json!({"query": "too many", "limit": 2}));
    assert_eq!(r["structuredContent"]["results"][0]["code"], "429");
    assert!(r["structuredContent"]["results"].as_array().unwrap().len() <= 2);

    let transcript =
        "$ dig example.invalid\n;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 4242\n";
    let r = server.call("explain", json!({"text": transcript}));
    assert_eq!(r["isError"], false, "{r}");
    let mut expected = statusatlas::explain::explain(transcript.as_bytes()).unwrap();
    expected.link_with(statusatlas::web::routes::entry);
    assert_eq!(
        r["structuredContent"],
        serde_json::to_value(&expected).unwrap(),
        "the tool answers what the explain library says"
    );
    assert_eq!(
        r["structuredContent"]["summary"]["outcome"]["protocol"],
        "dns"
    );

    let r = server.call("list", json!({"protocol": "grpc"}));
    let grpc = catalog
        .protocol(statusatlas::catalog::Protocol::Grpc)
        .unwrap();
    assert_eq!(r["structuredContent"]["count"], grpc.entries.len());
}

#[test]
fn stdio_bad_arguments_are_tool_errors_with_suggestions() {
    let mut server = StdioServer::start();
    assert_tool_error(
        &server.call("lookup", json!({"code": "gatway timeot"})),
        "did you mean",
    );
    assert_tool_error(&server.call("lookup", json!({})), "missing field `code`");
    assert_tool_error(
        &server.call("lookup", json!({"code": null})),
        "bad arguments",
    );
    assert_tool_error(
        &server.call("lookup", json!({"code": "404", "protocol": "htpp"})),
        "unknown protocol",
    );
    assert_tool_error(
        &server.call("lookup", json!({"code": "x".repeat(200_000)})),
        "longer than",
    );
    assert_tool_error(
        &server.call(
            "compare",
            json!({"a": "grpc 14", "b": "404", "protocol_b": "http"}),
        ),
        "do not map",
    );
    assert_tool_error(
        &server.call(
            "compare",
            json!({"a": "http 404", "b": "1", "protocol": "grpc"}),
        ),
        "names http but protocol is grpc",
    );
    assert_tool_error(&server.call("search", json!({"query": ""})), "empty");
    assert_tool_error(
        &server.call("search", json!({"query": "gone", "limit": -1})),
        "bad arguments",
    );
    assert_tool_error(
        &server.call("list", json!({"protocol": "smtp", "class": "4xx"})),
        "4yz",
    );
    // Tools that are not listed are protocol errors, as the specification says.
    let unlisted = server.request(
        "tools/call",
        json!({"name": "live_url", "arguments": {"code": "418"}}),
    );
    assert_eq!(unlisted["error"]["code"], -32602, "{unlisted}");
    assert!(
        unlisted["error"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP transport")
    );
    let unknown = server.request("tools/call", json!({"name": "explode", "arguments": {}}));
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("lookup, compare")
    );
    // The server is still there after all of that.
    let r = server.call("lookup", json!({"code": "200"}));
    assert_eq!(r["isError"], false);
}

#[test]
fn stdio_resources_and_prompts() {
    let mut server = StdioServer::start();
    let mut uris = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let params = match &cursor {
            Some(c) => json!({"cursor": c}),
            None => json!({}),
        };
        let page = server.request("resources/list", params);
        for r in page["result"]["resources"].as_array().unwrap() {
            assert_eq!(r["mimeType"], "text/markdown");
            uris.push(r["uri"].as_str().unwrap().to_string());
        }
        match page["result"]["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let catalog = statusatlas::catalog::catalog();
    assert_eq!(
        uris.len(),
        catalog.entries().count() + catalog.pairs().len()
    );
    assert!(uris.contains(&"statusatlas://http/407".to_string()));

    let templates = server.request("resources/templates/list", json!({}));
    let templates: Vec<&str> = templates["result"]["resourceTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["uriTemplate"].as_str().unwrap())
        .collect();
    assert!(templates.contains(&"statusatlas://compare/{protocol}/{a}-vs-{b}"));

    let read = server.request(
        "resources/read",
        json!({"uri": "statusatlas://compare/http/101-vs-407"}),
    );
    let contents = &read["result"]["contents"][0];
    assert_eq!(contents["uri"], "statusatlas://compare/http/101-vs-407");
    assert!(
        contents["text"]
            .as_str()
            .unwrap()
            .starts_with("# HTTP 101 Switching Protocols vs 407")
    );

    let missing = server.request(
        "resources/read",
        json!({"uri": "statusatlas://http/gatway-timeot"}),
    );
    assert_eq!(
        missing["error"]["code"], -32002,
        "resource not found: {missing}"
    );
    let suggested = missing["error"]["data"]["suggestions"].as_array().unwrap();
    assert!(
        suggested.contains(&json!("statusatlas://http/504")),
        "{suggested:?}"
    );

    let completed = server.request(
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "statusatlas://compare/{protocol}/{a}-vs-{protocol_b}/{b}"},
               "argument": {"name": "b", "value": "50"},
               "context": {"arguments": {"protocol": "grpc", "protocol_b": "http"}}}),
    );
    let values = completed["result"]["completion"]["values"]
        .as_array()
        .unwrap();
    assert!(values.contains(&json!("503")), "{completed}");
    assert!(values.iter().all(|v| v.as_str().unwrap().starts_with("50")));

    let prompts = server.request("prompts/list", json!({}));
    assert_eq!(prompts["result"]["prompts"].as_array().unwrap().len(), 2);
    let prompt = server.request(
        "prompts/get",
        json!({"name": "explain-error", "arguments": {"error": "421 4.7.0 Try again later ```"}}),
    );
    let message = prompt["result"]["messages"][0]["content"]["text"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("````\n421 4.7.0 Try again later ```\n````"),
        "{message}"
    );
    let refused = server.request(
        "prompts/get",
        json!({"name": "explain-error", "arguments": {"error": "x".repeat(20_000)}}),
    );
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
}

fn mcp_request(body: Value, origin: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/mcp")
        .header("host", "statusatlas.test")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    if let Some(o) = origin {
        request = request.header("origin", o);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
           "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "suite", "version": "1"}}})
}

#[tokio::test]
async fn http_checks_the_origin_as_the_specification_asks() {
    let own = send(mcp_request(initialize(), Some(BASE))).await;
    assert_eq!(own.status(), 200, "the instance's own origin is served");
    assert!(header(&own, "content-type").starts_with("application/json"));
    let body: Value = serde_json::from_str(&body_text(own).await).unwrap();
    assert_eq!(body["result"]["serverInfo"]["name"], "statusatlas");

    let absent = send(mcp_request(initialize(), None)).await;
    assert_eq!(absent.status(), 200, "non-browser clients send no Origin");

    for foreign in [
        "http://evil.example",
        "http://statusatlas.test:8080",
        "https://statusatlas.test",
        "null",
    ] {
        let response = send(mcp_request(initialize(), Some(foreign))).await;
        assert_eq!(response.status(), 403, "Origin {foreign} is refused");
    }
}

#[tokio::test]
async fn http_keeps_the_api_limits_and_no_session() {
    let huge = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                      "params": {"name": "search", "arguments": {"query": "x".repeat(20 * 1024)}}});
    let length = huge.to_string().len();
    let mut with_length = mcp_request(huge.clone(), None);
    with_length
        .headers_mut()
        .insert("content-length", length.to_string().parse().unwrap());
    let response = send(with_length).await;
    assert_eq!(
        response.status(),
        413,
        "bodies over 16 KiB are refused like the API's"
    );
    // Without a Content-Length (chunked), the limit holds while reading.
    let chunked = futures_chunks(huge.to_string());
    let mut request = mcp_request(json!(null), None);
    *request.body_mut() = chunked;
    let response = send(request).await;
    assert_eq!(
        response.status(),
        413,
        "a chunked body over 16 KiB is a 413 too"
    );

    let response = send(
        Request::get("/mcp")
            .header("host", "statusatlas.test")
            .header("accept", "text/event-stream")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        response.status(),
        405,
        "no server-initiated stream: the endpoint is stateless"
    );

    let response = send(mcp_request(initialize(), None)).await;
    assert!(
        response.headers().get("mcp-session-id").is_none(),
        "no session is created"
    );

    // A tool call stands on its own, without an earlier initialize.
    let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                      "params": {"name": "live_url", "arguments": {"code": "429", "delay": "20s"}}});
    let mut request = mcp_request(call, None);
    request
        .headers_mut()
        .insert("mcp-protocol-version", "2025-06-18".parse().unwrap());
    let response = send(request).await;
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_str(&body_text(response).await).unwrap();
    let result = &body["result"]["structuredContent"];
    assert_eq!(result["url"], format!("{BASE}/status/429?delay=20s"));
    assert!(result["notes"][0].as_str().unwrap().contains("caps delays"));
}

/// A body that arrives in 1 KiB pieces with no known length.
fn futures_chunks(text: String) -> Body {
    let pieces: Vec<Result<axum::body::Bytes, std::io::Error>> = text
        .into_bytes()
        .chunks(1024)
        .map(|c| Ok(axum::body::Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(futures_util::stream::iter(pieces))
}

#[tokio::test]
async fn no_mcp_turns_the_endpoint_off() {
    let mut state = AppState::new(BASE);
    state.mcp = false;
    let app = router(Arc::new(state));
    let response = app.oneshot(mcp_request(initialize(), None)).await.unwrap();
    assert_eq!(response.status(), 404);
}

// ---- Real clients: the official SDKs and the Inspector (need Python and Node).

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `statusatlas serve` on a free port, killed on drop.
struct Served {
    child: Child,
    url: String,
}

impl Served {
    fn start() -> Served {
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
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the server starts"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Served {
            child,
            url: format!("http://127.0.0.1:{port}/mcp"),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a client script and returns its last line (a JSON summary).
fn run_client(program: &Path, args: &[&str], cwd: &Path) -> Value {
    assert!(
        program.exists() || program.components().count() == 1,
        "{} is missing: run scripts/test.sh, which installs the MCP clients",
        program.display()
    );
    let output = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{} {args:?} failed:\n{stdout}\n{}",
        program.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("the client prints a JSON summary: {e}: {stdout}"))
}

#[test]
#[ignore = "needs the MCP Python SDK in .venv; scripts/test.sh runs it"]
fn python_sdk_over_stdio_and_http() {
    let python = repo().join(".venv/bin/python");
    let script = repo().join("tests/clients/mcp_client.py");
    let binary = env!("CARGO_BIN_EXE_statusatlas");
    let served = Served::start();
    for mode in ["legacy", "auto"] {
        let summary = run_client(
            &python,
            &[script.to_str().unwrap(), "stdio", binary, mode],
            &repo(),
        );
        assert!(summary["checks"].as_u64().unwrap() > 90, "{summary}");
        let summary = run_client(
            &python,
            &[script.to_str().unwrap(), "http", &served.url, mode],
            &repo(),
        );
        assert!(summary["checks"].as_u64().unwrap() > 100, "{summary}");
        // "legacy" is the initialize handshake; "auto" negotiates per request.
        let protocol = summary["protocol"].as_str().unwrap();
        assert_eq!(mode == "auto", protocol >= "2026-07-28", "{summary}");
    }
}

#[test]
#[ignore = "needs Node and the MCP TypeScript SDK in mcp-test; scripts/test.sh runs it"]
fn typescript_sdk_over_stdio_and_http() {
    let dir = repo().join("mcp-test");
    assert!(
        dir.join("node_modules/@modelcontextprotocol/sdk").is_dir(),
        "run scripts/test.sh, which installs mcp-test's packages"
    );
    let binary = env!("CARGO_BIN_EXE_statusatlas");
    let served = Served::start();
    let summary = run_client(Path::new("node"), &["client.mjs", "stdio", binary], &dir);
    assert!(summary["checks"].as_u64().unwrap() > 50, "{summary}");
    let summary = run_client(
        Path::new("node"),
        &["client.mjs", "http", &served.url],
        &dir,
    );
    assert!(summary["checks"].as_u64().unwrap() > 60, "{summary}");
}

#[test]
#[ignore = "needs Node and the MCP Inspector in mcp-test; scripts/test.sh runs it"]
fn inspector_cli_lists_the_tools() {
    let dir = repo().join("mcp-test");
    let inspector = dir.join("node_modules/.bin/mcp-inspector");
    let binary = env!("CARGO_BIN_EXE_statusatlas");
    let served = Served::start();
    for args in [
        vec!["--cli", binary, "mcp", "--method", "tools/list"],
        vec![
            "--cli",
            &served.url,
            "--transport",
            "http",
            "--method",
            "tools/list",
        ],
    ] {
        let output = Command::new(&inspector)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| panic!("{} runs: {e}", inspector.display()));
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let listed: Value = serde_json::from_slice(&output.stdout).unwrap();
        let names: Vec<&str> = listed["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(
            names.starts_with(&["lookup", "compare", "search", "list"]),
            "{names:?}"
        );
        assert_eq!(
            names.contains(&"live_url"),
            args.contains(&"http"),
            "{names:?}"
        );
    }
}
