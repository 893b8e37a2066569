//! `symtest serve` on loopback: the protocols, and 1,000 concurrent requests
//! all answered, with 503 only when the queue bound is reached.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;
use common::{example, symtest_std};

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(problems: &str, queue: usize) -> Server {
        let path = example(&format!("grade/{problems}"));
        Server::start_with(&path, queue, &[])
    }

    fn start_with(path: &str, queue: usize, extra: &[&str]) -> Server {
        let mut child = symtest_std()
            .args([
                "serve",
                path,
                "--port",
                "0",
                "-j",
                "2",
                "--queue",
                &queue.to_string(),
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("first line");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

async fn http(addr: &str, method: &str, path: &str, body: &str) -> std::io::Result<Reply> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok(Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    })
}

fn json_body(r: &Reply) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn protocols_health_and_metrics() {
    let s = Server::start("humaneval_mini.jsonl", 64);
    let native = json!({"samples": [
        {"task_id": "demo/add", "completion": "    return a + b\n", "sample_id": "good"},
        {"task_id": "demo/add", "completion": "    return a - b\n"},
    ]});
    let r = http(&s.addr, "POST", "/reward", &native.to_string())
        .await
        .expect("reward");
    assert_eq!(r.status, 200, "{}", r.body);
    let j = json_body(&r);
    assert_eq!(j["results"][0]["status"], "passed");
    assert_eq!(j["results"][0]["sample_id"], "good");
    assert_eq!(j["results"][1]["status"], "failed");
    assert_eq!(j["results"][1]["first_failure"]["got"], "-1");

    // OpenRLHF: query = prompt + response, decoded with the chat template's
    // special tokens; the label names the task. Every query is graded as its
    // bare code would be.
    let qwen = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nwrite add<|im_end|>\n<|im_start|>assistant\n";
    let llama = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nwrite add<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
    let base = "def add(a: int, b: int) -> int:\n    \"\"\"Return the sum of a and b.\n    >>> add(2, 3)\n    5\n    \"\"\"\n";
    let q = json!({
        "query": [
            format!("{qwen}```python\ndef add(a, b):\n    return a + b\n```<|im_end|>\n<|endoftext|>"),
            format!("{llama}def add(a, b):\n    return a + b\n<|eot_id|>"),
            format!("{base}    return a + b\n<|endoftext|>"),
            format!("{qwen}def add(a, b):\n    return 0\n<|im_end|>"),
            // A prompt the trainer cut: the assistant's turn is found.
            format!("{llama}def add(a, b):\n    return b + a\n<|eot_id|>"),
        ],
        "prompts": [qwen, llama, base, qwen, "<|begin_of_text|>cut"],
        "labels": ["demo/add", {"task_id": "demo/add", "ignored": [0, 0, 0]}, "demo/add", "demo/add", "demo/add"],
        "ignored": {"a": [1, 2, 3]},
    });
    let r = http(&s.addr, "POST", "/get_reward", &q.to_string())
        .await
        .expect("get_reward");
    assert_eq!(r.status, 200, "{}", r.body);
    let j = json_body(&r);
    assert_eq!(j["rewards"], json!([1.0, 1.0, 1.0, 0.0, 1.0]), "{j}");
    assert_eq!(j["scores"], j["rewards"]);
    assert_eq!(j["extra_logs"]["solved"], json!([1.0, 1.0, 1.0, 0.0, 1.0]));
    // The trainer makes a tensor of every extra log: numbers only.
    for (key, v) in j["extra_logs"].as_object().expect("extra_logs") {
        let all_numbers = v
            .as_array()
            .is_some_and(|a| a.len() == 5 && a.iter().all(Value::is_number));
        assert!(all_numbers, "{key}: {v}");
    }

    for (path, body, want) in [
        ("/reward", "not json".to_string(), "expected"),
        (
            "/reward",
            json!({"task_id": "nope", "completion": "x"}).to_string(),
            "unknown task 'nope'",
        ),
        (
            "/get_reward",
            json!({"query": ["a"], "labels": []}).to_string(),
            "1 queries but 0 labels",
        ),
        // Ids are strings or numbers: anything else is refused as it is
        // read, not first built in memory.
        (
            "/get_reward",
            json!({"query": ["a"], "labels": [[0, 0, 0]]}).to_string(),
            "expected",
        ),
        (
            "/reward",
            json!({"task_id": [0, 0], "completion": "x"}).to_string(),
            "expected",
        ),
    ] {
        let r = http(&s.addr, "POST", path, &body).await.expect("request");
        assert_eq!(r.status, 400, "{path} {body}");
        assert!(
            json_body(&r)["error"]
                .as_str()
                .is_some_and(|e| e.contains(want)),
            "{}",
            r.body
        );
    }
    let r = http(&s.addr, "GET", "/healthz", "").await.expect("healthz");
    assert_eq!(r.status, 200);
    assert_eq!(json_body(&r)["status"], "ok");
    // Paths a client makes up are counted under one label.
    for i in 0..3 {
        let r = http(&s.addr, "POST", &format!("/made-up-{i}"), "{}")
            .await
            .expect("request");
        assert_eq!(r.status, 404);
    }
    let r = http(&s.addr, "GET", "/metrics", "").await.expect("metrics");
    assert!(!r.body.contains("made-up"), "{}", r.body);
    assert!(r.headers.contains("text/plain"));
    for line in [
        "symtest_requests_total{endpoint=\"other\",code=\"404\"} 3",
        "symtest_samples_total{status=\"passed\"} 5",
        "symtest_requests_total{endpoint=\"/reward\",code=\"400\"} 3",
        "symtest_queue_capacity 64",
    ] {
        assert!(r.body.contains(line), "no {line:?} in\n{}", r.body);
    }
}

/// The replies to `n` reward requests sent at once (even ones pass, odd
/// ones fail); every request must get one, within 240 s in all.
async fn flood(addr: &str, n: usize) -> Vec<Reply> {
    tokio::time::timeout(Duration::from_secs(240), send_all(addr, n))
        .await
        .expect("the flood finishes")
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|e| panic!("request {i} lost: {e}")))
        .collect()
}

