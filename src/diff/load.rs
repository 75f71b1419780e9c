//! Making two versions ready for a diff on two threads: reading, parsing, tokenizing and
//! hashing each version are separate tasks that either thread takes as it comes free, so
//! the smaller version's thread helps with the larger one rather than waiting for it (and
//! a helper thread that starts late leaves its tasks to the other one).

use super::{Prepared, text};
use crate::diag::Diagnostic;
use crate::parse::Parse;
use crate::tree::{Document, Node};
use std::sync::atomic::{AtomicBool, Ordering::Acquire};
use std::sync::{Mutex, OnceLock};

/// One version of a diff: parsed, prepared for the diff, and the SHA-256 of its text.
pub struct Version {
    /// The parse of the text.
    pub parse: Parse,
    /// Its tokens and alignment units.
    pub prepared: Prepared,
    /// Hex SHA-256 of the text (after decoding).
    pub sha256: String,
}

/// The steps of one version, each done once by whichever thread takes it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Read,
    Parse,
    Tokenize,
    Hash,
    Prepare,
}

/// The order in which a thread takes steps: its own version's reading and parsing, then
/// the other's (when its thread has not started them), then the other's tokens and hash
/// before its own (the other thread is likely still parsing), then the preparations.
const ORDER: [(bool, Step); 10] = [
    (true, Step::Read),
    (true, Step::Parse),
    (false, Step::Read),
    (false, Step::Parse),
    (false, Step::Tokenize),
    (true, Step::Tokenize),
    (false, Step::Hash),
    (true, Step::Hash),
    (false, Step::Prepare),
    (true, Step::Prepare),
];

/// The work on one version: its reader, and the result of each step once done.
struct Side<R, E> {
    reader: Mutex<Option<R>>,
    source: OnceLock<Result<String, E>>,
    tree: OnceLock<(Node, Vec<Diagnostic>)>,
    tokens: Mutex<Option<text::Tokenized>>,
    sha256: OnceLock<String>,
    prepared: OnceLock<Prepared>,
    taken: [AtomicBool; 5],
}

impl<R, E> Side<R, E>
where
    R: FnOnce() -> Result<String, E>,
{
    fn new(reader: R) -> Self {
        Side {
            reader: Mutex::new(Some(reader)),
            source: OnceLock::new(),
            tree: OnceLock::new(),
            tokens: Mutex::new(None),
            sha256: OnceLock::new(),
            prepared: OnceLock::new(),
            taken: Default::default(),
        }
    }

    /// The text once read (`Some(None)` when reading failed: nothing left to do).
    fn text(&self) -> Option<Option<&str>> {
        self.source
            .get()
            .map(|r| r.as_ref().ok().map(String::as_str))
    }

    /// True when what `step` needs is there.
    fn ready(&self, step: Step) -> bool {
        match step {
            Step::Read => true,
            Step::Parse | Step::Tokenize | Step::Hash => self.text().is_some(),
            Step::Prepare => {
                self.text().is_some_and(|t| t.is_none())
                    || (self.tree.get().is_some() && self.tokens.lock().is_ok_and(|t| t.is_some()))
            }
        }
    }

    /// Takes `step` when nobody has and it can start, and does it; false otherwise.
    fn try_step(&self, step: Step) -> bool {
        let slot = &self.taken[step as usize];
        if slot.load(Acquire) || !self.ready(step) || slot.swap(true, Acquire) {
            return false;
        }
        let src = self.text().flatten();
        match (step, src) {
            (Step::Read, _) => {
                let reader = self.reader.lock().ok().and_then(|mut r| r.take());
                if let Some(read) = reader {
                    let _ = self.source.set(read());
                }
            }
            (Step::Parse, Some(src)) => {
                let _ = self.tree.set(crate::parse::build(src));
            }
            (Step::Tokenize, Some(src)) => {
                let toks = text::tokenize_hashed(src);
                if let Ok(mut t) = self.tokens.lock() {
                    *t = Some(toks);
                }
            }
            (Step::Hash, Some(src)) => {
                let _ = self.sha256.set(crate::input::sha256_hex(src));
            }
            (Step::Prepare, Some(src)) => {
                let toks = self.tokens.lock().ok().and_then(|mut t| t.take());
                if let (Some((root, _)), Some(toks)) = (self.tree.get(), toks) {
                    let _ = self.prepared.set(Prepared::from_parts(src, root, toks));
                }
            }
            (_, None) => {}
        }
        true
    }

    /// True when every step has been taken.
    fn all_taken(&self) -> bool {
        self.taken.iter().all(|t| t.load(Acquire))
    }

    /// The finished version (any step not done is done here), or the read error.
    fn finish(self) -> Result<Version, E> {
        let source = match self.source.into_inner() {
            Some(r) => r?,
            None => String::new(),
        };
        let (root, diagnostics) = self
            .tree
            .into_inner()
            .unwrap_or_else(|| crate::parse::build(&source));
        let sha256 = self
            .sha256
            .into_inner()
            .unwrap_or_else(|| crate::input::sha256_hex(&source));
        let prepared = match self.prepared.into_inner() {
            Some(p) => p,
            None => {
                let toks = self.tokens.into_inner().ok().flatten();
                let toks = toks.unwrap_or_else(|| text::tokenize_hashed(&source));
                Prepared::from_parts(&source, &root, toks)
            }
        };
        Ok(Version {
            parse: Parse {
                document: Document { source, root },
                diagnostics,
            },
            prepared,
            sha256,
        })
    }
}

