use std::sync::Arc;

use symtest_pyvalue::{PyValue, marshal};

use super::*;
use crate::job::LastCall;

fn s(t: &str) -> PyValue {
    PyValue::Str(t.to_string())
}

/// A message built as the Python side builds it: a plain dict.
fn dict(fields: Vec<(&str, PyValue)>) -> Vec<u8> {
    marshal::to_bytes(&PyValue::Dict(
        fields.into_iter().map(|(k, v)| (s(k), v)).collect(),
    ))
}

fn steps() -> Vec<Step> {
    vec![Step {
        name: "fork".into(),
        ns: 1234,
    }]
}

fn worker_requests() -> Vec<WorkerRequest> {
    vec![
        WorkerRequest::Init {
            uid: Some(268_435_456),
            gid: None,
            job_filter: vec![0, 1, 2, 3, 4, 5, 6, 7],
            warm: vec!["math".into(), "re".into()],
            limits: Rlimits {
                as_bytes: Some(2 << 30),
                fsize: 16 << 20,
                nproc: None,
                nofile: 64,
            },
            profile: true,
        },
        WorkerRequest::Job {
            stdin: true,
            stdout: false,
            cpu_s: 3,
        },
        WorkerRequest::Kill,
    ]
}

fn worker_replies() -> Vec<WorkerReply> {
    vec![
        WorkerReply::Ready {
            python: "3.12.3".into(),
        },
        WorkerReply::Error {
            message: "fork: errno 11".into(),
        },
        WorkerReply::Done {
            exit: Exit::Code(0),
            clean: true,
            steps: Vec::new(),
        },
        WorkerReply::Done {
            exit: Exit::Signal(9),
            clean: false,
            steps: steps(),
        },
    ]
}

fn planned() -> Vec<PlannedCall> {
    vec![
        PlannedCall {
            args: vec![PyValue::from(1), s("x")],
            kwargs: None,
        },
        PlannedCall {
            args: vec![],
            kwargs: Some(vec![(s("k"), PyValue::List(vec![]))]),
        },
    ]
}

fn job_requests() -> Vec<JobRequest> {
    vec![
        JobRequest::Load {
            source: "def f():\n    return 1\n".into(),
            name: LoadAs::Candidate,
            entry: Some("f".into()),
            calls: planned().into(),
        },
        JobRequest::Load {
            source: "print(input())".into(),
            name: LoadAs::Main,
            entry: None,
            calls: Arc::from(Vec::new()),
        },
        JobRequest::Call {
            entry: "f".into(),
            args: vec![PyValue::Tuple(vec![PyValue::None])],
            kwargs: Some(vec![(s("a"), PyValue::Bool(true))]),
            want_args: true,
        },
    ]
}

fn job_replies() -> Vec<JobReply> {
    vec![
        JobReply::Confined { steps: Vec::new() },
        JobReply::Confined { steps: steps() },
        JobReply::Unconfined {
            step: "seccomp".into(),
            errno: 22,
            message: "OSError(22)".into(),
        },
        JobReply::Loaded { ms: 1.5 },
        JobReply::CompileError {
            message: "SyntaxError: invalid syntax".into(),
            line: Some(3),
        },
        JobReply::CompileError {
            message: "ValueError: null bytes".into(),
            line: None,
        },
        JobReply::Raised {
            type_name: "KeyError".into(),
            message: "'a'".into(),
            bases: vec!["KeyError".into(), "LookupError".into()],
            ms: 0.25,
        },
        JobReply::Returned {
            value: PyValue::Dict(vec![(PyValue::from(1), PyValue::None)]),
            ms: 2.0,
            args_after: None,
        },
        JobReply::Returned {
            value: PyValue::None,
            ms: 0.0,
            args_after: Some(vec![PyValue::List(vec![PyValue::from(3)])]),
        },
        JobReply::Unencodable {
            type_name: "Fraction".into(),
        },
    ]
}

fn answers() -> Vec<Answer> {
    vec![
        Answer::Returned {
            value: PyValue::from(42),
            size: 30,
        },
        Answer::Raised {
            type_name: "ValueError".into(),
            message: "no".into(),
            bases: vec!["ValueError".into()],
        },
        Answer::Unencodable {
            type_name: "object".into(),
        },
        Answer::Gone {
            why: "timeout".into(),
        },
    ]
}

fn harness_requests() -> Vec<HarnessRequest> {
    let mut out = vec![
        HarnessRequest::Plan {
            test: "assert f(1) == 2".into(),
            bind: vec!["f".into()],
        },
        HarnessRequest::Check {
            prompt: "import math\n".into(),
            test: "def check(c):\n    assert c(1) == 2\n".into(),
            entry: "f".into(),
            bind: vec!["f".into(), "candidate".into()],
            call_check: true,
            record_calls: false,
            answers: answers(),
        },
    ];
    out.extend(answers().into_iter().map(HarnessRequest::Answer));
    out
}

