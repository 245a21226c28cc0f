//! Every URL of the site, once. Each route is a typed path (axum-extra's
//! `TypedPath`): the same definition registers the route, is extracted by
//! its handler, and builds every link, canonical URL, sitemap entry, export
//! path, OpenAPI path and embed snippet. No other module writes a URL by hand
//! (a test greps `src/` for that), so a URL cannot change in one place and
//! stay stale in another.
//!
//! Captures are `String`s: resolving a capture to a protocol or a code is
//! the job of the extractors in `web::resolve`, which reject with the
//! suggestions a reader needs.

use super::error::WebError;
use crate::catalog::{Catalog, Entry, Kind, Protocol};
use crate::compare;
use axum_extra::routing::TypedPath;
use serde::{Deserialize, Serialize};

macro_rules! typed_paths {
    ($( $(#[$doc:meta])* $name:ident $path:literal { $($field:ident),* } )*) => {
        $(
            $(#[$doc])*
            #[derive(TypedPath, Deserialize, Debug, Clone, PartialEq, Eq)]
            #[typed_path($path, rejection(WebError))]
            pub struct $name { $(pub $field: String),* }
        )*
    };
}

macro_rules! static_paths {
    ($( $(#[$doc:meta])* $name:ident $path:literal )*) => {
        $(
            $(#[$doc])*
            #[derive(TypedPath, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
            #[typed_path($path)]
            pub struct $name;
        )*
    };
}

static_paths! {
    /// The home page.
    Home "/"
    /// The search page; its query is [`SearchQuery`].
    Search "/search"
    /// The compare picker's form target; its query is [`PickerQuery`].
    ComparePicker "/compare"
    /// The index of situations across protocols.
    Situations "/situations/"
    /// The embed gallery: every way to embed, live.
    EmbedGallery "/embed/"
    /// The script that renders widgets.
    EmbedJs "/embed.js"
    /// The sitemap (sitemaps.org 0.9).
    Sitemap "/sitemap.xml"
    /// robots.txt.
    Robots "/robots.txt"
    /// The site icon for clients that ask for it by its traditional name.
    Favicon "/favicon.ico"
    /// The oEmbed 1.0 provider; its query is [`OEmbedQuery`].
    OEmbed "/oembed"
    /// Every protocol with counts.
    ApiProtocols "/api/v1/protocols"
    /// Ranked search; its query is [`ApiSearchQuery`].
    ApiSearch "/api/v1/search"
    /// The whole catalog in one document.
    ApiCatalog "/api/v1/catalog.json"
    /// The OpenAPI 3.1 document.
    OpenApiJson "/api/openapi.json"
    /// The explain page: a form (GET) and its result (POST, field `text`).
    Explain "/explain"
    /// Explains a transcript sent as `text/plain` or JSON `{"text": ...}`.
    ApiExplain "/api/v1/explain"
    /// Live: any method; the request as received, as JSON.
    LiveEcho "/echo"
    /// Live: 401 until good credentials, then 403 (authenticated, not allowed).
    LiveAuthForbidden "/auth/forbidden"
    /// Live: a representation with ETag and Last-Modified for conditional requests.
    LiveCacheEtag "/cache/etag"
    /// Live: a request body, with `Expect: 100-continue` honoured; its query is [`UploadQuery`].
    LiveUpload "/upload"
    /// Live: content negotiation (406 on `Accept`, 415 on `Content-Type`).
    LiveNegotiate "/negotiate"
    /// The header glossary: every header field a code is defined with.
    HeadersIndex "/headers/"
    /// The first question of "Which code should I return?".
    Guide "/guide/"
    /// The header glossary as JSON.
    ApiHeaders "/api/v1/headers"
}

/// The API reference page is this path with a slash; the explorer
/// (Swagger UI) is mounted under it, at [`API_EXPLORER`].
pub const API_DOCS: &str = "/api/docs";

/// Where the API explorer (Swagger UI) is mounted.
pub const API_EXPLORER: &str = "/api/docs/explorer";

/// Everything under this prefix is the API (robots.txt keeps crawlers out).
pub const API: &str = "/api/";

/// The MCP server on Streamable HTTP.
pub const MCP: &str = "/mcp";

typed_paths! {
    /// `/http/`: the index of a protocol.
    ProtocolIndex "/{protocol}/" { protocol }
    /// `/http/4xx/`: the codes of one class.
    ClassIndex "/{protocol}/{class}/" { protocol, class }
    /// `/http/4xx/vendor/`: the codes of one class, registered or vendor
    /// codes only ([`Registration`]). `/http/vendor/` is a [`ClassIndex`]
    /// whose class is the registration word.
    FilteredIndex "/{protocol}/{class}/{registration}/" { protocol, class, registration }
    /// `/http/cheat-sheet`: every code of a protocol on one printable page.
    CheatSheet "/{protocol}/cheat-sheet" { protocol }
    /// `/headers/retry-after`: one header field of the glossary.
    HeaderPage "/headers/{name}" { name }
    /// `/guide/client-error`: one question of the decision guide.
    GuideStep "/guide/{step}" { step }
    /// `/guide/client-error/404`: where an answer of a step ends, with why.
    GuideOutcome "/guide/{step}/{code}" { step, code }
    /// `/http/407`, `/grpc/not-found`, `/smtp/5.7.1`: one code by code, id or name.
    CodePage "/{protocol}/{code}" { protocol, code }
    /// `/dns/ede/18`: Extended DNS Errors have a number space of their own.
    EdePage "/{protocol}/ede/{code}" { protocol, code }
    /// `/compare/http/101-vs-407`: two codes of one protocol.
    ComparePage "/compare/{protocol}/{pair}" { protocol, pair }
    /// `/compare/grpc/14-vs-http/503`: two codes of different protocols.
    CompareCrossPage "/compare/{protocol}/{pair}/{code}" { protocol, pair, code }
    /// `/situations/not-found`.
    Situation "/situations/{slug}" { slug }
    /// `/assets/site.css`.
    Asset "/assets/{file}" { file }
    /// The iframe page of a code.
    EmbedCode "/embed/{protocol}/{code}" { protocol, code }
    /// The iframe page of a comparison.
    EmbedCompare "/embed/compare/{protocol}/{pair}" { protocol, pair }
    /// The iframe page of a cross-protocol comparison.
    EmbedCompareCross "/embed/compare/{protocol}/{pair}/{code}" { protocol, pair, code }
    /// The card HTML a script widget fetches.
    FragmentCode "/embed/fragment/{protocol}/{code}" { protocol, code }
    /// The comparison HTML a script widget fetches.
    FragmentCompare "/embed/fragment/compare/{protocol}/{pair}" { protocol, pair }
    /// The cross-protocol comparison HTML a script widget fetches.
    FragmentCompareCross "/embed/fragment/compare/{protocol}/{pair}/{code}" { protocol, pair, code }
    /// `/badge/http/407.svg` and `/badge/http/407.json`.
    Badge "/badge/{protocol}/{file}" { protocol, file }
    /// `/status/418`, `/status/200:3,500:1`: the live endpoint.
    LiveStatus "/status/{codes}" { codes }
    /// Live: a redirect chain of one kind; its query is [`RedirectQuery`].
    LiveRedirect "/redirect/{code}" { code }
    /// Live: a redirect to itself, for clients' redirect limits.
    LiveRedirectLoop "/redirect/{code}/loop" { code }
    /// Live: HTTP Basic authentication with the credentials in the path.
    LiveAuthBasic "/auth/basic/{user}/{password}" { user, password }
    /// Live: Bearer token authentication with the token in the path.
    LiveAuthBearer "/auth/bearer/{token}" { token }
    /// Live: a representation of `bytes` bytes for range requests.
    LiveRange "/range/{bytes}" { bytes }
    /// Live: 429 or 503 with Retry-After until the wait is over; its query is [`RetryQuery`].
    LiveRetry "/retry/{code}" { code }
    /// Every code of a protocol.
    ApiCodes "/api/v1/{protocol}/codes" { protocol }
    /// One code with everything the catalog knows.
    ApiCode "/api/v1/{protocol}/codes/{code}" { protocol, code }
    /// Two codes of one protocol side by side.
    ApiCompare "/api/v1/compare/{protocol}/{pair}" { protocol, pair }
    /// Two codes of different protocols side by side.
    ApiCompareCross "/api/v1/compare/{protocol}/{pair}/{code}" { protocol, pair, code }
    /// Anything else under `/api/`: a JSON 404.
    ApiElsewhere "/api/{*rest}" { rest }
}

/// `?to=&n=` of a live redirect: where the chain ends (a path on this
/// site, default [`LiveEcho`]) and how many redirects lead there (1 to
/// `live::redirect::MAX_HOPS`, default 1).
#[derive(Deserialize, Serialize, Default, Debug, Clone)]
#[serde(default)]
pub struct RedirectQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
}

/// `?after=&id=` of a live retry: how many seconds the refusal lasts and
/// which flow it belongs to.
#[derive(Deserialize, Serialize, Default, Debug, Clone)]
#[serde(default)]
pub struct RetryQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// `?limit=` of a live upload: the largest body accepted, in bytes.
#[derive(Deserialize, Serialize, Default, Debug, Clone)]
#[serde(default)]
pub struct UploadQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// `?q=` of the search page.
/// `?q=&protocol=` of the search page: what to look for, and the protocol
/// to look in (every protocol when absent or empty; an unknown one is
/// refused with 400).
#[derive(Deserialize, Serialize, Default, Debug)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
}

/// `?protocol=&a=&b=&protocol_b=` of the compare picker: two codes of one
/// protocol, or with `protocol_b` a gRPC code and the HTTP status it maps to.
#[derive(Deserialize, Default, Debug)]
pub struct PickerQuery {
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub a: String,
    #[serde(default)]
    pub b: String,
    #[serde(default)]
    pub protocol_b: String,
}

/// The second filter of a protocol index: registered codes (the registry's,
/// or the protocol's own list) or vendor codes only.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Codes of the registry (or the protocol's own list).
    #[serde(rename = "registered")]
    Registered,
    /// Codes a vendor defined for its own products (nginx 444).
    #[serde(rename = "vendor")]
    Vendor,
}

impl Registration {
    pub const ALL: [Registration; 2] = [Registration::Registered, Registration::Vendor];

    /// The word of its URL segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Registered => "registered",
            Registration::Vendor => "vendor",
        }
    }

    /// The filter a URL segment names, if it names one.
    pub fn from_segment(s: &str) -> Option<Registration> {
        Registration::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether `e` passes the filter.
    pub fn admits(self, e: &Entry) -> bool {
        (e.status == crate::catalog::Status::Unofficial) == (self == Registration::Vendor)
    }
}

/// Words a query field accepts, one enum per field: each parses its
/// value (an unknown one is rejected with the group's 400) and writes it
/// back into links and cache keys.
macro_rules! query_words {
    ($( $(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $word:literal ),+ $(,)? } )*) => {$(
        $(#[$doc])*
        #[derive(Deserialize, Serialize, Clone, Copy, Debug, Default, PartialEq, Eq, utoipa::ToSchema)]
        pub enum $name {
            $( $(#[$vdoc])* #[serde(rename = $word)] $variant, )+
        }

        impl $name {
            /// Every value, the default first.
            pub const ALL: &[$name] = &[$( $name::$variant ),+];

            /// The word as written in a query string.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $word, )+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

query_words! {
    /// The colour scheme of an embedded card (`?theme=`); `auto` follows
    /// the reader's `prefers-color-scheme`.
    Theme { #[default] Auto = "auto", Light = "light", Dark = "dark", Sepia = "sepia" }
    /// The size of an embedded card (`?size=`). An iframe starts `compact`
    /// (summary, key facts, the decisive difference of a comparison and a
    /// link to the full page); `default` adds the explanation and the fixes;
    /// `large` is the full card.
    Size { #[default] Compact = "compact", Default = "default", Large = "large" }
    /// A badge style, as shields.io names them (`?style=`).
    BadgeStyle {
        #[default] Flat = "flat",
        FlatSquare = "flat-square",
        Plastic = "plastic",
        ForTheBadge = "for-the-badge",
        Social = "social",
    }
}

/// The format of an oEmbed answer (`?format=`, oEmbed 1.0 section 2.2).
/// Any other word is read as `Unsupported`, which the provider answers
/// with 501 as the specification asks, rather than with a 400.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OEmbedFormat {
    #[default]
    Json,
    Xml,
    #[serde(other, skip_serializing)]
    Unsupported,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// `?theme=&size=` of an iframe page. A value at its default is left out
/// of links and cache keys, so each look has one URL.
#[derive(Deserialize, Serialize, Default, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(default)]
pub struct LookQuery {
    #[serde(skip_serializing_if = "is_default")]
    pub theme: Theme,
    #[serde(skip_serializing_if = "is_default")]
    pub size: Size,
}

/// `?style=&label=` of a badge. The default style is left out of cache
/// keys; a label (at most 64 characters are drawn, control characters
/// dropped) is never part of one, since labelled badges are not cached.
#[derive(Deserialize, Serialize, Default, Debug)]
#[serde(default)]
pub struct BadgeQuery {
    #[serde(skip_serializing_if = "is_default")]
    pub style: BadgeStyle,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `?class=` of the API's code list: a class key such as `4xx` (HTTP, SIP)
/// or `5yz` (SMTP, FTP), in any case, read in lowercase. A well-formed class
/// the protocol does not have lists no codes; an empty or malformed value is
/// refused (the OpenAPI pattern says the same).
#[derive(Deserialize, Serialize, utoipa::IntoParams, Default, Debug)]
#[into_params(parameter_in = Query)]
pub struct CodesQuery {
    /// A class such as 4xx (HTTP, SIP) or 5yz (SMTP, FTP).
    #[serde(
        default,
        deserialize_with = "class_key",
        skip_serializing_if = "Option::is_none"
    )]
    #[param(pattern = "^[1-6]([xX][xX]|[yY][zZ])$", example = "4xx")]
    pub class: Option<String>,
}

/// A present `class` (even an empty one, which is refused, not absent).
fn class_key<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(d)?;
    let b = raw.as_bytes();
    let well_formed = b.len() == 3
        && (b'1'..=b'6').contains(&b[0])
        && (b[1..].eq_ignore_ascii_case(b"xx") || b[1..].eq_ignore_ascii_case(b"yz"));
    if well_formed {
        Ok(Some(raw.to_ascii_lowercase()))
    } else {
        Err(serde::de::Error::custom(
            "expected a class: a digit and xx (4xx) or yz (5yz)",
        ))
    }
}

/// `?url=&format=&maxwidth=&maxheight=` of the oEmbed provider (oEmbed 1.0
/// section 2.2): the page to embed, the answer's format, and the largest
/// iframe the consumer can show, in CSS pixels. Pages link it with `url`
/// and `format` only.
#[derive(Deserialize, Serialize, Default, Debug)]
#[serde(default)]
pub struct OEmbedQuery {
    pub url: String,
    pub format: OEmbedFormat,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxwidth: Option<std::num::NonZeroU32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxheight: Option<std::num::NonZeroU32>,
}

/// A path with its query string, built by serde in field order
/// (`/search?q=too+many`). A query that serialises to nothing leaves the
/// path bare. `path` is a typed path or a path one of this module's
/// functions built.
pub fn with_query(path: impl std::fmt::Display, query: &impl Serialize) -> String {
    match serde_html_form::to_string(query) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_string(),
    }
}

impl ApiCodes {
    pub fn of(p: Protocol) -> ApiCodes {
        ApiCodes {
            protocol: p.slug().into(),
        }
    }
}

impl ProtocolIndex {
    pub fn of(p: Protocol) -> ProtocolIndex {
        ProtocolIndex {
            protocol: p.slug().into(),
        }
    }
}

impl ClassIndex {
    pub fn of(p: Protocol, class: &str) -> ClassIndex {
        ClassIndex {
            protocol: p.slug().into(),
            class: class.into(),
        }
    }
}

/// A protocol index, filtered by class and by registration or not:
/// `/http/`, `/http/4xx/`, `/http/vendor/`, `/http/4xx/vendor/`.
pub fn index(p: Protocol, class: Option<&str>, registration: Option<Registration>) -> String {
    match (class, registration) {
        (None, None) => ProtocolIndex::of(p).to_string(),
        (Some(c), None) => ClassIndex::of(p, c).to_string(),
        (None, Some(r)) => ClassIndex::of(p, r.as_str()).to_string(),
        (Some(c), Some(r)) => FilteredIndex {
            protocol: p.slug().into(),
            class: c.into(),
            registration: r.as_str().into(),
        }
        .to_string(),
    }
}

impl CheatSheet {
    /// The cheat sheet of `p`.
    pub fn of(p: Protocol) -> CheatSheet {
        CheatSheet {
            protocol: p.slug().into(),
        }
    }
}

impl HeaderPage {
    /// The glossary page of `h`.
    pub fn of(h: &crate::catalog::HeaderField) -> HeaderPage {
        HeaderPage {
            name: h.slug.clone(),
        }
    }
}

/// The page of a guide step; the first step's is [`Guide`].
pub fn guide_step(id: &str) -> String {
    if id == crate::catalog::guide::START {
        Guide.to_string()
    } else {
        GuideStep { step: id.into() }.to_string()
    }
}

/// The page where an answer of step `step` ends at `code`.
pub fn guide_outcome(step: &str, code: &str) -> String {
    GuideOutcome {
        step: step.into(),
        code: code.into(),
    }
    .to_string()
}

/// Whether a protocol has both registered and vendor codes, so that the
/// registration filter means something.
pub fn has_vendor_codes(p: &crate::catalog::ProtocolCodes) -> bool {
    Registration::ALL
        .iter()
        .all(|r| p.entries.iter().any(|e| r.admits(e)))
}

/// Every filtered listing of a protocol that lists at least one code:
/// (class, registration) beyond the plain protocol and class indexes.
pub fn filtered_listings(p: &crate::catalog::ProtocolCodes) -> Vec<(Option<String>, Registration)> {
    if !has_vendor_codes(p) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for r in Registration::ALL {
        out.push((None, r));
        for c in classes(p) {
            let any = p
                .entries
                .iter()
                .any(|e| r.admits(e) && e.class.as_ref().is_some_and(|k| k.key == c));
            if any {
                out.push((Some(c.to_string()), r));
            }
        }
    }
    out
}

impl Situation {
    pub fn of(slug: &str) -> Situation {
        Situation { slug: slug.into() }
    }
}

impl Asset {
    pub fn of(file: &str) -> Asset {
        Asset { file: file.into() }
    }
}

/// The page of an entry: `/http/407`, `/smtp/5.7.1`, `/dns/ede/18`.
pub fn entry(e: &Entry) -> String {
    match (e.protocol, e.kind) {
        (Protocol::Dns, Some(Kind::Ede)) => EdePage {
            protocol: e.protocol.slug().into(),
            code: e.code.clone(),
        }
        .to_string(),
        _ => CodePage {
            protocol: e.protocol.slug().into(),
            code: e.id.clone(),
        }
        .to_string(),
    }
}

/// Where a code's class is explained: the class index, or for SMTP enhanced
/// codes read in a class, the class's own entry (5.X.X).
pub fn class_of(e: &Entry) -> Option<String> {
    let class = e.class.as_ref()?;
    Some(match e.kind {
        Some(Kind::Enhanced) => CodePage {
            protocol: e.protocol.slug().into(),
            code: class.key.clone(),
        }
        .to_string(),
        _ => ClassIndex::of(e.protocol, &class.key).to_string(),
    })
}

/// The surfaces a code or a comparison is served on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// The HTML page.
    Page,
    /// The JSON document.
    Api,
    /// The iframe page.
    Iframe,
    /// The HTML fragment for script widgets.
    Fragment,
}

/// A code on one surface, always by id (`/embed/dns/ede-18`; the page of an
/// Extended DNS Error is [`entry`]).
pub fn code_on(surface: Surface, e: &Entry) -> String {
    let (protocol, code) = (e.protocol.slug().to_string(), e.id.clone());
    match surface {
        Surface::Page => entry(e),
        Surface::Api => ApiCode { protocol, code }.to_string(),
        Surface::Iframe => EmbedCode { protocol, code }.to_string(),
        Surface::Fragment => FragmentCode { protocol, code }.to_string(),
    }
}

/// A comparison on one surface, in canonical order: `/compare/http/101-vs-407`,
/// `/compare/grpc/14-vs-http/503`.
pub fn comparison_on(surface: Surface, a: &Entry, b: &Entry) -> String {
    let (a, b) = compare::canonical_order(a, b);
    let protocol = a.protocol.slug().to_string();
    if a.protocol == b.protocol {
        let pair = format!("{}-vs-{}", a.id, b.id);
        match surface {
            Surface::Page => ComparePage { protocol, pair }.to_string(),
            Surface::Api => ApiCompare { protocol, pair }.to_string(),
            Surface::Iframe => EmbedCompare { protocol, pair }.to_string(),
            Surface::Fragment => FragmentCompare { protocol, pair }.to_string(),
        }
    } else {
        let pair = format!("{}-vs-{}", a.id, b.protocol.slug());
        let code = b.id.clone();
        match surface {
            Surface::Page => CompareCrossPage {
                protocol,
                pair,
                code,
            }
            .to_string(),
            Surface::Api => ApiCompareCross {
                protocol,
                pair,
                code,
            }
            .to_string(),
            Surface::Iframe => EmbedCompareCross {
                protocol,
                pair,
                code,
            }
            .to_string(),
            Surface::Fragment => FragmentCompareCross {
                protocol,
                pair,
                code,
            }
            .to_string(),
        }
    }
}

/// The page of a comparison.
pub fn comparison(a: &Entry, b: &Entry) -> String {
    comparison_on(Surface::Page, a, b)
}

/// The badge of an entry; `extension` is `svg` or `json`.
pub fn badge(e: &Entry, extension: &str) -> String {
    badge_path(e, extension).to_string()
}

/// The typed path of an entry's badge; `extension` is `svg` or `json`.
pub fn badge_path(e: &Entry, extension: &str) -> Badge {
    Badge {
        protocol: e.protocol.slug().into(),
        file: format!("{}.{extension}", e.id),
    }
}

/// The live endpoint for one HTTP code.
pub fn live(code: u16) -> String {
    LiveStatus {
        codes: code.to_string(),
    }
    .to_string()
}

/// The protocols and classes a listing route exists for.
fn classes(p: &crate::catalog::ProtocolCodes) -> Vec<&str> {
    let mut classes: Vec<&str> = p
        .entries
        .iter()
        .filter_map(|e| e.class.as_ref())
        .map(|c| c.key.as_str())
        .collect();
    classes.sort();
    classes.dedup();
    classes
}

/// Every comparison the site serves: each pair of codes of one protocol, and
/// the gRPC and HTTP codes that map onto each other.
pub fn comparisons(catalog: &Catalog) -> Vec<(&Entry, &Entry)> {
    let mut out = Vec::new();
    for p in catalog.protocols() {
        for (i, a) in p.entries.iter().enumerate() {
            for b in &p.entries[i + 1..] {
                out.push((a, b));
            }
        }
    }
    if let (Some(grpc), Some(http)) = (
        catalog.protocol(Protocol::Grpc),
        catalog.protocol(Protocol::Http),
    ) {
        for g in &grpc.entries {
            for h in &http.entries {
                if compare::cross_protocol_mapped(catalog, g, h) {
                    out.push((g, h));
                }
            }
        }
    }
    out
}

/// Every page path of the site, in a stable order: home, situations,
/// protocol, class and filtered indexes, cheat sheets, code pages, the
/// header glossary, the decision guide, then every comparison. The
/// sitemap lists exactly these.
pub fn pages(catalog: &Catalog) -> Vec<String> {
    let mut paths = vec![Home.to_string(), Situations.to_string()];
    paths.extend(
        catalog
            .situations()
            .iter()
            .map(|s| Situation::of(&s.slug).to_string()),
    );
    for p in catalog.protocols() {
        paths.push(ProtocolIndex::of(p.protocol).to_string());
        paths.extend(
            classes(p)
                .into_iter()
                .map(|c| ClassIndex::of(p.protocol, c).to_string()),
        );
        paths.extend(
            filtered_listings(p)
                .into_iter()
                .map(|(c, r)| index(p.protocol, c.as_deref(), Some(r))),
        );
        paths.push(CheatSheet::of(p.protocol).to_string());
        paths.extend(p.entries.iter().chain(&p.variants).map(entry));
    }
    paths.push(HeadersIndex.to_string());
    paths.extend(
        catalog
            .headers()
            .iter()
            .map(|h| HeaderPage::of(h).to_string()),
    );
    paths.extend(catalog.guide().iter().map(|s| guide_step(&s.id)));
    paths.extend(
        catalog
            .guide_outcomes()
            .into_iter()
            .filter_map(|(s, a)| Some(guide_outcome(&s.id, a.code.as_deref()?))),
    );
    paths.extend(
        comparisons(catalog)
            .into_iter()
            .map(|(a, b)| comparison(a, b)),
    );
    paths
}

/// Every path whose answer depends only on the data, in a stable order: what
/// the static export writes. `assets` are the file names under `/assets/`.
pub fn data_only(catalog: &Catalog, assets: &[&str]) -> Vec<String> {
    let mut paths = pages(catalog);
    paths.extend([
        EmbedGallery.to_string(),
        EmbedJs.to_string(),
        Sitemap.to_string(),
        Robots.to_string(),
        Favicon.to_string(),
        OpenApiJson.to_string(),
        ApiProtocols.to_string(),
        ApiCatalog.to_string(),
        ApiHeaders.to_string(),
    ]);
    paths.extend(assets.iter().map(|a| Asset::of(a).to_string()));
    for p in catalog.protocols() {
        paths.push(
            ApiCodes {
                protocol: p.protocol.slug().into(),
            }
            .to_string(),
        );
        for e in p.entries.iter().chain(&p.variants) {
            paths.push(code_on(Surface::Api, e));
            paths.push(code_on(Surface::Iframe, e));
            paths.push(code_on(Surface::Fragment, e));
            paths.push(badge(e, "svg"));
            paths.push(badge(e, "json"));
        }
    }
    for (a, b) in comparisons(catalog) {
        for surface in [Surface::Api, Surface::Iframe, Surface::Fragment] {
            paths.push(comparison_on(surface, a, b));
        }
    }
    paths
}
