//! The short diagnosis of a whole transcript: which code is the final
//! outcome, whether it is transient or permanent, which hop produced it, and
//! the failures seen on the way there.

use super::Finding;
use crate::catalog::{Protocol, Retry};
use serde::Serialize;
use std::collections::HashSet;

/// How many earlier failures the summary names.
const MAX_EARLIER: usize = 10;

/// What the outcome means for whoever sent the request or message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The request or message went through (HTTP 2xx, SMTP 2yz, gRPC OK,
    /// DNS NOERROR, WebSocket 1000).
    Success,
    /// Another location or server has the answer (HTTP and SIP 3xx).
    Redirect,
    /// An interim answer; the final one is not in the text (HTTP and SIP
    /// 1xx, SMTP and FTP 1yz and 3yz).
    Provisional,
    /// A failure that the same attempt may get past later (SMTP 4yz, a DSN
    /// with `Action: delayed`, retryable gRPC codes, HTTP 503).
    TransientFailure,
    /// A failure that the same attempt will meet again until something
    /// changes (SMTP 5yz, a DSN with `Action: failed`, HTTP 404).
    PermanentFailure,
}

impl Verdict {
    /// The verdict in words, for the diagnosis ("a transient failure: ...").
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Success => "success",
            Verdict::Redirect => "a redirection",
            Verdict::Provisional => "a provisional answer",
            Verdict::TransientFailure => "a transient failure: the same attempt may succeed later",
            Verdict::PermanentFailure => {
                "a permanent failure: the same attempt will fail the same way"
            }
        }
    }

    /// Transient or permanent failure.
    pub fn is_failure(self) -> bool {
        matches!(self, Verdict::TransientFailure | Verdict::PermanentFailure)
    }
}

/// The final outcome of a transcript.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    pub protocol: Protocol,
    /// As in [`Finding::code`](super::Finding::code).
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// The 1-based line it was read from.
    pub line: usize,
    pub verdict: Verdict,
    /// Who produced it, where the transcript says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hop: Option<String>,
    /// The catalog's advice, completing "the client should ...".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

/// What the findings amount to.
///
/// JSON: `{"count", "protocols", "outcome", "earlier_failures", "diagnosis"}`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// How many codes were found.
    pub count: usize,
    /// The protocols seen, in order of first appearance.
    pub protocols: Vec<Protocol>,
    /// The final outcome, or none when no code was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Failures before the outcome, as "HTTP 407 (line 9)".
    pub earlier_failures: Vec<String>,
    /// The whole diagnosis in a few sentences.
    pub diagnosis: String,
}

/// The verdict of one finding, from its class where the protocol has
/// classes that say it (SMTP, FTP) and otherwise from the catalog's retry
/// advice for the code.
pub fn verdict_of(f: &Finding) -> Verdict {
    let first = f.code.as_bytes().first().copied().unwrap_or(b'0');
    let by_retry = |retry: Option<Retry>| match retry {
        Some(Retry::NotNeeded) => Verdict::Success,
        Some(Retry::FollowRedirect) => Verdict::Redirect,
        Some(Retry::AfterDelay | Retry::SameRequest | Retry::WithBackoff) => {
            Verdict::TransientFailure
        }
        Some(_) => Verdict::PermanentFailure,
        None if first == b'5' => Verdict::TransientFailure,
        None => Verdict::PermanentFailure,
    };
    match f.protocol {
        Protocol::Smtp | Protocol::Ftp => match first {
            b'2' => Verdict::Success,
            b'4' => Verdict::TransientFailure,
            b'5' => Verdict::PermanentFailure,
            _ => Verdict::Provisional,
        },
        Protocol::Http | Protocol::Sip => match first {
            b'1' => Verdict::Provisional,
            b'2' => Verdict::Success,
            b'3' => Verdict::Redirect,
            _ => by_retry(f.retry),
        },
        Protocol::Grpc if f.code == "0" => Verdict::Success,
        Protocol::Dns if f.kind.as_deref() == Some("rcode") && f.code == "0" => Verdict::Success,
        _ => by_retry(f.retry),
    }
}

/// Greetings and goodbyes of a session (`220`, `221 2.0.0 Bye`) say
/// nothing about its outcome. `greeting_lines` holds the lines of every
/// SMTP or FTP 220 and 221.
fn is_ceremony(f: &Finding, greeting_lines: &HashSet<usize>) -> bool {
    matches!(f.protocol, Protocol::Smtp | Protocol::Ftp) && greeting_lines.contains(&f.line)
}

fn is_greeting(f: &Finding) -> bool {
    matches!(f.protocol, Protocol::Smtp | Protocol::Ftp) && matches!(f.code.as_str(), "220" | "221")
}