fn verdicts() -> Vec<TestVerdict> {
    vec![
        TestVerdict::Passed,
        TestVerdict::Failed {
            message: String::new(),
            line: Some(4),
        },
        TestVerdict::Raised {
            type_name: "TypeError".into(),
            message: "bad".into(),
            line: None,
        },
        TestVerdict::Unsupported {
            type_name: "Foo".into(),
        },
        TestVerdict::Gone {
            message: "crashed".into(),
        },
        TestVerdict::TestError {
            type_name: "SyntaxError".into(),
            message: "invalid".into(),
        },
    ]
}

fn harness_replies() -> Vec<HarnessReply> {
    let mut out = vec![
        HarnessReply::Ready {
            python: "3.12.3".into(),
        },
        HarnessReply::Plan { calls: planned() },
        HarnessReply::Call {
            args: vec![PyValue::from(7)],
            kwargs: None,
        },
    ];
    for (i, verdict) in verdicts().into_iter().enumerate() {
        out.push(HarnessReply::Result {
            verdict,
            last: (i % 2 == 0).then(|| LastCall {
                args: vec![PyValue::from(1)],
                value: (i % 4 == 0).then_some(PyValue::None),
                raised: (i == 2).then(|| ("KeyError".into(), "'k'".into())),
            }),
            calls: (i == 0).then(|| vec![vec![PyValue::from(1)], vec![]]),
        });
    }
    out
}

/// Every message of every enum, encoded.
fn all_encodings() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    out.extend(worker_requests().iter().map(WorkerRequest::encode));
    out.extend(worker_replies().iter().map(WorkerReply::encode));
    out.extend(job_requests().iter().map(JobRequest::encode));
    out.extend(job_replies().iter().map(JobReply::encode));
    out.extend(harness_requests().iter().map(HarnessRequest::encode));
    out.extend(harness_replies().iter().map(HarnessReply::encode));
    out
}

/// Reads `bytes` as one kind of message; what decodes must encode back to
/// bytes that decode to the same message. Whether it decoded.
fn round_trip<T>(
    bytes: &[u8],
    decode: fn(&[u8]) -> Result<T, WireError>,
    encode: fn(&T) -> Vec<u8>,
) -> bool {
    let Ok(m) = decode(bytes) else {
        return false;
    };
    let again = encode(&m);
    let Ok(back) = decode(&again) else {
        panic!("a message we wrote must read back: {bytes:?}");
    };
    assert_eq!(encode(&back), again);
    true
}

/// Decodes `bytes` as every kind of message (as the fuzz target
/// `sandbox_wire` does); how many kinds took them.
fn decode_as_all(bytes: &[u8]) -> usize {
    [
        round_trip(bytes, WorkerRequest::decode, WorkerRequest::encode),
        round_trip(bytes, WorkerReply::decode, WorkerReply::encode),
        round_trip(bytes, JobRequest::decode, JobRequest::encode),
        round_trip(bytes, JobReply::decode, JobReply::encode),
        round_trip(bytes, HarnessRequest::decode, HarnessRequest::encode),
        round_trip(bytes, HarnessReply::decode, HarnessReply::encode),
    ]
    .into_iter()
    .filter(|ok| *ok)
    .count()
}

/// Each of `messages` decodes from its encoding to itself.
fn assert_round_trips<M: PartialEq + std::fmt::Debug>(
    messages: Vec<M>,
    decode: fn(&[u8]) -> Result<M, WireError>,
    encode: fn(&M) -> Vec<u8>,
) {
    for m in messages {
        assert_eq!(decode(&encode(&m)), Ok(m));
    }
}

#[test]
fn every_message_round_trips() {
    assert_round_trips(
        worker_requests(),
        WorkerRequest::decode,
        WorkerRequest::encode,
    );
    assert_round_trips(worker_replies(), WorkerReply::decode, WorkerReply::encode);
    assert_round_trips(job_requests(), JobRequest::decode, JobRequest::encode);
    assert_round_trips(job_replies(), JobReply::decode, JobReply::encode);
    assert_round_trips(
        harness_requests(),
        HarnessRequest::decode,
        HarnessRequest::encode,
    );
    assert_round_trips(
        harness_replies(),
        HarnessReply::decode,
        HarnessReply::encode,
    );
}

