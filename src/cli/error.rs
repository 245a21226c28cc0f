//! Why a command did not succeed, as typed errors: each maps to one exit
//! code (1 not found, 2 usage) and to the one JSON error document `--json`
//! prints.

use serde::Serialize;
use std::io;
use std::process::ExitCode;

/// Exit code of a command that found what it was asked for.
pub const EXIT_FOUND: u8 = 0;
/// Exit code when the code, class or search words match nothing, or an
/// export could not be written.
pub const EXIT_NOT_FOUND: u8 = 1;
/// Exit code for usage errors: unknown flags, wrong number of codes, bad
/// option values, arguments that are not UTF-8, a server that cannot start.
pub const EXIT_USAGE: u8 = 2;

/// A failure of one invocation.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line itself is wrong (clap's own errors included).
    #[error("{message}")]
    Usage {
        message: String,
        suggestions: Vec<String>,
    },
    /// Nothing matches the code, class or words given.
    #[error("{message}")]
    NotFound {
        message: String,
        suggestions: Vec<String>,
    },
    /// Both codes exist but cannot be compared (see `compare::compare`).
    #[error("{0}")]
    NotComparable(String),
    /// The input to explain is unreadable or not text (`kind` is the
    /// explain error's machine code: empty, binary, too_large, ...).
    #[error("{message}")]
    Input { kind: &'static str, message: String },
    /// The static export failed (its message names the file).
    #[error("{0}")]
    Export(String),
    /// The server could not start (address in use, bad address).
    #[error("{0}")]
    Serve(String),
    /// Writing the output failed for a reason other than a closed pipe.
    #[error("cannot write the output: {0}")]
    Io(#[from] io::Error),
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::Usage {
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    /// The process exit code this failure maps to.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. }
            | CliError::Input { .. }
            | CliError::Serve(_)
            | CliError::Io(_) => EXIT_USAGE,
            CliError::NotFound { .. } | CliError::NotComparable(_) | CliError::Export(_) => {
                EXIT_NOT_FOUND
            }
        }
    }

    /// The `error.code` of the JSON error document.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Usage { .. } => "usage",
            CliError::Input { kind, .. } => kind,
            CliError::NotFound { .. } => "not_found",
            CliError::NotComparable(_) => "not_comparable",
            CliError::Export(_) => "export",
            CliError::Serve(_) => "serve",
            CliError::Io(_) => "io",
        }
    }

    pub fn suggestions(&self) -> &[String] {
        match self {
            CliError::Usage { suggestions, .. } | CliError::NotFound { suggestions, .. } => {
                suggestions
            }
            _ => &[],
        }
    }

    /// The JSON error document: `{"error": {"code", "message", "suggestions"}}`.
    pub fn to_json(&self) -> serde_json::Value {
        #[derive(Serialize)]
        struct Body<'a> {
            code: &'a str,
            message: String,
            suggestions: &'a [String],
        }
        serde_json::json!({ "error": Body {
            code: self.kind(),
            message: self.to_string(),
            suggestions: self.suggestions(),
        }})
    }

    /// The one line printed on stderr: the message and any suggestions.
    pub fn line(&self) -> String {
        let mut line = format!("statusatlas: {self}");
        if !self.suggestions().is_empty() {
            line.push_str(&format!(
                " (did you mean: {}?)",
                self.suggestions().join(", ")
            ));
        }
        line
    }
}

impl From<&CliError> for ExitCode {
    fn from(e: &CliError) -> ExitCode {
        ExitCode::from(e.exit_code())
    }
}
