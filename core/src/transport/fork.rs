//! State that a forked child starts afresh: a process-wide fork generation, bumped in the child
//! by a `pthread_atfork` handler, and values kept per generation.
//!
//! At `fork()` only the forking thread goes on in the child; a lock that another thread of the
//! parent held then stays held for ever in the child (rustls's session cache, the pool of idle
//! connections, the asynchronous client's gate). Values made through [`ForkLocal`] are made anew
//! in the child at first use, and the inherited ones are never waited on.

use std::marker::PhantomData;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};
use std::sync::Mutex;

static GENERATION: AtomicU64 = AtomicU64::new(0);
/// Whether the handler is registered (not a `Once`: a child forked while another thread was
/// inside `call_once` would wait on it for ever).
static REGISTERED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn in_child_after_fork() {
    // Async-signal-safe: one atomic add.
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The number of `fork()`s between the process that loaded this library and the current one:
/// 0 in the first, 1 in a child, 2 in a grandchild. The first call registers the `pthread_atfork`
/// handler that counts them; every [`ForkLocal`] calls it when made, so that a fork after any
/// state exists is always counted.
pub fn generation() -> u64 {
    if !REGISTERED.load(Ordering::Acquire)
        && REGISTERED.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_ok()
    {
        #[cfg(unix)]
        // SAFETY: registers a handler that only does an atomic add; it is never unregistered and
        // the function lives as long as the process (the library is never unloaded with state).
        unsafe {
            libc::pthread_atfork(None, None, Some(in_child_after_fork));
        }
    }
    GENERATION.load(Ordering::SeqCst)
}

struct Slot<T> {
    generation: u64,
    value: T,
}

/// A value per process: a forked child gets a fresh `T::default()` at first use instead of the
/// parent's, whose locks another thread may have held at the fork. The inherited value is leaked,
/// never dropped (dropping could wait on such a lock). `new` is `const`, for statics.
pub struct ForkLocal<T: Default> {
    current: AtomicPtr<Slot<T>>,
    /// Owns `T`s; Send and Sync only as below.
    _owns: PhantomData<*const T>,
}

// SAFETY: a `ForkLocal` owns its `T`s (moved with it, dropped where it is dropped: `T: Send`)
// and hands out `&T` to every thread that shares it (`T: Sync`).
unsafe impl<T: Default + Send> Send for ForkLocal<T> {}
// SAFETY: as above; a `T` may be made on one thread and dropped on another.
unsafe impl<T: Default + Send + Sync> Sync for ForkLocal<T> {}

impl<T: Default> ForkLocal<T> {
    /// An empty cell: the value is made at first use.
    pub const fn new() -> Self {
        Self { current: AtomicPtr::new(ptr::null_mut()), _owns: PhantomData }
    }

    /// This process's value.
    pub fn get(&self) -> &T {
        self.get_and_inherited().0
    }

    /// This process's value, and the parent's when this call replaced it.
    fn get_and_inherited(&self) -> (&T, Option<&T>) {
        let generation = generation();
        loop {
            let p = self.current.load(Ordering::Acquire);
            // SAFETY: every non-null pointer stored in `current` came from `Box::into_raw`, and
            // one that has been replaced is never freed, so it is valid for the process's life.
            let old = unsafe { p.as_ref() };
            if let Some(slot) = old.filter(|s| s.generation == generation) {
                return (&slot.value, None);
            }
            let fresh = Box::into_raw(Box::new(Slot { generation, value: T::default() }));
            match self.current.compare_exchange(p, fresh, Ordering::AcqRel, Ordering::Acquire) {
                // SAFETY: `fresh` was just made and is now owned by `current`.
                Ok(_) => return (unsafe { &(*fresh).value }, old.map(|s| &s.value)),
                // Another thread of this process made one first: use that one.
                // SAFETY: `fresh` was never shared.
                Err(_) => drop(unsafe { Box::from_raw(fresh) }),
            }
        }
    }
}

impl<T: Default> Default for ForkLocal<T> {
    fn default() -> Self {
        generation();
        Self::new()
    }
}

impl<T: Default> Drop for ForkLocal<T> {
    fn drop(&mut self) {
        let p = *self.current.get_mut();
        // SAFETY: made by `Box::into_raw`; `&mut self` means no reference to it is left. The
        // parent's value (not yet replaced in a child) is leaked: it may be mid-change.
        if unsafe { p.as_ref() }.is_some_and(|s| s.generation == generation()) {
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

impl<T: Default> std::fmt::Debug for ForkLocal<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForkLocal(..)")
    }
}

/// A value behind a lock, made anew in a forked child without waiting on the inherited lock.
/// The child empties the inherited value if its lock is free (for the pool: dropping the
/// connections closes their sockets and writes nothing, so the parent's TLS sessions are
/// untouched) and otherwise leaves it alone; the inherited lock itself is leaked.
#[derive(Default)]
pub(super) struct ForkSafe<T: Default> {
    cell: ForkLocal<Mutex<T>>,
}

impl<T: Default> std::fmt::Debug for ForkSafe<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForkSafe(..)")
    }
}

