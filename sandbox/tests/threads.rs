//! One client shared by 16 threads, 500 calls each: every call succeeds and the client keeps a
//! bounded set of connections, reused rather than opened per call.

use mpgs::{CardDetails, CreateSessionRequest, CreateTokenRequest, VerificationStrategy};

mod common;

const THREADS: usize = 16;
const CALLS: usize = 500;

#[test]
fn sixteen_threads_share_one_client_for_500_calls_each() {
    let s = common::sandbox();
    let client = common::client(&s);
    let token = CreateTokenRequest::card(CardDetails::new("5123450000000008").expiry("5", "30"))
        .verification_strategy(VerificationStrategy::Basic);
    let ok: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (client, token) = (&client, &token);
                scope.spawn(move || {
                    (0..CALLS)
                        .filter(|i| match (t + i) % 2 {
                            0 => client
                                .create_session(&CreateSessionRequest::new())
                                .is_ok_and(|s| s.id.is_some()),
                            _ => client.create_token(token).is_ok_and(|t| t.token.is_some()),
                        })
                        .count()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(ok, THREADS * CALLS);
    // At most one connection per thread at once, and reused: not one per call.
    assert!(s.max_open_connections() <= THREADS, "{} open at once", s.max_open_connections());
    assert!(
        s.connections_accepted() <= 2 * THREADS,
        "{} connections for {} calls",
        s.connections_accepted(),
        ok
    );
}
