//! HTML pages. Pages that depend only on the data are rendered once and then
//! served from the response cache; search renders per request.

use super::AppState;
use super::cache::{PAGE_CACHE, Rendered};
use super::error::{PageError, SafePath, WebError, shorten};
use super::views::{self, *};
use crate::catalog::{Catalog, Entry, Protocol, catalog};
use crate::compare;
use crate::search;
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::sync::Arc;

/// The codes the home page lists as most looked up (editorial choice).
pub const POPULAR: &[(Protocol, &str)] = &[
    (Protocol::Http, "200"),
    (Protocol::Http, "301"),
    (Protocol::Http, "302"),
    (Protocol::Http, "304"),
    (Protocol::Http, "400"),
    (Protocol::Http, "401"),
    (Protocol::Http, "403"),
    (Protocol::Http, "404"),
    (Protocol::Http, "405"),
    (Protocol::Http, "409"),
    (Protocol::Http, "418"),
    (Protocol::Http, "422"),
    (Protocol::Http, "429"),
    (Protocol::Http, "500"),
    (Protocol::Http, "502"),
    (Protocol::Http, "503"),
    (Protocol::Http, "504"),
];

const HTML: &str = "text/html; charset=utf-8";

/// Renders a page template into a cacheable response.
pub(super) fn html(template: &impl Template) -> Result<Rendered, WebError> {
    template
        .render()
        .map(|body| Rendered::new(HTML, PAGE_CACHE, body))
        .map_err(|e| WebError::internal(format!("could not render the page: {e}")))
}

fn cached(
    state: &AppState,
    key: &str,
    headers: &HeaderMap,
    render: impl FnOnce() -> Result<Rendered, WebError>,
) -> Result<Response, PageError> {
    Ok(state.cache.get_or_render(key, render)?.respond(headers))
}

/// The protocol a path names, exactly as its slug, among those with data.
pub(super) fn protocol_of(slug: &str) -> Result<Protocol, WebError> {
    Protocol::from_slug(slug)
        .filter(|p| p.slug() == slug && catalog().protocol(*p).is_some())
        .ok_or_else(|| {
            let known: Vec<&str> = catalog().protocols().map(|p| p.protocol.slug()).collect();
            WebError::not_found(format!(
                "There is no protocol called “{}”; known protocols: {}.",
                shorten(slug),
                known.join(", ")
            ))
        })
}

pub async fn home(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    cached(&state, "/", &headers, || {
        let catalog = catalog();
        let names: Vec<&str> = catalog.protocols().map(|p| p.protocol.name()).collect();
        let mut head = Head::new(
            catalog,
            &state.base_url,
            "/",
            "statusatlas — every protocol status code, explained and compared".into(),
            "What each HTTP, SMTP, gRPC, WebSocket, FTP, SIP and DNS status code means, when you see it, how to fix it, and how it differs from the code it is confused with.".into(),
        );
        head.json_ld = json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "statusatlas",
            "url": format!("{}/", state.base_url),
            "potentialAction": {
                "@type": "SearchAction",
                "target": format!("{}/search?q={{query}}", state.base_url),
                "query-input": "required name=query"
            }
        }));
        let page = HomePage {
            head,
            protocol_names: join_names(&names),
            protocols: catalog
                .protocols()
                .map(|p| Link {
                    href: format!("/{}/", p.protocol.slug()),
                    label: p.protocol.name().to_string(),
                    text: format!("{} {}s", p.entries.len(), p.protocol.code_noun()),
                })
                .collect(),
            popular: POPULAR
                .iter()
                .filter_map(|(p, id)| catalog.get(*p, id))
                .map(row)
                .collect(),
            pairs: pair_links(catalog, None),
            situations: catalog
                .situations()
                .iter()
                .map(|s| Link {
                    href: format!("/situations/{}", s.slug),
                    label: s.title.clone(),
                    text: String::new(),
                })
                .collect(),
        };
        html(&page)
    })
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Links to the curated comparisons, all of them or those involving `entry`.
pub fn pair_links(catalog: &Catalog, entry: Option<&Entry>) -> Vec<Link> {
    catalog
        .pairs()
        .iter()
        .filter_map(|p| {
            let a = catalog.get(p.protocol, &p.a)?;
            let b = catalog.get(p.protocol, &p.b)?;
            if let Some(e) = entry
                && e.id != a.id
                && e.id != b.id
            {
                return None;
            }
            let (a, b) = compare::canonical_order(a, b);
            Some(Link {
                href: compare_href(a, b),
                label: format!("{} {} vs {}", a.protocol.name(), a.code, b.code),
                text: p.rule.clone(),
            })
        })
        .collect()
}

