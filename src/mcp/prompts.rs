//! The prompts: conversation starters that point an assistant at the right
//! tools and bring the catalog's own candidates along, so the answer starts
//! from checked data rather than from memory.

use crate::catalog::{Entry, Protocol};
use crate::search;
use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};
use std::fmt::Write;

/// Longest argument text accepted (an error message or a situation).
pub const MAX_ARGUMENT_CHARS: usize = 8 * 1024;

pub fn list() -> Vec<Prompt> {
    vec![
        Prompt::new(
            "explain-error",
            Some("Explain an error message, log line or protocol transcript: what the status codes in it mean, the likely cause and the fix."),
            Some(vec![
                PromptArgument::new("error")
                    .with_title("Error text")
                    .with_description("The error message, log line or transcript, as pasted.")
                    .with_required(true),
            ]),
        )
        .with_title("Explain this error"),
        Prompt::new(
            "choose-status",
            Some("Which status code should a server return in a situation: candidates from the catalog, compared, with the one to use."),
            Some(vec![
                PromptArgument::new("situation")
                    .with_title("Situation")
                    .with_description("What happened, in a sentence (the resource was updated by someone else since the client read it).")
                    .with_required(true),
                PromptArgument::new("protocol")
                    .with_title("Protocol")
                    .with_description("http (default), smtp, grpc, websocket, ftp, sip or dns.")
                    .with_required(false),
            ]),
        )
        .with_title("Which status code should I return"),
    ]
}

/// Why a prompt could not be built.
pub type PromptError = String;

fn argument<'a>(
    arguments: Option<&'a rmcp::model::JsonObject>,
    name: &str,
    required: bool,
) -> Result<Option<&'a str>, PromptError> {
    let value = arguments.and_then(|a| a.get(name));
    let text = match value {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(format!("the argument {name} must be a string")),
    };
    match text {
        Some(t) if t.chars().count() > MAX_ARGUMENT_CHARS => Err(format!(
            "the argument {name} is longer than {MAX_ARGUMENT_CHARS} characters; send the part that matters"
        )),
        Some(t) if !t.trim().is_empty() => Ok(Some(t)),
        _ if required => Err(format!("the argument {name} is required")),
        _ => Ok(None),
    }
}

/// Builds the prompt `name` from its arguments.
pub fn get(
    name: &str,
    arguments: Option<&rmcp::model::JsonObject>,
) -> Result<GetPromptResult, PromptError> {
    match name {
        "explain-error" => {
            let error = argument(arguments, "error", true)?.unwrap_or_default();
            let fence = fence_for(error);
            let text = format!(
                "Explain this error. Use the statusatlas tools: `explain` on the text below to find the status codes and what they say, then `lookup` for each code it names. Say what each code means, the most likely cause here, and the fix, citing the spec that defines the code.\n\n{fence}\n{error}\n{fence}"
            );
            Ok(
                GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                    .with_description("Explain an error with statusatlas"),
            )
        }
        "choose-status" => {
            let situation = argument(arguments, "situation", true)?.unwrap_or_default();
            let protocol = match argument(arguments, "protocol", false)? {
                None => Protocol::Http,
                Some(p) => Protocol::from_slug(&p.trim().to_ascii_lowercase()).ok_or_else(|| {
                    format!(
                        "unknown protocol “{}”; use http, smtp, grpc, websocket, ftp, sip or dns",
                        crate::text::shorten(p, 40)
                    )
                })?,
            };
            let mut text = format!(
                "Which {} {} should I return in this situation?\n\n> {}\n\nUse the statusatlas tools: `search` for candidates, `compare` on the two closest, and `lookup` on the one you choose. Answer with the code, why it fits better than the runner-up, and what the response must carry (headers, body).",
                protocol.name(),
                protocol.code_noun(),
                situation.replace('\n', "\n> ")
            );
            let candidates = candidates(protocol, situation);
            if !candidates.is_empty() {
                text.push_str("\n\nCandidates from the statusatlas catalog for these words:\n");
                for e in candidates {
                    let _ = write!(
                        text,
                        "\n- {} {}: {} ({})",
                        e.protocol.name(),
                        e.title(),
                        e.summary,
                        super::resources::card_uri(e)
                    );
                }
            }
            Ok(
                GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                    .with_description("Choose a status code with statusatlas"),
            )
        }
        other => Err(format!(
            "there is no prompt “{}”; the prompts are explain-error and choose-status",
            crate::text::shorten(other, 40)
        )),
    }
}

/// Codes of `protocol` that the situation's words point at: each word of
/// four letters or more is searched on its own (a sentence as a whole rarely
/// matches), and codes are ranked by how many words found them, registered
/// before vendor codes, then by their best score. Five at most.
fn candidates(protocol: Protocol, situation: &str) -> Vec<&'static Entry> {
    let mut found: Vec<(&'static Entry, usize, u32)> = Vec::new();
    let words = situation
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .take(32);
    for word in words {
        let outcome = search::index().search(&format!("{} {word}", protocol.slug()), 10);
        if outcome.did_you_mean.is_some() {
            continue;
        }
        for hit in outcome.results {
            match found
                .iter_mut()
                .find(|(e, _, _)| std::ptr::eq(*e, hit.entry))
            {
                Some(slot) => {
                    slot.1 += 1;
                    slot.2 = slot.2.max(hit.score);
                }
                None => found.push((hit.entry, 1, hit.score)),
            }
        }
    }
    // Registered codes before vendor ones when as many words found them.
    let unofficial = |e: &Entry| e.status == crate::catalog::Status::Unofficial;
    found.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(unofficial(a.0).cmp(&unofficial(b.0)))
            .then(b.2.cmp(&a.2))
    });
    found.into_iter().take(5).map(|(e, _, _)| e).collect()
}

/// A code fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat(longest.max(2) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_in_the_text() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }

    #[test]
    fn choosing_a_status_brings_catalog_candidates() {
        let mut args = rmcp::model::JsonObject::new();
        args.insert("situation".into(), "too many requests".into());
        let prompt = get("choose-status", Some(&args)).unwrap();
        let text = serde_json::to_string(&prompt.messages).unwrap();
        assert!(text.contains("HTTP 429 Too Many Requests"), "{text}");
    }

    #[test]
    fn missing_and_unknown_arguments_are_refused() {
        assert!(get("explain-error", None).unwrap_err().contains("required"));
        let mut args = rmcp::model::JsonObject::new();
        args.insert("situation".into(), "x".into());
        args.insert("protocol".into(), "htp".into());
        assert!(
            get("choose-status", Some(&args))
                .unwrap_err()
                .contains("unknown protocol")
        );
        assert!(get("nope", None).unwrap_err().contains("no prompt"));
    }
}
