//! `statusatlas mcp`: the MCP server on standard input and output, the way
//! assistants start local MCP servers. Standard output carries only the
//! protocol; problems go to standard error.

use super::{EXIT_USAGE, Failure};

/// Serves until the client closes standard input.
pub fn run() -> Result<(), Failure> {
    crate::mcp::run_stdio().map_err(|message| Failure {
        code: EXIT_USAGE,
        kind: "mcp",
        message,
        suggestions: Vec::new(),
    })
}
