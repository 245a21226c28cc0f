//! The header glossary: one page per header field a status code is defined
//! with (`/headers/retry-after`), an index of them (`/headers/`), and the
//! same data in the JSON API (`/api/v1/headers`).

use super::AppState;
use super::cache::Cacheable;
use super::error::{WebError, shorten};
use super::routes;
use super::views::{Crumbs, Head, Link, entry_href, html};
use crate::catalog::EntryRef;
use crate::catalog::{Catalog, HeaderField, Protocol, catalog};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum_extra::routing::TypedPath;
use serde::Serialize;
use std::sync::Arc;

/// A header with the codes that use it, as the pages show it.
pub struct HeaderView {
    pub name: String,
    pub href: String,
    pub meaning: String,
    pub syntax: String,
    pub examples: Vec<String>,
    /// (text, link) of each part of the reference.
    pub spec: Vec<(String, Option<String>)>,
    pub codes: Vec<Link>,
    /// The protocols of the codes that use it ("HTTP", "HTTP and SIP").
    pub protocols: String,
}

fn view(catalog: &Catalog, h: &HeaderField) -> HeaderView {
    let codes = catalog.codes_with_header(h);
    let mut protocols: Vec<Protocol> = codes.iter().map(|e| e.protocol).collect();
    protocols.dedup();
    let names: Vec<&str> = protocols.iter().map(|p| p.name()).collect();
    HeaderView {
        name: h.name.clone(),
        href: routes::HeaderPage::of(h).to_string(),
        meaning: h.meaning.clone(),
        syntax: h.syntax.clone(),
        examples: h.examples.clone(),
        spec: h
            .spec
            .iter()
            .map(|s| (s.text.clone(), s.url.clone()))
            .collect(),
        codes: codes
            .into_iter()
            .map(|e| Link {
                href: entry_href(e),
                label: format!("{} {}", e.protocol.name(), e.title()),
                text: e.summary.clone(),
            })
            .collect(),
        protocols: match names.as_slice() {
            [one] => one.to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        },
    }
}

/// `/headers/`: the glossary's index.
#[derive(Template)]
#[template(path = "headers.html")]
pub struct HeadersPage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub heading: String,
    pub intro: String,
    pub headers: Vec<HeaderView>,
}

/// `/headers/retry-after`: one header field.
#[derive(Template)]
#[template(path = "header.html")]
pub struct HeaderPage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub h: HeaderView,
    pub index: String,
}

/// `/headers/`: every header field a code is defined with.
pub async fn headers_index(
    path: routes::HeadersIndex,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let catalog = catalog();
    let intro = format!(
        "The {} header fields that status codes are defined with: what each one tells the other side, its syntax with examples, where it is specified, and the codes that carry it.",
        catalog.headers().len()
    );
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &path.to_string(),
        "Header fields of status codes — statusatlas".into(),
        intro.clone(),
    );
    head.section = "headers";
    let page = HeadersPage {
        head,
        crumbs: vec![
            ("Home".into(), routes::Home.to_string()),
            ("Headers".into(), String::new()),
        ],
        heading: "Header fields of status codes".into(),
        intro,
        headers: catalog.headers().iter().map(|h| view(catalog, h)).collect(),
    };
    Ok(Cacheable::mark(path.to_string(), html(&page)?))
}

/// `/headers/retry-after`: one header field; any case of the name answers
/// with 308 to the lowercase one.
pub async fn header_page(
    path: routes::HeaderPage,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let catalog = catalog();
    let Some(h) = catalog.header(&path.name) else {
        let mut e = WebError::not_found(format!(
            "There is no header “{}” in the glossary.",
            shorten(&path.name)
        ));
        e.suggestions = catalog
            .headers()
            .iter()
            .filter(|h| {
                let wanted = path.name.to_ascii_lowercase();
                strsim::levenshtein(&h.slug, &wanted) <= 3
            })
            .take(3)
            .map(|h| super::error::Suggestion {
                href: routes::HeaderPage::of(h).to_string(),
                label: h.name.clone(),
                text: h.meaning.clone(),
            })
            .collect();
        return Err(e);
    };
    let canonical = routes::HeaderPage::of(h).to_string();
    if path.name != h.slug {
        return Ok(axum::response::Redirect::permanent(&canonical).into_response());
    }
    let v = view(catalog, h);
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &canonical,
        format!(
            "{} header — what it means, syntax and status codes — statusatlas",
            h.name
        ),
        h.meaning.clone(),
    );
    head.section = "headers";
    head.og_type = "article";
    let page = HeaderPage {
        head,
        crumbs: vec![
            ("Home".into(), routes::Home.to_string()),
            ("Headers".into(), routes::HeadersIndex.to_string()),
            (h.name.clone(), String::new()),
        ],
        h: v,
        index: routes::HeadersIndex.to_string(),
    };
    Ok(Cacheable::mark(canonical, html(&page)?))
}

/// Links from a code page to the glossary entries of its headers.
pub fn header_links(catalog: &Catalog, names: &[String]) -> Vec<Link> {
    names
        .iter()
        .filter_map(|n| catalog.header(n))
        .map(|h| Link {
            href: routes::HeaderPage::of(h).to_string(),
            label: h.name.clone(),
            text: h.meaning.clone(),
        })
        .collect()
}

/// A header of the glossary with the codes that use it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HeaderDocument<'a> {
    #[serde(flatten)]
    pub header: &'a HeaderField,
    /// The codes whose definition names this header.
    pub codes: Vec<EntryRef<'a>>,
    /// The human page for this header.
    pub html_url: String,
}

/// Every header field a status code is defined with: meaning, syntax,
/// examples, specification and the codes that use it.
#[utoipa::path(get, path = routes::ApiHeaders::PATH, responses((status = 200, description = "The header glossary", body = Vec<HeaderDocument>)))]
pub async fn api_headers(path: routes::ApiHeaders) -> Result<Response, WebError> {
    let catalog = catalog();
    let list: Vec<HeaderDocument> = catalog
        .headers()
        .iter()
        .map(|h| HeaderDocument {
            header: h,
            codes: catalog
                .codes_with_header(h)
                .into_iter()
                .map(EntryRef::from)
                .collect(),
            html_url: routes::HeaderPage::of(h).to_string(),
        })
        .collect();
    let body = serde_json::to_vec_pretty(&list)
        .map_err(|e| WebError::internal(format!("could not serialise: {e}")))?;
    Ok(Cacheable::mark(
        path.to_string(),
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
    ))
}
