//! Turns a registry reference string ("RFC 9110, Section 15.5.8; RFC 8767")
//! into linkable parts. The data keeps the registry's exact text, so that it
//! can be compared with the registry row by row; links are derived from it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
pub struct SpecRef {
    /// The part of the reference as written ("RFC 9110, Section 15.5.8").
    pub text: String,
    pub rfc: Option<u32>,
    pub section: Option<String>,
    /// Where to read it, when the reference names a document we can link.
    pub url: Option<String>,
}

/// Splits a reference on `;` and links each part that names an RFC or an
/// IETF document.
pub fn parse(reference: &str) -> Vec<SpecRef> {
    reference
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(parse_part)
        .collect()
}

fn parse_part(part: &str) -> SpecRef {
    let text = part.to_string();
    if let Some((rfc, section)) = find_rfc(part) {
        let url = match &section {
            Some(s) => format!("https://www.rfc-editor.org/rfc/rfc{rfc}.html#section-{s}"),
            None => format!("https://www.rfc-editor.org/rfc/rfc{rfc}.html"),
        };
        return SpecRef {
            text,
            rfc: Some(rfc),
            section,
            url: Some(url),
        };
    }
    let url = if is_ietf_document_name(part) {
        Some(format!("https://datatracker.ietf.org/doc/{part}/"))
    } else if let Some(path) = part.strip_prefix("grpc/grpc ") {
        Some(format!("https://github.com/grpc/grpc/blob/master/{path}"))
    } else {
        part.strip_prefix("googleapis ")
            .map(|path| format!("https://github.com/googleapis/googleapis/blob/master/{path}"))
    };
    SpecRef {
        text,
        rfc: None,
        section: None,
        url,
    }
}

/// Finds "RFC NNNN" and an optional "Section X.Y" after it.
fn find_rfc(part: &str) -> Option<(u32, Option<String>)> {
    let at = part.find("RFC ")?;
    let rest = &part[at + 4..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let rfc = digits.parse().ok()?;
    let after = &rest[digits.len()..];
    let section = after.find("Section ").map(|i| {
        after[i + 8..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect::<String>()
            .trim_end_matches('.')
            .to_string()
    });
    Some((rfc, section.filter(|s| !s.is_empty())))
}

/// `draft-ietf-httpbis-resumable-upload-05`, `status-change-...`: names the
/// IETF datatracker knows, written as one lowercase token.
fn is_ietf_document_name(part: &str) -> bool {
    (part.starts_with("draft-") || part.starts_with("status-change-"))
        && part
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_with_section() {
        let r = parse("RFC 9110, Section 15.5.8");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].rfc, Some(9110));
        assert_eq!(r[0].section.as_deref(), Some("15.5.8"));
        assert_eq!(
            r[0].url.as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.8")
        );
    }

    #[test]
    fn several_parts_and_documents() {
        let r = parse("RFC 2774; status-change-http-experiments-to-historic");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].section, None);
        assert_eq!(
            r[1].url.as_deref(),
            Some("https://datatracker.ietf.org/doc/status-change-http-experiments-to-historic/")
        );
    }

    #[test]
    fn section_inside_parentheses_and_unlinkable_text() {
        let r = parse("IANA registry (3000-3999 range, RFC 6455 Section 7.4.2)");
        assert_eq!(r[0].rfc, Some(6455));
        assert_eq!(r[0].section.as_deref(), Some("7.4.2"));
        let plain = parse("nginx source (ngx_http_request.h)");
        assert_eq!(plain[0].url, None);
    }
}
