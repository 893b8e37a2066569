//! Arguments of `symtest serve`.

use std::path::PathBuf;

use super::grade::{JudgeArgs, SandboxArgs};
use clap::Args;

pub(super) const SERVE_HELP: &str = "\
Endpoints:
  POST /reward      {\"samples\": [{\"task_id\", \"completion\", \"sample_id\"?}]}
                    -> {\"results\": [outcome, ...]} (a single sample object gives {\"result\"})
  POST /get_reward  OpenRLHF's remote reward protocol: {\"query\": [...], \"prompts\": [...],
                    \"labels\": [...]} -> {\"rewards\": [...], \"scores\": [...], \"extra_logs\": {...}}.
                    Each label is the query's task_id (or {\"task_id\": ...}); the graded
                    completion is the query without its prompt, with fenced code extracted.
  GET  /healthz     200 when the sandbox works, 503 after it failed
  GET  /metrics     Prometheus text

A request whose samples do not fit in the queue (--queue) gets 503 with
Retry-After: nothing is dropped silently. The first line on standard output is
`listening on http://HOST:PORT` (useful with --port 0).

Example (OpenRLHF):
  symtest serve HumanEval.jsonl.gz --port 5000 --reward coderl
  ... --remote_rm_url http://127.0.0.1:5000/get_reward";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Problem file (HumanEval, MBPP, APPS or a symtest suite)
    pub problems: PathBuf,

    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port (0: any free port)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,

    /// Samples admitted at once (queued plus running); more get 503
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub queue: usize,

    /// Seconds a client has to send a request's headers (from opening the
    /// connection or from its last response) before it is closed
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub header_timeout: f64,

    /// Seconds a client has to send a request's whole body (408 after)
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub body_timeout: f64,

    /// Connections held at once; more are closed as soon as accepted
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub max_connections: usize,

    /// MiB of request bodies held in memory at once, over all requests;
    /// a body that does not fit is answered 503 (retry later)
    #[arg(long, default_value_t = 1024, value_name = "MIB")]
    pub body_memory: usize,

    #[command(flatten)]
    pub judge: JudgeArgs,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}
