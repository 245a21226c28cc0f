//! The JSON API under /api/v1 and its OpenAPI document, generated from these
//! handlers and the domain types. Documents that depend only on the data are
//! rendered once and served from the response cache.

use super::AppState;
use super::cache::{PAGE_CACHE, Rendered};
use super::error::{ApiError, SafePath, WebError, shorten};
use super::pages::{PairLookup, lookup_cross, lookup_pair, protocol_of, query_pairs};
use super::views::{compare_href, entry_href};
use crate::catalog::{Class, Entry, EntryRef, Pair, Protocol, catalog};
use crate::compare::{self, Comparison};
use crate::search::{self, SearchJson};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "statusatlas API",
        description = "Protocol status codes (HTTP, SMTP, gRPC, WebSocket, FTP, SIP, DNS): meanings, fixes, specs and comparisons. Errors have the shape {\"error\": {\"code\": ..., \"message\": ...}}.",
        version = "1"
    ),
    paths(
        protocols,
        codes,
        code,
        compare_codes,
        compare_cross,
        search_codes,
        full_catalog
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
pub struct ApiDoc;

/// The error shape of every API failure.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code: not_found, bad_request, method_not_allowed, uri_too_long.
    pub code: String,
    pub message: String,
}

const JSON: &str = "application/json";

fn json_rendered(value: &impl Serialize) -> Result<Rendered, WebError> {
    serde_json::to_vec_pretty(value)
        .map(|body| Rendered::new(JSON, PAGE_CACHE, body))
        .map_err(|e| WebError::internal(format!("could not serialise: {e}")))
}

fn cached_json(
    state: &AppState,
    key: &str,
    headers: &HeaderMap,
    render: impl FnOnce() -> Result<Rendered, WebError>,
) -> Result<Response, ApiError> {
    Ok(state.cache.get_or_render(key, render)?.respond(headers))
}

#[derive(Serialize, ToSchema)]
pub struct ProtocolSummary {
    pub protocol: Protocol,
    pub name: &'static str,
    pub code_noun: &'static str,
    pub count: usize,
    pub classes: Vec<ClassCount>,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ClassCount {
    #[serde(flatten)]
    pub class: Class,
    pub count: usize,
}

/// The protocols in the catalog with their classes and counts.
#[utoipa::path(get, path = "/api/v1/protocols", responses((status = 200, body = Vec<ProtocolSummary>)))]
pub async fn protocols(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    cached_json(&state, "/api/v1/protocols", &headers, || {
        let list: Vec<ProtocolSummary> = catalog()
            .protocols()
            .map(|p| {
                let mut classes: Vec<ClassCount> = Vec::new();
                for e in &p.entries {
                    if let Some(c) = &e.class {
                        match classes.iter_mut().find(|x| x.class.key == c.key) {
                            Some(x) => x.count += 1,
                            None => classes.push(ClassCount {
                                class: c.clone(),
                                count: 1,
                            }),
                        }
                    }
                }
                classes.sort_by(|a, b| a.class.key.cmp(&b.class.key));
                ProtocolSummary {
                    protocol: p.protocol,
                    name: p.protocol.name(),
                    code_noun: p.protocol.code_noun(),
                    count: p.entries.len(),
                    classes,
                    url: format!("/api/v1/{}/codes", p.protocol.slug()),
                }
            })
            .collect();
        json_rendered(&list)
    })
}

#[derive(Serialize, ToSchema)]
pub struct CodeList<'a> {
    pub protocol: Protocol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    pub count: usize,
    pub codes: Vec<EntryRef<'a>>,
}

/// Every code of a protocol, optionally of one class (`?class=4xx`).
#[utoipa::path(
    get,
    path = "/api/v1/{protocol}/codes",
    params(
        ("protocol" = String, Path, description = "http, smtp, grpc, websocket, ftp, sip or dns"),
        ("class" = Option<String>, Query, description = "A class such as 4xx or 5yz")
    ),
    responses((status = 200, body = CodeList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn codes(
    State(state): State<Arc<AppState>>,
    SafePath(protocol): SafePath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let p = protocol_of(&protocol)?;
    let params = raw.as_deref().map(query_pairs).unwrap_or_default();
    let class = params
        .get("class")
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty());
    let list = catalog()
        .protocol(p)
        .ok_or_else(|| WebError::not_found("unknown protocol"))?;
    if let Some(c) = &class {
        let mut keys: Vec<&str> = list
            .entries
            .iter()
            .filter_map(|e| e.class.as_ref())
            .map(|k| k.key.as_str())
            .collect();
        keys.sort();
        keys.dedup();
        if !keys.contains(&c.as_str()) {
            let message = if keys.is_empty() {
                format!("{} has no classes.", p.name())
            } else {
                format!(
                    "Unknown class “{}” for {}; classes: {}.",
                    shorten(c),
                    p.name(),
                    keys.join(", ")
                )
            };
            return Err(WebError::bad_request(message).into());
        }
    }
    let key = format!(
        "/api/v1/{}/codes?class={}",
        p.slug(),
        class.as_deref().unwrap_or("")
    );
    cached_json(&state, &key, &headers, || {
        let codes: Vec<EntryRef> = list
            .entries
            .iter()
            .filter(|e| match &class {
                Some(c) => e.class.as_ref().is_some_and(|k| &k.key == c),
                None => true,
            })
            .map(EntryRef::from)
            .collect();
        json_rendered(&CodeList {
            protocol: p,
            class: class.clone(),
            count: codes.len(),
            codes,
        })
    })
}

#[derive(Serialize, ToSchema)]
pub struct CodeDocument<'a> {
    #[serde(flatten)]
    pub entry: &'a Entry,
    /// Other meanings of the same code in this protocol (vendor codes).
    pub other_meanings: Vec<EntryRef<'a>>,
    /// The same number in other protocols.
    pub same_number_elsewhere: Vec<EntryRef<'a>>,
    /// Links across protocols and kinds (gRPC and HTTP mappings, SMTP basic
    /// and enhanced codes).
    pub relations: Vec<crate::relations::Relation<'a>>,
    /// The human page for this code.
    pub html_url: String,
}

