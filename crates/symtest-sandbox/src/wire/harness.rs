//! The trusted harness T: what symtest asks of the process running a
//! dataset's test code and what it answers (`python/harness.py`). T is
//! trusted, but the values it reports (the last call, the recorded calls)
//! came from a job.

use symtest_pyvalue::PyValue;

use super::codec::{
    Dict, Fields, MAX_BASES, MAX_NAME, MAX_TEXT, WireError, encoded, open, unknown_op, wire_ops,
    write_message,
};
use super::job::{JobReply, PlannedCall};
use crate::job::LastCall;

/// A request to the harness, one frame on its standard input.
#[derive(Clone, Debug, PartialEq)]
pub enum HarnessRequest {
    /// Which calls of a test have literal arguments (answered once per
    /// test text: [`HarnessReply::Plan`]).
    Plan {
        /// The dataset's test code.
        test: String,
        /// Names standing for the candidate.
        bind: Vec<String>,
    },
    /// Run the test code against a candidate whose planned calls are
    /// already answered; T answers with [`HarnessReply::Call`] round trips,
    /// then a [`HarnessReply::Result`].
    Check {
        /// The program prefix, run first for the helpers the tests use.
        prompt: String,
        /// The dataset's test code.
        test: String,
        /// The candidate's entry point.
        entry: String,
        /// Names standing for the candidate.
        bind: Vec<String>,
        /// Call `check(candidate)` after running `test`.
        call_check: bool,
        /// Report the arguments of every call the test makes.
        record_calls: bool,
        /// The job's answers to the planned calls, in plan order (fewer
        /// when the job stopped or they grew too large: the test asks for
        /// the rest as round trips).
        answers: Vec<Answer>,
    },
    /// The answer to T's last [`HarnessReply::Call`].
    Answer(Answer),
}

/// A call's outcome as T is given it: rebuilt by symtest from a job's
/// checked reply, never the job's bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The candidate returned `value`.
    Returned {
        /// The value returned.
        value: PyValue,
        /// Bytes of the job's reply, which bound the value's size (T keeps
        /// only small values for its failure messages).
        size: u64,
    },
    /// The candidate raised.
    Raised {
        /// The exception's class name.
        type_name: String,
        /// `str()` of the exception.
        message: String,
        /// The builtin exception classes among its bases, nearest first
        /// (wire field `mro`).
        bases: Vec<String>,
    },
    /// The candidate returned something that cannot cross.
    Unencodable {
        /// The type at fault, or what was wrong.
        type_name: String,
    },
    /// The candidate's process is gone (a timeout, a crash, a broken
    /// protocol): the test ends there.
    Gone {
        /// Why, in words.
        why: String,
    },
}

