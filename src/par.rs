//! Two-way parallelism: [`join`] runs two jobs at once, one of them on a helper thread.
//!
//! The helper is started once and kept: after a job it waits for the next one by spinning
//! (yielding its CPU to anything else that wants it) for [`SPIN`] before it sleeps. On the
//! 2-core CI machine a sleeping CPU took 1.5–7 ms to wake up for a new thread, as long as
//! the jobs themselves; a diff hands the helper three jobs a few hundred microseconds apart.
//!
//! Linux also queues a new thread on the CPU of the thread that spawned it, where it waits
//! behind its parent, or preempts it, until the parent sleeps or the next load balancing
//! (0.8–4.5 ms measured, the other CPU idle meanwhile). The parent therefore moves the
//! helper to another CPU right after spawning it (`cpu::send_off`: the move is immediate for
//! a thread that is queued, not yet running), and the helper checks again as its first step.
//! For the same reason the calling thread of a [`join`] spins for the helper's result before
//! it sleeps (a thread woken by the helper was placed on the helper's CPU), and takes back a
//! job the helper has not started by the time its own half is done.

use std::cell::UnsafeCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long the helper spins for a next job before it sleeps.
pub const SPIN: Duration = Duration::from_millis(5);

/// A job for the helper.
type Job = Box<dyn FnOnce() + Send + 'static>;

thread_local! {
    /// True on the helper thread: a join there runs both jobs itself.
    static ON_HELPER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The helper's queue, started on first use (`None` when no thread could be started).
fn helper() -> Option<&'static Mutex<mpsc::Sender<Job>>> {
    static HELPER: OnceLock<Option<Mutex<mpsc::Sender<Job>>>> = OnceLock::new();
    HELPER
        .get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Job>();
            let parent = cpu::current();
            std::thread::Builder::new()
                .name("treaty-helper".into())
                .spawn(move || {
                    ON_HELPER.with(|h| h.set(true));
                    cpu::leave(parent);
                    serve(&rx);
                })
                .ok()
                .map(|h| {
                    cpu::send_off(&h, parent);
                    Mutex::new(tx)
                })
        })
        .as_ref()
}

/// The helper's loop: runs jobs as they come, spinning for [`SPIN`] after each.
fn serve(rx: &mpsc::Receiver<Job>) {
    loop {
        let spin_until = Instant::now() + SPIN;
        let job = loop {
            match rx.try_recv() {
                Ok(job) => break Some(job),
                Err(mpsc::TryRecvError::Empty) if Instant::now() < spin_until => {
                    std::thread::yield_now()
                }
                Err(mpsc::TryRecvError::Empty) => break None,
                Err(mpsc::TryRecvError::Disconnected) => return,
            }
        };
        match job.map_or_else(|| rx.recv().ok(), Some) {
            Some(job) => job(),
            None => return,
        }
    }
}

/// Sets its flag when dropped, however the scope that holds it ends (a panic included): a
/// thread that waits for another's flag then never waits for nothing.
pub(crate) struct SetOnDrop<'a>(pub &'a std::sync::atomic::AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// A job's `a`, taken once: by the helper when it starts the job, or by the thread that
/// asked for the job when the helper has not started it by the time that thread is free.
struct Slot<A> {
    taken: AtomicBool,
    a: UnsafeCell<Option<A>>,
}

// SAFETY: `a` is reached only by the one thread that sets `taken` first (see `take`).
unsafe impl<A: Send> Sync for Slot<A> {}

impl<A> Slot<A> {
    /// `a`, for the first thread to ask; `None` for any other.
    fn take(&self) -> Option<A> {
        if self.taken.swap(true, Ordering::AcqRel) {
            return None;
        }
        // SAFETY: only the thread that set `taken` gets here, and only once.
        unsafe { (*self.a.get()).take() }
    }
}

/// The helper's result of a job: spinning (yielding the CPU to anything else that wants
/// it) for up to [`SPIN`], then sleeping. A thread that sleeps here is woken by the helper,
/// and Linux tends to wake a thread on its waker's CPU: both threads then shared one CPU
/// while the other idled until the next load balancing (a scheduler trace of the largest
/// pair: 9 of its 10 ms with the second CPU idle, right after another program's run).
/// `None` when the job was dropped unrun.
fn wait<T>(rx: &mpsc::Receiver<T>) -> Option<T> {
    let spin_until = Instant::now() + SPIN;
    loop {
        match rx.try_recv() {
            Ok(v) => return Some(v),
            Err(mpsc::TryRecvError::Empty) if Instant::now() < spin_until => {
                std::thread::yield_now()
            }
            Err(mpsc::TryRecvError::Empty) => return rx.recv().ok(),
            Err(mpsc::TryRecvError::Disconnected) => return None,
        }
    }
}

