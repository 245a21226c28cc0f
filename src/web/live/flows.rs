//! Which live flow shows each HTTP code at work, in one table ([`FLOWS`]):
//! a code page's "Try it live" block lists these curl commands beside the
//! plain `/status/{code}` answer. Every URL comes from the typed routes.

use super::{auth, conditional};
use crate::web::routes::{self, RedirectQuery, RetryQuery, UploadQuery};

/// One flow that ends in (or passes through) a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// `/echo`: 200 with the request as received.
    Echo,
    /// `/upload` with `Expect: 100-continue`: 100, then 201.
    Continue,
    /// `/upload` over its limit: 413 before the body.
    UploadTooLarge,
    /// `/upload` with an unknown expectation: 417.
    Expectation,
    /// A redirect chain of this code ending at `/echo`.
    Redirect(u16),
    /// `/auth/basic/...`: 401, then 200 with credentials.
    Basic,
    /// `/auth/forbidden`: 403 for good credentials.
    Forbidden,
    /// Absolute-form requests through this server as a proxy: 407.
    Proxy,
    /// `/cache/etag` with If-None-Match: 304.
    NotModified,
    /// `/cache/etag` with a wrong If-Match: 412.
    PreconditionFailed,
    /// `/cache/etag` PUT without a precondition: 428.
    PreconditionRequired,
    /// `/cache/etag` PUT with the current tag: 204.
    ConditionalPut,
    /// `/range/...`: 206, single and multipart.
    Range,
    /// `/range/...` past the end: 416.
    Unsatisfiable,
    /// `/retry/...` with a client that honours Retry-After.
    Retry(u16),
    /// A method the resource does not allow: 405 with Allow.
    MethodNotAllowed,
    /// `/negotiate` with an Accept it cannot meet: 406.
    NotAcceptable,
    /// `/negotiate` with a body type it does not take: 415.
    UnsupportedMediaType,
    /// A request target over the limit: 414.
    UriTooLong,
    /// A header field over the limit: 431.
    HeaderTooLarge,
}

/// Codes and the flows that show them, in code order.
pub const FLOWS: &[(u16, Flow)] = &[
    (100, Flow::Continue),
    (200, Flow::Echo),
    (201, Flow::Continue),
    (204, Flow::ConditionalPut),
    (206, Flow::Range),
    (301, Flow::Redirect(301)),
    (302, Flow::Redirect(302)),
    (303, Flow::Redirect(303)),
    (304, Flow::NotModified),
    (307, Flow::Redirect(307)),
    (308, Flow::Redirect(308)),
    (401, Flow::Basic),
    (403, Flow::Forbidden),
    (405, Flow::MethodNotAllowed),
    (406, Flow::NotAcceptable),
    (407, Flow::Proxy),
    (412, Flow::PreconditionFailed),
    (413, Flow::UploadTooLarge),
    (414, Flow::UriTooLong),
    (415, Flow::UnsupportedMediaType),
    (416, Flow::Unsatisfiable),
    (417, Flow::Expectation),
    (428, Flow::PreconditionRequired),
    (429, Flow::Retry(429)),
    (431, Flow::HeaderTooLarge),
    (503, Flow::Retry(503)),
];

/// The flows of `code` (most codes have none).
pub fn for_code(code: u16) -> impl Iterator<Item = Flow> {
    FLOWS
        .iter()
        .filter(move |(c, _)| *c == code)
        .map(|(_, f)| *f)
}

/// A step of a flow as shown on a code page: what it shows, and the
/// command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub note: String,
    pub command: String,
}

fn step(note: &str, command: String) -> Step {
    Step {
        note: note.to_string(),
        command,
    }
}

