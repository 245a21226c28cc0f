//! Input checks before any recogniser runs: size, emptiness, binary data,
//! UTF-8; and removal of terminal colour escapes, which tools such as
//! grpcurl and swaks print when their output is a terminal.

use super::{ExplainError, MAX_INPUT_BYTES};

/// The input as text, or why it is not acceptable text.
pub(super) fn validate(input: &[u8]) -> Result<&str, ExplainError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(ExplainError::TooLarge {
            size: input.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(ExplainError::Empty);
    }
    if let Some(offset) = input.iter().position(|&b| is_binary_byte(b)) {
        return Err(ExplainError::Binary { offset });
    }
    std::str::from_utf8(input).map_err(|e| {
        let offset = e.valid_up_to();
        let line = 1 + input[..offset].iter().filter(|&&b| b == b'\n').count();
        ExplainError::InvalidUtf8 { line, offset }
    })
}

/// Bytes that never occur in text a person pastes: NUL and the C0 controls
/// other than bell and backspace (a terminal capture has them), tab, line
/// feed, form feed, carriage return and escape.
fn is_binary_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, 0x07 | 0x08 | b'\t' | b'\n' | 0x0c | b'\r' | 0x1b)
}

/// The text without terminal escape sequences: CSI (`ESC [ ... letter`,
/// colours), OSC (`ESC ] ... BEL` or `ESC ] ... ESC \\`, titles and links)
/// and any other escape; bells and backspaces go too. Lines and their
/// numbers are unchanged. One pass, no allocation when there is none.
pub(super) fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\u{1b}', '\u{7}', '\u{8}']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{7}' || c == '\u{8}' {
            continue;
        }
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&']') {
            // OSC: up to BEL, ESC \\ or the end of the line.
            while let Some(&n) = chars.peek() {
                if n == '\n' {
                    break;
                }
                chars.next();
                if n == '\u{7}' || (n == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        } else if chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            while let Some(&n) = chars.peek() {
                if n == '\n' {
                    break;
                }
                chars.next();
                if ('@'..='~').contains(&n) {
                    break;
                }
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_text() {
        assert_eq!(validate(b""), Err(ExplainError::Empty));
        assert_eq!(validate(b" \n\t\r\n"), Err(ExplainError::Empty));
        assert_eq!(validate(b"\xEF\xBB\xBF\n"), Err(ExplainError::Empty));
        assert_eq!(
            validate(b"PK\x03\x04\x00"),
            Err(ExplainError::Binary { offset: 2 })
        );
        assert_eq!(
            validate(b"ok\nline two \xff\xfe"),
            Err(ExplainError::InvalidUtf8 {
                line: 2,
                offset: 12
            })
        );
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert!(matches!(validate(&big), Err(ExplainError::TooLarge { .. })));
        assert_eq!(
            validate(b"\xEF\xBB\xBFHTTP/1.1 200 OK"),
            Ok("HTTP/1.1 200 OK")
        );
    }

    #[test]
    fn colour_escapes_go_and_lines_stay() {
        let s = "\u{1b}[1;31mERROR:\u{1b}[0m\n  Code: Unavailable";
        assert_eq!(strip_ansi(s), "ERROR:\n  Code: Unavailable");
        let s = "\u{1b}]0;user@host: ~\u{7}$ dig\n\u{1b}]8;;http://x.example\u{1b}\\link\u{1b}]8;;\u{1b}\\ ok\u{8}\n";
        assert_eq!(strip_ansi(s), "$ dig\nlink ok\n");
        assert!(validate(b"\x1b]0;title\x07$ curl -v\n").is_ok());
    }
}