/// Runs `a` on the helper thread and `b` on this one, and returns both results; `a`'s is an
/// `Err` holding the panic payload when `a` panicked (a panic of `b` is resumed once `a` is
/// done). When the helper has not started `a` by the time `b` is done (it is busy with
/// another thread's job, or its CPU was taken from it), `a` runs here after `b` instead of
/// this thread waiting for the helper. On the helper itself, or when no helper could be
/// started, both run here, `b` first: `a` may wait for something `b` does (the helper's part
/// of a diff waits for the alignment), never the other way round.
///
/// Jobs from several threads queue for the one helper. So `a` must not wait for something
/// that `b` does after a join of its own (that join's job would queue behind `a`).
pub fn join<A, B, RA, RB>(a: A, b: B) -> (std::thread::Result<RA>, RB)
where
    A: FnOnce() -> RA + Send,
    RA: Send,
    B: FnOnce() -> RB,
{
    let queue = helper().filter(|_| !ON_HELPER.with(|h| h.get()));
    let Some(queue) = queue else {
        let rb = b();
        return (catch_unwind(AssertUnwindSafe(a)), rb);
    };
    let slot = Arc::new(Slot {
        taken: AtomicBool::new(false),
        a: UnsafeCell::new(Some(a)),
    });
    let (done_tx, done_rx) = mpsc::channel();
    let theirs = Arc::clone(&slot);
    let job: Box<dyn FnOnce() + Send + '_> = Box::new(move || {
        if let Some(a) = theirs.take() {
            let _ = done_tx.send(catch_unwind(AssertUnwindSafe(a)));
        }
    });
    // SAFETY: the job borrows from the caller's frame only through `a`. Either the helper
    // takes `a`, and this function does not return or unwind before `done_rx` reports that
    // the job has run (it sends last) or has been dropped (its sender with it); or this
    // thread takes `a` back, and the job, whenever the helper gets to it, finds the slot
    // empty and touches nothing but the slot's flag and its own sender (both on the heap,
    // kept alive by the job itself). A job the queue refuses is handed back and run here;
    // `b`'s panic is caught and resumed only after `a` is done.
    let job: Job = unsafe { std::mem::transmute::<Box<dyn FnOnce() + Send + '_>, Job>(job) };
    let refused = match queue.lock() {
        Ok(tx) => tx.send(job).err().map(|e| e.0),
        Err(_) => Some(job),
    };
    if let Some(job) = refused {
        job();
    }
    let rb = catch_unwind(AssertUnwindSafe(b));
    let ra = match slot.take() {
        Some(a) => catch_unwind(AssertUnwindSafe(a)),
        None => wait(&done_rx).unwrap_or_else(|| Err(Box::new("the helper thread dropped a job"))),
    };
    match rb {
        Ok(rb) => (ra, rb),
        Err(panic) => resume_unwind(panic),
    }
}

#[cfg(target_os = "linux")]
mod cpu {
    use std::mem::{size_of, zeroed};

    /// The CPU the calling thread runs on, if the system says.
    pub fn current() -> Option<usize> {
        // SAFETY: sched_getcpu takes no arguments and only reads the caller's state.
        let cpu = unsafe { libc::sched_getcpu() };
        usize::try_from(cpu).ok()
    }

    /// Moves the new thread `h` off `cpu` (its parent's) when it may run elsewhere. Linux
    /// queues a new thread on its parent's CPU, where it waits until the parent sleeps or
    /// the next load balancing (1–2 ms measured, the other CPU idle meanwhile); told to
    /// leave, it moves to the other CPU's queue at once.
    pub fn send_off<T>(h: &std::thread::JoinHandle<T>, cpu: Option<usize>) {
        use std::os::unix::thread::JoinHandleExt;
        if let Some(cpu) = cpu {
            move_off(h.as_pthread_t(), cpu);
        }
    }

    /// Moves the calling thread off `cpu` when it runs there and may run elsewhere.
    pub fn leave(cpu: Option<usize>) {
        if let Some(cpu) = cpu.filter(|&c| current() == Some(c)) {
            // SAFETY: pthread_self takes no arguments and returns the caller's handle.
            move_off(unsafe { libc::pthread_self() }, cpu);
        }
    }

