//! Hostile and degenerate inputs: each gets a result or a clear error, and bounded work.
//! Work is measured by counting heap allocations and bytes (a counting global allocator in
//! this test binary), never by wall-clock time: growing an input tenfold may cost at most
//! [`GROWTH`] times as many allocations, bytes allocated and peak live bytes.
//!
//! Regression inputs found by fuzzing (`fuzz/run.sh`) are replayed at the end.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};
use treaty_analyser::diff::{self, DiffOptions};
use treaty_analyser::{input, parse, tree};

struct Counting;

// Global counters: the diff runs on several threads, so every thread's allocations count.
// The tests take SERIAL so that they measure one at a time.
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn note(allocs: usize, bytes: usize, delta: isize) {
    ALLOCS.fetch_add(allocs, Relaxed);
    BYTES.fetch_add(bytes, Relaxed);
    let live = LIVE.fetch_add(delta, Relaxed) + delta;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(1, l.size(), l.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        note(0, 0, -(l.size() as isize));
        // SAFETY: `p` came from `alloc` with this layout.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        note(1, new, new as isize - l.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// One measuring test at a time (the counters are global).
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Allowed cost ratio when the input grows tenfold.
const GROWTH: f64 = 15.0;

#[derive(Debug, Clone, Copy)]
struct Cost {
    allocs: usize,
    bytes: usize,
    peak: usize,
}

/// The allocations made while `f` runs (on any thread), with the peak of live bytes above
/// the starting level. Every test holds [`serial`], so nothing else allocates meanwhile.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let (a0, b0, live0) = (
        ALLOCS.load(Relaxed),
        BYTES.load(Relaxed),
        LIVE.load(Relaxed),
    );
    PEAK.store(live0, Relaxed);
    let out = f();
    let cost = Cost {
        allocs: ALLOCS.load(Relaxed) - a0,
        bytes: BYTES.load(Relaxed) - b0,
        peak: (PEAK.load(Relaxed) - live0).max(0) as usize,
    };
    (out, cost)
}

/// Asserts that `big` (an input 10× larger than `small`'s) cost at most GROWTH × as much.
fn assert_growth(what: &str, small: Cost, big: Cost) {
    eprintln!("{what}: small {small:?}, 10× {big:?}");
    for (name, s, b) in [
        ("allocations", small.allocs, big.allocs),
        ("bytes allocated", small.bytes, big.bytes),
        ("peak live bytes", small.peak, big.peak),
    ] {
        let ratio = b as f64 / s.max(1) as f64;
        assert!(
            ratio <= GROWTH,
            "{what}: {name} grew {ratio:.1}× for 10× the input ({s} → {b})"
        );
    }
}

/// Parses `text` and checks the lossless-tree invariant; returns the number of articles.
fn parse_checked(text: &str) -> usize {
    let p = parse(text);
    tree::validate(&p.document.root, text).expect("lossless tree");
    p.document.root.articles().len()
}

/// Parse cost of `make(n)` against `make(10 n)`.
fn parse_growth(what: &str, make: impl Fn(usize) -> String, n: usize) -> (usize, usize) {
    let (small, big) = (make(n), make(10 * n));
    let (a, cs) = measure(|| parse_checked(&small));
    let (b, cb) = measure(|| parse_checked(&big));
    assert_growth(what, cs, cb);
    (a, b)
}

/// A deterministic pseudo-random generator (no dependency, same text on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

const WORDS: &[&str] = &[
    "the",
    "Parties",
    "shall",
    "cooperate",
    "security",
    "of",
    "each",
    "Party",
    "and",
    "any",
    "measure",
    "consultation",
    "in",
    "accordance",
    "with",
    "this",
    "Treaty",
    "to",
    "ensure",
    "territory",
    "obligations",
    "under",
    "international",
    "law",
    "notify",
    "without",
    "delay",
    "request",
    "meeting",
    "decision",
    "forces",
    "armed",
    "peaceful",
    "settlement",
    "disputes",
];

/// Treaty-like text: `n_articles` articles of paragraphs of pseudo-random sentences.
fn treaty_like(n_articles: usize, seed: u64) -> String {
    let mut r = Lcg(seed);
    let mut s =
        String::from("ILLUSTRATIVE GENERATED DRAFT\n\nThe Parties,\n\nHave agreed as follows:\n\n");
    for a in 1..=n_articles {
        s.push_str(&format!("Article {a}\nCaption {a}\n\n"));
        for p in 1..=3 {
            s.push_str(&format!("{p}. "));
            for _ in 0..30 {
                s.push_str(WORDS[r.next() as usize % WORDS.len()]);
                s.push(' ');
            }
            s.push_str("end.\n\n");
        }
    }
    s
}