impl<T: Default> ForkSafe<T> {
    pub(super) fn new() -> Self {
        Self::default()
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        let (current, inherited) = self.cell.get_and_inherited();
        if let Some(inherited) = inherited {
            match inherited.try_lock() {
                Ok(mut v) => drop(std::mem::take(&mut *v)),
                Err(std::sync::TryLockError::Poisoned(p)) => drop(std::mem::take(&mut *p.into_inner())),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::*;

    /// As a forked child sees it: the value's generation is not the process's. Faked here on one
    /// value (a real fork is in [`run_in_forked_child`]).
    pub(in crate::transport) fn as_if_forked<T: Default>(f: &ForkSafe<T>) {
        let p = f.cell.current.load(Ordering::Acquire);
        // SAFETY: test only; nothing else reads the slot's generation while it is written here.
        unsafe { (*p).generation = u64::MAX };
    }

    /// Forks; runs `f` in the child, which exits with 0 if it returned true, 1 if false, and is
    /// killed if it has not exited within 10 s (then this returns None: it hung).
    pub(in crate::transport) fn run_in_forked_child(f: impl FnOnce() -> bool) -> Option<bool> {
        // SAFETY: the child runs only `f` and then `_exit`s, never returning into the test harness.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(false);
            // SAFETY: ends the child at once, without running the parent's exit handlers.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let until = Instant::now() + Duration::from_secs(10);
        let mut status = 0;
        loop {
            // SAFETY: waits for our own child.
            let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
            if r == pid {
                return Some(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
            }
            if Instant::now() >= until {
                // SAFETY: our own child, still running.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                    libc::waitpid(pid, &mut status, 0);
                }
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_forked_child_gets_a_fresh_pool_and_empties_the_inherited_one() {
        let f: ForkSafe<Vec<Arc<()>>> = ForkSafe::new();
        let conn = Arc::new(());
        f.lock().push(conn.clone());
        as_if_forked(&f);
        assert!(f.lock().is_empty(), "the child starts with no connection");
        assert_eq!(Arc::strong_count(&conn), 1, "the inherited one was dropped (its socket closed)");
    }

    #[test]
    fn a_forked_child_never_waits_on_a_lock_held_at_the_fork() {
        let f: ForkSafe<Vec<u8>> = ForkSafe::new();
        let held = f.lock(); // as if another thread of the parent held it when it forked
        as_if_forked(&f);
        // With one plain mutex this second lock on the same thread would never return.
        f.lock().push(1);
        assert_eq!(f.lock().len(), 1);
        drop(held);
    }

    #[test]
    fn a_real_fork_counts_a_generation_and_the_child_never_waits_on_a_lock_another_thread_held() {
        let f = Arc::new(ForkSafe::<Vec<u8>>::new());
        f.lock().push(7);
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = {
            let f = Arc::clone(&f);
            std::thread::spawn(move || {
                let _guard = f.lock();
                held_tx.send(()).unwrap();
                let _ = release_rx.recv();
            })
        };
        held_rx.recv().unwrap();
        let parent = generation();
        let child = run_in_forked_child(|| {
            let mut v = f.lock(); // the holder thread does not exist here
            v.push(1);
            generation() == parent + 1 && *v == [1]
        });
        release_tx.send(()).unwrap();
        holder.join().unwrap();
        assert_eq!(child, Some(true), "the child hung (None) or saw the parent's state");
        assert_eq!(generation(), parent, "the parent's generation is unchanged");
        assert_eq!(*f.lock(), [7]);
    }
}
