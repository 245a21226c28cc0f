//! Embeds: iframe pages, the HTML fragments the script widgets fetch, the
//! oEmbed provider, the copy-paste snippets and the embed gallery. Every card
//! comes from the same templates as the site.

use super::AppState;
use super::cache::{ASSET_CACHE, Cacheable};
use super::card_height;
use super::error::WebError;
use super::resolve::{Code, CodePath, Compared, PairPath, Query};
use super::routes::{self, LookQuery, OEmbedFormat, OEmbedQuery, Size, Surface, Theme};
use super::views::html;
use super::views::{self, CardView, ComparisonView, Head, WIDTH, attr_escape, iframe_html};
use crate::catalog::{Entry, catalog};
use crate::compare;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::num::NonZeroU32;
use std::sync::Arc;

pub const EMBED_JS: &str = include_str!("../../assets/embed.js");

#[derive(Template)]
#[template(path = "embed.html")]
struct EmbedPage {
    title: String,
    canonical: String,
    theme: Theme,
    size: Size,
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
    /// The subject on one surface.
    fn on(&self, surface: Surface) -> String {
        match self {
            Subject::Code(e) => routes::code_on(surface, e),
            Subject::Pair(a, b) => routes::comparison_on(surface, a, b),
        }
    }

    /// The page the embed stands for.
    fn page(&self) -> String {
        self.on(Surface::Page)
    }

    fn title(&self) -> String {
        match self {
            Subject::Code(e) => format!("{} {}", e.label(), e.phrase),
            Subject::Pair(a, b) => compare::compare(catalog(), a, b)
                .map(|c| c.title)
                .unwrap_or_default(),
        }
    }

    /// The height of the subject's compact iframe card, `width` px wide.
    fn compact_height(&self, width: u32) -> Result<u32, WebError> {
        Ok(match self.views("")? {
            (Some(card), _) => card_height::code(&card, width),
            (_, Some(cmp)) => card_height::comparison(&cmp, width),
            (None, None) => WIDTH,
        })
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

/// The iframe page of a subject in the look asked for; embeds answer any
/// order of a pair.
fn iframe(state: &AppState, subject: Subject, look: LookQuery) -> Result<Response, WebError> {
    let (card, cmp) = subject.views(&state.base_url)?;
    let page = EmbedPage {
        title: subject.title(),
        canonical: format!("{}{}", state.base_url, subject.page()),
        theme: look.theme,
        size: look.size,
        card,
        cmp,
    };
    let key = routes::with_query(subject.on(Surface::Iframe), &look);
    Ok(Cacheable::mark(key, html(&page)?))
}

/// The iframe page of a code (`/embed/http/407`).
pub async fn iframe_code(
    code: Code<routes::EmbedCode>,
    State(state): State<Arc<AppState>>,
    Query(look): Query<LookQuery>,
) -> Result<Response, WebError> {
    iframe(&state, Subject::Code(code.entry), look)
}

/// The iframe page of a comparison, on either comparison route.
pub async fn iframe_compare<P: PairPath>(
    Compared(pair, _): Compared<P>,
    State(state): State<Arc<AppState>>,
    Query(look): Query<LookQuery>,
) -> Result<Response, WebError> {
    iframe(&state, Subject::Pair(pair.a, pair.b), look)
}

fn fragment(state: &AppState, subject: Subject) -> Result<Response, WebError> {
    let (card, cmp) = subject.views(&state.base_url)?;
    let page = EmbedFragment {
        canonical: format!("{}{}", state.base_url, subject.page()),
        card,
        cmp,
    };
    Ok(Cacheable::mark(subject.on(Surface::Fragment), html(&page)?))
}

/// The card HTML the script widgets put into their shadow roots.
pub async fn fragment_code(
    code: Code<routes::FragmentCode>,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    fragment(&state, Subject::Code(code.entry))
}

/// The comparison HTML the script widgets fetch, on either comparison route.
pub async fn fragment_compare<P: PairPath>(
    Compared(pair, _): Compared<P>,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    fragment(&state, Subject::Pair(pair.a, pair.b))
}

/// The widget script.
pub async fn embed_js(path: routes::EmbedJs) -> Response {
    let response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(ASSET_CACHE)),
        ],
        EMBED_JS,
    );
    Cacheable::mark(path.to_string(), response)
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

