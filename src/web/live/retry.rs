//! `/retry/{429|503}?after=SECONDS&id=ID`: 429 Too Many Requests or 503
//! Service Unavailable with `Retry-After` (RFC 9110, Section 10.2.3) until
//! `after` seconds have passed since the flow's first request, then 200, so
//! a client's retry logic can be tested end to end: does it wait as long as
//! it was told, and does it come back at all?
//!
//! A flow is named by the client's address, the code, `after` and `id`
//! (default: none, so one client runs one flow per code and wait at a
//! time). Its start is kept in a table of at most [`MAX_FLOWS`] entries;
//! an entry is dropped once its flow ends with 200 or [`FORGET_AFTER`] past
//! its end, and when the table is full the oldest flow is forgotten (its
//! client simply starts again).

use super::{Admitted, json_answer, refuse};
use crate::web::error::ErrorBody;
use crate::web::error::{WebError, shorten};
use crate::web::routes::{self, RetryQuery};
use axum::extract::RawQuery;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::routing::TypedPath;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most flows remembered at once.
pub const MAX_FLOWS: usize = 4096;
/// The longest wait `after=` may ask for, in seconds.
pub const MAX_AFTER: u64 = 120;
/// The wait when `after=` is not given, in seconds.
pub const DEFAULT_AFTER: u64 = 2;
/// How long an unfinished flow is remembered after its wait is over.
pub const FORGET_AFTER: Duration = Duration::from_secs(600);
/// The longest `id=`, in bytes.
pub const MAX_ID: usize = 64;

/// What names a flow: the client's address, the code, the wait in
/// seconds and the `id`.
pub type Key = (IpAddr, u16, u64, String);

/// The starts of the flows in progress.
#[derive(Default)]
pub struct Flows {
    started: Mutex<HashMap<Key, Instant>>,
}

impl Flows {
    /// How long `key`'s flow still has to wait (zero: it is over, and the
    /// flow is forgotten), starting it at `now` if it is new.
    pub fn remaining(&self, key: Key, after: Duration, now: Instant) -> Duration {
        let mut table = self.started.lock().unwrap_or_else(|e| e.into_inner());
        if !table.contains_key(&key) && table.len() >= MAX_FLOWS {
            table.retain(|k, start| {
                now.duration_since(*start) < Duration::from_secs(k.2) + FORGET_AFTER
            });
            if table.len() >= MAX_FLOWS
                && let Some(oldest) = table
                    .iter()
                    .min_by_key(|(_, s)| **s)
                    .map(|(k, _)| k.clone())
            {
                table.remove(&oldest);
            }
        }
        let start = *table.entry(key.clone()).or_insert(now);
        let left = after.saturating_sub(now.duration_since(start));
        if left.is_zero() {
            table.remove(&key);
        }
        left
    }

    /// How many flows are remembered now.
    pub fn len(&self) -> usize {
        self.started.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no flow is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `/retry/{code}`: see the module documentation. Errors: 400 for a code
/// other than 429 or 503, an `after` outside 0 to [`MAX_AFTER`], or an `id`
/// longer than [`MAX_ID`] bytes or with characters other than letters,
/// digits, `.`, `_` and `-`.
#[utoipa::path(
    method(get, head, post, put, delete, patch, options),
    path = routes::LiveRetry::PATH,
    tag = "live",
    params(
        ("code" = String, Path, description = "429 or 503", pattern = "^(429|503)$", example = "429"),
        ("after" = Option<u64>, Query, description = "Seconds to refuse for (default 2)", minimum = 0, maximum = 120),
        ("id" = Option<String>, Query, description = "Names the flow", max_length = 64, pattern = "^[A-Za-z0-9._-]*$"),
    ),
    responses(
        (status = 200, description = "The wait is over", body = Object),
        (status = 400, description = "Another code, or after or id out of range", body = ErrorBody),
        (status = 429, description = "Too Many Requests: wait as Retry-After says", body = Object, headers(("Retry-After" = u64, description = "Seconds"))),
        (status = 503, description = "Service Unavailable: wait as Retry-After says", body = Object, headers(("Retry-After" = u64, description = "Seconds"))),
    )
)]
pub async fn retry(
    path: routes::LiveRetry,
    Admitted(client): Admitted,
    axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::web::AppState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (code, after, id) = match parse(&path.code, raw.as_deref()) {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let wait = Duration::from_secs(after);
    let left =
        state
            .live
            .retries
            .remaining((client, code, after, id.clone()), wait, Instant::now());
    if left.is_zero() {
        return json_answer(
            StatusCode::OK,
            &serde_json::json!({
                "code": code,
                "after": after,
                "id": id,
                "message": format!("The {after} s wait is over: this is the answer a client that honours Retry-After gets."),
            }),
        );
    }
    // Retry-After is whole seconds (delta-seconds); round up, so a client
    // that waits exactly as told is never early.
    let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut r = json_answer(
        status,
        &serde_json::json!({
            "code": code,
            "after": after,
            "id": id,
            "retry_after": seconds,
            "message": format!("Wait {seconds} s (Retry-After) and send the same request again."),
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn parse(code: &str, raw: Option<&str>) -> Result<(u16, u64, String), WebError> {
    let code = match code {
        "429" => 429,
        "503" => 503,
        other => {
            return Err(WebError::bad_request(format!(
                "“{}” is not a code this endpoint retries: use 429 or 503",
                shorten(other)
            )));
        }
    };
    let query = RetryQuery {
        after: super::query_param(raw, "after"),
        id: super::query_param(raw, "id"),
    };
    let after = match &query.after {
        Some(a) => super::whole::<u64>(a)
            .filter(|a| *a <= MAX_AFTER)
            .ok_or_else(|| {
                WebError::bad_request(format!(
                    "after “{}” must be a number of seconds from 0 to {MAX_AFTER}",
                    shorten(a)
                ))
            })?,
        None => DEFAULT_AFTER,
    };
    let id = query.id.unwrap_or_default();
    if id.len() > MAX_ID
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(WebError::bad_request(format!(
            "id must be at most {MAX_ID} letters, digits, dots, underscores or hyphens"
        )));
    }
    Ok((code, after, id))
}
