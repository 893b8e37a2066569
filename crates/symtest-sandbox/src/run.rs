//! Running one job on one slot: the conversation with the job process (and
//! with the harness, for dataset test code).

use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use crate::harness::Harness;
use crate::io::ReadError;
use crate::job::{
    Call, CallResult, CheckOutcome, JobResult, LastCall, LoadError, StdioResult, StdioRun, Task,
};
use crate::pyvalue::PyValue;
use crate::worker::{Exit, JobLimits, JobProcess, Worker};
use crate::{SandboxError, Shared};

/// After this many timeouts or crashes in one job the remaining calls are
/// not attempted: each restart costs a fresh process and a full budget.
const MAX_RESTARTS: usize = 3;

/// The budget for loading a program: its top level runs then.
const MIN_LOAD_BUDGET: Duration = Duration::from_secs(2);

pub(crate) struct Slot {
    pub index: usize,
    pub worker: Option<Worker>,
    pub harness: Option<Harness>,
}

/// A started job whose process has said it is confined.
struct Running {
    process: JobProcess,
}

impl Slot {
    fn worker(&mut self, shared: &std::sync::Arc<Shared>) -> Result<&mut Worker, SandboxError> {
        if self.worker.is_none() {
            self.worker = Some(Worker::spawn(shared.clone(), self.index)?);
        }
        self.worker
            .as_mut()
            .ok_or_else(|| SandboxError::Worker("no worker".into()))
    }

    fn harness(&mut self, shared: &std::sync::Arc<Shared>) -> Result<&Harness, SandboxError> {
        if self.harness.is_none() {
            self.harness = Some(Harness::spawn(shared, self.index)?);
        }
        self.harness
            .as_ref()
            .ok_or_else(|| SandboxError::Worker("no harness".into()))
    }

    pub(crate) fn run(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        source: &str,
        task: &Task,
    ) -> Result<JobResult, SandboxError> {
        match task {
            Task::Calls {
                entry,
                calls,
                want_args,
            } => self.run_calls(shared, source, entry, calls, *want_args),
            Task::Stdio { runs } => self.run_stdio(shared, source, runs),
            Task::Check {
                entry,
                prompt,
                test,
                bind,
                call_check,
                budget,
                record_calls,
            } => self.run_check(
                shared,
                source,
                entry,
                CheckSpec {
                    prompt,
                    test,
                    bind,
                    call_check: *call_check,
                    budget: *budget,
                    record_calls: *record_calls,
                },
            ),
        }
    }

    /// Starts a job process and waits for it to report itself confined.
    fn start(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        budget: Duration,
    ) -> Result<Running, SandboxError> {
        let limits = JobLimits::new(&shared.limits, budget, shared.root);
        let worker = self.worker(shared)?;
        let process = worker.start(&limits)?;
        match process.recv(Instant::now() + Duration::from_secs(10)) {
            Ok(m) if m["op"] == "confined" => Ok(Running { process }),
            Ok(m) => Err(SandboxError::Worker(format!("job start: unexpected {m}"))),
            Err(e) => {
                let exit = worker.finish(process).ok();
                Err(SandboxError::Setup(format!(
                    "a job process could not confine itself ({e}; {})",
                    exit.map_or_else(|| "status unknown".into(), |x| x.describe())
                )))
            }
        }
    }

    fn finish(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        run: Running,
    ) -> Result<Exit, SandboxError> {
        self.worker(shared)?.finish(run.process)
    }

