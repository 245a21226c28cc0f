//! `/redirect/{code}?to=PATH&n=HOPS`: a chain of `n` redirects of one kind
//! (301, 302, 303, 307 or 308) that ends at `PATH` on this site (default
//! `/echo`), so a client shows which method and body arrive after each
//! kind: RFC 9110, Section 15.4 lets clients turn a POST into a GET on 301
//! and 302, requires it on 303 (for anything but GET and HEAD), and forbids
//! it on 307 and 308. `/redirect/{code}/loop` redirects to itself forever,
//! to test a client's redirect limit.
//!
//! Every `Location` is a path on this site (`policy::same_origin_location`),
//! and nothing is remembered between hops: the remaining count travels in
//! the URL.

use super::{Admitted, finish, policy, refuse};
use crate::web::error::ErrorBody;
use crate::web::error::{WebError, shorten};
use crate::web::routes::{self, RedirectQuery};
use axum::body::Body;
use axum::extract::RawQuery;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::routing::TypedPath;

/// The longest chain `n=` may ask for.
pub const MAX_HOPS: u32 = 20;

/// The redirect codes a chain may use: those that tell a client to repeat
/// the request elsewhere (RFC 9110, Section 15.4).
pub const KINDS: [u16; 5] = [301, 302, 303, 307, 308];

/// `/redirect/{code}`: one hop of the chain (see the module documentation).
/// Errors: 400 for another code, a `to` that is not a path on this site or
/// an `n` outside 1 to [`MAX_HOPS`].
#[utoipa::path(
    method(get, head, post, put, delete, patch, options),
    path = routes::LiveRedirect::PATH,
    tag = "live",
    params(
        ("code" = String, Path, description = "The redirect to make: 301, 302, 303, 307 or 308", pattern = "^(301|302|303|307|308)$", example = "307"),
        ("to" = Option<String>, Query, description = "Where the chain ends: a path on this site (default /echo)", pattern = "^/([!-.0-\\[\\]-~][!-\\[\\]-~]*)?$"),
        ("n" = Option<u32>, Query, description = "How many redirects lead there", minimum = 1, maximum = 20),
    ),
    responses(
        (status = 301, description = "Moved Permanently to the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 302, description = "Found: the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 303, description = "See Other: the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 307, description = "Temporary Redirect to the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 308, description = "Permanent Redirect to the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 400, description = "Another code, a target off this site or a count out of range", body = ErrorBody),
 (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),)
)]
pub async fn redirect(
    path: routes::LiveRedirect,
    Admitted(_): Admitted,
    RawQuery(raw): RawQuery,
) -> Response {
    match hop(&path.code, raw.as_deref()) {
        Ok((code, location, left)) => answer(code, &location, left),
        Err(e) => refuse(e),
    }
}

/// `/redirect/{code}/loop`: a redirect to this same URL, forever.
#[utoipa::path(
    method(get, head, post, put, delete, patch, options),
    path = routes::LiveRedirectLoop::PATH,
    tag = "live",
    params(("code" = String, Path, description = "The redirect to make: 301, 302, 303, 307 or 308", pattern = "^(301|302|303|307|308)$", example = "302")),
    responses(
        (status = 301, description = "Moved Permanently to the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 302, description = "Found: the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 303, description = "See Other: the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 307, description = "Temporary Redirect to the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 308, description = "Permanent Redirect to the next hop", headers(("Location" = String, description = "A path on this site"))),
        (status = 400, description = "Another code, a target off this site or a count out of range", body = ErrorBody),
 (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),)
)]
pub async fn redirect_loop(path: routes::LiveRedirectLoop, Admitted(_): Admitted) -> Response {
    match kind(&path.code) {
        Ok(code) => answer(code, &path.to_string(), None),
        Err(e) => refuse(e),
    }
}

fn kind(code: &str) -> Result<u16, WebError> {
    super::whole::<u16>(code)
        .filter(|c| KINDS.contains(c))
        .ok_or_else(|| {
            WebError::bad_request(format!(
                "“{}” is not a redirect this endpoint makes: use 301, 302, 303, 307 or 308",
                shorten(code)
            ))
        })
}

/// The code, the next `Location` and how many redirects follow this one.
fn hop(code: &str, raw: Option<&str>) -> Result<(u16, String, Option<u32>), WebError> {
    let code = kind(code)?;
    let query = RedirectQuery {
        to: super::query_param(raw, "to"),
        n: super::query_param(raw, "n"),
    };
    let to = match &query.to {
        Some(to) => {
            policy::same_origin_location(to)?;
            to.clone()
        }
        None => routes::LiveEcho.to_string(),
    };
    let n = match &query.n {
        Some(n) => super::whole::<u32>(n)
            .filter(|n| (1..=MAX_HOPS).contains(n))
            .ok_or_else(|| {
                WebError::bad_request(format!(
                    "n “{}” must be a number of redirects from 1 to {MAX_HOPS}",
                    shorten(n)
                ))
            })?,
        None => 1,
    };
    if n == 1 {
        return Ok((code, to, Some(0)));
    }
    let next = RedirectQuery {
        to: query.to,
        n: Some((n - 1).to_string()),
    };
    let location = routes::with_query(
        routes::LiveRedirect {
            code: code.to_string(),
        },
        &next,
    );
    Ok((code, location, Some(n - 1)))
}

/// The redirect itself: the status, `Location`, and a line of text saying
/// where it leads. `left` is how many redirects follow (`None`: a loop).
fn answer(code: u16, location: &str, left: Option<u32>) -> Response {
    let Ok(value) = policy::same_origin_location(location) else {
        return refuse(WebError::bad_request(
            "the redirect target is not a path on this site",
        ));
    };
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND);
    let text = match left {
        Some(0) => format!("{code}: the chain ends at {location}\n"),
        Some(n) => format!("{code}: {n} more redirect(s) after {location}\n"),
        None => format!("{code}: this URL redirects to itself, without end\n"),
    };
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::LOCATION, value);
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    finish(r)
}