async fn send_all(addr: &str, n: usize) -> Vec<std::io::Result<Reply>> {
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let addr = addr.to_string();
        let body = json!({"task_id": "demo/add", "completion": if i % 2 == 0 { "    return a + b\n" } else { "    return a * b\n" }, "sample_id": i}).to_string();
        tasks.push(tokio::spawn(async move {
            http(&addr, "POST", "/reward", &body).await
        }));
    }
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap_or_else(|e| Err(std::io::Error::other(e))));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_requests_are_all_answered() {
    let s = Server::start("suite_mini.jsonl", 2000);
    let mut passed = 0;
    for (i, r) in flood(&s.addr, 1000).await.iter().enumerate() {
        assert_eq!(r.status, 200, "request {i}: {}", r.body);
        let j = json_body(r);
        assert_eq!(j["result"]["sample_id"], i.to_string());
        let want = if i % 2 == 0 { "passed" } else { "failed" };
        assert_eq!(j["result"]["status"], want);
        passed += usize::from(want == "passed");
    }
    assert_eq!(passed, 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn beyond_the_queue_bound_requests_get_503_with_retry_after() {
    let s = Server::start("suite_mini.jsonl", 16);
    let (mut ok, mut busy) = (0, 0);
    for (i, r) in flood(&s.addr, 1000).await.iter().enumerate() {
        match r.status {
            200 => ok += 1,
            503 => {
                busy += 1;
                assert!(r.headers.contains("retry-after: 1"), "{}", r.headers);
                assert!(
                    json_body(r)["error"]
                        .as_str()
                        .is_some_and(|e| e.contains("queue is full"))
                );
            }
            other => panic!("request {i}: status {other}: {}", r.body),
        }
    }
    assert_eq!(ok + busy, 1000);
    assert!(ok >= 16, "at least the queue's worth is admitted: {ok}");
    assert!(busy > 0, "1,000 at once cannot fit 16");
    let m = http(&s.addr, "GET", "/metrics", "").await.expect("metrics");
    assert!(
        m.body
            .contains(&format!("symtest_rejected_samples_total {busy}")),
        "{}",
        m.body
    );
}

async fn reward(addr: &str, task: &str, completion: &str) -> Reply {
    let body = json!({"task_id": task, "completion": completion}).to_string();
    http(addr, "POST", "/reward", &body).await.expect("reward")
}

/// Samples that attack the grader (forged replies, bombs, exits, strange
/// values) each get a verdict: never a 500, never a lost slot, and the
/// server stays healthy for the samples after them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_samples_get_verdicts_and_the_server_stays_healthy() {
    let s = Server::start("humaneval_mini.jsonl", 256);
    let forge = |payload: &str| {
        format!(
            "    import os, stat, struct, marshal, time\n    body = {payload}\n    for fd in range(3, 64):\n        try:\n            if stat.S_ISFIFO(os.fstat(fd).st_mode):\n                os.write(fd, b'')\n                os.write(fd, struct.pack('>I', len(body)) + body)\n                break\n        except OSError:\n            pass\n    time.sleep(30)\n"
        )
    };
    let hostile = [
        forge("marshal.dumps({'op': 'returned', 'value': [[]] * 1_500_000}, 2)"),
        forge("b'\\xff' * 64"),
        forge("marshal.dumps({'op': 'returned', 'value': 5}, 2)[:-1]"),
        "    import os\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n".to_string(),
        "    x = []\n    while True:\n        x.append(b'x' * (64 << 20))\n".to_string(),
        "    import os\n    os.kill(os.getpid(), 9)\n".to_string(),
        "    import os\n    os._exit(0)\n".to_string(),
        "    return '\\ud800' * 100\n".to_string(),
        "    return 1 << (1 << 24)\n".to_string(),
        "    raise type('E' * 1_000_000, (Exception,), {})('m' * 10_000_000)\n".to_string(),
        "    while True:\n        pass\n".to_string(),
    ];
    let mut tasks = Vec::new();
    for c in hostile {
        let addr = s.addr.clone();
        tasks.push(tokio::spawn(async move {
            let r = reward(&addr, "demo/add", &c).await;
            (c, r)
        }));
    }
    for t in tasks {
        let (c, r) = t.await.expect("task");
        assert_eq!(r.status, 200, "{c}: {}", r.body);
        assert!(
            r.body.len() < 16_000,
            "{c}: a reply of {} bytes",
            r.body.len()
        );
        let status = json_body(&r)["result"]["status"].clone();
        assert!(
            status != "passed" && status != "grader_error",
            "{c}: {status}"
        );
    }
    let r = http(&s.addr, "GET", "/healthz", "").await.expect("healthz");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(json_body(&r)["status"], "ok");
    // Every slot still works: more correct samples at once than slots.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let addr = s.addr.clone();
        tasks.push(tokio::spawn(async move {
            reward(&addr, "demo/add", "    return a + b\n").await
        }));
    }
    for t in tasks {
        let r = t.await.expect("task");
        assert_eq!(json_body(&r)["result"]["status"], "passed", "{}", r.body);
    }
    let m = http(&s.addr, "GET", "/metrics", "").await.expect("metrics");
    assert!(!m.body.contains("code=\"500\""), "{}", m.body);
}

