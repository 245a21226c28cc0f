//! Cards as Markdown, for clients that read text rather than HTML (the MCP
//! resources and tool results). The Markdown is written from the same view
//! models as the HTML card templates (`CardView`, `ComparisonView`), so a
//! card says the same thing in every format and its prose lives in one place.

use crate::web::views::{CardView, ComparisonView};
use std::fmt::Write;

/// Escapes the characters that would change the meaning of inline Markdown
/// (emphasis, links, code, HTML, table cells). Line breaks become spaces, so
/// a value cannot start a heading or a list of its own.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A link when `href` is an absolute http(s) URL, else the escaped label.
fn link(label: &str, href: &str) -> String {
    if href.starts_with("https://") || href.starts_with("http://") {
        format!(
            "[{}](<{}>)",
            escape(label),
            href.replace(['<', '>', ' '], "")
        )
    } else {
        escape(label)
    }
}

/// One code's card: title, badges, summary, meaning, when you see it, how to
/// fix it and the facts table, in the order of `templates/card.html`. Links
/// to the site are written only when `card.base` is a public origin.
pub fn card(card: &CardView) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} {} {}\n",
        card.protocol_name,
        escape(&card.code),
        escape(&card.phrase)
    );
    let mut eyebrow = vec![link(
        card.protocol_name,
        &format!(
            "{}{}",
            card.base,
            crate::web::routes::ProtocolIndex {
                protocol: card.protocol.to_string()
            }
        ),
    )];
    if let Some((label, href)) = &card.class {
        eyebrow.push(link(label, &format!("{}{}", card.base, href)));
    }
    eyebrow.push(escape(&card.status_label));
    let _ = writeln!(out, "{}\n", eyebrow.join(" · "));
    if !card.spec.is_empty() {
        let specs: Vec<String> = card
            .spec
            .iter()
            .map(|(text, url)| match url {
                Some(url) => link(text, url),
                None => escape(text),
            })
            .collect();
        let _ = writeln!(out, "Defined in: {}\n", specs.join("; "));
    }
    let _ = writeln!(out, "{}\n", escape(&card.summary));
    if let Some(note) = &card.class_note {
        let _ = writeln!(out, "## What the class digit adds\n\n{}\n", escape(note));
    }
    let _ = writeln!(out, "## What it means\n\n{}\n", escape(&card.description));
    let _ = writeln!(
        out,
        "## When you see it\n\n{}\n",
        escape(&card.when_you_see_it)
    );
    out.push_str("## How to fix it\n\n");
    for (who, advice) in &card.fixes {
        let _ = writeln!(out, "- **{who}:** {}", escape(advice));
    }
    out.push_str("\n## Facts\n\n| Fact | Value |\n|---|---|\n");
    for (fact, value) in &card.facts {
        let _ = writeln!(out, "| {} | {} |", escape(fact), escape(value));
    }
    if !card.confused.is_empty() {
        out.push_str("\n## Often confused with\n\n");
        for (label, href, reason) in &card.confused {
            let _ = writeln!(
                out,
                "- {}: {}",
                link(label, &format!("{}{}", card.base, href)),
                escape(reason)
            );
        }
    }
    out
}

/// Two codes side by side, in the order of `templates/compare_card.html`:
/// overview, the curated note, the side-by-side table, and guidance.
pub fn comparison(view: &ComparisonView, title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(title));
    let _ = writeln!(out, "{}\n", escape(&view.overview));
    if let Some((difference, rule)) = &view.curated {
        let _ = writeln!(
            out,
            "## The decisive difference\n\n{}\n\n**Rule of thumb:** {}\n",
            escape(difference),
            escape(rule)
        );
    }
    let _ = writeln!(
        out,
        "## Side by side\n\nRows marked (differs) are where the two codes differ.\n\n| | {} | {} |\n|---|---|---|",
        link(
            &format!("{} {}", view.a.code, view.a.phrase),
            &format!("{}{}", view.base, view.a.href)
        ),
        link(
            &format!("{} {}", view.b.code, view.b.phrase),
            &format!("{}{}", view.base, view.b.href)
        ),
    );
    for row in &view.rows {
        let marker = if row.differs { " (differs)" } else { "" };
        let _ = writeln!(
            out,
            "| {}{marker} | {} | {} |",
            escape(&row.aspect),
            escape(&row.a),
            escape(&row.b)
        );
    }
    out.push('\n');
    out.push_str("## When to use which\n\n");
    for point in &view.guidance {
        let _ = writeln!(out, "- {}", escape(point));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralises_markup_and_line_breaks() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("*x* [y](z)"), "\\*x\\* \\[y\\](z)");
        assert_eq!(escape("one\n# two"), "one \\# two");
        assert_eq!(escape("<script>"), "\\<script\\>");
    }
}
