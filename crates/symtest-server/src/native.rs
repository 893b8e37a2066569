//! `POST /reward`, the native protocol: one sample
//! (`{"task_id", "completion", "sample_id"?}`, answered `{"result": ...}`) or
//! a batch (`{"samples": [...]}`, answered `{"results": [...]}`), each
//! answered with its whole outcome.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::grade::admit_and_grade;
use crate::request::{Endpoint, Id};
use crate::state::ServerState;

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
pub(crate) struct NativeRequest {
    #[serde(default)]
    samples: Option<Vec<NativeSample>>,
    #[serde(default)]
    task_id: Option<Id>,
    #[serde(default)]
    completion: Option<String>,
    #[serde(default)]
    sample_id: Option<Id>,
}

/// Grades the request's samples; 400 for a malformed request or an
/// unknown task, 503 when the queue has no room for them.
pub(crate) async fn reward(
    State(state): State<Arc<ServerState>>,
    body: Result<Json<NativeRequest>, JsonRejection>,
) -> Response {
    let at = Endpoint::new(&state, "/reward");
    let req = match at.body(body, r#"{"samples": [{"task_id", "completion"}]}"#) {
        Ok(r) => r,
        Err(r) => return *r,
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
            return at.bad_request(
                "expected {\"samples\": [{\"task_id\", \"completion\"}]} or one \
                 {\"task_id\", \"completion\"}",
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
        Err((code, r)) => return at.respond(code, r),
    };
    let body = if single {
        json!({"result": outcomes.first()})
    } else {
        json!({"results": outcomes})
    };
    at.respond(StatusCode::OK, Json(body).into_response())
}
