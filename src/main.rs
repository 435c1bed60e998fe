//! The `chaff` command: `chaff --help`. A thin shell over [`chaff::cli`].

fn main() -> std::process::ExitCode {
    chaff::cli::main(None)
}
