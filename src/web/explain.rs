//! The web faces of [`crate::explain`]: the `/explain` page (a form that
//! works without script and shows its answer on the page) and
//! `POST /api/v1/explain`. Nothing is stored: the text lives for one
//! request. On the page every piece of the text is escaped by the template;
//! the API answers JSON, which escapes by construction.

use super::AppState;
use super::error::{ErrorBody, WebError};
use super::layers::{EXPLAIN_BODY_LIMIT, read_body};
use super::routes;
use super::views::{ExplainFinding, ExplainPage, ExplainSummary, Head};
use crate::catalog::catalog;
use crate::explain::{self, ExplainError, Explanation, MAX_INPUT_BYTES};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::routing::TypedPath;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

const HTML: &str = "text/html; charset=utf-8";

/// What the pattern of [`ExplainRequest::text`] admits, exactly what
/// `explain::explain` accepts besides the size: no control character but
/// tab, line feed, form feed, carriage return, BEL, backspace and escape;
/// and, after an optional byte order mark, something besides ASCII white
/// space. (A text that starts like a HAR file must also be JSON.)
pub const TEXT_PATTERN: &str = "^(?:\\uFEFF[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*|(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20\\uFEFF])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*|[\\t\\n\\f\\r ][^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*)$";

/// The JSON body of `POST /api/v1/explain`: `{"text": "..."}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The transcript: a `curl -v` dump, a bounce, a `dig` answer, a log, a
    /// HAR file... At most 1 MiB (1,048,576 bytes) of UTF-8; not only white
    /// space; no control characters but tab, line breaks, form feed, BEL,
    /// backspace and escape.
    #[schema(
        max_length = 1048576,
        pattern = "^(?:\\uFEFF[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*|(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20\\uFEFF])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*|[\\t\\n\\f\\r ][^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*)$",
        example = "< HTTP/1.1 407 Proxy Authentication Required"
    )]
    pub text: String,
}

/// The `text/plain` body of `POST /api/v1/explain`: the transcript itself,
/// at most 1 MiB (1,048,576 bytes) of UTF-8; not only white space; no
/// control characters but tab, line breaks, form feed, BEL, backspace and
/// escape.
#[derive(ToSchema)]
#[schema(value_type = String, max_length = 1048576, pattern = "^(?:\\uFEFF[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*|(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20\\uFEFF])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*|[\\t\\n\\f\\r ][^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*(?:[\\x07\\x08\\x1B]|[^\\x00-\\x20])[^\\x00-\\x06\\x0B\\x0E-\\x1A\\x1C-\\x1F]*)$", example = "< HTTP/1.1 407 Proxy Authentication Required")]
pub struct ExplainText(pub String);

/// The status of an input the library refuses: 413 for too large, 400 for
/// the rest.
fn status_of(e: &ExplainError) -> StatusCode {
    match e {
        ExplainError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Runs the library and fills in the links to code pages.
fn run(input: &[u8]) -> Result<Explanation, ExplainError> {
    let mut x = explain::explain(input)?;
    x.link_with(routes::entry);
    Ok(x)
}

/// Which body a request carries, from its `Content-Type`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    Text,
    Json,
    Form,
}

/// The media type of a request: `text/plain`, `application/json` or
/// `application/x-www-form-urlencoded`, with at most a UTF-8 (or US-ASCII)
/// charset. Anything else is None.
fn body_kind(headers: &HeaderMap) -> Option<Body> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let parsed = mediatype::MediaType::parse(value.trim()).ok()?;
    let ty = parsed.ty.as_str().to_ascii_lowercase();
    let sub = parsed.subty.as_str().to_ascii_lowercase();
    if parsed.suffix.is_some() {
        return None;
    }
    let charset_ok = parsed.params.iter().all(|(name, value)| {
        name.as_str().eq_ignore_ascii_case("charset")
            && ["utf-8", "utf8", "us-ascii"]
                .iter()
                .any(|c| value.as_str().trim_matches('"').eq_ignore_ascii_case(c))
    });
    if !charset_ok {
        return None;
    }
    match (ty.as_str(), sub.as_str()) {
        ("text", "plain") => Some(Body::Text),
        ("application", "json") => Some(Body::Json),
        ("application", "x-www-form-urlencoded") => Some(Body::Form),
        _ => None,
    }
}

fn unsupported(accepted: &str) -> WebError {
    WebError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!("Send the text as {accepted} (UTF-8)."),
    )
}

