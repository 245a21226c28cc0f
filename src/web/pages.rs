//! HTML pages. Pages that depend only on the data are rendered once and then
//! served from the response cache; search renders per request.

use super::AppState;
use super::cache::Cacheable;
use super::error::{WebError, shorten};
use super::resolve::{Code, Compared, PairPath, Query};
use super::routes::{self, Surface};
use super::views::{self, *};
use crate::catalog::{Catalog, Entry, Protocol, catalog};
use crate::compare;
use crate::search;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::routing::TypedPath;
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

/// A page that depends only on the data, rendered and marked for the cache
/// under its canonical path.
fn cached(path: impl TypedPath, template: &impl Template) -> Result<Response, WebError> {
    Ok(Cacheable::mark(path.to_string(), html(template)?))
}

pub async fn home(
    _: routes::Home,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    {
        let catalog = catalog();
        let names: Vec<&str> = catalog.protocols().map(|p| p.protocol.name()).collect();
        let mut head = Head::new(
            catalog,
            &state.base_url,
            &routes::Home.to_string(),
            "statusatlas — every protocol status code, explained and compared".into(),
            "What each HTTP, SMTP, gRPC, WebSocket, FTP, SIP and DNS status code means, when you see it, how to fix it, and how it differs from the code it is confused with.".into(),
        );
        head.json_ld = json_ld(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "statusatlas",
            "url": format!("{}{}", state.base_url, routes::Home),
            "potentialAction": {
                "@type": "SearchAction",
                // The placeholder must stay unencoded for schema.org.
                "target": format!("{}{}?q={{query}}", state.base_url, routes::Search),
                "query-input": "required name=query"
            }
        }));
        let page = HomePage {
            head,
            protocol_names: join_names(&names),
            protocols: catalog
                .protocols()
                .map(|p| Link {
                    href: routes::ProtocolIndex::of(p.protocol).to_string(),
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
                    href: routes::Situation::of(&s.slug).to_string(),
                    label: s.title.clone(),
                    text: String::new(),
                })
                .collect(),
        };
        cached(routes::Home, &page)
    }
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
                label: compare::pair_label(a, b),
                text: p.rule.clone(),
            })
        })
        .collect()
}

/// `/http/407`: a symbolic name or a shared vendor code answers with the
/// page of the first meaning; the canonical link names the entry's own URL.
pub async fn code_page(
    code: Code<routes::CodePage>,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let page = code_view(&state, catalog(), code.entry, &code.meanings);
    let key = routes::CodePage {
        protocol: code.entry.protocol.slug().into(),
        code: code.path.code,
    };
    cached(key, &page)
}

/// `/dns/ede/18`: Extended DNS Errors have a number space of their own.
pub async fn ede_page(
    code: Code<routes::EdePage>,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let page = code_view(&state, catalog(), code.entry, &code.meanings);
    cached(code.path, &page)
}

