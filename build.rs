//! Compiles `proto/statusatlas/live/v1/live.proto` for the live gRPC
//! listener with `protox`, a protobuf compiler written in Rust, so a build
//! needs no `protoc`. Writes the prost/tonic code and the encoded file
//! descriptor set that server reflection serves.

use std::path::PathBuf;

const PROTO: &str = "proto/statusatlas/live/v1/live.proto";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO}");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptors = protox::compile([PROTO], ["proto"])?;
    std::fs::write(
        out.join("live_descriptor.bin"),
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
