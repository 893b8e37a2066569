//! Running one job on one slot: the conversation with the job process (and
//! with the harness, for dataset test code), one module per kind of task.
//!
//! Every message from a job is decoded by the total, bounded decoder into a
//! typed reply before it goes anywhere (the harness never sees a job's
//! bytes). Whatever a job does is its result; only a failure of the sandbox
//! itself (a worker or harness that breaks) is an error, and the pool
//! retries the job on fresh ones.

mod calls;
mod check;
mod stdio;

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cgroup::SlotGroup;
use crate::error::SandboxError;
use crate::harness::Harness;
use crate::io::{CpuLimit, CpuMeter, Deadline, ReadError, Stretch, read_frame, write_frame};
use crate::job::{JobResult, LoadError, Task};
use crate::shared::Shared;
use crate::wire::{Exit, JobReply, JobRequest};
use crate::worker::{JobLimits, JobProcess, Worker};

/// What a `Task::Check` asks for, besides the program.
struct CheckSpec<'t> {
    pub prompt: &'t str,
    pub test: &'t str,
    pub bind: &'t [String],
    pub call_check: bool,
    pub budget: Duration,
    pub test_budget: Duration,
    pub record_calls: bool,
}

/// A job must say it is confined within this long.
const CONFINE_TIMEOUT: Duration = Duration::from_secs(10);

/// The wall-clock limit for a CPU budget: a program that sleeps or blocks
/// uses no CPU and is stopped by this instead. Three times the budget
/// leaves room for a machine whose cores are shared (a job running at a
/// third of a core still finishes); the half second covers process start.
pub(crate) fn wall_for(cpu: Duration, metered: bool) -> Duration {
    if metered {
        cpu.saturating_mul(3) + Duration::from_millis(500)
    } else {
        cpu
    }
}

/// How far the wall-clock limit stretches for a program that keeps
/// computing (a twentieth of the time at least: a machine whose cores are
/// shared many times over): ten times the budget plus a second.
pub(crate) fn stretched_wall_for(cpu: Duration) -> Duration {
    cpu.saturating_mul(10) + Duration::from_secs(1)
}

/// How far a deadline's wall limit may stretch for a computing program.
fn stretch(started: Instant, cpu_from: Option<u64>, budget: Duration) -> Option<Stretch> {
    cpu_from.map(|cpu_from| Stretch {
        from: started,
        cpu_from,
        until: started + stretched_wall_for(budget),
    })
}

/// The wall-clock allowance of a whole job of several tests (budgets summing
/// to `total`): a program that sleeps in every test holds its slot for this
/// long at most, however many tests there are; the tests it leaves time
/// for no more are timeouts.
pub(crate) fn job_wall_for(total: Duration, metered: bool) -> Duration {
    if metered {
        total.saturating_mul(3) + Duration::from_secs(1)
    } else {
        total + Duration::from_secs(1)
    }
}

/// A CPU allowance of `budget` from the meter's reading `mark`.
fn cpu_limit(
    meter: Option<&dyn CpuMeter>,
    mark: Option<u64>,
    budget: Duration,
) -> Option<CpuLimit<'_>> {
    let (meter, mark) = (meter?, mark?);
    let budget_ns = u64::try_from(budget.as_nanos()).unwrap_or(u64::MAX);
    Some(CpuLimit {
        meter,
        until_ns: mark.saturating_add(budget_ns),
    })
}

pub(crate) struct Slot {
    pub index: usize,
    pub worker: Option<Worker>,
    pub harness: Option<Harness>,
}

/// A started job whose process has said it is confined.
struct Running {
    process: JobProcess,
    oom_before: u64,
    /// The CPU counter's value when the current phase began.
    mark: Option<u64>,
}

/// How a phase of a job may run: its CPU budget (when metered) and wall limit.
fn phase<'a>(
    group: Option<&'a SlotGroup>,
    budget: Duration,
    metered: bool,
    job_end: Instant,
) -> (Deadline<'a>, Option<u64>) {
    let mark = group.and_then(SlotGroup::cpu_ns);
    let now = Instant::now();
    (
        Deadline {
            wall: (now + wall_for(budget, metered)).min(job_end),
            cpu: cpu_limit(group.map(|g| g as &dyn CpuMeter), mark, budget),
            stretch: if metered {
                stretch(now, mark, budget)
            } else {
                None
            },
        },
        mark,
    )
}

/// Milliseconds of CPU since `mark`, or the job's own wall-clock report.
fn used_ms(group: Option<&SlotGroup>, mark: Option<u64>, reported: Option<f64>) -> f64 {
    match (group.and_then(SlotGroup::cpu_ns), mark) {
        (Some(now), Some(then)) => now.saturating_sub(then) as f64 / 1e6,
        _ => reported.unwrap_or(0.0).max(0.0),
    }
}

