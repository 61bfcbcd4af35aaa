//! Per-client rate limiting: a token bucket per client (governor's GCRA).
//! Over the limit, a 429 problem with `Retry-After`.
//!
//! A client is its IP address, an IPv6 address grouped by its /64 (one
//! household or office is given a whole /64, and could otherwise take a new
//! bucket per request). Behind the office's TLS proxy every request comes
//! from the proxy: given `--trusted-proxy`, a request from that address is
//! keyed by the last address its `X-Forwarded-For` names, and only then.
//! Buckets of clients gone quiet are dropped as requests come, so memory
//! does not grow with every address ever seen.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::api::problem::Problem;
use qingdan_core::ProblemCode;

/// How many requests one client may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: NonZeroU32,
    /// Requests allowed at once after a quiet spell.
    pub burst: NonZeroU32,
}

/// Requests between two sweeps of the buckets of quiet clients.
const SWEEP_EVERY: u64 = 4096;

/// The limiter shared by every request.
#[derive(Debug)]
pub struct Limiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    trusted_proxy: Option<IpAddr>,
    seen: AtomicU64,
}

impl Limiter {
    /// A limiter for `limit`, trusting `X-Forwarded-For` from
    /// `trusted_proxy` only.
    pub fn new(limit: RateLimit, trusted_proxy: Option<IpAddr>) -> Limiter {
        let quota = Quota::per_second(limit.per_second).allow_burst(limit.burst);
        Limiter {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            trusted_proxy,
            seen: AtomicU64::new(0),
        }
    }

    /// The client a request counts against: its peer, or, from the trusted
    /// proxy, the last address `forwarded_for` names; grouped by [`key`].
    fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        client(self.trusted_proxy, peer, forwarded_for)
    }

    /// Counts a request, and now and then drops the buckets of clients
    /// that have gone quiet.
    fn sweep_now_and_then(&self) {
        if self.seen.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }
}

/// Sign-in attempts: a few at once per administrator name and per client,
/// then one every [`SIGN_IN_EVERY`] seconds, whether they succeed or not
/// (guessing a password takes years at that pace).
#[derive(Debug)]
pub struct SignInLimiter {
    by_name: DefaultKeyedRateLimiter<String>,
    by_client: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    trusted_proxy: Option<IpAddr>,
    seen: AtomicU64,
}

/// Sign-in attempts allowed at once, per name and per client.
pub const SIGN_IN_BURST: u32 = 5;

/// Seconds between further sign-in attempts.
pub const SIGN_IN_EVERY: u64 = 20;

impl SignInLimiter {
    /// A limiter trusting `X-Forwarded-For` from `trusted_proxy` only.
    pub fn new(trusted_proxy: Option<IpAddr>) -> SignInLimiter {
        let burst = NonZeroU32::new(SIGN_IN_BURST).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(std::time::Duration::from_secs(SIGN_IN_EVERY))
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(burst);
        SignInLimiter {
            by_name: RateLimiter::keyed(quota),
            by_client: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            trusted_proxy,
            seen: AtomicU64::new(0),
        }
    }

    /// Counts an attempt to sign in as `name` from `peer`: none, or 429
    /// saying when to try again.
    pub fn check(
        &self,
        peer: IpAddr,
        forwarded_for: Option<&str>,
        name: &str,
    ) -> Result<(), Problem> {
        if self.seen.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.by_name.retain_recent();
            self.by_client.retain_recent();
        }
        let ip = client(self.trusted_proxy, peer, forwarded_for);
        let name: String = name.chars().take(64).collect();
        let refused = self
            .by_client
            .check_key(&ip)
            .and_then(|()| self.by_name.check_key(&name));
        match refused {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
                tracing::warn!(target: "qingdan::security", %ip, name, "sign-in attempts limited");
                Err(Problem::new(
                    ProblemCode::RateLimited,
                    format!("too many sign-in attempts; try again in {seconds} s"),
                )
                .retry_after(seconds))
            }
        }
    }
}

/// The client a request counts against: its peer, or, from the trusted
/// proxy, the last address `forwarded_for` names; grouped by [`key`].
fn client(trusted_proxy: Option<IpAddr>, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
    let peer = key(peer);
    if trusted_proxy.map(key) != Some(peer) {
        return peer;
    }
    forwarded_for
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok())
        .map_or(peer, key)
}

/// An address as a client: IPv4 as it is (an IPv4-mapped IPv6 address as
/// its IPv4), IPv6 by its /64.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
        v4 => v4,
    }
}

/// Middleware: lets the request through, or answers 429. A request with no
/// peer address (in-process tests) counts as 0.0.0.0.
pub async fn limit(
    State(limiter): State<std::sync::Arc<Limiter>>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let ip = limiter.client(peer, forwarded);
    limiter.sweep_now_and_then();
    match limiter.limiter.check_key(&ip) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(limiter.clock.now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = Problem::new(
                ProblemCode::RateLimited,
                format!("too many requests from {ip}; try again in {seconds} s"),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn limit(per_second: u32) -> RateLimit {
        RateLimit {
            per_second: NonZeroU32::new(per_second).unwrap(),
            burst: NonZeroU32::new(per_second).unwrap(),
        }
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_mapped_ipv4_is_its_ipv4() {
        let limiter = Limiter::new(limit(1), None);
        let a = limiter.client(ip("2001:db8:1:2:aaaa::1"), None);
        let b = limiter.client(ip("2001:db8:1:2:ffff::9"), None);
        assert_eq!(a, b, "one /64, one client");
        assert_ne!(a, limiter.client(ip("2001:db8:1:3::1"), None));
        assert_eq!(limiter.client(ip("::ffff:10.0.0.7"), None), ip("10.0.0.7"));
    }

    #[test]
    fn forwarded_for_counts_only_from_the_trusted_proxy() {
        let limiter = Limiter::new(limit(1), Some(ip("10.0.0.1")));
        let header = Some("203.0.113.9, 198.51.100.4");
        assert_eq!(limiter.client(ip("10.0.0.1"), header), ip("198.51.100.4"));
        assert_eq!(
            limiter.client(ip("192.0.2.50"), header),
            ip("192.0.2.50"),
            "anyone else's header is ignored"
        );
        assert_eq!(limiter.client(ip("10.0.0.1"), Some("junk")), ip("10.0.0.1"));
        let open = Limiter::new(limit(1), None);
        assert_eq!(open.client(ip("10.0.0.1"), header), ip("10.0.0.1"));
    }

    #[test]
    fn the_buckets_of_quiet_clients_are_dropped() {
        let limiter = Limiter::new(limit(1000), None);
        for n in 0..2000u32 {
            let client = IpAddr::V4(Ipv4Addr::from(n));
            let _ = limiter.limiter.check_key(&client);
        }
        assert_eq!(limiter.limiter.len(), 2000);
        // A bucket is full again 1 ms after one request at 1000 a second.
        std::thread::sleep(std::time::Duration::from_millis(20));
        for _ in 0..SWEEP_EVERY {
            limiter.sweep_now_and_then();
        }
        assert_eq!(
            limiter.limiter.len(),
            0,
            "every quiet client's bucket is gone"
        );
    }
}
