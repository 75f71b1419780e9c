//! The HTML and Word reports, looked at as a reader would: the HTML is rendered by headless
//! Chromium and checked through its DOM, the .docx is converted by LibreOffice and its
//! tracked changes are counted against the diff. Each test says SKIPPED (visibly) when the
//! program it needs is absent; `.ci/run` installs both.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use treaty_analyser::diff::{self, DocDiff, Op};
use treaty_analyser::render::diff::{RenderOptions, is_visible};

const V1: &str = "fixtures/security-draft.v1.txt";
const V2: &str = "fixtures/security-draft.v2.txt";
const HOSTILE1: &str = "fixtures/edge/hostile-markup.txt";
const HOSTILE2: &str = "fixtures/edge/hostile-markup.v2.txt";

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn skip(test: &str, program: &str) -> bool {
    if have(program) {
        return false;
    }
    common::skip(
        test,
        &format!("`{program}` not found; install it (`.ci/run` shows how)"),
    );
    true
}

/// Runs `cmd` to completion within `limit`, killing it after; returns its stdout.
fn run_bounded(mut cmd: Command, limit: Duration) -> Vec<u8> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("program starts");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).map(|_| buf)
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait works") {
            assert!(status.success(), "{cmd:?} failed: {status}");
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().expect("reader thread").expect("stdout read")
}

/// Headless Chromium with a fresh profile and no network, as the issue prescribes.
fn chromium(profile: &Path) -> Command {
    let mut c = Command::new("chromium");
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The DOM of `html` after Chromium loaded it (and ran what scripts it allows).
fn dump_dom(html: &Path, profile: &Path) -> String {
    let mut c = chromium(profile);
    c.arg("--dump-dom")
        .arg(format!("file://{}", html.display()));
    String::from_utf8(run_bounded(c, Duration::from_secs(120))).expect("DOM is UTF-8")
}

fn write_report(old: &str, new: &str, format: &str, out: &Path) {
    let st = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["diff", "--format", format, "-o"])
        .arg(out)
        .args([old, new])
        .status()
        .expect("treaty runs");
    assert_eq!(st.code(), Some(1), "treaty diff reports differences");
}

fn compute(old: &str, new: &str) -> DocDiff {
    let (a, b) = (
        std::fs::read_to_string(old).unwrap(),
        std::fs::read_to_string(new).unwrap(),
    );
    let (pa, pb) = (treaty_analyser::parse(&a), treaty_analyser::parse(&b));
    diff::diff(&pa.document, &pb.document, &diff::DiffOptions::default())
}

/// Numbers of `<del>` and `<ins>` marks the report must hold in its main part: each
/// substantive op of a shown change, twice for matched parts (old or new column, and the
/// inline view), once for added and removed parts.
fn expected_marks(d: &DocDiff) -> (usize, usize) {
    let opts = RenderOptions::default();
    let (mut del, mut ins) = (0, 0);
    for c in d.changes.iter().filter(|c| is_visible(c, &opts)) {
        let views = if c.old.is_some() && c.new.is_some() {
            2
        } else {
            1
        };
        for o in c.inline.iter().filter(|o| !o.layout) {
            match o.op {
                Op::Delete => del += views,
                Op::Insert => ins += views,
                Op::Equal => {}
            }
        }
    }
    (del, ins)
}

fn main_part(dom: &str) -> &str {
    let a = dom.find("<main>").expect("report has <main>");
    let b = dom.rfind("</main>").expect("report closes </main>");
    &dom[a..b]
}

#[test]
fn html_report_in_headless_chromium() {
    if skip("html_report_in_headless_chromium", "chromium") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    write_report(V1, V2, "html", &html);
    let dom = dump_dom(&html, &dir.path().join("profile"));
    let d = compute(V1, V2);
    let main = main_part(&dom);
    let (del, ins) = expected_marks(&d);
    assert!(del > 0 && ins > 0);
    assert_eq!(main.matches("<del").count(), del, "deletions in the DOM");
    assert_eq!(main.matches("<ins").count(), ins, "insertions in the DOM");
    assert_eq!(
        main.matches("<section class=\"change").count(),
        d.changes.len(),
        "one anchored section per change"
    );
    for k in 0..d.changes.len() {
        assert!(main.contains(&format!("id=\"c{k}\"")), "anchor c{k}");
    }
    // The moved article and its old place link to each other.
    let moved = d
        .changes
        .iter()
        .position(|c| c.flags.contains(&diff::ChangeKind::Moved))
        .expect("the fixture has a moved article");
    assert!(main.contains(&format!("id=\"was-c{moved}\"")));
    assert!(main.contains(&format!("href=\"#was-c{moved}\"")));
    assert!(main.contains(&format!("href=\"#c{moved}\"")));
    // Consequential renumbering is marked (greyed by the style sheet).
    assert!(main.contains("class=\"conseq\""));
    // The inline script ran (the CSP allowed it by hash): it recorded the layout time.
    assert!(dom.contains("data-laid-out-ms=\""), "inline script ran");

    let png = dir.path().join("report.png");
    let mut c = chromium(&dir.path().join("profile-shot"));
    c.arg("--window-size=1280,1600")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()));
    run_bounded(c, Duration::from_secs(120));
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000);
}