    /// Moves thread `t` off `cpu`, when the calling thread's set of CPUs has another, then
    /// gives `t` that whole set back (so the scheduler stays free to move it). Failures
    /// leave the thread where it is: this only changes speed, never results.
    fn move_off(t: libc::pthread_t, cpu: usize) {
        if cpu >= libc::CPU_SETSIZE as usize {
            return;
        }
        let size = size_of::<libc::cpu_set_t>();
        // SAFETY: cpu_set_t is a plain bit array (all zeros is the empty set); the pointers
        // given to the system point to live sets of the size passed; `t` is a live thread
        // (the caller itself, or one whose handle the caller holds).
        unsafe {
            let mut allowed: libc::cpu_set_t = zeroed();
            if libc::sched_getaffinity(0, size, &mut allowed) != 0
                || !libc::CPU_ISSET(cpu, &allowed)
            {
                return;
            }
            let mut others = allowed;
            libc::CPU_CLR(cpu, &mut others);
            if libc::CPU_COUNT(&others) > 0 && libc::pthread_setaffinity_np(t, size, &others) == 0 {
                libc::pthread_setaffinity_np(t, size, &allowed);
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod cpu {
    /// Nothing to do on this system.
    pub fn send_off<T>(_: &std::thread::JoinHandle<T>, _: Option<usize>) {}

    /// Not known on this system.
    pub fn current() -> Option<usize> {
        None
    }

    /// Nothing to do on this system.
    pub fn leave(_: Option<usize>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_returns_both_results_and_reports_a_panic() {
        let (a, b) = join(|| 2 + 2, || "b");
        assert_eq!((a.ok(), b), (Some(4), "b"));
        let (a, b) = join(|| -> u8 { panic!("helper failed") }, || 7);
        assert!(a.is_err());
        assert_eq!(b, 7);
    }

    #[test]
    fn joins_borrow_nest_and_run_from_many_threads_at_once() {
        let data: Vec<u64> = (1..=1000).collect();
        let (left, right) = data.split_at(500);
        let (a, b) = join(|| left.iter().sum::<u64>(), || right.iter().sum::<u64>());
        assert_eq!(a.ok().map(|a| a + b), Some(500_500));
        // A join inside the helper's job runs there, both halves in turn.
        let (outer, _) = join(|| join(|| 1, || 2), || ());
        let (inner_a, inner_b) = outer.expect("the outer job ran");
        assert_eq!((inner_a.ok(), inner_b), (Some(1), 2));
        // Jobs from several threads queue for the one helper; each gets its own result.
        std::thread::scope(|s| {
            let hs: Vec<_> = (0..8u64)
                .map(|t| s.spawn(move || join(move || t * 10, move || t)))
                .collect();
            for (t, h) in hs.into_iter().enumerate() {
                let (a, b) = h.join().expect("no panic");
                assert_eq!((a.ok(), b), (Some(t as u64 * 10), t as u64));
            }
        });
    }

    #[test]
    fn a_job_may_wait_for_the_other_even_when_both_run_on_one_thread() {
        use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
        // Inside the helper's job a join runs both halves there: `a` must come second.
        let (outer, _) = join(
            || {
                let set = AtomicBool::new(false);
                let (waited, ()) = join(
                    || {
                        let give_up = Instant::now() + Duration::from_secs(5);
                        while !set.load(SeqCst) && Instant::now() < give_up {
                            std::thread::yield_now();
                        }
                        set.load(SeqCst)
                    },
                    || set.store(true, SeqCst),
                );
                waited.ok()
            },
            || (),
        );
        assert_eq!(outer.ok().flatten(), Some(true));
    }

    #[test]
    fn a_job_the_helper_has_not_started_runs_on_the_calling_thread() {
        use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
        let give_up = Instant::now() + Duration::from_secs(5);
        let (started, release) = (AtomicBool::new(false), AtomicBool::new(false));
        std::thread::scope(|s| {
            // Another thread's job keeps the helper busy until released.
            let busy = s.spawn(|| {
                join(
                    || {
                        started.store(true, SeqCst);
                        while !release.load(SeqCst) && Instant::now() < give_up {
                            std::thread::yield_now();
                        }
                    },
                    || {
                        while !started.load(SeqCst) && Instant::now() < give_up {
                            std::thread::yield_now();
                        }
                    },
                )
            });
            while !started.load(SeqCst) && Instant::now() < give_up {
                std::thread::yield_now();
            }
            // This job queues behind it: once `b` is done, `a` is taken back and run here.
            let me = std::thread::current().id();
            let (a, b) = join(|| std::thread::current().id(), || 7);
            assert_eq!((a.ok(), b), (Some(me), 7));
            release.store(true, SeqCst);
            assert!(busy.join().is_ok());
        });
        // The helper is not held up by the job taken back: it serves the next one.
        let (a, b) = join(|| 1, || 2);
        assert_eq!((a.ok(), b), (Some(1), 2));
    }

    #[test]
    fn a_panic_on_this_side_waits_for_the_helper_side() {
        let finished = std::sync::atomic::AtomicBool::new(false);
        let r = catch_unwind(AssertUnwindSafe(|| {
            join(
                || {
                    std::thread::sleep(Duration::from_millis(20));
                    finished.store(true, std::sync::atomic::Ordering::SeqCst);
                },
                || panic!("this side failed"),
            )
        }));
        assert!(r.is_err());
        assert!(finished.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn leaving_a_cpu_keeps_the_set_of_allowed_cpus() {
        #[cfg(target_os = "linux")]
        {
            let allowed = || {
                // SAFETY: as in `cpu::move_off`.
                unsafe {
                    let mut s: libc::cpu_set_t = std::mem::zeroed();
                    libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut s);
                    libc::CPU_COUNT(&s)
                }
            };
            let before = allowed();
            cpu::leave(cpu::current());
            let after = allowed();
            assert_eq!(before, after);
        }
    }
}
