//! A lock that survives `fork`.

use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::Mutex;

/// A value behind a lock, made anew in a forked child without waiting on the inherited lock:
/// another thread of the parent may have held it at the fork, and no thread of the child ever
/// will release it. The child empties the inherited value if its lock is free (for the pool:
/// dropping the connections closes their sockets and writes nothing, so the parent's TLS
/// sessions are untouched) and otherwise leaves it alone; the inherited lock itself is leaked.
pub(super) struct ForkSafe<T: Default> {
    pid: AtomicU32,
    current: AtomicPtr<Mutex<T>>,
}

impl<T: Default> ForkSafe<T> {
    pub(super) fn new() -> Self {
        let value = Box::into_raw(Box::new(Mutex::new(T::default())));
        Self { pid: AtomicU32::new(std::process::id()), current: AtomicPtr::new(value) }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        let pid = std::process::id();
        if self.pid.load(Ordering::Acquire) != pid {
            let fresh = Box::into_raw(Box::new(Mutex::new(T::default())));
            let inherited = self.current.swap(fresh, Ordering::AcqRel);
            self.pid.store(pid, Ordering::Release);
            // SAFETY: every pointer stored in `current` came from `Box::into_raw`, and one that
            // has been swapped out is never freed, so `inherited` is valid for the process's life.
            let inherited = unsafe { &*inherited };
            match inherited.try_lock() {
                Ok(mut v) => drop(std::mem::take(&mut *v)),
                Err(std::sync::TryLockError::Poisoned(p)) => drop(std::mem::take(&mut *p.into_inner())),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        // SAFETY: as above; the current pointer is freed only by `drop`, when no `&self` is left.
        let current = unsafe { &*self.current.load(Ordering::Acquire) };
        current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Default> Default for ForkSafe<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Default> std::fmt::Debug for ForkSafe<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForkSafe(..)")
    }
}

impl<T: Default> Drop for ForkSafe<T> {
    fn drop(&mut self) {
        // SAFETY: made by `Box::into_raw`; `&mut self` means no guard or reference is left.
        drop(unsafe { Box::from_raw(*self.current.get_mut()) });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// A forked child is a process whose id differs from the one recorded: faked here.
    fn as_if_forked<T: Default>(f: &ForkSafe<T>) {
        f.pid.store(0, Ordering::Release);
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
}
