//! When a failed delivery is tried again: exponential back-off with full jitter (a random
//! wait between nothing and `base * 2^(attempt-1)`, at most `cap`), so that endpoints coming
//! back up are not hit by every delivery at once. A delivery keeps being retried until
//! `window` has passed since it was first due (a day by default: about fifteen attempts
//! with the default base and cap).

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    pub window: Duration,
}

impl Backoff {
    /// The longest wait after the `attempt`th failed attempt (1 for the first).
    pub fn ceiling(&self, attempt: i32) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.base.saturating_mul(1 << doublings).min(self.cap)
    }

    /// The wait after the `attempt`th failed attempt: anywhere up to its ceiling.
    pub fn delay(&self, attempt: i32, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(attempt).as_millis() as u64;
        Duration::from_millis(rng.random_range(0..=ceiling))
    }

    /// Whether a delivery first due `since` ago is still retried.
    pub fn retries_after(&self, since: Duration) -> bool {
        since < self.window
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn default() -> Backoff {
        Backoff {
            base: Duration::from_secs(60),
            cap: Duration::from_secs(6 * 3600),
            window: Duration::from_secs(24 * 3600),
        }
    }

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let backoff = default();
        assert_eq!(backoff.ceiling(1), Duration::from_secs(60));
        assert_eq!(backoff.ceiling(2), Duration::from_secs(120));
        assert_eq!(backoff.ceiling(5), Duration::from_secs(960));
        assert_eq!(backoff.ceiling(10), Duration::from_secs(6 * 3600));
        assert_eq!(backoff.ceiling(1000), Duration::from_secs(6 * 3600));
        assert_eq!(backoff.ceiling(0), Duration::from_secs(60));
    }

    #[test]
    fn delays_are_spread_over_the_whole_range() {
        let backoff = default();
        let mut rng = StdRng::seed_from_u64(7);
        let delays: Vec<Duration> = (0..2000).map(|_| backoff.delay(3, &mut rng)).collect();
        let ceiling = backoff.ceiling(3);
        assert!(delays.iter().all(|d| *d <= ceiling));
        // Full jitter: some near nothing, some near the ceiling, about half on average.
        assert!(delays.iter().any(|d| *d < ceiling / 10));
        assert!(delays.iter().any(|d| *d > ceiling * 9 / 10));
        let mean = delays.iter().sum::<Duration>() / delays.len() as u32;
        assert!(mean > ceiling * 2 / 5 && mean < ceiling * 3 / 5, "{mean:?}");
    }

    #[test]
    fn a_day_of_retries_takes_about_fifteen_attempts() {
        // With each wait at its average (half its ceiling), the day is used up after
        // roughly fifteen attempts: enough to ride out a long outage, not a flood.
        let backoff = default();
        let (mut waited, mut attempts) = (Duration::ZERO, 0);
        while backoff.retries_after(waited) {
            attempts += 1;
            waited += backoff.ceiling(attempts) / 2;
        }
        assert!((12..=20).contains(&attempts), "{attempts}");
        assert!(!backoff.retries_after(Duration::from_secs(24 * 3600)));
    }
}
