//! The resources: every code card and every comparison as Markdown, at
//! `statusatlas://` URIs that mirror the site's paths (`/http/407` is
//! `statusatlas://http/407`, `/compare/http/101-vs-407` is
//! `statusatlas://compare/http/101-vs-407`), with URI templates (RFC 6570)
//! for the codes a client fills in.

use crate::catalog::{Entry, Protocol, catalog};
use crate::compare::{self, Comparison};
use crate::web::views;
use rmcp::model::{Resource, ResourceTemplate};

pub const SCHEME: &str = "statusatlas://";
pub const MARKDOWN: &str = "text/markdown";
/// Resources per page of `resources/list`.
pub const PAGE_SIZE: usize = 200;
/// Longest URI read; every real one is far shorter.
pub const MAX_URI_CHARS: usize = 256;

/// `statusatlas://http/407`, `statusatlas://dns/ede/18`.
pub fn card_uri(e: &Entry) -> String {
    format!("{SCHEME}{}", &views::entry_href(e)[1..])
}

/// `statusatlas://compare/http/101-vs-407` (canonical order).
pub fn compare_uri(a: &Entry, b: &Entry) -> String {
    format!("{SCHEME}{}", &views::compare_href(a, b)[1..])
}

/// The card of `e` as Markdown; `base` is the public origin for links to
/// the site, when there is one.
pub fn card_markdown(e: &Entry, base: Option<&str>) -> String {
    crate::markdown::card(&views::card(e, base.unwrap_or("")))
}

/// A comparison as Markdown, with links to the site when `base` is known.
pub fn comparison_markdown(c: &Comparison, base: Option<&str>) -> String {
    crate::markdown::comparison(&views::comparison(c, base.unwrap_or("")), &c.title)
}

/// Every card and every curated comparison, in catalog order: the
/// resources `resources/list` pages through. The other comparisons are
/// reached through the comparison templates.
fn all() -> impl Iterator<Item = Resource> {
    let catalog = catalog();
    let cards = catalog.entries().map(|e| {
        Resource::new(card_uri(e), format!("{} {}", e.protocol.slug(), e.id))
            .with_title(format!("{} {}", e.protocol.name(), e.title()))
            .with_description(e.summary.clone())
            .with_mime_type(MARKDOWN)
    });
    let pairs = catalog.pairs().iter().filter_map(move |p| {
        let a = catalog.get(p.protocol, &p.a)?;
        let b = catalog.get(p.protocol, &p.b)?;
        let (a, b) = compare::canonical_order(a, b);
        Some(
            Resource::new(
                compare_uri(a, b),
                format!("compare {} {}-vs-{}", p.protocol.slug(), a.id, b.id),
            )
            .with_title(format!(
                "{} {} vs {}",
                p.protocol.name(),
                a.title(),
                b.title()
            ))
            .with_description(p.rule.clone())
            .with_mime_type(MARKDOWN),
        )
    });
    cards.chain(pairs)
}

/// One page of resources and the cursor of the next. The cursor is the
/// offset as text; anything else is refused.
pub fn page(cursor: Option<&str>) -> Result<(Vec<Resource>, Option<String>), String> {
    let start = match cursor {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| format!("the cursor “{}” is not one this server gave", shorten(c)))?,
    };
    let items: Vec<Resource> = all().skip(start).take(PAGE_SIZE + 1).collect();
    let more = items.len() > PAGE_SIZE;
    let items: Vec<Resource> = items.into_iter().take(PAGE_SIZE).collect();
    let next = more.then(|| (start + PAGE_SIZE).to_string());
    Ok((items, next))
}

/// The URI templates: one card, a comparison in one protocol, and a
/// comparison of codes that map across protocols.
pub fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(format!("{SCHEME}{{protocol}}/{{code}}"), "card")
            .with_title("Status code card")
            .with_description("One code's card as Markdown. protocol: http, smtp, grpc, websocket, ftp, sip or dns; code: a code or name (407, 5.7.1, not-found, ede-18).")
            .with_mime_type(MARKDOWN),
        ResourceTemplate::new(format!("{SCHEME}compare/{{protocol}}/{{a}}-vs-{{b}}"), "comparison")
            .with_title("Comparison of two codes")
            .with_description("Two codes of one protocol side by side, as Markdown (compare/http/401-vs-403).")
            .with_mime_type(MARKDOWN),
        ResourceTemplate::new(
            format!("{SCHEME}compare/{{protocol}}/{{a}}-vs-{{protocol_b}}/{{b}}"),
            "cross-protocol comparison",
        )
        .with_title("Comparison across protocols")
        .with_description("A gRPC code and the HTTP status it maps to, side by side, as Markdown (compare/grpc/14-vs-http/503).")
        .with_mime_type(MARKDOWN),
    ]
}

/// Why a URI could not be read, with URIs to try instead.
#[derive(Debug)]
pub struct NotFound {
    pub message: String,
    pub suggestions: Vec<String>,
}

fn shorten(s: &str) -> String {
    crate::text::shorten(s, 60)
}

fn protocol(slug: &str) -> Result<Protocol, NotFound> {
    Protocol::from_slug(&slug.to_ascii_lowercase()).ok_or_else(|| NotFound {
        message: format!(
            "“{}” is not a protocol; use http, smtp, grpc, websocket, ftp, sip or dns",
            shorten(slug)
        ),
        suggestions: Vec::new(),
    })
}

