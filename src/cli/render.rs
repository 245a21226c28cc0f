//! Text output for a terminal: cards, comparisons, search results and lists.
//! Styles are written as ANSI codes; `anstream` strips them when the output
//! is not a terminal or NO_COLOR is set.

use crate::catalog::{Catalog, Entry, Outcome};
use crate::compare::Comparison;
use crate::search::SearchOutcome;
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// The colour of a code's heading, from its outcome (the same judgement
/// as the badge colour).
fn class_style(e: &Entry) -> Style {
    let color = match e.outcome() {
        Outcome::Progress => AnsiColor::Blue,
        Outcome::Success => AnsiColor::Green,
        Outcome::Redirection | Outcome::Intermediate => AnsiColor::Cyan,
        Outcome::RequestFault | Outcome::Transient => AnsiColor::Yellow,
        Outcome::Failure => AnsiColor::Red,
        Outcome::Other => AnsiColor::Magenta,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn width() -> usize {
    textwrap::termwidth().clamp(40, 100)
}

fn para(out: &mut impl Write, indent: &str, text: &str) -> io::Result<()> {
    let opts = textwrap::Options::new(width())
        .initial_indent(indent)
        .subsequent_indent(indent)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    writeln!(out, "{}", textwrap::fill(text, opts))
}

fn heading(out: &mut impl Write, text: &str) -> io::Result<()> {
    writeln!(out, "\n{BOLD}{text}{BOLD:#}")
}

/// The whole card of one code as plain text (no colour), for tests and tools.
pub fn card_text(catalog: &Catalog, e: &Entry) -> String {
    let mut buf = Vec::new();
    let _ = card(&mut buf, catalog, e);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn card(out: &mut impl Write, catalog: &Catalog, e: &Entry) -> io::Result<()> {
    let style = class_style(e);
    writeln!(
        out,
        "{style}{}{style:#} {BOLD}{}{BOLD:#}",
        e.label(),
        e.phrase
    )?;
    let mut facts = Vec::new();
    if let Some(c) = &e.class {
        facts.push(c.label());
    }
    facts.push(match &e.vendor {
        Some(v) => format!("unofficial ({v})"),
        None => e.status.as_str().to_string(),
    });
    facts.push(e.reference.clone());
    writeln!(out, "{DIM}{}{DIM:#}", facts.join(" · "))?;
    for s in e.spec.iter().filter_map(|s| s.url.as_deref()) {
        writeln!(out, "{DIM}{s}{DIM:#}")?;
    }
    writeln!(out)?;
    para(out, "", &e.summary)?;
    if let Some(note) = &e.class_note {
        heading(out, "What the class digit adds")?;
        para(out, "  ", note)?;
    }
    heading(out, "What it means")?;
    para(out, "  ", &e.description)?;
    heading(out, "When you see it")?;
    para(out, "  ", &e.when_you_see_it)?;
    heading(out, "How to fix it")?;
    for (who, text) in e.how_to_fix.parts() {
        para(out, "  ", &format!("{who}: {text}"))?;
    }
    heading(out, "Facts")?;
    let facts = crate::compare::entry_facts(e);
    let pad = facts.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, value) in facts {
        writeln!(out, "  {label:<pad$}  {value}")?;
    }
    if !e.related.is_empty() {
        let names: Vec<String> = e
            .related
            .iter()
            .filter_map(|id| catalog.get(e.protocol, id))
            .map(Entry::title)
            .collect();
        heading(out, "Related")?;
        for n in names {
            writeln!(out, "  {n}")?;
        }
    }
    let confused = crate::compare::confusions(catalog, e);
    if !confused.is_empty() {
        heading(out, "Often confused with")?;
        for c in confused {
            para(out, "  ", &format!("{}: {}", c.label, c.reason))?;
        }
    }
    for r in crate::relations::relations_of(catalog, e) {
        heading(out, &r.title)?;
        for o in r.entries {
            writeln!(out, "  {} {}", o.protocol.name(), o.title())?;
        }
    }
    if !e.constants.is_empty() {
        heading(out, "Constants")?;
        let pad = e
            .constants_detail
            .iter()
            .map(|c| c.label.chars().count())
            .max()
            .unwrap_or(0);
        for c in &e.constants_detail {
            writeln!(out, "  {:<pad$}  {}", c.label, c.summary())?;
        }
    }
    Ok(())
}

/// A comparison as plain text (no colour), as the CLI prints it.
pub fn comparison_text(c: &Comparison) -> String {
    let mut buf = Vec::new();
    let _ = comparison(&mut buf, c);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn comparison(out: &mut impl Write, c: &Comparison) -> io::Result<()> {
    writeln!(out, "{BOLD}{}{BOLD:#}\n", c.title)?;
    para(out, "", &c.overview)?;
    if let Some(p) = c.curated {
        heading(out, "The decisive difference")?;
        para(out, "  ", &p.difference)?;
        para(out, "  ", &format!("Rule of thumb: {}", p.rule))?;
    }
    heading(out, "Key differences")?;
    let w0 = c
        .facts
        .iter()
        .map(|f| f.fact.chars().count())
        .max()
        .unwrap_or(0);
    let w1 = c
        .facts
        .iter()
        .map(|f| f.a.chars().count())
        .max()
        .unwrap_or(0)
        .max(c.a.code.len());
    let w2 = c
        .facts
        .iter()
        .map(|f| f.b.chars().count())
        .max()
        .unwrap_or(0);
    if w0 + w1 + w2 + 6 <= width() {
        writeln!(
            out,
            "  {:<w0$}  {BOLD}{:<w1$}{BOLD:#}  {BOLD}{}{BOLD:#}",
            "", c.a.code, c.b.code
        )?;
        for f in &c.facts {
            let mark = if f.differs { "≠" } else { "=" };
            writeln!(out, "{mark} {:<w0$}  {:<w1$}  {}", f.fact, f.a, f.b)?;
        }
    } else {
        // Too wide for side by side: one fact per block.
        for f in &c.facts {
            let mark = if f.differs { "≠" } else { "=" };
            writeln!(out, "{mark} {BOLD}{}{BOLD:#}", f.fact)?;
            para(out, "    ", &format!("{}: {}", c.a.code, f.a))?;
            para(out, "    ", &format!("{}: {}", c.b.code, f.b))?;
        }
    }
    for e in [c.a, c.b] {
        heading(out, &format!("{} {}", e.code, e.phrase))?;
        para(out, "  ", &e.description)?;
        para(
            out,
            "  ",
            &format!("When you see it: {}", e.when_you_see_it),
        )?;
        for (who, text) in e.how_to_fix.parts() {
            para(out, "  ", &format!("Fix ({}): {text}", who.to_lowercase()))?;
        }
    }
    heading(out, "When to use which")?;
    for g in &c.guidance {
        para(out, "  ", g)?;
    }
    Ok(())
}

pub fn search_results(out: &mut impl Write, o: &SearchOutcome) -> io::Result<()> {
    if let Some(d) = &o.did_you_mean {
        writeln!(
            out,
            "{DIM}no match for {:?}; showing results for {d:?}{DIM:#}",
            o.query
        )?;
    }
    for h in &o.results {
        line(out, h.entry)?;
    }
    if o.total > o.results.len() {
        writeln!(
            out,
            "{DIM}… {} more (use --limit){DIM:#}",
            o.total - o.results.len()
        )?;
    }
    Ok(())
}

fn line(out: &mut impl Write, e: &Entry) -> io::Result<()> {
    let style = class_style(e);
    let vendor = e
        .vendor
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    writeln!(
        out,
        "{:<9} {style}{:<6}{style:#} {BOLD}{}{BOLD:#}{vendor} {DIM}— {}{DIM:#}",
        e.protocol.slug(),
        e.code,
        e.phrase,
        e.summary
    )
}

pub fn list(out: &mut impl Write, entries: &[&Entry]) -> io::Result<()> {
    for e in entries {
        line(out, e)?;
    }
    Ok(())
}
