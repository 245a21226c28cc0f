//! SVG badges in shields.io's look (rendered by the `shields` crate, which
//! reproduces shields.io byte for byte) and the shields.io endpoint JSON.

use super::cache::Cacheable;
use super::error::WebError;
use super::resolve::{Query, protocol_of};
use super::routes;
use crate::catalog::{Entry, Outcome, catalog};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shields::{BadgeParams, BadgeStyle, render_badge_svg};

/// Badges only change with a new release of the data.
pub const BADGE_CACHE: &str = "public, max-age=86400, stale-while-revalidate=604800";

/// A colour that means something in the code's protocol, from the code's
/// outcome (`Entry::outcome`): its class where the protocol has classes
/// (2xx green, 4xx orange, SMTP 4yz yellow for transient), otherwise what
/// the client should do next.
pub fn color(e: &Entry) -> &'static str {
    match e.outcome() {
        Outcome::Progress => "blue",
        Outcome::Success => "brightgreen",
        Outcome::Redirection | Outcome::Intermediate => "blueviolet",
        Outcome::RequestFault => "orange",
        Outcome::Transient => "yellow",
        Outcome::Failure => "red",
        Outcome::Other => "lightgrey",
    }
}

/// The `shields` crate's name for a badge style.
fn style_of(style: routes::BadgeStyle) -> BadgeStyle {
    match style {
        routes::BadgeStyle::Flat => BadgeStyle::Flat,
        routes::BadgeStyle::FlatSquare => BadgeStyle::FlatSquare,
        routes::BadgeStyle::Plastic => BadgeStyle::Plastic,
        routes::BadgeStyle::ForTheBadge => BadgeStyle::ForTheBadge,
        routes::BadgeStyle::Social => BadgeStyle::Social,
    }
}

fn label_of(e: &Entry) -> String {
    format!("{} {}", e.protocol.name(), e.code)
}

fn message_of(e: &Entry) -> String {
    if e.phrase.is_empty() {
        e.status.as_str().to_string()
    } else {
        e.phrase.clone()
    }
}

/// The badge SVG for an entry, style and label.
pub fn svg(e: &Entry, style: BadgeStyle, label: &str) -> String {
    let message = message_of(e);
    render_badge_svg(&BadgeParams {
        style,
        label: Some(label),
        message: Some(&message),
        label_color: None,
        message_color: Some(color(e)),
        link: None,
        extra_link: None,
        logo: None,
        logo_color: None,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    schema_version: u8,
    label: String,
    message: String,
    color: &'static str,
    cache_seconds: u32,
}

/// `/badge/http/407.svg` and `/badge/http/407.json`.
pub async fn badge(
    path: routes::Badge,
    Query(params): Query<routes::BadgeQuery>,
) -> Result<Response, WebError> {
    let p = protocol_of(&path.protocol)?;
    let (code, ext) = path
        .file
        .rsplit_once('.')
        .filter(|(_, ext)| *ext == "svg" || *ext == "json")
        .ok_or_else(|| WebError::not_found("A badge is CODE.svg or CODE.json."))?;
    let entry = *catalog()
        .resolve(p, code)
        .first()
        .ok_or_else(|| super::resolve::unknown_code(Some(p), code))?;
    let style = style_of(params.style);
    let label: String = match &params.label {
        Some(l) => l.chars().filter(|c| !c.is_control()).take(64).collect(),
        None => label_of(entry),
    };
    let (content_type, body) = if ext == "svg" {
        ("image/svg+xml", svg(entry, style, &label).into_bytes())
    } else {
        let body = Endpoint {
            schema_version: 1,
            label: label.clone(),
            message: message_of(entry),
            color: color(entry),
            cache_seconds: 86400,
        };
        (
            "application/json",
            serde_json::to_vec(&body).map_err(|e| WebError::internal(e.to_string()))?,
        )
    };
    let response = (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response();
    // Custom labels are rendered per request (a badge takes microseconds), so
    // arbitrary labels cannot crowd the pages out of the cache.
    if params.label.is_some() {
        return Ok(response);
    }
    let key = routes::with_query(routes::badge_path(entry, ext), &params);
    Ok(Cacheable::mark(key, response))
}
