//! The Streamable HTTP transport of the MCP server, as an axum route for
//! `/mcp` that any router can merge: stateless (no session is kept; every
//! POST is answered on its own, as JSON), read-only, with the JSON API's
//! limits, and with the `Origin` check the MCP specification asks of
//! Streamable HTTP servers (Transports, "Security Warning"): a request whose
//! `Origin` is not the serving instance's own origin is refused with 403,
//! while requests without `Origin` (non-browser clients) are served.

use super::{LiveSettings, StatusAtlasMcp};
use axum::Router;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use std::sync::Arc;

/// Where the endpoint is mounted.
pub const PATH: &str = crate::web::routes::MCP;

/// Largest request body accepted, the same as the JSON API's.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The origin (scheme, host and port) of a base URL such as
/// `https://statusatlas.example` or `http://127.0.0.1:8080`: the only
/// `Origin` a browser page may call `/mcp` from.
pub fn origin_of(base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    match base.find("://") {
        Some(i) => match base[i + 3..].find('/') {
            Some(j) => base[..i + 3 + j].to_string(),
            None => base.to_string(),
        },
        None => base.to_string(),
    }
}

/// The origin with its port written out (`https://a.example:443`): the SDK
/// reads an origin without a port as "any port", which is a different origin.
fn with_port(origin: &str) -> String {
    let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
    let has_port = match authority.rfind(']') {
        Some(end) => authority[end..].contains(':'),
        None => authority.contains(':'),
    };
    match (has_port, origin.split_once("://").map(|(s, _)| s)) {
        (false, Some("https")) => format!("{origin}:443"),
        (false, Some("http")) => format!("{origin}:80"),
        _ => origin.to_string(),
    }
}

/// The tower service that answers MCP on Streamable HTTP for an instance
/// reachable at `settings.base_url`.
///
/// The `Host` header is not restricted (a public instance sits behind
/// proxies and names of its own); browsers are kept out by the `Origin`
/// check, which is what stops DNS rebinding, since a browser always sends
/// `Origin` on the POSTs this endpoint answers.
pub fn service(
    settings: LiveSettings,
) -> StreamableHttpService<StatusAtlasMcp, NeverSessionManager> {
    let origin = with_port(&origin_of(&settings.base_url));
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .disable_allowed_hosts()
        .with_allowed_origins([origin])
        .enforce_origin_validation()
        .with_max_request_body_bytes(MAX_BODY_BYTES);
    StreamableHttpService::new(
        move || Ok(StatusAtlasMcp::served(settings.clone())),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}

/// `/mcp` as a router to merge into the site's.
pub fn routes<S: Clone + Send + Sync + 'static>(settings: LiveSettings) -> Router<S> {
    Router::new()
        .route_service(PATH, service(settings))
        .layer(axum::middleware::from_fn(read_body_first))
}

/// Reads the whole body (at most [`MAX_BODY_BYTES`]) before the SDK sees it,
/// so a body over the limit is a 413 however it arrives: with a
/// Content-Length the API's own limit answers first, but a chunked body
/// would only fail while the SDK reads it, which it reports as a 500.
async fn read_body_first(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::StatusCode;
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(bytes),
            ))
            .await
        }
        Err(e) if is_length_limit(&e) => crate::web::error::WebError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("MCP requests may be at most {MAX_BODY_BYTES} bytes."),
        )
        .into_json(),
        Err(_) => crate::web::error::WebError::bad_request("the request body could not be read")
            .into_json(),
    }
}

/// Whether a body error is a length limit (ours or an outer layer's).
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{origin_of, with_port};

    #[test]
    fn origins_drop_paths_and_slashes() {
        assert_eq!(origin_of("https://a.example/"), "https://a.example");
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("https://a.example/sub/path"), "https://a.example");
    }

    #[test]
    fn allowed_origins_name_their_port() {
        assert_eq!(with_port("https://a.example"), "https://a.example:443");
        assert_eq!(with_port("http://a.example"), "http://a.example:80");
        assert_eq!(with_port("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(with_port("http://[::1]"), "http://[::1]:80");
        assert_eq!(with_port("http://[::1]:9000"), "http://[::1]:9000");
    }
}
