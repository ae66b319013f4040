//! Limits on sign-in attempts, per email address and per client IP address; and on
//! requests to `/graphql`, per principal (a person, a service account, or the client
//! address of an anonymous caller).

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::{StateInformationMiddleware, StateSnapshot};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::Principal;
use crate::errors::ApiError;

/// Attempts per key, telling what is left after each.
type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

#[derive(Clone)]
pub struct SignInLimiter {
    per_email: Arc<Limiter>,
    per_ip: Arc<Limiter>,
}

/// What is left of the tighter limit after an attempt: the `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` headers of the IETF's rate-limit fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the whole limit is available again.
    pub reset_secs: u64,
}

impl From<StateSnapshot> for Allowance {
    fn from(state: StateSnapshot) -> Self {
        let quota = state.quota();
        let limit = quota.burst_size().get();
        let remaining = state.remaining_burst_capacity();
        // Each spent attempt comes back one replenish interval after the one before.
        let reset = quota.replenish_interval() * limit.saturating_sub(remaining);
        Self {
            limit,
            remaining,
            reset_secs: reset.as_secs() + u64::from(reset.subsec_nanos() > 0),
        }
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"))
}

fn limiter(per_minute_limit: u32) -> Arc<Limiter> {
    Arc::new(
        RateLimiter::keyed(per_minute(per_minute_limit))
            .with_middleware::<StateInformationMiddleware>(),
    )
}

/// Counts one attempt under `key`: what is left, or how many seconds until the next one
/// is allowed.
fn count(limiter: &Limiter, key: String) -> Result<Allowance, u64> {
    limiter
        .check_key(&key)
        .map(Allowance::from)
        .map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
}

/// A request refused by `RequestLimiter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub limit: u32,
    pub retry_after_secs: u64,
}

/// Requests to `/graphql` per principal, each kind with its own quota per minute (0: no
/// limit): signed-in people and service accounts by their id, anonymous callers by their
/// client address.
#[derive(Clone)]
pub struct RequestLimiter {
    signed_in: Option<(Arc<Limiter>, u32)>,
    anonymous: Option<(Arc<Limiter>, u32)>,
}

impl RequestLimiter {
    pub fn new(signed_in_per_minute: u32, anonymous_per_minute: u32) -> Self {
        let quota = |n: u32| (n > 0).then(|| (limiter(n), n));
        Self {
            signed_in: quota(signed_in_per_minute),
            anonymous: quota(anonymous_per_minute),
        }
    }

    /// Counts one request of `principal` (from `ip`): what is left of its quota (`None`
    /// when its kind has no limit), or its refusal.
    pub fn request(&self, principal: &Principal, ip: &str) -> Result<Option<Allowance>, Refused> {
        let (quota, key) = match principal {
            Principal::Person(person) => (&self.signed_in, format!("person:{}", person.person_id)),
            Principal::ServiceAccount(account) => {
                (&self.signed_in, format!("service-account:{}", account.id))
            }
            Principal::Anonymous => (&self.anonymous, format!("ip:{ip}")),
        };
        let Some((limiter, limit)) = quota else {
            return Ok(None);
        };
        count(limiter, key).map(Some).map_err(|retry_after_secs| {
            tracing::warn!(kind = principal.kind(), "requests rate limited");
            Refused {
                limit: *limit,
                retry_after_secs: retry_after_secs.max(1),
            }
        })
    }
}

impl SignInLimiter {
    pub fn new(per_email_per_minute: u32, per_ip_per_minute: u32) -> Self {
        Self {
            per_email: limiter(per_email_per_minute),
            per_ip: limiter(per_ip_per_minute),
        }
    }

    /// Counts one attempt; refuses it when either limit is spent, and otherwise tells what
    /// is left of the tighter one.
    pub fn attempt(&self, email: &str, ip: &str) -> Result<Allowance, ApiError> {
        let mut tightest: Option<Allowance> = None;
        for (limiter, key) in [(&self.per_ip, ip), (&self.per_email, email)] {
            match count(limiter, key.to_owned()) {
                Ok(allowance) => {
                    if tightest.is_none_or(|other| allowance.remaining < other.remaining) {
                        tightest = Some(allowance);
                    }
                }
                Err(wait_secs) => {
                    tracing::warn!(
                        kind = if std::ptr::eq(limiter, &self.per_ip) {
                            "ip"
                        } else {
                            "email"
                        },
                        "sign-in attempts rate limited"
                    );
                    return Err(ApiError::RateLimited {
                        retry_after_secs: wait_secs.max(1),
                    });
                }
            }
        }
        Ok(tightest.expect("two limits checked"))
    }
}
