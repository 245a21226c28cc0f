//! Two codes side by side: the facts that tell them apart, and guidance on
//! when each applies, generated from the catalog's structured facts rather
//! than by gluing prose fragments together (which is how "when when" happens).
//! Every sentence here comes from a fixed template whose inserted parts are
//! codes, phrases and fixed labels; the test suite lints every pair.

use crate::catalog::{Catalog, Entry, Kind, Pair, Protocol, Status, article_for};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Comparison<'a> {
    pub a: &'a Entry,
    pub b: &'a Entry,
    /// "HTTP 101 Switching Protocols vs 407 Proxy Authentication Required"
    pub title: String,
    /// Class and category wording for both codes in one sentence.
    pub overview: String,
    /// The facts side by side: rows where the two differ or where sameness matters.
    pub facts: Vec<FactRow>,
    /// "When to use which", one sentence per point.
    pub guidance: Vec<String>,
    /// The curated note, for the pairs people really confuse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curated: Option<&'a Pair>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FactRow {
    pub fact: &'static str,
    pub a: String,
    pub b: String,
    pub differs: bool,
}

/// Why two codes cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompareError {
    SameCode,
    NoMapping,
}

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompareError::SameCode => f.write_str("a code cannot be compared with itself"),
            CompareError::NoMapping => {
                f.write_str("these protocols have no mapping between the two codes")
            }
        }
    }
}

/// Orders two entries the canonical way: by protocol name, then by code number.
pub fn canonical_order<'a>(a: &'a Entry, b: &'a Entry) -> (&'a Entry, &'a Entry) {
    // Across protocols the order is alphabetical (grpc before http), so that
    // the URL reads /compare/grpc/14-vs-http/503.
    let key = |e: &Entry| {
        (
            e.protocol.slug(),
            e.code.parse::<u64>().unwrap_or(u64::MAX),
            e.id.clone(),
        )
    };
    if key(a) <= key(b) { (a, b) } else { (b, a) }
}

/// Whether two entries of different protocols map onto each other (a gRPC
/// code and the HTTP status of its documented mapping).
pub fn cross_protocol_mapped(catalog: &Catalog, a: &Entry, b: &Entry) -> bool {
    let mapped = |g: &Entry, h: &Entry| {
        g.protocol == Protocol::Grpc
            && h.protocol == Protocol::Http
            && g.http_mapping.is_some_and(|m| m.to_string() == h.code)
            && crate::relations::is_primary(catalog, h)
    };
    mapped(a, b) || mapped(b, a)
}

/// Compares two entries in the order given (call `canonical_order` first for
/// the canonical page).
pub fn compare<'a>(
    catalog: &'a Catalog,
    a: &'a Entry,
    b: &'a Entry,
) -> Result<Comparison<'a>, CompareError> {
    if a.protocol == b.protocol && a.id == b.id {
        return Err(CompareError::SameCode);
    }
    if a.protocol != b.protocol && !cross_protocol_mapped(catalog, a, b) {
        return Err(CompareError::NoMapping);
    }
    let title = if a.protocol == b.protocol {
        format!("{} {} vs {}", a.protocol.name(), a.title(), b.title())
    } else {
        format!(
            "{} {} vs {} {}",
            a.protocol.name(),
            a.title(),
            b.protocol.name(),
            b.title()
        )
    };
    Ok(Comparison {
        a,
        b,
        title,
        overview: overview(a, b),
        facts: facts(a, b),
        guidance: guidance(a, b),
        curated: catalog.pair(a, b),
    })
}

/// How a code is named inside a sentence: "407 (Proxy Authentication
/// Required)", with the protocol when the two codes' protocols differ.
fn named(e: &Entry, other: &Entry) -> String {
    let code = if e.protocol == other.protocol {
        e.code.clone()
    } else {
        e.label()
    };
    // Registry texts of SMTP and FTP are whole sentences; in parentheses
    // inside a sentence they would read badly, so those go by number alone.
    if e.phrase.is_empty() || e.phrase.len() > 48 || e.phrase.contains(['(', '.', ';']) {
        code
    } else {
        format!("{code} ({})", e.phrase)
    }
}

/// The code alone, or with its protocol when the protocols differ.
fn short(e: &Entry, other: &Entry) -> String {
    if e.protocol == other.protocol {
        e.code.clone()
    } else {
        e.label()
    }
}

fn overview(a: &Entry, b: &Entry) -> String {
    let (ca, cb) = (a.category_phrase(), b.category_phrase());
    if ca == cb {
        let plural = match &a.class {
            Some(c) if a.status != Status::Unofficial => {
                format!("{} {}s", c.label(), noun(a))
            }
            _ => format!("{} {}s", a.protocol.name(), a.protocol.code_noun()),
        };
        format!("Both {} and {} are {plural}.", named(a, b), named(b, a))
    } else {
        format!("{} is {ca}, while {} is {cb}.", named(a, b), named(b, a))
    }
}

