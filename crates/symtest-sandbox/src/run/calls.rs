//! `Task::Calls`: the program is loaded once and its entry point called on
//! each argument tuple, each call on its own budget; a process that times
//! out, crashes or breaks the protocol is restarted for the calls left.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Running, Slot, ask, job_wall_for, out_of_turn, phase, used_ms};
use crate::cgroup::SlotGroup;
use crate::error::SandboxError;
use crate::io::ReadError;
use crate::job::{Call, CallResult, JobResult, LoadError};
use crate::shared::Shared;
use crate::wire::{JobReply, JobRequest, LoadAs};

/// After this many timeouts or crashes in one job the remaining calls are
/// not attempted: each restart costs a fresh process and a full budget.
const MAX_RESTARTS: usize = 3;

impl Slot {
    pub(super) fn run_calls(
        &mut self,
        shared: &Arc<Shared>,
        source: &str,
        entry: &str,
        calls: &[Call],
        want_args: bool,
        load_budget: Duration,
    ) -> Result<JobResult, SandboxError> {
        let metered = shared.group(self.index).is_some();
        let mut results: Vec<CallResult> = Vec::with_capacity(calls.len());
        let mut restarts = 0;
        let mut load_ms = 0.0;
        let total: Duration = calls.iter().map(|c| c.budget).sum::<Duration>() + load_budget;
        let job_end = Instant::now() + job_wall_for(total, metered);
        // Each call's arguments go to the job only when that call starts:
        // a program that saw them all at load could answer every test on
        // the load's budget instead of each on its own.
        let load = JobRequest::Load {
            source: source.to_string(),
            name: LoadAs::Candidate,
            entry: Some(entry.to_string()),
            calls: Arc::from(Vec::new()),
        };
        loop {
            let remaining = &calls[results.len()..];
            let total: Duration =
                remaining.iter().map(|c| c.budget).sum::<Duration>() + load_budget;
            let mut run = Some(self.start(shared, total, None, false, &load)?);
            let broken = match self.load(shared, &mut run, load_budget, job_end)? {
                Ok(ms) => {
                    load_ms = ms;
                    let mut each = CallEach {
                        entry,
                        calls,
                        want_args,
                        job_end,
                        results: &mut results,
                    };
                    self.call_each(shared, &mut run, &mut each)?
                }
                Err(e) if results.is_empty() => {
                    return Ok(JobResult::Calls {
                        load: Err(e),
                        results,
                    });
                }
                Err(e) => {
                    // It loaded before: whatever stops it now counts against
                    // the next call.
                    results.push(match e {
                        LoadError::Timeout { .. } => CallResult::Timeout {
                            budget: remaining[0].budget,
                        },
                        other => CallResult::Crashed {
                            why: format!("could not be restarted: it {other}"),
                        },
                    });
                    true
                }
            };
            self.release_taken(&mut run)?;
            if !broken || results.len() == calls.len() {
                break;
            }
            restarts += 1;
            if restarts > MAX_RESTARTS {
                fill_not_run(&mut results, calls.len());
                break;
            }
            if Instant::now() >= job_end {
                fill_out_of_time(&mut results, calls);
                break;
            }
        }
        Ok(JobResult::Calls {
            load: Ok(load_ms),
            results,
        })
    }

    /// Waits for the program's top level to finish (the `load` request was
    /// the job's first).
    fn load(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
        budget: Duration,
        job_end: Instant,
    ) -> Result<Result<f64, LoadError>, SandboxError> {
        let shared2 = shared.clone();
        let group = shared2.group(self.index);
        let Some(r) = run.as_mut() else {
            return Err(SandboxError::Worker("no job".into()));
        };
        let (deadline, mark) = phase(group, budget, group.is_some(), job_end);
        let reply = super::read_reply(r, &deadline).map(|(m, _)| m);
        let outcome = match super::loaded(reply, budget) {
            super::Loaded::Yes(reported) => {
                let ms = used_ms(group, mark, Some(reported));
                r.mark = group.and_then(SlotGroup::cpu_ns);
                return Ok(Ok(ms));
            }
            super::Loaded::No(e) => e,
            super::Loaded::Ended => {
                let why = self.finish_taken(shared, run)?.unwrap_or_default();
                return Ok(Err(LoadError::Crashed { why }));
            }
        };
        self.release_taken(run)?;
        Ok(Err(outcome))
    }

