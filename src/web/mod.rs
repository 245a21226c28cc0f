//! The website, the JSON API, the embeds and the live endpoints: route
//! groups that each own their policies, served by hyper with request limits
//! and graceful shutdown.
//!
//! Every URL is a typed path in [`routes`]; each group below registers its
//! routes from those definitions and adds its own layers: content security
//! policy and framing, CORS, cache policy and the response cache, and the
//! error format. What every response shares (access log, timeout, body
//! limit, compression, `nosniff`, Referrer-Policy) is applied once,
//! outermost.

pub mod api;
pub mod badge;
pub mod cache;
pub mod cors;
pub mod embed;
pub mod error;
pub mod layers;
pub mod live;
pub mod pages;
pub mod resolve;
pub mod routes;
mod server;
pub mod site;
mod slash;
pub mod views;

use axum::Router;
use axum::routing::{any, get};
use axum_extra::routing::RouterExt;
use axum_extra::routing::TypedPath;
use cache::{ASSET_CACHE, PAGE_CACHE, ResponseCache};
use layers::{
    CSP_DOCS, CSP_EMBED, CSP_PAGES, cache_control, csp, deny_framing, html_errors, json_errors,
};
use std::sync::Arc;
use std::time::Duration;
use utoipa::OpenApi;

pub use server::{ConnectionLimits, serve, serve_with};

/// Everything a handler needs besides the catalog (which is process-wide).
pub struct AppState {
    /// The public origin used in canonical links, sitemaps and embeds, without
    /// a trailing slash ("https://statusatlas.example").
    pub base_url: String,
    /// Rendered responses, shared by every group that caches.
    pub cache: Arc<ResponseCache>,
    /// Limits of the live `/status/...` endpoints.
    pub live: live::Limits,
}

impl AppState {
    pub fn new(base_url: &str) -> AppState {
        AppState::with_live(base_url, live::LiveConfig::default())
    }

