//! The native half of `mpgs.AsyncClient`. A call's body is converted on the event loop's thread
//! (the same conversion as the blocking client), then the call runs on a worker thread owned by
//! Rust, detached from the interpreter, through the same core client. Its result goes into the
//! loop's [`Inbox`]; the worker that finds the inbox empty schedules one `drain` on the loop with
//! `loop.call_soon_threadsafe`, and `drain`, on the loop's thread, turns each result into the same
//! Python object or exception as the blocking client and completes the call's future. So workers
//! take the GIL once for a burst of answers, not once each.
//!
//! Workers are started on demand, one for each call waiting when none is idle, up to the
//! client's maximum ([`MAX_IN_FLIGHT`] unless a subclass of `AsyncClient` says otherwise);
//! further calls queue and start as workers free up. A worker idle for [`IDLE_EXIT`] ends.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use mpgs::fork::ForkLocal;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use serde_json::Value;

use crate::observe::{self, Hook};
use crate::{
    raise, session_json, to_json, DeleteTokenResult, GatewayInformation, NativeClient, Session, Token,
};

/// The most calls one client runs at once by default; more wait their turn in a queue.
pub(crate) const MAX_IN_FLIGHT: usize = 256;
/// How long a worker with nothing to do waits before it ends.
const IDLE_EXIT: Duration = Duration::from_secs(30);
/// Worker stack: the call needs far less than the 2 MiB default (rustls, ureq, serde_json).
const STACK: usize = 512 * 1024;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    state: Mutex<State>,
    ready: Condvar,
    max_threads: usize,
    /// The fork generation of the process whose workers these are: in a forked child the pool
    /// is the parent's (no worker of it exists there, and its lock may have been held at the
    /// fork), so the child never touches it.
    generation: u64,
}

struct State {
    queue: VecDeque<Job>,
    idle: usize,
    threads: usize,
    closed: bool,
}

fn lock(pool: &Pool) -> MutexGuard<'_, State> {
    // A job never runs under the lock, so the lock cannot be poisoned by a job's panic.
    pool.state.lock().unwrap_or_else(|e| e.into_inner())
}

impl Pool {
    fn new(max_threads: usize) -> Arc<Self> {
        Arc::new(Pool {
            state: Mutex::new(State { queue: VecDeque::new(), idle: 0, threads: 0, closed: false }),
            ready: Condvar::new(),
            max_threads,
            generation: mpgs::fork::generation(),
        })
    }

    /// Queues a job; starts a worker when the idle ones do not cover the queue and the cap
    /// allows. Fails only if no worker exists and none can be started.
    fn submit(self: &Arc<Self>, job: Job) -> Result<(), String> {
        if !self.ours() {
            return Err("the client's workers belong to the parent process".into());
        }
        let mut st = lock(self);
        if st.closed {
            return Err("the client is closed".into());
        }
        st.queue.push_back(job);
        let wake = st.idle > 0;
        if st.idle < st.queue.len() && st.threads < self.max_threads {
            let pool = Arc::clone(self);
            let started = std::thread::Builder::new()
                .name("mpgs-async".into())
                .stack_size(STACK)
                .spawn(move || pool.work());
            match started {
                Ok(_) => st.threads += 1,
                Err(e) if st.threads == 0 => {
                    st.queue.pop_back();
                    return Err(format!("cannot start a worker thread: {e}"));
                }
                Err(_) => {} // the running workers take it in turn
            }
        }
        drop(st);
        if wake {
            // After unlocking: the worker woken does not find the lock still held.
            self.ready.notify_one();
        }
        Ok(())
    }

    fn work(&self) {
        let mut st = lock(self);
        loop {
            if let Some(job) = st.queue.pop_front() {
                drop(st);
                job();
                st = lock(self);
                continue;
            }
            if st.closed {
                break;
            }
            st.idle += 1;
            let (guard, wait) = self.ready.wait_timeout(st, IDLE_EXIT).unwrap_or_else(|e| e.into_inner());
            st = guard;
            st.idle -= 1;
            if wait.timed_out() && st.queue.is_empty() {
                break;
            }
        }
        st.threads -= 1;
    }

    /// Whether this process started the pool (false in a forked child).
    fn ours(&self) -> bool {
        self.generation == mpgs::fork::generation()
    }

