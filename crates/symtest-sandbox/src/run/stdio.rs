//! `Task::Stdio`: the program runs as `__main__` once per standard input,
//! each run a job of its own, its output read from a memory file.

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Loaded, Running, Slot, job_wall_for, loaded, phase, read_reply, used_ms};
use crate::error::SandboxError;
use crate::io::{read_capped, sealed_input};
use crate::job::{JobResult, LoadError, StdioResult, StdioRun};
use crate::shared::Shared;
use crate::wire::{Exit, JobRequest, LoadAs};

impl Slot {
    pub(super) fn run_stdio(
        &mut self,
        shared: &Arc<Shared>,
        source: &str,
        runs: &[StdioRun],
    ) -> Result<JobResult, SandboxError> {
        let mut results: Vec<StdioResult> = Vec::with_capacity(runs.len());
        let cap = usize::try_from(shared.limits.output_bytes).unwrap_or(usize::MAX);
        let total: Duration = runs.iter().map(|r| r.budget).sum();
        let job_end = Instant::now() + job_wall_for(total, shared.group(self.index).is_some());
        let load = JobRequest::Load {
            source: source.to_string(),
            name: LoadAs::Main,
            entry: None,
            calls: Arc::from(Vec::new()),
        };
        for r in runs {
            if Instant::now() >= job_end {
                // A program that slept through the job's allowance is not
                // started again for the inputs left.
                results.push(StdioResult::Failed(LoadError::Timeout { budget: r.budget }));
                continue;
            }
            let stdin = sealed_input(r.stdin.as_bytes())
                .map_err(|e| SandboxError::Worker(format!("stdin: {e}")))?;
            let mut run = Some(self.start(shared, r.budget, Some(&stdin), true, &load)?);
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
        let reply = read_reply(&r, &deadline).map(|(m, _)| m);
        let ms = used_ms(group, mark, None);
        let (why, exit, stdout) = self.finish(shared, r)?;
        let outcome = match loaded(reply, budget) {
            Loaded::Yes(reported) => Ok(if group.is_some() { ms } else { reported }),
            Loaded::No(e) => Err(e),
            Loaded::Ended if exit == Exit::Code(0) => Ok(ms),
            Loaded::Ended => Err(LoadError::Crashed { why }),
        };
        Ok((outcome, stdout))
    }
}