    /// Sends `load` and waits for the program's top level to finish.
    fn load(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        run: &mut Option<Running>,
        msg: &Json,
        budget: Duration,
    ) -> Result<Result<f64, LoadError>, SandboxError> {
        let Some(r) = run.as_ref() else {
            return Err(SandboxError::Worker("no job".into()));
        };
        let reply = match r.process.send(msg) {
            Ok(()) => r.process.recv(Instant::now() + budget),
            Err(e) => Err(e),
        };
        let outcome = match reply {
            Ok(m) => match m["op"].as_str() {
                Some("loaded") => return Ok(Ok(m["ms"].as_f64().unwrap_or(0.0))),
                Some("compile_error") => LoadError::Compile {
                    message: text(&m["message"]),
                    line: m["line"].as_u64().and_then(|l| u32::try_from(l).ok()),
                },
                Some("raised") => LoadError::Raised {
                    type_name: text(&m["type"]),
                    message: text(&m["message"]),
                },
                _ => LoadError::Crashed {
                    why: "broke the job protocol".into(),
                },
            },
            Err(ReadError::Timeout) => LoadError::Timeout { budget },
            Err(ReadError::Eof) => {
                let exit = self.finish_taken(shared, run)?;
                return Ok(Err(LoadError::Crashed {
                    why: exit.describe(),
                }));
            }
            Err(e) => LoadError::Crashed {
                why: format!("broke the job protocol ({e})"),
            },
        };
        self.finish_taken(shared, run)?;
        Ok(Err(outcome))
    }

    fn finish_taken(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        run: &mut Option<Running>,
    ) -> Result<Exit, SandboxError> {
        match run.take() {
            Some(r) => self.finish(shared, r),
            None => Ok(Exit::Code(0)),
        }
    }

    fn run_calls(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        source: &str,
        entry: &str,
        calls: &[Call],
        want_args: bool,
    ) -> Result<JobResult, SandboxError> {
        let mut results: Vec<CallResult> = Vec::with_capacity(calls.len());
        let mut restarts = 0;
        let mut load_ms = 0.0;
        loop {
            let remaining = &calls[results.len()..];
            let longest = remaining.iter().map(|c| c.budget).max().unwrap_or_default();
            let load_budget = longest.max(MIN_LOAD_BUDGET);
            let total: Duration =
                remaining.iter().map(|c| c.budget).sum::<Duration>() + load_budget;
            let mut run = Some(self.start(shared, total)?);
            let load_msg = json!({"op": "load", "source": source, "name": "__candidate__"});
            match self.load(shared, &mut run, &load_msg, load_budget)? {
                Ok(ms) => load_ms = ms,
                Err(e) => {
                    if results.is_empty() {
                        return Ok(JobResult::Calls {
                            load: Err(e),
                            results,
                        });
                    }
                    // It loaded before: whatever stops it now counts against the next call.
                    let failed = match e {
                        LoadError::Timeout { budget } => CallResult::Timeout { budget },
                        other => CallResult::Crashed {
                            why: format!("could not be restarted: {other:?}"),
                        },
                    };
                    results.push(failed);
                    restarts += 1;
                    if restarts > MAX_RESTARTS || results.len() == calls.len() {
                        fill_not_run(&mut results, calls.len());
                        break;
                    }
                    continue;
                }
            }
            let mut broken = false;
            while results.len() < calls.len() {
                let call = &calls[results.len()];
                let Some(r) = run.as_ref() else { break };
                let msg = json!({
                    "op": "call",
                    "entry": entry,
                    "args": call.args.iter().map(PyValue::to_wire).collect::<Vec<_>>(),
                    "want_args": want_args,
                });
                let reply = match r.process.send(&msg) {
                    Ok(()) => r.process.recv(Instant::now() + call.budget),
                    Err(e) => Err(e),
                };
                match reply {
                    Ok(m) => results.push(call_result(&m)),
                    Err(ReadError::Timeout) => {
                        results.push(CallResult::Timeout {
                            budget: call.budget,
                        });
                        broken = true;
                    }
                    Err(ReadError::Eof) => {
                        let exit = self.finish_taken(shared, &mut run)?;
                        results.push(CallResult::Crashed {
                            why: exit.describe(),
                        });
                        broken = true;
                    }
                    Err(e) => {
                        results.push(CallResult::Crashed {
                            why: format!("broke the job protocol ({e})"),
                        });
                        broken = true;
                    }
                }
                if broken {
                    break;
                }
            }
            self.finish_taken(shared, &mut run)?;
            if !broken || results.len() == calls.len() {
                break;
            }
            restarts += 1;
            if restarts > MAX_RESTARTS {
                fill_not_run(&mut results, calls.len());
                break;
            }
        }
        Ok(JobResult::Calls {
            load: Ok(load_ms),
            results,
        })
    }

