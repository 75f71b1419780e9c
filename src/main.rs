//! The `treaty` command: a thin layer over the `treaty_analyser` library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