fn noun(e: &Entry) -> &'static str {
    match e.protocol {
        Protocol::Smtp | Protocol::Ftp => "reply",
        _ => "response",
    }
}

fn yes_no(v: bool) -> String {
    if v { "yes".into() } else { "no".into() }
}

fn senders(e: &Entry) -> String {
    if e.sent_by.is_empty() {
        return "not stated".into();
    }
    e.sent_by
        .iter()
        .map(|s| s.label(e.protocol))
        .collect::<Vec<_>>()
        .join(", ")
}

fn class_text(e: &Entry) -> String {
    match &e.class {
        Some(c) => c.label(),
        None if e.protocol == Protocol::Http => "outside the registered classes".into(),
        None => match e.kind {
            Some(k) => k.label().into(),
            None => format!("{} {}", e.protocol.name(), e.protocol.code_noun()),
        },
    }
}

fn registry_text(e: &Entry) -> String {
    match (&e.vendor, e.status) {
        (Some(v), _) => format!("unofficial ({v})"),
        (None, s) => s.as_str().to_string(),
    }
}

fn headers_text(e: &Entry) -> String {
    if e.headers.is_empty() {
        "none".into()
    } else {
        e.headers.join(", ")
    }
}

/// Whether the outcome is final, transient or progress, for protocols whose
/// classes say so; an SMTP enhanced status class (5.X.X) reads as its digit.
fn outcome(e: &Entry) -> Option<&'static str> {
    let def = match e.kind {
        Some(Kind::EnhancedClass) => e.protocol.class_def(e.code.chars().next()?),
        _ => e.class_def(),
    };
    def?.finality
}

fn facts(a: &Entry, b: &Entry) -> Vec<FactRow> {
    let mut rows = Vec::new();
    // (fact, a, b, shown even when equal)
    let mut push = |fact: &'static str, va: String, vb: String, always: bool| {
        let differs = va != vb;
        if differs || always {
            rows.push(FactRow {
                fact,
                a: va,
                b: vb,
                differs,
            });
        }
    };
    if a.protocol != b.protocol {
        push(
            "Protocol",
            a.protocol.name().into(),
            b.protocol.name().into(),
            true,
        );
    }
    push("Class", class_text(a), class_text(b), true);
    if let (Some(oa), Some(ob)) = (outcome(a), outcome(b)) {
        push("Outcome", oa.into(), ob.into(), true);
    }
    push("Registry status", registry_text(a), registry_text(b), false);
    push("Who sends it", senders(a), senders(b), false);
    if !(a.headers.is_empty() && b.headers.is_empty()) {
        push(
            "Headers it is defined with",
            headers_text(a),
            headers_text(b),
            false,
        );
    }
    if let (Some(x), Some(y)) = (a.body_allowed(), b.body_allowed()) {
        push("Body allowed", yes_no(x), yes_no(y), false);
    }
    if let (Some(x), Some(y)) = (a.cacheable, b.cacheable) {
        push("Cacheable by default", yes_no(x), yes_no(y), false);
    }
    if a.method_preserved.is_some() || b.method_preserved.is_some() {
        push(
            "Method kept on redirect",
            method_text(a),
            method_text(b),
            true,
        );
    }
    if a.sendable.is_some() || b.sendable.is_some() {
        push(
            "May be sent in a Close frame",
            sendable_text(a),
            sendable_text(b),
            true,
        );
    }
    if a.http_mapping.is_some() || b.http_mapping.is_some() {
        let text = |e: &Entry| match (e.http_mapping, e.protocol) {
            (Some(m), _) => format!("HTTP {m}"),
            (None, Protocol::Http) => format!("HTTP {}", e.code),
            (None, _) => "none".to_string(),
        };
        push("HTTP status", text(a), text(b), false);
    }
    push(
        "What the client should do",
        cap(a.retry.label()),
        cap(b.retry.label()),
        true,
    );
    push(
        "Specification",
        a.reference.clone(),
        b.reference.clone(),
        true,
    );
    rows
}

fn method_text(e: &Entry) -> String {
    match e.method_preserved {
        Some(true) => "yes".into(),
        Some(false) => "no: POST may become GET".into(),
        None => "not a redirect".into(),
    }
}

