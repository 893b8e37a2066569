//! `Task::Check`: the dataset's test code runs in the trusted harness T
//! against a proxy of the candidate. The calls T can plan (literal
//! arguments) go to the job with the program and come back as a stream of
//! answers; every other call is a round trip through here. T sees only
//! answers rebuilt from typed replies, never the job's bytes; the job sees
//! only arguments.

use std::sync::Arc;
use std::time::{Duration, Instant};

use symtest_pyvalue::PyValue;

use super::{
    CheckSpec, Loaded, Running, Slot, cpu_limit, loaded, out_of_turn, read_reply, stretch, used_ms,
    wall_for,
};
use crate::error::SandboxError;
use crate::io::{CpuMeter, Deadline, ReadError, read_frame, write_frame};
use crate::job::{CheckOutcome, JobResult, LastCall, LoadError};
use crate::shared::Shared;
use crate::wire::{
    Answer, HarnessReply, HarnessRequest, JobReply, JobRequest, LoadAs, PlannedCall, TestVerdict,
};

/// The planned answers handed to the harness at most, in bytes (a frame
/// holds 32 MiB).
const MAX_ANSWERS: usize = 16 << 20;

/// One check in progress: the job (while it runs), the limits of the job
/// and of the test code, and how the job stopped if it did.
struct Talk<'d> {
    entry: &'d str,
    budget: Duration,
    job: Deadline<'d>,
    harness: Deadline<'d>,
    run: Option<Running>,
    gone: Option<CheckOutcome>,
}

/// What the harness's conversation came to.
enum Concluded {
    /// T's result.
    Result {
        verdict: TestVerdict,
        last: Option<LastCall>,
        calls: Option<Vec<Vec<PyValue>>>,
    },
    /// T stopped answering within its limits: the check's result as is.
    Early(JobResult),
}

impl Slot {
    pub(super) fn run_check(
        &mut self,
        shared: &Arc<Shared>,
        source: &str,
        entry: &str,
        spec: CheckSpec<'_>,
    ) -> Result<JobResult, SandboxError> {
        let shared2 = shared.clone();
        let group = shared2.group(self.index);
        let plan = self.plan(shared, &spec)?;
        let started = Instant::now();
        let load = JobRequest::Load {
            source: source.to_string(),
            name: LoadAs::Candidate,
            entry: Some(entry.to_string()),
            calls: plan.clone(),
        };
        let mut run = Some(self.start(shared, spec.budget, None, false, &load)?);
        let first_mark = run.as_ref().and_then(|r| r.mark);
        let job_deadline = Deadline {
            wall: started + wall_for(spec.budget, group.is_some()),
            cpu: cpu_limit(group.map(|g| g as &dyn CpuMeter), first_mark, spec.budget),
            stretch: stretch(started, first_mark, spec.budget),
        };
        if let Some(e) = self.check_load(shared, &mut run, &job_deadline, spec.budget)? {
            self.release_taken(&mut run)?;
            return Ok(JobResult::Check {
                load: Err(e),
                outcome: None,
                ms: used_ms(group, first_mark, None),
                test_ms: 0.0,
                calls: Vec::new(),
            });
        }
        let (answers, gone) =
            self.read_answers(shared, &mut run, &job_deadline, spec.budget, plan.len())?;
        let check = HarnessRequest::Check {
            prompt: spec.prompt.to_string(),
            test: spec.test.to_string(),
            entry: entry.to_string(),
            bind: spec.bind.to_vec(),
            call_check: spec.call_check,
            record_calls: spec.record_calls,
            answers,
        };
        // The test code's process is charged too: its CPU time on this job
        // (rebuilding and comparing the candidate's values) has a budget.
        let clock = self.harness(shared)?.clock();
        let test_mark = clock.as_ref().and_then(CpuMeter::cpu_ns);
        let test_ms = || match (clock.as_ref().and_then(CpuMeter::cpu_ns), test_mark) {
            (Some(now), Some(then)) => now.saturating_sub(then) as f64 / 1e6,
            _ => 0.0,
        };
        let mut talk = Talk {
            entry,
            budget: spec.budget,
            job: job_deadline,
            harness: Deadline {
                wall: job_deadline.wall,
                stretch: stretch(Instant::now(), test_mark, spec.budget.max(spec.test_budget)),
                cpu: cpu_limit(
                    clock.as_ref().map(|c| c as &dyn CpuMeter),
                    test_mark,
                    spec.test_budget,
                ),
            },
            run,
            gone,
        };
        let (verdict, last, calls) = match self.converse(shared, &check, &mut talk)? {
            Concluded::Result {
                verdict,
                last,
                calls,
            } => (verdict, last, calls),
            Concluded::Early(result) => return Ok(result),
        };
        let ms = used_ms(
            group,
            first_mark,
            Some(started.elapsed().as_secs_f64() * 1000.0),
        );
        let outcome = check_outcome(verdict, last, talk.gone.take());
        self.release_taken(&mut talk.run)?;
        Ok(JobResult::Check {
            load: Ok(0.0),
            outcome: Some(outcome),
            ms,
            test_ms: test_ms(),
            calls: if spec.record_calls {
                calls.unwrap_or_default()
            } else {
                Vec::new()
            },
        })
    }