impl Flow {
    /// The curl commands of this flow against the live origin `base`
    /// (`https://live.example`, no trailing slash).
    pub fn steps(self, base: &str) -> Vec<Step> {
        let url = |path: String| format!("'{base}{path}'");
        let upload = |limit: Option<u64>| {
            url(routes::with_query(
                routes::LiveUpload,
                &UploadQuery {
                    limit: limit.map(|l| l.to_string()),
                },
            ))
        };
        let etag = url(routes::LiveCacheEtag.to_string());
        let tag = conditional::etag_value();
        match self {
            Flow::Echo => vec![step(
                "200 with the request as the server received it, as JSON:",
                format!("curl -i -d hello {}", url(routes::LiveEcho.to_string())),
            )],
            Flow::Continue => vec![step(
                "The body waits for 100 Continue, then the upload answers 201 (-v shows both):",
                format!(
                    "curl -v -H 'Expect: 100-continue' -d hello {}",
                    upload(None)
                ),
            )],
            Flow::UploadTooLarge => vec![step(
                "Refused with 413 and Connection: close before the body is sent:",
                format!(
                    "curl -v -H 'Expect: 100-continue' -d hello {}",
                    upload(Some(4))
                ),
            )],
            Flow::Expectation => vec![step(
                "An expectation the server does not know is refused with 417:",
                format!(
                    "curl -i -H 'Expect: something-else' -d hello {}",
                    upload(None)
                ),
            )],
            Flow::Redirect(code) => {
                let chain = url(routes::with_query(
                    routes::LiveRedirect {
                        code: code.to_string(),
                    },
                    &RedirectQuery {
                        to: None,
                        n: Some("2".into()),
                    },
                ));
                let kept = if matches!(code, 307 | 308) {
                    "keeps the POST and its body"
                } else if code == 303 {
                    "turns the POST into a GET"
                } else {
                    "turns the POST into a GET in curl, browsers and most libraries"
                };
                vec![
                    step(
                        &format!(
                            "Two {code} redirects, then /echo shows what arrived: the client {kept}:"
                        ),
                        format!("curl -iL -d hello {chain}"),
                    ),
                    step(
                        "A redirect to itself, to test a client's redirect limit:",
                        format!(
                            "curl -iL --max-redirs 5 {}",
                            url(routes::LiveRedirectLoop {
                                code: code.to_string()
                            }
                            .to_string())
                        ),
                    ),
                ]
            }
            Flow::Basic => {
                let path = url(routes::LiveAuthBasic {
                    user: "user".into(),
                    password: "passwd".into(),
                }
                .to_string());
                vec![
                    step("401 with a Basic challenge:", format!("curl -i {path}")),
                    step(
                        "The right credentials answer it:",
                        format!("curl -i -u user:passwd {path}"),
                    ),
                    step(
                        "The Bearer scheme, with the token in the path:",
                        format!(
                            "curl -i -H 'Authorization: Bearer abc' {}",
                            url(routes::LiveAuthBearer {
                                token: "abc".into()
                            }
                            .to_string())
                        ),
                    ),
                ]
            }
            Flow::Forbidden => vec![step(
                "Authenticated and still refused: 403 (without credentials it is 401):",
                format!(
                    "curl -i -u {}:{} {}",
                    auth::TEST_USER,
                    auth::TEST_PASSWORD,
                    url(routes::LiveAuthForbidden.to_string())
                ),
            )],
            Flow::Proxy => vec![
                step(
                    "Use this server as a proxy: 407 with Proxy-Authenticate (nothing is ever forwarded):",
                    format!("curl -i --proxy '{base}' http://example.test/"),
                ),
                step(
                    "With the test credentials, an explanation instead of the page asked for:",
                    format!(
                        "curl -i --proxy '{base}' --proxy-user {}:{} http://example.test/",
                        auth::TEST_USER,
                        auth::TEST_PASSWORD
                    ),
                ),
            ],
            Flow::NotModified => vec![step(
                "The representation's ETag in If-None-Match gives 304:",
                format!("curl -i -H 'If-None-Match: {tag}' {etag}"),
            )],
            Flow::PreconditionFailed => vec![step(
                "A PUT with an If-Match the representation does not have gives 412:",
                format!("curl -i -X PUT -H 'If-Match: \"stale\"' -d hello {etag}"),
            )],
            Flow::PreconditionRequired => vec![step(
                "A PUT without If-Match gives 428:",
                format!("curl -i -X PUT -d hello {etag}"),
            )],
            Flow::ConditionalPut => vec![step(
                "A PUT with the current ETag in If-Match gives 204 (nothing is stored):",
                format!("curl -i -X PUT -H 'If-Match: {tag}' -d hello {etag}"),
            )],
            Flow::Range => {
                let path = url(routes::LiveRange {
                    bytes: "100".into(),
                }
                .to_string());
                vec![
                    step(
                        "One range: 206 with Content-Range:",
                        format!("curl -i -r 0-9 {path}"),
                    ),
                    step(
                        "Two ranges: 206 with a multipart/byteranges body:",
                        format!("curl -i -r 0-9,50-59 {path}"),
                    ),
                ]
            }
            Flow::Unsatisfiable => vec![step(
                "A range past the end gives 416 with Content-Range: bytes */100:",
                format!(
                    "curl -i -r 500-600 {}",
                    url(routes::LiveRange {
                        bytes: "100".into()
                    }
                    .to_string())
                ),
            )],
            Flow::Retry(code) => vec![step(
                &format!(
                    "{code} with Retry-After until 2 s have passed, then 200; curl waits as told:"
                ),
                format!(
                    "curl -i --retry 3 {}",
                    url(routes::with_query(
                        routes::LiveRetry {
                            code: code.to_string()
                        },
                        &RetryQuery {
                            after: Some("2".into()),
                            id: None,
                        },
                    ))
                ),
            )],
            Flow::MethodNotAllowed => vec![step(
                "DELETE is not among the methods of /cache/etag: 405 with Allow:",
                format!("curl -i -X DELETE {etag}"),
            )],
            Flow::NotAcceptable => vec![step(
                "An Accept that rules out every representation gives 406:",
                format!(
                    "curl -i -H 'Accept: image/png' {}",
                    url(routes::LiveNegotiate.to_string())
                ),
            )],
            Flow::UnsupportedMediaType => vec![step(
                "A body type the resource does not take gives 415 with Accept-Post:",
                format!(
                    "curl -i -H 'Content-Type: application/xml' -d '<a/>' {}",
                    url(routes::LiveNegotiate.to_string())
                ),
            )],
            Flow::UriTooLong => vec![step(
                "A request target over 2 KiB gives 414:",
                format!(
                    "curl -i \"{base}{}?q=$(head -c 3000 /dev/zero | tr '\\0' a)\"",
                    routes::LiveEcho
                ),
            )],
            Flow::HeaderTooLarge => vec![step(
                "A header field over 8 KiB gives 431:",
                format!(
                    "curl -i -H \"X-Big: $(head -c 9000 /dev/zero | tr '\\0' a)\" {}",
                    url(routes::LiveEcho.to_string())
                ),
            )],
        }
    }
}

/// The steps of every flow of `code` against `base`.
pub fn steps_for(code: u16, base: &str) -> Vec<Step> {
    for_code(code).flat_map(|f| f.steps(base)).collect()
}
