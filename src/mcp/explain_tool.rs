//! The `explain` tool: every status code in a pasted transcript and the
//! diagnosis, from the explain module, with a Markdown rendering.

use super::resources;
use super::tools::{ToolError, success};
use rmcp::model::CallToolResult;
use rmcp::schemars::{self, JsonSchema};
use serde::Deserialize;
use std::fmt::Write;

fn explain_text_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "minLength": 1,
        "description": "The transcript, log, bounce or HAR file as pasted, at most 1 MiB of UTF-8 text."
    })
}

/// Arguments of `explain`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct ExplainArgs {
    #[schemars(schema_with = "explain_text_schema")]
    pub text: String,
}

/// `explain`: the codes of a transcript and the diagnosis, from the
/// explain module.
pub fn explain(args: ExplainArgs) -> Result<CallToolResult, ToolError> {
    let mut explanation = crate::explain::explain(args.text.as_bytes()).map_err(|e| match e {
        crate::explain::ExplainError::TooLarge { .. } => ToolError::new(format!(
            "{e}; send the lines around the error rather than the whole log"
        )),
        e => ToolError::new(e.to_string()),
    })?;
    explanation.link_with(crate::web::routes::entry);
    let mut text = format!(
        "## Diagnosis\n\n{}\n",
        crate::markdown::escape(&explanation.summary.diagnosis)
    );
    if !explanation.findings.is_empty() {
        text.push_str("\n## Codes found\n\n");
    }
    for f in &explanation.findings {
        let label = match f.kind {
            Some(crate::catalog::Kind::Ede) => format!("{} EDE {}", f.protocol.name(), f.code),
            _ => format!("{} {}", f.protocol.name(), f.code),
        };
        let _ = write!(
            text,
            "- line {}: **{} {}**",
            f.line,
            crate::markdown::escape(&label),
            crate::markdown::escape(f.phrase.as_deref().unwrap_or("(not in the catalog)"))
        );
        if let Some(meaning) = &f.meaning {
            let _ = write!(text, " — {}", crate::markdown::escape(meaning));
        }
        if let Some(hop) = &f.hop {
            let _ = write!(text, " (from {})", crate::markdown::escape(hop));
        }
        if let Some(link) = &f.link {
            let _ = write!(
                text,
                " {}{}",
                resources::SCHEME,
                link.trim_start_matches('/')
            );
        }
        let _ = writeln!(text, "\n  > {}", crate::markdown::escape(&f.text));
    }
    success(&explanation, text)
}
