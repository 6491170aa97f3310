//! The Rust client on a simulated link (make bench, BENCHMARKS.md "Round trips"): Create Session
//! timed per call, printed as one JSON line `{"ms": [...], ...}`. Environment as for the
//! quickstart: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
//!
//!   bench_rtt first              one call of a new client (the first of the process)
//!   bench_rtt spaced N SECONDS   one client: a call, then N timed calls SECONDS apart
//!   bench_rtt cold N             a call, then N calls, each on a new client; CPU ms a call, calls/s
//!   bench_rtt concurrent N       one client, one call, then N calls at once on N threads: wall ms

use std::time::{Duration, Instant};

fn client() -> mpgs::Client {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    mpgs::Client::builder(var("MPGS_MERCHANT_ID"))
        .password(var("MPGS_PASSWORD"))
        .base_url(var("MPGS_BASE_URL"))
        .add_ca_file(var("MPGS_CA_FILE"))
        .build()
        .expect("client builds")
}

fn call(c: &mpgs::Client) -> f64 {
    let body = serde_json::json!({"correlationId": "bench", "session": {"authenticationLimit": 5}});
    let start = Instant::now();
    c.create_session_json(body).expect("call succeeds");
    start.elapsed().as_secs_f64() * 1000.0
}

/// CPU time of the process so far, in ms.
fn cpu_ms() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: writes one timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1e6
}

fn list(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(",")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<f64>().ok()).expect("a number argument");
    match args.first().map(String::as_str) {
        Some("first") => println!("{{\"ms\": [{:.3}]}}", call(&client())),
        Some("spaced") => {
            let (n, gap) = (num(1) as usize, Duration::from_secs_f64(num(2)));
            let c = client();
            call(&c);
            let ms: Vec<f64> = (0..n)
                .map(|_| {
                    std::thread::sleep(gap);
                    call(&c)
                })
                .collect();
            println!("{{\"ms\": [{}]}}", list(&ms));
        }
        Some("cold") => {
            let n = num(1) as usize;
            // The process's first client (a full handshake, the roots parsed) is not timed.
            call(&client());
            let (cpu, wall) = (cpu_ms(), Instant::now());
            let ms: Vec<f64> = (0..n)
                .map(|_| {
                    let start = Instant::now();
                    call(&client());
                    start.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            let per_s = n as f64 / wall.elapsed().as_secs_f64();
            println!(
                "{{\"ms\": [{}], \"cpu_ms_per_call\": {:.3}, \"calls_per_s\": {per_s:.1}}}",
                list(&ms),
                (cpu_ms() - cpu) / n as f64
            );
        }
        Some("concurrent") => {
            let n = num(1) as usize;
            let c = client();
            call(&c);
            let start = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..n {
                    s.spawn(|| call(&c));
                }
            });
            println!("{{\"wall_ms\": {:.3}}}", start.elapsed().as_secs_f64() * 1000.0);
        }
        _ => {
            eprintln!("usage: bench_rtt first | spaced N SECONDS | cold N | concurrent N");
            std::process::exit(2);
        }
    }
}
