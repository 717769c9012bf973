//! Rate limits: token buckets keyed on who is asking (an analyst, an analyst name being
//! signed in to, a peer address) — never on a header a client can set.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A set of token buckets, one per key.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Keys kept before idle, refilled buckets are forgotten.
const MAX_KEYS: usize = 10_000;

impl RateLimiter {
    /// `capacity` requests at once, refilled at `per_second`.
    pub fn new(capacity: u32, per_second: f64) -> RateLimiter {
        RateLimiter {
            capacity: f64::from(capacity),
            per_second,
            buckets: Mutex::default(),
        }
    }

    /// Takes one token for `key`, or says how long until one is free.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        self.update(key, true)
    }

    /// How long `key` must wait, without taking a token (for limits on failures only).
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.update(key, false)
    }

    fn update(&self, key: &str, take: bool) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > MAX_KEYS {
            let (capacity, rate) = (self.capacity, self.per_second);
            buckets
                .retain(|_, (tokens, at)| *tokens + at.elapsed().as_secs_f64() * rate < capacity);
        }
        let (tokens, at) = buckets
            .entry(key.to_owned())
            .or_insert((self.capacity, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.capacity);
        *at = now;
        if *tokens < 1.0 {
            return Err(Duration::from_secs_f64((1.0 - *tokens) / self.per_second));
        }
        if take {
            *tokens -= 1.0;
        }
        Ok(())
    }
}

/// The limits the server applies.
#[derive(Debug)]
pub struct Limits {
    /// Note writes per analyst: a minute's worth at once, then steadily.
    pub writes: RateLimiter,
    /// Failed sign-ins per analyst name: 5, then one a minute.
    pub failed_sign_ins: RateLimiter,
    /// Bad bearer tokens per peer address: 20, then one every 3 seconds.
    pub bad_tokens: RateLimiter,
}

/// Note writes an analyst may make per minute by default.
pub const DEFAULT_WRITES_PER_MINUTE: u32 = 300;

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(DEFAULT_WRITES_PER_MINUTE)
    }
}

impl Limits {
    /// Limits with `writes_per_minute` note writes per analyst.
    pub fn new(writes_per_minute: u32) -> Limits {
        let writes_per_minute = writes_per_minute.max(1);
        Limits {
            writes: RateLimiter::new(writes_per_minute, f64::from(writes_per_minute) / 60.0),
            failed_sign_ins: RateLimiter::new(5, 1.0 / 60.0),
            bad_tokens: RateLimiter::new(20, 1.0 / 3.0),
        }
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy; then the last address
/// in the `X-Forwarded-For` values that is not a trusted proxy (the one the outermost trusted
/// proxy saw; anything left of it the client may have made up).
pub fn client_behind<'a>(
    peer: std::net::IpAddr,
    trusted: &[std::net::IpAddr],
    forwarded_for: impl Iterator<Item = &'a str>,
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let chain: Vec<std::net::IpAddr> = forwarded_for
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    chain
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("127.0.0.1")];
        let cases = [
            ("203.0.113.9", vec!["198.51.100.1"], "203.0.113.9"),
            ("127.0.0.1", vec!["198.51.100.1"], "198.51.100.1"),
            ("127.0.0.1", vec!["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
            (
                "127.0.0.1",
                vec!["6.6.6.6", "198.51.100.1, 127.0.0.1"],
                "198.51.100.1",
            ),
            ("127.0.0.1", vec!["not an address"], "127.0.0.1"),
            ("127.0.0.1", vec![], "127.0.0.1"),
        ];
        for (peer, header, client) in cases {
            assert_eq!(
                client_behind(ip(peer), &proxy, header.iter().copied()),
                ip(client),
                "{peer} {header:?}"
            );
        }
    }

    #[test]
    fn a_bucket_empties_and_says_when_to_retry() {
        let limiter = RateLimiter::new(2, 1.0);
        assert!(limiter.take("a").is_ok() && limiter.take("a").is_ok());
        let wait = limiter.take("a").unwrap_err();
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(limiter.take("b").is_ok(), "keys are independent");
        assert!(limiter.check("a").is_err() && limiter.check("b").is_ok());
    }
}
