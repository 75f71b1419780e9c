//! What a newcomer meets on the first run: plain words for empty and non-treaty input,
//! short diagnostics on huge lines, singular and plural, help with examples, shell
//! completions and a manual page.

use assert_cmd::Command;

fn treaty() -> Command {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
}

/// (exit code, stdout, stderr) of `treaty ARGS` with `input` on standard input.
fn run(args: &[&str], input: &str) -> (i32, String, String) {
    let out = treaty().args(args).write_stdin(input).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const POEM: &str = "Evening on the Lake\n\nThe water keeps the colour of the sky\nlong after the sky has let it go.\n";
const UNPARSED: &str = "no article headings found; the text is kept as unparsed";

#[test]
fn empty_input_is_called_empty_in_every_command() {
    for input in ["", "\n\n  \n"] {
        let (code, out, _) = run(&["outline", "-"], input);
        assert_eq!((code, out.as_str()), (0, "-: empty input\n"));
        let (code, out, _) = run(&["check", "-"], input);
        assert_eq!(code, 0);
        assert!(
            out.contains("-: empty input\n") && out.contains("0 articles, 0 warnings"),
            "{out}"
        );
        let (code, _, err) = run(&["show", "-", "1"], input);
        assert_eq!(code, 2);
        assert!(
            err.contains("-: empty input; there are no parts to cite"),
            "{err}"
        );
        let (code, _, err) = run(&["diff", "-", "fixtures/security-draft.v1.txt"], input);
        assert_eq!(code, 1);
        assert!(err.contains("note: -: empty input"), "{err}");
    }
}

#[test]
fn a_text_without_headings_is_kept_as_unparsed_in_every_command() {
    let (_, out, _) = run(&["outline", "-"], POEM);
    assert!(out.starts_with(&format!("-: {UNPARSED}\n")), "{out}");
    assert!(
        !out.contains("Title"),
        "a poem's first line is not a treaty title: {out}"
    );
    let (_, out, _) = run(&["check", "-"], POEM);
    assert!(out.contains(UNPARSED), "{out}");
    let (_, _, err) = run(&["show", "-", "preamble"], POEM);
    assert!(err.contains(UNPARSED), "{err}");
    let (_, out, _) = run(&["parse", "-"], POEM);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let kids = v["root"]["children"].as_array().unwrap();
    assert_eq!(kids.len(), 1);
    assert_eq!(kids[0]["kind"], "unparsed");
    assert_eq!(kids[0]["span"], serde_json::json!([0, POEM.len()]));
}

#[test]
fn check_shows_a_short_excerpt_of_a_huge_line() {
    let line = format!("{} the end", "word ".repeat(400_000));
    let (code, out, _) = run(&["check", "-"], &line);
    assert_eq!(code, 0);
    assert!(
        out.len() < 2_000,
        "the diagnostic is short: {} bytes",
        out.len()
    );
    assert!(out.contains('…') && out.contains(UNPARSED), "{out}");
}

#[test]
fn counts_are_singular_and_plural() {
    let one = "Article 1\n\n1. The Parties agree to settle their disputes by peaceful means.\n";
    let (_, out, _) = run(&["check", "-"], one);
    assert!(out.contains("-: 1 article, 0 warnings"), "{out}");
    let two = "Article 1\n\n1. The Parties agree to settle their disputes by peaceful means.\n\nArticle 3\n\n1. Nothing in this Treaty affects the rights of third States.\n";
    let (_, out, _) = run(&["check", "-"], two);
    assert!(out.contains("-: 2 articles, 1 warning\n"), "{out}");
}

#[test]
fn a_preamble_of_one_paragraph_has_no_recital_count() {
    let text = "AGREEMENT ON EXAMPLES\n\nThis preamble is written as a single paragraph of plain prose about examples.\n\nArticle 1\n\n1. The Parties agree to settle disputes.\n";
    let (_, out, _) = run(&["outline", "-"], text);
    let pre = out.lines().find(|l| l.starts_with("Preamble"));
    assert_eq!(pre, Some("Preamble   [line 3]"), "{out}");
}

#[test]
fn the_size_limit_message_says_larger_than_and_how_to_raise_it() {
    let (code, _, err) = run(&["outline", "--max-bytes", "10", "-"], &"x".repeat(100));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "treaty: -: input is larger than the limit of 10 bytes; raise it with --max-bytes\n"
    );
}

#[test]
fn help_explains_inputs_formats_citations_and_gives_examples() {
    let help = |cmd: &str| run(&[cmd, "--help"], "").1;
    let diff = help("diff");
    assert!(
        diff.contains("The old version (plain text); `-` for standard input"),
        "{diff}"
    );
    assert!(
        diff.contains("The new version (plain text); `-` for standard input"),
        "{diff}"
    );
    let show = help("show");
    for want in [
        "text:",
        "json:",
        "md:",
        "7(2)(b)",
        "recital:3",
        "annex:1",
        "art_7__para_2",
    ] {
        assert!(show.contains(want), "show --help lacks {want}: {show}");
    }
    for cmd in [
        "diff",
        "parse",
        "outline",
        "show",
        "check",
        "completions",
        "man",
    ] {
        let h = help(cmd);
        assert!(
            h.contains("Examples:\n  treaty "),
            "{cmd} --help has examples: {h}"
        );
    }
}

#[test]
fn completions_for_every_shell_and_a_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, _) = run(&["completions", shell], "");
        assert_eq!(code, 0, "{shell}");
        assert!(
            out.contains("treaty") && out.contains("diff") && out.contains("ignore-renumbering"),
            "{shell}: {out}"
        );
    }
    let (code, _, err) = run(&["completions", "tcsh"], "");
    assert_eq!(code, 2, "{err}");
    let (code, man, _) = run(&["man"], "");
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie") || man.contains(".TH treaty 1"),
        "roff: {}",
        &man[..200.min(man.len())]
    );
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH \"TREATY DIFF\"",
        ".SH \"TREATY SHOW\"",
    ] {
        assert!(man.contains(section), "man lacks {section}");
    }
}
