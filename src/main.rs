//! The `treaty` command: a thin layer over the `treaty_analyser` library.

mod cli;

/// Small blocks from a region never given back (see `cli::alloc`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static ALLOCATOR: cli::alloc::Allocator = cli::alloc::Allocator;

fn main() -> std::process::ExitCode {
    cli::main()
}
