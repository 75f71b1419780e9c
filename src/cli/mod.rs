//! Command-line interface: flags (clap), reading files, and exit codes. All I/O of the
//! tool happens here; the library only computes.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod alloc;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{Read, Write};
use std::process::ExitCode;
use treaty_analyser::error::{Error, ErrorKind};
use treaty_analyser::render::outline;
use treaty_analyser::{LineIndex, cite, diff, input, parse, render, tree};

/// Exit code: success, no differences, a clean check.
pub const EXIT_OK: u8 = 0;
/// Exit code: differences found, or warnings under `--strict`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: trouble (bad input, bad usage).
pub const EXIT_TROUBLE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "treaty",
    version,
    about = "Parse treaty drafts into article trees, cite their parts, and compare versions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by every command that reads a draft.
#[derive(clap::Args, Debug, Clone)]
struct InputOpts {
    /// Decode input from this legacy encoding (windows-1251, koi8-r, iso-8859-1, …).
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = input::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum ParseFormat {
    /// The JSON tree (schema_version 1).
    Json,
    /// One line per node with byte ranges, for debugging.
    Tree,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum ShowFormat {
    Text,
    Json,
    Md,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum DiffFormat {
    /// Coloured (or `[-…-]{+…+}`) report for the terminal.
    Term,
    /// The JSON contract (schema_version 1).
    Json,
    /// Markdown with ~~deleted~~ and **inserted** words.
    Md,
    /// Line-based unified diff for patch tools.
    Unified,
    /// Self-contained HTML report (side by side and inline views).
    Html,
    /// Word document with the differences as tracked changes (needs -o or a pipe).
    Docx,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare two versions article by article; exit 0 when equal, 1 when different.
    Diff {
        /// The old version; `-` for standard input.
        old: String,
        /// The new version.
        new: String,
        #[arg(long, value_enum, default_value_t = DiffFormat::Term)]
        format: DiffFormat,
        /// Print only counts per class and per article the share of words changed.
        #[arg(long)]
        stat: bool,
        /// Colour: auto (a terminal without NO_COLOR), always or never.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Hide changes that only follow a renumbering (labels, cross-references).
        #[arg(long)]
        ignore_renumbering: bool,
        /// Seconds the word diff may take before it falls back to a coarser diff.
        #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
        timeout: f64,
        /// Write the report to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<String>,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print the document tree as JSON.
    Parse {
        /// The draft (plain text); `-` for standard input.
        file: String,
        #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
        format: ParseFormat,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print a table of contents: divisions, articles with captions, paragraph counts.
    Outline {
        /// The draft (plain text); `-` for standard input.
        file: String,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print cited parts: "7", "7(2)(b)", "7.2", "1-3", "preamble", "conclusion", "chapter:2".
    Show {
        /// The draft (plain text); `-` for standard input.
        file: String,
        /// One or more citations.
        #[arg(required = true)]
        citations: Vec<String>,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Report numbering gaps, duplicates and empty articles as file:line:col diagnostics.
    Check {
        /// The draft (plain text); `-` for standard input.
        file: String,
        /// Exit with 1 when there are warnings.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        input: InputOpts,
    },
}

/// Runs the command line and maps errors to one line on stderr and exit code 2.
pub fn main() -> ExitCode {
    tune_allocator();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("treaty: {e}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

/// Reads `path` (or standard input for `-`) within the size limit and decodes it.
fn read_input(path: &str, opts: &InputOpts) -> Result<String, Error> {
    let limit = opts.max_bytes;
    let too_large = |n: String| {
        Error::new(
            ErrorKind::TooLarge,
            format!(
                "{path}: input is {n}, over the limit of {limit} bytes; raise it with --max-bytes"
            ),
        )
    };
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| {
                Error::new(ErrorKind::Io, format!("-: cannot read standard input: {e}"))
            })?;
        if bytes.len() as u64 > limit {
            return Err(too_large("larger".into()));
        }
    } else {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
        if meta.is_dir() {
            return Err(Error::new(
                ErrorKind::Io,
                format!("{path}: is a directory; give the path of a plain-text draft"),
            ));
        }
        if meta.len() > limit {
            return Err(too_large(format!("{} bytes", meta.len())));
        }
        let f = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
        // Sized once from the metadata, so the read does not grow the buffer by copies.
        bytes.reserve_exact(meta.len() as usize + 1);
        f.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(path, &e))?;
        if bytes.len() as u64 > limit {
            return Err(too_large(format!("{} bytes", bytes.len())));
        }
    }
    input::decode_vec(bytes, path, opts.encoding.as_deref())
}

fn io_error(path: &str, e: &std::io::Error) -> Error {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file; check the path".to_string(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied; check the file's permissions".to_string()
        }
        _ => format!("cannot read: {e}"),
    };
    Error::new(ErrorKind::Io, format!("{path}: {what}"))
}

/// Writes through `f` to `path`, or to standard output when `path` is `None`, buffered; a
/// closed pipe (`| head`) ends quietly.
fn write_out(
    path: Option<&str>,
    f: impl FnOnce(&mut Out<'_>) -> std::io::Result<()>,
) -> Result<(), Error> {
    let sink: Box<dyn Write> = match path {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("{p}: cannot create the output file: {e}; check the folder exists and is writable"),
            )
        })?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 16, sink);
    let result = f(&mut w).and_then(|_| w.flush());
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::new(
            ErrorKind::Io,
            format!(
                "{}: cannot write output: {e}",
                path.unwrap_or("standard output")
            ),
        )),
    }
}