/// Reads the job's next reply, with the size of its frame in bytes.
fn read_reply(run: &Running, deadline: &Deadline<'_>) -> Result<(JobReply, usize), ReadError> {
    let body = read_frame(&run.process.from_job, deadline)?;
    Ok((JobReply::decode(&body)?, body.len()))
}

/// Sends a request to the job and reads its reply (with its size).
fn ask(
    run: &Running,
    request: &JobRequest,
    deadline: &Deadline<'_>,
) -> Result<(JobReply, usize), ReadError> {
    write_frame(&run.process.to_job, &request.encode(), deadline)?;
    read_reply(run, deadline)
}

/// A reply (named by its op) that the job's protocol does not allow where
/// it came.
fn out_of_turn(op: &str, expected: &str) -> ReadError {
    ReadError::Protocol(format!("'{op}' where {expected} was expected"))
}

impl Slot {
    fn worker(&mut self, shared: &Arc<Shared>) -> Result<&mut Worker, SandboxError> {
        if self.worker.is_none() {
            self.worker = Some(Worker::spawn(shared.clone(), self.index)?);
        }
        self.worker
            .as_mut()
            .ok_or_else(|| SandboxError::Worker("no worker".into()))
    }

    fn harness(&mut self, shared: &Arc<Shared>) -> Result<&Harness, SandboxError> {
        if self.harness.is_none() {
            self.harness = Some(Harness::spawn(shared, self.index)?);
        }
        self.harness
            .as_ref()
            .ok_or_else(|| SandboxError::Worker("no harness".into()))
    }

    pub(crate) fn run(
        &mut self,
        shared: &Arc<Shared>,
        source: &str,
        task: &Task,
    ) -> Result<JobResult, SandboxError> {
        match task {
            Task::Calls {
                entry,
                calls,
                want_args,
                load_budget,
            } => self.run_calls(shared, source, entry, calls, *want_args, *load_budget),
            Task::Stdio { runs } => self.run_stdio(shared, source, runs),
            Task::Check {
                entry,
                prompt,
                test,
                bind,
                call_check,
                budget,
                test_budget,
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
                    test_budget: *test_budget,
                    record_calls: *record_calls,
                },
            ),
        }
    }

    /// Starts a job process and waits for it to report itself confined. A
    /// job that cannot confine itself is the sandbox's failure (the worker
    /// is dropped; the pool retries on a fresh one), with the step and errno.
    fn start(
        &mut self,
        shared: &Arc<Shared>,
        cpu_budget: Duration,
        stdin: Option<&OwnedFd>,
        keep_stdout: bool,
        first: &JobRequest,
    ) -> Result<Running, SandboxError> {
        let group = shared.group(self.index);
        let oom_before = group.map_or(0, SlotGroup::oom_kills);
        let limits = JobLimits::new(cpu_budget);
        // What the last job left behind (processes, a folder the worker
        // could not remove) is no failure of this one: a job could
        // otherwise leave it on purpose, then break off a call, and its
        // restart would fail the whole job as the sandbox's failure (a
        // grader error, no reward, where it had earned a timeout).
        if self.worker.as_mut().is_some_and(|w| !w.settle()) {
            self.worker = None;
        }
        let process = self.worker(shared)?.start(&limits, stdin, keep_stdout)?;
        // The first request goes at once: the job reads it once confined.
        let deadline = Deadline::after(CONFINE_TIMEOUT);
        let wrote = write_frame(&process.to_job, &first.encode(), &deadline);
        let reply =
            read_frame(&process.from_job, &deadline).and_then(|b| Ok(JobReply::decode(&b)?));
        let failure = match (reply, wrote) {
            (Ok(JobReply::Confined { steps }), Ok(())) => {
                if shared.profile {
                    shared.record_steps(&steps);
                }
                return Ok(Running {
                    process,
                    oom_before,
                    mark: group.and_then(SlotGroup::cpu_ns),
                });
            }
            (
                Ok(JobReply::Unconfined {
                    step,
                    errno,
                    message,
                }),
                _,
            ) => SandboxError::Confine {
                step,
                errno,
                detail: message,
            },
            (Ok(m), Ok(())) => SandboxError::Worker(format!("job start: unexpected '{}'", m.op())),
            (Err(e), _) | (Ok(_), Err(e)) => SandboxError::Confine {
                step: "start".into(),
                errno: 0,
                detail: match self.worker.as_ref() {
                    Some(w) => format!("{e}: {}", w.start_failure()),
                    None => e.to_string(),
                },
            },
        };
        drop(process);
        // A worker whose job could not start is not trusted with another.
        self.worker = None;
        Err(failure)
    }

    /// Ends the job: every process killed, its folder removed. Returns how
    /// its first process ended (with the memory limit named when the kernel
    /// killed for it) and its standard output, when kept.
    fn finish(
        &mut self,
        shared: &Arc<Shared>,
        mut run: Running,
    ) -> Result<(String, Exit, Option<OwnedFd>), SandboxError> {
        let oom_before = run.oom_before;
        let stdout = run.process.stdout.take();
        let worker = self
            .worker
            .as_mut()
            .ok_or_else(|| SandboxError::Worker("no worker".into()))?;
        let done = match worker.finish(run.process) {
            Ok((done, _)) => done,
            Err(e @ SandboxError::WorkerGone(_)) => {
                // The worker died, and the job with it: not the job's doing.
                self.worker = None;
                return Err(e);
            }
            Err(e) => {
                // The job ran, and ended; only its worker's report is
                // missing. The job's result stands (a sample must not turn
                // its verdict into no verdict); the worker is replaced.
                self.worker = None;
                return Ok((
                    format!("ended (its worker could not report how: {e})"),
                    Exit::Signal(libc::SIGKILL),
                    stdout,
                ));
            }
        };
        if !done.clean {
            // Something of the job outlived it: start the next job afresh.
            self.worker = None;
        }
        let oom = shared
            .group(self.index)
            .is_some_and(|g| g.oom_kills() > oom_before);
        let mut why = done.exit.describe();
        if oom {
            why = format!(
                "{why}: its processes went over the memory limit ({} MiB)",
                shared.limits.memory_bytes.unwrap_or(0) >> 20
            );
        }
        Ok((why, done.exit, stdout))
    }

    /// Ends the job without waiting for the worker's report (nothing more is
    /// needed from it). A worker that cannot take the request is replaced;
    /// the job's result stands.
    fn release_taken(&mut self, run: &mut Option<Running>) -> Result<(), SandboxError> {
        if let (Some(r), Some(worker)) = (run.take(), self.worker.as_mut())
            && worker.release(r.process).is_err()
        {
            self.worker = None;
        }
        Ok(())
    }

    fn finish_taken(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
    ) -> Result<Option<String>, SandboxError> {
        match run.take() {
            Some(r) => Ok(Some(self.finish(shared, r)?.0)),
            None => Ok(None),
        }
    }
}

