//! Site-wide files: assets compiled into the binary, robots.txt and the sitemap.

use super::AppState;
use super::cache::{ASSET_CACHE, PAGE_CACHE, Rendered};
use super::error::{PageError, SafePath, WebError};
use super::views::{compare_href, entry_href};
use crate::catalog::{Protocol, catalog};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
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
        "embed.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/embed.css"),
    ),
];

pub async fn asset(
    State(state): State<Arc<AppState>>,
    SafePath(file): SafePath<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let Some(&(name, content_type, body)) = ASSETS.iter().find(|(n, _, _)| *n == file) else {
        return Err(WebError::not_found("There is no such asset.").into());
    };
    let key = format!("/assets/{name}");
    Ok(state
        .cache
        .get_or_render(&key, || {
            Ok::<_, WebError>(Rendered::new(content_type, ASSET_CACHE, body))
        })?
        .respond(&headers))
}

pub async fn robots(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    Ok(state
        .cache
        .get_or_render("/robots.txt", || {
            let body = format!(
                "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n",
                state.base_url
            );
            Ok::<_, WebError>(Rendered::new("text/plain; charset=utf-8", PAGE_CACHE, body))
        })?
        .respond(&headers))
}

/// Every page path of the site, in a stable order: home, protocol and class
/// indexes, code pages, then every same-protocol comparison.
pub fn page_paths() -> Vec<String> {
    let catalog = catalog();
    let mut paths = vec!["/".to_string(), "/situations/".to_string()];
    paths.extend(
        catalog
            .situations()
            .iter()
            .map(|s| format!("/situations/{}", s.slug)),
    );
    for p in catalog.protocols() {
        paths.push(format!("/{}/", p.protocol.slug()));
        let mut classes: Vec<&str> = p
            .entries
            .iter()
            .filter_map(|e| e.class.as_ref())
            .map(|c| c.key.as_str())
            .collect();
        classes.sort();
        classes.dedup();
        paths.extend(
            classes
                .iter()
                .map(|c| format!("/{}/{c}/", p.protocol.slug())),
        );
        paths.extend(p.entries.iter().chain(&p.variants).map(entry_href));
    }
    for p in catalog.protocols() {
        for (i, a) in p.entries.iter().enumerate() {
            for b in &p.entries[i + 1..] {
                paths.push(compare_href(a, b));
            }
        }
    }
    // Cross-protocol comparisons exist where a mapping links the two codes.
    if let (Some(grpc), Some(http)) = (
        catalog.protocol(Protocol::Grpc),
        catalog.protocol(Protocol::Http),
    ) {
        for g in &grpc.entries {
            for h in &http.entries {
                if crate::compare::cross_protocol_mapped(catalog, g, h) {
                    paths.push(compare_href(g, h));
                }
            }
        }
    }
    paths
}

pub async fn sitemap(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    Ok(state
        .cache
        .get_or_render("/sitemap.xml", || {
            let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for path in page_paths() {
                let _ = writeln!(xml, "<url><loc>{}{}</loc></url>", state.base_url, xml_escape(&path));
            }
            xml.push_str("</urlset>\n");
            Ok::<_, WebError>(Rendered::new("application/xml; charset=utf-8", PAGE_CACHE, xml))
        })?
        .respond(&headers))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
