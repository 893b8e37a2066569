//! Running one job on one slot: the conversation with the job process (and
//! with the harness, for dataset test code).
//!
//! Every message from a job is decoded by the total, bounded decoder and
//! rebuilt from checked fields before it goes anywhere (the harness never
//! sees a job's bytes). Whatever a job does is its result; only a failure
//! of the sandbox itself (a worker or harness that breaks) is an error, and
//! the pool retries the job on fresh ones.

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cgroup::SlotGroup;
use crate::harness::Harness;
use crate::io::{
    CpuLimit, CpuMeter, Deadline, ReadError, Stretch, read_capped, read_frame, sealed_input,
    write_frame,
};
use crate::job::{
    Call, CallResult, CheckOutcome, JobResult, LastCall, LoadError, StdioResult, StdioRun, Task,
};
use crate::pyvalue::PyValue;
use crate::wire::{self, MAX_NAME, MAX_TEXT, Msg, s};
use crate::worker::{Exit, JobLimits, JobProcess, Worker};
use crate::{SandboxError, Shared};

/// After this many timeouts or crashes in one job the remaining calls are
/// not attempted: each restart costs a fresh process and a full budget.
const MAX_RESTARTS: usize = 3;

/// The planned answers handed to the harness at most, in bytes (a frame
/// holds 32 MiB).
const MAX_ANSWERS: usize = 16 << 20;

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
    let cpu = match (group, mark) {
        (Some(group), Some(now)) => Some(CpuLimit {
            meter: group,
            until_ns: now.saturating_add(budget.as_nanos().min(u128::from(u64::MAX)) as u64),
        }),
        _ => None,
    };
    let now = Instant::now();
    (
        Deadline {
            wall: (now + wall_for(budget, metered)).min(job_end),
            cpu,
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
        first: &[u8],
    ) -> Result<Running, SandboxError> {
        let group = shared.group(self.index);
        let oom_before = group.map_or(0, SlotGroup::oom_kills);
        let limits = JobLimits::new(cpu_budget);
        let process = self.worker(shared)?.start(&limits, stdin, keep_stdout)?;
        // The first request goes at once: the job reads it once confined.
        let deadline = Deadline::after(CONFINE_TIMEOUT);
        let wrote = write_frame(&process.to_job, first, &deadline);
        let reply = read_frame(&process.from_job, &deadline).and_then(|b| Msg::decode(&b));
        let failure = match (reply, wrote) {
            (Ok(m), Ok(())) if m.op() == "confined" => {
                if shared.profile {
                    shared.record_steps(m.list("steps").unwrap_or_default());
                }
                return Ok(Running {
                    process,
                    oom_before,
                    mark: group.and_then(SlotGroup::cpu_ns),
                });
            }
            (Ok(m), _) if m.op() == "unconfined" => SandboxError::Confine {
                step: m.text("step", MAX_NAME),
                errno: m.int("errno").unwrap_or(0) as i32,
                detail: m.text("message", MAX_TEXT),
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
        let reply = read_frame(&r.process.from_job, &deadline).and_then(|b| Msg::decode(&b));
        let outcome = match loaded(reply, budget) {
            Loaded::Yes(reported) => {
                let ms = used_ms(group, mark, reported);
                r.mark = group.and_then(SlotGroup::cpu_ns);
                return Ok(Ok(ms));
            }
            Loaded::No(e) => e,
            Loaded::Ended => {
                let why = self.finish_taken(shared, run)?.unwrap_or_default();
                return Ok(Err(LoadError::Crashed { why }));
            }
        };
        self.release_taken(run)?;
        Ok(Err(outcome))
    }

    fn run_calls(
        &mut self,
        shared: &Arc<Shared>,
        source: &str,
        entry: &str,
        calls: &[Call],
        want_args: bool,
        load_budget: Duration,
    ) -> Result<JobResult, SandboxError> {
        let shared2 = shared.clone();
        let group = shared2.group(self.index);
        let mut results: Vec<CallResult> = Vec::with_capacity(calls.len());
        let mut restarts = 0;
        let mut load_ms = 0.0;
        let total: Duration = calls.iter().map(|c| c.budget).sum::<Duration>() + load_budget;
        let job_end = Instant::now() + job_wall_for(total, group.is_some());
        loop {
            let remaining = &calls[results.len()..];
            let total: Duration =
                remaining.iter().map(|c| c.budget).sum::<Duration>() + load_budget;
            // Each call's arguments go to the job only when that call starts:
            // a program that saw them all at load could answer every test on
            // the load's budget instead of each on its own.
            let load_msg = wire::encode(vec![
                ("op", s("load")),
                ("source", s(source)),
                ("name", s("__candidate__")),
                ("entry", s(entry)),
            ]);
            let mut run = Some(self.start(shared, total, None, false, &load_msg)?);
            match self.load(shared, &mut run, load_budget, job_end)? {
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
                        LoadError::Timeout { .. } => CallResult::Timeout {
                            budget: remaining[0].budget,
                        },
                        other => CallResult::Crashed {
                            why: format!("could not be restarted: {}", describe_load(&other)),
                        },
                    };
                    results.push(failed);
                    restarts += 1;
                    if restarts > MAX_RESTARTS || results.len() == calls.len() {
                        fill_not_run(&mut results, calls.len());
                        break;
                    }
                    if Instant::now() >= job_end {
                        fill_out_of_time(&mut results, calls);
                        break;
                    }
                    continue;
                }
            }
            let mut broken = false;
            while results.len() < calls.len() {
                let call = &calls[results.len()];
                let Some(r) = run.as_mut() else { break };
                let (deadline, mark) = phase(group, call.budget, group.is_some(), job_end);
                let mark = r.mark.or(mark);
                let request = wire::encode(vec![
                    ("op", s("call")),
                    ("entry", s(entry)),
                    ("args", PyValue::List(call.args.clone())),
                    ("kwargs", PyValue::None),
                    ("want_args", PyValue::Bool(want_args)),
                ]);
                let reply = write_frame(&r.process.to_job, &request, &deadline)
                    .and_then(|()| read_frame(&r.process.from_job, &deadline))
                    .and_then(|b| Msg::decode(&b));
                match reply {
                    Ok(m) => {
                        let ms = used_ms(group, mark, m.f64("ms"));
                        r.mark = group.and_then(SlotGroup::cpu_ns);
                        results.push(call_result(m, ms));
                    }
                    Err(ReadError::TooLarge(why)) => {
                        r.mark = group.and_then(SlotGroup::cpu_ns);
                        results.push(CallResult::Unsupported { type_name: why });
                    }
                    Err(ReadError::Timeout(_)) => {
                        results.push(CallResult::Timeout {
                            budget: call.budget,
                        });
                        broken = true;
                    }
                    Err(ReadError::Eof) => {
                        let why = self.finish_taken(shared, &mut run)?.unwrap_or_default();
                        results.push(CallResult::Crashed { why });
                        broken = true;
                    }
                    // It ended before its call could be sent.
                    Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                        let why = self.finish_taken(shared, &mut run)?.unwrap_or_default();
                        results.push(CallResult::Crashed { why });
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

    fn run_stdio(
        &mut self,
        shared: &Arc<Shared>,
        source: &str,
        runs: &[StdioRun],
    ) -> Result<JobResult, SandboxError> {
        let mut results: Vec<StdioResult> = Vec::with_capacity(runs.len());
        let cap = usize::try_from(shared.limits.output_bytes).unwrap_or(usize::MAX);
        let total: Duration = runs.iter().map(|r| r.budget).sum();
        let job_end = Instant::now() + job_wall_for(total, shared.group(self.index).is_some());
        for r in runs {
            if Instant::now() >= job_end {
                // A program that slept through the job's allowance is not
                // started again for the inputs left.
                results.push(StdioResult::Failed(LoadError::Timeout { budget: r.budget }));
                continue;
            }
            let stdin = sealed_input(r.stdin.as_bytes())
                .map_err(|e| SandboxError::Worker(format!("stdin: {e}")))?;
            let msg = wire::encode(vec![
                ("op", s("load")),
                ("source", s(source)),
                ("name", s("__main__")),
            ]);
            let mut run = Some(self.start(shared, r.budget, Some(&stdin), true, &msg)?);
            let result = match self.load_stdio(shared, &mut run, r.budget, job_end)? {
                (Ok(ms), stdout) => {
                    let text = stdout.map(|fd| read_capped(&fd, cap)).unwrap_or_default();
                    StdioResult::Finished {
                        stdout: String::from_utf8_lossy(&text).into_owned(),
                        ms,
                    }
                }
                (Err(e), _) => StdioResult::Failed(e),
            };
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

    /// Runs a program as `__main__`; a program that ends itself with status
    /// 0 (`os._exit(0)` after flushing, as fast solutions do) finished.
    fn load_stdio(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
        budget: Duration,
        job_end: Instant,
    ) -> Result<(Result<f64, LoadError>, Option<OwnedFd>), SandboxError> {
        let shared2 = shared.clone();
        let group = shared2.group(self.index);
        let Some(r) = run.take() else {
            return Err(SandboxError::Worker("no job".into()));
        };
        let (deadline, mark) = phase(group, budget, group.is_some(), job_end);
        let reply = read_frame(&r.process.from_job, &deadline).and_then(|b| Msg::decode(&b));
        let ms = used_ms(group, mark, None);
        let (why, exit, stdout) = self.finish(shared, r)?;
        let outcome = match loaded(reply, budget) {
            Loaded::Yes(reported) => Ok(if group.is_some() {
                ms
            } else {
                reported.unwrap_or(ms)
            }),
            Loaded::No(e) => Err(e),
            Loaded::Ended if exit == Exit::Code(0) => Ok(ms),
            Loaded::Ended => Err(LoadError::Crashed { why }),
        };
        Ok((outcome, stdout))
    }

    /// The calls of the test whose arguments are literals, asked of the
    /// harness once per test text.
    fn plan(
        &mut self,
        shared: &Arc<Shared>,
        spec: &CheckSpec<'_>,
    ) -> Result<Arc<PyValue>, SandboxError> {
        let key = plan_key(spec);
        if let Some(p) = shared.plan(key) {
            return Ok(p);
        }
        let msg = wire::encode(vec![
            ("op", s("plan")),
            ("test", s(spec.test)),
            (
                "bind",
                PyValue::List(spec.bind.iter().map(|b| s(b)).collect()),
            ),
        ]);
        let deadline = Deadline::after(Duration::from_secs(10));
        let harness = self.harness(shared)?;
        let reply = harness
            .send(&msg, &deadline)
            .and_then(|()| harness.recv(&deadline));
        let mut reply = match reply {
            Ok(m) if m.op() == "plan" => m,
            Ok(m) => {
                self.harness = None;
                return Err(SandboxError::Worker(format!(
                    "harness: unexpected '{}'",
                    m.op()
                )));
            }
            Err(e) => {
                self.harness = None;
                return Err(SandboxError::Worker(format!("harness: {e}")));
            }
        };
        let calls = Arc::new(reply.take("calls").unwrap_or(PyValue::List(Vec::new())));
        shared.keep_plan(key, calls.clone());
        Ok(calls)
    }

    fn run_check(
        &mut self,
        shared: &Arc<Shared>,
        source: &str,
        entry: &str,
        spec: CheckSpec<'_>,
    ) -> Result<JobResult, SandboxError> {
        let shared2 = shared.clone();
        let group = shared2.group(self.index);
        let metered = group.is_some();
        let plan = self.plan(shared, &spec)?;
        let planned = match plan.as_ref() {
            PyValue::List(xs) => xs.len(),
            _ => 0,
        };
        let started = Instant::now();
        let wall = started + wall_for(spec.budget, metered);
        let load_msg = wire::encode(vec![
            ("op", s("load")),
            ("source", s(source)),
            ("name", s("__candidate__")),
            ("entry", s(entry)),
            ("calls", plan.as_ref().clone()),
        ]);
        let mut run = Some(self.start(shared, spec.budget, None, false, &load_msg)?);
        let first_mark = run.as_ref().and_then(|r| r.mark);
        let cpu = match (group, first_mark) {
            (Some(group), Some(m)) => Some(CpuLimit {
                meter: group,
                until_ns: m.saturating_add(spec.budget.as_nanos().min(u128::from(u64::MAX)) as u64),
            }),
            _ => None,
        };
        let job_deadline = Deadline {
            wall,
            cpu,
            stretch: stretch(started, first_mark, spec.budget),
        };
        let calls_seen: Vec<Vec<PyValue>> = Vec::new();
        let reply = {
            let Some(r) = run.as_ref() else {
                return Err(SandboxError::Worker("no job".into()));
            };
            read_frame(&r.process.from_job, &job_deadline).and_then(|b| Msg::decode(&b))
        };
        let load_error = match loaded(reply, spec.budget) {
            Loaded::Yes(_) => None,
            Loaded::No(e) => Some(e),
            Loaded::Ended => {
                let why = self.finish_taken(shared, &mut run)?.unwrap_or_default();
                Some(LoadError::Crashed { why })
            }
        };
        if let Some(e) = load_error {
            self.release_taken(&mut run)?;
            return Ok(JobResult::Check {
                load: Err(e),
                outcome: None,
                ms: used_ms(group, first_mark, None),
                test_ms: 0.0,
                calls: calls_seen,
            });
        }
        // The planned calls' answers, as the job streams them. All are read
        // (the job's pipe must be empty before any round trip); those past
        // MAX_ANSWERS bytes are not kept, so that the check's message stays
        // a frame: the test asks for them again as round trips.
        let mut answers: Vec<PyValue> = Vec::with_capacity(planned);
        let mut gone: Option<CheckOutcome> = None;
        let (mut read, mut kept_bytes, mut keep) = (0usize, 0usize, true);
        while read < planned {
            let Some(r) = run.as_ref() else { break };
            let body = match read_frame(&r.process.from_job, &job_deadline) {
                Ok(b) => b,
                Err(e) => {
                    gone = Some(self.job_gone(shared, &mut run, e, spec.budget)?);
                    break;
                }
            };
            read += 1;
            let answer = match Msg::decode(&body) {
                Ok(m) => canonical_reply(m, body.len()),
                Err(ReadError::TooLarge(why)) => too_large_reply(&why),
                Err(e) => {
                    gone = Some(self.job_gone(shared, &mut run, e, spec.budget)?);
                    break;
                }
            };
            keep = keep && kept_bytes + body.len() <= MAX_ANSWERS;
            if keep {
                kept_bytes += body.len();
                answers.push(answer);
            }
        }
        let check = wire::encode(vec![
            ("op", s("check")),
            ("prompt", s(spec.prompt)),
            ("test", s(spec.test)),
            ("entry", s(entry)),
            (
                "bind",
                PyValue::List(spec.bind.iter().map(|b| s(b)).collect()),
            ),
            ("call_check", PyValue::Bool(spec.call_check)),
            ("record_calls", PyValue::Bool(spec.record_calls)),
            ("answers", PyValue::List(answers)),
        ]);
        // The test code's process is charged too: its CPU time on this job
        // (rebuilding and comparing the candidate's values) has a budget.
        let clock = self.harness(shared)?.clock();
        let test_mark = clock.as_ref().and_then(CpuMeter::cpu_ns);
        let harness_deadline = Deadline {
            wall,
            stretch: stretch(Instant::now(), test_mark, spec.budget.max(spec.test_budget)),
            cpu: match (&clock, test_mark) {
                (Some(c), Some(m)) => Some(CpuLimit {
                    meter: c,
                    until_ns: m.saturating_add(
                        spec.test_budget.as_nanos().min(u128::from(u64::MAX)) as u64,
                    ),
                }),
                _ => None,
            },
        };
        let test_ms = || match (clock.as_ref().and_then(CpuMeter::cpu_ns), test_mark) {
            (Some(now), Some(then)) => now.saturating_sub(then) as f64 / 1e6,
            _ => 0.0,
        };
        if let Err(e) = self.harness(shared)?.send(&check, &harness_deadline) {
            return self.harness_failed(&mut run, e, spec.budget);
        }
        let mut result = loop {
            let msg = match self.harness(shared)?.recv(&harness_deadline) {
                Ok(m) => m,
                Err(e) => return self.harness_failed(&mut run, e, spec.budget),
            };
            match msg.op() {
                "call" => {
                    let reply = match (&gone, run.as_ref()) {
                        (None, Some(r)) => {
                            let call = wire::encode(vec![
                                ("op", s("call")),
                                ("entry", s(entry)),
                                (
                                    "args",
                                    msg.get("args").cloned().unwrap_or(PyValue::List(vec![])),
                                ),
                                (
                                    "kwargs",
                                    msg.get("kwargs").cloned().unwrap_or(PyValue::None),
                                ),
                            ]);
                            let got = write_frame(&r.process.to_job, &call, &job_deadline)
                                .and_then(|()| read_frame(&r.process.from_job, &job_deadline))
                                .and_then(|b| Ok((Msg::decode(&b)?, b.len())));
                            match got {
                                Ok((m, size)) => canonical_reply(m, size),
                                Err(ReadError::TooLarge(why)) => too_large_reply(&why),
                                Err(e) => {
                                    let g = self.job_gone(shared, &mut run, e, spec.budget)?;
                                    let why = match &g {
                                        CheckOutcome::Timeout { .. } => "timeout".to_string(),
                                        CheckOutcome::Crashed { why, .. } => why.clone(),
                                        _ => "the candidate is gone".into(),
                                    };
                                    gone = Some(g);
                                    gone_reply(&why)
                                }
                            }
                        }
                        _ => gone_reply("the candidate is gone"),
                    };
                    let body = symtest_pyvalue::marshal::to_bytes(&reply);
                    if let Err(e) = self.harness(shared)?.send(&body, &harness_deadline) {
                        return self.harness_failed(&mut run, e, spec.budget);
                    }
                }
                "result" => break msg,
                other => {
                    self.harness = None;
                    return Err(SandboxError::TestProcess(format!("it sent '{other}'")));
                }
            }
        };
        let calls = if spec.record_calls {
            result
                .take("calls")
                .map(|v| match v {
                    PyValue::List(xs) => xs
                        .into_iter()
                        .filter_map(|a| match a {
                            PyValue::List(args) => Some(args),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let ms = used_ms(
            group,
            first_mark,
            Some(started.elapsed().as_secs_f64() * 1000.0),
        );
        let outcome = check_outcome(&result, gone);
        self.release_taken(&mut run)?;
        Ok(JobResult::Check {
            load: Ok(0.0),
            outcome: Some(outcome),
            ms,
            test_ms: test_ms(),
            calls,
        })
    }

    /// What a job that stopped answering means for the check.
    fn job_gone(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
        e: ReadError,
        budget: Duration,
    ) -> Result<CheckOutcome, SandboxError> {
        let why = self.finish_taken(shared, run)?.unwrap_or_default();
        Ok(match e {
            ReadError::Timeout(_) => CheckOutcome::Timeout { budget },
            ReadError::Eof => CheckOutcome::Crashed { why, last: None },
            other => CheckOutcome::Crashed {
                why: format!("broke the job protocol ({other})"),
                last: None,
            },
        })
    }

    /// The harness stopped answering: stuck on what the candidate returned
    /// (a timeout of the check), or gone (`TestProcess`: the pool tries
    /// once more, then charges it to the sample, whose values the test
    /// code was working on).
    fn harness_failed(
        &mut self,
        run: &mut Option<Running>,
        e: ReadError,
        budget: Duration,
    ) -> Result<JobResult, SandboxError> {
        self.harness = None;
        self.release_taken(run)?;
        match e {
            ReadError::Timeout(_) => Ok(JobResult::Check {
                load: Ok(0.0),
                outcome: Some(CheckOutcome::Timeout { budget }),
                ms: 0.0,
                test_ms: 0.0,
                calls: Vec::new(),
            }),
            other => Err(SandboxError::TestProcess(other.to_string())),
        }
    }
}

/// The reply standing for a value too large to judge.
fn too_large_reply(why: &str) -> PyValue {
    PyValue::Dict(vec![(s("op"), s("unencodable")), (s("type"), s(why))])
}

fn gone_reply(why: &str) -> PyValue {
    PyValue::Dict(vec![(s("op"), s("gone")), (s("why"), s(why))])
}

/// A job's reply to a call, rebuilt from its checked fields for the harness
/// (with the size of the job's message, which bounds the value's).
fn canonical_reply(mut m: Msg, size: usize) -> PyValue {
    let op = m.op().to_string();
    let mut out = vec![(s("op"), s(&op))];
    match op.as_str() {
        "returned" => {
            let value = m.take("value").unwrap_or(PyValue::None);
            out.push((s("value"), value));
            out.push((s("size"), PyValue::from(size as i64)));
        }
        "raised" => {
            out.push((s("type"), s(&m.text("type", MAX_NAME))));
            out.push((s("message"), s(&m.text("message", MAX_TEXT))));
            out.push((
                s("mro"),
                PyValue::List(m.names("mro").into_iter().map(PyValue::Str).collect()),
            ));
        }
        "unencodable" => out.push((s("type"), s(&m.text("type", MAX_NAME)))),
        _ => {
            return gone_reply("the candidate broke the job protocol");
        }
    }
    PyValue::Dict(out)
}

/// What a job's reply to `load` says.
enum Loaded {
    /// Its top level ran (with the time the job itself measured).
    Yes(Option<f64>),
    No(LoadError),
    /// The job closed its pipe: how it ended decides.
    Ended,
}

fn loaded(reply: Result<Msg, ReadError>, budget: Duration) -> Loaded {
    match reply {
        Ok(m) => match m.op() {
            "loaded" => Loaded::Yes(m.f64("ms")),
            "compile_error" => Loaded::No(LoadError::Compile {
                message: m.text("message", MAX_TEXT),
                line: m.int("line").and_then(|l| u32::try_from(l).ok()),
            }),
            "raised" => Loaded::No(LoadError::Raised {
                type_name: m.text("type", MAX_NAME),
                message: m.text("message", MAX_TEXT),
            }),
            _ => Loaded::No(LoadError::Crashed {
                why: "broke the job protocol".into(),
            }),
        },
        Err(ReadError::Timeout(_)) => Loaded::No(LoadError::Timeout { budget }),
        Err(ReadError::Eof) => Loaded::Ended,
        Err(e) => Loaded::No(LoadError::Crashed {
            why: format!("broke the job protocol ({e})"),
        }),
    }
}

/// What a `Task::Check` asks for, besides the program.
struct CheckSpec<'t> {
    prompt: &'t str,
    test: &'t str,
    bind: &'t [String],
    call_check: bool,
    budget: Duration,
    test_budget: Duration,
    record_calls: bool,
}

fn plan_key(spec: &CheckSpec<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    spec.test.hash(&mut h);
    spec.bind.hash(&mut h);
    h.finish()
}

fn describe_load(e: &LoadError) -> String {
    match e {
        LoadError::Compile { message, .. } => format!("does not compile ({message})"),
        LoadError::Raised { type_name, message } => format!("raised {type_name}: {message}"),
        LoadError::Timeout { budget } => format!("took over {:.2} s to load", budget.as_secs_f64()),
        LoadError::Crashed { why } => why.clone(),
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

fn call_result(mut m: Msg, ms: f64) -> CallResult {
    match m.op() {
        "returned" => {
            let args_after = m.take("args").and_then(|a| match a {
                PyValue::List(xs) => Some(xs),
                _ => None,
            });
            CallResult::Returned {
                value: m.take("value").unwrap_or(PyValue::None),
                ms,
                args_after,
            }
        }
        "raised" => CallResult::Raised {
            type_name: m.text("type", MAX_NAME),
            message: m.text("message", MAX_TEXT),
            bases: m.names("mro"),
        },
        "unencodable" => CallResult::Unsupported {
            type_name: m.text("type", MAX_NAME),
        },
        _ => CallResult::Crashed {
            why: "broke the job protocol".into(),
        },
    }
}

fn last_call(v: Option<&PyValue>) -> Option<LastCall> {
    let PyValue::Dict(kvs) = v? else {
        return None;
    };
    let get = |k: &str| {
        kvs.iter()
            .find(|(key, _)| *key == PyValue::Str(k.into()))
            .map(|(_, v)| v)
    };
    let args = match get("args") {
        Some(PyValue::List(xs)) => xs.clone(),
        _ => Vec::new(),
    };
    let value = get("value").cloned();
    let raised = match get("raised") {
        Some(PyValue::Dict(r)) => {
            let text = |k: &str| match r.iter().find(|(key, _)| *key == PyValue::Str(k.into())) {
                Some((_, PyValue::Str(t))) => wire::cut(t, MAX_TEXT),
                _ => String::new(),
            };
            Some((text("type"), text("message")))
        }
        _ => None,
    };
    Some(LastCall {
        args,
        value,
        raised,
    })
}

fn check_outcome(m: &Msg, gone: Option<CheckOutcome>) -> CheckOutcome {
    let last = last_call(m.get("last"));
    let line = m.int("line").and_then(|l| u32::try_from(l).ok());
    match m.text("outcome", 20).as_str() {
        "passed" => CheckOutcome::Passed,
        "failed" => CheckOutcome::Failed {
            message: m.text("message", MAX_TEXT),
            line,
            last,
        },
        "error" => CheckOutcome::Raised {
            type_name: m.text("type", MAX_NAME),
            message: m.text("message", MAX_TEXT),
            line,
            last,
        },
        "unsupported" => CheckOutcome::Unsupported {
            type_name: m.text("message", MAX_NAME),
            last,
        },
        "gone" => match gone {
            Some(CheckOutcome::Crashed { why, .. }) => CheckOutcome::Crashed { why, last },
            Some(other) => other,
            None => CheckOutcome::Crashed {
                why: m.text("message", MAX_TEXT),
                last,
            },
        },
        "test_error" => CheckOutcome::TestError {
            message: format!(
                "{}: {}",
                m.text("type", MAX_NAME),
                m.text("message", MAX_TEXT)
            ),
        },
        other => CheckOutcome::TestError {
            message: format!("the harness answered '{other}'"),
        },
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
    fn replies_are_rebuilt_from_known_fields_only() {
        let m = Msg::decode(&wire::encode(vec![
            ("op", s("raised")),
            ("type", s(&"X".repeat(10_000))),
            ("message", s("m")),
            (
                "mro",
                PyValue::List(vec![s("ValueError"), PyValue::from(3)]),
            ),
            ("extra", s("dropped")),
        ]))
        .unwrap();
        let PyValue::Dict(kvs) = canonical_reply(m, 100) else {
            panic!()
        };
        assert_eq!(kvs.len(), 4);
        assert!(matches!(&kvs[1].1, PyValue::Str(t) if t.len() <= MAX_NAME + 3));
        assert_eq!(kvs[3].1, PyValue::List(vec![s("ValueError")]));
        let odd = Msg::decode(&wire::encode(vec![("op", s("confined"))])).unwrap();
        assert_eq!(
            canonical_reply(odd, 10),
            gone_reply("the candidate broke the job protocol")
        );
    }
}
