//! Static export: every route that depends only on the data is sent through
//! the same router as `serve` and its bytes are written to a folder laid out
//! so that a plain web server maps each URL to a file. The exported site and
//! the served site cannot drift apart.

use crate::catalog::catalog;
use crate::web::views::embed_href;
use crate::web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

pub struct Options {
    pub dir: PathBuf,
    pub base_url: String,
    pub force: bool,
    /// Also write .gz and .br next to each file (for gzip_static, brotli_static).
    pub precompress: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    pub seconds: f64,
}

/// Every URL path the export writes, in a stable order.
pub fn routes() -> Vec<String> {
    let catalog = catalog();
    let mut paths = crate::web::site::page_paths();
    let pages = paths.clone();
    paths.extend(
        [
            "/embed/",
            "/embed.js",
            "/sitemap.xml",
            "/robots.txt",
            "/api/openapi.json",
            "/api/v1/protocols",
            "/api/v1/catalog.json",
        ]
        .map(String::from),
    );
    paths.extend(
        crate::web::site::ASSETS
            .iter()
            .map(|(name, _, _)| format!("/assets/{name}")),
    );
    for p in catalog.protocols() {
        let slug = p.protocol.slug();
        paths.push(format!("/api/v1/{slug}/codes"));
        for e in p.entries.iter().chain(&p.variants) {
            paths.push(format!("/api/v1/{slug}/codes/{}", e.id));
            paths.push(embed_href(e));
            paths.push(format!("/embed/fragment/{slug}/{}", e.id));
            paths.push(format!("/badge/{slug}/{}.svg", e.id));
            paths.push(format!("/badge/{slug}/{}.json", e.id));
        }
    }
    for path in pages.iter().filter(|p| p.starts_with("/compare/")) {
        paths.push(format!("/api/v1{path}"));
        paths.push(format!("/embed{path}"));
        paths.push(format!("/embed/fragment{path}"));
    }
    paths
}

/// Where a URL path is written: paths with a file extension as they are,
/// others as a folder with index.html (or index.json for JSON documents).
pub fn file_for(path: &str, content_type: &str) -> PathBuf {
    let trimmed = path.trim_start_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    let has_extension = last.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(ext, "html" | "json" | "svg" | "xml" | "txt" | "js" | "css")
    });
    if has_extension {
        return PathBuf::from(trimmed);
    }
    let index = if content_type.starts_with("application/json") {
        "index.json"
    } else {
        "index.html"
    };
    PathBuf::from(trimmed).join(index)
}

pub fn run(options: &Options) -> Result<Summary, String> {
    prepare(&options.dir, options.force)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(export(options))
}

fn prepare(dir: &Path, force: bool) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(format!(
                    "{} is not empty; use --force to write into it anyway",
                    dir.display()
                ));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display())),
        Err(e) => Err(format!("cannot read {}: {e}", dir.display())),
    }
}

async fn export(options: &Options) -> Result<Summary, String> {
    let started = Instant::now();
    let state = Arc::new(AppState::new(&options.base_url));
    let app = router(state);
    let routes = routes();
    let bar = if options.progress {
        let bar = indicatif::ProgressBar::new(routes.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} files, {per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        * 2;
    let mut tasks = tokio::task::JoinSet::new();
    let mut summary = Summary::default();
    let mut queue = routes.into_iter();
    loop {
        while tasks.len() < workers {
            let Some(path) = queue.next() else { break };
            let app = app.clone();
            let dir = options.dir.clone();
            let precompress = options.precompress;
            tasks.spawn(async move { write_route(app, &dir, &path, precompress).await });
        }
        match tasks.join_next().await {
            Some(Ok(Ok(bytes))) => {
                summary.files += 1;
                summary.bytes += bytes;
                bar.inc(1);
            }
            Some(Ok(Err(e))) => {
                bar.abandon();
                tasks.abort_all();
                return Err(e);
            }
            Some(Err(e)) => return Err(format!("an export task failed: {e}")),
            None => break,
        }
    }
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

async fn write_route(
    app: axum::Router,
    dir: &Path,
    path: &str,
    precompress: bool,
) -> Result<u64, String> {
    let request = Request::get(path)
        .body(Body::empty())
        .map_err(|e| format!("{path}: {e}"))?;
    let response = app
        .oneshot(request)
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    if response.status() != StatusCode::OK {
        return Err(format!(
            "{path} answered {} instead of 200",
            response.status()
        ));
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{path}: {e}"))?
        .to_bytes();
    let target = dir.join(file_for(path, &content_type));
    tokio::task::spawn_blocking(move || {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, &body)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        if precompress {
            let rendered = crate::web::cache::Rendered::new("", "", body.clone());
            write_beside(&target, "gz", &rendered.gzip())?;
            write_beside(&target, "br", &rendered.br())?;
        }
        Ok(body.len() as u64)
    })
    .await
    .map_err(|e| format!("{path}: {e}"))?
}

fn write_beside(target: &Path, extension: &str, bytes: &[u8]) -> Result<(), String> {
    let mut name = target.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    let path = PathBuf::from(name);
    let mut file = std::fs::File::create(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
