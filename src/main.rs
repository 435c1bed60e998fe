//! The `chaff` command: `chaff --help`. A thin shell over [`chaff::cli`].

/// mimalloc rather than the system allocator: less CPU for the blocks one
/// thread allocates and another frees (`Cargo.toml`, `BENCHMARKS.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    chaff::cli::main(None)
}
