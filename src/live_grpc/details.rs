//! The google.rpc error details each status carries (`google/rpc/error_details.proto`,
//! encoded in the `grpc-status-details-bin` trailer by tonic-types), chosen
//! as Google's API design guide pairs them with codes: BadRequest for
//! INVALID_ARGUMENT and OUT_OF_RANGE, PreconditionFailure for
//! FAILED_PRECONDITION, ResourceInfo for NOT_FOUND and ALREADY_EXISTS,
//! QuotaFailure for RESOURCE_EXHAUSTED, DebugInfo for UNKNOWN, INTERNAL,
//! DATA_LOSS, UNAVAILABLE and DEADLINE_EXCEEDED, and RetryInfo where a retry
//! may succeed (UNAVAILABLE, RESOURCE_EXHAUSTED). Every error also has an
//! ErrorInfo (reason, domain, the code) and a Help link to the code's page.

use super::ERROR_DOMAIN;
use crate::catalog::Entry;
use std::collections::HashMap;
use std::time::Duration;
use tonic::metadata::MetadataMap;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// ErrorInfo.reason of a status the caller asked for.
pub const REQUESTED: &str = "REQUESTED_STATUS";

/// ErrorInfo.reason of a request the server refused as malformed.
pub const INVALID_REQUEST: &str = "INVALID_REQUEST";

/// The status a caller asked for: `code` with `message` and the details
/// that fit it, plus `metadata` (the delay applied).
pub fn status_for(
    code: Code,
    entry: &Entry,
    message: &str,
    base_url: &str,
    retry_delay: Duration,
    metadata: MetadataMap,
) -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info(
        REQUESTED,
        ERROR_DOMAIN,
        HashMap::from([
            ("code".to_string(), entry.code.clone()),
            ("name".to_string(), entry.phrase.clone()),
        ]),
    );
    let asked = format!(
        "{} was requested from the statusatlas live service",
        entry.phrase
    );
    match code {
        Code::InvalidArgument | Code::OutOfRange => {
            details.add_bad_request_violation("code", asked);
        }
        Code::FailedPrecondition => {
            details.add_precondition_failure_violation("STATE", ERROR_DOMAIN, asked);
        }
        Code::NotFound | Code::AlreadyExists => {
            details.set_resource_info(
                "statusatlas.live.v1.Example",
                "examples/requested",
                "",
                asked,
            );
        }
        Code::ResourceExhausted => {
            details
                .add_quota_failure_violation("statusatlas.live.v1/requested", asked)
                .set_retry_info(Some(retry_delay));
        }
        Code::Unavailable => {
            details
                .set_retry_info(Some(retry_delay))
                .set_debug_info(Vec::<String>::new(), asked);
        }
        Code::Unknown | Code::Internal | Code::DataLoss | Code::DeadlineExceeded => {
            details.set_debug_info(Vec::<String>::new(), asked);
        }
        _ => {}
    }
    details.add_help_link(
        format!("{} {} explained", entry.code, entry.phrase),
        format!("{base_url}{}", crate::web::routes::entry(entry)),
    );
    Status::with_error_details_and_metadata(code, message, details, metadata)
}

/// INVALID_ARGUMENT with a BadRequest naming each bad field of the request.
pub fn bad_request(violations: &[(&str, String)]) -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info(INVALID_REQUEST, ERROR_DOMAIN, HashMap::new());
    for (field, description) in violations {
        details.add_bad_request_violation(*field, description.clone());
    }
    let message = violations
        .iter()
        .map(|(field, description)| format!("{field}: {description}"))
        .collect::<Vec<_>>()
        .join("; ");
    Status::with_error_details(Code::InvalidArgument, message, details)
}

/// RESOURCE_EXHAUSTED for a call the server's own limits refuse, with
/// QuotaFailure on `subject` and a one-second RetryInfo.
pub fn refusal(reason: &str, message: &str, subject: &str) -> Status {
    let mut details = ErrorDetails::new();
    details
        .set_error_info(reason, ERROR_DOMAIN, HashMap::new())
        .add_quota_failure_violation(subject, message)
        .set_retry_info(Some(Duration::from_secs(1)));
    Status::with_error_details(Code::ResourceExhausted, message, details)
}
