//! Command-line interface: flags (clap), reading files, and exit codes. All I/O of the
//! tool happens here; the library only computes.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
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
    /// The parts as written.
    Text,
    /// A JSON array of {"citation", "node", "text"}.
    Json,
    /// Markdown, the label and caption as a heading.
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
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour: changes as [-deleted-]{+inserted+}.
    Never,
}

/// Shells for `treaty completions`.
#[derive(Copy, Clone, Debug, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// The arguments of `treaty diff`.
#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The old version (plain text); `-` for standard input.
    old: String,
    /// The new version (plain text); `-` for standard input (only one of OLD and NEW).
    new: String,
    /// The report's format.
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
    /// Decode OLD from this encoding (overrides --encoding for OLD).
    #[arg(long, value_name = "NAME")]
    old_encoding: Option<String>,
    /// Decode NEW from this encoding (overrides --encoding for NEW).
    #[arg(long, value_name = "NAME")]
    new_encoding: Option<String>,
    #[command(flatten)]
    input: InputOpts,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare two versions article by article; exit 0 when equal, 1 when different.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Print the document tree as JSON.
    #[command(after_help = PARSE_EXAMPLES)]
    Parse {
        /// The draft (plain text); `-` for standard input.
        file: String,
        /// The JSON tree, or a line per node for debugging.
        #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
        format: ParseFormat,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print a table of contents: divisions, articles with captions, paragraph counts.
    #[command(after_help = OUTLINE_EXAMPLES)]
    Outline {
        /// The draft (plain text); `-` for standard input.
        file: String,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print cited parts: "7", "7(2)(b)", "7.2", "1-3", "preamble", "conclusion", "chapter:2".
    #[command(after_help = SHOW_EXAMPLES)]
    Show {
        /// The draft (plain text); `-` for standard input.
        file: String,
        /// One or more citations (forms below); an unknown one is an error naming the
        /// nearest existing parts.
        #[arg(required = true)]
        citations: Vec<String>,
        /// How to print the parts.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Report numbering gaps, duplicates and empty articles as file:line:col diagnostics.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        /// The draft (plain text); `-` for standard input.
        file: String,
        /// Exit with 1 when there are warnings.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print a shell completion script (bash, zsh, fish or powershell).
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell.
        shell: Shell,
    },
    /// Print the manual page (roff), for `man`.
    #[command(after_help = MAN_EXAMPLES)]
    Man,
}

const DIFF_EXAMPLES: &str = "\
Examples:
  treaty diff old.txt new.txt                      coloured report on the terminal
  treaty diff --format json old.txt new.txt        the JSON contract (see README)
  treaty diff --format html -o report.html old.txt new.txt
  treaty diff --format docx -o report.docx old.txt new.txt
  treaty diff --stat --ignore-renumbering old.txt new.txt
  curl -s URL | treaty diff old.txt -              NEW from standard input

Exit status: 0 no differences, 1 differences, 2 trouble.";

const PARSE_EXAMPLES: &str = "\
Examples:
  treaty parse draft.txt                           the tree as JSON (schema_version 1)
  treaty parse --format tree draft.txt             KIND@start..end id \"label\" per node
  treaty parse --encoding windows-1251 draft.txt";

const OUTLINE_EXAMPLES: &str = "\
Examples:
  treaty outline draft.txt
  treaty outline - < draft.txt";

const SHOW_EXAMPLES: &str = "\
Citations:
  7            Article 7             7(2)  or 7.2   its paragraph 2
  7(2)(b)      item (b) of it        1-3            Articles 1 to 3
  preamble     title     conclusion  recital:3      chapter:2  part:I  section:3  annex:1
  art_7__para_2                      an eId as in `treaty parse`

Examples:
  treaty show draft.txt 7
  treaty show draft.txt '2(2)(b)' 7.2 preamble
  treaty show --format md draft.txt 1-3";

const CHECK_EXAMPLES: &str = "\
Examples:
  treaty check draft.txt
  treaty check --strict draft.txt                  exit 1 when there are warnings";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  treaty completions bash > ~/.local/share/bash-completion/completions/treaty
  treaty completions zsh > ~/.zfunc/_treaty
  treaty completions fish > ~/.config/fish/completions/treaty.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  treaty man > treaty.1 && man ./treaty.1";

/// Runs the command line and maps errors to one line on stderr and exit code 2.
pub fn main() -> ExitCode {
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
    let too_large = |size: Option<u64>| {
        let size = size.map(|n| format!(" ({n} bytes)")).unwrap_or_default();
        Error::new(
            ErrorKind::TooLarge,
            format!(
                "{path}: input is larger than the limit of {limit} bytes{size}; raise it with --max-bytes"
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
            return Err(too_large(None));
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
            return Err(too_large(Some(meta.len())));
        }
        let f = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
        // Sized once from the metadata, so the read does not grow the buffer by copies.
        bytes.reserve_exact(meta.len() as usize + 1);
        f.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(path, &e))?;
        if bytes.len() as u64 > limit {
            return Err(too_large(Some(bytes.len() as u64)));
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

/// The JSON document of `treaty diff --stat --format json`: the summary and, per part
/// shown, its classes and share of changed words (no text).
#[derive(serde::Serialize)]
struct StatJson<'a> {
    schema_version: u32,
    old: FileRef<'a>,
    new: FileRef<'a>,
    summary: &'a diff::Summary,
    parts: Vec<StatPart<'a>>,
}

/// One part of [`StatJson`].
#[derive(serde::Serialize)]
struct StatPart<'a> {
    name: String,
    kind: diff::ChangeKind,
    flags: &'a [diff::ChangeKind],
    node_kind: tree::NodeKind,
    similarity: f64,
    changed_words: f64,
}

impl<'a> StatPart<'a> {
    fn of(c: &'a diff::Change) -> Self {
        StatPart {
            name: render::diff::name(c),
            kind: c.kind,
            flags: &c.flags,
            node_kind: c.node_kind,
            similarity: c.similarity,
            changed_words: c.changed_words,
        }
    }
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
        } => run_parse(&file, format, &input),
        Command::Diff(args) => run_diff(&args),
        Command::Outline { file, input } => run_outline(&file, &input),
        Command::Show {
            file,
            citations,
            format,
            input,
        } => run_show(&file, &citations, format, &input),
        Command::Check {
            file,
            strict,
            input,
        } => run_check(&file, strict, &input),
        Command::Completions { shell } => run_completions(shell),
        Command::Man => run_man(),
    }
}