    /// Refuses new jobs; queued ones still run; workers end once the queue is empty. Nothing to
    /// do in a forked child: the parent's workers and calls are not there.
    fn close(&self) {
        if !self.ours() {
            return;
        }
        lock(self).closed = true;
        self.ready.notify_all();
    }
}

const QUEUED: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;
const CANCELLED: u8 = 3;

/// One call handed to the workers; `cancel()` says whether its request may have been sent.
#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct AsyncCall {
    state: Arc<AtomicU8>,
}

#[pymethods]
impl AsyncCall {
    /// Drops the call if it has not started (then returns False: nothing was sent). Otherwise
    /// its exchange is under way or over, its result will be dropped, and this returns True.
    fn cancel(&self) -> bool {
        self.state.compare_exchange(QUEUED, CANCELLED, Ordering::AcqRel, Ordering::Acquire).is_err()
    }
}

/// Runs the calls of one `AsyncClient` on Rust-owned worker threads.
#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct AsyncRunner {
    client: mpgs::Client,
    pool: Arc<Pool>,
    /// The client's `on_call`: called on the loop's thread with each call's result.
    on_call: Option<Hook>,
}

enum Op {
    Session,
    Token,
    RetrieveSession(String),
    UpdateSession(String),
    RetrieveToken(String),
    DeleteToken(String),
    CheckGateway,
    Connect,
}

impl AsyncRunner {
    fn start(
        &self,
        op: Op,
        json: Value,
        inbox: &Bound<'_, Inbox>,
        future: Bound<'_, PyAny>,
    ) -> PyResult<AsyncCall> {
        let state = Arc::new(AtomicU8::new(QUEUED));
        let job_state = Arc::clone(&state);
        let client = self.client.clone();
        let on_call = self.on_call.clone();
        let (inbox, future) = (inbox.clone().unbind(), future.unbind());
        // The time a call waits its turn counts against its timeout.
        let started = std::time::Instant::now();
        let job: Job = Box::new(move || {
            if job_state.compare_exchange(QUEUED, RUNNING, Ordering::AcqRel, Ordering::Acquire).is_err() {
                return; // cancelled before it was sent
            }
            // Not attached to the interpreter: the network wait holds no GIL.
            let client = client.queued_since(started);
            let call = std::panic::AssertUnwindSafe(move || match op {
                Op::Session => client.create_session_json(json).map(|s| Outcome::Session(Box::new(s))),
                Op::Token => client.create_token_json(json).map(|t| Outcome::Token(Box::new(t))),
                Op::RetrieveSession(id) => {
                    client.retrieve_session(&id).map(|s| Outcome::Session(Box::new(s)))
                }
                Op::UpdateSession(id) => {
                    client.update_session_json(&id, json).map(|s| Outcome::Session(Box::new(s)))
                }
                Op::RetrieveToken(id) => client.retrieve_token(&id).map(|t| Outcome::Token(Box::new(t))),
                Op::DeleteToken(id) => client.delete_token(&id).map(|d| Outcome::Deleted(Box::new(d))),
                Op::CheckGateway => client.check_gateway().map(|g| Outcome::Gateway(Box::new(g))),
                Op::Connect => client.connect().map(|()| Outcome::Connected),
            });
            // A bug in the core must not leave the awaiting task waiting forever.
            let result = std::panic::catch_unwind(call).unwrap_or_else(|_| Ok(Outcome::Panicked));
            // The event the core's hook kept on this worker thread, for the loop's thread.
            let event = on_call.and_then(|hook| Some((hook, observe::take()?)));
            job_state.store(DONE, Ordering::Release);
            Inbox::post(inbox, future, result, event);
        });
        self.pool.submit(job).map_err(PyRuntimeError::new_err)?;
        Ok(AsyncCall { state })
    }
}

/// Worker threads that are attached to the interpreter right now, and whether it is shutting
/// down. In Python before 3.14 a thread that waits for the GIL once finalization has begun is
/// ended by `pthread_exit`, whose forced unwind aborts the process when it meets Rust frames; so
/// the `atexit` hook [`shutdown`] closes the gate and waits (GIL released) for those inside.
/// A forked child has a gate of its own: the parent's workers are not there to leave it, and one
/// of them may have held its lock at the fork.
#[derive(Default)]
struct Gate {
    state: Mutex<(bool, usize)>,
    left: Condvar,
}

static GATE: ForkLocal<Gate> = ForkLocal::new();