    fn run_stdio(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        source: &str,
        runs: &[StdioRun],
    ) -> Result<JobResult, SandboxError> {
        let mut results = Vec::with_capacity(runs.len());
        for r in runs {
            let mut run = Some(self.start(shared, r.budget)?);
            let msg = json!({"op": "load", "source": source, "name": "__main__", "stdin": r.stdin});
            let outcome = self.load(shared, &mut run, &msg, r.budget)?;
            let result = match outcome {
                Ok(ms) => {
                    let stdout = run
                        .as_ref()
                        .map(|x| x.process.stdout(shared.limits.output_bytes))
                        .unwrap_or_default();
                    StdioResult::Finished { stdout, ms }
                }
                Err(e) => StdioResult::Failed(e),
            };
            self.finish_taken(shared, &mut run)?;
            let stop = matches!(result, StdioResult::Failed(LoadError::Compile { .. }));
            results.push(result);
            if stop {
                // The same source will not compile for the other inputs either.
                while results.len() < runs.len() {
                    results.push(results[0].clone());
                }
                break;
            }
        }
        Ok(JobResult::Stdio { results })
    }

    fn run_check(
        &mut self,
        shared: &std::sync::Arc<Shared>,
        source: &str,
        entry: &str,
        spec: CheckSpec<'_>,
    ) -> Result<JobResult, SandboxError> {
        let CheckSpec {
            prompt,
            test,
            bind,
            call_check,
            budget,
            record_calls,
        } = spec;
        let mut calls = Vec::new();
        let started = Instant::now();
        let deadline = started + budget;
        let mut run = Some(self.start(shared, budget)?);
        let load_msg = json!({"op": "load", "source": source, "name": "__candidate__"});
        let load_ms = match self.load(shared, &mut run, &load_msg, budget.max(MIN_LOAD_BUDGET))? {
            Ok(ms) => ms,
            Err(e) => {
                return Ok(JobResult::Check {
                    load: Err(e),
                    outcome: None,
                    ms: elapsed_ms(started),
                    calls,
                });
            }
        };
        self.harness(shared)?.send(&json!({
            "op": "check",
            "prompt": prompt,
            "test": test,
            "entry": entry,
            "bind": bind,
            "call_check": call_check,
        }))?;
        let mut gone: Option<CheckOutcome> = None;
        let outcome = loop {
            let msg = match self.harness(shared)?.recv(deadline) {
                Ok(m) => m,
                Err(ReadError::Timeout) => {
                    // The test is stuck (looping on what the candidate returned): start afresh next time.
                    self.harness = None;
                    break CheckOutcome::Timeout { budget };
                }
                Err(e) => {
                    self.harness = None;
                    return Err(SandboxError::Worker(format!("harness: {e}")));
                }
            };
            match msg["op"].as_str() {
                Some("call") => {
                    if record_calls && msg["kwargs"].is_null() {
                        let args: Option<Vec<PyValue>> = msg["args"]
                            .as_array()
                            .and_then(|xs| xs.iter().map(|x| PyValue::from_wire(x).ok()).collect());
                        if let Some(args) = args {
                            calls.push(args);
                        }
                    }
                    let reply = match run.as_ref() {
                        None => json!({"op": "gone", "why": "the candidate is gone"}),
                        Some(r) => {
                            let call = json!({
                                "op": "call",
                                "entry": entry,
                                "args": msg["args"],
                                "kwargs": msg["kwargs"],
                            });
                            let reply = match r.process.send(&call) {
                                Ok(()) => r.process.recv(deadline),
                                Err(e) => Err(e),
                            };
                            match reply {
                                Ok(m) => m,
                                Err(ReadError::Timeout) => {
                                    gone = Some(CheckOutcome::Timeout { budget });
                                    self.finish_taken(shared, &mut run)?;
                                    json!({"op": "gone", "why": "timeout"})
                                }
                                Err(e) => {
                                    let why = match e {
                                        ReadError::Eof => {
                                            self.finish_taken(shared, &mut run)?.describe()
                                        }
                                        other => {
                                            self.finish_taken(shared, &mut run)?;
                                            format!("broke the job protocol ({other})")
                                        }
                                    };
                                    gone = Some(CheckOutcome::Crashed {
                                        why: why.clone(),
                                        last: None,
                                    });
                                    json!({"op": "gone", "why": why})
                                }
                            }
                        }
                    };
                    self.harness(shared)?.send(&reply)?;
                }
                Some("result") => break check_outcome(&msg, gone.take()),
                _ => {
                    self.harness = None;
                    return Err(SandboxError::Worker(format!("harness sent {msg}")));
                }
            }
        };
        self.finish_taken(shared, &mut run)?;
        Ok(JobResult::Check {
            load: Ok(load_ms),
            outcome: Some(outcome),
            ms: elapsed_ms(started),
            calls,
        })
    }
}

