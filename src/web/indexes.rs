//! Protocol indexes that can be scanned: one compact table per group (code,
//! phrase, registration or vendor, one-line summary) in numeric order,
//! filtered by class and by registration through links to real pages
//! (`/http/4xx/`, `/http/vendor/`, `/http/4xx/vendor/`), and a one-page
//! printable cheat sheet per protocol (`/http/cheat-sheet`).

use super::AppState;
use super::cache::Cacheable;
use super::error::{WebError, shorten};
use super::resolve::protocol_of;
use super::routes::{self, Registration};
use super::views::{self, Crumbs, Head, entry_href, html, tone};
use crate::catalog::{Entry, Protocol, ProtocolCodes, Status, catalog};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;

/// The order codes are listed in: by the numbers in the code (`X.7.1`
/// reads as 0.7.1, so enhanced codes sort by subject and detail), then by
/// id, so vendor codes sit in numeric order among the registered ones.
pub fn code_order(e: &Entry) -> (Vec<u32>, String) {
    let numbers = e
        .code
        .split(['.', '-'])
        .map(|part| part.parse::<u32>().unwrap_or(0))
        .collect();
    (numbers, e.id.clone())
}

/// The registration column: the vendor of a vendor code, otherwise the
/// registry status in words.
pub fn registration_text(e: &Entry) -> String {
    match (&e.vendor, e.status) {
        (Some(v), _) => v.clone(),
        (None, Status::Unofficial) => "unofficial".into(),
        (None, Status::Standard) if e.protocol == Protocol::Grpc => "standard".into(),
        (None, Status::Standard) => "registered".into(),
        (None, Status::Temporary) => "registered, temporary".into(),
        (None, Status::Unused) => "registered, unused".into(),
        (None, Status::Deprecated) => "deprecated".into(),
    }
}

/// One row of an index table.
pub struct TableRow {
    pub href: String,
    /// The code as people write it; Extended DNS Errors as "EDE 18".
    pub code: String,
    pub phrase: String,
    pub registration: String,
    pub vendor: bool,
    pub summary: String,
    pub tone: String,
}

fn table_row(e: &Entry) -> TableRow {
    TableRow {
        href: entry_href(e),
        code: e.display_code(),
        phrase: e.phrase.clone(),
        registration: registration_text(e),
        vendor: e.status == Status::Unofficial,
        summary: e.summary.clone(),
        tone: tone(e),
    }
}

/// A titled group of rows (a class, or a kind of code).
pub struct TableGroup {
    pub id: String,
    pub title: String,
    pub rows: Vec<TableRow>,
}

/// One link of a filter bar.
pub struct Filter {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// A protocol index (`/http/`), class index (`/http/4xx/`) or filtered
/// index (`/http/4xx/vendor/`): filter bars and one table per group.
#[derive(Template)]
#[template(path = "listing.html")]
pub struct ListingPage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub heading: String,
    pub intro: String,
    pub classes: Vec<Filter>,
    pub registrations: Vec<Filter>,
    pub cheat_sheet: String,
    pub count: usize,
    pub groups: Vec<TableGroup>,
}

/// `/http/cheat-sheet`: every code and name of a protocol, for printing.
#[derive(Template)]
#[template(path = "cheat_sheet.html")]
pub struct CheatSheetPage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub heading: String,
    pub intro: String,
    pub index: String,
    pub groups: Vec<TableGroup>,
}

/// The entries of `codes` that pass both filters, grouped as index pages
/// group them, each group in [`code_order`].
fn groups(
    codes: &ProtocolCodes,
    class: Option<&str>,
    registration: Option<Registration>,
) -> Vec<TableGroup> {
    let mut grouped: Vec<(String, String, Vec<&Entry>)> = Vec::new();
    for e in &codes.entries {
        if class.is_some_and(|c| e.class.as_ref().is_none_or(|k| k.key != c)) {
            continue;
        }
        if registration.is_some_and(|r| !r.admits(e)) {
            continue;
        }
        let (key, title) = views::group_of(e);
        match grouped.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, rows)) => rows.push(e),
            None => grouped.push((key, title, vec![e])),
        }
    }
    grouped.sort_by(|a, b| a.0.cmp(&b.0));
    grouped
        .into_iter()
        .map(|(key, title, mut entries)| {
            entries.sort_by_key(|e| code_order(e));
            TableGroup {
                id: format!("g-{}", key.to_ascii_lowercase()),
                title,
                rows: entries.into_iter().map(table_row).collect(),
            }
        })
        .collect()
}

fn not_found_class(p: Protocol, class: &str) -> WebError {
    WebError::not_found(format!("{} has no class “{}”.", p.name(), shorten(class)))
}

/// `/http/`: every code of the protocol.
pub async fn protocol_index(
    path: routes::ProtocolIndex,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let p = protocol_of(&path.protocol)?;
    listing(&state, p, None, None)
}

/// `/http/4xx/`, and `/http/vendor/` or `/http/registered/`.
pub async fn class_index(
    path: routes::ClassIndex,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let p = protocol_of(&path.protocol)?;
    match Registration::from_segment(&path.class) {
        Some(r) => listing(&state, p, None, Some(r)),
        None => listing(&state, p, Some(&path.class), None),
    }
}

/// `/http/4xx/vendor/`.
pub async fn filtered_index(
    path: routes::FilteredIndex,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let p = protocol_of(&path.protocol)?;
    let Some(r) = Registration::from_segment(&path.registration) else {
        return Err(WebError::not_found(format!(
            "“{}” is not a filter: use registered or vendor.",
            shorten(&path.registration)
        )));
    };
    listing(&state, p, Some(&path.class), Some(r))
}