/// The encoder writes what a plain dict of the same fields marshals to:
/// the bytes the Python side has always read.
#[test]
fn requests_are_the_dicts_python_reads() {
    let job = WorkerRequest::Job {
        stdin: false,
        stdout: true,
        cpu_s: 4,
    };
    assert_eq!(
        job.encode(),
        dict(vec![
            ("op", s("job")),
            ("stdin", PyValue::Bool(false)),
            ("stdout", PyValue::Bool(true)),
            ("cpu_s", PyValue::from(4)),
        ])
    );
    let load = JobRequest::Load {
        source: "x = 'é'\n".into(),
        name: LoadAs::Main,
        entry: None,
        calls: Arc::from(Vec::new()),
    };
    assert_eq!(
        load.encode(),
        dict(vec![
            ("op", s("load")),
            ("source", s("x = 'é'\n")),
            ("name", s("__main__")),
        ])
    );
    let gone = HarnessRequest::Answer(Answer::Gone { why: "t".into() });
    assert_eq!(
        gone.encode(),
        dict(vec![("op", s("gone")), ("why", s("t"))])
    );
    let call = JobRequest::Call {
        entry: "f".into(),
        args: vec![PyValue::from(1)],
        kwargs: Some(vec![(s("k"), PyValue::from(2))]),
        want_args: false,
    };
    assert_eq!(
        call.encode(),
        dict(vec![
            ("op", s("call")),
            ("entry", s("f")),
            ("args", PyValue::List(vec![PyValue::from(1)])),
            ("kwargs", PyValue::Dict(vec![(s("k"), PyValue::from(2))])),
            ("want_args", PyValue::Bool(false)),
        ])
    );
}

#[test]
fn an_unknown_op_is_named() {
    let bytes = dict(vec![("op", s("format_disk"))]);
    assert_eq!(
        JobReply::decode(&bytes),
        Err(WireError::Unknown {
            at: "job reply",
            field: "op",
            value: "format_disk".into()
        })
    );
    // A request of one direction is no reply of another.
    assert!(matches!(
        HarnessReply::decode(&WorkerRequest::Kill.encode()),
        Err(WireError::Unknown {
            at: "harness reply",
            field: "op",
            ..
        })
    ));
    let long = "x".repeat(10_000);
    let Err(WireError::Unknown { value, .. }) = WorkerReply::decode(&dict(vec![("op", s(&long))]))
    else {
        panic!("an unknown op must be refused");
    };
    assert!(value.len() <= MAX_NAME + 3);
}

#[test]
fn a_missing_field_is_named() {
    assert_eq!(
        JobReply::decode(&dict(vec![
            ("op", s("returned")),
            ("ms", PyValue::Float(1.0))
        ])),
        Err(WireError::Missing {
            at: "returned",
            field: "value"
        })
    );
    assert_eq!(
        JobReply::decode(&dict(vec![("value", PyValue::None)])),
        Err(WireError::Missing {
            at: "job reply",
            field: "op"
        })
    );
    assert_eq!(
        WorkerReply::decode(&dict(vec![
            ("op", s("done")),
            ("how", s("exited")),
            ("status", PyValue::from(0)),
        ])),
        Err(WireError::Missing {
            at: "done",
            field: "clean"
        })
    );
    let result = dict(vec![
        ("op", s("result")),
        ("outcome", s("failed")),
        ("last", PyValue::Dict(vec![(s("value"), PyValue::None)])),
        ("message", s("m")),
    ]);
    assert_eq!(
        HarnessReply::decode(&result),
        Err(WireError::Missing {
            at: "last",
            field: "args"
        })
    );
}

#[test]
fn a_mistyped_field_is_named() {
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (dict(vec![("op", PyValue::from(1))]), "job reply", "op"),
        (
            dict(vec![("op", s("loaded")), ("ms", s("fast"))]),
            "loaded",
            "ms",
        ),
        (
            dict(vec![("op", s("loaded")), ("ms", PyValue::Float(f64::NAN))]),
            "loaded",
            "ms",
        ),
        (
            dict(vec![
                ("op", s("raised")),
                ("type", s("E")),
                ("message", s("m")),
                (
                    "mro",
                    PyValue::List(vec![s("ValueError"), PyValue::from(3)]),
                ),
                ("ms", PyValue::Float(0.0)),
            ]),
            "raised",
            "mro",
        ),
        (
            dict(vec![
                ("op", s("compile_error")),
                ("message", s("m")),
                ("line", PyValue::from(-1)),
            ]),
            "compile_error",
            "line",
        ),
        (
            dict(vec![
                ("op", s("returned")),
                ("value", PyValue::None),
                ("ms", PyValue::Float(0.0)),
                ("args", PyValue::Tuple(vec![])),
            ]),
            "returned",
            "args",
        ),
        (
            dict(vec![
                ("op", s("unconfined")),
                ("step", s("seccomp")),
                ("errno", PyValue::Bool(true)),
                ("message", s("m")),
            ]),
            "unconfined",
            "errno",
        ),
    ];
    for (bytes, at, field) in cases {
        match JobReply::decode(&bytes) {
            Err(WireError::WrongType {
                at: a, field: f, ..
            }) => assert_eq!((a, f), (at, field)),
            other => panic!("{at}.{field}: {other:?}"),
        }
    }
    let plan = dict(vec![
        ("op", s("plan")),
        (
            "calls",
            PyValue::List(vec![PyValue::List(vec![PyValue::None])]),
        ),
    ]);
    assert!(matches!(
        HarnessReply::decode(&plan),
        Err(WireError::WrongType {
            at: "plan",
            field: "calls",
            ..
        })
    ));
    let outcome = dict(vec![("op", s("result")), ("outcome", s("maybe"))]);
    assert!(matches!(
        HarnessReply::decode(&outcome),
        Err(WireError::Unknown {
            field: "outcome",
            ..
        })
    ));
}

