//! `statusatlas mcp`: the MCP server on standard input and output, the way
//! assistants start local MCP servers. Standard output carries only the
//! protocol; problems go to standard error.

use super::CliError;

/// Serves until the client closes standard input.
pub fn run() -> Result<(), CliError> {
    crate::mcp::run_stdio().map_err(CliError::Serve)
}