fn code_view(state: &AppState, catalog: &Catalog, e: &Entry, meanings: &[&Entry]) -> CodePage {
    let base = state.base_url.as_str();
    let live_base = state.live_base_url.as_deref();
    let title = format!(
        "{} {} — what it means and how to fix it",
        e.label(),
        e.phrase
    );
    let mut head = Head::new(catalog, base, &entry_href(e), title, e.summary.clone());
    head.og_type = "article";
    head.section = e.protocol.slug();
    views::discovery(
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
            "url": format!("{base}{}", routes::ProtocolIndex::of(e.protocol))
        }
    }));
    let related: Vec<Link> = e
        .related
        .iter()
        .filter_map(|id| catalog.get(e.protocol, id))
        .map(entry_link)
        .collect();
    let comparisons: Vec<Link> = compare::confusions(catalog, e)
        .into_iter()
        .map(|c| Link {
            href: compare_href(e, c.other),
            label: c.label,
            text: c.reason,
        })
        .collect();
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
        headers: super::glossary::header_links(catalog, &e.headers),
        embed: views::snippets_for_code(base, e),
        live: live_base
            .filter(|_| e.protocol == Protocol::Http)
            .and_then(|live| Some((live, e.code.parse::<u16>().ok()?)))
            .filter(|(_, c)| (100..=599).contains(c))
            .map(|(live, c)| format!("curl -i {live}{}", routes::live(c))),
        grpc_live: state
            .grpc_addr
            .as_deref()
            .map(|addr| crate::live_grpc::grpcurl_commands(addr, e))
            .unwrap_or_default(),
        listener: crate::listeners::try_it(e, &state.listeners),
        flows: live_base
            .filter(|_| e.protocol == Protocol::Http)
            .and_then(|live| Some((live, e.code.parse::<u16>().ok()?)))
            .map(|(live, c)| crate::web::live::flows::steps_for(c, live))
            .unwrap_or_default(),
        situations: catalog
            .situations_of(e)
            .into_iter()
            .map(|s| Link {
                href: routes::Situation::of(&s.slug).to_string(),
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

/// A comparison page (`/compare/http/101-vs-407`, and across protocols
/// `/compare/grpc/14-vs-http/503`); the other order answers 301.
pub async fn compare_page<P: PairPath>(
    Compared(pair, _): Compared<P>,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let canonical = pair.canonical_on(Surface::Page);
    if !pair.canonical {
        return Ok(super::moved_permanently(&canonical));
    }
    let (a, b) = (pair.a, pair.b);
    let catalog = catalog();
    let c = compare::compare(catalog, a, b).map_err(|e| WebError::not_found(e.to_string()))?;
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &canonical,
        format!("{} — the difference explained", c.title),
        c.overview.clone(),
    );
    head.og_type = "article";
    head.section = a.protocol.slug();
    views::discovery(&mut head, &state.base_url, &canonical, &c.title);
    head.json_ld = json_ld(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "TechArticle",
        "headline": c.title,
        "description": c.overview,
        "url": format!("{}{canonical}", state.base_url),
        "about": [
            {"@type": "DefinedTerm", "name": format!("{} {}", a.label(), a.phrase), "url": format!("{}{}", state.base_url, entry_href(a))},
            {"@type": "DefinedTerm", "name": format!("{} {}", b.label(), b.phrase), "url": format!("{}{}", state.base_url, entry_href(b))}
        ]
    }));
    let page = ComparePage {
        head,
        crumbs: vec![
            ("Home".into(), routes::Home.to_string()),
            (
                a.protocol.name().into(),
                routes::ProtocolIndex::of(a.protocol).to_string(),
            ),
            (format!("{} vs {}", a.code, b.code), String::new()),
        ],
        cmp: views::comparison(&c, ""),
        embed: views::snippets_for_pair(&state.base_url, a, b),
        change: ChangePicker {
            action: routes::ComparePicker.to_string(),
            protocol: a.protocol.slug(),
            protocol_b: if a.protocol == b.protocol {
                ""
            } else {
                b.protocol.slug()
            },
            label_a: format!("First code ({})", a.protocol.name()),
            label_b: format!("Second code ({})", b.protocol.name()),
            a: views::picker_options(catalog, a),
            b: views::picker_options(catalog, b),
        },
    };
    Ok(Cacheable::mark(canonical, html(&page)?))
}

/// The compare picker's form target: sends the reader to the canonical page.
pub async fn compare_picker(
    _: routes::ComparePicker,
    Query(q): Query<routes::PickerQuery>,
) -> Result<Response, WebError> {
    if q.protocol.is_empty() || q.a.is_empty() || q.b.is_empty() {
        return Err(WebError::bad_request(
            "Choose a protocol and two codes to compare.",
        ));
    }
    let across = !q.protocol_b.is_empty() && q.protocol_b != q.protocol;
    let pair = if across {
        super::resolve::Pair::resolve(
            Surface::Page,
            "",
            &q.protocol,
            &format!("{}-vs-{}", q.a, q.protocol_b),
            Some(&q.b),
        )?
    } else {
        super::resolve::Pair::resolve(
            Surface::Page,
            "",
            &q.protocol,
            &format!("{}-vs-{}", q.a, q.b),
            None,
        )?
    };
    Ok(Redirect::to(&pair.canonical_on(Surface::Page)).into_response())
}

