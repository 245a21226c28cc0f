//! Completions (`completion/complete`) for the arguments of the resource
//! templates and prompts, so a client can offer the codes that exist while a
//! person fills in `statusatlas://{protocol}/{code}`.

use crate::catalog::{Protocol, catalog};
use rmcp::model::{CompletionInfo, Reference};
use std::collections::HashMap;

/// The values that complete `value` for the argument `name` of `reference`.
/// `context` holds the arguments already filled in (the protocol, for codes).
/// At most [`CompletionInfo::MAX_VALUES`], with the total and whether more exist.
pub fn complete(
    reference: &Reference,
    name: &str,
    value: &str,
    context: Option<&HashMap<String, String>>,
) -> CompletionInfo {
    let wanted = value.trim().to_ascii_lowercase();
    let given = |key: &str| {
        context
            .and_then(|c| c.get(key))
            .and_then(|p| Protocol::from_slug(&p.trim().to_ascii_lowercase()))
    };
    let values: Vec<String> = match (reference, name) {
        (_, "protocol" | "protocol_b") => Protocol::ALL
            .iter()
            .map(|p| p.slug().to_string())
            .filter(|s| s.starts_with(&wanted))
            .collect(),
        (Reference::Resource(_), "code" | "a") => codes(given("protocol"), &wanted),
        // In the cross-protocol template, b belongs to protocol_b.
        (Reference::Resource(r), "b") if r.uri.contains("{protocol_b}") => {
            codes(given("protocol_b"), &wanted)
        }
        (Reference::Resource(_), "b") => codes(given("protocol"), &wanted),
        _ => Vec::new(),
    };
    let total = values.len();
    let shown: Vec<String> = values
        .into_iter()
        .take(CompletionInfo::MAX_VALUES)
        .collect();
    let more = total > shown.len();
    CompletionInfo::with_pagination(shown, u32::try_from(total).ok(), more).unwrap_or_default()
}

/// Ids of the protocol's codes (HTTP when none is given) that start with
/// `prefix`, or whose name does (`not` finds `not-found`).
fn codes(protocol: Option<Protocol>, prefix: &str) -> Vec<String> {
    let Some(codes) = catalog().protocol(protocol.unwrap_or(Protocol::Http)) else {
        return Vec::new();
    };
    codes
        .entries
        .iter()
        .filter(|e| {
            e.id.to_ascii_lowercase().starts_with(prefix) || e.name_slug().starts_with(prefix)
        })
        .map(|e| e.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> Reference {
        Reference::for_resource("statusatlas://{protocol}/{code}")
    }

    #[test]
    fn codes_complete_within_the_protocol_given() {
        let context = HashMap::from([("protocol".to_string(), "sip".to_string())]);
        let info = complete(&card(), "code", "48", Some(&context));
        assert!(
            info.values.contains(&"486".to_string()),
            "{:?}",
            info.values
        );
        assert!(info.values.iter().all(|v| v.starts_with("48")));
        let info = complete(&card(), "code", "not-f", None);
        assert_eq!(info.values, vec!["404".to_string()]);
    }

    #[test]
    fn protocols_complete_and_long_lists_are_cut() {
        let info = complete(&card(), "protocol", "s", None);
        assert_eq!(info.values, vec!["smtp".to_string(), "sip".to_string()]);
        let context = HashMap::from([("protocol".to_string(), "smtp".to_string())]);
        let info = complete(&card(), "code", "", Some(&context));
        assert_eq!(info.values.len(), CompletionInfo::MAX_VALUES);
        assert_eq!(info.has_more, Some(true));
        assert!(info.total.unwrap() as usize > CompletionInfo::MAX_VALUES);
    }
}