/// One code with everything the catalog knows of it.
#[utoipa::path(
    get,
    path = "/api/v1/{protocol}/codes/{code}",
    params(("protocol" = String, Path), ("code" = String, Path, description = "A code, an id such as 444-nginx, or a name such as not-found")),
    responses((status = 200, body = CodeDocument), (status = 404, body = ErrorBody))
)]
pub async fn code(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, code)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let p = protocol_of(&protocol)?;
    let catalog = catalog();
    let found = catalog.resolve(p, &code);
    let Some(&entry) = found.first() else {
        return Err(WebError::unknown_code(Some(p), &code).into());
    };
    let key = format!("/api/v1/{}/codes/{}", p.slug(), code);
    cached_json(&state, &key, &headers, || {
        json_rendered(&CodeDocument {
            entry,
            other_meanings: found.iter().skip(1).map(|e| EntryRef::from(*e)).collect(),
            same_number_elsewhere: catalog
                .same_number_elsewhere(entry)
                .into_iter()
                .map(EntryRef::from)
                .collect(),
            relations: crate::relations::relations_of(catalog, entry),
            html_url: entry_href(entry),
        })
    })
}

/// Two codes side by side. The canonical order is ascending; the other order
/// answers 301 to it.
#[utoipa::path(
    get,
    path = "/api/v1/compare/{protocol}/{pair}",
    params(("protocol" = String, Path), ("pair" = String, Path, description = "Two codes as 101-vs-407")),
    responses((status = 200, body = Comparison), (status = 301, description = "Redirect to the canonical order"), (status = 404, body = ErrorBody))
)]
pub async fn compare_codes(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    comparison_document(
        &state,
        lookup_pair(&protocol, &pair, "/api/v1/compare")?,
        &headers,
    )
}

/// Two codes of different protocols that map onto each other.
#[utoipa::path(
    get,
    path = "/api/v1/compare/{protocol}/{pair}/{code}",
    params(("protocol" = String, Path), ("pair" = String, Path, description = "A code and the second protocol, as 14-vs-http"), ("code" = String, Path)),
    responses((status = 200, body = Comparison), (status = 301, description = "Redirect to the canonical order"), (status = 404, body = ErrorBody))
)]
pub async fn compare_cross(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair, code)): SafePath<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    comparison_document(
        &state,
        lookup_cross(&protocol, &pair, &code, "/api/v1/compare")?,
        &headers,
    )
}

fn comparison_document(
    state: &AppState,
    found: PairLookup<'static>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let (a, b) = match found {
        PairLookup::Found(a, b) => (a, b),
        PairLookup::Redirect(to) => return Ok(super::moved_permanently(&to)),
    };
    let key = format!("/api/v1{}", compare_href(a, b));
    cached_json(state, &key, headers, || {
        let c =
            compare::compare(catalog(), a, b).map_err(|e| WebError::not_found(e.to_string()))?;
        json_rendered(&c)
    })
}

/// Ranked search: codes, prefixes, classes, phrases, aliases, fuzzy words.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    params(
        ("q" = String, Query, description = "What to look for, e.g. 407, 4xx, too many, smtp 5.7.1"),
        ("limit" = Option<usize>, Query, description = "1 to 100, default 10")
    ),
    responses((status = 200, body = SearchJson), (status = 400, body = ErrorBody))
)]
pub async fn search_codes(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let params = raw.as_deref().map(query_pairs).unwrap_or_default();
    let q = params.get("q").map(String::as_str).unwrap_or("").trim();
    if q.is_empty() {
        return Err(WebError::bad_request("The query parameter q is required.").into());
    }
    let limit = match params.get("limit") {
        None => search::DEFAULT_LIMIT,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=search::MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(WebError::bad_request(format!(
                    "limit must be a whole number from 1 to {}.",
                    search::MAX_LIMIT
                ))
                .into());
            }
        },
    };
    let outcome = search::index().search(q, limit);
    let body = SearchJson::from(&outcome);
    Ok((
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-cache")],
        axum::Json(body),
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct CatalogDump<'a> {
    pub protocols: Vec<ProtocolDump<'a>>,
    pub pairs: &'a [Pair],
    pub situations: &'a [crate::catalog::Situation],
}

#[derive(Serialize, ToSchema)]
pub struct ProtocolDump<'a> {
    pub protocol: Protocol,
    pub codes: &'a [Entry],
}

/// The whole catalog in one document.
#[utoipa::path(get, path = "/api/v1/catalog.json", responses((status = 200, body = CatalogDump)))]
pub async fn full_catalog(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    cached_json(&state, "/api/v1/catalog.json", &headers, || {
        let c = catalog();
        json_rendered(&CatalogDump {
            protocols: c
                .protocols()
                .map(|p| ProtocolDump {
                    protocol: p.protocol,
                    codes: &p.entries,
                })
                .collect(),
            pairs: c.pairs(),
            situations: c.situations(),
        })
    })
}

/// The OpenAPI document, rendered once.
pub async fn openapi(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    cached_json(&state, "/api/openapi.json", &headers, || {
        ApiDoc::openapi()
            .to_pretty_json()
            .map(|s| Rendered::new(JSON, PAGE_CACHE, s))
            .map_err(|e| WebError::internal(e.to_string()))
    })
}

pub async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError(WebError::not_found(format!(
        "No API route at “{}”.",
        shorten(uri.path())
    )))
}
