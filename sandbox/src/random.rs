//! Randomness: the OS source, the sandbox's only one.

/// Random bytes (the sandbox's only source of randomness).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source");
    b
}

/// `n` random decimal digits.
pub fn random_digits(n: usize) -> String {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        for b in random_bytes::<32>() {
            if b < 250 && out.len() < n {
                out.push(char::from(b'0' + b % 10));
            }
        }
    }
    out
}