#[test]
fn what_is_not_a_message_is_refused() {
    for junk in [
        &b"N"[..],
        b"[\x00\x00\x00\x00",
        b"{i\x01\x00\x00\x00N0",
        b"",
    ] {
        assert!(JobReply::decode(junk).is_err(), "{junk:?}");
    }
    assert_eq!(
        JobReply::decode(b"N"),
        Err(WireError::NotADict { at: "job reply" })
    );
    assert!(matches!(
        JobReply::decode(&[0xff; 10]),
        Err(WireError::Malformed(_))
    ));
    // A million tiny containers: small on the wire, too large to judge.
    let mut big = dict(vec![("op", s("returned"))]);
    big.pop();
    big.extend_from_slice(&{
        let mut v = Vec::new();
        super::codec::put_str(&mut v, "value");
        v
    });
    big.push(b'[');
    big.extend_from_slice(&1_500_000i32.to_le_bytes());
    big.extend(std::iter::repeat_n([b'[', 0, 0, 0, 0], 1_500_000).flatten());
    big.push(b'0');
    assert!(matches!(
        JobReply::decode(&big),
        Err(WireError::TooLarge(_))
    ));
}

#[test]
fn truncated_messages_are_refused() {
    for bytes in all_encodings() {
        for n in 0..bytes.len() {
            assert_eq!(decode_as_all(&bytes[..n]), 0, "{:?}", &bytes[..n]);
        }
    }
}

/// Every single-byte change of every message decodes (and round-trips) or
/// is refused; none panics (the fuzz target `sandbox_wire` does this at
/// random).
#[test]
fn mutated_messages_never_panic() {
    for bytes in all_encodings() {
        for i in 0..bytes.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut m = bytes.clone();
                m[i] ^= x;
                decode_as_all(&m);
            }
        }
        let mut longer = bytes.clone();
        longer.push(b'N');
        assert_eq!(decode_as_all(&longer), 0, "trailing bytes are refused");
    }
}

#[test]
fn texts_are_cut_and_surrogates_escaped() {
    let bytes = dict(vec![
        ("op", s("raised")),
        ("type", s(&"X".repeat(10_000))),
        ("message", PyValue::SurrogateStr(vec![0x61, 0xd800])),
        (
            "mro",
            PyValue::List((0..100).map(|_| s("ValueError")).collect()),
        ),
        ("ms", PyValue::from(3)),
        ("extra", s("dropped")),
    ]);
    let Ok(JobReply::Raised {
        type_name,
        message,
        bases,
        ms,
    }) = JobReply::decode(&bytes)
    else {
        panic!("a well-formed raise must decode");
    };
    assert_eq!(type_name, format!("{}...", "X".repeat(MAX_NAME)));
    assert_eq!(message, "a\\ud800");
    assert_eq!(bases.len(), MAX_BASES);
    assert_eq!(ms, 3.0);
    assert_eq!(cut(&"é".repeat(5), 3), "ééé...");
}

#[test]
fn replies_to_calls_become_answers_and_others_do_not() {
    let returned = JobReply::Returned {
        value: PyValue::from(1),
        ms: 1.0,
        args_after: None,
    };
    assert_eq!(
        Answer::from_reply(returned, 99),
        Some(Answer::Returned {
            value: PyValue::from(1),
            size: 99
        })
    );
    assert_eq!(
        Answer::from_reply(JobReply::Confined { steps: vec![] }, 10),
        None
    );
    assert_eq!(Answer::from_reply(JobReply::Loaded { ms: 1.0 }, 10), None);
}