fn entries(p: Protocol, code: &str) -> Result<Vec<&'static Entry>, NotFound> {
    let found = catalog().resolve(p, code);
    if found.is_empty() {
        return Err(NotFound {
            message: format!(
                "there is no {} {} “{}”",
                p.name(),
                p.code_noun(),
                shorten(code)
            ),
            suggestions: crate::search::suggestions(crate::search::index(), Some(p), code)
                .into_iter()
                .map(card_uri)
                .collect(),
        });
    }
    Ok(found)
}

fn comparison_of(
    pa: Protocol,
    a: &str,
    pb: Protocol,
    b: &str,
    base: Option<&str>,
) -> Result<String, NotFound> {
    let ea = entries(pa, a)?[0];
    let eb = entries(pb, b)?[0];
    let (x, y) = compare::canonical_order(ea, eb);
    let c = compare::compare(catalog(), x, y).map_err(|why| NotFound {
        message: format!("{} and {}: {why}", ea.label(), eb.label()),
        suggestions: ea
            .related
            .iter()
            .filter_map(|id| catalog().get(ea.protocol, id))
            .filter(|r| r.id != ea.id)
            .map(|r| compare_uri(ea, r))
            .collect(),
    })?;
    Ok(comparison_markdown(&c, base))
}

/// The Markdown at `uri`. Names work as well as codes, and a comparison
/// may name its codes in either order.
pub fn read(uri: &str, base: Option<&str>) -> Result<String, NotFound> {
    let bad = |why: &str| NotFound {
        message: format!("cannot read “{}”: {why}", shorten(uri)),
        suggestions: vec![
            format!("{SCHEME}http/404"),
            format!("{SCHEME}compare/http/401-vs-403"),
        ],
    };
    if uri.chars().count() > MAX_URI_CHARS {
        return Err(bad("the URI is too long"));
    }
    let Some(path) = uri.strip_prefix(SCHEME) else {
        return Err(bad("statusatlas resources start with statusatlas://"));
    };
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["compare", p, pair] => {
            let (a, b) = pair
                .split_once("-vs-")
                .ok_or_else(|| bad("a comparison names two codes as 101-vs-407"))?;
            let p = protocol(p)?;
            comparison_of(p, a, p, b, base)
        }
        ["compare", pa, pair, b] => {
            let (a, pb) = pair
                .split_once("-vs-")
                .ok_or_else(|| bad("a comparison across protocols reads grpc/14-vs-http/503"))?;
            comparison_of(protocol(pa)?, a, protocol(pb)?, b, base)
        }
        ["dns", "ede", code] => {
            let e = entries(Protocol::Dns, &format!("ede-{code}"))?;
            Ok(cards(&e, base))
        }
        [p, code] => {
            let e = entries(protocol(p)?, code)?;
            Ok(cards(&e, base))
        }
        _ => Err(bad(
            "write statusatlas://{protocol}/{code} or statusatlas://compare/{protocol}/{a}-vs-{b}",
        )),
    }
}

/// One card, or every meaning of a code that vendors share (HTTP 420).
fn cards(entries: &[&Entry], base: Option<&str>) -> String {
    entries
        .iter()
        .map(|e| card_markdown(e, base))
        .collect::<Vec<_>>()
        .join("\n---\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_mirror_the_site_paths() {
        let c = catalog();
        let e407 = c.get(Protocol::Http, "407").unwrap();
        let e101 = c.get(Protocol::Http, "101").unwrap();
        assert_eq!(card_uri(e407), "statusatlas://http/407");
        assert_eq!(
            compare_uri(e407, e101),
            "statusatlas://compare/http/101-vs-407"
        );
        let ede = c.get(Protocol::Dns, "ede-18").unwrap();
        assert_eq!(card_uri(ede), "statusatlas://dns/ede/18");
    }

    #[test]
    fn every_listed_resource_can_be_read() {
        let mut cursor = None;
        let mut seen = 0;
        loop {
            let (items, next) = page(cursor.as_deref()).unwrap();
            for r in &items {
                let text = read(&r.uri, None).unwrap_or_else(|e| panic!("{}: {e:?}", r.uri));
                assert!(text.starts_with("# "), "{}", r.uri);
            }
            seen += items.len();
            match next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        assert_eq!(seen, catalog().entries().count() + catalog().pairs().len());
    }

    #[test]
    fn reverse_order_and_names_read_the_same_comparison() {
        let canonical = read("statusatlas://compare/http/101-vs-407", None).unwrap();
        assert_eq!(
            read("statusatlas://compare/http/407-vs-101", None).unwrap(),
            canonical
        );
        assert!(read("statusatlas://compare/grpc/14-vs-http/503", None).is_ok());
        assert_eq!(
            read("statusatlas://http/not-found", None).unwrap(),
            read("statusatlas://http/404", None).unwrap()
        );
    }

    #[test]
    fn unknown_uris_say_why_and_suggest() {
        let e = read("statusatlas://http/499x", None).unwrap_err();
        assert!(e.message.contains("no HTTP"), "{}", e.message);
        let e = read("statusatlas://htp/404", None).unwrap_err();
        assert!(e.message.contains("not a protocol"), "{}", e.message);
        let e = read("https://example.org/", None).unwrap_err();
        assert!(!e.suggestions.is_empty());
        assert!(page(Some("nonsense")).is_err());
    }
}
