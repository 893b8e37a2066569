//! A job G's pipes: what symtest asks of the candidate's process and what
//! it answers (`python/worker.py`, `Job` and `child`). Every reply is
//! hostile bytes: the candidate runs in that process and can write
//! anything on its pipe.

use std::sync::Arc;

use symtest_pyvalue::{PyValue, marshal};

use super::codec::{
    MAX_BASES, MAX_NAME, MAX_TEXT, Step, WireError, encoded, open, put_list_head, put_opt_dict,
    unknown_op, wire_ops,
};

/// A request to a job process, one frame on its request pipe.
#[derive(Clone, Debug, PartialEq)]
pub enum JobRequest {
    /// Compile the program and run its top level: every job's first
    /// request, read once the job is confined. The job answers
    /// [`JobReply::Loaded`] (or why not), then one reply per planned call.
    Load {
        /// The program's text (at most [`crate::MAX_SOURCE`] bytes).
        source: String,
        /// The module it runs as.
        name: LoadAs,
        /// The function the planned calls call; `None` for a script.
        entry: Option<String>,
        /// Calls the job makes right after loading, streaming one reply
        /// each (a check's calls whose arguments are literals); empty for
        /// none.
        calls: Arc<[PlannedCall]>,
    },
    /// Call the loaded program's entry point once; the job answers
    /// `Returned`, `Raised` or `Unencodable`.
    Call {
        /// The function's name (or a method of a class `Solution`).
        entry: String,
        /// Positional arguments.
        args: Vec<PyValue>,
        /// Keyword arguments, if any.
        kwargs: Option<Vec<(PyValue, PyValue)>>,
        /// Return the arguments after the call too (to see mutation).
        want_args: bool,
    },
}

/// The module a program runs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadAs {
    /// `__candidate__`: a module whose functions are then called.
    Candidate,
    /// `__main__`: a script reading standard input; the job exits once
    /// its top level ends.
    Main,
}

/// One call planned ahead (wire form: `[args, kwargs]`).
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedCall {
    /// Positional arguments.
    pub args: Vec<PyValue>,
    /// Keyword arguments, if any.
    pub kwargs: Option<Vec<(PyValue, PyValue)>>,
}

/// A job's answer, one frame on its reply pipe. Texts are cut to
/// [`MAX_NAME`] (names) or [`MAX_TEXT`] (messages) as they are read.
#[derive(Clone, Debug, PartialEq)]
pub enum JobReply {
    /// The job confined itself and now reads its first request.
    Confined {
        /// Timed confinement steps, when the pool profiles.
        steps: Vec<Step>,
    },
    /// The job could not confine itself (and exits 111): the sandbox's
    /// failure, never the program's.
    Unconfined {
        /// The step that failed.
        step: String,
        /// Its errno (0 when it had none).
        errno: i32,
        /// The error, as Python put it.
        message: String,
    },
    /// The program's top level ran to its end.
    Loaded {
        /// Wall-clock milliseconds, as the job measured them.
        ms: f64,
    },
    /// The program does not compile.
    CompileError {
        /// The compiler's message.
        message: String,
        /// The line at fault, when the compiler says.
        line: Option<u32>,
    },
    /// Loading or the call raised an exception.
    Raised {
        /// The exception's class name.
        type_name: String,
        /// `str()` of the exception.
        message: String,
        /// The builtin exception classes among its bases, nearest first
        /// (wire field `mro`; [`MAX_BASES`] at most kept).
        bases: Vec<String>,
        /// Wall-clock milliseconds, as the job measured them.
        ms: f64,
    },
    /// The call returned.
    Returned {
        /// What it returned.
        value: PyValue,
        /// Wall-clock milliseconds, as the job measured them.
        ms: f64,
        /// The arguments after the call, when asked for (wire field `args`).
        args_after: Option<Vec<PyValue>>,
    },
    /// What the call returned cannot cross: not a plain builtin value, or
    /// over 32 MiB.
    Unencodable {
        /// The type at fault, or what was wrong.
        type_name: String,
    },
}

wire_ops!(pub JobReply {
    Confined => "confined", Unconfined => "unconfined", Loaded => "loaded",
    CompileError => "compile_error", Raised => "raised", Returned => "returned",
    Unencodable => "unencodable",
});

impl JobReply {
    /// Milliseconds the job says it spent, when the reply says.
    pub fn ms(&self) -> Option<f64> {
        match self {
            JobReply::Loaded { ms }
            | JobReply::Raised { ms, .. }
            | JobReply::Returned { ms, .. } => Some(*ms),
            _ => None,
        }
    }
}

const TO_JOB: &str = "job request";
const FROM_JOB: &str = "job reply";

wire_ops!(JobRequest { Load => "load", Call => "call" });

impl JobRequest {
    /// The message's bytes.
    pub fn encode(&self) -> Vec<u8> {
        encoded(self.op(), |d| match self {
            JobRequest::Load {
                source,
                name,
                entry,
                calls,
            } => {
                d.text("source", source);
                d.text(
                    "name",
                    match name {
                        LoadAs::Candidate => "__candidate__",
                        LoadAs::Main => "__main__",
                    },
                );
                if let Some(entry) = entry {
                    d.text("entry", entry);
                }
                if !calls.is_empty() {
                    d.list("calls", calls, |out, c| c.write(out));
                }
            }
            JobRequest::Call {
                entry,
                args,
                kwargs,
                want_args,
            } => {
                d.text("entry", entry);
                d.values("args", args);
                d.opt_dict("kwargs", kwargs.as_deref());
                d.bool("want_args", *want_args);
            }
        })
    }