#[test]
fn ten_megabytes_of_article_1_lines() {
    let _g = serial();
    let make = |bytes: usize| "Article 1\n".repeat(bytes / 10);
    let (a, b) = parse_growth("\"Article 1\" lines", make, 1_000_000);
    assert!(a > 0 && b >= a, "articles found: {a} then {b}");
}

#[test]
fn a_single_ten_megabyte_line() {
    let _g = serial();
    let make = |bytes: usize| {
        let unit = "the Parties shall cooperate, see Article 5(2)(b); ";
        unit.repeat(bytes / unit.len())
    };
    parse_growth("one long line", make, 1_000_000);
}

#[test]
fn a_hundred_thousand_nested_items() {
    let _g = serial();
    // Markers of every style in turn, so each could open a deeper level.
    let make = |n: usize| {
        let mut s = String::from("Article 1\n");
        let styles = ["(a) x", "(i) x", "(A) x", "(1) x", "1. x", "a) x", "- x"];
        for k in 0..n {
            s.push_str(styles[k % styles.len()]);
            s.push('\n');
        }
        s
    };
    let text = make(100_000);
    let p = parse(&text);
    tree::validate(&p.document.root, &text).expect("lossless tree");
    let (mut depth, mut stack) = (0, vec![(&p.document.root, 0usize)]);
    while let Some((n, d)) = stack.pop() {
        depth = depth.max(d);
        stack.extend(n.children.iter().map(|c| (c, d + 1)));
    }
    eprintln!("100 000 items: tree depth {depth}");
    // Serializing and rendering the tree must not exhaust the stack either.
    assert!(serde_json::to_string(&p.document.root).is_ok());
    parse_growth("nested items", make, 10_000);
}

#[test]
fn fifty_thousand_articles_all_numbered_1() {
    let _g = serial();
    let make = |n: usize| "Article 1\nThe Parties shall cooperate.\n\n".repeat(n);
    let (a, b) = parse_growth("articles all numbered 1", make, 5_000);
    assert_eq!((a, b), (5_000, 50_000));
    // Diffing such a document against an edited copy stays near-linear too.
    let edit = |t: &str| t.replacen("cooperate.", "cooperate closely.", 3);
    let run = |n: usize| {
        let old = make(n);
        let new = edit(&old);
        let (po, pn) = (parse(&old), parse(&new));
        measure(|| {
            let d = diff::diff(&po.document, &pn.document, &DiffOptions::default());
            diff::check_reconstruction(&d, &old, &new).expect("invariant");
            d.summary.counts["modified"]
        })
    };
    let ((m1, c1), (m2, c2)) = (run(5_000), run(50_000));
    assert_eq!((m1, m2), (3, 3));
    assert_growth("diff of 50 000 articles numbered 1", c1, c2);
}

#[test]
fn two_unrelated_five_megabyte_documents() {
    let _g = serial();
    // Without structure: one unit each, so the word diff itself meets the deadline.
    let words = |seed: u64, bytes: usize| {
        let mut r = Lcg(seed);
        let mut s = String::with_capacity(bytes + 16);
        while s.len() < bytes {
            s.push_str(WORDS[r.next() as usize % WORDS.len()]);
            s.push(if r.next() % 12 == 0 { '\n' } else { ' ' });
        }
        s
    };
    let (a, b) = (words(1, 5_000_000), words(2, 5_000_000));
    let (pa, pb) = (parse(&a), parse(&b));
    let opts = DiffOptions {
        timeout: Duration::from_secs(2),
    };
    let d = diff::diff(&pa.document, &pb.document, &opts);
    diff::check_reconstruction(&d, &a, &b).expect("invariant");
    let why = d
        .summary
        .fallback
        .as_deref()
        .expect("a coarser result, and it says so");
    assert!(why.contains("deadline"), "{why}");
    // With structure: 5 MB of articles each, different text.
    let (a, b) = (treaty_like(8_000, 3), treaty_like(8_000, 4));
    assert!(a.len() > 5_000_000, "{}", a.len());
    let (pa, pb) = (parse(&a), parse(&b));
    let d = diff::diff(&pa.document, &pb.document, &opts);
    diff::check_reconstruction(&d, &a, &b).expect("invariant");
    assert!(d.summary.differs);
}

#[test]
fn deeply_nested_parentheses_in_citations() {
    let _g = serial();
    let text = std::fs::read_to_string("fixtures/security-draft.v1.txt").unwrap();
    let p = parse(&text);
    for depth in [10, 1_000, 100_000] {
        let c = format!("7{}{}", "(".repeat(depth), ")".repeat(depth));
        let err = treaty_analyser::cite::resolve(&p.document.root, &c)
            .expect_err("nonsense citation is an error");
        assert!(!err.message.is_empty());
        let c = format!("7{}", "(2)".repeat(depth));
        assert!(treaty_analyser::cite::resolve(&p.document.root, &c).is_err());
    }
}

