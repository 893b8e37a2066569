//! The error replies: a message as JSON, and a full queue.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::ServerState;

pub(crate) fn error(code: StatusCode, message: impl Into<String>) -> Response {
    (code, Json(json!({"error": message.into()}))).into_response()
}

pub(crate) fn busy(state: &ServerState, n: usize) -> Response {
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
