//! The JSON API under /api/v1 and its OpenAPI document, generated from these
//! handlers and the domain types. Documents that depend only on the data are
//! rendered once and served from the response cache.

use super::cache::Cacheable;
use super::error::{ErrorBody, WebError, shorten};
use super::resolve::{Code, Compared, PairPath, Query, protocol_of};
use super::routes::{self, CodesQuery, Surface};
use crate::catalog::{Class, Entry, EntryRef, Pair, Protocol, catalog};
use crate::compare::Comparison;
use crate::search::{self, SearchJson};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum_extra::routing::TypedPath;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

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
        full_catalog,
        super::explain::api,
        super::live::echo::echo,
        super::live::redirect::redirect,
        super::live::redirect::redirect_loop,
        super::live::auth::basic,
        super::live::auth::bearer,
        super::live::auth::forbidden,
        super::live::conditional::etag_resource,
        super::live::range::range,
        super::live::retry::retry,
        super::live::upload::upload,
        super::live::negotiation::document,
        super::live::negotiation::accept_body,
        super::glossary::api_headers
    ),
    components(schemas(ErrorBody))
)]
pub struct ApiDoc;

const JSON: &str = "application/json";

/// A JSON document (pretty-printed), not yet marked for the cache.
fn json(value: &impl Serialize) -> Result<Response, WebError> {
    serde_json::to_vec_pretty(value)
        .map(|body| {
            (
                [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
                body,
            )
                .into_response()
        })
        .map_err(|e| WebError::internal(format!("could not serialise: {e}")))
}

/// A JSON document that depends only on the data, marked for the cache.
fn cached(key: impl std::fmt::Display, value: &impl Serialize) -> Result<Response, WebError> {
    Ok(Cacheable::mark(key.to_string(), json(value)?))
}

/// `?q=&limit=` of the search.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for, e.g. 407, 4xx, too many, smtp 5.7.1: at most 200
    /// characters, not only spaces.
    #[serde(default)]
    #[param(
        required = true,
        min_length = 1,
        max_length = 200,
        pattern = "\\S",
        example = "too many requests"
    )]
    pub q: String,
    /// How many results, 1 to 100 (default 10)
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 10)]
    pub limit: Limit,
}

/// How many results a search returns: a whole number from 1 to
/// `search::MAX_LIMIT`, `search::DEFAULT_LIMIT` when not given.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(try_from = "String")]
pub struct Limit(pub usize);

impl Default for Limit {
    fn default() -> Limit {
        Limit(search::DEFAULT_LIMIT)
    }
}

impl TryFrom<String> for Limit {
    type Error = String;

