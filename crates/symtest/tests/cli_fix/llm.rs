//! The LLM path of `symtest fix` against a local OpenAI-compatible server
//! that scripts good, behaviour-changing, malformed, slow, rate-limited and
//! refusing replies.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{findings, json_of, scratch, symtest};

#[derive(Clone, Debug)]
enum Reply {
    Code(&'static str),
    Text(&'static str),
    Status(u16),
    Slow(Duration, &'static str),
    NotJson,
}

#[derive(Default)]
struct Script {
    proposer: VecDeque<Reply>,
    ranker: VecDeque<Reply>,
    seen: Vec<Value>,
}

type Shared = Arc<Mutex<Script>>;

async fn chat(State(s): State<Shared>, Json(body): Json<Value>) -> Response {
    let system = body["messages"][0]["content"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let next = {
        let mut s = s.lock().expect("script");
        s.seen.push(body.clone());
        let q = if system.contains("reviewer") {
            &mut s.ranker
        } else {
            &mut s.proposer
        };
        q.pop_front().unwrap_or(Reply::Text("Score: 3"))
    };
    let ok = |content: String| {
        Json(json!({"choices": [{"message": {"role": "assistant", "content": content}}]}))
            .into_response()
    };
    match next {
        Reply::Code(c) => ok(format!("Here is the fix:\n```python\n{c}```\n")),
        Reply::Text(t) => ok(t.to_string()),
        Reply::Status(code) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(json!({"error": {"message": format!("scripted {code}")}})),
        )
            .into_response(),
        Reply::Slow(d, c) => {
            tokio::time::sleep(d).await;
            ok(format!("```python\n{c}```"))
        }
        Reply::NotJson => (StatusCode::OK, "<html>gateway</html>").into_response(),
    }
}

/// Starts the scripted server; its address and script.
fn server(proposer: Vec<Reply>, ranker: Vec<Reply>) -> (SocketAddr, Shared) {
    let script: Shared = Arc::new(Mutex::new(Script {
        proposer: proposer.into(),
        ranker: ranker.into(),
        seen: Vec::new(),
    }));
    let (tx, rx) = std::sync::mpsc::channel();
    let s = script.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let app = axum::Router::new()
                .route("/v1/chat/completions", axum::routing::post(chat))
                .with_state(s);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    (rx.recv().expect("address"), script)
}

const LABEL: &str = "def label(code: int) -> str:\n    try:\n        return [\"none\", \"low\", \"high\"][code]\n    except:\n        return \"unknown\"\n";
const GOOD: &str = "def label(code: int) -> str:\n    try:\n        return [\"none\", \"low\", \"high\"][code]\n    except IndexError:\n        return \"unknown\"\n";
const BAD: &str = "def label(code: int) -> str:\n    try:\n        return [\"none\", \"low\", \"high\"][code]\n    except ValueError:\n        return \"unknown\"\n";

fn llm_run(dir: &Path, addr: SocketAddr, n: &str, extra: &[&str]) -> std::process::Output {
    symtest(dir)
        .args(["label.py", "--select", "E722", "--format", "json"])
        .args([
            "--llm-url",
            &format!("http://{addr}/v1"),
            "--model",
            "scripted",
        ])
        .args(["--api-key-env", "SYMTEST_TEST_KEY", "--candidates", n])
        .args(extra)
        .env("SYMTEST_TEST_KEY", "sk-test")
        .output()
        .expect("runs")
}

#[test]
fn llm_candidates_are_verified_checked_and_ranked() {
    let (addr, script) = server(
        vec![
            Reply::Status(429),
            Reply::Code(GOOD),
            Reply::Code(BAD),
            Reply::Text("I would rather not."),
            Reply::NotJson,
        ],
        vec![],
    );
    let dir = scratch("label.py", LABEL);
    let log = dir.join("llm.jsonl");
    let out = llm_run(
        &dir,
        addr,
        "4",
        &[
            "--llm-log",
            log.to_str().expect("utf-8 path"),
            "--llm-retries",
            "1",
        ],
    );
    let report = json_of(&out);
    let f = &findings(&report)[0];
    assert_eq!(f["outcome"], "fixed", "{f:#}");
    let cands = f["candidates"].as_array().expect("candidates");
    assert_eq!(cands.len(), 2, "{f:#}");
    assert_eq!(cands[0]["source"], "llm #1");
    assert_eq!(cands[0]["accepted"], true);
    assert_eq!(cands[0]["score"], 3);
    assert_eq!(f["chosen"], 0);
    // except ValueError lets the IndexError of label(10) through.
    assert_eq!(cands[1]["behaviour"]["status"], "differs", "{f:#}");
    assert!(
        cands[1]["behaviour"]["witness"]["candidate"]
            .as_str()
            .unwrap_or("")
            .starts_with("raises IndexError"),
        "{f:#}"
    );
    let notes = f["notes"].to_string();
    assert!(
        notes.contains("llm #3: the reply has no code block"),
        "{notes}"
    );
    assert!(notes.contains("llm #4: the reply is not JSON"), "{notes}");
    // The bearer key went along; the first request at temperature 0, the rest at 0.7.
    let seen = &script.lock().expect("script").seen;
    let temps: Vec<f64> = seen
        .iter()
        .filter(|b| {
            !b["messages"][0]["content"]
                .as_str()
                .unwrap_or("")
                .contains("reviewer")
        })
        .map(|b| b["temperature"].as_f64().unwrap_or(-1.0))
        .collect();
    assert_eq!(temps, [0.0, 0.0, 0.7, 0.7, 0.7]);
    let prompt = seen[0]["messages"][1]["content"].as_str().unwrap_or("");
    assert!(
        prompt.contains("E722") && prompt.contains("*    4 |     except:"),
        "{prompt}"
    );
    let logged = std::fs::read_to_string(&log).expect("log");
    assert_eq!(logged.lines().count(), 4 + 2, "{logged}");
    assert_eq!(
        std::fs::read_to_string(dir.join("label.py")).expect("read"),
        LABEL
    );
}

#[test]
fn a_slow_reply_is_retried_and_a_low_score_rejects() {
    let (addr, _) = server(
        vec![Reply::Slow(Duration::from_secs(5), GOOD), Reply::Code(GOOD)],
        vec![Reply::Text("It swallows errors.\nScore: 1")],
    );
    let dir = scratch("label.py", LABEL);
    let out = llm_run(
        &dir,
        addr,
        "1",
        &["--llm-timeout", "1", "--llm-retries", "2"],
    );
    let report = json_of(&out);
    let f = &findings(&report)[0];
    assert_eq!(f["outcome"], "rejected", "{f:#}");
    let c = &f["candidates"][0];
    assert_eq!(c["behaviour"]["status"], "same");
    assert_eq!(c["score"], 1);
    assert!(
        c["why"]
            .as_str()
            .unwrap_or("")
            .contains("the ranker rejects it"),
        "{c}"
    );
}

#[test]
fn a_repeated_reply_is_one_candidate_and_a_note() {
    let (addr, _) = server(vec![Reply::Code(GOOD), Reply::Code(GOOD)], vec![]);
    let dir = scratch("label.py", LABEL);
    let report = json_of(&llm_run(&dir, addr, "2", &[]));
    let f = &findings(&report)[0];
    assert_eq!(f["candidates"].as_array().map(Vec::len), Some(1), "{f:#}");
    assert_eq!(
        f["notes"],
        json!(["llm #2: the same rewrite as an earlier reply"]),
        "{f:#}"
    );
}

#[test]
fn a_refused_key_stops_with_a_clear_error() {
    let (addr, _) = server(vec![Reply::Status(401)], vec![]);
    let dir = scratch("label.py", LABEL);
    let out = llm_run(&dir, addr, "2", &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the endpoint refused the API key (HTTP 401)"),
        "{err}"
    );
}

/// Against a real endpoint, only when `SYMTEST_LLM_URL` and `SYMTEST_LLM_MODEL`
/// name one (the key, if any, in `SYMTEST_LLM_KEY`). What a model writes is not
/// ours to script, so this holds the pipeline to its laws instead: every
/// requested candidate is accounted for, and nothing is accepted unless the
/// verifier passed it and it behaved like the original.
#[test]
fn a_real_endpoint_when_one_is_named() {
    let (Ok(url), Ok(model)) = (
        std::env::var("SYMTEST_LLM_URL"),
        std::env::var("SYMTEST_LLM_MODEL"),
    ) else {
        eprintln!(
            "skipped: set SYMTEST_LLM_URL and SYMTEST_LLM_MODEL to run against a real endpoint"
        );
        return;
    };
    let dir = scratch("label.py", LABEL);
    let log = dir.join("llm.jsonl");
    let mut cmd = symtest(&dir);
    cmd.args(["label.py", "--select", "E722", "--format", "json"])
        .args(["--llm-url", &url, "--model", &model, "--candidates", "3"])
        .args(["--llm-log", log.to_str().expect("utf-8 path")]);
    if std::env::var_os("SYMTEST_LLM_KEY").is_some() {
        cmd.args(["--api-key-env", "SYMTEST_LLM_KEY"]);
    }
    let out = cmd.output().expect("runs");
    let report = json_of(&out);
    let f = &findings(&report)[0];
    let cands = f["candidates"].as_array().expect("candidates");
    // Each reply is a candidate or a note saying why it is not one.
    let llm_notes = f["notes"].as_array().map_or(0, |n| {
        n.iter()
            .filter(|n| n.as_str().unwrap_or("").starts_with("llm #"))
            .count()
    });
    assert_eq!(cands.len() + llm_notes, 3, "{f:#}");
    for c in cands {
        if c["accepted"] == true {
            assert!(c["verifier"].is_null(), "{c:#}");
            assert_eq!(c["behaviour"]["status"], "same", "{c:#}");
        }
    }
    // A bare except around an index: catching anything narrower than
    // IndexError lets label(10) raise, which the behaviour check must see.
    for c in cands {
        let diff = c["diff"].as_str().unwrap_or("");
        if diff.contains("+    except ValueError:") {
            assert_eq!(c["behaviour"]["status"], "differs", "{c:#}");
        }
    }
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(logged.lines().count() >= 3, "{logged}");
    assert_eq!(
        std::fs::read_to_string(dir.join("label.py")).expect("read"),
        LABEL
    );
}
