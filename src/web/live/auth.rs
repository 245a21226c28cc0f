//! Authentication challenges (RFC 9110, Section 11): a 401 with a
//! `WWW-Authenticate` challenge until the client answers it with the right
//! credentials, then 200.
//!
//! - `/auth/basic/{user}/{password}`: the Basic scheme (RFC 7617), with the
//!   expected credentials in the path;
//! - `/auth/bearer/{token}`: the Bearer scheme (RFC 6750), with the expected
//!   token in the path; a wrong token adds `error="invalid_token"`;
//! - `/auth/forbidden`: 401 until the documented test credentials
//!   ([`TEST_USER`], [`TEST_PASSWORD`]) arrive, then 403: the server knows
//!   who asks and still refuses, which is what 403 says and 401 does not.
//!
//! A wrong scheme or wrong credentials keep the 401. Nothing is stored; the
//! credentials are test values anyone can read in the URL or here.

use super::{Admitted, json_answer};
use crate::web::error::ErrorBody;
use crate::web::routes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::headers::authorization::{Basic, Bearer, Credentials};
use axum_extra::headers::{Authorization, HeaderMapExt};
use axum_extra::routing::TypedPath;

/// The user name of the documented test credentials (for `/auth/forbidden`
/// and proxy authentication).
pub const TEST_USER: &str = "statusatlas";
/// The password of the documented test credentials.
pub const TEST_PASSWORD: &str = "live-test";

/// The realm of every challenge.
pub const REALM: &str = "statusatlas";

/// The challenge of the Basic scheme, with the UTF-8 charset (RFC 7617,
/// Section 2.1).
pub const BASIC_CHALLENGE: &str = "Basic realm=\"statusatlas\", charset=\"UTF-8\"";

/// What the `Authorization` (or `Proxy-Authorization`) field carries.
#[derive(Debug)]
pub enum Presented {
    /// No such field.
    Nothing,
    /// A scheme other than the one asked for (its name, shortened).
    OtherScheme(String),
    /// The scheme asked for, but not decodable (bad base64, no colon ...).
    Malformed,
    /// Basic credentials.
    Basic { user: String, password: String },
    /// A Bearer token.
    Bearer(String),
}

/// Reads the credentials of `field` for `scheme` (`Basic` or `Bearer`);
/// scheme names are compared without regard to case (RFC 9110, Section 11.1).
pub fn presented(headers: &HeaderMap, field: &header::HeaderName, scheme: &str) -> Presented {
    let Some(value) = headers.get(field) else {
        return Presented::Nothing;
    };
    let given = value
        .as_bytes()
        .split(|b| *b == b' ')
        .next()
        .unwrap_or_default();
    if !given.eq_ignore_ascii_case(scheme.as_bytes()) {
        let name = String::from_utf8_lossy(given);
        return Presented::OtherScheme(crate::web::error::shorten(&name));
    }
    // The typed header reads only `Authorization`; the same credentials in
    // `Proxy-Authorization` are decoded through a copy under that name.
    let mut one = HeaderMap::new();
    one.insert(header::AUTHORIZATION, value.clone());
    if scheme.eq_ignore_ascii_case(Basic::SCHEME) {
        match one.typed_get::<Authorization<Basic>>() {
            Some(Authorization(b)) => Presented::Basic {
                user: b.username().to_string(),
                password: b.password().to_string(),
            },
            None => Presented::Malformed,
        }
    } else {
        match one.typed_get::<Authorization<Bearer>>() {
            Some(Authorization(b)) if !b.token().is_empty() => {
                Presented::Bearer(b.token().to_string())
            }
            _ => Presented::Malformed,
        }
    }
}

/// Whether `presented` are the documented test credentials.
pub fn are_test_credentials(presented: &Presented) -> bool {
    matches!(presented, Presented::Basic { user, password } if user == TEST_USER && password == TEST_PASSWORD)
}

