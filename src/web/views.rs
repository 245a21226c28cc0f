//! View models: what the templates show, computed from catalog entries.
//! One card view serves the full page, the iframe page and the widgets.

use super::error::WebError;
use super::routes::{self, Surface};
use crate::catalog::protocol::smtp_subject;
use crate::catalog::{Catalog, Entry, Kind, Protocol, Status};
use crate::compare::{self, Comparison};
use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The `<head>` and header of every page.
pub struct Head {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub og_type: &'static str,
    pub json_ld: String,
    /// (type, href, title) alternate links such as oEmbed discovery.
    pub alternates: Vec<(String, String, String)>,
    pub query: String,
    pub nav: Vec<(&'static str, &'static str)>,
    pub section: &'static str,
}

impl Head {
    pub fn new(
        catalog: &Catalog,
        base: &str,
        path: &str,
        title: String,
        description: String,
    ) -> Head {
        Head {
            title,
            description,
            canonical: format!("{base}{path}"),
            og_type: "website",
            json_ld: String::new(),
            alternates: Vec::new(),
            query: String::new(),
            nav: catalog
                .protocols()
                .map(|p| (p.protocol.slug(), p.protocol.name()))
                .collect(),
            section: "",
        }
    }
}

/// Serialises JSON-LD so that it can sit inside a script element.
pub fn json_ld(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

pub struct Link {
    pub href: String,
    pub label: String,
    pub text: String,
}

/// The page of an entry (see `routes::entry`).
pub fn entry_href(e: &Entry) -> String {
    routes::entry(e)
}

/// Where a code's class is explained (see `routes::class_of`).
pub fn class_href(e: &Entry) -> Option<String> {
    routes::class_of(e)
}

/// (sort key, title) of the group an entry is listed under on index pages.
pub fn group_of(e: &Entry) -> (String, String) {
    if let Some(c) = &e.class {
        return (c.key.clone(), c.label());
    }
    match (e.protocol, e.kind) {
        (Protocol::Smtp, Some(Kind::EnhancedClass)) => {
            ("c".into(), "Enhanced status classes (RFC 3463)".into())
        }
        (Protocol::Smtp, Some(Kind::Enhanced)) => {
            let (subject, name) = smtp_subject(&e.code).unwrap_or(("?", "Other subjects"));
            (
                format!("e{subject}"),
                format!("Enhanced codes X.{subject}: {name}"),
            )
        }
        (Protocol::Dns, Some(Kind::Ede)) => ("2".into(), "Extended DNS Errors (RFC 8914)".into()),
        (Protocol::Dns, _) => ("1".into(), "RCODEs".into()),
        (Protocol::Websocket, _) if e.code.as_str() < "3000" => (
            "1".into(),
            "1000-2999: defined by RFC 6455 and the IANA registry".into(),
        ),
        (Protocol::Websocket, _) => (
            "3".into(),
            "3000-3999: registered for libraries, frameworks and applications".into(),
        ),
        (Protocol::Http, _) => ("z".into(), "Outside the registered classes".into()),
        (p, _) => ("0".into(), format!("{} {}s", p.name(), p.code_noun())),
    }
}

/// The page of a comparison, in canonical order.
pub fn compare_href(a: &Entry, b: &Entry) -> String {
    routes::comparison(a, b)
}

pub fn entry_link(e: &Entry) -> Link {
    Link {
        href: entry_href(e),
        label: e.title(),
        text: e.summary.clone(),
    }
}

/// A CSS class for the colour of a code, from its class where it has one:
/// vendor and out-of-range codes get a neutral colour, not one guessed from
/// the first digit.
pub fn tone(e: &Entry) -> String {
    match (&e.class, e.status) {
        (Some(c), s) if s != Status::Unofficial => format!("tone-{}", &c.key[..1]),
        (Some(c), _) => format!("tone-{} unofficial", &c.key[..1]),
        _ => "tone-n".to_string(),
    }
}

pub fn status_label(e: &Entry) -> String {
    match &e.vendor {
        Some(v) => format!("unofficial · {v}"),
        None => e.status.as_str().to_string(),
    }
}

pub struct Row {
    pub href: String,
    pub protocol: &'static str,
    pub code: String,
    pub phrase: String,
    pub summary: String,
    pub tone: String,
    /// Empty for plain standard codes, so lists stay quiet.
    pub status: String,
    pub status_class: &'static str,
}

pub fn row(e: &Entry) -> Row {
    Row {
        href: entry_href(e),
        protocol: e.protocol.name(),
        code: e.display_code(),
        phrase: e.phrase.clone(),
        summary: e.summary.clone(),
        tone: tone(e),
        status: if e.status == Status::Standard {
            String::new()
        } else {
            status_label(e)
        },
        status_class: e.status.as_str(),
    }
}

pub struct CardView {
    /// Prefix of every link: empty on the site, the public origin in embeds
    /// (whose links must not resolve against the embedding page).
    pub base: String,
    pub anchor: String,
    pub protocol: &'static str,
    pub protocol_name: &'static str,
    /// (label, href of the class index)
    pub class: Option<(String, String)>,
    pub code: String,
    pub phrase: String,
    /// The name people know the code by, shown before the registry phrase
    /// (`Entry::known_as`).
    pub known_as: Option<String>,
    pub status: &'static str,
    pub status_label: String,
    pub spec: Vec<(String, Option<String>)>,
    pub summary: String,
    pub description: String,
    pub when_you_see_it: String,
    pub fixes: Vec<(&'static str, String)>,
    pub facts: Vec<(&'static str, String)>,
    pub tone: String,
    /// What the class adds, for SMTP enhanced codes read in one class.
    pub class_note: Option<String>,
    /// (library label, every name with its versions, current first); filled
    /// for embeds only, since code pages show the fuller constants table.
    pub constants: Vec<(String, String)>,
    /// (label, href of the comparison, reason) of the codes this one is
    /// often confused with (see `compare::confusions`).
    pub confused: Vec<(String, String, String)>,
}

pub fn card(e: &Entry, base: &str) -> CardView {
    CardView {
        base: base.to_string(),
        anchor: e.id.replace('.', "-"),
        protocol: e.protocol.slug(),
        protocol_name: e.protocol.name(),
        class: e
            .class
            .as_ref()
            .zip(class_href(e))
            .map(|(c, href)| (c.label(), href)),
        class_note: e.class_note.clone(),
        code: e.code.clone(),
        phrase: e.phrase.clone(),
        known_as: e.known_as.clone(),
        status: e.status.as_str(),
        status_label: status_label(e),
        spec: e
            .spec
            .iter()
            .map(|s| (s.text.clone(), s.url.clone()))
            .collect(),
        summary: e.summary.clone(),
        description: e.description.clone(),
        when_you_see_it: e.when_you_see_it.clone(),
        fixes: fixes(e),
        facts: compare::entry_facts(e),
        tone: tone(e),
        constants: Vec::new(),
        confused: compare::confusions(crate::catalog::catalog(), e)
            .into_iter()
            .map(|c| (c.label, compare_href(e, c.other), c.reason))
            .collect(),
    }
}

/// The card with its constants section, as embeds show it: per library,
/// the current name first and the others with the releases they hold in.
pub fn card_with_constants(e: &Entry, base: &str) -> CardView {
    let mut view = card(e, base);
    view.constants = e
        .constants_detail
        .iter()
        .map(|c| (c.label.clone(), c.summary()))
        .collect();
    view
}

/// (audience, advice) rows of "How to fix it".
fn fixes(e: &Entry) -> Vec<(&'static str, String)> {
    e.how_to_fix
        .parts()
        .into_iter()
        .map(|(w, t)| (w, t.to_string()))
        .collect()
}

pub struct SideView {
    pub code: String,
    pub phrase: String,
    pub tone: String,
    pub href: String,
    pub summary: String,
    pub description: String,
    pub when_you_see_it: String,
    pub fixes: Vec<(&'static str, String)>,
}

/// One row of the side-by-side table of a comparison: an aspect, what each
/// code says to it, and whether the two differ (highlighted rows). Prose
/// rows (what it means, when you see it, how to fix it) always differ.
pub struct AcrossRow {
    pub aspect: String,
    pub a: String,
    pub b: String,
    pub differs: bool,
    /// A row of prose (meaning, when you see it, advice) rather than a
    /// fact; embeds of the default size leave these out.
    pub prose: bool,
}

pub struct ComparisonView {
    /// Prefix of every link (see `CardView::base`).
    pub base: String,
    pub protocol: &'static str,
    pub protocol_name: &'static str,
    pub a: SideView,
    pub b: SideView,
    pub overview: String,
    pub curated: Option<(String, String)>,
    /// Every aspect with both codes side by side, with the code page's labels.
    pub rows: Vec<AcrossRow>,
    pub facts: Vec<compare::FactRow>,
    pub guidance: Vec<String>,
}

fn side(e: &Entry) -> SideView {
    SideView {
        code: e.code.clone(),
        phrase: e.phrase.clone(),
        tone: tone(e),
        href: entry_href(e),
        summary: e.summary.clone(),
        description: e.description.clone(),
        when_you_see_it: e.when_you_see_it.clone(),
        fixes: fixes(e),
    }
}

/// Advice that a side does not give for an audience.
pub const NO_ADVICE: &str = "—";

/// The side-by-side rows: the one-line summary, the code card's prose
/// sections under the same headings, advice per audience, then the facts.
pub fn across_rows(a: &SideView, b: &SideView, facts: &[compare::FactRow]) -> Vec<AcrossRow> {
    let prose = |aspect: &str, x: &str, y: &str| AcrossRow {
        aspect: aspect.to_string(),
        a: x.to_string(),
        b: y.to_string(),
        differs: x != y,
        prose: true,
    };
    let mut rows = vec![
        prose("In one line", &a.summary, &b.summary),
        prose("What it means", &a.description, &b.description),
        prose("When you see it", &a.when_you_see_it, &b.when_you_see_it),
    ];
    for who in ["Client", "Server", "Operator"] {
        let advice = |s: &SideView| {
            s.fixes
                .iter()
                .find(|(w, _)| *w == who)
                .map_or(NO_ADVICE.to_string(), |(_, t)| t.clone())
        };
        let (x, y) = (advice(a), advice(b));
        if x != NO_ADVICE || y != NO_ADVICE {
            rows.push(prose(
                &format!("How to fix it: {}", who.to_lowercase()),
                &x,
                &y,
            ));
        }
    }
    rows.extend(facts.iter().map(|f| AcrossRow {
        aspect: f.fact.to_string(),
        a: f.a.clone(),
        b: f.b.clone(),
        differs: f.differs,
        prose: false,
    }));
    rows
}

pub fn comparison(c: &Comparison, base: &str) -> ComparisonView {
    let (a, b) = (side(c.a), side(c.b));
    ComparisonView {
        base: base.to_string(),
        protocol: c.a.protocol.slug(),
        protocol_name: c.a.protocol.name(),
        rows: across_rows(&a, &b, &c.facts),
        a,
        b,
        overview: c.overview.clone(),
        curated: c.curated.map(|p| (p.difference.clone(), p.rule.clone())),
        facts: c.facts.clone(),
        guidance: c.guidance.clone(),
    }
}

/// One row of a code page's constants table.
pub struct ConstantRow {
    /// "Java Spring HttpStatus".
    pub label: String,
    /// "Spring Framework 5.3 – 7.0.9": the library and the releases covered.
    pub library: String,
    /// The name to use with the newest covered release.
    pub name: String,
    /// Its range and marks ("≥ 7.0"), empty when it holds throughout.
    pub note: String,
    /// Older or newer names with their notes: "PAYLOAD_TOO_LARGE (deprecated in 7.0)".
    pub others: Vec<String>,
}

/// The constants table of a code page: current name first, then the others
/// with the versions they hold in, per ecosystem in display order.
pub fn constants(e: &Entry) -> Vec<ConstantRow> {
    e.constants_detail
        .iter()
        .map(|c| ConstantRow {
            label: c.label.clone(),
            library: if c.versions.is_empty() {
                c.library.clone()
            } else {
                format!("{} {}", c.library, c.versions)
            },
            name: c.current().name.clone(),
            note: c.current().note.clone(),
            others: c.names[1..].iter().map(|n| n.display()).collect(),
        })
        .collect()
}

/// Breadcrumbs: (label, href); the current page has an empty href.
pub type Crumbs = Vec<(String, String)>;

pub fn crumbs_for(e: &Entry) -> Crumbs {
    let mut c = vec![("Home".to_string(), routes::Home.to_string())];
    c.push((
        e.protocol.name().to_string(),
        routes::ProtocolIndex::of(e.protocol).to_string(),
    ));
    if let (Some(class), Some(href)) = (&e.class, class_href(e)) {
        c.push((class.key.clone(), href));
    }
    c.push((e.code.clone(), String::new()));
    c
}

#[derive(Template)]
#[template(path = "code.html")]
pub struct CodePage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub card: CardView,
    pub id: String,
    pub example: Option<crate::catalog::Example>,
    pub constants: Vec<ConstantRow>,
    pub related: Vec<Link>,
    pub comparisons: Vec<Link>,
    pub elsewhere: Vec<Link>,
    pub meanings: Vec<Link>,
    pub picker: Vec<(String, String)>,
    /// Links across protocols and kinds; a link's `text` holds the href of
    /// the comparison when the two codes can be compared.
    pub relations: Vec<(String, Vec<Link>)>,
    /// "The same situation in other protocols" pages this code is part of.
    pub situations: Vec<Link>,
    pub embed: Snippets,
    /// `curl -i BASE/status/407`, for HTTP codes the live endpoint can send.
    pub live: Option<String>,
    /// (caption, grpcurl command) pairs for gRPC codes, when the live gRPC
    /// service listens (`serve --grpc-addr`).
    pub grpc_live: Vec<(String, String)>,
    /// The `dig`, `swaks`, `curl` or `sipsak` command for DNS, SMTP, FTP and SIP codes, when that
    /// protocol's listener runs.
    pub listener: Option<crate::listeners::TryIt>,
    /// The live flows that show this code at work (`live::flows`), as
    /// curl commands against the live origin.
    pub flows: Vec<crate::web::live::flows::Step>,
    /// The glossary entries of the headers the code is defined with.
    pub headers: Vec<Link>,
}

#[derive(Template)]
#[template(path = "compare.html")]
pub struct ComparePage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub cmp: ComparisonView,
    pub embed: Snippets,
    /// The form that changes either code.
    pub change: ChangePicker,
}

/// The form on a comparison page that swaps either code: two lists with
/// the current codes selected, sent to the compare picker, which redirects
/// to the canonical comparison.
pub struct ChangePicker {
    pub action: String,
    pub protocol: &'static str,
    /// Set for comparisons across protocols (the second code's protocol).
    pub protocol_b: &'static str,
    pub label_a: String,
    pub label_b: String,
    /// (id, label, selected)
    pub a: Vec<(String, String, bool)>,
    pub b: Vec<(String, String, bool)>,
}

/// The codes of `e`'s protocol with `e` selected, labelled so that no two
/// read alike (see [`picker_label`]).
pub fn picker_options(catalog: &Catalog, e: &Entry) -> Vec<(String, String, bool)> {
    catalog
        .protocol(e.protocol)
        .map(|p| {
            p.entries
                .iter()
                .map(|o| (o.id.clone(), picker_label(o), o.id == e.id))
                .collect()
        })
        .unwrap_or_default()
}

/// How a code reads in a list of codes: its title, and for DNS the number
/// space and the registry's long name ("RCODE 0 NoError (No Error)", "EDE 0
/// Other Error"), so that no two entries of one list read alike (RCODE 9
/// has two registered meanings, both called NotAuth).
pub fn picker_label(e: &Entry) -> String {
    match (e.protocol, e.kind, &e.long_name) {
        (Protocol::Dns, Some(Kind::Ede), _) => e.title(),
        (Protocol::Dns, _, Some(long)) => format!("RCODE {} ({long})", e.title()),
        (Protocol::Dns, _, None) => format!("RCODE {}", e.title()),
        _ => e.title(),
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub head: Head,
    pub protocol_names: String,
    pub protocols: Vec<Link>,
    pub popular: Vec<Row>,
    pub pairs: Vec<Link>,
    pub situations: Vec<Link>,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub head: Head,
    pub heading: String,
    pub query: String,
    /// Whether a query was given (an empty one shows how to search).
    pub searched: bool,
    pub summary: String,
    pub did_you_mean: Option<(String, String)>,
    /// (slug, name, selected) of the protocol filter.
    pub protocols: Vec<(&'static str, &'static str, bool)>,
    /// The JSON API the page's script asks as the reader types.
    pub api: String,
    /// Example searches: (search link, the query, what it shows).
    pub examples: Vec<Link>,
    /// Where to go when a search finds nothing.
    pub explain: String,
    pub guide: String,
    pub results: Vec<SearchRow>,
}

/// A search result: the code's row and why it matched.
pub struct SearchRow {
    pub row: Row,
    pub why: &'static str,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub head: Head,
    pub status: u16,
    pub heading: String,
    pub message: String,
    pub suggestions: Vec<Link>,
}

/// Codes of the protocol to offer in the compare picker, the entry itself left out.
pub fn picker(catalog: &Catalog, e: &Entry) -> Vec<(String, String)> {
    catalog
        .protocol(e.protocol)
        .map(|p| {
            p.entries
                .iter()
                .filter(|o| o.id != e.id)
                .map(|o| (o.id.clone(), picker_label(o)))
                .collect()
        })
        .unwrap_or_default()
}

/// The protocol's description for index pages.
pub fn protocol_intro(p: Protocol, count: usize) -> String {
    let noun = p.code_noun();
    match p {
        Protocol::Http => format!(
            "All {count} HTTP {noun}s: every code in the IANA registry with its RFC 9110 name, plus well-known vendor codes (nginx, Cloudflare, AWS and others), marked as unofficial."
        ),
        Protocol::Smtp => format!(
            "All {count} SMTP codes: the basic reply codes of RFC 5321 and its extensions, and the enhanced status codes of RFC 3463 in the IANA registry."
        ),
        Protocol::Grpc => format!(
            "All {count} gRPC {noun}s, with who generates each one and the HTTP status it maps to."
        ),
        Protocol::Websocket => format!(
            "All {count} registered WebSocket {noun}s, including those that may never be sent on the wire."
        ),
        Protocol::Ftp => {
            format!("All {count} FTP {noun}s of RFC 959 and its security and IPv6 extensions.")
        }
        Protocol::Sip => format!("All {count} SIP {noun}s in the IANA registry."),
        Protocol::Dns => {
            format!("All {count} DNS RCODEs and Extended DNS Errors in the IANA registries.")
        }
    }
}

pub struct SituationRow {
    pub protocol: &'static str,
    pub href: String,
    pub code: String,
    pub phrase: String,
    pub note: String,
    pub tone: String,
}

pub struct SituationView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub rows: Vec<SituationRow>,
}

pub fn situation(catalog: &Catalog, s: &crate::catalog::Situation) -> SituationView {
    SituationView {
        slug: s.slug.clone(),
        title: s.title.clone(),
        summary: s.summary.clone(),
        rows: s
            .members
            .iter()
            .filter_map(|m| {
                let e = catalog.get(m.protocol, &m.id)?;
                Some(SituationRow {
                    protocol: e.protocol.name(),
                    href: entry_href(e),
                    code: e.code.clone(),
                    phrase: e.phrase.clone(),
                    note: m.note.clone(),
                    tone: tone(e),
                })
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "situation.html")]
pub struct SituationPage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub heading: String,
    pub intro: String,
    pub situations: Vec<SituationView>,
}

/// The iframe width every snippet and oEmbed answer starts from; the
/// height is the compact card's (see `card_height`).
pub const WIDTH: u32 = 420;

/// What the iframe snippets say about the iframe.
const IFRAME_NOTE: &str = "Works anywhere HTML is allowed, with no script on your page. It opens compact (summary, key facts and a link to the full page) at the card's height; add ?size=large for the full card. With embed.js on the page the iframe follows the card's exact height.";

/// The copy-paste snippets of the five ways, for a code or a comparison page.
pub struct Snippets {
    pub what: &'static str,
    /// (title, explanation, snippet)
    pub snippets: Vec<(&'static str, &'static str, String)>,
}

pub fn snippets_for_code(base: &str, e: &Entry) -> Snippets {
    let js = routes::EmbedJs;
    let p = e.protocol.slug();
    let title = format!("{} {}", e.label(), e.phrase);
    let page = format!("{base}{}", entry_href(e));
    let badge = format!("{base}{}", routes::badge(e, "svg"));
    Snippets {
        what: "code",
        snippets: vec![
            (
                "Script tag",
                "A placeholder element with data attributes, and the script once per page. The card renders in a shadow root, when it scrolls near the viewport.",
                format!(
                    "<div data-statusatlas=\"code\" data-protocol=\"{p}\" data-code=\"{}\" data-theme=\"auto\"></div>\n<script src=\"{base}{js}\" async></script>",
                    e.id
                ),
            ),
            (
                "Custom element",
                "The same script defines native elements; changing an attribute re-renders the card.",
                format!(
                    "<statusatlas-code protocol=\"{p}\" code=\"{}\"></statusatlas-code>\n<script src=\"{base}{js}\" async></script>",
                    e.id
                ),
            ),
            (
                "Iframe",
                IFRAME_NOTE,
                iframe_html(
                    &format!("{base}{}", routes::code_on(Surface::Iframe, e)),
                    WIDTH,
                    super::card_height::code(&card(e, base), WIDTH),
                    &title,
                ),
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
    let js = routes::EmbedJs;
    let p = a.protocol.slug();
    let path = compare_href(a, b);
    let compared = compare::compare(crate::catalog::catalog(), a, b).ok();
    let title = compared
        .as_ref()
        .map(|c| c.title.clone())
        .unwrap_or_default();
    let height = compared.as_ref().map_or(WIDTH, |c| {
        super::card_height::comparison(&comparison(c, base), WIDTH)
    });
    let badge = format!("{base}{}", routes::badge(a, "svg"));
    let badge_b = format!("{base}{}", routes::badge(b, "svg"));
    Snippets {
        what: "comparison",
        snippets: vec![
            (
                "Script tag",
                "A placeholder element with data attributes, and the script once per page. The comparison renders in a shadow root, when it scrolls near the viewport.",
                format!(
                    "<div data-statusatlas=\"compare\" data-protocol=\"{p}\" data-a=\"{}\" data-b=\"{}\" data-theme=\"auto\"></div>\n<script src=\"{base}{js}\" async></script>",
                    a.id, b.id
                ),
            ),
            (
                "Custom element",
                "The same script defines native elements; changing an attribute re-renders the comparison.",
                format!(
                    "<statusatlas-compare protocol=\"{p}\" a=\"{}\" b=\"{}\"></statusatlas-compare>\n<script src=\"{base}{js}\" async></script>",
                    a.id, b.id
                ),
            ),
            (
                "Iframe",
                IFRAME_NOTE,
                iframe_html(
                    &format!("{base}{}", routes::comparison_on(Surface::Iframe, a, b)),
                    WIDTH,
                    height,
                    &title,
                ),
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
                    "[![{} {}]({badge})]({base}{})\n[![{} {}]({badge_b})]({base}{})",
                    a.label(),
                    a.phrase,
                    entry_href(a),
                    b.label(),
                    b.phrase,
                    entry_href(b)
                ),
            ),
        ],
    }
}

pub fn iframe_html(src: &str, width: u32, height: u32, title: &str) -> String {
    format!(
        "<iframe src=\"{src}\" width=\"{width}\" height=\"{height}\" style=\"border:0;border-radius:10px;max-width:100%\" loading=\"lazy\" title=\"{}\"></iframe>",
        attr_escape(title)
    )
}

pub fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// oEmbed discovery links for a page.
pub fn discovery(head: &mut Head, base: &str, path: &str, title: &str) {
    let url = format!("{base}{path}");
    for (kind, format) in [
        ("application/json+oembed", routes::OEmbedFormat::Json),
        ("text/xml+oembed", routes::OEmbedFormat::Xml),
    ] {
        let link = routes::OEmbedQuery {
            url: url.clone(),
            format,
            ..Default::default()
        };
        head.alternates.push((
            kind.into(),
            format!("{base}{}", routes::with_query(routes::OEmbed, &link)),
            title.to_string(),
        ));
    }
}

const HTML: &str = "text/html; charset=utf-8";

/// Renders a page template into an HTML response.
pub fn html(template: &impl Template) -> Result<Response, WebError> {
    template
        .render()
        .map(|body| {
            (
                [(header::CONTENT_TYPE, HeaderValue::from_static(HTML))],
                body,
            )
                .into_response()
        })
        .map_err(|e| WebError::internal(format!("could not render the page: {e}")))
}

/// The explain page: the form, and the answer or what is wrong with the text.
#[derive(Template)]
#[template(path = "explain.html")]
pub struct ExplainPage {
    pub head: Head,
    /// Where the form posts.
    pub action: String,
    /// The input limit in words ("1 MiB").
    pub limit: String,
    /// The submitted text, shown again in the form (escaped).
    pub text: String,
    pub error: Option<String>,
    pub findings: Vec<ExplainFinding>,
    pub summary: Option<ExplainSummary>,
}

/// One finding as the explain page shows it.
pub struct ExplainFinding {
    pub line: usize,
    pub text: String,
    pub protocol: &'static str,
    /// "HTTP 407", "DNS NXDOMAIN (RCODE 3)".
    pub label: String,
    pub code: String,
    pub phrase: String,
    pub meaning: String,
    pub link: Option<String>,
    pub hop: Option<String>,
}

impl ExplainFinding {
    pub fn of(f: &crate::explain::Finding) -> ExplainFinding {
        ExplainFinding {
            line: f.line,
            text: f.text.clone(),
            protocol: f.protocol.name(),
            label: crate::explain::finding_label(f),
            code: f.code.clone(),
            phrase: f
                .phrase
                .clone()
                .unwrap_or_else(|| "(not in the catalog)".into()),
            meaning: f.meaning.clone().unwrap_or_default(),
            link: f.link.clone(),
            hop: f.hop.clone(),
        }
    }
}

/// The diagnosis as the explain page shows it.
pub struct ExplainSummary {
    pub count: usize,
    /// "HTTP 200 OK (line 12)", when a code was found.
    pub outcome: Option<String>,
    /// Success, transient failure, permanent failure...
    pub verdict: Option<&'static str>,
    pub hop: Option<String>,
    pub advice: Option<String>,
    pub earlier: Vec<String>,
    pub diagnosis: String,
}

impl ExplainSummary {
    pub fn of(s: &crate::explain::Summary) -> ExplainSummary {
        ExplainSummary {
            count: s.count,
            outcome: s.outcome.as_ref().map(|o| {
                let phrase = o.phrase.as_deref().unwrap_or("");
                format!(
                    "{} {} {} (line {})",
                    o.protocol.name(),
                    o.code,
                    phrase,
                    o.line
                )
                .replace("  ", " ")
            }),
            verdict: s.outcome.as_ref().map(|o| o.verdict.label()),
            hop: s.outcome.as_ref().and_then(|o| o.hop.clone()),
            advice: s.outcome.as_ref().and_then(|o| o.advice.clone()),
            earlier: s.earlier_failures.clone(),
            diagnosis: s.diagnosis.clone(),
        }
    }
}
