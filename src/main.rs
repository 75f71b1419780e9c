//! The `treaty` command: a thin layer over the `treaty_analyser` library.

mod cli;

/// jemalloc rather than the system allocator: a diff allocates many small blocks on the
/// thread-pool's threads and frees them elsewhere, which glibc's per-thread arenas serve
/// with more fresh pages (page faults) and slower frees. Measured whole-process gain and
/// memory in BENCHMARKS.md ("Allocator"). Not on MSVC, where the crate does not build.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
