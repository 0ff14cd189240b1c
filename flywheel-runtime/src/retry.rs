//! The one retry policy of an [`Engine`](crate::Engine): how often and how patiently batch
//! operations retry what DynamoDB left unprocessed or throttled, and what the SDK itself uses
//! for retryable errors of single requests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Attempts and exponential backoff with jitter.
///
/// Defaults: 10 attempts, 25 ms base delay, 5 s maximum delay, full jitter. Attempt `n`
/// (from 1) waits a random time between half of and the full `min(max_delay, base_delay × 2ⁿ⁻¹)`;
/// `jitter: false` waits exactly that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a request is sent at most (the first try included).
    pub attempts: u32,
    /// The delay before the first retry.
    pub base_delay: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// Whether delays are randomised, so that concurrent clients do not retry in step.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 10,
            base_delay: Duration::from_millis(25),
            max_delay: Duration::from_secs(5),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// How long to wait after failed attempt `attempt` (1 for the first).
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        if !self.jitter {
            return ceiling;
        }
        ceiling / 2 + ceiling.mul_f64(random_fraction() / 2.0)
    }

    /// The SDK's own retry configuration for the same policy.
    pub fn sdk_config(&self) -> aws_sdk_dynamodb::config::retry::RetryConfig {
        aws_sdk_dynamodb::config::retry::RetryConfig::standard()
            .with_max_attempts(self.attempts.max(1))
            .with_initial_backoff(self.base_delay)
            .with_max_backoff(self.max_delay)
    }
}

/// A number in [0, 1) from a shared xorshift generator seeded by the clock; jitter needs
/// spread, not cryptographic quality.
fn random_fraction() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9e37_79b9_7f4a_7c15)
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_up_to_the_maximum() {
        let policy = RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        };
        assert_eq!(policy.delay(1), Duration::from_millis(25));
        assert_eq!(policy.delay(2), Duration::from_millis(50));
        assert_eq!(policy.delay(5), Duration::from_millis(400));
        assert_eq!(policy.delay(30), Duration::from_secs(5));
        let jittered = RetryPolicy::default();
        for attempt in 1..12 {
            let d = jittered.delay(attempt);
            assert!(
                d >= policy.delay(attempt) / 2 && d <= policy.delay(attempt),
                "{d:?}"
            );
        }
    }
}
