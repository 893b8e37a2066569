//! The reward server: problems loaded once, samples graded in the sandbox on
//! request. `POST /reward` (native, batched), `POST /get_reward` (OpenRLHF's
//! remote reward protocol), `GET /healthz`, `GET /metrics` (Prometheus).
//!
//! Admission is bounded: a request whose samples do not fit in the queue is
//! answered 503 with `Retry-After`, never dropped silently. A sample is
//! never a server error: whatever it does is its verdict, and a failure of
//! the sandbox on it (after retries on fresh workers) is its `grader_error`
//! status, with no reward (`/get_reward`, whose protocol has no place for a
//! missing reward, answers 503 so that the trainer retries).

#![warn(missing_docs)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use symtest_grade::{GradeError, Grader, Outcome, Status};

mod body;
mod listen;
mod metrics;
mod native;
mod openrlhf;

pub use listen::{ServeOptions, ServerError, run};

use body::BODY_UNIT;
use metrics::Metrics;

/// The largest request body, in bytes.
pub const MAX_BODY: usize = 64 << 20;

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

/// What every request shares: the grader, the queue of admitted samples,
/// the budget of body memory, the counters and the health.
pub struct ServerState {
    grader: Arc<Grader>,
    capacity: usize,
    body_timeout: Duration,
    /// One permit per `BODY_UNIT` of request body held.
    body_memory: Arc<tokio::sync::Semaphore>,
    pending: AtomicUsize,
    metrics: Metrics,
    /// Grader errors in a row (reset by any verdict): the server is
    /// unhealthy while every recent sample failed in the sandbox.
    failing_streak: AtomicUsize,
    last_grader_error: Mutex<Option<String>>,
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

    fn count(&self, endpoint: &str, code: StatusCode) {
        *self
            .metrics
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((endpoint.to_string(), code.as_u16()))
            .or_default() += 1;
    }

    /// Reserves room for `n` samples, or says no.
    fn admit(&self, n: usize) -> bool {
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
}

/// The routes (`/reward`, `/get_reward`, `/healthz`, `/metrics`), behind
/// the middleware that reads every body within its limits first.
pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/reward", post(native::reward))
        .route("/get_reward", post(openrlhf::get_reward))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            body::bounded_body,
        ))
        .with_state(state)
}

async fn not_found(State(state): State<Arc<ServerState>>) -> Response {
    state.count("other", StatusCode::NOT_FOUND);
    error(
        StatusCode::NOT_FOUND,
        "no such endpoint (POST /reward, POST /get_reward, GET /healthz, GET /metrics)",
    )
}

/// A request's JSON body as `T`, or the 400 (counted under `endpoint`)
/// saying what was wrong and what was `expected`.
fn json_request<T>(
    state: &ServerState,
    endpoint: &str,
    body: Result<Json<T>, JsonRejection>,
    expected: &str,
) -> Result<T, Box<Response>> {
    body.map(|Json(r)| r).map_err(|e| {
        let code = StatusCode::BAD_REQUEST;
        state.count(endpoint, code);
        Box::new(error(code, format!("{e}: expected {expected}")))
    })
}

fn error(code: StatusCode, message: impl Into<String>) -> Response {
    (code, Json(json!({"error": message.into()}))).into_response()
}

fn busy(state: &ServerState, n: usize) -> Response {
    let mut r = error(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the queue is full ({} of {} samples pending); this request's {n} did not fit: retry later",
            state.pending.load(Ordering::Relaxed),
            state.capacity
        ),
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// A task or sample id: a string or a number (as its text). Anything else
/// is refused as it is met, without being read into memory first.
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Id, E> {
                Ok(Id(s.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Id, E> {
                Ok(Id(Value::from(n).to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Gives back an admitted sample's place in the queue however its grading
/// ends (a panic included).
struct Pending(Arc<ServerState>);

impl Drop for Pending {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::AcqRel);
    }
}

impl ServerState {
    fn record(&self, o: &Outcome, started: Instant) {
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

    fn healthy(&self) -> bool {
        self.failing_streak.load(Ordering::Relaxed) < UNHEALTHY_STREAK
    }
}

/// An outcome for a sample whose grading did not finish (a panic in the
/// grader): no verdict.
fn lost(task: String, sample: String, why: String) -> Outcome {
    Outcome {
        task_id: task,
        sample_id: sample,
        status: Status::GraderError,
        passed: 0,
        total: 0,
        reward: None,
        first_failure: Some(symtest_grade::Failure {
            error: Some(why),
            ..symtest_grade::Failure::of(symtest_grade::FailureKind::GraderError)
        }),
        ms: 0.0,
        completion_sha256: None,
        graded_sha256: None,
    }
}

/// Grades every admitted sample (in parallel, through the pool), in request
/// order. Every sample gets an outcome: tasks were checked before admission.
async fn grade_all(state: &Arc<ServerState>, items: Vec<(String, String, String)>) -> Vec<Outcome> {
    let mut handles = Vec::with_capacity(items.len());
    for (task, sample, completion) in items {
        let state = state.clone();
        let ids = (task.clone(), sample.clone());
        let pending = Pending(state.clone());
        handles.push((
            ids,
            tokio::task::spawn_blocking(move || {
                let _pending = pending;
                let started = Instant::now();
                let r = state.grader.grade(&task, &sample, &completion);
                let o = match r {
                    Ok(o) => o,
                    Err(GradeError::UnknownTask(t)) => {
                        lost(task, sample, format!("unknown task '{t}'"))
                    }
                    Err(GradeError::Sandbox(e)) => lost(task, sample, format!("sandbox: {e}")),
                };
                state.record(&o, started);
                o
            }),
        ));
    }
    let mut out = Vec::with_capacity(handles.len());
    for ((task, sample), h) in handles {
        out.push(match h.await {
            Ok(o) => o,
            Err(e) => {
                let o = lost(task, sample, format!("grading stopped: {e}"));
                state.record(&o, Instant::now());
                o
            }
        });
    }
    out
}

fn unknown_tasks<'a>(
    state: &ServerState,
    tasks: impl Iterator<Item = &'a String>,
) -> Option<String> {
    let problems = state.grader.problems();
    tasks
        .into_iter()
        .find(|t| !problems.contains_key(*t))
        .cloned()
}

/// Grades samples whose tasks all exist, if the queue has room for them;
/// otherwise the reply that says why not.
async fn admit_and_grade(
    state: &Arc<ServerState>,
    items: Vec<(String, String, String)>,
) -> Result<Vec<Outcome>, (StatusCode, Response)> {
    if let Some(t) = unknown_tasks(state, items.iter().map(|x| &x.0)) {
        let code = StatusCode::BAD_REQUEST;
        return Err((code, error(code, format!("unknown task '{t}'"))));
    }
    if !state.admit(items.len()) {
        return Err((StatusCode::SERVICE_UNAVAILABLE, busy(state, items.len())));
    }
    Ok(grade_all(state, items).await)
}

async fn healthz(State(state): State<Arc<ServerState>>) -> Response {
    let healthy = state.healthy();
    let body = json!({
        "status": if healthy { "ok" } else { "failing" },
        "workers": state.grader.pool().size(),
        "queue": state.pending.load(Ordering::Relaxed),
        "capacity": state.capacity,
        "problems": state.grader.problems().len(),
        "grader_errors_in_a_row": state.failing_streak.load(Ordering::Relaxed),
        "last_grader_error": *state.last_grader_error.lock().unwrap_or_else(PoisonError::into_inner),
    });
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    state.count("/healthz", code);
    (code, Json(body)).into_response()
}
