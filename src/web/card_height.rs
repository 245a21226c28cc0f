//! The height of a compact iframe card, for oEmbed answers and the iframe
//! snippets. oEmbed (section 2.3.4) asks the provider for the height of
//! the `html` it returns, and many consumers never resize an iframe, so the
//! number has to show the whole card. It is worked out from the card's text
//! with the compact layout of `assets/embed.css`: line heights, margins and
//! paddings in CSS pixels, and a per-character width that errs on the wide
//! side, so the estimate can leave a little space but never cuts the card.
//! Consumers that run script get the exact height from the card itself
//! (the `statusatlas:resize` message of `assets/frame.js`).

use super::views::{CardView, ComparisonView};

/// The root font size of the iframe page, in CSS pixels (`rem`).
const REM: f32 = 16.0;
/// The compact card's own font size (`.sa-root.size-compact`).
const BASE: f32 = 13.0;
/// Horizontal and vertical padding of a compact card (`.75rem`, `.5rem`).
const PAD_X: f32 = 0.75 * REM;
const PAD_Y: f32 = 0.5 * REM;
/// Average advance of a character of running text and of bold headings,
/// in em; wide enough for the system sans-serif fonts browsers pick.
const EM_TEXT: f32 = 0.6;
const EM_BOLD: f32 = 0.7;
/// Two more lines of running text: the room left for fonts wider than the
/// estimate and for rounding, so that the card is never cut.
const SLACK: f32 = 2.0 * BASE * 1.5;
/// The narrowest text column the estimate assumes (one short word).
const MIN_COLUMN: f32 = 40.0;

/// Lines taken by `text` set in `font` px in a column `width` px wide,
/// breaking between words as browsers do (a word longer than the column
/// takes as many lines as it needs).
fn lines(text: &str, font: f32, em: f32, width: f32) -> f32 {
    let per_line = (width / (font * em)).floor().max(1.0) as usize;
    let mut count = 1usize;
    let mut used = 0usize;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        let needed = if used == 0 { len } else { used + 1 + len };
        if needed <= per_line {
            used = needed;
        } else if used == 0 {
            count += (len - 1) / per_line;
            used = len % per_line;
        } else {
            count += 1 + (len.saturating_sub(1)) / per_line;
            used = if len > per_line { len % per_line } else { len };
        }
    }
    count as f32
}

/// Block height of a paragraph: lines times the line height, plus margins.
fn block(text: &str, font: f32, line_height: f32, em: f32, width: f32, margins: f32) -> f32 {
    lines(text, font, em, width) * font * line_height + margins
}

/// The header every card starts with: eyebrow, title, badges, summary.
fn head(eyebrow: &str, title: &str, badges: &[String], lead: &str, column: f32) -> f32 {
    let eyebrow = block(eyebrow, 0.75 * REM, 1.5, EM_TEXT + 0.06, column, 0.0);
    let title = block(title, 1.35 * REM, 1.25, EM_BOLD, column, 0.5 * REM);
    // Badges: pills of .75rem text, .5rem padding each side, wrapped in rows.
    let pill_font = 0.75 * REM;
    let mut rows = 1.0;
    let mut x = 0.0;
    for b in badges {
        let w = b.chars().count() as f32 * pill_font * EM_TEXT + REM + 2.0;
        if x > 0.0 && x + w > column {
            rows += 1.0;
            x = 0.0;
        }
        x += w + 0.3 * REM;
    }
    let badges = rows * (pill_font * 1.5 + 2.0) + (rows - 1.0) * 0.3 * REM + 0.7 * REM;
    let lead = block(lead, 1.02 * BASE, 1.5, EM_TEXT, column, 0.6 * REM);
    eyebrow + title + badges + lead
}

/// The link to the full page that closes every card.
fn foot(column: f32) -> f32 {
    block(
        "Full reference on statusatlas",
        0.8 * REM,
        1.5,
        EM_TEXT,
        column,
        0.6 * REM + 0.3 * REM,
    )
}

