//! The website, the JSON API and the embeds: one route table, one set of
//! middleware, served by hyper with request limits and graceful shutdown.

pub mod api;
pub mod badge;
pub mod cache;
pub mod embed;
pub mod error;
pub mod live;
mod middleware;
pub mod pages;
pub mod site;
pub mod views;

use axum::Router;
use axum::routing::get;
use cache::ResponseCache;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::CorsLayer;
use utoipa::OpenApi;

/// How many rendered responses stay in memory. Every page of the data fits;
/// comparisons beyond that are rendered again when evicted.
pub const CACHE_ENTRIES: usize = 4096;

/// Everything a handler needs besides the catalog (which is process-wide).
pub struct AppState {
    /// The public origin used in canonical links, sitemaps and embeds, without
    /// a trailing slash ("https://statusatlas.example").
    pub base_url: String,
    pub cache: ResponseCache,
    /// Limits of the live `/status/...` endpoints.
    pub live: live::Limits,
    /// Whether `/mcp` (the MCP server on Streamable HTTP) is served.
    pub mcp: bool,
}

impl AppState {
    pub fn new(base_url: &str) -> AppState {
        AppState::with_live(base_url, live::LiveConfig::default())
    }

    pub fn with_live(base_url: &str, config: live::LiveConfig) -> AppState {
        AppState {
            base_url: base_url.trim_end_matches('/').to_string(),
            cache: ResponseCache::new(CACHE_ENTRIES),
            live: live::Limits::new(config),
            mcp: true,
        }
    }
}

/// Marks responses that must go out exactly as built (live endpoints with
/// injected faults or dribbled bodies), so compression leaves them alone.
#[derive(Clone, Copy)]
pub struct Uncompressed;

#[derive(Clone, Copy)]
struct CompressUnlessMarked;

impl tower_http::compression::Predicate for CompressUnlessMarked {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response.extensions().get::<Uncompressed>().is_none()
            && tower_http::compression::DefaultPredicate::new().should_compress(response)
    }
}

/// The one route table of the site, the API and the embeds.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/api/v1/protocols", get(api::protocols))
        .route("/api/v1/search", get(api::search_codes))
        .route("/api/v1/catalog.json", get(api::full_catalog))
        .route("/api/v1/compare/{protocol}/{pair}", get(api::compare_codes))
        .route(
            "/api/v1/compare/{protocol}/{pair}/{code}",
            get(api::compare_cross),
        )
        .route("/api/v1/{protocol}/codes", get(api::codes))
        .route("/api/v1/{protocol}/codes/{code}", get(api::code))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/{*rest}", get(api::api_not_found))
        .route("/oembed", get(embed::oembed))
        .route(
            "/embed/fragment/{protocol}/{code}",
            get(embed::fragment_code),
        )
        .route(
            "/embed/fragment/compare/{protocol}/{pair}",
            get(embed::fragment_compare),
        )
        .route(
            "/embed/fragment/compare/{protocol}/{pair}/{code}",
            get(embed::fragment_compare_cross),
        )
        .route("/badge/{protocol}/{file}", get(badge::badge))
        .route("/embed.js", get(embed::embed_js));
    let docs = utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .config(utoipa_swagger_ui::Config::from("/api/openapi.json"));
    let mcp = if state.mcp {
        crate::mcp::http::routes(crate::mcp::LiveSettings {
            base_url: state.base_url.clone(),
            config: state.live.config.clone(),
        })
    } else {
        Router::new()
    };
    Router::new()
        .route("/", get(pages::home))
        .route("/search", get(pages::search_page))
        .route("/compare", get(pages::compare_picker))
        .route("/compare/{protocol}/{pair}", get(pages::compare_page))
        .route(
            "/compare/{protocol}/{pair}/{code}",
            get(pages::compare_cross_page),
        )
        .route("/embed/", get(embed::gallery))
        .route("/embed/{protocol}/{code}", get(embed::iframe_code))
        .route(
            "/embed/compare/{protocol}/{pair}",
            get(embed::iframe_compare),
        )
        .route(
            "/embed/compare/{protocol}/{pair}/{code}",
            get(embed::iframe_compare_cross),
        )
        .route("/status/{codes}", axum::routing::any(live::status))
        .route("/situations/", get(pages::situations_index))
        .route("/situations/{slug}", get(pages::situation_page))
        .route("/sitemap.xml", get(site::sitemap))
        .route("/robots.txt", get(site::robots))
        .route("/assets/{file}", get(site::asset))
        .route("/{protocol}/", get(pages::protocol_index))
        .route("/{protocol}/{code}", get(pages::code_page))
        .route("/{protocol}/{class}/", get(pages::class_index))
        .route("/{protocol}/ede/{code}", get(pages::ede_page))
        .merge(api)
        .merge(docs)
        .merge(mcp)
        .fallback(pages::not_found_page)
        .with_state(state.clone())
        // Innermost first: error bodies and security headers, compression of
        // dynamic responses, limits, then the cache fast path, the URI
        // length check, CORS (the data is public; embeds fetch it) and the
        // access log outermost.
        .layer(axum::middleware::from_fn(middleware::errors_and_headers))
        .layer(tower_http::compression::CompressionLayer::new().compress_when(CompressUnlessMarked))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(16 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            middleware::cached_fast_path,
        ))
        .layer(axum::middleware::from_fn(middleware::reject_long_uris))
        .layer(CorsLayer::permissive().max_age(Duration::from_secs(86400)))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(
                    tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO),
                )
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
}

