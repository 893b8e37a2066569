//! The routes, and the answers of the server itself: `/healthz` and an
//! unknown path.

use std::sync::Arc;
use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::reply::error;
use crate::state::{MAX_BODY, ServerState};
use crate::{body, metrics, native, openrlhf};

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