/// One thread's loop: takes steps in [`ORDER`] until all are taken, yielding while the
/// only steps left wait for the other thread's reading. Returns early when the other
/// thread has stopped (it panicked; the caller resumes the panic).
fn work<A, B, E>(mine: &Side<A, E>, theirs: &Side<B, E>, stopped: &AtomicBool)
where
    A: FnOnce() -> Result<String, E>,
    B: FnOnce() -> Result<String, E>,
{
    let _stop = crate::par::SetOnDrop(stopped);
    loop {
        let progressed = ORDER.iter().any(|&(own, step)| {
            if own {
                mine.try_step(step)
            } else {
                theirs.try_step(step)
            }
        });
        if progressed {
            continue;
        }
        if (mine.all_taken() && theirs.all_taken()) || stopped.load(Acquire) {
            return;
        }
        std::thread::yield_now();
    }
}

/// Reads, parses, tokenizes, hashes and prepares two versions. With `two_threads`, on two
/// threads (see [`crate::par`]), each taking the next step of either version as it comes
/// free (see [`ORDER`]), and `on_each_thread` runs first on each (the CLI sets up its
/// allocator there); without, every step on this thread (for small inputs a second thread
/// costs more than it saves). A read error is returned for its version.
pub fn load_versions<E, RO, RN>(
    read_old: RO,
    read_new: RN,
    two_threads: bool,
    on_each_thread: &(dyn Fn() + Sync),
) -> (Result<Version, E>, Result<Version, E>)
where
    E: Send + Sync,
    RO: FnOnce() -> Result<String, E> + Send,
    RN: FnOnce() -> Result<String, E> + Send,
{
    let (old, new) = (Side::new(read_old), Side::new(read_new));
    // Set when either loop ends (all steps taken, or a panic), so that the other never
    // waits for a step that will not come.
    let stopped = AtomicBool::new(false);
    if !two_threads {
        work(&new, &old, &stopped);
        return (old.finish(), new.finish());
    }
    let (helper, ()) = crate::par::join(
        || {
            on_each_thread();
            work(&old, &new, &stopped)
        },
        || {
            on_each_thread();
            work(&new, &old, &stopped)
        },
    );
    if let Err(panic) = helper {
        std::panic::resume_unwind(panic);
    }
    (old.finish(), new.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{DiffOptions, diff, diff_prepared};

    fn draft(n: usize, word: &str) -> String {
        let mut s = String::from("TREATY ON EXAMPLES\n\n");
        for k in 1..=n {
            s += &format!("Article {k}\n\n1. The Parties shall {word} item {k}.\n\n");
        }
        s
    }

    #[test]
    fn versions_loaded_together_are_those_loaded_one_by_one() {
        let (a, b) = (draft(40, "keep"), draft(45, "review"));
        let (va, vb) = load_versions(|| Ok::<_, ()>(a.clone()), || Ok(b.clone()), true, &|| {});
        let (va, vb) = (va.expect("read"), vb.expect("read"));
        for (v, text) in [(&va, &a), (&vb, &b)] {
            let alone = crate::parse::parse(text);
            assert_eq!(v.parse.document.root, alone.document.root);
            assert_eq!(v.parse.diagnostics, alone.diagnostics);
            assert_eq!(v.sha256, crate::input::sha256_hex(text));
        }
        let opts = DiffOptions::default();
        let expected = diff(&va.parse.document, &vb.parse.document, &opts);
        let got = diff_prepared(
            &va.parse.document,
            va.prepared,
            &vb.parse.document,
            vb.prepared,
            &opts,
        );
        assert_eq!(got, expected);
    }

    #[test]
    fn one_thread_alone_does_every_step() {
        let (a, b) = (draft(4, "keep"), draft(5, "review"));
        let (va, vb) = load_versions(|| Ok::<_, ()>(a.clone()), || Ok(b.clone()), false, &|| {
            panic!("no second thread, nothing to set up")
        });
        let (va, vb) = (va.expect("read"), vb.expect("read"));
        assert_eq!(
            va.parse.document.root,
            crate::parse::parse(&a).document.root
        );
        assert_eq!(vb.sha256, crate::input::sha256_hex(&b));
        let opts = DiffOptions::default();
        assert_eq!(
            diff_prepared(
                &va.parse.document,
                va.prepared,
                &vb.parse.document,
                vb.prepared,
                &opts
            ),
            diff(&va.parse.document, &vb.parse.document, &opts)
        );
    }

    #[test]
    fn a_failed_read_is_returned_for_its_version_only() {
        let text = draft(3, "keep");
        let (old, new) = load_versions(
            || Err::<String, _>("old.txt: no such file"),
            || Ok(text.clone()),
            true,
            &|| {},
        );
        assert_eq!(old.err(), Some("old.txt: no such file"));
        assert_eq!(new.map(|v| v.parse.document.source).ok(), Some(text));
    }

    #[test]
    fn one_thread_does_all_steps_when_the_other_is_slow_to_read() {
        // The old version's reader stalls; the new one's steps are all done meanwhile, by
        // whichever thread, and both versions come out whole.
        let (a, b) = (draft(5, "keep"), draft(6, "review"));
        let (va, vb) = load_versions(
            || {
                std::thread::sleep(std::time::Duration::from_millis(30));
                Ok::<_, ()>(a.clone())
            },
            || Ok(b.clone()),
            true,
            &|| {},
        );
        assert_eq!(va.map(|v| v.parse.document.source).ok(), Some(a));
        assert_eq!(
            vb.map(|v| v.sha256).ok(),
            Some(crate::input::sha256_hex(&b))
        );
    }

    #[test]
    fn a_panicking_reader_panics_the_caller_instead_of_hanging() {
        let r = std::panic::catch_unwind(|| {
            load_versions(
                || -> Result<String, ()> { panic!("reader failed") },
                || Ok(draft(2, "keep")),
                true,
                &|| {},
            )
        });
        assert!(r.is_err());
    }
}
