//! Static export: every route that depends only on the data is sent through
//! the same router as `serve` and its bytes are written to a folder laid out
//! so that a plain web server maps each URL to a file. The exported site and
//! the served site cannot drift apart.

use crate::catalog::catalog;
use crate::web::{AppState, router, routes, site};
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

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} is not empty; use --force to write into it anyway", .0.display())]
    NotEmpty(PathBuf),
    #[error("cannot create {}: {source}", .path.display())]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("{path} answered {status} instead of 200")]
    Status { path: String, status: StatusCode },
    #[error("{path}: {message}")]
    Route { path: String, message: String },
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
}

/// Every URL path the export writes, in a stable order (see
/// `routes::data_only`).
pub fn routes() -> Vec<String> {
    routes::data_only(catalog(), &site::asset_names())
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

pub fn run(options: &Options) -> Result<Summary, ExportError> {
    crate::catalog::try_catalog()?;
    prepare(&options.dir, options.force)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ExportError::Runtime)?;
    runtime.block_on(export(options))
}

fn prepare(dir: &Path, force: bool) -> Result<(), ExportError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(ExportError::NotEmpty(dir.to_path_buf()));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|source| ExportError::Create {
                path: dir.to_path_buf(),
                source,
            })
        }
        Err(source) => Err(ExportError::Read {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

async fn export(options: &Options) -> Result<Summary, ExportError> {
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
            Some(Err(e)) => {
                return Err(ExportError::Route {
                    path: "an export task".into(),
                    message: e.to_string(),
                });
            }
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
) -> Result<u64, ExportError> {
    let route = |message: String| ExportError::Route {
        path: path.to_string(),
        message,
    };
    let request = Request::get(path)
        .body(Body::empty())
        .map_err(|e| route(e.to_string()))?;
    let response = app
        .oneshot(request)
        .await
        .map_err(|e| route(e.to_string()))?;
    if response.status() != StatusCode::OK {
        return Err(ExportError::Status {
            path: path.to_string(),
            status: response.status(),
        });
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
        .map_err(|e| route(e.to_string()))?
        .to_bytes();
    let target = dir.join(file_for(path, &content_type));
    tokio::task::spawn_blocking(move || {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| ExportError::Create {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&target, &body).map_err(|source| ExportError::Write {
            path: target.clone(),
            source,
        })?;
        if precompress {
            write_beside(&target, "gz", &crate::web::cache::gzip(&body))?;
            write_beside(&target, "br", &crate::web::cache::brotli(&body))?;
        }
        Ok(body.len() as u64)
    })
    .await
    .map_err(|e| route(e.to_string()))?
}

fn write_beside(target: &Path, extension: &str, bytes: &[u8]) -> Result<(), ExportError> {
    let mut name = target.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    let path = PathBuf::from(name);
    let write = |source| ExportError::Write {
        path: path.clone(),
        source,
    };
    let mut file = std::fs::File::create(&path).map_err(write)?;
    file.write_all(bytes).map_err(write)
}
