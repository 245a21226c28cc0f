//! Embeds: iframe pages, the HTML fragments the script widgets fetch, the
//! oEmbed provider, the copy-paste snippets and the embed gallery. Every card
//! comes from the same templates as the site.

use super::AppState;
use super::cache::{ASSET_CACHE, Rendered};
use super::error::{ApiError, PageError, SafePath, WebError};
use super::pages::{
    PairLookup, html, lookup_cross, lookup_pair, protocol_of, query_pairs, url_encode,
};
use super::views::{self, CardView, ComparisonView, Head, compare_href, embed_href, entry_href};
use crate::catalog::{Entry, catalog};
use crate::compare;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

pub const THEMES: &[&str] = &["auto", "light", "dark", "sepia"];
pub const SIZES: &[&str] = &["default", "compact", "large"];
/// The iframe size every snippet and oEmbed answer starts from.
pub const WIDTH: u32 = 420;
pub const HEIGHT: u32 = 400;

pub const EMBED_JS: &str = include_str!("../../assets/embed.js");

/// Theme and size from the query; anything unknown falls back to the
/// default and is never echoed.
fn look(raw: Option<&str>) -> (&'static str, &'static str) {
    let params = raw.map(query_pairs).unwrap_or_default();
    let pick = |key: &str, allowed: &'static [&'static str]| {
        params
            .get(key)
            .and_then(|v| allowed.iter().find(|a| **a == v.as_str()))
            .copied()
            .unwrap_or(allowed[0])
    };
    (pick("theme", THEMES), pick("size", SIZES))
}

#[derive(Template)]
#[template(path = "embed.html")]
struct EmbedPage {
    title: String,
    canonical: String,
    theme: &'static str,
    size: &'static str,
    card: Option<CardView>,
    cmp: Option<ComparisonView>,
}

#[derive(Template)]
#[template(path = "embed_fragment.html")]
struct EmbedFragment {
    canonical: String,
    card: Option<CardView>,
    cmp: Option<ComparisonView>,
}

/// What an embed shows: one code or a comparison.
enum Subject {
    Code(&'static Entry),
    Pair(&'static Entry, &'static Entry),
}

impl Subject {
    /// The page the embed stands for.
    fn path(&self) -> String {
        match self {
            Subject::Code(e) => entry_href(e),
            Subject::Pair(a, b) => compare_href(a, b),
        }
    }

    /// The iframe page.
    fn embed_path(&self) -> String {
        match self {
            Subject::Code(e) => embed_href(e),
            Subject::Pair(a, b) => format!("/embed{}", compare_href(a, b)),
        }
    }

    fn title(&self) -> String {
        match self {
            Subject::Code(e) => format!("{} {}", e.label(), e.phrase),
            Subject::Pair(a, b) => compare::compare(catalog(), a, b)
                .map(|c| c.title)
                .unwrap_or_default(),
        }
    }

