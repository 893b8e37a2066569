//! The middleware that reads every request body before a handler sees it:
//! within the body timeout, at most [`MAX_BODY`](crate::MAX_BODY) bytes, and within the
//! server's budget of body memory.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::endpoint_label;
use crate::reply::error;
use crate::state::{BODY_UNIT, MAX_BODY, ServerState};

/// Reads a request's body before any handler sees it, within the body
/// timeout and the server's body memory: a client that sends a body slowly,
/// or never finishes it, or many large ones at once, cannot hold the
/// server's memory or a connection for longer than that. A body over
/// `MAX_BODY` is refused as soon as it says so (413).
pub(crate) async fn bounded_body(
    State(state): State<Arc<ServerState>>,
    req: Request,
    next: Next,
) -> Response {
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
pub(crate) fn closing(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}