    pub fn with_live(base_url: &str, config: live::LiveConfig) -> AppState {
        AppState {
            base_url: base_url.trim_end_matches('/').to_string(),
            cache: Arc::new(ResponseCache::new(cache::CACHE_BYTES)),
            live: live::Limits::new(config),
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

type State = Arc<AppState>;

/// The response cache of a group, with the group's Cache-Control where a
/// handler set none.
fn cached(router: Router<State>, state: &State, policy: &'static str) -> Router<State> {
    router
        .layer(cache_control(policy))
        .layer(axum::middleware::from_fn_with_state(
            state.cache.clone(),
            cache::layer,
        ))
}

/// The data is public and embeds fetch it: every group answers any origin.
/// It sits inside each group's CSP and framing layers, so preflight answers
/// carry them too.
fn cors() -> cors::PublicCors {
    cors::PublicCors::new()
}

/// HTML pages: the site, search, situations, the embed gallery, sitemap and
/// robots.txt, and the 404 page of every path no group claims. Never framed.
fn pages(state: &State) -> Router<State> {
    let routes = Router::new()
        .typed_get(pages::home)
        .typed_get(pages::search_page)
        .typed_get(pages::compare_picker)
        .route(
            routes::ComparePage::PATH,
            get(pages::compare_page::<routes::ComparePage>),
        )
        .route(
            routes::CompareCrossPage::PATH,
            get(pages::compare_page::<routes::CompareCrossPage>),
        )
        .typed_get(pages::situations_index)
        .typed_get(pages::situation_page)
        .typed_get(pages::protocol_index)
        .typed_get(pages::class_index)
        .route(routes::CodePage::PATH, get(pages::code_page))
        .route(routes::EdePage::PATH, get(pages::ede_page))
        .typed_get(embed::gallery)
        .typed_get(site::sitemap)
        .typed_get(site::robots)
        .fallback(pages::not_found_page);
    cached(routes, state, PAGE_CACHE)
        .layer(axum::middleware::from_fn(html_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// Stylesheets, the site script and the icon: long-lived, never framed.
fn assets(state: &State) -> Router<State> {
    cached(Router::new().typed_get(site::asset), state, ASSET_CACHE)
        .layer(axum::middleware::from_fn(html_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// The JSON API, the OpenAPI document and the oEmbed provider: JSON errors,
/// readable from any origin.
fn api(state: &State) -> Router<State> {
    let routes = Router::new()
        .typed_get(api::protocols)
        .typed_get(api::search_codes)
        .typed_get(api::full_catalog)
        .route(routes::ApiCompare::PATH, get(api::compare_codes))
        .route(routes::ApiCompareCross::PATH, get(api::compare_cross))
        .typed_get(api::codes)
        .route(routes::ApiCode::PATH, get(api::code))
        .typed_get(api::openapi)
        .typed_get(embed::oembed)
        .route(routes::ApiElsewhere::PATH, any(api::api_not_found));
    cached(routes, state, PAGE_CACHE)
        .layer(axum::middleware::from_fn(json_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// Iframe pages: the only pages other sites may frame, and without script.
fn iframes(state: &State) -> Router<State> {
    let routes = Router::new()
        .route(routes::EmbedCode::PATH, get(embed::iframe_code))
        .route(
            routes::EmbedCompare::PATH,
            get(embed::iframe_compare::<routes::EmbedCompare>),
        )
        .route(
            routes::EmbedCompareCross::PATH,
            get(embed::iframe_compare::<routes::EmbedCompareCross>),
        );
    cached(routes, state, PAGE_CACHE)
        .layer(axum::middleware::from_fn(html_errors))
        .layer(cors())
        .layer(csp(CSP_EMBED))
}

/// What the script widgets fetch (card fragments, JSON errors) and the
/// widget script itself, from any origin.
fn widgets(state: &State) -> Router<State> {
    let routes = Router::new()
        .route(routes::FragmentCode::PATH, get(embed::fragment_code))
        .route(
            routes::FragmentCompare::PATH,
            get(embed::fragment_compare::<routes::FragmentCompare>),
        )
        .route(
            routes::FragmentCompareCross::PATH,
            get(embed::fragment_compare::<routes::FragmentCompareCross>),
        )
        .typed_get(embed::embed_js);
    cached(routes, state, PAGE_CACHE)
        .layer(axum::middleware::from_fn(json_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// Badges: cached for a day, usable from any origin.
fn badges(state: &State) -> Router<State> {
    cached(
        Router::new().typed_get(badge::badge),
        state,
        badge::BADGE_CACHE,
    )
    .layer(axum::middleware::from_fn(html_errors))
    .layer(cors())
    .layer(csp(CSP_PAGES))
    .layer(deny_framing())
}

/// The live test endpoints: any method, never cached, JSON errors, and
/// bodies sent exactly as built. A router of its own so that it can be
/// served on a listener of its own.
pub fn live_router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(routes::LiveStatus::PATH, any(live::status))
        .layer(axum::middleware::from_fn(json_errors))
        .layer(cors())
        .layer(csp(live::CSP_LIVE))
        .layer(deny_framing())
        .with_state(state)
}

/// The API browser (Swagger UI, served from the binary).
fn docs() -> Router<State> {
    let ui = utoipa_swagger_ui::SwaggerUi::new(routes::API_DOCS).config(
        utoipa_swagger_ui::Config::from(routes::OpenApiJson.to_string()),
    );
    Router::<State>::new()
        .merge(ui)
        .layer(axum::middleware::from_fn(html_errors))
        .layer(cors())
        .layer(csp(CSP_DOCS))
        .layer(deny_framing())
}

/// The whole site: every route group, and the policies all of them share.
pub fn router(state: Arc<AppState>) -> Router {
    let groups = Router::new()
        .merge(pages(&state))
        .merge(assets(&state))
        .merge(api(&state))
        .merge(iframes(&state))
        .merge(widgets(&state))
        .merge(badges(&state))
        .merge(docs())
        .with_state(state.clone())
        .merge(live_router(state));
    let probe = groups.clone();
    shared(groups.layer(axum::middleware::from_fn_with_state(
        probe,
        slash::canonical_slash,
    )))
}

/// What every response shares, applied once, outermost: compression of
/// dynamic responses, the body limit, the timeout, `nosniff`, the
/// Referrer-Policy and the access log.
fn shared(router: Router) -> Router {
    router
        .layer(tower_http::compression::CompressionLayer::new().compress_when(CompressUnlessMarked))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(16 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(layers::nosniff())
        .layer(layers::referrer_policy())
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

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
}

impl ServeError {
    /// The process exit code for this error (sysexits: 70 software, 71 OS).
    pub fn exit_code(&self) -> u8 {
        match self {
            ServeError::Catalog(_) => 70,
            ServeError::Runtime(_) | ServeError::Listen { .. } => 71,
        }
    }
}

/// Runs the server until SIGTERM or Ctrl-C; in-flight requests finish first.
pub fn serve_blocking(
    addr: &str,
    base_url: Option<&str>,
    live: live::LiveConfig,
) -> Result<(), ServeError> {
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
        .map_err(ServeError::Runtime)?;
    // Load the catalog before the first request, so start-up errors show here.
    crate::catalog::try_catalog()?;
    runtime.block_on(async {
        let listen = |source| ServeError::Listen {
            addr: addr.to_string(),
            source,
        };
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(listen)?;
        let local = listener.local_addr().map_err(listen)?;
        let base = base_url
            .map(str::to_string)
            .unwrap_or_else(|| format!("http://{local}"));
        let state = Arc::new(AppState::with_live(&base, live.for_address(local.ip())));
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