    fn views(&self, base: &str) -> Result<(Option<CardView>, Option<ComparisonView>), WebError> {
        Ok(match self {
            Subject::Code(e) => (Some(views::card_with_constants(e, base)), None),
            Subject::Pair(a, b) => {
                let c = compare::compare(catalog(), a, b)
                    .map_err(|e| WebError::not_found(e.to_string()))?;
                (None, Some(views::comparison(&c, base)))
            }
        })
    }
}

fn code_subject(protocol: &str, code: &str) -> Result<Subject, WebError> {
    let p = protocol_of(protocol)?;
    let e = *catalog()
        .resolve(p, code)
        .first()
        .ok_or_else(|| WebError::unknown_code(Some(p), code))?;
    Ok(Subject::Code(e))
}

/// A comparison from a path's parts: `http`, `101-vs-407` and, across
/// protocols, the second code (`grpc`, `14-vs-http`, `503`).
fn pair_subject(protocol: &str, pair: &str, code: Option<&str>) -> Result<Subject, WebError> {
    let found = match code {
        None => lookup_pair(protocol, pair, "/compare")?,
        Some(code) => lookup_cross(protocol, pair, code, "/compare")?,
    };
    match found {
        PairLookup::Found(a, b) => Ok(Subject::Pair(a, b)),
        // Embeds answer any order: the card shows the canonical one.
        PairLookup::Redirect(to) => {
            let parts: Vec<&str> = to.trim_start_matches("/compare/").split('/').collect();
            match parts.as_slice() {
                [p, pair] => pair_subject(p, pair, None),
                [p, pair, code] => pair_subject(p, pair, Some(code)),
                _ => Err(WebError::not_found("There is no such comparison.")),
            }
        }
    }
}

fn iframe(
    state: &AppState,
    subject: Subject,
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, PageError> {
    let (theme, size) = look(raw);
    let key = format!("{}?theme={theme}&size={size}", subject.embed_path());
    let rendered = state.cache.get_or_render(&key, || {
        let (card, cmp) = subject.views(&state.base_url)?;
        let page = EmbedPage {
            title: subject.title(),
            canonical: format!("{}{}", state.base_url, subject.path()),
            theme,
            size,
            card,
            cmp,
        };
        html(&page)
    })?;
    Ok(rendered.respond(headers))
}

pub async fn iframe_code(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, code)): SafePath<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    iframe(
        &state,
        code_subject(&protocol, &code)?,
        raw.as_deref(),
        &headers,
    )
}

pub async fn iframe_compare(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair)): SafePath<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    iframe(
        &state,
        pair_subject(&protocol, &pair, None)?,
        raw.as_deref(),
        &headers,
    )
}

pub async fn iframe_compare_cross(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair, code)): SafePath<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    iframe(
        &state,
        pair_subject(&protocol, &pair, Some(&code))?,
        raw.as_deref(),
        &headers,
    )
}

fn fragment(state: &AppState, subject: Subject, headers: &HeaderMap) -> Result<Response, ApiError> {
    let key = format!("/embed/fragment{}", subject.path());
    let rendered = state.cache.get_or_render(&key, || {
        let (card, cmp) = subject.views(&state.base_url)?;
        html(&EmbedFragment {
            canonical: format!("{}{}", state.base_url, subject.path()),
            card,
            cmp,
        })
    })?;
    Ok(rendered.respond(headers))
}

/// The card HTML the script widgets put into their shadow roots.
pub async fn fragment_code(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, code)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    fragment(&state, code_subject(&protocol, &code)?, &headers)
}

pub async fn fragment_compare(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    fragment(&state, pair_subject(&protocol, &pair, None)?, &headers)
}

pub async fn fragment_compare_cross(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair, code)): SafePath<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    fragment(
        &state,
        pair_subject(&protocol, &pair, Some(&code))?,
        &headers,
    )
}

pub async fn embed_js(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match state.cache.get_or_render("/embed.js", || {
        Ok::<_, WebError>(Rendered::new(
            "text/javascript; charset=utf-8",
            ASSET_CACHE,
            EMBED_JS,
        ))
    }) {
        Ok(r) => r.respond(&headers),
        Err(e) => e.into_html(),
    }
}

/// The copy-paste snippets of the five ways, for a code or a comparison page.
pub struct Snippets {
    pub what: &'static str,
    /// (title, explanation, snippet)
    pub snippets: Vec<(&'static str, &'static str, String)>,
}

