//! Two build steps, each turning a source file of the repository into
//! something the library embeds:
//!
//! 1. The catalog. The catalog modules (`src/catalog/`) and the prose checks
//!    (`src/text.rs`) are compiled here as they are in the library, so the
//!    build runs exactly the loader and validation that the tests run.
//!    Invalid data fails the build with every problem listed; valid data is
//!    written with postcard, one file per part (`$OUT_DIR/http.postcard` ...
//!    `notes.postcard`, `numbers.postcard`), each decoded again here to prove
//!    it reads back. The library embeds the parts and decodes each on first
//!    use instead of parsing TOML. The library is compiled with the
//!    `prebuilt_catalog` cfg, which this script sets; see
//!    `src/catalog/mod.rs`.
//! 2. The live gRPC service. `proto/statusatlas/live/v1/live.proto` is
//!    compiled with `protox`, a protobuf compiler written in Rust, so a build
//!    needs no `protoc`; this writes the prost/tonic code and the encoded file
//!    descriptor set that server reflection serves.

// What the build does not call is dead here; the naming lint spares public
// API in the library but not a private module.
#[allow(dead_code, unused_imports, clippy::enum_variant_names)]
#[path = "src/catalog/mod.rs"]
mod catalog;
#[allow(dead_code)]
#[path = "src/text.rs"]
mod text;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const PROTO: &str = "proto/statusatlas/live/v1/live.proto";

fn main() -> ExitCode {
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    if let Err(e) = prebuild_catalog(&out_dir) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if let Err(e) = compile_proto(&out_dir) {
        eprintln!("cannot compile {PROTO}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Validates the data files and writes the catalog in its prebuilt form.
fn prebuild_catalog(out_dir: &Path) -> Result<(), String> {
    println!("cargo::rerun-if-changed=data");
    println!("cargo::rerun-if-changed=src/catalog");
    println!("cargo::rerun-if-changed=src/text.rs");
    let catalog = catalog::load_embedded()
        .map_err(|e| format!("the data files have {} problem(s):\n{e}", e.problems.len()))?;
    let parts = catalog
        .encode_parts()
        .map_err(|e| format!("the catalog cannot be written with postcard: {e}"))?;
    for (name, bytes) in parts {
        let path = out_dir.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("cargo::rustc-cfg=prebuilt_catalog");
    Ok(())
}

/// Compiles the live gRPC service's `.proto` and writes its descriptor set.
fn compile_proto(out_dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed={PROTO}");
    let descriptors = protox::compile([PROTO], ["proto"])?;
    std::fs::write(
        out_dir.join("live_descriptor.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .build_transport(false)
        .emit_rerun_if_changed(false)
        .compile_fds(descriptors)?;
    Ok(())
}
