//! The one retry policy and the time limits of an [`Engine`](crate::Engine).
//!
//! Every request the engine sends goes through [`Engine::call`](crate::Engine) here: the SDK's
//! own retries are switched off on every client an engine uses, so the [`RetryPolicy`] alone
//! decides how often a request is sent, and batch operations (which retry what DynamoDB left
//! unprocessed) never multiply their attempts with the SDK's.
//!
//! A failed attempt is sent again when it is safe to:
//! - throttling (`ProvisionedThroughputExceededException`, `ThrottlingException`,
//!   `RequestLimitExceeded`, ...) and a connection that could not be made: the request was
//!   not carried out, so every request is retried;
//! - server errors (HTTP 5xx), a dropped connection, an unreadable answer and an attempt that
//!   ran out of time: the request may or may not have been carried out, so only requests that
//!   do the same thing when carried out twice are retried (reads, puts, deletes, updates without
//!   increments or list appends, transactions, which carry an idempotency token); an increment
//!   fails with the error instead of risking being applied twice.
//!
//! [`Timeouts`] bound the connection, each attempt, and each operation with its retries; a
//! request that hits one fails with [`Error::Timeout`] naming the operation.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

use crate::error::{Error, TimeoutKind};

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
}

/// How long the engine waits, at most.
///
/// Defaults: 3 s to connect, 10 s for one attempt (sending the request and reading the whole
/// answer), 60 s for an operation with all its retries. A paged read is one operation per page;
/// a batch stops retrying once a chunk has taken the operation limit, and returns what it could
/// not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Making a connection.
    pub connect: Duration,
    /// One attempt of a request, its whole answer read.
    pub attempt: Duration,
    /// One operation, every attempt and the waits between them included.
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(3),
            attempt: Duration::from_secs(10),
            operation: Duration::from_secs(60),
        }
    }
}

impl Timeouts {
    /// What the SDK client itself enforces: the connect timeout (the engine times attempts and
    /// operations itself, so that it knows which limit was hit).
    pub(crate) fn sdk_config(&self) -> aws_sdk_dynamodb::config::timeout::TimeoutConfig {
        aws_sdk_dynamodb::config::timeout::TimeoutConfig::builder()
            .connect_timeout(self.connect)
            .build()
    }
}

/// What a request of the SDK resolves to.
pub(crate) type SdkResult<T, E> = Result<T, SdkError<E, HttpResponse>>;

/// The error of a DynamoDB operation, as the SDK types it.
pub(crate) trait OperationError:
    ProvideErrorMetadata + std::error::Error + Send + Sync + 'static
{
}

impl<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static> OperationError for E {}

/// Whether a request may be carried out twice without harm, which decides what is retried
/// when an attempt fails in a way that leaves open whether it was carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, puts, deletes, updates that set values, transactions with a token.
    Safe,
    /// Increments and list appends: retried only when they were certainly not carried out.
    Unsafe,
}

/// What a failed attempt says about the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Certainly not carried out (throttled, no connection): send it again.
    NotDone,
    /// Perhaps carried out (server error, lost answer, timeout).
    Unknown,
    /// Failed for good (validation, a condition, access denied, ...).
    Final,
}

/// DynamoDB's error codes for a request refused for its rate, before it was carried out.
const THROTTLED: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "TransactionInProgressException",
];

/// What `err` says about its request.
pub(crate) fn outcome<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Outcome {
    match err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            match service.err().code() {
                Some(code) if THROTTLED.contains(&code) => Outcome::NotDone,
                _ if status == 429 => Outcome::NotDone,
                _ if status >= 500 => Outcome::Unknown,
                _ => Outcome::Final,
            }
        }
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => Outcome::Unknown,
        // Without an SDK read timeout, a timeout here is one of connecting.
        SdkError::DispatchFailure(f) if f.is_timeout() => Outcome::NotDone,
        SdkError::DispatchFailure(f) if f.is_io() || f.is_other() => Outcome::Unknown,
        _ => Outcome::Final,
    }
}

/// A failed call: the SDK's error of the last attempt, or a time limit reached.
pub(crate) enum Failure<E> {
    /// The last attempt's error.
    Sdk(SdkError<E, HttpResponse>),
    /// [`Error::Timeout`].
    Timeout(Error),
}