fn sendable_text(e: &Entry) -> String {
    match e.sendable {
        Some(true) => "yes".into(),
        Some(false) => "no: reported locally only".into(),
        None => "not applicable".into(),
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What a class means, as the object of "signals ...".
fn class_meaning(e: &Entry) -> Option<&'static str> {
    e.class_def()?.meaning
}

fn guidance(a: &Entry, b: &Entry) -> Vec<String> {
    let mut out = Vec::new();
    let (sa, sb) = (short(a, b), short(b, a));
    for (e, s) in [(a, &sa), (b, &sb)] {
        out.push(format!("{s} in one line: {}", e.summary));
    }
    if let (Some(ma), Some(mb)) = (class_meaning(a), class_meaning(b))
        && ma != mb
    {
        out.push(format!("{sa} signals {ma}, whereas {sb} signals {mb}."));
    }
    if a.sent_by != b.sent_by && !a.sent_by.is_empty() && !b.sent_by.is_empty() {
        let first = |e: &Entry| e.sent_by[0].label(e.protocol);
        let (fa, fb) = (first(a), first(b));
        if fa != fb {
            out.push(format!(
                "{sa} typically comes from {}, while {sb} typically comes from {}.",
                with_article(fa),
                with_article(fb)
            ));
        }
    }
    if a.retry == b.retry {
        out.push(format!(
            "After either code the client should {}.",
            a.retry.advice()
        ));
    } else {
        out.push(format!(
            "After {sa} the client should {}; after {sb} it should {}.",
            a.retry.advice(),
            b.retry.advice()
        ));
    }
    for (e, s) in [(a, &sa), (b, &sb)] {
        if !e.headers.is_empty() && e.headers != other(e, a, b).headers {
            let list = join_and(&e.headers);
            out.push(format!(
                "{} {s} response is defined with {list}, so look for {} there.",
                cap(article_for(s)),
                if e.headers.len() == 1 {
                    "that header"
                } else {
                    "those headers"
                }
            ));
        }
    }
    if let (Some(x), Some(y)) = (a.cacheable, b.cacheable)
        && x != y
    {
        let (yes, no) = if x { (&sa, &sb) } else { (&sb, &sa) };
        out.push(format!(
            "Caches may store {yes} without explicit freshness information, but not {no}."
        ));
    }
    if let (Some(x), Some(y)) = (a.method_preserved, b.method_preserved)
        && x != y
    {
        let (keeps, changes) = if x { (&sa, &sb) } else { (&sb, &sa) };
        out.push(format!(
            "Clients following {keeps} repeat the same method and body, while after {changes} they may switch POST to GET: choose {keeps} when the method matters."
        ));
    }
    for (e, s, o) in [(a, &sa, b), (b, &sb, a)] {
        if e.status == Status::Unofficial && o.status != Status::Unofficial {
            out.push(format!(
                "{s} is not registered, so generic clients treat it by its class alone; prefer the registered {} in anything you build.",
                short(o, e)
            ));
        }
        if e.status == Status::Deprecated && o.status != Status::Deprecated {
            out.push(format!(
                "{s} is deprecated: new software should not send it."
            ));
        }
    }
    out
}

fn other<'a>(e: &Entry, a: &'a Entry, b: &'a Entry) -> &'a Entry {
    if std::ptr::eq(e, a) { b } else { a }
}

fn with_article(label: &str) -> String {
    if label.starts_with("the ") || label.starts_with("a ") {
        label.to_string()
    } else {
        format!("{} {label}", article_for(label))
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The facts of one entry as (label, value) rows, for its card. The labels
/// and wording are the same as in comparisons.
pub fn entry_facts(e: &Entry) -> Vec<(&'static str, String)> {
    let mut rows = vec![("Class", class_text(e))];
    if let Some(o) = outcome(e) {
        rows.push(("Outcome", o.to_string()));
    }
    rows.push(("Registry status", registry_text(e)));
    if !e.sent_by.is_empty() {
        rows.push(("Who sends it", senders(e)));
    }
    if e.protocol == Protocol::Http || !e.headers.is_empty() {
        rows.push(("Headers it is defined with", headers_text(e)));
    }
    if let Some(b) = e.body_allowed() {
        rows.push(("Body allowed", yes_no(b)));
    }
    if let Some(c) = e.cacheable {
        rows.push(("Cacheable by default", yes_no(c)));
    }
    if e.method_preserved.is_some() {
        rows.push(("Method kept on redirect", method_text(e)));
    }
    if e.sendable.is_some() {
        rows.push(("May be sent in a Close frame", sendable_text(e)));
    }
    if let Some(m) = e.http_mapping {
        rows.push(("HTTP status", format!("HTTP {m}")));
    }
    if let Some(n) = &e.long_name {
        rows.push(("Registry description", n.clone()));
    }
    if let Some(b) = &e.basic_codes {
        rows.push(("Basic reply codes", b.clone()));
    }
    rows.push(("What the client should do", cap(e.retry.label())));
    rows
}

/// How a code is named in the label of a pair: gRPC codes and DNS RCODEs
/// by name (`UNAVAILABLE`, `NXDomain`), since their numbers are not what
/// people say; Extended DNS Errors as `EDE 18`, so that they never read as
/// an RCODE; every other code by its number (`401`, `5.7.1`, `1006`).
pub fn pair_name(e: &Entry) -> String {
    match (e.protocol, e.kind) {
        (Protocol::Dns, Some(Kind::Ede)) => format!("EDE {}", e.code),
        (Protocol::Grpc | Protocol::Dns, _) if !e.phrase.is_empty() => e.phrase.clone(),
        _ => e.code.clone(),
    }
}

/// The label of two codes people confuse, in canonical order, used by every
/// surface that lists such pairs: "HTTP 401 vs 403", "gRPC
/// DEADLINE_EXCEEDED vs UNAVAILABLE", "DNS NXDomain vs EDE 18", and across
/// protocols "gRPC UNAVAILABLE vs HTTP 503".
pub fn pair_label(a: &Entry, b: &Entry) -> String {
    let (a, b) = canonical_order(a, b);
    if a.protocol == b.protocol {
        format!("{} {} vs {}", a.protocol.name(), pair_name(a), pair_name(b))
    } else {
        format!(
            "{} {} vs {} {}",
            a.protocol.name(),
            pair_name(a),
            b.protocol.name(),
            pair_name(b)
        )
    }
}

/// Why two codes are worth comparing, in one sentence: the curated rule of
/// thumb where there is one, otherwise the facts that tell them apart.
pub fn pair_reason(catalog: &Catalog, a: &Entry, b: &Entry) -> String {
    if let Some(p) = catalog.pair(a, b) {
        return p.rule.clone();
    }
    let (a, b) = canonical_order(a, b);
    let differing: Vec<String> = facts(a, b)
        .into_iter()
        .filter(|f| f.differs)
        .map(|f| fact_phrase(f.fact))
        .collect();
    if differing.is_empty() {
        format!(
            "Both are {}; they differ in meaning and in when each is sent.",
            plural_category(a)
        )
    } else {
        format!(
            "They differ in what they mean and in {}.",
            join_and(&differing)
        )
    }
}

/// A fact's label as it reads inside "they differ in ...".
fn fact_phrase(label: &str) -> String {
    match label {
        "HTTP status" => "the HTTP status they map to".into(),
        "Headers it is defined with" => "the headers they come with".into(),
        "Body allowed" => "whether a body is allowed".into(),
        "Cacheable by default" => "whether caches may store them by default".into(),
        "Method kept on redirect" => "whether the method is kept".into(),
        "May be sent in a Close frame" => "whether they may be sent in a Close frame".into(),
        "What the client should do" => "what the client should do next".into(),
        "Basic reply codes" => "the basic reply codes they go with".into(),
        "Specification" => "the specification".into(),
        other => lower_first(other),
    }
}

/// "who sends it" from "Who sends it"; labels that start with an acronym
/// keep it.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_ascii_uppercase() => {
            format!("{}{}{}", first.to_lowercase(), second, chars.as_str())
        }
        _ => label.to_string(),
    }
}

