//! `statusatlas explain [FILE|-]`: reads a transcript from a file or standard
//! input and prints every status code in it with the diagnosis, as text or as
//! one JSON document (`--json`).

use super::{EXIT_NOT_FOUND, EXIT_USAGE, Failure, Outcome};
use crate::explain::{self, Explanation, MAX_INPUT_BYTES};
use std::io::{self, Read, Write};
use std::path::Path;

/// Runs `explain` on `file` (standard input for `None` or `-`).
pub(super) fn run(file: Option<&Path>, json: bool, out: &mut impl Write) -> Outcome {
    let input = match read_bounded(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            let name = file.map_or("standard input".to_string(), |p| p.display().to_string());
            return Ok(Err(Failure {
                code: EXIT_USAGE,
                kind: "io",
                message: format!("cannot read {name}: {e}"),
                suggestions: Vec::new(),
            }));
        }
    };
    let explanation = match explain::explain(&input) {
        Ok(x) => x,
        Err(e) => {
            return Ok(Err(Failure {
                code: EXIT_USAGE,
                kind: e.code(),
                message: e.to_string(),
                suggestions: Vec::new(),
            }));
        }
    };
    if explanation.findings.is_empty() {
        return Ok(Err(Failure {
            code: EXIT_NOT_FOUND,
            kind: "not_found",
            message: "no status code found in the input".to_string(),
            suggestions: Vec::new(),
        }));
    }
    if json {
        // One write: the document can be megabytes long.
        let mut body = serde_json::to_string_pretty(&explanation).map_err(io::Error::other)?;
        body.push('\n');
        out.write_all(body.as_bytes())?;
    } else {
        text(out, &explanation)?;
    }
    Ok(Ok(()))
}

/// Reads at most one byte more than the limit, so a huge file or an endless
/// pipe costs no more memory than the limit allows.
fn read_bounded(file: Option<&Path>) -> io::Result<Vec<u8>> {
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    match file {
        Some(p) if p != Path::new("-") => {
            std::fs::File::open(p)?
                .take(limit)
                .read_to_end(&mut bytes)?;
        }
        _ => {
            io::stdin().lock().take(limit).read_to_end(&mut bytes)?;
        }
    }
    Ok(bytes)
}

fn text(out: &mut impl Write, x: &Explanation) -> io::Result<()> {
    for f in &x.findings {
        let label = explain::finding_label(f);
        let phrase = match f.phrase.as_deref() {
            // DNS labels already name the mnemonic: "DNS SERVFAIL (RCODE 2)".
            Some(p) if label.to_ascii_lowercase().contains(&p.to_ascii_lowercase()) => "",
            Some(p) => p,
            None => "(not in the catalog)",
        };
        write!(
            out,
            "line {:<5} {}",
            f.line,
            format!("{label} {phrase}").trim_end()
        )?;
        match &f.link {
            Some(link) => writeln!(out, "  {link}")?,
            None => writeln!(out)?,
        }
        writeln!(out, "           | {}", f.text)?;
        if let Some(meaning) = &f.meaning {
            writeln!(out, "           {meaning}")?;
        }
        if let Some(hop) = &f.hop {
            writeln!(out, "           from: {hop}")?;
        }
    }
    writeln!(out)?;
    let wrapped = textwrap::fill(&x.summary.diagnosis, 78);
    writeln!(out, "{wrapped}")
}
