//! Limits on sign-in attempts, per email address and per client IP address.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::errors::ApiError;

#[derive(Clone)]
pub struct SignInLimiter {
    per_email: Arc<DefaultKeyedRateLimiter<String>>,
    per_ip: Arc<DefaultKeyedRateLimiter<String>>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"))
}

impl SignInLimiter {
    pub fn new(per_email_per_minute: u32, per_ip_per_minute: u32) -> Self {
        Self {
            per_email: Arc::new(RateLimiter::keyed(per_minute(per_email_per_minute))),
            per_ip: Arc::new(RateLimiter::keyed(per_minute(per_ip_per_minute))),
        }
    }

    /// Counts one attempt; refuses it when either limit is spent.
    pub fn attempt(&self, email: &str, ip: &str) -> Result<(), ApiError> {
        for (limiter, key) in [(&self.per_ip, ip), (&self.per_email, email)] {
            if let Err(not_until) = limiter.check_key(&key.to_owned()) {
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
        Ok(())
    }
}
