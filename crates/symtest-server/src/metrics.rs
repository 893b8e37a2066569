//! `GET /metrics`: the server's counters (kept in its state) in Prometheus'
//! text format, and the endpoint label each request is counted under.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use symtest_grade::Status;

use crate::state::ServerState;

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
    let requests = m.requests.lock().unwrap_or_else(PoisonError::into_inner);
    let lines = requests.iter().map(|((ep, code), n)| {
        (
            format!("{{endpoint=\"{ep}\",code=\"{code}\"}}"),
            n.to_string(),
        )
    });
    family(
        &mut s,
        "symtest_requests_total",
        "HTTP requests by endpoint and status code.",
        "counter",
        lines,
    );
    drop(requests);
    let statuses = m.statuses.lock().unwrap_or_else(PoisonError::into_inner);
    let lines = Status::ALL.iter().map(|st| {
        let n = statuses.get(st).copied().unwrap_or(0);
        (format!("{{status=\"{}\"}}", st.name()), n.to_string())
    });
    family(
        &mut s,
        "symtest_samples_total",
        "Samples graded, by status.",
        "counter",
        lines,
    );
    drop(statuses);
    let rejected = m.rejected_samples.load(Ordering::Relaxed);
    family(
        &mut s,
        "symtest_rejected_samples_total",
        "Samples refused with 503 because the queue was full.",
        "counter",
        [(String::new(), rejected.to_string())],
    );
    let seconds = m.grade_micros.load(Ordering::Relaxed) as f64 / 1e6;
    let graded = m.graded.load(Ordering::Relaxed);
    family(
        &mut s,
        "symtest_grade_seconds",
        "Time to grade one sample.",
        "summary",
        [
            ("_sum".to_string(), seconds.to_string()),
            ("_count".to_string(), graded.to_string()),
        ],
    );
    let gauges = [
        (
            "symtest_queue_depth",
            "Samples admitted and not yet graded.",
            state.pending.load(Ordering::Relaxed),
        ),
        (
            "symtest_queue_capacity",
            "Samples the queue admits at most.",
            state.capacity,
        ),
        (
            "symtest_workers",
            "Sandbox worker slots.",
            state.grader.pool().size(),
        ),
    ];
    for (name, help, value) in gauges {
        family(
            &mut s,
            name,
            help,
            "gauge",
            [(String::new(), value.to_string())],
        );
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s).into_response()
}

/// One metric family: its help and type lines, then a line per sample
/// (what follows the name, labels or suffix, and the value).
fn family(
    s: &mut String,
    name: &str,
    help: &str,
    kind: &str,
    samples: impl IntoIterator<Item = (String, String)>,
) {
    let _ = writeln!(s, "# HELP {name} {help}");
    let _ = writeln!(s, "# TYPE {name} {kind}");
    for (after, value) in samples {
        let _ = writeln!(s, "{name}{after} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_is_help_type_then_one_line_per_sample() {
        let mut s = String::new();
        family(
            &mut s,
            "x_total",
            "Things.",
            "counter",
            [
                ("{a=\"1\"}".to_string(), "2".to_string()),
                (String::new(), "3".to_string()),
            ],
        );
        assert_eq!(
            s,
            "# HELP x_total Things.\n# TYPE x_total counter\nx_total{a=\"1\"} 2\nx_total 3\n"
        );
    }
}