pub async fn protocol_index(
    State(state): State<Arc<AppState>>,
    SafePath(protocol): SafePath<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let p = protocol_of(&protocol)?;
    let key = format!("/{}/", p.slug());
    cached(&state, &key, &headers, || listing(&state, p, None))
}

pub async fn class_index(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, class)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let p = protocol_of(&protocol)?;
    let codes = catalog()
        .protocol(p)
        .ok_or_else(|| WebError::not_found("unknown protocol"))?;
    if !codes
        .entries
        .iter()
        .any(|e| e.class.as_ref().is_some_and(|c| c.key == class))
    {
        return Err(WebError::not_found(format!(
            "{} has no class “{}”.",
            p.name(),
            shorten(&class)
        ))
        .into());
    }
    let key = format!("/{}/{class}/", p.slug());
    cached(&state, &key, &headers, || listing(&state, p, Some(&class)))
}

fn listing(state: &AppState, p: Protocol, class: Option<&str>) -> Result<Rendered, WebError> {
    let catalog = catalog();
    let codes = catalog
        .protocol(p)
        .ok_or_else(|| WebError::not_found("unknown protocol"))?;
    let mut keys: Vec<(String, String)> = Vec::new();
    for e in &codes.entries {
        if let Some(c) = &e.class
            && !keys.iter().any(|(k, _)| k == &c.key)
        {
            keys.push((c.key.clone(), c.label()));
        }
    }
    keys.sort();
    // Groups in order of their sort key: classes, then kinds and subjects.
    let mut grouped: Vec<(String, String, Vec<Row>)> = Vec::new();
    for e in &codes.entries {
        if class.is_some_and(|c| e.class.as_ref().is_none_or(|k| k.key != c)) {
            continue;
        }
        let (key, title) = views::group_of(e);
        match grouped.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, rows)) => rows.push(row(e)),
            None => grouped.push((key, title, vec![row(e)])),
        }
    }
    grouped.sort_by(|a, b| a.0.cmp(&b.0));
    let groups: Vec<Group> = grouped
        .into_iter()
        .map(|(_, title, rows)| Group {
            title,
            intro: String::new(),
            rows,
        })
        .collect();
    let count: usize = groups.iter().map(|g| g.rows.len()).sum();
    let (path, heading, intro, mut crumbs) = match class {
        None => (
            format!("/{}/", p.slug()),
            format!("{} {}s", p.name(), p.code_noun()),
            protocol_intro(p, count),
            vec![
                ("Home".to_string(), "/".to_string()),
                (p.name().to_string(), String::new()),
            ],
        ),
        Some(c) => {
            let label = keys
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, l)| l.clone())
                .unwrap_or_default();
            (
                format!("/{}/{c}/", p.slug()),
                format!("{} {label}", p.name()),
                format!("The {count} {} {}s of class {c}.", p.name(), p.code_noun()),
                vec![
                    ("Home".to_string(), "/".to_string()),
                    (p.name().to_string(), format!("/{}/", p.slug())),
                ],
            )
        }
    };
    crumbs.extend(class.map(|c| (c.to_string(), String::new())));
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &path,
        format!("{heading} — statusatlas"),
        intro.clone(),
    );
    head.section = p.slug();
    let page = ListingPage {
        head,
        crumbs,
        heading,
        intro,
        classes: keys
            .iter()
            .map(|(k, l)| {
                (
                    format!("/{}/{k}/", p.slug()),
                    l.clone(),
                    class == Some(k.as_str()),
                )
            })
            .collect(),
        groups,
    };
    html(&page)
}

pub async fn code_page(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, code)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let p = protocol_of(&protocol)?;
    let catalog = catalog();
    let found = catalog.resolve(p, &code);
    let Some(&entry) = found.first() else {
        return Err(WebError::unknown_code(Some(p), &code).into());
    };
    // A symbolic name or a shared vendor code answers with the page of the
    // first meaning; the canonical link names the entry's own URL.
    let key = format!("/{}/{}", p.slug(), code);
    cached(&state, &key, &headers, || {
        let page = code_view(&state.base_url, catalog, entry, &found);
        html(&page)
    })
}

