//! Admission and grading: samples whose tasks exist and fit in the queue are
//! graded in parallel through the pool, each getting an outcome.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::http::StatusCode;
use axum::response::Response;

use symtest_grade::{GradeError, Outcome, Status};

use crate::reply::{busy, error};
use crate::state::ServerState;

/// Gives back an admitted sample's place in the queue however its grading
/// ends (a panic included).
struct Pending(Arc<ServerState>);

impl Drop for Pending {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::AcqRel);
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
pub(crate) async fn admit_and_grade(
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