pub fn snippets_for_code(base: &str, e: &Entry) -> Snippets {
    let p = e.protocol.slug();
    let title = format!("{} {}", e.label(), e.phrase);
    let page = format!("{base}{}", entry_href(e));
    let badge = format!("{base}/badge/{p}/{}.svg", e.id);
    Snippets {
        what: "code",
        snippets: vec![
            (
                "Script tag",
                "A placeholder element with data attributes, and the script once per page. The card renders in a shadow root, when it scrolls near the viewport.",
                format!(
                    "<div data-statusatlas=\"code\" data-protocol=\"{p}\" data-code=\"{}\" data-theme=\"auto\"></div>\n<script src=\"{base}/embed.js\" async></script>",
                    e.id
                ),
            ),
            (
                "Custom element",
                "The same script defines native elements; changing an attribute re-renders the card.",
                format!(
                    "<statusatlas-code protocol=\"{p}\" code=\"{}\"></statusatlas-code>\n<script src=\"{base}/embed.js\" async></script>",
                    e.id
                ),
            ),
            (
                "Iframe",
                "Works anywhere HTML is allowed, with no script on your page.",
                iframe_html(&format!("{base}{}", embed_href(e)), WIDTH, HEIGHT, &title),
            ),
            (
                "oEmbed",
                "Paste the page address into WordPress, Ghost, Notion or any oEmbed consumer.",
                page.clone(),
            ),
            (
                "SVG badge",
                "For READMEs and docs; add ?style=flat-square, plastic, for-the-badge or social, and ?label= to change the label.",
                format!("[![{title}]({badge})]({page})"),
            ),
        ],
    }
}

pub fn snippets_for_pair(base: &str, a: &Entry, b: &Entry) -> Snippets {
    let p = a.protocol.slug();
    let path = compare_href(a, b);
    let title = compare::compare(catalog(), a, b)
        .map(|c| c.title)
        .unwrap_or_default();
    let badge = format!("{base}/badge/{p}/{}.svg", a.id);
    Snippets {
        what: "comparison",
        snippets: vec![
            (
                "Script tag",
                "A placeholder element with data attributes, and the script once per page. The comparison renders in a shadow root, when it scrolls near the viewport.",
                format!(
                    "<div data-statusatlas=\"compare\" data-protocol=\"{p}\" data-a=\"{}\" data-b=\"{}\" data-theme=\"auto\"></div>\n<script src=\"{base}/embed.js\" async></script>",
                    a.id, b.id
                ),
            ),
            (
                "Custom element",
                "The same script defines native elements; changing an attribute re-renders the comparison.",
                format!(
                    "<statusatlas-compare protocol=\"{p}\" a=\"{}\" b=\"{}\"></statusatlas-compare>\n<script src=\"{base}/embed.js\" async></script>",
                    a.id, b.id
                ),
            ),
            (
                "Iframe",
                "Works anywhere HTML is allowed, with no script on your page.",
                iframe_html(&format!("{base}/embed{path}"), WIDTH, HEIGHT, &title),
            ),
            (
                "oEmbed",
                "Paste the page address into WordPress, Ghost, Notion or any oEmbed consumer.",
                format!("{base}{path}"),
            ),
            (
                "SVG badges",
                "One badge per code, for READMEs and docs.",
                format!(
                    "[![{} {}]({badge})]({base}{})\n[![{} {}]({base}/badge/{p}/{}.svg)]({base}{})",
                    a.label(),
                    a.phrase,
                    entry_href(a),
                    b.label(),
                    b.phrase,
                    b.id,
                    entry_href(b)
                ),
            ),
        ],
    }
}

fn iframe_html(src: &str, width: u32, height: u32, title: &str) -> String {
    format!(
        "<iframe src=\"{src}\" width=\"{width}\" height=\"{height}\" style=\"border:0;border-radius:10px;max-width:100%\" loading=\"lazy\" title=\"{}\"></iframe>",
        attr_escape(title)
    )
}

fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// oEmbed discovery links for a page.
pub fn discovery(head: &mut Head, base: &str, path: &str, title: &str) {
    let url = url_encode(&format!("{base}{path}"));
    head.alternates.push((
        "application/json+oembed".into(),
        format!("{base}/oembed?url={url}&format=json"),
        title.to_string(),
    ));
    head.alternates.push((
        "text/xml+oembed".into(),
        format!("{base}/oembed?url={url}&format=xml"),
        title.to_string(),
    ));
}