    fn try_from(value: String) -> Result<Limit, String> {
        match value.trim().parse::<usize>() {
            Ok(n) if (1..=search::MAX_LIMIT).contains(&n) => Ok(Limit(n)),
            _ => Err(format!(
                "expected a whole number from 1 to {}",
                search::MAX_LIMIT
            )),
        }
    }
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
#[utoipa::path(get, path = routes::ApiProtocols::PATH, responses((status = 200, description = "Every protocol with its classes and counts", body = Vec<ProtocolSummary>)))]
pub async fn protocols(path: routes::ApiProtocols) -> Result<Response, WebError> {
    {
        let list: Vec<ProtocolSummary> = catalog()
            .protocols()
            .map(|p| {
                let classes = p
                    .classes()
                    .into_iter()
                    .map(|(class, count)| ClassCount {
                        class: class.clone(),
                        count,
                    })
                    .collect();
                ProtocolSummary {
                    protocol: p.protocol,
                    name: p.protocol.name(),
                    code_noun: p.protocol.code_noun(),
                    count: p.entries.len(),
                    classes,
                    url: routes::ApiCodes::of(p.protocol).to_string(),
                }
            })
            .collect();
        cached(path, &list)
    }
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
    path = routes::ApiCodes::PATH,
    params(
        ("protocol" = Protocol, Path, description = "http, smtp, grpc, websocket, ftp, sip or dns", example = "http"),
        CodesQuery
    ),
    responses((status = 200, description = "The codes of the protocol, of one class if asked", body = CodeList), (status = 400, description = "A parameter is not valid", body = ErrorBody), (status = 404, description = "No such protocol, code or comparison; suggestions name the nearest", body = ErrorBody))
)]
pub async fn codes(
    path: routes::ApiCodes,
    Query(query): Query<CodesQuery>,
) -> Result<Response, WebError> {
    let p = protocol_of(&path.protocol)?;
    let list = catalog()
        .protocol(p)
        .ok_or_else(|| WebError::not_found("unknown protocol"))?;
    let codes: Vec<EntryRef> = list
        .entries
        .iter()
        .filter(|e| match &query.class {
            Some(c) => e.class.as_ref().is_some_and(|k| &k.key == c),
            None => true,
        })
        .map(EntryRef::from)
        .collect();
    cached(
        routes::with_query(routes::ApiCodes::of(p), &query),
        &CodeList {
            protocol: p,
            count: codes.len(),
            class: query.class,
            codes,
        },
    )
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
    path = routes::ApiCode::PATH,
    params(("protocol" = Protocol, Path, description = "http, smtp, grpc, websocket, ftp, sip or dns", example = "http"), ("code" = String, Path, description = "A code, an id such as 444-nginx, or a name such as not-found", example = "407")),
    responses((status = 200, description = "Everything the catalog knows of the code", body = CodeDocument), (status = 400, description = "A parameter is not valid", body = ErrorBody), (status = 404, description = "No such protocol, code or comparison; suggestions name the nearest", body = ErrorBody))
)]
pub async fn code(code: Code<routes::ApiCode>) -> Result<Response, WebError> {
    let catalog = catalog();
    let entry = code.entry;
    let key = routes::ApiCode {
        protocol: entry.protocol.slug().into(),
        code: code.path.code,
    };
    cached(
        key,
        &CodeDocument {
            entry,
            other_meanings: code
                .meanings
                .iter()
                .skip(1)
                .map(|e| EntryRef::from(*e))
                .collect(),
            same_number_elsewhere: catalog
                .same_number_elsewhere(entry)
                .into_iter()
                .map(EntryRef::from)
                .collect(),
            relations: crate::relations::relations_of(catalog, entry),
            html_url: routes::entry(entry),
        },
    )
}

/// Two codes side by side. The canonical order is ascending; the other order
/// answers 301 to it.
#[utoipa::path(
    get,
    path = routes::ApiCompare::PATH,
    params(("protocol" = Protocol, Path, description = "http, smtp, grpc, websocket, ftp, sip or dns", example = "http"), ("pair" = String, Path, description = "Two codes as 101-vs-407 (ascending; the other order redirects)", example = "101-vs-407")),
    responses((status = 200, description = "The comparison of the two codes", body = Comparison), (status = 301, description = "Redirect to the canonical order"), (status = 400, description = "A parameter is not valid", body = ErrorBody), (status = 404, description = "No such protocol, code or comparison; suggestions name the nearest", body = ErrorBody))
)]
pub async fn compare_codes(pair: Compared<routes::ApiCompare>) -> Result<Response, WebError> {
    comparison(pair).await
}

/// Two codes of different protocols that map onto each other.
#[utoipa::path(
    get,
    path = routes::ApiCompareCross::PATH,
    params(("protocol" = Protocol, Path, description = "The first code's protocol", example = "grpc"), ("pair" = String, Path, description = "A code and the second protocol, as 14-vs-http", example = "14-vs-http"), ("code" = String, Path, description = "The second code", example = "503")),
    responses((status = 200, description = "The comparison of two codes that map onto each other", body = Comparison), (status = 301, description = "Redirect to the canonical order"), (status = 400, description = "A parameter is not valid", body = ErrorBody), (status = 404, description = "No such protocol, code or comparison; suggestions name the nearest", body = ErrorBody))
)]
pub async fn compare_cross(pair: Compared<routes::ApiCompareCross>) -> Result<Response, WebError> {
    comparison(pair).await
}

