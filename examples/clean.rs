//! The chaff command line as an example: the same code as the `chaff`
//! binary ([`chaff::cli`]), cleaning the bundled sample pages
//! (`tests/fixtures/seeds/`) when given no input.
//!
//! ```text
//! cargo run --release --example clean                      # the bundled sample pages
//! cargo run --release --example clean -- pages/ --output clean.jsonl --report report.jsonl
//! ```

/// mimalloc rather than the system allocator: less CPU for the blocks one
/// thread allocates and another frees (`Cargo.toml`, `BENCHMARKS.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");
    chaff::cli::main(Some(std::path::Path::new(samples)))
}