/// `treaty completions SHELL`: the completion script on standard output.
fn run_completions(shell: Shell) -> Result<u8, Error> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "treaty", &mut script);
    write_out(None, |w| w.write_all(&script))?;
    Ok(EXIT_OK)
}

/// `treaty man`: the manual page (roff) on standard output, with a section per command.
fn run_man() -> Result<u8, Error> {
    let cmd = Cli::command();
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render(&mut page)
        .map_err(|e| Error::new(ErrorKind::Io, format!("cannot write the manual page: {e}")))?;
    for sub in cmd.get_subcommands() {
        let title = format!("treaty {}", sub.get_name());
        page.extend_from_slice(format!(".SH \"{}\"\n", title.to_uppercase()).as_bytes());
        if let Some(about) = sub.get_about() {
            page.extend_from_slice(format!("{about}\n").as_bytes());
        }
        let mut usage = sub.clone().bin_name(&title);
        page.extend_from_slice(
            format!(
                ".PP\n.nf\n{}\n.fi\n",
                roff_escape(&usage.render_usage().to_string())
            )
            .as_bytes(),
        );
        if let Some(after) = sub.get_after_help() {
            page.extend_from_slice(
                format!(".PP\n.nf\n{}\n.fi\n", roff_escape(&after.to_string())).as_bytes(),
            );
        }
    }
    write_out(None, |w| w.write_all(&page))?;
    Ok(EXIT_OK)
}