/// "gRPC status codes", "4xx Client Error responses".
fn plural_category(e: &Entry) -> String {
    match &e.class {
        Some(c) => format!("{} {}s", c.label(), e.protocol.code_noun()),
        None => format!("{} {}s", e.protocol.name(), e.protocol.code_noun()),
    }
}

/// A code that another is often confused with, as every surface lists it.
#[derive(Clone, Debug)]
pub struct Confusion<'a> {
    pub other: &'a Entry,
    /// [`pair_label`] of the two.
    pub label: String,
    /// [`pair_reason`] of the two.
    pub reason: String,
}

/// The codes `e` is often confused with, each with its label and reason:
/// the other codes of its curated pairs first, then its related codes of
/// the same protocol, each once.
pub fn confusions<'a>(catalog: &'a Catalog, e: &'a Entry) -> Vec<Confusion<'a>> {
    let id = e.base_id.as_deref().unwrap_or(&e.id);
    let curated = catalog.pairs().iter().filter_map(|p| {
        if p.protocol != e.protocol {
            return None;
        }
        let other = if p.a == id {
            &p.b
        } else if p.b == id {
            &p.a
        } else {
            return None;
        };
        catalog.get(p.protocol, other)
    });
    let related = e.related.iter().filter_map(|r| catalog.get(e.protocol, r));
    let mut out: Vec<Confusion<'a>> = Vec::new();
    for other in curated.chain(related) {
        if other.id == e.id || out.iter().any(|c| c.other.id == other.id) {
            continue;
        }
        out.push(Confusion {
            other,
            label: pair_label(e, other),
            reason: pair_reason(catalog, e, other),
        });
    }
    out
}