impl<E: OperationError> Failure<E> {
    /// The flywheel error.
    pub(crate) fn into_error(self, operation: &'static str) -> Error {
        match self {
            Failure::Sdk(err) => Error::sdk(operation, err),
            Failure::Timeout(error) => error,
        }
    }
}

/// The attempts of one operation: counted against the policy, each within the attempt limit
/// (and, for single requests, within what is left of the operation's), with the waits between
/// them. [`call`] and the batches, which also resend what DynamoDB left unprocessed, both send
/// through it.
pub(crate) struct Attempts<'a> {
    policy: &'a RetryPolicy,
    timeouts: &'a Timeouts,
    operation: &'static str,
    table: &'a str,
    tries: u32,
    deadline: Instant,
}

impl<'a> Attempts<'a> {
    pub(crate) fn new(
        policy: &'a RetryPolicy,
        timeouts: &'a Timeouts,
        operation: &'static str,
        table: &'a str,
    ) -> Attempts<'a> {
        Attempts {
            policy,
            timeouts,
            operation,
            table,
            tries: 0,
            deadline: Instant::now() + timeouts.operation,
        }
    }

    /// The operation, for messages.
    pub(crate) fn operation(&self) -> &'static str {
        self.operation
    }

    fn timeout(&self, kind: TimeoutKind, after: Duration) -> Error {
        Error::timeout(self.operation, self.table, kind, after, self.tries)
    }

    /// Sends one attempt: the answer, or the failure with what it says about the request. With
    /// `bounded`, the attempt also ends when the operation's time is up.
    pub(crate) async fn send<T, E, Fut>(
        &mut self,
        attempt: Fut,
        bounded: bool,
    ) -> Result<T, (Outcome, Failure<E>)>
    where
        Fut: Future<Output = SdkResult<T, E>>,
        E: OperationError,
    {
        self.tries += 1;
        let left = self.deadline.saturating_duration_since(Instant::now());
        let limit = if bounded {
            self.timeouts.attempt.min(left)
        } else {
            self.timeouts.attempt
        };
        match tokio::time::timeout(limit, attempt).await {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(err)) => {
                let outcome = outcome(&err);
                let failure = match &err {
                    SdkError::DispatchFailure(f) if f.is_timeout() => {
                        Failure::Timeout(self.timeout(TimeoutKind::Connect, self.timeouts.connect))
                    }
                    _ => Failure::Sdk(err),
                };
                Err((outcome, failure))
            }
            Err(_) if limit < self.timeouts.attempt => Err((
                Outcome::Unknown,
                Failure::Timeout(self.timeout(TimeoutKind::Operation, self.timeouts.operation)),
            )),
            Err(_) => Err((
                Outcome::Unknown,
                Failure::Timeout(self.timeout(TimeoutKind::Attempt, self.timeouts.attempt)),
            )),
        }
    }

    /// Whether the policy's attempts are used up.
    pub(crate) fn exhausted(&self) -> bool {
        self.tries >= self.policy.attempts
    }

    /// Waits before the next attempt; the timeout error when it would start after the
    /// operation's time is up.
    pub(crate) async fn pause(&mut self) -> Result<(), Error> {
        let delay = self.policy.delay(self.tries);
        if Instant::now() + delay >= self.deadline {
            return Err(self.timeout(TimeoutKind::Operation, self.timeouts.operation));
        }
        tokio::time::sleep(delay).await;
        Ok(())
    }
}

/// Sends a request made by `attempt` until it succeeds, fails for good, or the policy or a time
/// limit says stop; see the [module docs](self).
pub(crate) async fn call<T, E, F, Fut>(
    policy: &RetryPolicy,
    timeouts: &Timeouts,
    operation: &'static str,
    table: &str,
    replay: Replay,
    mut attempt: F,
) -> Result<T, Failure<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = SdkResult<T, E>>,
    E: OperationError,
{
    let mut attempts = Attempts::new(policy, timeouts, operation, table);
    loop {
        let (outcome, failure) = match attempts.send(attempt(), true).await {
            Ok(out) => return Ok(out),
            Err(failed) => failed,
        };
        let retry = match outcome {
            Outcome::NotDone => true,
            Outcome::Unknown => replay == Replay::Safe,
            Outcome::Final => false,
        };
        if !retry || attempts.exhausted() {
            return Err(failure);
        }
        if let Err(timeout) = attempts.pause().await {
            // The next attempt would start after the operation's limit.
            return Err(Failure::Timeout(
                timeout.with_cause(failure.into_error(operation)),
            ));
        }
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