fn gate() -> (&'static Gate, MutexGuard<'static, (bool, usize)>) {
    let gate = GATE.get();
    (gate, gate.state.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Runs `f` attached to the interpreter from a thread Rust started (or any thread outside
/// Python), unless the interpreter is shutting down: then returns None.
pub(crate) fn attached<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    {
        let (_, mut g) = gate();
        if g.0 {
            return None;
        }
        g.1 += 1;
    }
    let result = Python::try_attach(f);
    let (gate, mut g) = gate();
    g.1 -= 1;
    if g.1 == 0 {
        gate.left.notify_all();
    }
    result
}

/// Registered with `atexit` when the module loads: from now on workers leave Python alone;
/// returns once the ones attached have let go.
#[pyfunction]
pub(crate) fn shutdown(py: Python<'_>) {
    gate().1 .0 = true;
    py.detach(|| {
        let (gate, mut g) = gate();
        while g.1 > 0 {
            g = gate.left.wait(g).unwrap_or_else(|e| e.into_inner());
        }
    });
}

enum Outcome {
    Session(Box<mpgs::Session>),
    Token(Box<mpgs::Token>),
    Deleted(Box<mpgs::DeleteTokenResult>),
    Gateway(Box<mpgs::GatewayInformation>),
    Connected,
    Panicked,
}

/// A call's future, its result, and its event with the hook to call.
type Answer = (Py<PyAny>, mpgs::Result<Outcome>, Option<(Hook, mpgs::CallEvent)>);

/// Answers waiting for one event loop, and whether a `drain` is scheduled on it.
#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct Inbox {
    loop_: Py<PyAny>,
    answers: Mutex<Vec<Answer>>,
    scheduled: AtomicBool,
}

impl Inbox {
    /// From a worker: queues an answer; the first since the last drain schedules the next one.
    /// Nothing is scheduled when the interpreter is shutting down or the loop is closed (its
    /// tasks were cancelled before it closed, and each cancellation was logged then).
    fn post(
        inbox: Py<Inbox>,
        future: Py<PyAny>,
        result: mpgs::Result<Outcome>,
        event: Option<(Hook, mpgs::CallEvent)>,
    ) {
        let this = inbox.get();
        this.answers.lock().unwrap_or_else(|e| e.into_inner()).push((future, result, event));
        if this.scheduled.swap(true, Ordering::SeqCst) {
            return; // the drain already scheduled takes this answer too
        }
        attached(|py| {
            let drain = inbox.bind(py).getattr("drain");
            let scheduled = drain.and_then(|d| this.loop_.call_method1(py, "call_soon_threadsafe", (d,)));
            if let Err(e) = scheduled {
                if !this.loop_.call_method0(py, "is_closed").and_then(|c| c.is_truthy(py)).unwrap_or(false) {
                    e.write_unraisable(py, Some(this.loop_.bind(py)));
                }
            }
        });
    }
}

#[pymethods]
impl Inbox {
    #[new]
    fn new(loop_: Py<PyAny>) -> Self {
        Inbox { loop_, answers: Mutex::new(Vec::new()), scheduled: AtomicBool::new(false) }
    }

    /// On the loop's thread: completes the future of every answer that has arrived, unless its
    /// task was cancelled (then the answer is dropped).
    fn drain(&self, py: Python<'_>) {
        self.scheduled.store(false, Ordering::SeqCst);
        let answers = std::mem::take(&mut *self.answers.lock().unwrap_or_else(|e| e.into_inner()));
        for (future, result, event) in answers {
            let future = future.bind(py);
            // The hook first (a cancelled call's too: it was made), on the loop's thread.
            if let Some((hook, event)) = event {
                if let Err(e) = observe::deliver(py, &hook, event) {
                    e.write_unraisable(py, Some(future));
                }
            }
            let completed = future.call_method0("done").and_then(|done| {
                if done.is_truthy()? {
                    return Ok(());
                }
                match result {
                    Ok(Outcome::Session(s)) => future.call_method1("set_result", (Session { inner: *s },)),
                    Ok(Outcome::Token(t)) => future.call_method1("set_result", (Token { inner: *t },)),
                    Ok(Outcome::Deleted(d)) => {
                        future.call_method1("set_result", (DeleteTokenResult { inner: *d },))
                    }
                    Ok(Outcome::Gateway(g)) => {
                        future.call_method1("set_result", (GatewayInformation { inner: *g },))
                    }
                    Ok(Outcome::Connected) => future.call_method1("set_result", (py.None(),)),
                    Ok(Outcome::Panicked) => future.call_method1(
                        "set_exception",
                        (PyRuntimeError::new_err(
                            "mpgs: internal error in the call (a bug: please report it)",
                        )
                        .into_value(py),),
                    ),
                    Err(e) => future.call_method1("set_exception", (raise(py, e).into_value(py),)),
                }
                .map(drop)
            });
            if let Err(e) = completed {
                e.write_unraisable(py, Some(future));
            }
        }
    }
}

#[pymethods]
impl AsyncRunner {
    #[new]
    fn new(client: &Bound<'_, NativeClient>, max_in_flight: usize) -> PyResult<Self> {
        if max_in_flight == 0 {
            return Err(PyValueError::new_err("max_in_flight must be at least 1"));
        }
        let native = client.get();
        Ok(AsyncRunner {
            client: native.inner.clone(),
            pool: Pool::new(max_in_flight),
            on_call: native.on_call.clone(),
        })
    }

    /// The default most calls run at once; more wait their turn.
    #[classattr]
    const MAX_IN_FLIGHT: usize = MAX_IN_FLIGHT;

    #[pyo3(signature = (inbox, future, /, body=None, authentication_limit=None, correlation_id=None))]
    fn create_session(
        &self,
        inbox: &Bound<'_, Inbox>,
        future: Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        authentication_limit: Option<&Bound<'_, PyAny>>,
        correlation_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<AsyncCall> {
        let json = session_json(inbox.py(), body, authentication_limit, correlation_id)?;
        self.start(Op::Session, json, inbox, future)
    }

    #[pyo3(signature = (inbox, future, /, body))]
    fn create_token(
        &self,
        inbox: &Bound<'_, Inbox>,
        future: Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<AsyncCall> {
        self.start(Op::Token, to_json(body, 0)?, inbox, future)
    }

    #[pyo3(signature = (inbox, future, /, session_id))]
    fn retrieve_session(
        &self,
        inbox: &Bound<'_, Inbox>,
        future: Bound<'_, PyAny>,
        session_id: String,
    ) -> PyResult<AsyncCall> {
        self.start(Op::RetrieveSession(session_id), Value::Null, inbox, future)
    }

    #[pyo3(signature = (inbox, future, /, session_id, body=None))]
    fn update_session(
        &self,
        inbox: &Bound<'_, Inbox>,
        future: Bound<'_, PyAny>,
        session_id: String,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<AsyncCall> {
        let json = body.map(|b| to_json(b, 0)).transpose()?.unwrap_or(Value::Null);
        self.start(Op::UpdateSession(session_id), json, inbox, future)
    }

    #[pyo3(signature = (inbox, future, /, token))]
    fn retrieve_token(
        &self,
        inbox: &Bound<'_, Inbox>,
        future: Bound<'_, PyAny>,
        token: String,
    ) -> PyResult<AsyncCall> {
        self.start(Op::RetrieveToken(token), Value::Null, inbox, future)
    }

    #[pyo3(signature = (inbox, future, /, token))]
    fn delete_token(
        &self,
        inbox: &Bound<'_, Inbox>,
        future: Bound<'_, PyAny>,
        token: String,
    ) -> PyResult<AsyncCall> {
        self.start(Op::DeleteToken(token), Value::Null, inbox, future)
    }

    #[pyo3(signature = (inbox, future, /))]
    fn check_gateway(&self, inbox: &Bound<'_, Inbox>, future: Bound<'_, PyAny>) -> PyResult<AsyncCall> {
        self.start(Op::CheckGateway, Value::Null, inbox, future)
    }

    #[pyo3(signature = (inbox, future, /))]
    fn connect(&self, inbox: &Bound<'_, Inbox>, future: Bound<'_, PyAny>) -> PyResult<AsyncCall> {
        self.start(Op::Connect, Value::Null, inbox, future)
    }

    /// The worker threads alive now (started on demand, ended when idle).
    #[getter]
    fn threads(&self) -> usize {
        if !self.pool.ours() {
            return 0;
        }
        lock(&self.pool).threads
    }

    /// Refuses new calls; calls already queued or under way still finish and deliver.
    fn close(&self) {
        self.pool.close();
    }
}

impl Drop for AsyncRunner {
    fn drop(&mut self) {
        self.pool.close();
    }
}