/// When the sandbox cannot judge a sample, the sample says so (no reward),
/// OpenRLHF's endpoint asks for a retry, and the server stays up until
/// every recent sample failed so. The failure here is the sandbox's own, made
/// from outside: the slots' cgroups removed under a running server (a sample
/// cannot cause this).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sample_the_sandbox_cannot_judge_has_no_reward() {
    let s = Server::start("humaneval_mini.jsonl", 64);
    let r = reward(&s.addr, "demo/add", "    return a + b\n").await;
    assert_eq!(json_body(&r)["result"]["status"], "passed");
    let pid = s.child.id();
    let mut removed = 0;
    for controller in ["pids", "cpuacct", "cpu,cpuacct"] {
        let root = std::path::PathBuf::from("/sys/fs/cgroup").join(controller);
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        for e in entries.flatten() {
            if !e
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("symtest-{pid}-"))
            {
                continue;
            }
            for slot in std::fs::read_dir(e.path()).expect("pool").flatten() {
                if !slot.path().is_dir() {
                    continue;
                }
                // Empty once the last job's processes are gone.
                for _ in 0..100 {
                    if std::fs::remove_dir(slot.path()).is_ok() {
                        removed += 1;
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
    assert!(removed >= 2, "the server's two slot cgroups: {removed}");
    let r = reward(&s.addr, "demo/add", "    return a + b\n").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let j = json_body(&r);
    assert_eq!(j["result"]["status"], "grader_error", "{}", r.body);
    assert_eq!(j["result"]["reward"], Value::Null);
    let q = json!({"query": ["    return a + b\n"], "labels": ["demo/add"]});
    let r = http(&s.addr, "POST", "/get_reward", &q.to_string())
        .await
        .expect("get_reward");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.headers.contains("retry-after"), "{}", r.headers);
    let h = http(&s.addr, "GET", "/healthz", "").await.expect("healthz");
    assert_eq!(h.status, 200);
    for _ in 0..16 {
        reward(&s.addr, "demo/add", "    return a + b\n").await;
    }
    let h = http(&s.addr, "GET", "/healthz", "").await.expect("healthz");
    assert_eq!(h.status, 503, "{}", h.body);
    assert_eq!(json_body(&h)["status"], "failing");
}

/// A client that never finishes its headers is cut off; others are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_client_cannot_hold_a_connection() {
    let path = example("grade/humaneval_mini.jsonl");
    let s = Server::start_with(&path, 16, &["--header-timeout", "1"]);
    let mut conn = tokio::net::TcpStream::connect(&s.addr)
        .await
        .expect("connect");
    conn.write_all(b"POST /reward HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(6), conn.read_to_end(&mut buf)).await;
    assert!(closed.is_ok(), "the connection is still open after 6 s");
    let r = http(&s.addr, "GET", "/healthz", "").await.expect("healthz");
    assert_eq!(r.status, 200);
}

/// A connection that has sent `bytes`.
async fn opened(addr: &str, bytes: &[u8]) -> tokio::net::TcpStream {
    let mut conn = tokio::net::TcpStream::connect(addr).await.expect("connect");
    conn.write_all(bytes).await.expect("write");
    conn
}

/// Reads a connection to its end, within `secs`: what the server said
/// before it closed, or `None` if it kept the connection open.
async fn closed_within(conn: &mut tokio::net::TcpStream, secs: f64) -> Option<String> {
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs_f64(secs), conn.read_to_end(&mut buf))
        .await
        .ok()
        .map(|_| String::from_utf8_lossy(&buf).into_owned())
}

/// The ways a client can try to hold the server without sending a request:
/// a connection that sends nothing, a body that stalls, a body that says it
/// is too large, more connections than allowed, more body memory than
/// allowed. Each is cut off; requests beside them are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn silent_stalled_and_oversized_clients_are_cut_off() {
    let path = example("grade/humaneval_mini.jsonl");
    let s = Server::start_with(
        &path,
        16,
        &[
            "--header-timeout",
            "1",
            "--body-timeout",
            "3",
            "--max-connections",
            "8",
            "--body-memory",
            "64",
        ],
    );
    // Sends nothing at all.
    let mut silent = tokio::net::TcpStream::connect(&s.addr)
        .await
        .expect("connect");
    assert!(
        closed_within(&mut silent, 6.0).await.is_some(),
        "a silent connection is still open after 6 s"
    );
    // Headers, then half a body, then nothing; a body larger than the
    // largest, refused before any of it is read.
    let refused: [(&str, &[u8], f64, &str); 2] = [
        (
            "a stalled body",
            b"POST /reward HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"task_id\"",
            8.0,
            "HTTP/1.1 408",
        ),
        (
            "an oversized body",
            b"POST /reward HTTP/1.1\r\nHost: x\r\nContent-Length: 70000000\r\n\r\n",
            5.0,
            "HTTP/1.1 413",
        ),
    ];
    for (what, request, secs, status) in refused {
        let mut conn = opened(&s.addr, request).await;
        let said = closed_within(&mut conn, secs)
            .await
            .unwrap_or_else(|| panic!("{what}'s connection is still open after {secs} s"));
        assert!(said.starts_with(status), "{what}: {said}");
    }
    // A 60 MiB body, all but its last byte sent, holds 60 of the 64 MiB of
    // body memory until it ends; a second body past the 4 MiB left is told
    // to retry.
    let mut big = b"POST /reward HTTP/1.1\r\nHost: x\r\nContent-Length: 62914560\r\n\r\n".to_vec();
    big.resize(big.len() + 62914559, b' ');
    let first = opened(&s.addr, &big).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut second = tokio::net::TcpStream::connect(&s.addr)
        .await
        .expect("connect");
    let mut more = b"POST /reward HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n".to_vec();
    more.resize(more.len() + (5 << 20), b' ');
    // The server stops reading when it refuses: the write may fail.
    let _ = second.write_all(&more).await;
    let said = closed_within(&mut second, 5.0)
        .await
        .expect("the second large body's connection is still open after 5 s");
    assert!(said.starts_with("HTTP/1.1 503"), "{said}");
    assert!(said.to_ascii_lowercase().contains("retry-after"), "{said}");
    drop(first);
    drop(second);
    // Let the server see both go before counting connections.
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Past the connection cap, a connection is closed at once; the held
    // ones are cut by the header timeout, and the server serves again.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(
            tokio::net::TcpStream::connect(&s.addr)
                .await
                .expect("connect"),
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut extra = tokio::net::TcpStream::connect(&s.addr)
        .await
        .expect("connect");
    // Well within the header timeout (1 s): closed by the cap.
    let said = closed_within(&mut extra, 0.5)
        .await
        .expect("a connection past the cap is open");
    assert!(said.is_empty(), "{said}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let r = reward(&s.addr, "demo/add", "    return a + b\n").await;
    assert_eq!(json_body(&r)["result"]["status"], "passed");
}

/// SIGTERM stops the server like Ctrl-C: it exits 0 and leaves no scratch
/// folder and no cgroup behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_stops_the_server_and_cleans_up() {
    let mut s = Server::start("humaneval_mini.jsonl", 16);
    let r = reward(&s.addr, "demo/add", "    return a + b\n").await;
    assert_eq!(json_body(&r)["result"]["status"], "passed");
    let pid = s.child.id();
    // SAFETY: kill takes plain integers.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    let mut status = None;
    for _ in 0..100 {
        if let Some(st) = s.child.try_wait().expect("wait") {
            status = Some(st);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = status.expect("the server stops within 10 s of SIGTERM");
    assert!(status.success(), "{status:?}");
    let scratch = format!("symtest-sandbox-{pid}-");
    let left: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .expect("tmp")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&scratch))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let cgroup = format!("symtest-{pid}-");
    let found = std::process::Command::new("find")
        .args(["/sys/fs/cgroup", "-maxdepth", "4", "-type", "d", "-name"])
        .arg(format!("{cgroup}*"))
        .output()
        .expect("find");
    assert!(
        String::from_utf8_lossy(&found.stdout).trim().is_empty(),
        "{}",
        String::from_utf8_lossy(&found.stdout)
    );
}