/// Text made safe inside a roff `.nf` block: backslashes doubled, and a line that would
/// start with a roff control character (`.` or `'`) led by a zero-width escape.
fn roff_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `treaty parse`: the tree as JSON, or the debugging dump.
fn run_parse(file: &str, format: ParseFormat, input: &InputOpts) -> Result<u8, Error> {
    let p = parse::parse_owned(read_input(file, input)?);
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

/// `treaty diff`: reads and parses both versions (at once), compares them and renders the
/// report; exit 1 when they differ.
fn run_diff(args: &DiffArgs) -> Result<u8, Error> {
    if args.old == "-" && args.new == "-" {
        return Err(Error::new(
            ErrorKind::Usage,
            "only one of OLD and NEW can be '-' (standard input)",
        ));
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(Error::new(
            ErrorKind::Usage,
            "--timeout takes a positive number of seconds",
        ));
    }
    if matches!(args.format, DiffFormat::Docx)
        && !args.stat
        && args.output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        return Err(Error::new(
            ErrorKind::Usage,
            "--format docx writes a binary file; give -o FILE.docx or redirect standard output",
        ));
    }
    // Each file is read, hashed, parsed and prepared for the diff on its own, both at once.
    let load = |path: &str, encoding: &Option<String>| {
        let input = InputOpts {
            encoding: encoding.clone().or_else(|| args.input.encoding.clone()),
            max_bytes: args.input.max_bytes,
        };
        let version = diff::Version::parse(read_input(path, &input)?);
        let sha256 = input::sha256_hex(&version.document().source);
        Ok::<_, Error>((version, sha256))
    };
    let (old, new) = rayon::join(
        || load(&args.old, &args.old_encoding),
        || load(&args.new, &args.new_encoding),
    );
    let ((old, old_sha256), (new, new_sha256)) = (old?, new?);
    let opts = diff::DiffOptions {
        timeout: std::time::Duration::from_secs_f64(args.timeout.min(1e6)),
    };
    let d = diff::diff_versions(&old, &new, &opts);
    let (old, new) = (old.document(), new.document());
    for (path, doc) in [(&args.old, old), (&args.new, new)] {
        if let Some(note) = doc.note() {
            eprintln!("treaty: note: {path}: {note}");
        }
    }
    let ro = render::diff::RenderOptions {
        color: use_color(args.color),
        ignore_renumbering: args.ignore_renumbering,
    };
    let differs = d.changes.iter().any(|c| render::diff::is_visible(c, &ro));
    let output = args.output.as_deref();
    let (old_file, new_file) = (
        render::ComparedFile::with_sha256(&args.old, &old.source, old, old_sha256),
        render::ComparedFile::with_sha256(&args.new, &new.source, new, new_sha256),
    );
    let file_refs = || {
        (
            FileRef {
                path: &args.old,
                sha256: &old_file.sha256,
            },
            FileRef {
                path: &args.new,
                sha256: &new_file.sha256,
            },
        )
    };
    if args.stat && matches!(args.format, DiffFormat::Json) {
        let (old_ref, new_ref) = file_refs();
        let doc = StatJson {
            schema_version: 1,
            old: old_ref,
            new: new_ref,
            summary: &d.summary,
            parts: d
                .changes
                .iter()
                .filter(|c| render::diff::is_visible(c, &ro))
                .map(StatPart::of)
                .collect(),
        };
        emit_json(output, &doc)?;
        return Ok(exit_for(differs));
    }
    let report = if args.stat {
        render::diff::stat(&d, &ro)
    } else {
        match args.format {
            DiffFormat::Term => render::diff::term(&d, &args.old, &args.new, &ro),
            DiffFormat::Md => render::diff::markdown(&d, &args.old, &args.new, &ro),
            DiffFormat::Unified => {
                render::diff::unified(&old.source, &new.source, &args.old, &args.new)
            }
            DiffFormat::Html => render::html::html(&d, &old_file, &new_file, &ro),
            DiffFormat::Docx => {
                let stamp = render::docx::timestamp();
                let doc = render::docx::docx(&d, &old_file, &new_file, &ro, &stamp)?;
                write_out(output, |w| w.write_all(&doc.bytes))?;
                return Ok(exit_for(differs));
            }
            DiffFormat::Json => {
                let (old_ref, new_ref) = file_refs();
                let doc = DiffJson {
                    schema_version: 1,
                    old: old_ref,
                    new: new_ref,
                    summary: &d.summary,
                    changes: &d.changes,
                };
                emit_json(output, &doc)?;
                return Ok(exit_for(differs));
            }
        }
    };
    write_out(output, |w| w.write_all(report.as_bytes()))?;
    Ok(exit_for(differs))
}

