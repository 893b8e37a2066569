//! The cost of each isolation step of the sandbox on this machine, as JSON
//! (for `bench/grade`): one slot, jobs that call a one-line function, every
//! step timed where it happens (in the worker, in the job before it runs
//! anything of the candidate's), and the whole job end to end.

use std::time::{Duration, Instant};

use symtest_sandbox::{Call, Job, Pool, PyValue, SandboxConfig, Task};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let pool = match Pool::new(&SandboxConfig {
        jobs: 1,
        profile: true,
        ..SandboxConfig::default()
    }) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let job = Job {
        source: "def f(x):\n    return x + 1\n".into(),
        task: Task::Calls {
            entry: "f".into(),
            calls: vec![Call {
                args: vec![PyValue::from(1)],
                budget: Duration::from_secs(1),
            }],
            want_args: false,
            load_budget: Duration::from_secs(1),
        },
    };
    let started = Instant::now();
    for _ in 0..n {
        if let Err(e) = pool.run(&job) {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
    let per_job = started.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let steps: Vec<serde_json::Value> = pool
        .step_costs()
        .iter()
        .map(|s| serde_json::json!({"step": s.step, "mean_ms": s.mean.as_secs_f64() * 1000.0, "count": s.count}))
        .collect();
    println!(
        "{}",
        serde_json::json!({"jobs": n, "per_job_ms": per_job, "measures_cpu": pool.measures_cpu(), "steps": steps})
    );
}
