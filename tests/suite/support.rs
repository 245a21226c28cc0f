//! Helpers shared by the test modules.

use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use statusatlas::web::{AppState, router};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

/// The ground-truth registries: `data/registries/` in the repository, with
/// their provenance in its README.md (`scripts/refresh-registries` updates
/// them from the published registries).
pub fn registries_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/registries")
}

/// Rows of a registry CSV as maps from column name to value.
pub fn registry_rows(file: &str) -> Vec<std::collections::HashMap<String, String>> {
    let path = registries_dir().join(file);
    let mut reader =
        csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

pub const BASE: &str = "http://statusatlas.test";

/// Sends one request through the real router (no network).
pub async fn send(request: Request<Body>) -> Response<Body> {
    let app = router(Arc::new(AppState::new(BASE)));
    app.oneshot(request).await.expect("the router never fails")
}

pub async fn get(uri: &str) -> Response<Body> {
    send(Request::get(uri).body(Body::empty()).unwrap()).await
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).expect("bodies are UTF-8")
}

pub async fn body_bytes(response: Response<Body>) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

pub fn header<'a>(response: &'a Response<Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Compares `body` with the insta snapshot `tests/snapshots/NAME.snap`.
/// A difference fails the test with a full diff and leaves the new body in
/// `NAME.snap.new`; `cargo insta review` (or `INSTA_UPDATE=always cargo
/// test`) accepts a deliberate change. A missing snapshot fails too.
pub fn snapshot(name: &str, body: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, body);
    });
}

/// The Python of the test environment that scripts/test.sh makes
/// (`.venv/`, with scripts/requirements-test.txt installed).
pub fn venv_python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: scripts/test.sh creates it",
        python.display()
    );
    python
}

/// Runs `script` with the test venv's Python and `args`, asserts that it
/// succeeded (its stderr is the failure message) and returns its stdout.
pub async fn run_python(script: &str, args: &[&str]) -> String {
    let out = tokio::process::Command::new(venv_python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A `statusatlas serve` process on loopback, stopped when dropped.
pub struct Spawned {
    _child: tokio::process::Child,
}

impl Spawned {
    /// Starts `statusatlas serve ARGS` (ARGS must include `--addr
    /// 127.0.0.1:PORT`) and waits until it accepts connections.
    pub async fn serve(args: &[&str]) -> Spawned {
        let addr = args
            .iter()
            .skip_while(|a| **a != "--addr")
            .nth(1)
            .expect("--addr is given");
        let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_statusatlas"))
            .arg("serve")
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "the server starts"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Spawned { _child: child }
    }

    /// Starts `statusatlas serve` on a free port with one more listener,
    /// `flag` (`--dns-addr`, `--smtp-addr`, ...), on another free loopback
    /// port; returns the process and that listener's port.
    pub async fn with_listener(flag: &str) -> (Spawned, u16) {
        let (web, port) = (free_port(), free_port());
        let spawned = Spawned::serve(&[
            "--addr",
            &format!("127.0.0.1:{web}"),
            flag,
            &format!("127.0.0.1:{port}"),
        ])
        .await;
        (spawned, port)
    }
}

/// A TCP port free on loopback when asked (the OS picks it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
