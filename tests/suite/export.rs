//! The static export: written through the same router, laid out for a plain
//! web server, and served by a real nginx on loopback byte for byte as
//! `statusatlas serve` answers.

use axum::body::Body;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BASE: &str = "http://parity.test";

/// A child process that is stopped when the test ends, pass or fail: asked
/// with SIGTERM first, so that nginx's master stops its workers (killed
/// outright, it would leave them running), then killed if it lingers.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let asked = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while asked && Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "nothing listens on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("nginx is not installed: scripts/test.sh installs it")
}

/// Writes bench/nginx.conf.in filled in for `root` and `port`.
fn nginx_conf(root: &Path, port: u16, run: &Path) -> PathBuf {
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/nginx.conf.in"))
            .unwrap();
    let conf = template
        .replace("@BROTLI@", "")
        .replace("@BROTLI_STATIC@", "")
        .replace("@ROOT@", &root.display().to_string())
        .replace("@PORT@", &port.to_string())
        .replace("@RUN@", &run.display().to_string());
    let path = run.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    path
}

async fn fetch(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Body>();
    let uri = format!("http://127.0.0.1:{port}{path}");
    let response = client
        .get(uri.parse().unwrap())
        .await
        .unwrap_or_else(|e| panic!("{uri}: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, content_type, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs nginx; scripts/test.sh runs it"]
async fn nginx_serving_the_export_answers_like_statusatlas_serve() {
    let nginx = nginx_binary();
    let work = std::env::temp_dir().join(format!("statusatlas-export-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let site = work.join("site");
    let run = work.join("run");
    std::fs::create_dir_all(&run).unwrap();

    let export = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(["export", site.to_str().unwrap(), "--base-url", BASE])
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&export.stderr).to_string();
    assert!(export.status.success(), "{summary}");
    let files: usize = summary
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect(&summary);
    assert_eq!(
        files,
        statusatlas::export::routes().len(),
        "one file per route"
    );
    for file in [
        "index.html",
        "http/407/index.html",
        "compare/http/101-vs-407/index.html",
        "api/v1/http/codes/407/index.json",
        "badge/http/407.svg",
        "embed.js",
        "sitemap.xml",
        "api/openapi.json",
    ] {
        assert!(site.join(file).is_file(), "{file} is written");
    }
    let again = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(["export", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(1),
        "a non-empty folder is refused without --force"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    let serve_port = free_port();
    let _serve = Running(
        Command::new(env!("CARGO_BIN_EXE_statusatlas"))
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{serve_port}"),
                "--base-url",
                BASE,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let nginx_port = free_port();
    let conf = nginx_conf(&site, nginx_port, &run);
    let _nginx = Running(
        Command::new(&nginx)
            .args([
                "-c",
                conf.to_str().unwrap(),
                "-p",
                run.to_str().unwrap(),
                "-e",
                run.join("error.log").to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(serve_port);
    wait_for(nginx_port);

    let sample = [
        "/",
        "/http/",
        "/http/4xx/",
        "/smtp/5yz/",
        "/http/407",
        "/http/444-nginx",
        "/smtp/5.7.1",
        "/smtp/X.7.1",
        "/dns/ede/18",
        "/grpc/14",
        "/compare/http/101-vs-407",
        "/compare/grpc/14-vs-http/503",
        "/situations/",
        "/situations/not-found",
        "/http/vendor/",
        "/http/4xx/vendor/",
        "/http/cheat-sheet",
        "/headers/",
        "/headers/retry-after",
        "/guide/",
        "/guide/client-error",
        "/guide/missing/404",
        "/api/v1/headers",
        "/api/v1/protocols",
        "/api/v1/http/codes",
        "/api/v1/http/codes/407",
        "/api/v1/compare/http/101-vs-407",
        "/api/v1/catalog.json",
        "/api/openapi.json",
        "/embed/",
        "/embed/http/407",
        "/embed/compare/http/101-vs-407",
        "/embed/fragment/http/407",
        "/embed/fragment/compare/http/101-vs-407",
        "/badge/http/407.svg",
        "/badge/http/407.json",
        "/embed.js",
        "/assets/site.css",
        "/assets/site.js",
        "/assets/embed.css",
        "/assets/icon.svg",
        "/sitemap.xml",
        "/robots.txt",
    ];
    for path in sample {
        let (s1, t1, b1) = fetch(serve_port, path).await;
        let (s2, t2, b2) = fetch(nginx_port, path).await;
        assert_eq!(s1, 200, "serve {path}");
        assert_eq!(s2, 200, "nginx {path}");
        assert_eq!(t1, t2, "content type of {path}");
        assert!(
            b1 == b2,
            "body of {path} differs ({} vs {} bytes)",
            b1.len(),
            b2.len()
        );
    }
    let (missing, _, _) = fetch(nginx_port, "/http/299").await;
    assert_eq!(missing, 404);
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn export_errors_are_clear_and_exit_non_zero() {
    let work =
        std::env::temp_dir().join(format!("statusatlas-export-error-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    // A folder that cannot be created: its parent is a file.
    let blocker = work.join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args(["export", blocker.join("site").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("statusatlas: cannot") && err.contains("a-file"),
        "{err}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_statusatlas"))
        .args([
            "export",
            work.join("x").to_str().unwrap(),
            "--base-url",
            "ftp://nope/path",
        ])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a base URL that is not an origin is a usage error"
    );
    let _ = std::fs::remove_dir_all(&work);
}

/// A sample of the export's routes: one of each kind the site has, and a
/// spread over the whole list.
fn sample_routes() -> Vec<String> {
    let all = statusatlas::export::routes();
    let mut sample: Vec<String> = [
        "/",
        "/http/407",
        "/compare/http/101-vs-407",
        "/api/v1/http/codes/407",
        "/badge/http/407.svg",
        "/embed.js",
        "/sitemap.xml",
        "/api/openapi.json",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    sample.extend(all.iter().step_by(all.len() / 40).cloned());
    sample.sort();
    sample.dedup();
    sample
}

#[test]
fn the_export_writes_the_routers_bytes_and_their_compressed_forms() {
    use statusatlas::export::{Options, export_paths, file_for};
    let dir =
        std::env::temp_dir().join(format!("statusatlas-export-sample-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let paths = sample_routes();
    let options = Options {
        dir: dir.clone(),
        base_url: crate::support::BASE.to_string(),
        force: false,
        precompress: true,
        progress: false,
    };
    let summary = export_paths(&options, &paths).unwrap();
    assert_eq!(summary.files, paths.len());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut bytes = 0;
    for path in &paths {
        let response = runtime.block_on(crate::support::get(path));
        assert_eq!(response.status(), 200, "{path}");
        let content_type = crate::support::header(&response, "content-type").to_string();
        let served = runtime.block_on(crate::support::body_bytes(response));
        let file = dir.join(file_for(path, &content_type));
        let written = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(written == served, "{path}: the file is what serve answers");
        bytes += written.len() as u64;

        let mut gz = file.clone().into_os_string();
        gz.push(".gz");
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&std::fs::read(&gz).unwrap()[..]),
            &mut unzipped,
        )
        .unwrap();
        assert!(unzipped == written, "{path}: .gz holds the same bytes");

        let mut br = file.into_os_string();
        br.push(".br");
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &std::fs::read(&br).unwrap()[..], &mut unbrotli).unwrap();
        assert!(unbrotli == written, "{path}: .br holds the same bytes");
    }
    assert_eq!(summary.bytes, bytes, "the summary counts the bytes written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_export_stops_at_a_route_that_does_not_answer_200() {
    use statusatlas::export::{ExportError, Options, export_paths};
    let dir = std::env::temp_dir().join(format!("statusatlas-export-stop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let options = Options {
        dir: dir.clone(),
        base_url: crate::support::BASE.to_string(),
        force: false,
        precompress: false,
        progress: false,
    };
    let paths = vec!["/http/407".to_string(), "/http/299".to_string()];
    match export_paths(&options, &paths) {
        Err(ExportError::Status { path, status }) => {
            assert_eq!(path, "/http/299");
            assert_eq!(status, 404);
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