    /// Makes the calls not yet answered, one by one, each on its own
    /// budget. Returns whether the job broke (a timeout, a crash, a reply
    /// out of protocol) before the last: it is then restarted.
    fn call_each(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
        each: &mut CallEach<'_>,
    ) -> Result<bool, SandboxError> {
        let shared2 = shared.clone();
        let group = shared2.group(self.index);
        while each.results.len() < each.calls.len() {
            let call = &each.calls[each.results.len()];
            let Some(r) = run.as_mut() else { break };
            let (deadline, mark) = phase(group, call.budget, group.is_some(), each.job_end);
            let mark = r.mark.or(mark);
            let request = JobRequest::Call {
                entry: each.entry.to_string(),
                args: call.args.clone(),
                kwargs: None,
                want_args: each.want_args,
            };
            let failure = match ask(r, &request, &deadline) {
                Ok((reply, _)) => {
                    let ms = used_ms(group, mark, reply.ms());
                    r.mark = group.and_then(SlotGroup::cpu_ns);
                    match call_result(reply, ms) {
                        Ok(result) => {
                            each.results.push(result);
                            continue;
                        }
                        Err(e) => e,
                    }
                }
                Err(ReadError::TooLarge(why)) => {
                    r.mark = group.and_then(SlotGroup::cpu_ns);
                    each.results
                        .push(CallResult::Unsupported { type_name: why });
                    continue;
                }
                Err(e) => e,
            };
            let failed = self.call_failed(shared, run, failure, call.budget)?;
            each.results.push(failed);
            return Ok(true);
        }
        Ok(false)
    }

    /// The result of a call whose job stopped answering it.
    fn call_failed(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
        e: ReadError,
        budget: Duration,
    ) -> Result<CallResult, SandboxError> {
        Ok(match e {
            ReadError::Timeout(_) => CallResult::Timeout { budget },
            // It ended (before its call could be sent, or while on it).
            ReadError::Eof => CallResult::Crashed {
                why: self.finish_taken(shared, run)?.unwrap_or_default(),
            },
            ReadError::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe => CallResult::Crashed {
                why: self.finish_taken(shared, run)?.unwrap_or_default(),
            },
            other => CallResult::Crashed {
                why: format!("broke the job protocol ({other})"),
            },
        })
    }
}

/// The calls of one job and where their results go.
struct CallEach<'a> {
    entry: &'a str,
    calls: &'a [Call],
    want_args: bool,
    job_end: Instant,
    results: &'a mut Vec<CallResult>,
}

/// A call's result from the job's reply; a reply that answers no call is
/// a protocol violation.
fn call_result(reply: JobReply, ms: f64) -> Result<CallResult, ReadError> {
    match reply {
        JobReply::Returned {
            value, args_after, ..
        } => Ok(CallResult::Returned {
            value,
            ms,
            args_after,
        }),
        JobReply::Raised {
            type_name,
            message,
            bases,
            ..
        } => Ok(CallResult::Raised {
            type_name,
            message,
            bases,
        }),
        JobReply::Unencodable { type_name } => Ok(CallResult::Unsupported { type_name }),
        other => Err(out_of_turn(other.op(), "a call's outcome")),
    }
}

fn fill_not_run(results: &mut Vec<CallResult>, n: usize) {
    while results.len() < n {
        results.push(CallResult::Crashed {
            why: format!("not run: the program failed {MAX_RESTARTS} times already"),
        });
    }
}

/// The calls left when the job's wall-clock allowance is spent: timeouts.
fn fill_out_of_time(results: &mut Vec<CallResult>, calls: &[Call]) {
    while results.len() < calls.len() {
        let budget = calls[results.len()].budget;
        results.push(CallResult::Timeout { budget });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symtest_pyvalue::PyValue;

    #[test]
    fn a_call_is_answered_by_its_outcome_only() {
        let returned = JobReply::Returned {
            value: PyValue::from(1),
            ms: 9.0,
            args_after: Some(vec![]),
        };
        assert!(matches!(
            call_result(returned, 2.0),
            Ok(CallResult::Returned { ms, args_after: Some(_), .. }) if ms == 2.0
        ));
        let raised = JobReply::Raised {
            type_name: "E".into(),
            message: "m".into(),
            bases: vec!["Exception".into()],
            ms: 0.0,
        };
        assert!(matches!(
            call_result(raised, 0.0),
            Ok(CallResult::Raised { bases, .. }) if bases == ["Exception"]
        ));
        for out_of_turn in [
            JobReply::Loaded { ms: 1.0 },
            JobReply::Confined { steps: vec![] },
        ] {
            assert!(matches!(
                call_result(out_of_turn, 0.0),
                Err(ReadError::Protocol(_))
            ));
        }
    }
}