/// `/auth/basic/{user}/{password}`: 200 for exactly these credentials in
/// the Basic scheme, 401 with a Basic challenge otherwise.
#[utoipa::path(
    method(get, head, post, put, delete, patch, options),
    path = routes::LiveAuthBasic::PATH,
    tag = "live",
    params(
        ("user" = String, Path, description = "The user name to expect", min_length = 1, pattern = "^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$"),
        ("password" = String, Path, description = "The password to expect", min_length = 1, pattern = "^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$"),
    ),
    responses(
        (status = 200, description = "Authenticated", body = Object),
        (status = 401, description = "Not authenticated: the challenge", body = Object, headers(("WWW-Authenticate" = String, description = "A Basic challenge"))),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn basic(
    path: routes::LiveAuthBasic,
    Admitted(_): Admitted,
    headers: HeaderMap,
) -> Response {
    let got = presented(&headers, &header::AUTHORIZATION, Basic::SCHEME);
    match &got {
        Presented::Basic { user, password } if *user == path.user && *password == path.password => {
            json_answer(
                StatusCode::OK,
                &serde_json::json!({"authenticated": true, "scheme": "Basic", "user": user}),
            )
        }
        _ => challenge(BASIC_CHALLENGE, &why(&got, "Basic")),
    }
}

/// `/auth/bearer/{token}`: 200 for exactly this token, 401 with a Bearer
/// challenge otherwise (RFC 6750, Section 3: `error="invalid_token"` when a
/// token was presented and is wrong).
#[utoipa::path(
    method(get, head, post, put, delete, patch, options),
    path = routes::LiveAuthBearer::PATH,
    tag = "live",
    params(("token" = String, Path, description = "The token to expect", min_length = 1, pattern = "^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")),
    responses(
        (status = 200, description = "Authenticated", body = Object),
        (status = 401, description = "Not authenticated: the challenge", body = Object, headers(("WWW-Authenticate" = String, description = "A Bearer challenge"))),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn bearer(
    path: routes::LiveAuthBearer,
    Admitted(_): Admitted,
    headers: HeaderMap,
) -> Response {
    let got = presented(&headers, &header::AUTHORIZATION, Bearer::SCHEME);
    match &got {
        Presented::Bearer(token) if *token == path.token => json_answer(
            StatusCode::OK,
            &serde_json::json!({"authenticated": true, "scheme": "Bearer", "token": token}),
        ),
        Presented::Bearer(_) | Presented::Malformed => challenge(
            "Bearer realm=\"statusatlas\", error=\"invalid_token\", error_description=\"The access token is not the one this URL expects\"",
            &why(&got, "Bearer"),
        ),
        _ => challenge("Bearer realm=\"statusatlas\"", &why(&got, "Bearer")),
    }
}

/// `/auth/forbidden`: 401 until the test credentials arrive in the Basic
/// scheme, then 403 Forbidden.
#[utoipa::path(
    method(get, head, post, put, delete, patch, options),
    path = routes::LiveAuthForbidden::PATH,
    tag = "live",
    responses(
        (status = 401, description = "Not the test credentials: the challenge", body = Object, headers(("WWW-Authenticate" = String, description = "A Basic challenge"))),
        (status = 403, description = "The test credentials: authenticated and refused", body = Object),
        (status = 429, description = "Over the per-client rate (on public addresses)", body = ErrorBody),
    )
)]
pub async fn forbidden(
    _: routes::LiveAuthForbidden,
    Admitted(_): Admitted,
    headers: HeaderMap,
) -> Response {
    let got = presented(&headers, &header::AUTHORIZATION, Basic::SCHEME);
    if are_test_credentials(&got) {
        return json_answer(
            StatusCode::FORBIDDEN,
            &serde_json::json!({
                "authenticated": true,
                "user": TEST_USER,
                "message": "You are authenticated, and this resource is still not for you: 403 means the server knows who you are and refuses; sending the credentials again will not help.",
            }),
        );
    }
    let reason = match &got {
        Presented::Basic { .. } => {
            format!("These are not the test credentials ({TEST_USER} / {TEST_PASSWORD}).")
        }
        _ => why(&got, "Basic"),
    };
    challenge(BASIC_CHALLENGE, &reason)
}

/// Why a request is not authenticated, for the 401's body.
fn why(got: &Presented, scheme: &str) -> String {
    match got {
        Presented::Nothing => "No credentials: answer the challenge in WWW-Authenticate.".into(),
        Presented::OtherScheme(other) => {
            format!("The credentials use the “{other}” scheme; this resource takes {scheme}.")
        }
        Presented::Malformed => format!("The {scheme} credentials could not be read."),
        Presented::Basic { .. } | Presented::Bearer(_) => {
            "The credentials are not the ones this URL expects.".into()
        }
    }
}

/// A 401 with `challenge` in `WWW-Authenticate` and a JSON body saying why.
fn challenge(challenge: &'static str, reason: &str) -> Response {
    let mut r = json_answer(
        StatusCode::UNAUTHORIZED,
        &serde_json::json!({"authenticated": false, "message": reason}),
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    r
}