#[test]
fn invalid_utf8_at_every_position_of_a_small_file() {
    let _g = serial();
    let bytes = std::fs::read("fixtures/security-draft.v1.txt").unwrap();
    for pos in 0..bytes.len() {
        let mut b = bytes.clone();
        b[pos] = 0xFF;
        let err = input::decode(&b, "f.txt", None).expect_err("0xFF is never UTF-8");
        // The offset reported is where the broken character starts: at most 3 bytes
        // before the damaged byte.
        let at: usize = err
            .message
            .split("byte ")
            .nth(1)
            .and_then(|r| r.split(';').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no offset in: {}", err.message));
        assert!(
            at <= pos && pos - at <= 3 && err.message.contains("--encoding"),
            "damaged byte {pos}: {}",
            err.message
        );
    }
}

#[test]
fn cr_only_line_ends_parse_like_lf() {
    let _g = serial();
    let lf = std::fs::read_to_string("fixtures/security-draft.v1.txt").unwrap();
    let cr = lf.replace('\n', "\r");
    let crlf = lf.replace('\n', "\r\n");
    let n = parse_checked(&lf);
    assert_eq!(parse_checked(&cr), n);
    assert_eq!(parse_checked(&crlf), n);
    // A long CR-only file (the draft 200 times over) reads as the same LF file does.
    let (big_lf, big_cr) = (lf.repeat(200), cr.repeat(200));
    assert_eq!(parse_checked(&big_cr), parse_checked(&big_lf));
}

#[test]
fn nul_bytes_are_refused_as_binary() {
    let _g = serial();
    let err = input::decode(b"Article 1\n\0\0\0binary", "x.bin", None).expect_err("binary");
    assert!(err.message.contains("x.bin"), "{}", err.message);
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["parse", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"Article 1\0\0")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn input_over_the_limit_is_refused_before_it_is_read_in_full() {
    let _g = serial();
    // Standard input from /dev/zero never ends: reading it in full would never return.
    let mut child = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["parse", "--max-bytes", "1000", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the endless input was read on and on");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("--max-bytes"), "{err}");
    // A regular file over the limit is refused from its size alone.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "Article 1\n".repeat(1000)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(["parse", "--max-bytes", "100"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("big.txt"));
}

#[test]
fn memory_of_parse_and_diff_of_two_ten_megabyte_inputs() {
    let _g = serial();
    let old = treaty_like(16_000, 7);
    // The new version: every fifth article reworded, every 50th dropped.
    let mut new = String::with_capacity(old.len());
    for (k, part) in old.split("Article ").enumerate() {
        if k > 0 && k % 50 == 0 {
            continue;
        }
        if k > 0 {
            new.push_str("Article ");
        }
        if k % 5 == 0 {
            new.push_str(&part.replacen("shall", "may", 2));
        } else {
            new.push_str(part);
        }
    }
    assert!(old.len() >= 10_000_000 && new.len() >= 9_500_000);
    let input = old.len() + new.len();
    let (d, cost) = measure(|| {
        let (po, pn) = (parse(&old), parse(&new));
        let d = diff::diff(&po.document, &pn.document, &DiffOptions::default());
        (d.summary.counts.clone(), d.summary.fallback.clone())
    });
    eprintln!(
        "parse + diff of {} + {} bytes: peak heap {} bytes ({:.2}× the input), counts {:?}",
        old.len(),
        new.len(),
        cost.peak,
        cost.peak as f64 / input as f64,
        d.0
    );
    assert!(d.1.is_none(), "no fallback expected: {:?}", d.1);
    assert!(
        cost.peak < 10 * input,
        "peak heap {} is over 10× the input ({input})",
        cost.peak
    );
}

/// A fuzzer-mutated mix of the fixtures (our own writing) in which two heading styles are
/// equally common: the parse once depended on a hash map's random order to pick the
/// document's style, so the same text could give different trees from run to run.
#[test]
fn a_tie_between_heading_styles_parses_the_same_every_time() {
    // Its allocations would count in another test's measurement.
    let _g = serial();
    let bytes = include_bytes!("data/fuzz-heading-style-tie.txt");
    let text = std::str::from_utf8(bytes).expect("the file is UTF-8");
    let first = treaty_analyser::parse(text).document.root;
    for _ in 0..50 {
        assert_eq!(treaty_analyser::parse(text).document.root, first);
    }
}
