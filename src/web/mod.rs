//! The website, the JSON API, the embeds and the live endpoints: route
//! groups that each own their policies, served by hyper with request limits
//! and graceful shutdown.
//!
//! Every URL is a typed path in [`routes`]; each group below registers its
//! routes from those definitions and adds its own layers: content security
//! policy and framing, CORS, cache policy and the response cache, the
//! request body limit (16 KiB; the explain routes take up to 3 MiB + 1 KiB so
//! that 1 MiB of text fits in any encoding they accept) and the error format.
//! What every response shares (access log, timeout, compression, `nosniff`,
//! Referrer-Policy) is applied once, outermost.

pub mod api;
pub mod apidocs;
pub mod badge;
pub mod cache;
pub mod card_height;
pub mod cors;
pub mod embed;
pub mod error;
pub mod explain;
pub mod glossary;
pub mod guide;
pub mod indexes;
pub mod layers;
pub mod live;
pub mod pages;
pub mod resolve;
pub mod routes;
mod server;
pub mod site;
mod slash;
pub mod views;
pub mod wrap;

use axum::Router;
use axum::routing::{any, get};
use axum_extra::routing::RouterExt;
use axum_extra::routing::TypedPath;
use cache::{ASSET_CACHE, PAGE_CACHE, ResponseCache};
use layers::{
    BODY_LIMIT, CSP_DOCS, CSP_EMBED, CSP_PAGES, EXPLAIN_BODY_LIMIT, cache_control, csp,
    deny_framing, html_errors, json_errors,
};
use std::sync::Arc;
use std::time::Duration;

pub use server::{ConnectionLimits, Site, serve, serve_with};