/// Explains a transcript: every status code in it, in order, and what the
/// whole amounts to. The body is the text itself (`text/plain`) or
/// `{"text": "..."}` (`application/json`), UTF-8 either way; nothing is
/// stored. An input without any code answers 200 with no findings.
#[utoipa::path(
    post,
    path = routes::ApiExplain::PATH,
    request_body(
        description = "The transcript, as plain text or in a JSON object",
        content(
            (ExplainText = "text/plain"),
            (ExplainRequest = "application/json"),
        )
    ),
    responses(
        (status = 200, description = "Every code found, in order, and the diagnosis", body = Explanation),
        (status = 400, description = "The text is empty, binary, not UTF-8, or a HAR file that is not JSON (error codes empty, binary, invalid_utf8, invalid_har), or the JSON body is not {\"text\": string} (bad_request)", body = ErrorBody),
        (status = 413, description = "The text is over 1 MiB, or the body over the route's limit (too_large)", body = ErrorBody),
        (status = 415, description = "The body is neither text/plain nor application/json in UTF-8 (unsupported_media_type)", body = ErrorBody),
    )
)]
pub async fn api(_: routes::ApiExplain, request: Request) -> Result<Response, WebError> {
    let kind = body_kind(request.headers());
    let accepted = "text/plain or application/json";
    let text = match kind {
        Some(Body::Text) => read_body(request.into_body(), EXPLAIN_BODY_LIMIT)
            .await?
            .to_vec(),
        Some(Body::Json) => {
            let bytes = read_body(request.into_body(), EXPLAIN_BODY_LIMIT).await?;
            let body: ExplainRequest = serde_json::from_slice(&bytes).map_err(|e| {
                WebError::bad_request(format!(
                    "The body must be a JSON object {{\"text\": \"...\"}}: {e}."
                ))
            })?;
            body.text.into_bytes()
        }
        _ => return Err(unsupported(accepted)),
    };
    let x = run(&text).map_err(|e| WebError::new(status_of(&e), e.code(), e.to_string()))?;
    let body = serde_json::to_vec_pretty(&x)
        .map_err(|e| WebError::internal(format!("could not serialise: {e}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// `GET /explain`: the empty form.
pub async fn page(
    _: routes::Explain,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    render(&state, StatusCode::OK, String::new(), None, None)
}

/// `POST /explain`: the form's answer (`application/x-www-form-urlencoded`,
/// field `text`), or the form again with what is wrong and a 4xx.
pub async fn page_post(
    _: routes::Explain,
    State(state): State<Arc<AppState>>,
    request: Request,
) -> Result<Response, WebError> {
    if body_kind(request.headers()) != Some(Body::Form) {
        let e = unsupported("a form (application/x-www-form-urlencoded)");
        return render(&state, e.status, String::new(), Some(e.message), None);
    }
    let bytes = match read_body(request.into_body(), EXPLAIN_BODY_LIMIT).await {
        Ok(b) => b,
        Err(e) => return render(&state, e.status, String::new(), Some(e.message), None),
    };
    let text = form_field(&bytes, b"text").unwrap_or_default();
    // The text goes back into the form only when it is text the page can show.
    let shown = |text: &[u8]| match std::str::from_utf8(text) {
        Ok(s) if text.len() <= MAX_INPUT_BYTES => s.to_string(),
        _ => String::new(),
    };
    match run(&text) {
        Ok(x) => render(&state, StatusCode::OK, shown(&text), None, Some(x)),
        Err(e) => render(
            &state,
            status_of(&e),
            shown(&text),
            Some(e.to_string()),
            None,
        ),
    }
}

/// The value of field `name` of a URL-encoded form, percent-decoded to raw
/// bytes (so that text which is not UTF-8 is refused by the library rather
/// than silently replaced).
fn form_field(body: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    body.split(|&b| b == b'&').find_map(|pair| {
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        (decode(key) == name).then(|| decode(value))
    })
}

/// `application/x-www-form-urlencoded` decoding of one name or value: `+`
/// is a space, then percent-decoding.
fn decode(part: &[u8]) -> Vec<u8> {
    let plus: Vec<u8> = part
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&plus).collect()
}

fn render(
    state: &AppState,
    status: StatusCode,
    text: String,
    error: Option<String>,
    explanation: Option<Explanation>,
) -> Result<Response, WebError> {
    let head = Head {
        section: "explain",
        ..Head::new(
            catalog(),
            &state.base_url,
            &routes::Explain.to_string(),
            "Explain a transcript — statusatlas".into(),
            "Paste a curl -v dump, a bounce, a dig answer, a gRPC error or a log: every status code in it, explained.".into(),
        )
    };
    let (findings, summary) = match explanation {
        Some(x) => {
            let findings = x.findings.iter().map(ExplainFinding::of).collect();
            (findings, Some(ExplainSummary::of(&x.summary)))
        }
        None => (Vec::new(), None),
    };
    let page = ExplainPage {
        head,
        action: routes::Explain.to_string(),
        limit: format!("{} MiB", MAX_INPUT_BYTES / (1024 * 1024)),
        text,
        error,
        findings,
        summary,
    };
    let body = page
        .render()
        .map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        status,
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_decode_to_raw_bytes() {
        assert_eq!(
            form_field(b"a=1&text=%3Cb%3E+x%FF", b"text"),
            Some(b"<b> x\xff".to_vec())
        );
        assert_eq!(form_field(b"a=1", b"text"), None);
        assert_eq!(form_field(b"text", b"text"), Some(Vec::new()));
    }

    /// The schema's pattern admits exactly the texts the library accepts
    /// (size aside, and HAR-looking text aside).
    #[test]
    fn the_pattern_agrees_with_the_library() {
        let re = regex::Regex::new(TEXT_PATTERN).unwrap();
        let cases = [
            "",
            " ",
            "\n\t \r\x0c",
            "\u{feff}",
            "\u{feff} \n",
            "\u{feff}\u{feff}",
            "\u{feff}x",
            "x",
            " x",
            "\x07",
            "\x1b[0m",
            "a\x00b",
            "a\x0bb",
            "\x1f",
            "\u{a0}",
            "HTTP/1.1 200 OK\r\n",
            "\x7f",
            "é",
            "x\u{feff}",
        ];
        for case in cases {
            assert_eq!(
                re.is_match(case),
                explain::explain(case.as_bytes()).is_ok(),
                "{case:?}"
            );
        }
    }

    #[test]
    fn the_pattern_constant_is_the_one_in_the_schemas() {
        let doc = crate::web::openapi_json();
        let escaped = serde_json::to_string(TEXT_PATTERN).unwrap();
        assert_eq!(doc.matches(escaped.as_str()).count(), 2, "{escaped}");
    }
}
