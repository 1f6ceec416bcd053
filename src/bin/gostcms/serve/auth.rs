//! Clients: bearer tokens (stored as SHA-256, compared in constant time),
//! allowed keys and operations, rate limits.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Instant;

use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

/// What a client may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    ClientSecret,
    RequestDataSign,
    Sign,
    Verify,
    JwtVerify,
}

impl Operation {
    /// The name used in the config, the audit log and the metrics.
    pub fn name(self) -> &'static str {
        match self {
            Operation::ClientSecret => "client-secret",
            Operation::RequestDataSign => "request-data-sign",
            Operation::Sign => "sign",
            Operation::Verify => "verify",
            Operation::JwtVerify => "jwt-verify",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Operation::ClientSecret,
            Operation::RequestDataSign,
            Operation::Sign,
            Operation::Verify,
            Operation::JwtVerify,
        ]
        .into_iter()
        .find(|op| op.name() == text)
    }
}

/// A token bucket: `rate` requests a second, bursts of up to `rate`.
pub struct RateLimiter {
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    pub fn new(rate: f64) -> Self {
        RateLimiter {
            rate,
            state: Mutex::new((rate.max(1.0), Instant::now())),
        }
    }

    /// Takes one request's token; false when the client is over its rate.
    pub fn allow(&self) -> bool {
        let mut guard = match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (tokens, last) = &mut *guard;
        let now = Instant::now();
        let capacity = self.rate.max(1.0);
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// One configured client.
pub struct Client {
    pub name: String,
    pub token_sha256: Zeroizing<[u8; 32]>,
    pub keys: HashSet<String>,
    pub operations: Vec<Operation>,
    pub limiter: Option<RateLimiter>,
}

impl Client {
    pub fn may(&self, op: Operation) -> bool {
        self.operations.contains(&op)
    }
}

/// The client whose token this is. Hashes the token and compares the hash
/// with every client's in constant time, without stopping at a match, so
/// the time says nothing about which (or whether a) client matched.
pub fn find_client<'a>(clients: &'a [Client], token: &[u8]) -> Option<&'a Client> {
    let presented = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(token)));
    let mut found = subtle::Choice::from(0u8);
    let mut index = 0u32;
    for (i, client) in clients.iter().enumerate() {
        let hit = client.token_sha256.as_slice().ct_eq(presented.as_slice());
        index = u32::conditional_select(&index, &(i as u32), hit);
        found |= hit;
    }
    if bool::from(found) {
        clients.get(index as usize)
    } else {
        None
    }
}

/// The token of an `Authorization: Bearer TOKEN` header value.
pub fn bearer(header: &[u8]) -> Option<&[u8]> {
    let scheme = header.get(..7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = header[7..].trim_ascii();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(name: &str, token: &[u8]) -> Client {
        Client {
            name: name.into(),
            token_sha256: Zeroizing::new(Sha256::digest(token).into()),
            keys: HashSet::new(),
            operations: vec![Operation::Sign],
            limiter: None,
        }
    }

    #[test]
    fn finds_the_client_of_a_token() {
        let clients = [client("a", b"token-a"), client("b", b"token-b")];
        assert_eq!(
            find_client(&clients, b"token-b").map(|c| c.name.as_str()),
            Some("b")
        );
        assert_eq!(
            find_client(&clients, b"token-a").map(|c| c.name.as_str()),
            Some("a")
        );
        assert!(find_client(&clients, b"token-c").is_none());
        assert!(find_client(&[], b"token-a").is_none());
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(bearer(b"bearer  abc "), Some(&b"abc"[..]));
        assert_eq!(bearer(b"Basic abc"), None);
        assert_eq!(bearer(b"Bearer "), None);
        assert_eq!(bearer(b"Bear"), None);
    }

    #[test]
    fn rate_limiter_bounds_a_burst() {
        let l = RateLimiter::new(5.0);
        let allowed = (0..20).filter(|_| l.allow()).count();
        assert!((5..=10).contains(&allowed), "{allowed}");
    }
}