/// The search page. An exact code (`404`, `smtp 5.7.1`, `dns ede 18`)
/// answers 303 to its page; otherwise ranked results, each saying why it
/// matched, in one protocol when `protocol` is given; an empty query shows
/// how to search, and a query that matches nothing says so with
/// suggestions rather than showing unrelated codes.
pub async fn search_page(
    _: routes::Search,
    State(state): State<Arc<AppState>>,
    Query(q): Query<routes::SearchQuery>,
) -> Result<Response, WebError> {
    let query =
        q.q.chars()
            .take(search::MAX_QUERY_CHARS)
            .collect::<String>();
    let catalog = catalog();
    if let Some(target) = search::exact(catalog, q.protocol, &query) {
        let to = match target {
            search::ExactCode::One(e) => entry_href(e),
            search::ExactCode::Shared(p, code) => routes::CodePage {
                protocol: p.slug().into(),
                code: code.to_string(),
            }
            .to_string(),
        };
        return Ok(Redirect::to(&to).into_response());
    }
    let scoped = match q.protocol {
        Some(p) if !query.trim().is_empty() => format!("{} {query}", p.slug()),
        _ => query.clone(),
    };
    let outcome = if query.trim().is_empty() {
        search::index().search("", 1)
    } else {
        search::index().search(&scoped, 50)
    };
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &routes::Search.to_string(),
        if query.trim().is_empty() {
            "Search — statusatlas".into()
        } else {
            format!("“{}” — statusatlas search", shorten(&query))
        },
        "Search every status code by number, class, name or words.".into(),
    );
    head.query = query.clone();
    let examples = [
        ("404", "a code"),
        ("smtp 5.7.1", "a code of one protocol"),
        ("40", "the start of a code"),
        ("4xx", "a class"),
        ("too many requests", "words of the name"),
        ("Request Entity Too Large", "an older name"),
        ("rate limited", "what happened"),
        ("http.StatusTeapot", "a library constant"),
        ("nxdomain", "a name from a tool's output"),
    ]
    .into_iter()
    .map(|(q, why)| Link {
        href: routes::with_query(
            routes::Search,
            &routes::SearchQuery {
                q: q.into(),
                protocol: None,
            },
        ),
        label: q.into(),
        text: why.into(),
    })
    .collect();
    let page = SearchPage {
        head,
        heading: if query.trim().is_empty() {
            "Search".into()
        } else {
            format!("Results for “{}”", shorten(&query))
        },
        summary: match (outcome.total, q.protocol) {
            (1, None) => "1 code matches.".into(),
            (1, Some(p)) => format!("1 {} code matches.", p.name()),
            (n, p) if n > outcome.results.len() => format!(
                "{n} {}codes match; the best {} are shown.",
                p.map_or(String::new(), |p| format!("{} ", p.name())),
                outcome.results.len()
            ),
            (n, p) => format!(
                "{n} {}codes match.",
                p.map_or(String::new(), |p| format!("{} ", p.name()))
            ),
        },
        did_you_mean: outcome.did_you_mean.as_ref().map(|d| {
            let query = routes::SearchQuery {
                q: d.clone(),
                protocol: None,
            };
            (d.clone(), routes::with_query(routes::Search, &query))
        }),
        protocols: catalog
            .protocols()
            .map(|p| {
                (
                    p.protocol.slug(),
                    p.protocol.name(),
                    Some(p.protocol) == q.protocol,
                )
            })
            .collect(),
        api: routes::ApiSearch.to_string(),
        examples,
        explain: routes::Explain.to_string(),
        guide: routes::Guide.to_string(),
        searched: !query.trim().is_empty(),
        query,
        results: outcome
            .results
            .iter()
            .map(|h| SearchRow {
                row: row(h.entry),
                why: h.matched.reason(),
            })
            .collect(),
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

/// The fallback of the site: a 404 page that suggests codes like the last
/// segment of the path.
pub async fn not_found_page(uri: axum::http::Uri) -> WebError {
    let last = uri.path().rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    let decoded = percent_decode(last);
    let mut e = WebError::not_found(format!("There is no page at “{}”.", shorten(uri.path())));
    if !decoded.is_empty() {
        e.suggestions = super::resolve::unknown_code(None, &decoded).suggestions;
    }
    e
}

fn percent_decode(s: &str) -> String {
    form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

pub async fn situations_index(
    path: routes::Situations,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    {
        let catalog = catalog();
        let intro = "The same situation, such as a missing resource or a rate limit, is expressed differently by each protocol. Each family below lists the codes side by side with how each one fits.".to_string();
        let mut head = Head::new(
            catalog,
            &state.base_url,
            &path.to_string(),
            "The same situation in every protocol — statusatlas".into(),
            intro.clone(),
        );
        head.section = "situations";
        cached(
            path,
            &SituationPage {
                head,
                crumbs: vec![
                    ("Home".into(), routes::Home.to_string()),
                    ("Situations".into(), String::new()),
                ],
                heading: "The same situation in every protocol".into(),
                intro,
                situations: catalog
                    .situations()
                    .iter()
                    .map(|s| views::situation(catalog, s))
                    .collect(),
            },
        )
    }
}

pub async fn situation_page(
    routes::Situation { slug }: routes::Situation,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let catalog = catalog();
    let s = catalog.situation(&slug).ok_or_else(|| {
        WebError::not_found(format!(
            "There is no situation called “{}”.",
            shorten(&slug)
        ))
    })?;
    let path = routes::Situation::of(&s.slug).to_string();
    {
        let mut head = Head::new(
            catalog,
            &state.base_url,
            &path,
            format!("{} in every protocol — statusatlas", s.title),
            s.summary.clone(),
        );
        head.section = "situations";
        head.og_type = "article";
        cached(
            routes::Situation::of(&s.slug),
            &SituationPage {
                head,
                crumbs: vec![
                    ("Home".into(), routes::Home.to_string()),
                    ("Situations".into(), routes::Situations.to_string()),
                    (s.title.clone(), String::new()),
                ],
                heading: format!("{} in every protocol", s.title),
                intro: s.summary.clone(),
                situations: vec![views::situation(catalog, s)],
            },
        )
    }
}