/// `/dns/ede/18`: Extended DNS Errors have a number space of their own.
pub async fn ede_page(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, code)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let p = protocol_of(&protocol)?;
    let catalog = catalog();
    let entry = (p == Protocol::Dns)
        .then(|| catalog.get(p, &format!("ede-{code}")))
        .flatten()
        .ok_or_else(|| {
            WebError::not_found(format!(
                "There is no Extended DNS Error “{}”.",
                shorten(&code)
            ))
        })?;
    let key = entry_href(entry);
    cached(&state, &key, &headers, || {
        html(&code_view(&state.base_url, catalog, entry, &[entry]))
    })
}

fn code_view(base: &str, catalog: &Catalog, e: &Entry, meanings: &[&Entry]) -> CodePage {
    let title = format!(
        "{} {} — what it means and how to fix it",
        e.label(),
        e.phrase
    );
    let mut head = Head::new(catalog, base, &entry_href(e), title, e.summary.clone());
    head.og_type = "article";
    head.section = e.protocol.slug();
    super::embed::discovery(
        &mut head,
        base,
        &entry_href(e),
        &format!("{} {}", e.label(), e.phrase),
    );
    head.json_ld = json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "name": format!("{} {}", e.label(), e.phrase),
        "termCode": e.code,
        "description": e.summary,
        "url": format!("{base}{}", entry_href(e)),
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "name": format!("{} {}s", e.protocol.name(), e.protocol.code_noun()),
            "url": format!("{base}/{}/", e.protocol.slug())
        }
    }));
    let related: Vec<Link> = e
        .related
        .iter()
        .filter_map(|id| catalog.get(e.protocol, id))
        .map(entry_link)
        .collect();
    let mut comparisons = pair_links(catalog, Some(e));
    for r in e
        .related
        .iter()
        .filter_map(|id| catalog.get(e.protocol, id))
    {
        let href = compare_href(e, r);
        if !comparisons.iter().any(|l| l.href == href) {
            comparisons.push(Link {
                href,
                label: format!("{} vs {}", e.code, r.code),
                text: r.phrase.clone(),
            });
        }
    }
    CodePage {
        head,
        crumbs: crumbs_for(e),
        card: card(e, ""),
        id: e.id.clone(),
        example: e.example.clone(),
        constants: views::constants(e),
        related,
        comparisons,
        elsewhere: catalog
            .same_number_elsewhere(e)
            .into_iter()
            .map(|o| {
                let mut l = entry_link(o);
                l.label = format!("{} {}", o.protocol.name(), l.label);
                l
            })
            .collect(),
        meanings: meanings
            .iter()
            .filter(|m| m.id != e.id)
            .map(|m| entry_link(m))
            .collect(),
        picker: picker(catalog, e),
        embed: super::embed::snippets_for_code(base, e),
        live: (e.protocol == Protocol::Http)
            .then(|| e.code.parse::<u16>().ok())
            .flatten()
            .filter(|c| (100..=599).contains(c))
            .map(|c| format!("curl -i {base}/status/{c}")),
        situations: catalog
            .situations_of(e)
            .into_iter()
            .map(|s| Link {
                href: format!("/situations/{}", s.slug),
                label: s.title.clone(),
                text: s.summary.clone(),
            })
            .collect(),
        relations: crate::relations::relations_of(catalog, e)
            .into_iter()
            .map(|r| {
                let links = r
                    .entries
                    .iter()
                    .map(|o| {
                        let mut l = entry_link(o);
                        l.label = format!("{} {}", o.protocol.name(), o.title());
                        if r.comparable {
                            l.text = compare_href(e, o);
                        } else {
                            l.text.clear();
                        }
                        l
                    })
                    .collect();
                (r.title, links)
            })
            .collect(),
    }
}

/// Splits "101-vs-407" into its two codes.
pub fn split_pair(pair: &str) -> Option<(&str, &str)> {
    let (a, b) = pair.split_once("-vs-")?;
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}

/// Resolves a comparison path to two entries in canonical order, or says
/// where the canonical URL is.
pub enum PairLookup<'a> {
    Found(&'a Entry, &'a Entry),
    Redirect(String),
}

/// `/compare/http/101-vs-407`: two codes of one protocol.
pub fn lookup_pair(
    protocol: &str,
    pair: &str,
    prefix: &str,
) -> Result<PairLookup<'static>, WebError> {
    let (a, b) = split_pair(pair).ok_or_else(|| not_a_comparison(pair))?;
    resolve_two(
        protocol,
        a,
        protocol,
        b,
        &format!("{prefix}/{protocol}/{pair}"),
        prefix,
    )
}

