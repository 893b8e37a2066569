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

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use symtest_grade::{GradeError, Grader, Outcome, Status};

mod listen;
pub use listen::{ServeOptions, ServerError, run};

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

/// Body memory is reserved in pieces of this size.
const BODY_UNIT: usize = 1 << 20;

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

#[derive(Default)]
struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    statuses: Mutex<BTreeMap<Status, u64>>,
    rejected_samples: AtomicU64,
    graded: AtomicU64,
    grade_micros: AtomicU64,
}

impl ServerState {
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

pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/reward", post(reward))
        .route("/get_reward", post(get_reward))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), bounded_body))
        .with_state(state)
}

/// Reads a request's body before any handler sees it, within the body
/// timeout and the server's body memory: a client that sends a body slowly,
/// or never finishes it, or many large ones at once, cannot hold the
/// server's memory or a connection for longer than that. A body over
/// `MAX_BODY` is refused as soon as it says so (413).
async fn bounded_body(State(state): State<Arc<ServerState>>, req: Request, next: Next) -> Response {
    use http_body_util::BodyExt;

    let endpoint = endpoint_label(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        let code = StatusCode::PAYLOAD_TOO_LARGE;
        state.count(endpoint, code);
        return closing(error(
            code,
            format!("the body is over {} MiB", MAX_BODY >> 20),
        ));
    }
    let (parts, mut body) = req.into_parts();
    let mut held: Option<tokio::sync::OwnedSemaphorePermit> = None;
    // The chunks as they came (memory is what was received, no more); one
    // copy at the end.
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut received = 0usize;
    let deadline = tokio::time::Instant::now() + state.body_timeout;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                let code = StatusCode::REQUEST_TIMEOUT;
                state.count(endpoint, code);
                return closing(error(
                    code,
                    format!(
                        "the body did not arrive within {:.0} s",
                        state.body_timeout.as_secs_f64()
                    ),
                ));
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                let code = StatusCode::BAD_REQUEST;
                state.count(endpoint, code);
                return closing(error(code, format!("reading the body: {e}")));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers
        };
        if received + chunk.len() > MAX_BODY {
            let code = StatusCode::PAYLOAD_TOO_LARGE;
            state.count(endpoint, code);
            return closing(error(
                code,
                format!("the body is over {} MiB", MAX_BODY >> 20),
            ));
        }
        received += chunk.len();
        if !reserve(&state, &mut held, received.div_ceil(BODY_UNIT)) {
            return body_memory_full(&state, endpoint);
        }
        chunks.push(chunk);
    }
    let body = match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => {
            let mut all = Vec::with_capacity(received);
            for c in chunks {
                all.extend_from_slice(&c);
            }
            Bytes::from(all)
        }
    };
    let req = Request::from_parts(parts, Body::from(body));
    let response = next.run(req).await;
    drop(held);
    response
}

async fn not_found(State(state): State<Arc<ServerState>>) -> Response {
    state.count("other", StatusCode::NOT_FOUND);
    error(
        StatusCode::NOT_FOUND,
        "no such endpoint (POST /reward, POST /get_reward, GET /healthz, GET /metrics)",
    )
}

/// The endpoint a request is counted under: one of the routes, or "other"
/// (a client choosing paths must not grow the metrics without bound).
fn endpoint_label(path: &str) -> &'static str {
    match path {
        "/reward" => "/reward",
        "/get_reward" => "/get_reward",
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        _ => "other",
    }
}

/// Holds `units` of body memory in all (taking what is missing), or says no.
fn reserve(
    state: &ServerState,
    held: &mut Option<tokio::sync::OwnedSemaphorePermit>,
    units: usize,
) -> bool {
    let have = held.as_ref().map_or(0, |p| p.num_permits());
    if units <= have {
        return true;
    }
    let Ok(more) = u32::try_from(units - have) else {
        return false;
    };
    match state.body_memory.clone().try_acquire_many_owned(more) {
        Ok(p) => {
            match held.as_mut() {
                Some(h) => h.merge(p),
                None => *held = Some(p),
            }
            true
        }
        Err(_) => false,
    }
}