/// "HTTP 407", "SMTP 5.7.26", "DNS NXDOMAIN (RCODE 3)", "DNS EDE 18".
pub fn finding_label(f: &Finding) -> String {
    match (f.kind.as_deref(), &f.id) {
        (Some("ede"), _) => format!("DNS EDE {}", f.code),
        (Some("rcode"), Some(id)) => {
            format!("DNS {} (RCODE {})", id.to_ascii_uppercase(), f.code)
        }
        _ => format!("{} {}", f.protocol.name(), f.code),
    }
}

/// Summarises the findings; `dsn_actions` are the `Action:` fields of any
/// delivery status notification in the input, which decide transient or
/// permanent for SMTP.
pub(super) fn summarise(findings: &[Finding], dsn_actions: &[String]) -> Summary {
    let mut protocols = Vec::new();
    for f in findings {
        if !protocols.contains(&f.protocol) {
            protocols.push(f.protocol);
        }
    }
    let greeting_lines: HashSet<usize> = findings
        .iter()
        .filter(|f| is_greeting(f))
        .map(|f| f.line)
        .collect();
    let significant = |f: &&Finding| {
        !is_ceremony(f, &greeting_lines)
            && verdict_of(f) != Verdict::Provisional
            && f.kind.as_deref() != Some("ede")
    };
    let chosen = findings
        .iter()
        .rfind(significant)
        .or_else(|| findings.iter().rfind(|f| !is_ceremony(f, &greeting_lines)))
        .or(findings.last());
    let Some(chosen) = chosen else {
        return Summary {
            count: 0,
            protocols,
            outcome: None,
            earlier_failures: Vec::new(),
            diagnosis: "No status code was found. Codes are read only where the text shows \
                        them as codes: status lines, reply lines of a session, keys such as \
                        status: or Diagnostic-Code:, and the status fields of known log formats."
                .to_string(),
        };
    };
    let mut verdict = verdict_of(chosen);
    if chosen.protocol == Protocol::Smtp {
        match dsn_actions.last().map(String::as_str) {
            Some("failed") => verdict = Verdict::PermanentFailure,
            Some("delayed") => verdict = Verdict::TransientFailure,
            Some("delivered" | "relayed" | "expanded") => verdict = Verdict::Success,
            _ => {}
        }
    }
    // Earlier failures, except repetitions of the outcome itself (a bounce
    // quotes the same reply in its text and in its DSN part).
    let on_outcome_line: Vec<String> = findings
        .iter()
        .filter(|f| f.line == chosen.line)
        .map(finding_label)
        .collect();
    let mut earlier: Vec<String> = Vec::new();
    let mut listed = HashSet::new();
    for f in findings.iter().filter(|f| f.line < chosen.line) {
        let label = finding_label(f);
        if verdict_of(f).is_failure()
            && !on_outcome_line.contains(&label)
            && listed.insert(label.clone())
        {
            earlier.push(format!("{label} (line {})", f.line));
        }
    }
    // A long log can hold thousands: the first ones say enough.
    if earlier.len() > MAX_EARLIER {
        let more = earlier.len() - MAX_EARLIER;
        earlier.truncate(MAX_EARLIER);
        earlier.push(format!("and {more} more"));
    }
    let edes: Vec<String> = findings
        .iter()
        .filter(|f| f.kind.as_deref() == Some("ede"))
        .map(|f| match &f.phrase {
            Some(p) => format!("EDE {} ({p})", f.code),
            None => format!("EDE {}", f.code),
        })
        .collect();
    let outcome = Outcome {
        protocol: chosen.protocol,
        code: chosen.code.clone(),
        phrase: chosen.phrase.clone(),
        line: chosen.line,
        verdict,
        hop: chosen.hop.clone(),
        advice: chosen.retry.map(|r| r.advice().to_string()),
    };
    let name = finding_label(chosen);
    let mut diagnosis = format!("Final outcome: {name}");
    if let Some(p) = &chosen.phrase
        && !name.to_ascii_lowercase().contains(&p.to_ascii_lowercase())
    {
        diagnosis.push_str(&format!(" {p}"));
    }
    diagnosis.push_str(&format!(" (line {}), {}", chosen.line, verdict.label()));
    if chosen.protocol == Protocol::Smtp && !dsn_actions.is_empty() {
        diagnosis.push_str(&format!(
            "; the delivery status notification says Action: {}",
            dsn_actions.join(", ")
        ));
    }
    diagnosis.push('.');
    if !edes.is_empty() {
        diagnosis.push_str(&format!(
            " The resolver added Extended DNS Errors: {}.",
            edes.join(", ")
        ));
    }
    if let Some(hop) = &outcome.hop {
        diagnosis.push_str(&format!(" Produced by: {hop}."));
    }
    if let Some(advice) = &outcome.advice
        && verdict != Verdict::Provisional
    {
        diagnosis.push_str(&format!(" The client should {advice}."));
    }
    if !earlier.is_empty() {
        diagnosis.push_str(&format!(" Failures before it: {}.", earlier.join(", ")));
    }
    Summary {
        count: findings.len(),
        protocols,
        outcome: Some(outcome),
        earlier_failures: earlier,
        diagnosis,
    }
}