/// What a `Task::Check` asks for, besides the program.
struct CheckSpec<'t> {
    prompt: &'t str,
    test: &'t str,
    bind: &'t [String],
    call_check: bool,
    budget: Duration,
    record_calls: bool,
}

fn elapsed_ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn text(j: &Json) -> String {
    j.as_str().unwrap_or_default().to_string()
}

fn fill_not_run(results: &mut Vec<CallResult>, n: usize) {
    while results.len() < n {
        results.push(CallResult::Crashed {
            why: format!("not run: the program failed {MAX_RESTARTS} times already"),
        });
    }
}

fn call_result(m: &Json) -> CallResult {
    match m["op"].as_str() {
        Some("returned") => match PyValue::from_wire(&m["value"]) {
            Ok(value) => CallResult::Returned {
                value,
                ms: m["ms"].as_f64().unwrap_or(0.0),
                args_after: m["args"].as_array().map(|xs| {
                    xs.iter()
                        .filter_map(|x| PyValue::from_wire(x).ok())
                        .collect()
                }),
            },
            Err(e) => CallResult::Unsupported {
                type_name: format!("a malformed value ({e})"),
            },
        },
        Some("raised") => CallResult::Raised {
            type_name: text(&m["type"]),
            message: text(&m["message"]),
        },
        Some("unencodable") => CallResult::Unsupported {
            type_name: text(&m["type"]),
        },
        _ => CallResult::Crashed {
            why: "broke the job protocol".into(),
        },
    }
}

fn last_call(j: &Json) -> Option<LastCall> {
    if j.is_null() {
        return None;
    }
    let args = j["args"]
        .as_array()
        .map(|xs| {
            xs.iter()
                .filter_map(|x| PyValue::from_wire(x).ok())
                .collect()
        })
        .unwrap_or_default();
    let value = j.get("value").and_then(|v| PyValue::from_wire(v).ok());
    let raised = j
        .get("raised")
        .map(|r| (text(&r["type"]), text(&r["message"])));
    Some(LastCall {
        args,
        value,
        raised,
    })
}

fn check_outcome(m: &Json, gone: Option<CheckOutcome>) -> CheckOutcome {
    let last = last_call(&m["last"]);
    let line = m["line"].as_u64().and_then(|l| u32::try_from(l).ok());
    match m["outcome"].as_str() {
        Some("passed") => CheckOutcome::Passed,
        Some("failed") => CheckOutcome::Failed {
            message: text(&m["message"]),
            line,
            last,
        },
        Some("error") => CheckOutcome::Raised {
            type_name: text(&m["type"]),
            message: text(&m["message"]),
            line,
            last,
        },
        Some("unsupported") => CheckOutcome::Unsupported {
            type_name: text(&m["message"]),
            last,
        },
        Some("gone") => match gone {
            Some(CheckOutcome::Crashed { why, .. }) => CheckOutcome::Crashed { why, last },
            Some(other) => other,
            None => CheckOutcome::Crashed {
                why: text(&m["message"]),
                last,
            },
        },
        Some("test_error") => CheckOutcome::TestError {
            message: format!("{}: {}", text(&m["type"]), text(&m["message"])),
        },
        _ => CheckOutcome::TestError {
            message: format!("the harness answered {m}"),
        },
    }
}