impl Answer {
    /// The answer a job's reply to a call gives, with the reply's size in
    /// bytes; `None` for a reply that does not answer a call (the job broke
    /// the protocol).
    pub fn from_reply(reply: JobReply, size: usize) -> Option<Answer> {
        match reply {
            JobReply::Returned { value, .. } => Some(Answer::Returned {
                value,
                size: size as u64,
            }),
            JobReply::Raised {
                type_name,
                message,
                bases,
                ..
            } => Some(Answer::Raised {
                type_name,
                message,
                bases,
            }),
            JobReply::Unencodable { type_name } => Some(Answer::Unencodable { type_name }),
            _ => None,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        write_message(out, self.op(), |d| match self {
            Answer::Returned { value, size } => {
                d.value("value", value);
                d.int("size", i64::try_from(*size).unwrap_or(i64::MAX));
            }
            Answer::Raised {
                type_name,
                message,
                bases,
            } => {
                d.text("type", type_name);
                d.text("message", message);
                d.strs("mro", bases);
            }
            Answer::Unencodable { type_name } => d.text("type", type_name),
            Answer::Gone { why } => d.text("why", why),
        });
    }

    /// Reads an answer whose op is `op`; `None` when `op` is not one.
    fn read(op: &str, f: Fields) -> Option<Result<Answer, WireError>> {
        let read = |op, read: fn(Fields) -> Result<Answer, WireError>| Some(read(f.named(op)));
        match op {
            "returned" => read("returned", |mut f| {
                Ok(Answer::Returned {
                    value: f.value("value")?,
                    size: f.int("size", "a number of bytes")?,
                })
            }),
            "raised" => read("raised", |mut f| {
                Ok(Answer::Raised {
                    type_name: f.text("type", MAX_NAME)?,
                    message: f.text("message", MAX_TEXT)?,
                    bases: f.texts("mro", MAX_NAME, MAX_BASES)?,
                })
            }),
            "unencodable" => read("unencodable", |mut f| {
                Ok(Answer::Unencodable {
                    type_name: f.text("type", MAX_NAME)?,
                })
            }),
            "gone" => read("gone", |mut f| {
                Ok(Answer::Gone {
                    why: f.text("why", MAX_TEXT)?,
                })
            }),
            _ => None,
        }
    }
}

/// The harness's answer, one frame on its standard output.
#[derive(Clone, Debug, PartialEq)]
pub enum HarnessReply {
    /// T is up, running this Python version.
    Ready {
        /// `sys.version`'s first word.
        python: String,
    },
    /// The test's calls with literal arguments, in source order.
    Plan {
        /// The planned calls.
        calls: Vec<PlannedCall>,
    },
    /// The test calls the candidate with arguments not planned: symtest
    /// asks the job and sends back an [`HarnessRequest::Answer`].
    Call {
        /// Positional arguments.
        args: Vec<PyValue>,
        /// Keyword arguments, if any.
        kwargs: Option<Vec<(PyValue, PyValue)>>,
    },
    /// The check is over.
    Result {
        /// What the test code concluded.
        verdict: TestVerdict,
        /// The last call the test made, for the failure message.
        last: Option<LastCall>,
        /// With `record_calls`: each call's positional arguments, in order.
        calls: Option<Vec<Vec<PyValue>>>,
    },
}

/// How the test code ended (wire field `outcome`).
#[derive(Clone, Debug, PartialEq)]
pub enum TestVerdict {
    /// Every assertion held (`passed`).
    Passed,
    /// An assertion failed (`failed`).
    Failed {
        /// The assertion's message.
        message: String,
        /// The test's line, when known.
        line: Option<u32>,
    },
    /// The test stopped on an exception (`error`): the candidate's, or the
    /// test's own on what the candidate returned.
    Raised {
        /// The exception's class name.
        type_name: String,
        /// `str()` of the exception.
        message: String,
        /// The test's line, when known.
        line: Option<u32>,
    },
    /// The candidate returned a value that cannot cross (`unsupported`).
    Unsupported {
        /// The type at fault (wire field `message`).
        type_name: String,
    },
    /// The candidate's process went away during the test (`gone`).
    Gone {
        /// Why, as the last answer said.
        message: String,
    },
    /// The dataset's test code is broken (`test_error`): it does not
    /// compile, defines no `check`, or never calls the candidate.
    TestError {
        /// The error's class name.
        type_name: String,
        /// Its message.
        message: String,
    },
}

wire_ops!(Answer { Returned => "returned", Raised => "raised", Unencodable => "unencodable", Gone => "gone" });
wire_ops!(pub HarnessReply { Ready => "ready", Plan => "plan", Call => "call", Result => "result" });

const TO_HARNESS: &str = "harness request";
const FROM_HARNESS: &str = "harness reply";

impl HarnessRequest {
    /// The message's bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            HarnessRequest::Plan { test, bind } => encoded("plan", |d| {
                d.text("test", test);
                d.strs("bind", bind);
            }),
            HarnessRequest::Check {
                prompt,
                test,
                entry,
                bind,
                call_check,
                record_calls,
                answers,
            } => encoded("check", |d| {
                d.text("prompt", prompt);
                d.text("test", test);
                d.text("entry", entry);
                d.strs("bind", bind);
                d.bool("call_check", *call_check);
                d.bool("record_calls", *record_calls);
                d.list("answers", answers, |out, a| a.write(out));
            }),
            HarnessRequest::Answer(a) => {
                let mut out = Vec::new();
                a.write(&mut out);
                out
            }
        }
    }

    /// Reads a request (symtest only writes them; this is its inverse).
    pub fn decode(bytes: &[u8]) -> Result<HarnessRequest, WireError> {
        let (op, f) = open(bytes, TO_HARNESS)?;
        match op.as_str() {
            "plan" => {
                let mut f = f.named("plan");
                Ok(HarnessRequest::Plan {
                    test: f.text("test", usize::MAX)?,
                    bind: f.texts("bind", usize::MAX, usize::MAX)?,
                })
            }
            "check" => {
                let mut f = f.named("check");
                let answers = f
                    .list("answers")?
                    .into_iter()
                    .map(|v| {
                        let mut a = Fields::of(v, "check.answers")?;
                        let op = a.text("op", MAX_NAME)?;
                        Answer::read(&op, a)
                            .unwrap_or_else(|| Err(unknown_op("check.answers", &op)))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(HarnessRequest::Check {
                    prompt: f.text("prompt", usize::MAX)?,
                    test: f.text("test", usize::MAX)?,
                    entry: f.text("entry", usize::MAX)?,
                    bind: f.texts("bind", usize::MAX, usize::MAX)?,
                    call_check: f.bool("call_check")?,
                    record_calls: f.bool("record_calls")?,
                    answers,
                })
            }
            other => match Answer::read(other, f) {
                Some(a) => a.map(HarnessRequest::Answer),
                None => Err(unknown_op(TO_HARNESS, other)),
            },
        }
    }
}

impl HarnessReply {
    /// The message's bytes (T writes them; this is for tests).
    pub fn encode(&self) -> Vec<u8> {
        encoded(self.op(), |d| match self {
            HarnessReply::Ready { python } => d.text("python", python),
            HarnessReply::Plan { calls } => d.list("calls", calls, |out, c| c.write(out)),
            HarnessReply::Call { args, kwargs } => {
                d.values("args", args);
                d.opt_dict("kwargs", kwargs.as_deref());
            }
            HarnessReply::Result {
                verdict,
                last,
                calls,
            } => {
                verdict.write(d);
                if let Some(last) = last {
                    d.key("last");
                    write_last(d.out, last);
                }
                if let Some(calls) = calls {
                    d.list("calls", calls, |out, args| {
                        super::codec::put_list_head(out, args.len());
                        for a in args {
                            symtest_pyvalue::marshal::encode(a, out);
                        }
                    });
                }
            }
        })
    }

    /// Reads the harness's answer.
    pub fn decode(bytes: &[u8]) -> Result<HarnessReply, WireError> {
        let (op, f) = open(bytes, FROM_HARNESS)?;
        match op.as_str() {
            "ready" => Ok(HarnessReply::Ready {
                python: f.named("ready").text("python", MAX_NAME)?,
            }),
            "plan" => Ok(HarnessReply::Plan {
                calls: f
                    .named("plan")
                    .list("calls")?
                    .into_iter()
                    .map(|c| PlannedCall::read(c, "plan", "calls"))
                    .collect::<Result<_, _>>()?,
            }),
            "call" => {
                let mut f = f.named("call");
                Ok(HarnessReply::Call {
                    args: f.list("args")?,
                    kwargs: f.opt_dict("kwargs")?,
                })
            }
            "result" => {
                let mut f = f.named("result");
                let calls = match f.opt("calls") {
                    None => None,
                    Some(PyValue::List(xs)) => Some(
                        xs.into_iter()
                            .map(|c| match c {
                                PyValue::List(args) => Ok(args),
                                _ => Err(f.wrong("calls", "a list of lists")),
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    Some(_) => return Err(f.wrong("calls", "a list of lists")),
                };
                let last = match f.opt("last") {
                    None => None,
                    Some(v) => Some(read_last(Fields::of(v, "last")?)?),
                };
                Ok(HarnessReply::Result {
                    verdict: TestVerdict::read(&mut f)?,
                    last,
                    calls,
                })
            }
            other => Err(unknown_op(FROM_HARNESS, other)),
        }
    }
}

impl TestVerdict {
    fn write(&self, d: &mut Dict<'_>) {
        let line = |d: &mut Dict<'_>, line: &Option<u32>| d.opt_int("line", line.map(i64::from));
        match self {
            TestVerdict::Passed => d.text("outcome", "passed"),
            TestVerdict::Failed { message, line: l } => {
                d.text("outcome", "failed");
                d.text("message", message);
                line(d, l);
            }
            TestVerdict::Raised {
                type_name,
                message,
                line: l,
            } => {
                d.text("outcome", "error");
                d.text("type", type_name);
                d.text("message", message);
                line(d, l);
            }
            TestVerdict::Unsupported { type_name } => {
                d.text("outcome", "unsupported");
                d.text("message", type_name);
            }
            TestVerdict::Gone { message } => {
                d.text("outcome", "gone");
                d.text("message", message);
            }
            TestVerdict::TestError { type_name, message } => {
                d.text("outcome", "test_error");
                d.text("type", type_name);
                d.text("message", message);
            }
        }
    }

    fn read(f: &mut Fields) -> Result<TestVerdict, WireError> {
        const LINE: &str = "a line number or None";
        Ok(match f.text("outcome", MAX_NAME)?.as_str() {
            "passed" => TestVerdict::Passed,
            "failed" => TestVerdict::Failed {
                message: f.text("message", MAX_TEXT)?,
                line: f.opt_int("line", LINE)?,
            },
            "error" => TestVerdict::Raised {
                type_name: f.text("type", MAX_NAME)?,
                message: f.text("message", MAX_TEXT)?,
                line: f.opt_int("line", LINE)?,
            },
            "unsupported" => TestVerdict::Unsupported {
                type_name: f.text("message", MAX_NAME)?,
            },
            "gone" => TestVerdict::Gone {
                message: f.text("message", MAX_TEXT)?,
            },
            "test_error" => TestVerdict::TestError {
                type_name: f.text("type", MAX_NAME)?,
                message: f.text("message", MAX_TEXT)?,
            },
            other => {
                return Err(WireError::Unknown {
                    at: "result",
                    field: "outcome",
                    value: other.to_string(),
                });
            }
        })
    }
}

/// The last call (wire form: `{args, value?, raised?: {type, message}}`;
/// `value` is there only when it was small).
fn write_last(out: &mut Vec<u8>, last: &LastCall) {
    let mut d = Dict::begin(out);
    d.values("args", &last.args);
    if let Some(v) = &last.value {
        d.value("value", v);
    }
    if let Some((type_name, message)) = &last.raised {
        d.key("raised");
        let mut r = Dict::begin(d.out);
        r.text("type", type_name);
        r.text("message", message);
        r.end();
    }
    d.end();
}

fn read_last(mut f: Fields) -> Result<LastCall, WireError> {
    let raised = match f.opt_dict("raised")? {
        None => None,
        Some(kvs) => {
            let mut r = Fields::of(PyValue::Dict(kvs), "last.raised")?;
            Some((r.text("type", MAX_NAME)?, r.text("message", MAX_TEXT)?))
        }
    };
    Ok(LastCall {
        args: f.list("args")?,
        value: f.opt_value("value"),
        raised,
    })
}