/// Everything a handler needs besides the catalog (which is process-wide).
pub struct AppState {
    /// The public origin used in canonical links, sitemaps and embeds, without
    /// a trailing slash ("https://statusatlas.example").
    pub base_url: String,
    /// Rendered responses, shared by every group that caches.
    pub cache: Arc<ResponseCache>,
    /// Limits of the live `/status/...` endpoints.
    pub live: live::Limits,
    /// The origin that serves the live endpoints, for the "try it live"
    /// commands on code pages: this site's own by default, another listener's
    /// with `--live-addr`, none with `--no-live`.
    pub live_base_url: Option<String>,
    /// Whether `/mcp` (the MCP server on Streamable HTTP) is served.
    pub mcp: bool,
    /// Where the live gRPC service listens (`host:port`, for the grpcurl
    /// commands on gRPC code pages), when `--grpc-addr` is given.
    pub grpc_addr: Option<String>,
    /// The DNS, SMTP, FTP and SIP listeners, for the "Try it live" commands of their
    /// codes' pages.
    pub listeners: crate::listeners::Endpoints,
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
            live_base_url: Some(base_url.trim_end_matches('/').to_string()),
            mcp: true,
            grpc_addr: None,
            listeners: crate::listeners::Endpoints::default(),
        }
    }

    /// The same state with the live endpoints at `origin` (None: nowhere).
    pub fn with_live_base_url(mut self, origin: Option<&str>) -> AppState {
        self.live_base_url = origin.map(|o| o.trim_end_matches('/').to_string());
        self
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

/// The group's request body limit, inside its error layer so that a 413
/// comes in the group's error format.
fn bounded<S: Clone + Send + Sync + 'static>(router: Router<S>, limit: usize) -> Router<S> {
    router.layer(axum::middleware::from_fn_with_state(
        limit,
        layers::limit_body,
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
        .typed_get(indexes::protocol_index)
        .typed_get(indexes::class_index)
        .typed_get(indexes::filtered_index)
        .typed_get(indexes::cheat_sheet)
        .typed_get(glossary::headers_index)
        .typed_get(glossary::header_page)
        .typed_get(guide::guide_start)
        .typed_get(guide::guide_step)
        .typed_get(guide::guide_outcome)
        .route(routes::CodePage::PATH, get(pages::code_page))
        .route(routes::EdePage::PATH, get(pages::ede_page))
        .typed_get(embed::gallery)
        .typed_get(site::sitemap)
        .typed_get(site::robots)
        .fallback(pages::not_found_page);
    bounded(cached(routes, state, PAGE_CACHE), BODY_LIMIT)
        .layer(axum::middleware::from_fn(html_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// Stylesheets, the site scripts and the icons: long-lived, never framed.
fn assets(state: &State) -> Router<State> {
    bounded(
        cached(
            Router::new()
                .typed_get(site::asset)
                .typed_get(site::favicon),
            state,
            ASSET_CACHE,
        ),
        BODY_LIMIT,
    )
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
        .typed_get(glossary::api_headers)
        .route(routes::ApiCompare::PATH, get(api::compare_codes))
        .route(routes::ApiCompareCross::PATH, get(api::compare_cross))
        .typed_get(api::codes)
        .route(routes::ApiCode::PATH, get(api::code))
        .typed_get(api::openapi)
        .typed_get(embed::oembed)
        .route(routes::ApiElsewhere::PATH, any(api::api_not_found));
    bounded(cached(routes, state, PAGE_CACHE), BODY_LIMIT)
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
    bounded(cached(routes, state, PAGE_CACHE), BODY_LIMIT)
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
    bounded(cached(routes, state, PAGE_CACHE), BODY_LIMIT)
        .layer(axum::middleware::from_fn(json_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// Badges: cached for a day, usable from any origin.
fn badges(state: &State) -> Router<State> {
    bounded(
        cached(
            Router::new().typed_get(badge::badge),
            state,
            badge::BADGE_CACHE,
        ),
        BODY_LIMIT,
    )
    .layer(axum::middleware::from_fn(html_errors))
    .layer(cors())
    .layer(csp(CSP_PAGES))
    .layer(deny_framing())
}

/// A route for `handler` on GET (and HEAD), POST, PUT, DELETE, PATCH and
/// OPTIONS: the methods the live flows take; any other gets 405 with Allow.
fn every_method<H, T>(handler: H) -> axum::routing::MethodRouter<State>
where
    H: axum::handler::Handler<T, State>,
    T: 'static,
{
    get(handler.clone())
        .post(handler.clone())
        .put(handler.clone())
        .delete(handler.clone())
        .patch(handler.clone())
        .options(handler)
}

/// The live test endpoints: any method, never cached, JSON errors, and
/// bodies sent exactly as built. A router of its own so that it can be
/// served on a listener of its own.
pub fn live_router(state: Arc<AppState>) -> Router {
    use axum::routing::post;
    use live::{auth, conditional, echo, negotiation, range, redirect, retry, upload};
    // The flows that take the usual methods (the methods of RFC 9110 and
    // PATCH); anything else gets 405 with Allow.
    let bounded_routes = bounded(
        Router::new()
            .route(routes::LiveStatus::PATH, any(live::status))
            .route(routes::LiveEcho::PATH, every_method(echo::echo))
            .route(routes::LiveRedirect::PATH, every_method(redirect::redirect))
            .route(
                routes::LiveRedirectLoop::PATH,
                every_method(redirect::redirect_loop),
            )
            .route(routes::LiveAuthBasic::PATH, every_method(auth::basic))
            .route(routes::LiveAuthBearer::PATH, every_method(auth::bearer))
            .route(
                routes::LiveAuthForbidden::PATH,
                every_method(auth::forbidden),
            )
            .route(
                routes::LiveCacheEtag::PATH,
                get(conditional::etag_resource).put(conditional::etag_resource),
            )
            .route(routes::LiveRange::PATH, get(range::range))
            .route(routes::LiveRetry::PATH, every_method(retry::retry))
            .route(
                routes::LiveNegotiate::PATH,
                get(negotiation::document)
                    .post(negotiation::accept_body)
                    .put(negotiation::accept_body),
            ),
        BODY_LIMIT,
    );
    // The upload keeps its own limit (`?limit=`), checked before the body
    // is read so that 413 and 417 come before any 100 Continue.
    let uploads = Router::new().route(
        routes::LiveUpload::PATH,
        post(upload::upload).put(upload::upload),
    );
    bounded_routes
        .merge(uploads)
        .layer(axum::middleware::from_fn(json_errors))
        .layer(cors())
        .layer(csp(live::CSP_LIVE))
        .layer(deny_framing())
        .with_state(state)
}

/// The explain page: a form and its answer, never cached (the answer
/// depends on the text, which is not stored). Its body limit,
/// [`EXPLAIN_BODY_LIMIT`], is kept by the form handler itself, which reads
/// at most that much and otherwise answers 413 with the form again.
fn explain_page() -> Router<State> {
    Router::new()
        .typed_get(explain::page)
        .typed_post(explain::page_post)
        .layer(cache_control("no-store"))
        .layer(axum::middleware::from_fn(html_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// `POST /api/v1/explain`: JSON errors, any origin, never cached, with the
/// larger body limit of [`EXPLAIN_BODY_LIMIT`].
fn explain_api() -> Router<State> {
    bounded(Router::new().typed_post(explain::api), EXPLAIN_BODY_LIMIT)
        .layer(cache_control("no-store"))
        .layer(axum::middleware::from_fn(json_errors))
        .layer(cors())
        .layer(csp(CSP_PAGES))
        .layer(deny_framing())
}

/// The API reference page, and the API explorer (Swagger UI, served from
/// the binary) under it.
fn docs() -> Router<State> {
    let ui = utoipa_swagger_ui::SwaggerUi::new(routes::API_EXPLORER).config(
        utoipa_swagger_ui::Config::from(routes::OpenApiJson.to_string()),
    );
    let explorer = bounded(Router::<State>::new().merge(ui), BODY_LIMIT)
        .layer(axum::middleware::from_fn(html_errors))
        .layer(cors())
        .layer(csp(CSP_DOCS))
        .layer(deny_framing());
    let page = bounded(
        Router::<State>::new().route(&apidocs::docs_page(), get(apidocs::page)),
        BODY_LIMIT,
    )
    .layer(axum::middleware::from_fn(html_errors))
    .layer(cors())
    .layer(csp(CSP_PAGES))
    .layer(deny_framing());
    explorer.merge(page)
}

/// The whole site: every route group, and the policies all of them share.
pub fn router(state: Arc<AppState>) -> Router {
    router_with(state, true)
}

/// The site with or without the live endpoints (which `--live-addr` puts on
/// a listener of their own, and `--no-live` turns off).
pub fn router_with(state: Arc<AppState>, with_live: bool) -> Router {
    let mut groups = Router::new()
        .merge(pages(&state))
        .merge(assets(&state))
        .merge(api(&state))
        .merge(explain_page())
        .merge(explain_api())
        .merge(iframes(&state))
        .merge(widgets(&state))
        .merge(badges(&state))
        .merge(docs())
        .with_state(state.clone());
    if state.mcp {
        groups = groups.merge(mcp_router(&state));
    }
    if with_live {
        groups = groups.merge(live_router(state.clone()));
    }
    with_slash_rule(groups, with_live.then_some(state))
}

/// `/mcp`: the MCP server on Streamable HTTP (read-only, no sessions, Origin
/// checked), with the API's JSON errors and policies. Its `live_url` tool
/// points at the live origin.
fn mcp_router(state: &Arc<AppState>) -> Router {
    bounded(
        crate::mcp::http::routes(crate::mcp::LiveSettings {
            base_url: state.base_url.clone(),
            live_base_url: state.live_base_url.clone(),
            config: state.live.config.clone(),
        }),
        crate::mcp::http::MAX_BODY_BYTES,
    )
    .layer(axum::middleware::from_fn(json_errors))
    .layer(cors())
    .layer(csp(CSP_PAGES))
    .layer(deny_framing())
}

/// The live endpoints alone, with the shared policies: what a listener of
/// their own (an origin apart from the site, as httpbin is) serves.
pub fn live_only_router(state: Arc<AppState>) -> Router {
    let live = live_router(state.clone())
        .fallback(live::not_found)
        .layer(axum::middleware::from_fn(json_errors))
        .layer(csp(live::CSP_LIVE));
    with_slash_rule(live, Some(state))
}

/// The shared policies and the trailing-slash rule around `groups`; with
/// the live endpoints (`proxy`), requests meant for a proxy are answered
/// before anything routes them (`live::proxy`).
fn with_slash_rule(groups: Router, proxy: Option<Arc<AppState>>) -> Router {
    let probe = groups.clone();
    let mut routed = groups.layer(axum::middleware::from_fn_with_state(
        probe,
        slash::canonical_slash,
    ));
    if let Some(state) = proxy {
        routed = routed.layer(axum::middleware::from_fn_with_state(
            state,
            live::proxy::front,
        ));
    }
    shared(routed)
}

/// What every response shares, applied once, outermost: compression of
/// dynamic responses, the timeout, `nosniff`, the
/// Referrer-Policy and the access log.
fn shared(router: Router) -> Router {
    router
        // The same levels as the cached variants (gzip 6, brotli 6): the
        // library's default brotli level (11) costs tens of MiB per response
        // being compressed at once.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Precise(
                    cache::COMPRESSION_LEVEL,
                ))
                .compress_when(CompressUnlessMarked),
        )
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(layers::nosniff())
        .layer(layers::referrer_policy())
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(tower_http::trace::DefaultMakeSpan::new().level(ACCESS_LOG_LEVEL))
                .on_request(tower_http::trace::DefaultOnRequest::new().level(REQUEST_LOG_LEVEL))
                .on_response(tower_http::trace::DefaultOnResponse::new().level(ACCESS_LOG_LEVEL)),
        )
}

/// The level of the access log: a span per request and an event per
/// response, from tower-http's trace layer.
const ACCESS_LOG_LEVEL: tracing::Level = tracing::Level::INFO;

/// The level of the trace layer's "started processing request" events.
const REQUEST_LOG_LEVEL: tracing::Level = tracing::Level::DEBUG;

/// Whether the access log is on (`RUST_LOG` lets any of tower-http's trace
/// layer through): then every request goes through the router, whose trace
/// layer writes it. `tracing` caches the answer per call site, so asking
/// costs a load or two when it is off.
pub(crate) fn logging_requests() -> bool {
    tracing::enabled!(target: "tower_http::trace::make_span", ACCESS_LOG_LEVEL)
        || tracing::enabled!(target: "tower_http::trace::on_request", REQUEST_LOG_LEVEL)
        || tracing::enabled!(target: "tower_http::trace::on_response", ACCESS_LOG_LEVEL)
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
    api::document().to_pretty_json().unwrap_or_default()
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

/// Where the live endpoints are served.
#[derive(Clone, Debug, Default)]
pub enum LiveListener {
    /// On the site's own listener (the default).
    #[default]
    Shared,
    /// On a listener (origin) of their own, as a public deployment should:
    /// nothing they answer then shares an origin with the reference pages.
    Separate {
        addr: String,
        /// Their public origin (default: http:// and the address listened on).
        base_url: Option<String>,
    },
    /// Not at all.
    Off,
}

/// What `statusatlas serve` runs.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The address of the site (`127.0.0.1:8080`).
    pub addr: String,
    /// The site's public origin (default: http:// and the address listened on).
    pub base_url: Option<String>,
    /// Limits of the live endpoints.
    pub live: live::LiveConfig,
    /// Where the live endpoints listen.
    pub live_listener: LiveListener,
    /// Bounds on every listener's connections.
    pub connections: ConnectionLimits,
    /// Whether `/mcp` is served.
    pub mcp: bool,
    /// Where the live gRPC service listens (`--grpc-addr`); None: nowhere.
    pub grpc_addr: Option<String>,
    /// The DNS listener's address (UDP and TCP), if any.
    pub dns_addr: Option<String>,
    /// The SMTP listener's address, if any.
    pub smtp_addr: Option<String>,
    /// The FTP listener's address, if any.
    pub ftp_addr: Option<String>,
    /// The SIP listener's address (UDP), if any.
    pub sip_addr: Option<String>,
    /// Queries or connections per second per client on the DNS, SMTP, FTP and SIP
    /// listeners (`--live-rate`; `None`: none on loopback, 50 elsewhere).
    pub listener_rate: Option<u32>,
}

impl ServeConfig {
    /// The defaults of `statusatlas serve` on `addr`.
    pub fn new(addr: &str) -> ServeConfig {
        ServeConfig {
            addr: addr.to_string(),
            base_url: None,
            live: live::LiveConfig::default(),
            live_listener: LiveListener::Shared,
            connections: ConnectionLimits::default(),
            mcp: true,
            grpc_addr: None,
            dns_addr: None,
            smtp_addr: None,
            ftp_addr: None,
            sip_addr: None,
            listener_rate: None,
        }
    }
}

/// Runs the server until SIGTERM or Ctrl-C; in-flight requests finish first.
pub fn serve_blocking(config: ServeConfig) -> Result<(), ServeError> {
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
        let bind = |addr: String| async move {
            let listen = |source| ServeError::Listen {
                addr: addr.clone(),
                source,
            };
            let listener = tokio::net::TcpListener::bind(&addr).await.map_err(listen)?;
            let local = listener.local_addr().map_err(listen)?;
            Ok::<_, ServeError>((listener, local))
        };
        // The other protocols' listeners are bound first: once the site
        // accepts connections, every listener is ready.
        let listen_error = |addr: &str| {
            let addr = addr.to_string();
            move |source| ServeError::Listen { addr, source }
        };
        let dns = match &config.dns_addr {
            Some(addr) => Some(
                crate::listeners::dns::bind(addr)
                    .await
                    .map_err(listen_error(addr))?,
            ),
            None => None,
        };
        let smtp = match &config.smtp_addr {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(listen_error(addr))?,
            ),
            None => None,
        };
        let ftp = match &config.ftp_addr {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(listen_error(addr))?,
            ),
            None => None,
        };
        let sip = match &config.sip_addr {
            Some(addr) => Some(
                tokio::net::UdpSocket::bind(addr)
                    .await
                    .map_err(listen_error(addr))?,
            ),
            None => None,
        };
        let (listener, local) = bind(config.addr.clone()).await?;
        // The catalog's parts are decoded on first use; start on that now,
        // beside the first connection, rather than inside the first request
        // (which waits for a part being decoded instead of decoding it again).
        let _ = std::thread::Builder::new()
            .name("catalog-decode".into())
            .spawn(|| {
                let catalog = crate::catalog::catalog();
                std::hint::black_box((catalog.protocols().count(), catalog.situations().len()));
            });
        let base = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let separate = match &config.live_listener {
            LiveListener::Separate { addr, base_url } => {
                let (l, at) = bind(addr.clone()).await?;
                let origin = base_url.clone().unwrap_or_else(|| format!("http://{at}"));
                Some((l, at, origin))
            }
            _ => None,
        };
        let grpc = match &config.grpc_addr {
            Some(addr) => Some(bind(addr.clone()).await?),
            None => None,
        };
        let live_at = separate.as_ref().map_or(local, |(_, at, _)| *at);
        let live_base = match &config.live_listener {
            LiveListener::Shared => Some(base.clone()),
            LiveListener::Separate { .. } => separate.as_ref().map(|(_, _, o)| o.clone()),
            LiveListener::Off => None,
        };
        let mut state = AppState::with_live(&base, config.live.clone().for_address(live_at.ip()))
            .with_live_base_url(live_base.as_deref());
        state.mcp = config.mcp;
        state.grpc_addr = grpc
            .as_ref()
            .map(|(_, at)| crate::live_grpc::public_addr(*at, &base));
        let endpoint = |at: std::net::SocketAddr| {
            (crate::listeners::Endpoints::host_for(at, &base), at.port())
        };
        state.listeners = crate::listeners::Endpoints {
            dns: dns.as_ref().map(|(_, _, at)| endpoint(*at)),
            smtp: smtp
                .as_ref()
                .and_then(|l| l.local_addr().ok())
                .map(endpoint),
            ftp: ftp.as_ref().and_then(|l| l.local_addr().ok()).map(endpoint),
            sip: sip.as_ref().and_then(|s| s.local_addr().ok()).map(endpoint),
        };
        let state = Arc::new(state);
        let with_live = matches!(config.live_listener, LiveListener::Shared);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        };
        let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        tracing::info!("statusatlas listening on http://{local}");
        if let Some((udp, tcp, at)) = dns {
            tracing::info!(
                "DNS listening on {at} (UDP and TCP), zone {}",
                crate::listeners::dns::ZONE
            );
            let limits = crate::listeners::dns::DnsLimits {
                rate_per_second: config.listener_rate,
                ..Default::default()
            };
            tokio::spawn(crate::listeners::dns::serve(
                udp,
                tcp,
                limits,
                until_stopped(stopped.clone()),
            ));
        }
        if let Some(listener) = smtp {
            if let Ok(at) = listener.local_addr() {
                tracing::info!("SMTP listening on {at}");
            }
            let limits = crate::listeners::smtp::SmtpLimits {
                rate_per_second: config.listener_rate,
                ..Default::default()
            };
            tokio::spawn(crate::listeners::smtp::serve(
                listener,
                limits,
                until_stopped(stopped.clone()),
            ));
        }
        if let Some(listener) = ftp {
            if let Ok(at) = listener.local_addr() {
                tracing::info!("FTP listening on {at}");
            }
            let limits = crate::listeners::ftp::FtpLimits {
                rate_per_second: config.listener_rate,
                ..Default::default()
            };
            tokio::spawn(crate::listeners::ftp::serve(
                listener,
                limits,
                until_stopped(stopped.clone()),
            ));
        }
        if let Some(socket) = sip {
            if let Ok(at) = socket.local_addr() {
                tracing::info!("SIP listening on {at} (UDP)");
            }
            let limits = crate::listeners::sip::SipLimits {
                rate_per_second: config.listener_rate,
            };
            tokio::spawn(crate::listeners::sip::serve(
                socket,
                limits,
                until_stopped(stopped.clone()),
            ));
        }
        let site = serve_with(
            listener,
            Site::with_cache(router_with(state.clone(), with_live), state.cache.clone()),
            until_stopped(stopped.clone()),
            config.connections,
        );
        let grpc = async {
            if let Some((l, at)) = grpc {
                tracing::info!("live gRPC service listening on {at} (plaintext HTTP/2)");
                let routes =
                    crate::live_grpc::router(config.live.clone().for_address(at.ip()), &base);
                serve_with(
                    l,
                    routes,
                    until_stopped(stopped.clone()),
                    config.connections,
                )
                .await;
            }
        };
        match separate {
            Some((l, at, _)) => {
                tracing::info!("live endpoints listening on http://{at}");
                let live = serve_with(
                    l,
                    live_only_router(state),
                    until_stopped(stopped.clone()),
                    config.connections,
                );
                tokio::join!(signal, site, live, grpc);
            }
            None => {
                tokio::join!(signal, site, grpc);
            }
        }
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