    /// The calls of the test whose arguments are literals, asked of the
    /// harness once per test text.
    fn plan(
        &mut self,
        shared: &Arc<Shared>,
        spec: &CheckSpec<'_>,
    ) -> Result<Arc<[PlannedCall]>, SandboxError> {
        let key = plan_key(spec);
        if let Some(p) = shared.plan(key) {
            return Ok(p);
        }
        let msg = HarnessRequest::Plan {
            test: spec.test.to_string(),
            bind: spec.bind.to_vec(),
        };
        let deadline = Deadline::after(Duration::from_secs(10));
        let harness = self.harness(shared)?;
        let reply = harness
            .send(&msg, &deadline)
            .and_then(|()| harness.recv(&deadline));
        let calls: Arc<[PlannedCall]> = match reply {
            Ok(HarnessReply::Plan { calls }) => calls.into(),
            Ok(other) => {
                self.harness = None;
                return Err(SandboxError::Worker(format!(
                    "harness: unexpected '{}'",
                    other.op()
                )));
            }
            Err(e) => {
                self.harness = None;
                return Err(SandboxError::Worker(format!("harness: {e}")));
            }
        };
        shared.keep_plan(key, calls.clone());
        Ok(calls)
    }

    /// Waits for the program's top level; `Some` when it did not load.
    fn check_load(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
        deadline: &Deadline<'_>,
        budget: Duration,
    ) -> Result<Option<LoadError>, SandboxError> {
        let Some(r) = run.as_ref() else {
            return Err(SandboxError::Worker("no job".into()));
        };
        let reply = read_reply(r, deadline).map(|(m, _)| m);
        Ok(match loaded(reply, budget) {
            Loaded::Yes(_) => None,
            Loaded::No(e) => Some(e),
            Loaded::Ended => {
                let why = self.finish_taken(shared, run)?.unwrap_or_default();
                Some(LoadError::Crashed { why })
            }
        })
    }

    /// The planned calls' answers, as the job streams them. All are read
    /// (the job's pipe must be empty before any round trip); those past
    /// [`MAX_ANSWERS`] bytes are not kept, so that the check's message
    /// stays a frame: the test asks for them again as round trips. A job
    /// that stops answering or answers out of protocol is gone.
    fn read_answers(
        &mut self,
        shared: &Arc<Shared>,
        run: &mut Option<Running>,
        deadline: &Deadline<'_>,
        budget: Duration,
        planned: usize,
    ) -> Result<(Vec<Answer>, Option<CheckOutcome>), SandboxError> {
        let mut answers: Vec<Answer> = Vec::with_capacity(planned);
        let (mut kept_bytes, mut keep) = (0usize, true);
        for _ in 0..planned {
            let Some(r) = run.as_ref() else { break };
            let got = read_frame(&r.process.from_job, deadline).and_then(|body| {
                let size = body.len();
                answer_of(
                    JobReply::decode(&body)
                        .map(|m| (m, size))
                        .map_err(ReadError::from),
                )
                .map(|a| (a, size))
            });
            let (answer, size) = match got {
                Ok(got) => got,
                Err(e) => {
                    let gone = self.job_gone(shared, run, e, budget)?;
                    return Ok((answers, Some(gone)));
                }
            };
            keep = keep && kept_bytes + size <= MAX_ANSWERS;
            if keep {
                kept_bytes += size;
                answers.push(answer);
            }
        }
        Ok((answers, None))
    }

    /// Sends the check to the harness and carries its round trips to the
    /// job until it reports its result.
    fn converse(
        &mut self,
        shared: &Arc<Shared>,
        check: &HarnessRequest,
        talk: &mut Talk<'_>,
    ) -> Result<Concluded, SandboxError> {
        if let Err(e) = self.harness(shared)?.send(check, &talk.harness) {
            return self.harness_failed(&mut talk.run, e, talk.budget);
        }
        loop {
            let msg = match self.harness(shared)?.recv(&talk.harness) {
                Ok(m) => m,
                Err(e) => return self.harness_failed(&mut talk.run, e, talk.budget),
            };
            match msg {
                HarnessReply::Call { args, kwargs } => {
                    let answer = self.forward_call(shared, talk, args, kwargs)?;
                    let reply = HarnessRequest::Answer(answer);
                    if let Err(e) = self.harness(shared)?.send(&reply, &talk.harness) {
                        return self.harness_failed(&mut talk.run, e, talk.budget);
                    }
                }
                HarnessReply::Result {
                    verdict,
                    last,
                    calls,
                } => {
                    return Ok(Concluded::Result {
                        verdict,
                        last,
                        calls,
                    });
                }
                other => {
                    self.harness = None;
                    return Err(SandboxError::TestProcess(format!(
                        "it sent '{}'",
                        other.op()
                    )));
                }
            }
        }
    }

