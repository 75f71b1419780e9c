//! The `treaty` command: a thin layer over the `treaty_analyser` library.

mod cli;

/// mimalloc keeps freed memory for reuse instead of handing large blocks back to the
/// kernel and faulting fresh zeroed pages in again; see ARCHITECTURE.md.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