/// The buffered writer behind every output (a file or standard output).
type Out<'a> = std::io::BufWriter<Box<dyn Write + 'a>>;

/// Writes text to standard output.
fn emit(s: &str) -> Result<(), Error> {
    write_out(None, |w| w.write_all(s.as_bytes()))
}

/// Writes `v` as JSON plus a newline: indented for a person when it goes to a terminal,
/// compact for programs (a file or a pipe; about half the bytes). serde's many small writes
/// land in the buffered writer's memory, so they cost a copy each, not a system call.
fn emit_json<T: serde::Serialize>(path: Option<&str>, v: &T) -> Result<(), Error> {
    let pretty = path.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout());
    write_out(path, |w| {
        if pretty {
            serde_json::to_writer_pretty(&mut *w, v)
        } else {
            serde_json::to_writer(&mut *w, v)
        }
        .map_err(std::io::Error::from)?;
        w.write_all(b"\n")
    })
}

/// Writes the diff JSON document. Compact JSON (not to a terminal) is written in two
/// halves at once by [`render::json`]: this thread writes the first half out as it goes
/// while the helper thread writes the second into memory; the bytes are those of one
/// serialization by serde_json.
fn emit_diff_json(path: Option<&str>, doc: &DiffJson<'_>) -> Result<(), Error> {
    let pretty = path.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout());
    if pretty || doc.changes.len() < 64 {
        return emit_json(path, doc);
    }
    // Everything before the first change: the document with no changes, less its "]}".
    let empty = DiffJson {
        changes: &[],
        ..*doc
    };
    let head = serde_json::to_vec(&empty).unwrap_or_default();
    let Some(head) = head
        .strip_suffix(b"]}")
        .filter(|h| h.ends_with(b"\"changes\":["))
    else {
        return emit_json(path, doc);
    };
    // Split where about half of the text compared lies before: changes are written with
    // their text, so the halves take about as long.
    let size = |c: &diff::Change| {
        let len = |s: &Option<diff::Side>| s.as_ref().map_or(0, |s| s.span.end - s.span.start);
        len(&c.old) + len(&c.new)
    };
    let total: usize = doc.changes.iter().map(size).sum();
    let mut sum = 0;
    let k = doc
        .changes
        .iter()
        .position(|c| {
            sum += size(c);
            sum * 2 > total
        })
        .map_or(doc.changes.len(), |k| k + 1);
    let before = sum.min(total);
    let (first, rest) = doc.changes.split_at(k);
    // A change's text comes out about twice (its own inline ops and its children's) and a
    // little longer (escapes, keys).
    let json = |cs: &[diff::Change], lead: bool, text: usize| {
        let mut buf = Vec::with_capacity(text * 5 / 2);
        render::json::write_changes(&mut buf, cs, lead);
        buf
    };
    write_out(path, |w| {
        w.write_all(head)?;
        let (later, written) = treaty_analyser::par::join(
            || json(rest, !first.is_empty(), total - before),
            // The first half goes out as it is written, a few changes at a time: fresh
            // memory costs more than the writes (a page fault per 4 KiB touched), and the
            // whole document in memory was 2 MB on the largest corpus pair.
            || -> std::io::Result<()> {
                let mut buf = Vec::with_capacity(2 * STREAM_CHUNK);
                for (n, c) in first.iter().enumerate() {
                    render::json::write_changes(&mut buf, std::slice::from_ref(c), n > 0);
                    if buf.len() >= STREAM_CHUNK {
                        w.write_all(&buf)?;
                        buf.clear();
                    }
                }
                w.write_all(&buf)
            },
        );
        written?;
        let later = later.map_err(|_| std::io::Error::other("serializing the diff failed"))?;
        w.write_all(&later)?;
        w.write_all(b"]}\n")
    })
}