/// Reads a page URL of this site back into what it shows, by extracting
/// the page routes' own typed paths from it.
async fn subject_of_url(base: &str, url: &str) -> Result<Subject, WebError> {
    let unknown = || WebError::not_found("The url is not a code or comparison page of this site.");
    let path = url
        .strip_prefix(base)
        .filter(|p| p.starts_with('/'))
        .ok_or_else(unknown)?;
    let path = path.split(['?', '#']).next().unwrap_or("");
    let found = page_target(path).await.ok_or_else(unknown)?;
    match found {
        PageTarget::Code(code) => Ok(Subject::Code(code.resolve().map_err(|_| unknown())?[0])),
        PageTarget::Ede(code) => Ok(Subject::Code(code.resolve().map_err(|_| unknown())?[0])),
        PageTarget::Pair(protocol, pair, code) => {
            let p =
                super::resolve::Pair::resolve(Surface::Page, "", &protocol, &pair, code.as_deref())
                    .map_err(|_| unknown())?;
            Ok(Subject::Pair(p.a, p.b))
        }
    }
}

/// The page route a path matches, among those an oEmbed url may name.
#[derive(Clone)]
enum PageTarget {
    Code(routes::CodePage),
    Ede(routes::EdePage),
    Pair(String, String, Option<String>),
}

/// Matches `path` against the page routes' typed paths, through a router
/// made of those same definitions.
async fn page_target(path: &str) -> Option<PageTarget> {
    use axum_extra::routing::RouterExt;
    use tower::ServiceExt;
    static ROUTER: std::sync::OnceLock<axum::Router> = std::sync::OnceLock::new();
    fn found(target: PageTarget) -> Response {
        let mut response = StatusCode::OK.into_response();
        response.extensions_mut().insert(target);
        response
    }
    let router = ROUTER
        .get_or_init(|| {
            axum::Router::new()
                .typed_get(|p: routes::CodePage| async move { found(PageTarget::Code(p)) })
                .typed_get(|p: routes::EdePage| async move { found(PageTarget::Ede(p)) })
                .typed_get(|p: routes::ComparePage| async move {
                    found(PageTarget::Pair(p.protocol, p.pair, None))
                })
                .typed_get(|p: routes::CompareCrossPage| async move {
                    found(PageTarget::Pair(p.protocol, p.pair, Some(p.code)))
                })
        })
        .clone();
    let request = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .ok()?;
    let response = router.oneshot(request).await.ok()?;
    response.extensions().get::<PageTarget>().cloned()
}

/// The iframe's extent in one dimension: the default, or less when the
/// consumer asks for less.
fn dimension(max: Option<NonZeroU32>, default: u32) -> u32 {
    max.map_or(default, |m| m.get().min(default))
}

/// The oEmbed 1.0 provider: `rich` answers with the iframe.
pub async fn oembed(
    _: routes::OEmbed,
    State(state): State<Arc<AppState>>,
    Query(params): Query<OEmbedQuery>,
) -> Result<Response, WebError> {
    if params.format == OEmbedFormat::Unsupported {
        return Err(WebError::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_implemented",
            "format must be json or xml.",
        ));
    }
    if params.url.is_empty() {
        return Err(WebError::bad_request("The url parameter is required."));
    }
    let subject = subject_of_url(&state.base_url, &params.url).await?;
    let width = dimension(params.maxwidth, WIDTH);
    // The compact card's height at that width; a smaller maxheight is
    // honoured (the card then scrolls inside the iframe).
    let height = dimension(params.maxheight, subject.compact_height(width)?);
    let title = subject.title();
    let body = OEmbed {
        version: "1.0",
        kind: "rich",
        html: iframe_html(
            &format!("{}{}", state.base_url, subject.on(Surface::Iframe)),
            width,
            height,
            &title,
        ),
        title,
        provider_name: "statusatlas",
        provider_url: format!("{}{}", state.base_url, routes::Home),
        cache_age: 86400,
        width,
        height,
    };
    let (content_type, text) = if params.format == OEmbedFormat::Json {
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
    /// The height of the demo iframe's compact card (HTTP 404).
    iframe_height: u32,
}

/// `/embed/`: every way to embed, live, with the snippets to copy.
pub async fn gallery(
    path: routes::EmbedGallery,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let head = Head::new(
        catalog(),
        &state.base_url,
        &path.to_string(),
        "Embed status codes in your docs — statusatlas".into(),
        "Script tag, custom elements, iframes, oEmbed and SVG badges for every status code and comparison.".into(),
    );
    let not_found = catalog()
        .resolve(crate::catalog::Protocol::Http, "404")
        .first()
        .copied()
        .ok_or_else(|| WebError::internal("the catalog has no HTTP 404"))?;
    let page = Gallery {
        head,
        base: state.base_url.clone(),
        iframe_height: Subject::Code(not_found).compact_height(WIDTH)?,
    };
    Ok(Cacheable::mark(path.to_string(), html(&page)?))
}
