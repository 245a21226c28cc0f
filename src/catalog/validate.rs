//! The rules every catalog must satisfy before anything uses it. The same
//! function runs at start-up and in the test suite.

use super::model::{Entry, Sender, Status};
use super::protocol::{Kind, Protocol, smtp_subject};
use super::registry;
use super::{Catalog, ProtocolCodes};
use crate::text::prose_problems;
use std::collections::HashSet;

pub fn validate(catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    for codes in catalog.protocols() {
        validate_protocol(codes, &mut problems);
    }
    validate_pairs(catalog, &mut problems);
    validate_situations(catalog, &mut problems);
    problems
}

fn validate_situations(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut slugs = HashSet::new();
    for s in catalog.situations() {
        let at = format!("situation {}", s.slug);
        if !slugs.insert(s.slug.as_str()) {
            problems.push(format!("{at}: the slug is used twice"));
        }
        if s.slug.is_empty()
            || !s
                .slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            problems.push(format!(
                "{at}: the slug must be lowercase letters, digits and dashes"
            ));
        }
        for (field, text) in [("title", &s.title), ("summary", &s.summary)] {
            for p in prose_problems(text) {
                problems.push(format!("{at}: {field} {p}"));
            }
        }
        if s.members.len() < 2 {
            problems.push(format!(
                "{at}: a situation needs codes from several protocols"
            ));
        }
        for m in &s.members {
            if catalog.get(m.protocol, &m.id).is_none() {
                problems.push(format!(
                    "{at}: {} {} does not exist",
                    m.protocol.slug(),
                    m.id
                ));
            }
            for p in prose_problems(&m.note) {
                problems.push(format!("{at}: note of {} {} {p}", m.protocol.slug(), m.id));
            }
        }
    }
}

fn validate_protocol(codes: &ProtocolCodes, problems: &mut Vec<String>) {
    let protocol = codes.protocol;
    if codes.entries.len() > usize::from(u16::MAX) {
        problems.push(format!(
            "{}: more than {} entries; the id index holds 16-bit positions",
            protocol.slug(),
            u16::MAX
        ));
    }
    let mut ids = HashSet::new();
    for e in &codes.entries {
        let at = format!("{} {}", protocol.slug(), e.id);
        if !ids.insert(e.id.as_str()) {
            problems.push(format!("{at}: the id is used twice"));
        }
        if e.id.is_empty()
            || !e
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            problems.push(format!(
                "{at}: the id must be letters, digits, dots and dashes"
            ));
        }
        check_entry(codes, e, &at, problems);
    }
    check_registry(codes, problems);
}