/// `/compare/grpc/14-vs-http/503`: two codes of different protocols.
pub fn lookup_cross(
    protocol: &str,
    pair: &str,
    code: &str,
    prefix: &str,
) -> Result<PairLookup<'static>, WebError> {
    let (a, other) = split_pair(pair).ok_or_else(|| not_a_comparison(pair))?;
    resolve_two(
        protocol,
        a,
        other,
        code,
        &format!("{prefix}/{protocol}/{pair}/{code}"),
        prefix,
    )
}

fn not_a_comparison(pair: &str) -> WebError {
    WebError::not_found(format!(
        "“{}” is not a comparison: write two codes as 101-vs-407.",
        shorten(pair)
    ))
}

fn resolve_two(
    pa: &str,
    a: &str,
    pb: &str,
    b: &str,
    requested: &str,
    prefix: &str,
) -> Result<PairLookup<'static>, WebError> {
    let (pa, pb) = (protocol_of(pa)?, protocol_of(pb)?);
    let catalog = catalog();
    let ea = *catalog
        .resolve(pa, a)
        .first()
        .ok_or_else(|| WebError::unknown_code(Some(pa), a))?;
    let eb = *catalog
        .resolve(pb, b)
        .first()
        .ok_or_else(|| WebError::unknown_code(Some(pb), b))?;
    let with_prefix = |href: String| format!("{prefix}{}", &href["/compare".len()..]);
    if let Err(why) = compare::compare(catalog, ea, eb) {
        let mut e = WebError::not_found(match why {
            compare::CompareError::SameCode => format!(
                "{} compared with itself is the same code; pick a second, different code.",
                ea.label()
            ),
            compare::CompareError::NoMapping => format!(
                "{} and {} are not mapped onto each other, so there is no comparison of the two.",
                ea.label(),
                eb.label()
            ),
        });
        e.suggestions = ea
            .related
            .iter()
            .filter_map(|id| catalog.get(pa, id))
            .map(|r| {
                (
                    with_prefix(compare_href(ea, r)),
                    format!("{} vs {}", ea.code, r.code),
                    r.phrase.clone(),
                )
            })
            .collect();
        return Err(e);
    }
    let (first, second) = compare::canonical_order(ea, eb);
    let canonical = with_prefix(compare_href(first, second));
    if canonical != requested {
        return Ok(PairLookup::Redirect(canonical));
    }
    Ok(PairLookup::Found(first, second))
}

pub async fn compare_page(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair)): SafePath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    comparison_response(&state, lookup_pair(&protocol, &pair, "/compare")?, &headers)
}

pub async fn compare_cross_page(
    State(state): State<Arc<AppState>>,
    SafePath((protocol, pair, code)): SafePath<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    comparison_response(
        &state,
        lookup_cross(&protocol, &pair, &code, "/compare")?,
        &headers,
    )
}

fn comparison_response(
    state: &AppState,
    found: PairLookup<'static>,
    headers: &HeaderMap,
) -> Result<Response, PageError> {
    let (a, b) = match found {
        PairLookup::Found(a, b) => (a, b),
        PairLookup::Redirect(to) => return Ok(super::moved_permanently(&to)),
    };
    let key = compare_href(a, b);
    cached(state, &key, headers, || {
        let catalog = catalog();
        let c = compare::compare(catalog, a, b).map_err(|e| WebError::not_found(e.to_string()))?;
        let path = compare_href(a, b);
        let mut head = Head::new(
            catalog,
            &state.base_url,
            &path,
            format!("{} — the difference explained", c.title),
            c.overview.clone(),
        );
        head.og_type = "article";
        head.section = a.protocol.slug();
        super::embed::discovery(&mut head, &state.base_url, &path, &c.title);
        head.json_ld = json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "TechArticle",
            "headline": c.title,
            "description": c.overview,
            "url": format!("{}{path}", state.base_url),
            "about": [
                {"@type": "DefinedTerm", "name": format!("{} {}", a.label(), a.phrase), "url": format!("{}{}", state.base_url, entry_href(a))},
                {"@type": "DefinedTerm", "name": format!("{} {}", b.label(), b.phrase), "url": format!("{}{}", state.base_url, entry_href(b))}
            ]
        }));
        let page = ComparePage {
            head,
            crumbs: vec![
                ("Home".into(), "/".into()),
                (a.protocol.name().into(), format!("/{}/", a.protocol.slug())),
                (format!("{} vs {}", a.code, b.code), String::new()),
            ],
            cmp: views::comparison(&c, ""),
            embed: super::embed::snippets_for_pair(&state.base_url, a, b),
        };
        html(&page)
    })
}