/// Bytes of diff JSON gathered before they are written (see [`emit_diff_json`]).
const STREAM_CHUNK: usize = 64 << 10;

/// Combined input size from which a diff loads its two versions on two threads (see
/// `diff::load`); below, starting the second thread costs more than it saves.
const TWO_THREADS_FROM: u64 = 64 << 10;

/// glibc's allocator, set for a short-lived process: large blocks come from the heap
/// instead of fresh mappings, and freed memory is kept rather than handed back. Every block
/// of more than 128 KiB (token arrays, shingle indexes, output buffers) was otherwise mapped
/// and unmapped on its own, and with two threads each unmapping interrupts the other CPU;
/// measured on the largest corpus pair: 17.9 → 16.6 ms. Peak RSS grows a little (121 →
/// 125 MB on two 10 MB inputs); the process ends when its work does.
///
/// One arena for all threads: most blocks come from our own allocator (`alloc`), and a
/// second thread's first malloc (glibc's own, for a thread-local destructor) otherwise
/// mapped a heap of its own. Mapping takes the process's memory-map lock for writing, and
/// after a `MADV_HUGEPAGE` the kernel's khugepaged (nice 19) may be holding that lock for
/// reading while our main thread keeps it off the CPU: the helper then waited 1–2 ms
/// before its first step (seen in scheduler traces of pta_83/pta_98).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Combined input sizes for which a diff asks for huge pages (see
/// [`huge_pages_for_this_thread`]): from the size at which it loads on two threads (the
/// setup runs on each thread as it starts). Since each heap's allocations start at a
/// 2 MiB boundary, mid-sized pairs gain too (pta_83/pta_98, 134 KB: 5.15 → 4.64 ms;
/// pta_212/pta_233: 4.74 → 4.05; pta_16/pta_206: 6.48 → 5.78); from 512 KiB before.
/// Above the upper bound, the system may have to compact memory to find the many 2 MiB
/// pages (its policy for memory that asks for them): right after a program that used a
/// lot of memory, the 8.4 MB pair took 99.7 ms with huge pages and 70.2 ms without (git:
/// 75.0 ms), though 55.5 against 66.6 ms on a quiet machine.
const HUGE_PAGES_FROM: u64 = TWO_THREADS_FROM;
const HUGE_PAGES_UNDER: u64 = 4 << 20;

