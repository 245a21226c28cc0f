//! Site-wide files: assets compiled into the binary, robots.txt and the sitemap.

use super::AppState;
use super::cache::{ASSET_CACHE, Cacheable};
use super::error::WebError;
use super::routes;
use crate::catalog::catalog;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::fmt::Write;
use std::sync::Arc;

/// (file name, content type, bytes) of every asset.
pub const ASSETS: &[(&str, &str, &str)] = &[
    (
        "site.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/site.css"),
    ),
    (
        "site.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/site.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../assets/icon.svg"),
    ),
    (
        "frame.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/frame.js"),
    ),
    (
        "embed.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/embed.css"),
    ),
];

/// The file names of every asset.
pub fn asset_names() -> Vec<&'static str> {
    ASSETS.iter().map(|(name, _, _)| *name).collect()
}

fn text(content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.into(),
    )
        .into_response()
}

pub async fn asset(path: routes::Asset) -> Result<Response, WebError> {
    let Some(&(name, content_type, body)) = ASSETS.iter().find(|(n, _, _)| *n == path.file) else {
        return Err(WebError::not_found("There is no such asset."));
    };
    let mut response = text(content_type, body);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(ASSET_CACHE));
    Ok(Cacheable::mark(
        routes::Asset::of(name).to_string(),
        response,
    ))
}

/// The icon of `assets/icon.svg` as a Windows icon (16, 32 and 48 px PNG
/// images), for browsers and tools that ask for `/favicon.ico` whatever
/// the page links to.
pub const FAVICON: &[u8] = include_bytes!("../../assets/favicon.ico");

/// `/favicon.ico`.
pub async fn favicon(path: routes::Favicon) -> Response {
    let mut response = text("image/x-icon", FAVICON);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(ASSET_CACHE));
    Cacheable::mark(path.to_string(), response)
}

/// `/robots.txt`: crawlers keep out of search results (`/search?q=...`,
/// a page per query) and the API; the bare search page, which says how to
/// search, stays open like every other page.
pub async fn robots(path: routes::Robots, State(state): State<Arc<AppState>>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: {}\nDisallow: {}?\nDisallow: {}\n\nSitemap: {}{}\n",
        routes::Home,
        routes::Search,
        routes::API,
        state.base_url,
        routes::Sitemap
    );
    Cacheable::mark(path.to_string(), text("text/plain; charset=utf-8", body))
}

/// Every page of the site (see `routes::pages`).
pub async fn sitemap(path: routes::Sitemap, State(state): State<Arc<AppState>>) -> Response {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in routes::pages(catalog()) {
        let _ = writeln!(
            xml,
            "<url><loc>{}{}</loc></url>",
            state.base_url,
            xml_escape(&page)
        );
    }
    xml.push_str("</urlset>\n");
    Cacheable::mark(
        path.to_string(),
        text("application/xml; charset=utf-8", xml),
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