fn body_memory_full(state: &ServerState, endpoint: &str) -> Response {
    let code = StatusCode::SERVICE_UNAVAILABLE;
    state.count(endpoint, code);
    let mut r = closing(error(
        code,
        "the server holds as many request bodies as it may: retry later",
    ));
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

/// A response after which the connection is closed (its request's body may
/// not have been read to the end).
fn closing(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
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

#[derive(Deserialize)]
struct NativeSample {
    task_id: Id,
    completion: String,
    #[serde(default)]
    sample_id: Option<Id>,
}

/// One sample, or `{"samples": [...]}`. Read field by field (fields it does
/// not know are skipped unread), never buffered whole as an untagged enum
/// would be (a 64 MiB body of small values would take a gigabyte).
#[derive(Deserialize)]
struct NativeRequest {
    #[serde(default)]
    samples: Option<Vec<NativeSample>>,
    #[serde(default)]
    task_id: Option<Id>,
    #[serde(default)]
    completion: Option<String>,
    #[serde(default)]
    sample_id: Option<Id>,
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
            kind: "grader_error".into(),
            error: Some(why),
            ..symtest_grade::Failure::default()
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

async fn reward(
    State(state): State<Arc<ServerState>>,
    body: Result<Json<NativeRequest>, JsonRejection>,
) -> Response {
    let respond = |code: StatusCode, r: Response| {
        state.count("/reward", code);
        r
    };
    let req = match body {
        Ok(Json(r)) => r,
        Err(e) => {
            return respond(
                StatusCode::BAD_REQUEST,
                error(
                    StatusCode::BAD_REQUEST,
                    format!("{e}: expected {{\"samples\": [{{\"task_id\", \"completion\"}}]}}"),
                ),
            );
        }
    };
    let (samples, single) = match req {
        NativeRequest {
            samples: Some(samples),
            task_id: None,
            completion: None,
            ..
        } => (samples, false),
        NativeRequest {
            samples: None,
            task_id: Some(task_id),
            completion: Some(completion),
            sample_id,
        } => (
            vec![NativeSample {
                task_id,
                completion,
                sample_id,
            }],
            true,
        ),
        _ => {
            return respond(
                StatusCode::BAD_REQUEST,
                error(
                    StatusCode::BAD_REQUEST,
                    "expected {\"samples\": [{\"task_id\", \"completion\"}]} or one \
                     {\"task_id\", \"completion\"}",
                ),
            );
        }
    };
    let items: Vec<(String, String, String)> = samples
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let sid = s.sample_id.map_or_else(|| i.to_string(), |x| x.0);
            (s.task_id.0, sid, s.completion)
        })
        .collect();
    let outcomes = match admit_and_grade(&state, items).await {
        Ok(o) => o,
        Err((code, r)) => return respond(code, r),
    };
    let body = if single {
        json!({"result": outcomes.first()})
    } else {
        json!({"results": outcomes})
    };
    respond(StatusCode::OK, Json(body).into_response())
}

#[derive(Deserialize)]
struct OpenRlhfRequest {
    query: Vec<String>,
    #[serde(default)]
    prompts: Vec<String>,
    #[serde(default)]
    labels: Vec<Label>,
}

/// An object naming a task (its other fields skipped unread).
#[derive(Deserialize)]
struct TaskRef {
    task_id: Id,
}

/// A label names the problem: a task id, an object with `task_id`, or a
/// string holding such an object as JSON. Anything else is refused as it is
/// met, without being read into memory first.
struct Label(String);

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Label, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Label;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a task id, or an object with a task_id")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Label, E> {
                if s.trim_start().starts_with('{')
                    && let Ok(t) = serde_json::from_str::<TaskRef>(s)
                {
                    return Ok(Label(t.task_id.0));
                }
                Ok(Label(s.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Label, E> {
                Ok(Label(n.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Label, E> {
                Ok(Label(n.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Label, A::Error> {
                let t = TaskRef::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Label(t.task_id.0))
            }
        }
        d.deserialize_any(V)
    }
}

async fn get_reward(
    State(state): State<Arc<ServerState>>,
    body: Result<Json<OpenRlhfRequest>, JsonRejection>,
) -> Response {
    let respond = |code: StatusCode, r: Response| {
        state.count("/get_reward", code);
        r
    };
    let req = match body {
        Ok(Json(r)) => r,
        Err(e) => {
            return respond(
                StatusCode::BAD_REQUEST,
                error(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "{e}: expected {{\"query\": [...], \"prompts\": [...], \"labels\": [...]}}"
                    ),
                ),
            );
        }
    };
    if req.labels.len() != req.query.len() {
        return respond(
            StatusCode::BAD_REQUEST,
            error(
                StatusCode::BAD_REQUEST,
                format!(
                    "{} queries but {} labels: each label names the query's problem (its task_id)",
                    req.query.len(),
                    req.labels.len()
                ),
            ),
        );
    }
    let mut items = Vec::with_capacity(req.query.len());
    for (i, (q, label)) in req.query.iter().zip(&req.labels).enumerate() {
        let task = label.0.clone();
        // The query is prompt + response; the response is what is graded.
        let completion = match req.prompts.get(i) {
            Some(p) if q.starts_with(p.as_str()) => q[p.len()..].to_string(),
            _ => q.clone(),
        };
        items.push((task, i.to_string(), completion));
    }
    let outcomes = match admit_and_grade(&state, items).await {
        Ok(o) => o,
        Err((code, r)) => return respond(code, r),
    };
    let lost: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.reward.is_none())
        .map(|(i, _)| i)
        .collect();
    if !lost.is_empty() {
        // OpenRLHF's protocol has a number for every query: a missing
        // verdict must not become one. The trainer retries the request.
        let mut r = error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the sandbox could not judge queries {lost:?} (grader_error): retry later; {}",
                outcomes[lost[0]]
                    .first_failure
                    .as_ref()
                    .and_then(|f| f.error.clone())
                    .unwrap_or_default()
            ),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return respond(StatusCode::SERVICE_UNAVAILABLE, r);
    }
    {
        {
            let rewards: Vec<f64> = outcomes.iter().map(|o| o.reward.unwrap_or(0.0)).collect();
            let body = json!({
                "rewards": rewards,
                "scores": rewards,
                "extra_logs": {
                    "pass_rate": outcomes.iter().map(|o| if o.total > 0 { o.passed as f64 / o.total as f64 } else { 0.0 }).collect::<Vec<_>>(),
                    "status": outcomes.iter().map(|o| o.status.name()).collect::<Vec<_>>(),
                },
            });
            respond(StatusCode::OK, Json(body).into_response())
        }
    }
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

async fn metrics(State(state): State<Arc<ServerState>>) -> Response {
    state.count("/metrics", StatusCode::OK);
    let m = &state.metrics;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# HELP symtest_requests_total HTTP requests by endpoint and status code."
    );
    let _ = writeln!(s, "# TYPE symtest_requests_total counter");
    for ((ep, code), n) in m
        .requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
    {
        let _ = writeln!(
            s,
            "symtest_requests_total{{endpoint=\"{ep}\",code=\"{code}\"}} {n}"
        );
    }
    let _ = writeln!(s, "# HELP symtest_samples_total Samples graded, by status.");
    let _ = writeln!(s, "# TYPE symtest_samples_total counter");
    let statuses = m.statuses.lock().unwrap_or_else(PoisonError::into_inner);
    for st in Status::ALL {
        let _ = writeln!(
            s,
            "symtest_samples_total{{status=\"{}\"}} {}",
            st.name(),
            statuses.get(&st).copied().unwrap_or(0)
        );
    }
    drop(statuses);
    let _ = writeln!(
        s,
        "# HELP symtest_rejected_samples_total Samples refused with 503 because the queue was full."
    );
    let _ = writeln!(s, "# TYPE symtest_rejected_samples_total counter");
    let _ = writeln!(
        s,
        "symtest_rejected_samples_total {}",
        m.rejected_samples.load(Ordering::Relaxed)
    );
    let _ = writeln!(s, "# HELP symtest_grade_seconds Time to grade one sample.");
    let _ = writeln!(s, "# TYPE symtest_grade_seconds summary");
    let _ = writeln!(
        s,
        "symtest_grade_seconds_sum {}",
        m.grade_micros.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(
        s,
        "symtest_grade_seconds_count {}",
        m.graded.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        s,
        "# HELP symtest_queue_depth Samples admitted and not yet graded."
    );
    let _ = writeln!(s, "# TYPE symtest_queue_depth gauge");
    let _ = writeln!(
        s,
        "symtest_queue_depth {}",
        state.pending.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        s,
        "# HELP symtest_queue_capacity Samples the queue admits at most."
    );
    let _ = writeln!(s, "# TYPE symtest_queue_capacity gauge");
    let _ = writeln!(s, "symtest_queue_capacity {}", state.capacity);
    let _ = writeln!(s, "# HELP symtest_workers Sandbox worker slots.");
    let _ = writeln!(s, "# TYPE symtest_workers gauge");
    let _ = writeln!(s, "symtest_workers {}", state.grader.pool().size());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s).into_response()
}