#[test]
fn hostile_text_never_runs_in_the_html_report() {
    if skip("hostile_text_never_runs_in_the_html_report", "chromium") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("hostile.html");
    write_report(HOSTILE1, HOSTILE2, "html", &html);
    let dom = dump_dom(&html, &dir.path().join("profile"));
    assert!(!dom.contains("data-pwned"), "an injected handler ran");
    assert!(!dom.contains("<title>pwned"), "an injected script ran");
    assert_eq!(
        dom.matches("<script").count(),
        1,
        "only the report's script"
    );
    assert!(
        !dom.contains("<img"),
        "markup in the text became an element"
    );
    assert!(
        !dom.contains("<b>markup"),
        "markup in the text became an element"
    );
    // The text is there, as text.
    assert!(dom.contains("&lt;script&gt;"));
    assert!(dom.contains("onerror="));
    // The script the report does allow still ran.
    assert!(dom.contains("data-laid-out-ms=\""));
}

/// Counts `<w:ins ` and `<w:del ` elements in the document part of a .docx.
fn tracked_changes(docx: &Path) -> (usize, usize, String) {
    let f = std::fs::File::open(docx).unwrap();
    let mut z = zip::ZipArchive::new(f).expect("the .docx is a zip package");
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/styles.xml",
        "word/settings.xml",
    ] {
        assert!(z.by_name(part).is_ok(), "{part} present");
    }
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    (
        xml.matches("<w:ins ").count(),
        xml.matches("<w:del ").count(),
        xml,
    )
}

fn check_docx(old: &str, new: &str, dir: &Path) -> PathBuf {
    let docx = dir.join("report.docx");
    write_report(old, new, "docx", &docx);
    let d = compute(old, new);
    let (ins, del) = treaty_analyser::render::docx::expected_counts(&d, &RenderOptions::default());
    let (xi, xd, xml) = tracked_changes(&docx);
    assert!(ins > 0 && del > 0);
    assert_eq!((xi, xd), (ins, del), "w:ins / w:del match the diff");
    assert!(xml.contains("w:author=\"treaty diff\""));
    assert!(xml.contains("<w:pStyle w:val=\"Heading2\"/>"));
    docx
}

fn convert_to_pdf(docx: &Path, dir: &Path) -> Vec<u8> {
    let mut c = Command::new("soffice");
    c.arg(format!(
        "-env:UserInstallation=file://{}",
        dir.join("lo-profile").display()
    ))
    .args(["--headless", "--convert-to", "pdf", "--outdir"])
    .arg(dir)
    .arg(docx);
    run_bounded(c, Duration::from_secs(300));
    std::fs::read(docx.with_extension("pdf")).expect("LibreOffice wrote the PDF")
}

#[test]
fn docx_report_has_tracked_changes_and_opens_in_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let docx = check_docx(V1, V2, dir.path());
    if skip("docx_report_opens_in_libreoffice", "soffice") {
        return;
    }
    let pdf = convert_to_pdf(&docx, dir.path());
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn hostile_text_stays_text_in_the_docx() {
    let dir = tempfile::tempdir().unwrap();
    let docx = check_docx(HOSTILE1, HOSTILE2, dir.path());
    let (_, _, xml) = tracked_changes(&docx);
    assert!(
        !xml.contains("<script"),
        "markup from the text reached the XML"
    );
    assert!(xml.contains("&lt;script&gt;"));
    assert!(xml.contains("&lt;w:t&gt;xml&lt;/w:t&gt;"));
    if skip(
        "hostile_text_stays_text_in_the_docx (LibreOffice)",
        "soffice",
    ) {
        return;
    }
    assert!(convert_to_pdf(&docx, dir.path()).starts_with(b"%PDF"));
}

/// The largest real pair of pairs.tsv, as two paths.
fn largest_real_pair() -> Option<(String, String)> {
    let dir = common::corpus_dir("reports on a real pair")?;
    let tsv = std::fs::read_to_string(dir.join("pairs.tsv")).unwrap();
    let path = |id: &str| dir.join("texts").join(format!("{id}.txt"));
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((path(f.next()?), path(f.next()?)))
        })
        .max_by_key(|(a, b)| {
            std::fs::metadata(a).map_or(0, |m| m.len())
                + std::fs::metadata(b).map_or(0, |m| m.len())
        })
        .map(|(a, b)| (a.display().to_string(), b.display().to_string()))
}

#[test]
fn reports_of_the_largest_real_pair() {
    let Some((old, new)) = largest_real_pair() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let docx = check_docx(&old, &new, dir.path());
    if !skip("reports_of_the_largest_real_pair (docx)", "soffice") {
        assert!(convert_to_pdf(&docx, dir.path()).starts_with(b"%PDF"));
    }
    if skip("reports_of_the_largest_real_pair (html)", "chromium") {
        return;
    }
    let html = dir.path().join("real.html");
    write_report(&old, &new, "html", &html);
    let dom = dump_dom(&html, &dir.path().join("profile"));
    let d = compute(&old, &new);
    let main = main_part(&dom);
    assert_eq!(
        main.matches("<section class=\"change").count(),
        d.changes.len()
    );
    let (del, ins) = expected_marks(&d);
    assert_eq!(main.matches("<del").count(), del);
    assert_eq!(main.matches("<ins").count(), ins);
}