/// What a job's reply to `load` says.
enum Loaded {
    /// Its top level ran (with the time the job itself measured).
    Yes(f64),
    No(LoadError),
    /// The job closed its pipe: how it ended decides.
    Ended,
}

fn loaded(reply: Result<JobReply, ReadError>, budget: Duration) -> Loaded {
    match reply {
        Ok(JobReply::Loaded { ms }) => Loaded::Yes(ms),
        Ok(JobReply::CompileError { message, line }) => {
            Loaded::No(LoadError::Compile { message, line })
        }
        Ok(JobReply::Raised {
            type_name, message, ..
        }) => Loaded::No(LoadError::Raised { type_name, message }),
        Ok(other) => Loaded::No(LoadError::Crashed {
            why: format!(
                "broke the job protocol ({})",
                out_of_turn(other.op(), "the load's outcome")
            ),
        }),
        Err(ReadError::Timeout(_)) => Loaded::No(LoadError::Timeout { budget }),
        Err(ReadError::Eof) => Loaded::Ended,
        Err(e) => Loaded::No(LoadError::Crashed {
            why: format!("broke the job protocol ({e})"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_gets_a_wall_limit_for_sleepers() {
        assert_eq!(
            wall_for(Duration::from_millis(200), true),
            Duration::from_millis(1100)
        );
        assert_eq!(
            job_wall_for(Duration::from_secs(4), true),
            Duration::from_secs(13)
        );
        assert_eq!(
            wall_for(Duration::from_millis(200), false),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn a_load_is_answered_by_its_outcome_only() {
        let budget = Duration::from_secs(1);
        assert!(matches!(
            loaded(Ok(JobReply::Loaded { ms: 2.0 }), budget),
            Loaded::Yes(ms) if ms == 2.0
        ));
        assert!(matches!(
            loaded(
                Ok(JobReply::Returned {
                    value: symtest_pyvalue::PyValue::None,
                    ms: 0.0,
                    args_after: None
                }),
                budget
            ),
            Loaded::No(LoadError::Crashed { why }) if why.contains("'returned'")
        ));
        assert!(matches!(
            loaded(Err(ReadError::Timeout(crate::io::Limit::Cpu)), budget),
            Loaded::No(LoadError::Timeout { .. })
        ));
        assert!(matches!(loaded(Err(ReadError::Eof), budget), Loaded::Ended));
    }
}