fn listing(
    state: &AppState,
    p: Protocol,
    class: Option<&str>,
    registration: Option<Registration>,
) -> Result<Response, WebError> {
    let catalog = catalog();
    let codes = catalog
        .protocol(p)
        .ok_or_else(|| WebError::not_found("unknown protocol"))?;
    if let Some(c) = class
        && codes.class(c).is_none()
    {
        return Err(not_found_class(p, c));
    }
    let filtered = registration.is_some();
    if filtered && !routes::has_vendor_codes(codes) {
        return Err(WebError::not_found(format!(
            "{} has no vendor codes, so its index has no registration filter.",
            p.name()
        )));
    }
    let groups = groups(codes, class, registration);
    let count: usize = groups.iter().map(|g| g.rows.len()).sum();
    if count == 0 {
        return Err(WebError::not_found(format!(
            "No {} code is both of class {} and {}.",
            p.name(),
            class.unwrap_or(""),
            registration.map_or("", |r| r.as_str())
        )));
    }
    let class_label = |c: &str| {
        codes
            .classes()
            .into_iter()
            .find(|(k, _)| k.key == c)
            .map(|(k, _)| k.label())
            .unwrap_or_default()
    };
    let noun = p.code_noun();
    let which = match registration {
        None => String::new(),
        Some(Registration::Registered) => "registered ".into(),
        Some(Registration::Vendor) => "vendor ".into(),
    };
    let (heading, intro) = match class {
        None if !filtered => (
            format!("{} {noun}s", p.name()),
            views::protocol_intro(p, count),
        ),
        None => (
            format!("{} {which}{noun}s", p.name()),
            format!("The {count} {which}{} {noun}s, in numeric order.", p.name()),
        ),
        Some(c) => (
            format!(
                "{} {}{}",
                p.name(),
                class_label(c),
                if filtered {
                    format!(" ({})", which.trim())
                } else {
                    String::new()
                }
            ),
            format!(
                "The {count} {which}{} {noun}s of class {c}, in numeric order.",
                p.name()
            ),
        ),
    };
    let path = routes::index(p, class, registration);
    let mut crumbs: Crumbs = vec![("Home".into(), routes::Home.to_string())];
    if class.is_none() && !filtered {
        crumbs.push((p.name().into(), String::new()));
    } else {
        crumbs.push((p.name().into(), routes::ProtocolIndex::of(p).to_string()));
        if let (Some(c), true) = (class, filtered) {
            crumbs.push((c.to_string(), routes::index(p, Some(c), None)));
        }
        crumbs.push((
            [
                class.map(str::to_string),
                registration.map(|r| r.as_str().to_string()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            String::new(),
        ));
    }
    let classes = std::iter::once(None)
        .chain(codes.classes().into_iter().map(|(c, _)| Some(c)))
        .filter(|c| {
            // A class without codes of the chosen registration is not offered.
            c.is_none_or(|c| {
                registration.is_none_or(|r| {
                    codes
                        .entries
                        .iter()
                        .any(|e| r.admits(e) && e.class.as_ref().is_some_and(|k| k.key == c.key))
                })
            })
        })
        .map(|c| Filter {
            href: routes::index(p, c.map(|c| c.key.as_str()), registration),
            label: c.map_or_else(|| "All classes".to_string(), |c| c.label()),
            current: c.map(|c| c.key.as_str()) == class,
        })
        .collect::<Vec<_>>();
    let registrations = if routes::has_vendor_codes(codes) {
        std::iter::once(None)
            .chain(Registration::ALL.into_iter().map(Some))
            .filter(|r| {
                r.is_none_or(|r| {
                    codes.entries.iter().any(|e| {
                        r.admits(e)
                            && class.is_none_or(|c| e.class.as_ref().is_some_and(|k| k.key == c))
                    })
                })
            })
            .map(|r| Filter {
                href: routes::index(p, class, r),
                label: match r {
                    None => "Registered and vendor".into(),
                    Some(Registration::Registered) => "Registered only".into(),
                    Some(Registration::Vendor) => "Vendor only".into(),
                },
                current: r == registration,
            })
            .collect()
    } else {
        Vec::new()
    };
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
        classes: if codes.classes().is_empty() {
            Vec::new()
        } else {
            classes
        },
        registrations,
        cheat_sheet: routes::CheatSheet::of(p).to_string(),
        count,
        groups,
    };
    Ok(Cacheable::mark(path, html(&page)?))
}

/// `/http/cheat-sheet`: every code and phrase of the protocol, grouped and
/// in numeric order, laid out to print on one A4 page.
pub async fn cheat_sheet(
    path: routes::CheatSheet,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let p = protocol_of(&path.protocol)?;
    let catalog = catalog();
    let codes = catalog
        .protocol(p)
        .ok_or_else(|| WebError::not_found("unknown protocol"))?;
    let canonical = routes::CheatSheet::of(p).to_string();
    let heading = format!("{} {}s: cheat sheet", p.name(), p.code_noun());
    let intro = format!(
        "Every {} {} with its name on one printable page, in numeric order{}.",
        p.name(),
        p.code_noun(),
        if routes::has_vendor_codes(codes) {
            "; vendor codes are marked with their vendor"
        } else {
            ""
        }
    );
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &canonical,
        format!("{heading} — statusatlas"),
        intro.clone(),
    );
    head.section = p.slug();
    let page = CheatSheetPage {
        head,
        crumbs: vec![
            ("Home".into(), routes::Home.to_string()),
            (p.name().into(), routes::ProtocolIndex::of(p).to_string()),
            ("Cheat sheet".into(), String::new()),
        ],
        heading,
        intro,
        index: routes::ProtocolIndex::of(p).to_string(),
        groups: groups(codes, None, None),
    };
    Ok(Cacheable::mark(canonical, html(&page)?))
}
