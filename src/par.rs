//! Two-way parallelism: [`join`] runs two jobs at once, one of them on a helper thread that
//! is started on another CPU.
//!
//! Linux starts a new thread on the CPU of the thread that spawned it, where it preempts its
//! parent; the idle CPU takes one of the two over only when the busy one's next scheduler
//! tick asks it to (measured on the 2-core CI machine: the parent stalled 0.8–4.5 ms after
//! each spawn, for jobs of 6 ms). The helper therefore moves itself off its parent's CPU as
//! its first step, which the kernel does at once, and both jobs start within 0.1 ms.

/// Runs `a` on a helper thread and `b` on this one, and returns both results; `a`'s is an
/// `Err` holding the panic payload when `a` panicked.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (std::thread::Result<RA>, RB)
where
    A: FnOnce() -> RA + Send,
    RA: Send,
    B: FnOnce() -> RB,
{
    let parent = cpu::current();
    std::thread::scope(|s| {
        let h = s.spawn(move || {
            cpu::leave(parent);
            a()
        });
        let rb = b();
        (h.join(), rb)
    })
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

    /// Moves the calling thread off `cpu` when it runs there and may run elsewhere, then
    /// gives it back its former set of CPUs (so the scheduler stays free to move it).
    /// Failures leave the thread where it is: this only changes speed, never results.
    pub fn leave(cpu: Option<usize>) {
        let Some(cpu) = cpu else { return };
        if current() != Some(cpu) || cpu >= libc::CPU_SETSIZE as usize {
            return;
        }
        let size = size_of::<libc::cpu_set_t>();
        // SAFETY: cpu_set_t is a plain bit array (all zeros is the empty set); the pointers
        // given to the kernel point to live sets of the size passed, and pid 0 is the caller.
        unsafe {
            let mut allowed: libc::cpu_set_t = zeroed();
            if libc::sched_getaffinity(0, size, &mut allowed) != 0
                || !libc::CPU_ISSET(cpu, &allowed)
            {
                return;
            }
            let mut others = allowed;
            libc::CPU_CLR(cpu, &mut others);
            if libc::CPU_COUNT(&others) > 0 && libc::sched_setaffinity(0, size, &others) == 0 {
                libc::sched_setaffinity(0, size, &allowed);
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod cpu {
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
    fn leaving_a_cpu_keeps_the_set_of_allowed_cpus() {
        #[cfg(target_os = "linux")]
        {
            let size = std::mem::size_of::<libc::cpu_set_t>();
            // SAFETY: as in `cpu::leave`.
            let before = unsafe {
                let mut s: libc::cpu_set_t = std::mem::zeroed();
                libc::sched_getaffinity(0, size, &mut s);
                libc::CPU_COUNT(&s)
            };
            cpu::leave(cpu::current());
            let after = unsafe {
                let mut s: libc::cpu_set_t = std::mem::zeroed();
                libc::sched_getaffinity(0, size, &mut s);
                libc::CPU_COUNT(&s)
            };
            assert_eq!(before, after);
        }
    }
}
