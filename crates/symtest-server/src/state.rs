//! What every request shares (the grader, the queue, the budget of body
//! memory, the counters, the health) and the limits it is built with.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use symtest_grade::{Grader, Outcome, Status};

/// The largest request body, in bytes.
pub const MAX_BODY: usize = 64 << 20;

/// Body memory is reserved in pieces of this size, in bytes.
pub(crate) const BODY_UNIT: usize = 1 << 20;

/// What a client may hold of the server while it sends a request.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// The time a request's whole body may take to arrive.
    pub body_timeout: Duration,
    /// Bytes of request bodies held at once, over all connections.
    pub body_memory: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_timeout: Duration::from_secs(60),
            body_memory: 1 << 30,
        }
    }
}

/// The server's counters since it started.
#[derive(Default)]
pub(crate) struct Metrics {
    /// Requests answered, by endpoint label and status code.
    pub(crate) requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// Samples graded, by status.
    pub(crate) statuses: Mutex<BTreeMap<Status, u64>>,
    /// Samples refused because the queue was full.
    pub(crate) rejected_samples: AtomicU64,
    /// Samples graded.
    pub(crate) graded: AtomicU64,
    /// Time spent grading them, in microseconds.
    pub(crate) grade_micros: AtomicU64,
}

/// What every request shares: the grader, the queue of admitted samples,
/// the budget of body memory, the counters and the health.
pub struct ServerState {
    pub(crate) grader: Arc<Grader>,
    pub(crate) capacity: usize,
    pub(crate) body_timeout: Duration,
    /// One permit per `BODY_UNIT` of request body held.
    pub(crate) body_memory: Arc<tokio::sync::Semaphore>,
    pub(crate) pending: AtomicUsize,
    pub(crate) metrics: Metrics,
    /// Grader errors in a row (reset by any verdict): the server is
    /// unhealthy while every recent sample failed in the sandbox.
    pub(crate) failing_streak: AtomicUsize,
    pub(crate) last_grader_error: Mutex<Option<String>>,
}

/// This many grader errors in a row, and no verdict, make `/healthz` fail.
const UNHEALTHY_STREAK: usize = 16;

impl ServerState {
    /// A server's state: at most `capacity` samples admitted at once (at
    /// least one), requests bounded by `limits`.
    pub fn new(grader: Arc<Grader>, capacity: usize, limits: HttpLimits) -> Arc<ServerState> {
        // At least one largest body fits.
        let units = (limits.body_memory / BODY_UNIT)
            .clamp(MAX_BODY / BODY_UNIT, tokio::sync::Semaphore::MAX_PERMITS);
        Arc::new(ServerState {
            grader,
            capacity: capacity.max(1),
            body_timeout: limits.body_timeout,
            body_memory: Arc::new(tokio::sync::Semaphore::new(units)),
            pending: AtomicUsize::new(0),
            metrics: Metrics::default(),
            failing_streak: AtomicUsize::new(0),
            last_grader_error: Mutex::new(None),
        })
    }

    pub(crate) fn count(&self, endpoint: &str, code: StatusCode) {
        *self
            .metrics
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((endpoint.to_string(), code.as_u16()))
            .or_default() += 1;
    }

    /// Reserves room for `n` samples, or says no.
    pub(crate) fn admit(&self, n: usize) -> bool {
        let mut cur = self.pending.load(Ordering::Relaxed);
        loop {
            if cur + n > self.capacity {
                self.metrics
                    .rejected_samples
                    .fetch_add(n as u64, Ordering::Relaxed);
                return false;
            }
            match self.pending.compare_exchange_weak(
                cur,
                cur + n,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => cur = now,
            }
        }
    }

    pub(crate) fn record(&self, o: &Outcome, started: Instant) {
        self.metrics.graded.fetch_add(1, Ordering::Relaxed);
        self.metrics
            .grade_micros
            .fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
        *self
            .metrics
            .statuses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(o.status)
            .or_default() += 1;
        if o.status == Status::GraderError {
            self.failing_streak.fetch_add(1, Ordering::Relaxed);
            *self
                .last_grader_error
                .lock()
                .unwrap_or_else(PoisonError::into_inner) =
                o.first_failure.as_ref().and_then(|f| f.error.clone());
        } else {
            self.failing_streak.store(0, Ordering::Relaxed);
        }
    }

    pub(crate) fn healthy(&self) -> bool {
        self.failing_streak.load(Ordering::Relaxed) < UNHEALTHY_STREAK
    }
}
