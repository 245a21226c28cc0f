//! Static export: every route that depends only on the data is sent through
//! the same router as `serve` and its bytes are written to a folder laid out
//! so that a plain web server maps each URL to a file. The exported site and
//! the served site cannot drift apart.

use crate::catalog::catalog;
use crate::web::{AppState, router, routes, site};
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// The gzip level of the export's `.gz` files, chosen for throughput: the
/// export compresses every page of the site, where `serve` compresses a
/// page once. On a sample of the export (4,000 files, 30 MB), level 4 wrote
/// 33.6 % of the input against level 6's 33.4 %, in less time.
pub const GZIP_LEVEL: u32 = 4;

/// The brotli quality of the export's `.br` files, chosen for throughput as
/// [`GZIP_LEVEL`] is: on the same sample, quality 4 wrote 32.7 % of the
/// input against quality 6's 30.6 % (7 % more bytes) in about two thirds of
/// the time; quality 5 is as slow as 6, and 3 no smaller than gzip.
pub const BROTLI_QUALITY: i32 = 4;

/// Export threads per core (see [`export_paths`]).
const THREADS_PER_CORE: usize = 4;

/// Exports every data-only route ([`routes`]) into `options.dir`.
/// Errors: the folder is not empty (without `force`), cannot be created or
/// written, or a route answered something other than 200.
pub fn run(options: &Options) -> Result<Summary, ExportError> {
    crate::catalog::try_catalog()?;
    prepare(&options.dir, options.force)?;
    export_paths(options, &routes())
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

/// Sends each of `paths` (URL paths) through the router and writes the
/// answer under `options.dir` (see [`file_for`]), with `.gz` and `.br`
/// beside it when `options.precompress` is set; the folder must exist.
/// A few threads per core take the next path from a shared counter, so the
/// work stays spread however uneven the pages are; the first error stops
/// every thread and is returned.
pub fn export_paths(options: &Options, paths: &[String]) -> Result<Summary, ExportError> {
    let started = Instant::now();
    let mut state = AppState::new(&options.base_url);
    // Every page is asked for once: storing them would only evict each other.
    state.cache = Arc::new(crate::web::cache::ResponseCache::disabled());
    let app = router(Arc::new(state));
    let bar = if options.progress {
        let bar = indicatif::ProgressBar::new(paths.len() as u64);
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
    // Creating 80,000 folders and files waits on the file system as much
    // as rendering uses the processor: threads beyond the cores keep both
    // busy.
    let threads = (THREADS_PER_CORE
        * std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2))
    .min(paths.len())
    .max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = Work {
        app: &app,
        dir: &options.dir,
        precompress: options.precompress,
        paths,
        next: &next,
        failed: &failed,
        bar: &bar,
    };
    let results: Vec<Result<Summary, ExportError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(|| work.run())).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ExportError::Route {
                        path: "an export thread".into(),
                        message: "it stopped unexpectedly".into(),
                    })
                })
            })
            .collect()
    });
    let mut summary = Summary::default();
    for result in results {
        match result {
            Ok(part) => {
                summary.files += part.files;
                summary.bytes += part.bytes;
            }
            Err(e) => {
                bar.abandon();
                return Err(e);
            }
        }
    }
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// What the export threads share.
struct Work<'a> {
    app: &'a axum::Router,
    dir: &'a Path,
    precompress: bool,
    paths: &'a [String],
    next: &'a AtomicUsize,
    failed: &'a AtomicBool,
    bar: &'a indicatif::ProgressBar,
}

impl Work<'_> {
    /// One thread's share: paths until none are left or a thread failed.
    fn run(&self) -> Result<Summary, ExportError> {
        // The router's futures finish without waiting on anything but its
        // own timers; a runtime of this thread's own drives them.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(ExportError::Runtime)?;
        let mut summary = Summary::default();
        let mut last_dir = PathBuf::new();
        while !self.failed.load(Ordering::Relaxed) {
            let index = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = self.paths.get(index) else {
                break;
            };
            let written = runtime
                .block_on(render(self.app, path))
                .and_then(|(file, body)| {
                    let target = self.dir.join(file);
                    self.write(&target, &body, &mut last_dir)?;
                    Ok(body.len() as u64)
                });
            match written {
                Ok(bytes) => {
                    summary.files += 1;
                    summary.bytes += bytes;
                    self.bar.inc(1);
                }
                Err(e) => {
                    self.failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(summary)
    }

    /// Writes `body` to `target` (and its compressed variants), creating
    /// the folder unless it is `last_dir`, the one this thread made last.
    fn write(&self, target: &Path, body: &[u8], last_dir: &mut PathBuf) -> Result<(), ExportError> {
        if let Some(parent) = target.parent()
            && parent != last_dir.as_path()
        {
            std::fs::create_dir_all(parent).map_err(|source| ExportError::Create {
                path: parent.to_path_buf(),
                source,
            })?;
            parent.clone_into(last_dir);
        }
        std::fs::write(target, body).map_err(|source| ExportError::Write {
            path: target.to_path_buf(),
            source,
        })?;
        if self.precompress {
            write_beside(target, "gz", &crate::web::cache::gzip_at(body, GZIP_LEVEL))?;
            write_beside(
                target,
                "br",
                &crate::web::cache::brotli_at(body, BROTLI_QUALITY),
            )?;
        }
        Ok(())
    }
}

/// The answer of the router for `path`: where it is written and its bytes
/// as the router produced them.
async fn render(app: &axum::Router, path: &str) -> Result<(PathBuf, Bytes), ExportError> {
    let route = |message: String| ExportError::Route {
        path: path.to_string(),
        message,
    };
    let request = Request::get(path)
        .body(Body::empty())
        .map_err(|e| route(e.to_string()))?;
    let response = app
        .clone()
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
        .unwrap_or("");
    let file = file_for(path, content_type);
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| route(e.to_string()))?
        .to_bytes();
    Ok((file, body))
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
    std::fs::write(&path, bytes).map_err(write)
}
