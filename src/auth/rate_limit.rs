//! Limits on sign-in attempts, per email address and per client IP address.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::{StateInformationMiddleware, StateSnapshot};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

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

impl SignInLimiter {
    pub fn new(per_email_per_minute: u32, per_ip_per_minute: u32) -> Self {
        Self {
            per_email: Arc::new(
                RateLimiter::keyed(per_minute(per_email_per_minute))
                    .with_middleware::<StateInformationMiddleware>(),
            ),
            per_ip: Arc::new(
                RateLimiter::keyed(per_minute(per_ip_per_minute))
                    .with_middleware::<StateInformationMiddleware>(),
            ),
        }
    }

    /// Counts one attempt; refuses it when either limit is spent, and otherwise tells what
    /// is left of the tighter one.
    pub fn attempt(&self, email: &str, ip: &str) -> Result<Allowance, ApiError> {
        let mut tightest: Option<Allowance> = None;
        for (limiter, key) in [(&self.per_ip, ip), (&self.per_email, email)] {
            match limiter.check_key(&key.to_owned()) {
                Ok(state) => {
                    let allowance = Allowance::from(state);
                    if tightest.is_none_or(|other| allowance.remaining < other.remaining) {
                        tightest = Some(allowance);
                    }
                }
                Err(not_until) => {
                    let wait = not_until.wait_time_from(DefaultClock::default().now());
                    tracing::warn!(
                        kind = if std::ptr::eq(limiter, &self.per_ip) {
                            "ip"
                        } else {
                            "email"
                        },
                        "sign-in attempts rate limited"
                    );
                    return Err(ApiError::RateLimited {
                        retry_after_secs: wait.as_secs().max(1),
                    });
                }
            }
        }
        Ok(tightest.expect("two limits checked"))
    }
}