/// Asks for transparent huge pages (2 MiB, one page fault instead of 512) in the
/// allocator's region (see [`alloc::huge_pages`]): called by both threads of a diff of
/// large inputs before they load the versions (for small ones the first huge page costs
/// more than it saves). Only a hint, which the system may ignore: nothing changes but the
/// number of page faults (largest corpus pair, when glibc's heaps took the hint: 2 350 →
/// 760 faults, 16.9 → 14.6 ms).
fn huge_pages_for_this_thread() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    alloc::huge_pages();
}

/// The JSON document of `treaty parse` (schema_version 1).
#[derive(serde::Serialize)]
struct ParseJson<'a> {
    schema_version: u32,
    root: &'a tree::Node,
}

/// The JSON document of `treaty diff --format json` (schema_version 1).
#[derive(Clone, Copy, serde::Serialize)]
struct DiffJson<'a> {
    schema_version: u32,
    old: FileRef<'a>,
    new: FileRef<'a>,
    summary: &'a diff::Summary,
    changes: &'a [diff::Change],
}

/// A compared file: its path as given and the SHA-256 of its bytes after decoding.
#[derive(Clone, Copy, serde::Serialize)]
struct FileRef<'a> {
    path: &'a str,
    sha256: &'a str,
}

fn run(cli: Cli) -> Result<u8, Error> {
    match cli.command {
        Command::Parse {
            file,
            format,
            input,
        } => {
            let text = read_input(&file, &input)?;
            let p = parse(&text);
            match format {
                ParseFormat::Json => emit_json(
                    None,
                    &ParseJson {
                        schema_version: 1,
                        root: &p.document.root,
                    },
                )?,
                ParseFormat::Tree => emit(&outline::debug_tree(&p.document.root))?,
            }
            Ok(EXIT_OK)
        }
        Command::Diff {
            old,
            new,
            format,
            stat,
            color,
            ignore_renumbering,
            timeout,
            output,
            input,
        } => {
            if old == "-" && new == "-" {
                return Err(Error::new(
                    ErrorKind::Usage,
                    "only one of OLD and NEW can be '-' (standard input)",
                ));
            }
            if !(timeout.is_finite() && timeout > 0.0) {
                return Err(Error::new(
                    ErrorKind::Usage,
                    "--timeout takes a positive number of seconds",
                ));
            }
            // The two versions are read, parsed and prepared by two threads (one for small
            // inputs), with huge pages for their heaps in the size range where they pay.
            let size = |p: &str| std::fs::metadata(p).map_or(0, |m| m.len());
            let total = size(&old) + size(&new);
            let huge = (HUGE_PAGES_FROM..HUGE_PAGES_UNDER).contains(&total);
            #[cfg(all(target_os = "linux", target_env = "gnu"))]
            if total >= HUGE_PAGES_UNDER {
                alloc::small_blocks_only();
            }
            let (lo, ln) = diff::load::load_versions(
                || read_input(&old, &input),
                || read_input(&new, &input),
                total >= TWO_THREADS_FROM,
                &|| {
                    if huge {
                        huge_pages_for_this_thread();
                    }
                },
            );
            let (lo, ln) = (lo?, ln?);
            let (po, prep_old, sha_old) = (lo.parse, lo.prepared, lo.sha256);
            let (pn, prep_new, sha_new) = (ln.parse, ln.prepared, ln.sha256);
            let (old_text, new_text) = (&po.document.source, &pn.document.source);
            let opts = diff::DiffOptions {
                timeout: std::time::Duration::from_secs_f64(timeout.min(1e6)),
            };
            let d = diff::diff_prepared(&po.document, prep_old, &pn.document, prep_new, &opts);
            let color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::IsTerminal::is_terminal(&std::io::stdout())
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let ro = render::diff::RenderOptions {
                color,
                ignore_renumbering,
            };
            let differs = d.changes.iter().any(|c| render::diff::is_visible(c, &ro));
            let exit = if differs { EXIT_FINDINGS } else { EXIT_OK };
            let out = if stat {
                render::diff::stat(&d, &ro)
            } else {
                match format {
                    DiffFormat::Term => render::diff::term(&d, &old, &new, &ro),
                    DiffFormat::Md => render::diff::markdown(&d, &old, &new, &ro),
                    DiffFormat::Unified => render::diff::unified(old_text, new_text, &old, &new),
                    DiffFormat::Html => render::html::html(
                        &d,
                        &render::Version::hashed(&old, old_text, &po.document, sha_old),
                        &render::Version::hashed(&new, new_text, &pn.document, sha_new),
                        &ro,
                    ),
                    DiffFormat::Docx => {
                        if output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout())
                        {
                            return Err(Error::new(
                                ErrorKind::Usage,
                                "--format docx writes a binary file; give -o FILE.docx or redirect standard output",
                            ));
                        }
                        let doc = render::docx::docx(
                            &d,
                            &render::Version::hashed(&old, old_text, &po.document, sha_old),
                            &render::Version::hashed(&new, new_text, &pn.document, sha_new),
                            &ro,
                            &render::docx::timestamp(),
                        )?;
                        write_out(output.as_deref(), |w| w.write_all(&doc.bytes))?;
                        return Ok(exit);
                    }
                    DiffFormat::Json => {
                        let doc = DiffJson {
                            schema_version: 1,
                            old: FileRef {
                                path: &old,
                                sha256: &sha_old,
                            },
                            new: FileRef {
                                path: &new,
                                sha256: &sha_new,
                            },
                            summary: &d.summary,
                            changes: &d.changes,
                        };
                        emit_diff_json(output.as_deref(), &doc)?;
                        // The process ends next: freeing these trees node by node would
                        // only cost time.
                        std::mem::forget((d, po, pn));
                        return Ok(exit);
                    }
                }
            };
            write_out(output.as_deref(), |w| w.write_all(out.as_bytes()))?;
            std::mem::forget((d, po, pn, out));
            Ok(exit)
        }
        Command::Outline { file, input } => {
            let text = read_input(&file, &input)?;
            let p = parse(&text);
            emit(&outline::outline(&p.document.root))?;
            Ok(EXIT_OK)
        }
        Command::Show {
            file,
            citations,
            format,
            input,
        } => {
            let text = read_input(&file, &input)?;
            let p = parse(&text);
            let root = &p.document.root;
            let mut out = String::new();
            let mut json = Vec::new();
            for c in &citations {
                let nodes = cite::resolve(root, c)
                    .map_err(|e| Error::new(e.kind, format!("{file}: {}", e.message)))?;
                for n in nodes {
                    match format {
                        ShowFormat::Text => out.push_str(&outline::text(n, &text)),
                        ShowFormat::Md => out.push_str(&outline::markdown(n, &text)),
                        ShowFormat::Json => json.push(serde_json::json!({
                            "citation": c,
                            "node": n,
                            "text": n.text(&text),
                        })),
                    }
                }
            }
            if let ShowFormat::Json = format {
                emit_json(None, &json)?;
            } else {
                emit(&out)?;
            }
            Ok(EXIT_OK)
        }
        Command::Check {
            file,
            strict,
            input,
        } => {
            let text = read_input(&file, &input)?;
            let p = parse(&text);
            let index = LineIndex::new(&text);
            let mut out = String::new();
            for d in &p.diagnostics {
                out.push_str(&d.render(&file, &text, &index));
            }
            let n_articles = p
                .document
                .root
                .descendants_of_kind(tree::NodeKind::Article)
                .count();
            out.push_str(&format!(
                "{file}: {n_articles} articles, {} warning{}\n",
                p.diagnostics.len(),
                if p.diagnostics.len() == 1 { "" } else { "s" }
            ));
            emit(&out)?;
            Ok(if strict && !p.diagnostics.is_empty() {
                EXIT_FINDINGS
            } else {
                EXIT_OK
            })
        }
    }
}