    /// Asks the job one call the test made, unless the job is gone.
    fn forward_call(
        &mut self,
        shared: &Arc<Shared>,
        talk: &mut Talk<'_>,
        args: Vec<PyValue>,
        kwargs: Option<Vec<(PyValue, PyValue)>>,
    ) -> Result<Answer, SandboxError> {
        let (None, Some(r)) = (&talk.gone, talk.run.as_ref()) else {
            return Ok(Answer::Gone {
                why: "the candidate is gone".into(),
            });
        };
        let call = JobRequest::Call {
            entry: talk.entry.to_string(),
            args,
            kwargs,
            want_args: false,
        };
        let got = write_frame(&r.process.to_job, &call.encode(), &talk.job)
            .and_then(|()| read_reply(r, &talk.job));
        match answer_of(got) {
            Ok(answer) => Ok(answer),
            Err(e) => {
                let gone = self.job_gone(shared, &mut talk.run, e, talk.budget)?;
                let why = match &gone {
                    CheckOutcome::Timeout { .. } => "timeout".to_string(),
                    CheckOutcome::Crashed { why, .. } => why.clone(),
                    _ => "the candidate is gone".into(),
                };
                talk.gone = Some(gone);
                Ok(Answer::Gone { why })
            }
        }
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
    ) -> Result<Concluded, SandboxError> {
        self.harness = None;
        self.release_taken(run)?;
        match e {
            ReadError::Timeout(_) => Ok(Concluded::Early(JobResult::Check {
                load: Ok(0.0),
                outcome: Some(CheckOutcome::Timeout { budget }),
                ms: 0.0,
                test_ms: 0.0,
                calls: Vec::new(),
            })),
            other => Err(SandboxError::TestProcess(other.to_string())),
        }
    }
}

/// The answer a job's reply to a call (with its size in bytes) gives T: a
/// value too large to judge is an unsupported one; a reply that answers no
/// call is a protocol violation.
fn answer_of(got: Result<(JobReply, usize), ReadError>) -> Result<Answer, ReadError> {
    match got {
        Ok((reply, size)) => {
            let op = reply.op();
            Answer::from_reply(reply, size).ok_or_else(|| out_of_turn(op, "a call's outcome"))
        }
        Err(ReadError::TooLarge(why)) => Ok(Answer::Unencodable { type_name: why }),
        Err(e) => Err(e),
    }
}

fn plan_key(spec: &CheckSpec<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    spec.test.hash(&mut h);
    spec.bind.hash(&mut h);
    h.finish()
}

fn check_outcome(
    verdict: TestVerdict,
    last: Option<LastCall>,
    gone: Option<CheckOutcome>,
) -> CheckOutcome {
    match verdict {
        TestVerdict::Passed => CheckOutcome::Passed,
        TestVerdict::Failed { message, line } => CheckOutcome::Failed {
            message,
            line,
            last,
        },
        TestVerdict::Raised {
            type_name,
            message,
            line,
        } => CheckOutcome::Raised {
            type_name,
            message,
            line,
            last,
        },
        TestVerdict::Unsupported { type_name } => CheckOutcome::Unsupported { type_name, last },
        TestVerdict::Gone { message } => match gone {
            Some(CheckOutcome::Crashed { why, .. }) => CheckOutcome::Crashed { why, last },
            Some(other) => other,
            None => CheckOutcome::Crashed { why: message, last },
        },
        TestVerdict::TestError { type_name, message } => CheckOutcome::TestError {
            message: format!("{type_name}: {message}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_replies_to_calls_reach_the_test_code() {
        let raised = JobReply::Raised {
            type_name: "ValueError".into(),
            message: "m".into(),
            bases: vec!["ValueError".into()],
            ms: 1.0,
        };
        assert_eq!(
            answer_of(Ok((raised, 100))).ok(),
            Some(Answer::Raised {
                type_name: "ValueError".into(),
                message: "m".into(),
                bases: vec!["ValueError".into()],
            })
        );
        let returned = JobReply::Returned {
            value: PyValue::from(1),
            ms: 1.0,
            args_after: None,
        };
        assert_eq!(
            answer_of(Ok((returned, 100))).ok(),
            Some(Answer::Returned {
                value: PyValue::from(1),
                size: 100
            })
        );
        let confined = JobReply::Confined { steps: vec![] };
        assert!(matches!(
            answer_of(Ok((confined, 10))),
            Err(ReadError::Protocol(m)) if m.contains("'confined'")
        ));
        assert!(matches!(
            answer_of(Err(ReadError::TooLarge("big".into()))),
            Ok(Answer::Unencodable { .. })
        ));
        assert!(matches!(
            answer_of(Err(ReadError::Eof)),
            Err(ReadError::Eof)
        ));
    }

    #[test]
    fn a_gone_verdict_keeps_why_the_job_went() {
        let timeout = CheckOutcome::Timeout {
            budget: Duration::from_secs(1),
        };
        assert_eq!(
            check_outcome(
                TestVerdict::Gone {
                    message: "x".into()
                },
                None,
                Some(timeout.clone())
            ),
            timeout
        );
        assert_eq!(
            check_outcome(
                TestVerdict::TestError {
                    type_name: "SyntaxError".into(),
                    message: "bad".into()
                },
                None,
                None
            ),
            CheckOutcome::TestError {
                message: "SyntaxError: bad".into()
            }
        );
    }
}