fn check_entry(codes: &ProtocolCodes, e: &Entry, at: &str, problems: &mut Vec<String>) {
    let protocol = codes.protocol;
    let mut prose = vec![
        ("summary", e.summary.as_str()),
        ("description", e.description.as_str()),
        ("when_you_see_it", e.when_you_see_it.as_str()),
    ];
    let fixes = e.how_to_fix.parts();
    if fixes.is_empty() {
        problems.push(format!(
            "{at}: fix needs at least one of client, server, operator"
        ));
    }
    prose.extend(fixes.iter().map(|(who, text)| (*who, *text)));
    for (field, text) in prose {
        for p in prose_problems(text) {
            problems.push(format!("{at}: {field} {p}"));
        }
        if !text.ends_with(['.', '!', '?', ')', '"']) {
            problems.push(format!("{at}: {field} does not end a sentence"));
        }
    }
    if e.summary.len() > 220 {
        problems.push(format!(
            "{at}: summary is longer than a tooltip ({} chars)",
            e.summary.len()
        ));
    }
    let unofficial = e.status == Status::Unofficial;
    if unofficial != e.vendor.is_some() {
        problems.push(format!(
            "{at}: a vendor is required for unofficial codes and only for them"
        ));
    }
    if unofficial && e.id == e.code {
        problems.push(format!(
            "{at}: an unofficial code needs its own id such as {}-vendor",
            e.code
        ));
    }
    if protocol == Protocol::Http {
        if e.code.len() != 3 || !e.code.chars().all(|c| c.is_ascii_digit()) {
            problems.push(format!("{at}: an HTTP code is three digits"));
        }
        if e.cacheable.is_none() {
            problems.push(format!("{at}: cacheable must be stated for HTTP codes"));
        }
    } else if e.cacheable.is_some() {
        problems.push(format!("{at}: cacheable applies to HTTP only"));
    }
    if e.method_preserved.is_some() && !(protocol == Protocol::Http && e.code.starts_with('3')) {
        problems.push(format!(
            "{at}: method_preserved applies to HTTP redirects only"
        ));
    }
    let extras = [
        ("http_mapping", e.http_mapping.is_some(), Protocol::Grpc),
        ("sendable", e.sendable.is_some(), Protocol::Websocket),
        ("long_name", e.long_name.is_some(), Protocol::Dns),
        ("basic_codes", e.basic_codes.is_some(), Protocol::Smtp),
    ];
    for (field, present, owner) in extras {
        if present && protocol != owner {
            problems.push(format!("{at}: {field} belongs to {} only", owner.name()));
        }
    }
    // A name people know stands in for a registry placeholder such as
    // "(Unused)", never for a real reason phrase.
    if let Some(name) = &e.known_as
        && (name.trim().is_empty() || !e.phrase.starts_with('('))
    {
        problems.push(format!(
            "{at}: known_as is for codes whose registry phrase is a placeholder like (Unused)"
        ));
    }
    let mut seen = HashSet::new();
    for r in &e.related {
        if r == &e.id {
            problems.push(format!("{at}: related names the code itself"));
        } else if codes.get(r).is_none() {
            problems.push(format!("{at}: related code {r:?} does not exist"));
        }
        if !seen.insert(r) {
            problems.push(format!("{at}: related code {r:?} is listed twice"));
        }
    }
    let senders = Sender::of(protocol);
    for s in &e.sent_by {
        if !senders.contains(s) {
            problems.push(format!(
                "{at}: sent_by {s:?} is not a {} role, which are {senders:?}",
                protocol.name()
            ));
        }
    }
    if e.kind == Some(Kind::Enhanced) && smtp_subject(&e.code).is_none() {
        problems.push(format!(
            "{at}: the middle number is not an RFC 3463 subject (0 to 7)"
        ));
    }
    if let Some(kind) = e.kind
        && !Kind::of(protocol).contains(&kind)
    {
        problems.push(format!(
            "{at}: kind {kind:?} is not one of {}'s, which are {:?}",
            protocol.name(),
            Kind::of(protocol)
        ));
    }
    for a in &e.aliases {
        if a.trim().is_empty() || a != &a.to_lowercase() {
            problems.push(format!("{at}: alias {a:?} must be lowercase and not empty"));
        }
    }
    if let Some(ex) = &e.example
        && (ex.request.trim().is_empty() || ex.response.trim().is_empty())
    {
        problems.push(format!("{at}: example needs a request and a response"));
    }
}

/// Every registry row has exactly one entry and every entry has its row.
fn check_registry(codes: &ProtocolCodes, problems: &mut Vec<String>) {
    let rows = match registry::expected_rows(codes.protocol) {
        Ok(rows) => rows,
        Err(e) => {
            problems.push(format!("{}: {e}", codes.protocol.slug()));
            return;
        }
    };
    if rows.is_empty() {
        return;
    }
    // Rows that share code and phrase (DNS 9 NotAuth twice) pair with
    // entries in file order.
    let mut matched = vec![false; codes.entries.len()];
    for row in &rows {
        let hit = codes
            .entries
            .iter()
            .enumerate()
            .find(|(i, e)| !matched[*i] && row.identifies(e))
            .map(|(i, _)| i);
        match hit {
            Some(i) => {
                matched[i] = true;
                for m in row.mismatches(&codes.entries[i]) {
                    problems.push(format!(
                        "{} {}: {m} ({})",
                        codes.protocol.slug(),
                        codes.entries[i].id,
                        row.file
                    ));
                }
            }
            None => problems.push(format!(
                "{}: no entry for {} row {} {:?}{}",
                codes.protocol.slug(),
                row.file,
                row.code,
                row.phrase,
                row.vendor
                    .as_ref()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default()
            )),
        }
    }
    for (e, hit) in codes.entries.iter().zip(matched) {
        if !hit {
            problems.push(format!(
                "{} {}: {:?} matches no registry row (phrase, code, vendor and kind must equal the registry's)",
                codes.protocol.slug(),
                e.id,
                e.phrase
            ));
        }
    }
}

fn validate_pairs(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut seen = HashSet::new();
    for p in catalog.pairs() {
        let at = format!("pair {} {}/{}", p.protocol.slug(), p.a, p.b);
        let a = catalog.get(p.protocol, &p.a);
        let b = catalog.get(p.protocol, &p.b);
        if a.is_none() || b.is_none() {
            problems.push(format!("{at}: both codes must exist"));
        }
        if p.a == p.b {
            problems.push(format!("{at}: a code is not compared with itself"));
        }
        let key = if p.a < p.b {
            (&p.a, &p.b)
        } else {
            (&p.b, &p.a)
        };
        if !seen.insert((p.protocol, key.0.clone(), key.1.clone())) {
            problems.push(format!("{at}: listed twice"));
        }
        for (field, text) in [("difference", &p.difference), ("rule", &p.rule)] {
            for problem in prose_problems(text) {
                problems.push(format!("{at}: {field} {problem}"));
            }
        }
    }
}
