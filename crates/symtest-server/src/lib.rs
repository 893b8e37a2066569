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

mod body;
mod grade;
mod listen;
mod metrics;
mod native;
mod openrlhf;
mod reply;
mod request;
mod routes;
mod state;

pub use listen::{ServeOptions, ServerError, run};
pub use routes::router;
pub use state::{HttpLimits, MAX_BODY, ServerState};
