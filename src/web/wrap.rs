//! Line-break opportunities for identifiers. Library constants such as
//! `HTTPStatus.PROXY_AUTHENTICATION_REQUIRED` are longer than a phone's
//! line; left alone the browser either overflows the page or, with
//! `overflow-wrap: anywhere`, cuts them in the middle of a word. Here they
//! get a `<wbr>` where a reader would split them: after `.`, `_`, `::`, `/`
//! and `,`, and before a capital that starts a new camelCase word (browsers
//! already break after a hyphen).

use super::views::attr_escape;

/// `name`, HTML-escaped, with `<wbr>` at its separators; safe to put
/// into HTML as is. Splits nothing inside a run of letters or digits:
/// `imATeapot418` becomes `im<wbr>ATeapot418`, `HTTP_418` `HTTP_<wbr>418`.
pub fn breakable(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 16);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| chars[j]);
        // A lower-case letter (or digit) followed by a capital starts a word.
        if c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase()) {
            out.push_str("<wbr>");
        }
        let mut buf = [0u8; 4];
        out.push_str(&attr_escape(c.encode_utf8(&mut buf)));
        let next = chars.get(i + 1).copied();
        let separator = matches!(c, '.' | '_' | '/' | ',') || (c == ':' && next != Some(':'));
        // Before a space the browser may break anyway.
        if separator && next.is_some_and(|n| !n.is_whitespace()) {
            out.push_str("<wbr>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::breakable;

    #[test]
    fn breaks_at_separators_and_word_starts_only() {
        assert_eq!(
            breakable("HTTPStatus.PROXY_AUTHENTICATION_REQUIRED"),
            "HTTPStatus.<wbr>PROXY_<wbr>AUTHENTICATION_<wbr>REQUIRED"
        );
        assert_eq!(breakable("imATeapot418"), "im<wbr>ATeapot418");
        assert_eq!(
            breakable("Status::IM_A_TEAPOT"),
            "Status::<wbr>IM_<wbr>A_<wbr>TEAPOT"
        );
        assert_eq!(breakable("StatusCode"), "Status<wbr>Code");
        assert_eq!(
            breakable("no: reported. Yes, a-b,c"),
            "no: reported. Yes, a-b,<wbr>c"
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(breakable("<a&b>"), "&lt;a&amp;b&gt;");
    }
}