    /// Reads a request (symtest only writes them; this is its inverse).
    pub fn decode(bytes: &[u8]) -> Result<JobRequest, WireError> {
        let (op, f) = open(bytes, TO_JOB)?;
        match op.as_str() {
            "load" => {
                let mut f = f.named("load");
                let name = match f.text("name", MAX_NAME)?.as_str() {
                    "__candidate__" => LoadAs::Candidate,
                    "__main__" => LoadAs::Main,
                    other => {
                        return Err(WireError::Unknown {
                            at: "load",
                            field: "name",
                            value: other.to_string(),
                        });
                    }
                };
                let calls = match f.opt("calls") {
                    None => Vec::new(),
                    Some(PyValue::List(xs)) => xs
                        .into_iter()
                        .map(|c| PlannedCall::read(c, "load", "calls"))
                        .collect::<Result<_, _>>()?,
                    Some(_) => return Err(f.wrong("calls", "a list")),
                };
                Ok(JobRequest::Load {
                    source: f.text("source", usize::MAX)?,
                    name,
                    entry: f.opt_text("entry", usize::MAX)?,
                    calls: calls.into(),
                })
            }
            "call" => {
                let mut f = f.named("call");
                Ok(JobRequest::Call {
                    entry: f.text("entry", usize::MAX)?,
                    args: f.list("args")?,
                    kwargs: f.opt_dict("kwargs")?,
                    want_args: f.bool("want_args")?,
                })
            }
            other => Err(unknown_op(TO_JOB, other)),
        }
    }
}

impl PlannedCall {
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        put_list_head(out, 2);
        put_list_head(out, self.args.len());
        for a in &self.args {
            marshal::encode(a, out);
        }
        put_opt_dict(out, self.kwargs.as_deref());
    }

    /// Reads `[args, kwargs]`, one item of the list `field` of `at`.
    pub(super) fn read(
        v: PyValue,
        at: &'static str,
        field: &'static str,
    ) -> Result<PlannedCall, WireError> {
        let wrong = WireError::WrongType {
            at,
            field,
            expected: "a list of [args, kwargs] pairs",
        };
        let PyValue::List(pair) = v else {
            return Err(wrong);
        };
        let mut pair = pair.into_iter();
        match (pair.next(), pair.next(), pair.next()) {
            (Some(PyValue::List(args)), Some(PyValue::None), None) => {
                Ok(PlannedCall { args, kwargs: None })
            }
            (Some(PyValue::List(args)), Some(PyValue::Dict(kwargs)), None) => Ok(PlannedCall {
                args,
                kwargs: Some(kwargs),
            }),
            _ => Err(wrong),
        }
    }
}

impl JobReply {
    /// The message's bytes (the job writes them; this is for tests).
    pub fn encode(&self) -> Vec<u8> {
        encoded(self.op(), |d| match self {
            JobReply::Confined { steps } => {
                if !steps.is_empty() {
                    d.steps("steps", steps);
                }
            }
            JobReply::Unconfined {
                step,
                errno,
                message,
            } => {
                d.text("step", step);
                d.int("errno", i64::from(*errno));
                d.text("message", message);
            }
            JobReply::Loaded { ms } => d.float("ms", *ms),
            JobReply::CompileError { message, line } => {
                d.text("message", message);
                d.opt_int("line", line.map(i64::from));
            }
            JobReply::Raised {
                type_name,
                message,
                bases,
                ms,
            } => {
                d.text("type", type_name);
                d.strs("mro", bases);
                d.text("message", message);
                d.float("ms", *ms);
            }
            JobReply::Returned {
                value,
                ms,
                args_after,
            } => {
                d.value("value", value);
                d.float("ms", *ms);
                if let Some(args) = args_after {
                    d.values("args", args);
                }
            }
            JobReply::Unencodable { type_name } => d.text("type", type_name),
        })
    }

    /// Reads a job's answer: hostile bytes, refused with the field at
    /// fault unless they are a reply of the protocol.
    pub fn decode(bytes: &[u8]) -> Result<JobReply, WireError> {
        let (op, f) = open(bytes, FROM_JOB)?;
        match op.as_str() {
            "confined" => Ok(JobReply::Confined {
                steps: f.named("confined").steps("steps")?,
            }),
            "unconfined" => {
                let mut f = f.named("unconfined");
                Ok(JobReply::Unconfined {
                    step: f.text("step", MAX_NAME)?,
                    errno: f.int("errno", "an errno")?,
                    message: f.text("message", MAX_TEXT)?,
                })
            }
            "loaded" => Ok(JobReply::Loaded {
                ms: f.named("loaded").ms("ms")?,
            }),
            "compile_error" => {
                let mut f = f.named("compile_error");
                Ok(JobReply::CompileError {
                    message: f.text("message", MAX_TEXT)?,
                    line: f.opt_int("line", "a line number or None")?,
                })
            }
            "raised" => {
                let mut f = f.named("raised");
                Ok(JobReply::Raised {
                    type_name: f.text("type", MAX_NAME)?,
                    message: f.text("message", MAX_TEXT)?,
                    bases: f.texts("mro", MAX_NAME, MAX_BASES)?,
                    ms: f.ms("ms")?,
                })
            }
            "returned" => {
                let mut f = f.named("returned");
                let args_after = match f.opt_value("args") {
                    None => None,
                    Some(PyValue::List(xs)) => Some(xs),
                    Some(_) => return Err(f.wrong("args", "a list")),
                };
                Ok(JobReply::Returned {
                    value: f.value("value")?,
                    ms: f.ms("ms")?,
                    args_after,
                })
            }
            "unencodable" => Ok(JobReply::Unencodable {
                type_name: f.named("unencodable").text("type", MAX_NAME)?,
            }),
            other => Err(unknown_op(FROM_JOB, other)),
        }
    }
}