/// A 301 to `to`: the status the URL scheme promises for reverse-order
/// comparisons (axum's helper answers 308).
pub fn moved_permanently(to: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    match axum::http::HeaderValue::from_str(to) {
        Ok(location) => (
            axum::http::StatusCode::MOVED_PERMANENTLY,
            [(axum::http::header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => axum::http::StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The OpenAPI document as JSON, for the snapshot test and the export.
pub fn openapi_json() -> String {
    api::ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// Runs the server until SIGTERM or Ctrl-C; in-flight requests finish first.
///
/// `mcp` turns `/mcp` (the MCP server on Streamable HTTP) on or off.
pub fn serve_blocking(
    addr: &str,
    base_url: Option<&str>,
    live: live::LiveConfig,
    mcp: bool,
) -> Result<(), String> {
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let base = base_url
            .map(str::to_string)
            .unwrap_or_else(|| format!("http://{local}"));
        let mut state = AppState::with_live(&base, live);
        state.mcp = mcp;
        let state = Arc::new(state);
        // Load the catalog before the first request, so start-up errors show here.
        let _ = crate::catalog::catalog();
        tracing::info!("statusatlas listening on http://{local}");
        serve(listener, router(state), shutdown_signal()).await;
        tracing::info!("statusatlas stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Accepts connections until `shutdown` resolves, then lets open requests
/// finish (up to 30 s). Header reads are bounded, so a slow client cannot
/// hold a connection open forever.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use tower::ServiceExt;

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let app = app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer)));
                // A live request may ask for the connection to be dropped
                // before any answer: only the connection layer can do that.
                let service = hyper::service::service_fn(move |request: axum::http::Request<hyper::body::Incoming>| {
                    let app = app.clone();
                    async move {
                        if live::wants_abort_before_headers(request.uri().path(), request.uri().query()) {
                            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "fault injected by statusatlas"));
                        }
                        Ok(app.oneshot(request.map(axum::body::Body::new)).await.unwrap_or_else(|never| match never {}))
                    }
                });
                let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                let watched = graceful.watch(connection.into_owned());
                tokio::spawn(async move {
                    let _ = watched.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    tokio::select! {
        _ = graceful.shutdown() => {},
        _ = tokio::time::sleep(Duration::from_secs(30)) => {
            tracing::warn!("connections still open after 30 s; closing them");
        }
    }
}
