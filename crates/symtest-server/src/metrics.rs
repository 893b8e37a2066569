//! The server's Prometheus counters and `GET /metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use symtest_grade::Status;

use crate::ServerState;

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

/// The endpoint a request is counted under: one of the routes, or "other"
/// (a client choosing paths must not grow the metrics without bound).
pub(crate) fn endpoint_label(path: &str) -> &'static str {
    match path {
        "/reward" => "/reward",
        "/get_reward" => "/get_reward",
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        _ => "other",
    }
}

/// `GET /metrics`: the counters in Prometheus' text format.
pub(crate) async fn metrics(State(state): State<Arc<ServerState>>) -> Response {
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