/// A section heading (`.sa-root h2`).
fn heading(text: &str, column: f32) -> f32 {
    block(text, REM, 1.5, EM_BOLD, column, 0.9 * REM + 0.25 * REM)
}

/// Height in CSS pixels of the compact iframe card of a code, `width` px
/// wide (the terms of the facts take at most 45 % of the column, as the
/// `fit-content(45%)` column of `.sa-root dl`).
pub fn code(card: &CardView, width: u32) -> u32 {
    let column = (width as f32 - 2.0 * PAD_X).max(MIN_COLUMN);
    let eyebrow = match &card.class {
        Some((class, _)) => format!("{} · {}", card.protocol_name, class),
        None => card.protocol_name.to_string(),
    };
    let mut badges = vec![card.status_label.clone()];
    badges.extend(card.spec.iter().map(|s| s.0.clone()));
    let title = match &card.known_as {
        Some(name) => format!("{} {name} {}", card.code, card.phrase),
        None => format!("{} {}", card.code, card.phrase),
    };
    let mut height = 2.0 * PAD_Y + head(&eyebrow, &title, &badges, &card.summary, column);
    // Key facts: a grid of bold terms (as wide as the widest) and values.
    height += heading("Facts", column);
    let term = card
        .facts
        .iter()
        .map(|f| f.0.chars().count() as f32 * BASE * EM_BOLD)
        .fold(0.0, f32::max)
        .min(column * 0.45);
    let value = (column - term - 0.75 * REM).max(MIN_COLUMN);
    for (i, (t, v)) in card.facts.iter().enumerate() {
        let rows = lines(t, BASE, EM_BOLD, term).max(lines(v, BASE, EM_TEXT, value));
        height += rows * BASE * 1.5 + if i > 0 { 0.2 * REM } else { 0.0 };
    }
    height += foot(column) + SLACK;
    height.ceil() as u32
}

/// Height in CSS pixels of the compact iframe card of a comparison.
pub fn comparison(cmp: &ComparisonView, width: u32) -> u32 {
    let column = (width as f32 - 2.0 * PAD_X).max(MIN_COLUMN);
    let eyebrow = format!("{} · comparison", cmp.protocol_name);
    // "vs" has a margin of .25rem each side: counted as two more characters.
    let title = format!(
        "{} {} vs.. {} {}",
        cmp.a.code, cmp.a.phrase, cmp.b.code, cmp.b.phrase
    );
    let mut height = 2.0 * PAD_Y + head(&eyebrow, &title, &[], &cmp.overview, column);
    // No badges on a comparison: take back what `head` counted for them.
    height -= 0.75 * REM * 1.5 + 2.0 + 0.7 * REM;
    if let Some((difference, rule)) = &cmp.curated {
        // The decisive difference: a bordered box with .7rem side padding.
        let inner = column - 2.0 * 0.7 * REM - 2.0;
        height += 0.9 * REM + 2.0 + 2.0 * 0.1 * REM;
        height += heading("The decisive difference", inner);
        height += block(difference, BASE, 1.5, EM_TEXT, inner, 0.6 * REM);
        height += block(
            &format!("Rule of thumb: {rule}"),
            BASE,
            1.5,
            EM_TEXT,
            inner,
            0.6 * REM,
        );
    }
    height += foot(column) + SLACK;
    height.ceil() as u32
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn words_wrap_whole() {
        // 10 characters per line at 10 px font, 0.5 em, 50 px.
        assert_eq!(lines("aaaa bbbb cccc", 10.0, 0.5, 50.0), 2.0);
        assert_eq!(lines("aaaaaaaaaaaaaaaaaaaaaaaaa", 10.0, 0.5, 50.0), 3.0);
        assert_eq!(lines("", 10.0, 0.5, 50.0), 1.0);
    }
}