#[derive(Serialize)]
struct OEmbed {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    provider_name: &'static str,
    provider_url: String,
    cache_age: u32,
    html: String,
    width: u32,
    height: u32,
}

/// Reads a page URL of this site back into what it shows.
fn subject_of_url(base: &str, url: &str) -> Result<Subject, WebError> {
    let unknown = || WebError::not_found("The url is not a code or comparison page of this site.");
    let path = url
        .strip_prefix(base)
        .filter(|p| p.starts_with('/'))
        .ok_or_else(unknown)?;
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["compare", p, pair] => pair_subject(p, pair, None).map_err(|_| unknown()),
        ["compare", p, pair, code] => pair_subject(p, pair, Some(code)).map_err(|_| unknown()),
        ["dns", "ede", code] => code_subject("dns", &format!("ede-{code}")).map_err(|_| unknown()),
        [p, code] if !code.is_empty() => code_subject(p, code).map_err(|_| unknown()),
        _ => Err(unknown()),
    }
}

fn dimension(params: &HashMap<String, String>, key: &str, default: u32) -> Result<u32, WebError> {
    match params.get(key) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Ok(n.min(default)),
            _ => Err(WebError::bad_request(format!(
                "{key} must be a whole number of pixels from 1 to 100000."
            ))),
        },
    }
}

/// The oEmbed 1.0 provider: `rich` answers with the iframe.
pub async fn oembed(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = raw.as_deref().map(query_pairs).unwrap_or_default();
    let format = params.get("format").map(String::as_str).unwrap_or("json");
    if format != "json" && format != "xml" {
        return Err(WebError::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_implemented",
            "format must be json or xml.",
        )
        .into());
    }
    let url = params.get("url").map(String::as_str).unwrap_or("");
    if url.is_empty() {
        return Err(WebError::bad_request("The url parameter is required.").into());
    }
    let subject = subject_of_url(&state.base_url, url)?;
    let width = dimension(&params, "maxwidth", WIDTH)?;
    let height = dimension(&params, "maxheight", HEIGHT)?;
    let title = subject.title();
    let body = OEmbed {
        version: "1.0",
        kind: "rich",
        html: iframe_html(
            &format!("{}{}", state.base_url, subject.embed_path()),
            width,
            height,
            &title,
        ),
        title,
        provider_name: "statusatlas",
        provider_url: format!("{}/", state.base_url),
        cache_age: 86400,
        width,
        height,
    };
    let (content_type, text) = if format == "json" {
        (
            "application/json",
            serde_json::to_string(&body).map_err(|e| WebError::internal(e.to_string()))?,
        )
    } else {
        ("text/xml; charset=utf-8", oembed_xml(&body))
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        text,
    )
        .into_response())
}

fn oembed_xml(o: &OEmbed) -> String {
    let field = |name: &str, value: &str| format!("<{name}>{}</{name}>", attr_escape(value));
    [
        "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>".to_string(),
        "<oembed>".to_string(),
        field("version", o.version),
        field("type", o.kind),
        field("title", &o.title),
        field("provider_name", o.provider_name),
        field("provider_url", &o.provider_url),
        field("cache_age", &o.cache_age.to_string()),
        field("html", &o.html),
        field("width", &o.width.to_string()),
        field("height", &o.height.to_string()),
        "</oembed>".to_string(),
    ]
    .join("\n")
}

#[derive(Template)]
#[template(path = "embed_gallery.html")]
struct Gallery {
    head: Head,
    base: String,
}

/// `/embed/`: every way to embed, live, with the snippets to copy.
pub async fn gallery(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    Ok(state
        .cache
        .get_or_render("/embed/", || {
            let head = Head::new(
                catalog(),
                &state.base_url,
                "/embed/",
                "Embed status codes in your docs — statusatlas".into(),
                "Script tag, custom elements, iframes, oEmbed and SVG badges for every status code and comparison.".into(),
            );
            html(&Gallery { head, base: state.base_url.clone() })
        })?
        .respond(&headers))
}
