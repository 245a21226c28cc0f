//! Validates the data files and writes the catalog in its prebuilt form.
//!
//! The catalog modules (`src/catalog/`) and the prose checks (`src/text.rs`)
//! are compiled here as they are in the library, so the build runs exactly
//! the loader and validation that the tests run. Invalid data fails the build
//! with every problem listed; valid data is written with postcard, one file
//! per part (`$OUT_DIR/http.postcard` ... `notes.postcard`,
//! `numbers.postcard`), each decoded again here to prove it reads back. The
//! library embeds the parts and decodes each on first use instead of parsing
//! TOML. The library is compiled with the
//! `prebuilt_catalog` cfg, which this script sets; see `src/catalog/mod.rs`.

// What the build does not call is dead here; the naming lint spares public
// API in the library but not a private module.
#[allow(dead_code, unused_imports, clippy::enum_variant_names)]
#[path = "src/catalog/mod.rs"]
mod catalog;
#[allow(dead_code)]
#[path = "src/text.rs"]
mod text;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed=data");
    println!("cargo::rerun-if-changed=src/catalog");
    println!("cargo::rerun-if-changed=src/text.rs");
    let catalog = match catalog::load_embedded() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("the data files have {} problem(s):\n{e}", e.problems.len());
            return ExitCode::FAILURE;
        }
    };
    let parts = match catalog.encode_parts() {
        Ok(parts) => parts,
        Err(e) => {
            eprintln!("the catalog cannot be written with postcard: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    for (name, bytes) in parts {
        let path = PathBuf::from(&out_dir).join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("cargo::rustc-cfg=prebuilt_catalog");
    ExitCode::SUCCESS
}
