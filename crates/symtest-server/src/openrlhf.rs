//! `POST /get_reward`, OpenRLHF's remote reward protocol (`--reward.remote_url`):
//! `query` (prompt and response, decoded with the chat template's special
//! tokens), `prompts`, and `labels` naming each query's problem; answered
//! with `rewards`, `scores` and `extra_logs` in query order. Every value in
//! `extra_logs` is a number per query: the trainer turns each into a tensor.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use symtest_formats::chat::response_in_query;
use symtest_grade::{Outcome, Status};

use crate::grade::admit_and_grade;
use crate::reply::error;
use crate::request::{Endpoint, Id};
use crate::state::ServerState;

/// A request of OpenRLHF's protocol (fields it does not know are skipped
/// unread).
#[derive(Deserialize)]
pub(crate) struct OpenRlhfRequest {
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

/// Grades one query per label and answers a reward for each; 503 (with
/// `Retry-After`) when any query got no verdict.
pub(crate) async fn get_reward(
    State(state): State<Arc<ServerState>>,
    body: Result<Json<OpenRlhfRequest>, JsonRejection>,
) -> Response {
    let at = Endpoint::new(&state, "/get_reward");
    let req = match at.body(
        body,
        r#"{"query": [...], "prompts": [...], "labels": [...]}"#,
    ) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    if req.labels.len() != req.query.len() {
        return at.bad_request(format!(
            "{} queries but {} labels: each label names the query's problem (its task_id)",
            req.query.len(),
            req.labels.len()
        ));
    }
    let mut items = Vec::with_capacity(req.query.len());
    for (i, (q, label)) in req.query.iter().zip(&req.labels).enumerate() {
        let task = label.0.clone();
        // The query is prompt + response; the response, without the chat
        // template's end-of-turn token, is what is graded.
        let prompt = req.prompts.get(i).map(String::as_str);
        let completion = response_in_query(q, prompt).to_string();
        items.push((task, i.to_string(), completion));
    }
    let outcomes = match admit_and_grade(&state, items).await {
        Ok(o) => o,
        Err((code, r)) => return at.respond(code, r),
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
        return at.respond(StatusCode::SERVICE_UNAVAILABLE, r);
    }
    let rewards: Vec<f64> = outcomes.iter().map(|o| o.reward.unwrap_or(0.0)).collect();
    let share = |f: &dyn Fn(&Outcome) -> f64| outcomes.iter().map(f).collect::<Vec<f64>>();
    let is = |s: Status| move |o: &Outcome| f64::from(u8::from(o.status == s));
    let body = json!({
        "rewards": rewards,
        "scores": rewards,
        "extra_logs": {
            "pass_rate": share(&|o| if o.total > 0 { o.passed as f64 / o.total as f64 } else { 0.0 }),
            "solved": share(&is(Status::Passed)),
            "compile_error": share(&is(Status::CompileError)),
            "runtime_error": share(&is(Status::RuntimeError)),
            "timeout": share(&is(Status::Timeout)),
        },
    });
    at.respond(StatusCode::OK, Json(body).into_response())
}