/// The exit code of a diff.
fn exit_for(differs: bool) -> u8 {
    if differs { EXIT_FINDINGS } else { EXIT_OK }
}

/// Whether to colour: as asked, or on a terminal without `NO_COLOR`.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::IsTerminal::is_terminal(&std::io::stdout())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// `treaty outline`: the table of contents.
fn run_outline(file: &str, input: &InputOpts) -> Result<u8, Error> {
    let p = parse::parse_owned(read_input(file, input)?);
    let mut out = String::new();
    let note = p.document.note();
    if let Some(note) = note {
        out.push_str(&format!("{file}: {note}\n"));
    }
    if note != Some(tree::NOTE_EMPTY) {
        out.push_str(&outline::outline(&p.document.root));
    }
    emit(&out)?;
    Ok(EXIT_OK)
}

/// `treaty show`: the cited parts, in the order cited.
fn run_show(
    file: &str,
    citations: &[String],
    format: ShowFormat,
    input: &InputOpts,
) -> Result<u8, Error> {
    let p = parse::parse_owned(read_input(file, input)?);
    let (root, text) = (&p.document.root, &p.document.source);
    let mut out = String::new();
    let mut json = Vec::new();
    for c in citations {
        let nodes = cite::resolve(root, c).map_err(|e| match p.document.note() {
            Some(note) => Error::new(
                e.kind,
                format!("{file}: {note}; there are no parts to cite ('{c}')"),
            ),
            None => Error::new(e.kind, format!("{file}: {}", e.message)),
        })?;
        for n in nodes {
            match format {
                ShowFormat::Text => out.push_str(&outline::text(n, text)),
                ShowFormat::Md => out.push_str(&outline::markdown(n, text)),
                ShowFormat::Json => json.push(serde_json::json!({
                    "citation": c,
                    "node": n,
                    "text": n.text(text),
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

/// "1 article", "2 articles".
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `treaty check`: the diagnostics and a count line; exit 1 on warnings with `--strict`.
fn run_check(file: &str, strict: bool, input: &InputOpts) -> Result<u8, Error> {
    let p = parse::parse_owned(read_input(file, input)?);
    let text = &p.document.source;
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in &p.diagnostics {
        out.push_str(&d.render(file, text, &index));
    }
    let n_articles = p
        .document
        .root
        .descendants_of_kind(tree::NodeKind::Article)
        .count();
    if p.document.note() == Some(tree::NOTE_EMPTY) {
        out.push_str(&format!("{file}: {}\n", tree::NOTE_EMPTY));
    }
    let n_warnings = p
        .diagnostics
        .iter()
        .filter(|d| d.severity == treaty_analyser::diag::Severity::Warning)
        .count();
    let n_notes = p.diagnostics.len() - n_warnings;
    let notes = if n_notes > 0 {
        format!(", {}", plural(n_notes, "note"))
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{file}: {}, {}{notes}\n",
        plural(n_articles, "article"),
        plural(n_warnings, "warning")
    ));
    emit(&out)?;
    Ok(if strict && n_warnings > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
