//! Bounces and other MIME messages, read with `mail-parser`: the parts a
//! person cannot read as pasted (quoted-printable or base64 text, an
//! encoded `message/delivery-status` part of RFC 3464) are decoded and read
//! like any other text. Plain parts are already read line by line in place.

use mail_parser::{Encoding, MessageParser, MimeHeaders};

/// Whether the text starts with a header block that declares MIME content.
fn looks_like_mime(text: &str) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let header_start = first
        .split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && !name.contains(' '));
    let head_end = text
        .find("\n\n")
        .or_else(|| text.find("\r\n\r\n"))
        .unwrap_or(text.len());
    header_start
        && text[..head_end]
            .to_ascii_lowercase()
            .contains("content-type:")
}

/// An encoded part, decoded: the lines of the input its body spans
/// (1-based, inclusive) and its text.
pub(super) struct DecodedPart {
    pub first_line: usize,
    pub last_line: usize,
    pub text: String,
}

/// The decoded text of each encoded part a person would read (text parts
/// and RFC 3464 `message/delivery-status` parts).
pub(super) fn encoded_parts(text: &str) -> Vec<DecodedPart> {
    if !looks_like_mime(text) {
        return Vec::new();
    }
    let Some(message) = MessageParser::default().parse(text.as_bytes()) else {
        return Vec::new();
    };
    // Where each line starts, to turn part offsets into line numbers.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |offset: u32| {
        line_starts
            .partition_point(|&s| s <= offset as usize)
            .max(1)
    };
    let mut out = Vec::new();
    for part in &message.parts {
        if part.encoding == Encoding::None || part.is_multipart() || part.is_message() {
            continue;
        }
        let readable = match part.content_type() {
            Some(ct) => {
                let t = ct.ctype().to_ascii_lowercase();
                let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
                t == "text" || (t == "message" && sub.ends_with("delivery-status"))
            }
            None => true,
        };
        if !readable {
            continue;
        }
        let Ok(decoded) = std::str::from_utf8(part.contents()) else {
            continue;
        };
        out.push(DecodedPart {
            first_line: line_at(part.offset_body),
            last_line: line_at(part.offset_end),
            text: decoded.to_string(),
        });
    }
    out
}

/// The `Action:` values of RFC 3464 per-recipient blocks in `text`, in
/// order (`failed`, `delayed`, `delivered`, `relayed`, `expanded`).
pub(super) fn dsn_actions(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("action")
                .then(|| value.trim().to_ascii_lowercase())
        })
        .filter(|v| ["failed", "delayed", "delivered", "relayed", "expanded"].contains(&v.as_str()))
        .collect()
}