/// The comparison document, on either comparison route.
pub async fn comparison<P: PairPath>(Compared(pair, _): Compared<P>) -> Result<Response, WebError> {
    let canonical = pair.canonical_on(Surface::Api);
    if !pair.canonical {
        return Ok(super::moved_permanently(&canonical));
    }
    let c = crate::compare::compare(catalog(), pair.a, pair.b)
        .map_err(|e| WebError::not_found(e.to_string()))?;
    cached(canonical, &c)
}

/// Ranked search: codes, prefixes, classes, phrases, aliases, fuzzy words.
#[utoipa::path(
    get,
    path = routes::ApiSearch::PATH,
    params(SearchParams),
    responses((status = 200, description = "Ranked results, with why each matched", body = SearchJson), (status = 400, description = "A parameter is not valid", body = ErrorBody))
)]
pub async fn search_codes(
    _: routes::ApiSearch,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let q = params.q.trim();
    if q.is_empty() {
        return Err(WebError::bad_request(
            "The query parameter q is required and must not be only spaces.",
        ));
    }
    if params.q.chars().count() > search::MAX_QUERY_CHARS {
        return Err(WebError::bad_request(format!(
            "q may be at most {} characters.",
            search::MAX_QUERY_CHARS
        )));
    }
    let outcome = search::index().search(q, params.limit.0);
    let mut body = SearchJson::from(&outcome);
    for (json, hit) in body.results.iter_mut().zip(&outcome.results) {
        json.html_url = Some(routes::entry(hit.entry));
    }
    Ok(([(header::CACHE_CONTROL, "no-cache")], axum::Json(body)).into_response())
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
#[utoipa::path(get, path = routes::ApiCatalog::PATH, responses((status = 200, description = "The whole catalog: every protocol's codes, the curated pairs and the situations", body = CatalogDump)))]
pub async fn full_catalog(path: routes::ApiCatalog) -> Result<Response, WebError> {
    let c = catalog();
    cached(
        path,
        &CatalogDump {
            protocols: c
                .protocols()
                .map(|p| ProtocolDump {
                    protocol: p.protocol,
                    codes: &p.entries,
                })
                .collect(),
            pairs: c.pairs(),
            situations: c.situations(),
        },
    )
}

/// The OpenAPI document: [`ApiDoc`] with one operation id per operation.
/// utoipa gives every method of a handler that answers several methods
/// (the live flows) the handler's name, and the specification asks for
/// unique ids (OpenAPI 3.1, Section 4.8.10), so each of those ids gets its
/// method as a suffix (`echo_post`).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for item in doc.paths.paths.values() {
        for op in operations(item) {
            if let Some(id) = &op.operation_id {
                *seen.entry(id.clone()).or_default() += 1;
            }
        }
    }
    for item in doc.paths.paths.values_mut() {
        let methods = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ];
        for (method, op) in methods {
            if let Some(op) = op
                && let Some(id) = &op.operation_id
                && seen.get(id).is_some_and(|n| *n > 1)
            {
                op.operation_id = Some(format!("{id}_{method}"));
            }
        }
    }
    doc
}

fn operations(
    item: &utoipa::openapi::PathItem,
) -> impl Iterator<Item = &utoipa::openapi::path::Operation> {
    [
        &item.get,
        &item.put,
        &item.post,
        &item.delete,
        &item.options,
        &item.head,
        &item.patch,
        &item.trace,
    ]
    .into_iter()
    .flatten()
}

/// The OpenAPI document (rendered once, then served from the cache).
pub async fn openapi(path: routes::OpenApiJson) -> Result<Response, WebError> {
    let text = document()
        .to_pretty_json()
        .map_err(|e| WebError::internal(e.to_string()))?;
    let response = (
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
        text,
    );
    Ok(Cacheable::mark(path.to_string(), response))
}

/// Anything under `/api/` that is not a route: a JSON 404.
pub async fn api_not_found(uri: axum::http::Uri) -> WebError {
    WebError::not_found(format!("No API route at “{}”.", shorten(uri.path())))
}