/// The compare picker's form target: sends the reader to the canonical page.
pub async fn compare_picker(
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let (protocol, a, b) = (get("protocol"), get("a"), get("b"));
    if protocol.is_empty() || a.is_empty() || b.is_empty() {
        return Err(WebError::bad_request("Choose a protocol and two codes to compare.").into());
    }
    match lookup_pair(protocol, &format!("{a}-vs-{b}"), "/compare")? {
        PairLookup::Found(x, y) => Ok(Redirect::to(&compare_href(x, y)).into_response()),
        PairLookup::Redirect(to) => Ok(Redirect::to(&to).into_response()),
    }
}

pub async fn search_page(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params: HashMap<String, String> = raw.as_deref().map(query_pairs).unwrap_or_default();
    let query: String = params.get("q").cloned().unwrap_or_default();
    let query = query
        .chars()
        .take(search::MAX_QUERY_CHARS)
        .collect::<String>();
    let catalog = catalog();
    let outcome = search::index().search(&query, 50);
    let mut head = Head::new(
        catalog,
        &state.base_url,
        "/search",
        if query.trim().is_empty() {
            "Search — statusatlas".into()
        } else {
            format!("“{}” — statusatlas search", shorten(&query))
        },
        "Search every status code by number, class, name or words.".into(),
    );
    head.query = query.clone();
    let page = SearchPage {
        head,
        heading: if query.trim().is_empty() {
            "Search".into()
        } else {
            format!("Results for “{}”", shorten(&query))
        },
        summary: match outcome.total {
            1 => "1 code matches.".into(),
            n if n > outcome.results.len() => format!(
                "{n} codes match; the best {} are shown.",
                outcome.results.len()
            ),
            n => format!("{n} codes match."),
        },
        did_you_mean: outcome
            .did_you_mean
            .as_ref()
            .map(|d| (d.clone(), format!("/search?q={}", url_encode(d)))),
        query,
        results: outcome.results.iter().map(|h| row(h.entry)).collect(),
    };
    let body = page
        .render()
        .map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}

/// Form-decodes a query string, leaving out pairs that are not valid UTF-8.
pub fn query_pairs(raw: &str) -> HashMap<String, String> {
    form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect()
}

pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub async fn not_found_page(uri: axum::http::Uri) -> PageError {
    let last = uri.path().rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    let decoded = percent_decode(last);
    let mut e = WebError::not_found(format!("There is no page at “{}”.", shorten(uri.path())));
    if !decoded.is_empty() {
        e.suggestions = WebError::unknown_code(None, &decoded).suggestions;
    }
    PageError(e)
}

fn percent_decode(s: &str) -> String {
    form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

pub async fn situations_index(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    cached(&state, "/situations/", &headers, || {
        let catalog = catalog();
        let intro = "The same situation, such as a missing resource or a rate limit, is expressed differently by each protocol. Each family below lists the codes side by side with how each one fits.".to_string();
        let mut head = Head::new(
            catalog,
            &state.base_url,
            "/situations/",
            "The same situation in every protocol — statusatlas".into(),
            intro.clone(),
        );
        head.section = "situations";
        html(&SituationPage {
            head,
            crumbs: vec![
                ("Home".into(), "/".into()),
                ("Situations".into(), String::new()),
            ],
            heading: "The same situation in every protocol".into(),
            intro,
            situations: catalog
                .situations()
                .iter()
                .map(|s| views::situation(catalog, s))
                .collect(),
        })
    })
}

pub async fn situation_page(
    State(state): State<Arc<AppState>>,
    SafePath(slug): SafePath<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let catalog = catalog();
    let s = catalog.situation(&slug).ok_or_else(|| {
        WebError::not_found(format!(
            "There is no situation called “{}”.",
            shorten(&slug)
        ))
    })?;
    let path = format!("/situations/{}", s.slug);
    cached(&state, &path, &headers, || {
        let mut head = Head::new(
            catalog,
            &state.base_url,
            &path,
            format!("{} in every protocol — statusatlas", s.title),
            s.summary.clone(),
        );
        head.section = "situations";
        head.og_type = "article";
        html(&SituationPage {
            head,
            crumbs: vec![
                ("Home".into(), "/".into()),
                ("Situations".into(), "/situations/".into()),
                (s.title.clone(), String::new()),
            ],
            heading: format!("{} in every protocol", s.title),
            intro: s.summary.clone(),
            situations: vec![views::situation(catalog, s)],
        })
    })
}
