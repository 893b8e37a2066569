//! An OpenAI-compatible chat-completions client: retries with back-off on
//! 429 and 5xx and on timeouts, clear errors for a bad key or model, every
//! prompt and reply optionally appended to a jsonl audit log.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

/// Why an LLM request gave no reply.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The endpoint refused the key or does not know the model: asking
    /// again will not help.
    #[error("{0}")]
    Fatal(String),
    /// This request failed (after its retries); the next may work.
    #[error("{0}")]
    Failed(String),
}

/// An OpenAI-compatible chat completions endpoint.
pub struct LlmOptions {
    /// The endpoint's base URL.
    pub url: String,
    /// The model name sent with each request.
    pub model: String,
    /// Sent as a bearer token when set.
    pub api_key: Option<String>,
    /// Time limit of one request.
    pub timeout: Duration,
    /// Retries of a failed request (timeouts, 429, 5xx).
    pub retries: u32,
    /// First back-off; doubled at each retry.
    pub backoff: Duration,
}

/// A client of one endpoint and model; every request and reply can be
/// logged.
pub struct Llm {
    opts: LlmOptions,
    agent: ureq::Agent,
    log: Option<Mutex<File>>,
}

impl Llm {
    /// A client; `log` names a file that every exchange is appended to.
    pub fn new(opts: LlmOptions, log: Option<&Path>) -> std::io::Result<Llm> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(opts.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let log = match log {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            )),
            None => None,
        };
        Ok(Llm { opts, agent, log })
    }

    /// The model asked.
    pub fn model(&self) -> &str {
        &self.opts.model
    }

    fn endpoint(&self) -> String {
        let u = self.opts.url.trim_end_matches('/');
        if u.ends_with("/chat/completions") {
            u.to_string()
        } else {
            format!("{u}/chat/completions")
        }
    }

    /// One completion of `messages` (system, user) at `temperature`.
    pub fn complete(
        &self,
        role: &str,
        system: &str,
        user: &str,
        temperature: f64,
    ) -> Result<String, LlmError> {
        let body = json!({
            "model": self.opts.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": temperature,
        });
        let started = Instant::now();
        let result = self.post_with_retries(&body);
        self.audit(role, &body, &result, started.elapsed());
        result
    }

    fn post_with_retries(&self, body: &Json) -> Result<String, LlmError> {
        let mut wait = self.opts.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (retry_after, why) = match self.post(body) {
                Ok(text) => return Ok(text),
                Err(Attempt::Fatal(m)) => return Err(LlmError::Fatal(m)),
                Err(Attempt::Bad(m)) => return Err(LlmError::Failed(m)),
                Err(Attempt::Retry(after, m)) => (after, m),
            };
            if attempt > self.opts.retries {
                return Err(LlmError::Failed(format!(
                    "{why} (gave up after {attempt} attempts)"
                )));
            }
            std::thread::sleep(retry_after.unwrap_or(wait).min(Duration::from_secs(60)));
            wait = wait.saturating_mul(2);
        }
    }

    fn post(&self, body: &Json) -> Result<String, Attempt> {
        let mut req = self
            .agent
            .post(self.endpoint())
            .header("Content-Type", "application/json");
        if let Some(k) = &self.opts.api_key {
            req = req.header("Authorization", &format!("Bearer {k}"));
        }
        let mut resp = match req.send(body.to_string()) {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => {
                return Err(Attempt::Retry(None, "the request timed out".into()));
            }
            Err(ureq::Error::Io(e)) => {
                return Err(Attempt::Retry(None, format!("connection: {e}")));
            }
            Err(e) => return Err(Attempt::Fatal(format!("{}: {e}", self.endpoint()))),
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(Duration::from_secs_f64);
        let text = match resp.body_mut().read_to_string() {
            Ok(t) => t,
            Err(ureq::Error::Timeout(_)) => {
                return Err(Attempt::Retry(None, "the reply timed out".into()));
            }
            Err(e) => return Err(Attempt::Retry(None, format!("reading the reply: {e}"))),
        };
        let detail = || {
            serde_json::from_str::<Json>(&text)
                .ok()
                .and_then(|j| j["error"]["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| text.chars().take(300).collect())
        };
        match status {
            200..=299 => {}
            401 | 403 => {
                return Err(Attempt::Fatal(format!(
                    "the endpoint refused the API key (HTTP {status}): {}",
                    detail()
                )));
            }
            404 => {
                return Err(Attempt::Fatal(format!(
                    "HTTP 404 from {}: no such model '{}' or wrong URL: {}",
                    self.endpoint(),
                    self.opts.model,
                    detail()
                )));
            }
            429 | 500..=599 => {
                return Err(Attempt::Retry(
                    retry_after,
                    format!("HTTP {status}: {}", detail()),
                ));
            }
            _ => return Err(Attempt::Bad(format!("HTTP {status}: {}", detail()))),
        }
        let j: Json = serde_json::from_str(&text)
            .map_err(|e| Attempt::Bad(format!("the reply is not JSON ({e}): {}", detail())))?;
        j["choices"][0]["message"]["content"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Attempt::Bad("the reply has no choices[0].message.content".into()))
    }

    fn audit(&self, role: &str, body: &Json, result: &Result<String, LlmError>, took: Duration) {
        let Some(log) = &self.log else { return };
        let line = json!({
            "role": role,
            "model": self.opts.model,
            "request": body,
            "reply": result.as_ref().ok(),
            "error": result.as_ref().err().map(|e| e.to_string()),
            "ms": took.as_secs_f64() * 1000.0,
        });
        let mut f = log.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(f, "{line}");
    }
}

enum Attempt {
    Fatal(String),
    Bad(String),
    Retry(Option<Duration>, String),
}

/// The first fenced code block of a reply (```python or plain ```).
pub fn code_block(reply: &str) -> Option<String> {
    let start = reply.find("```")?;
    let after = &reply[start + 3..];
    let body_start = after.find('\n')? + 1;
    let body = &after[body_start..];
    let end = body.find("```").unwrap_or(body.len());
    let code = &body[..end];
    Some(strip_line_numbers(code))
}

/// Models sometimes copy the line numbers of the prompt: `12 | code` or
/// `12: code` on every line.
fn strip_line_numbers(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let numbered = |l: &str| {
        let t = l.trim_start();
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        digits > 0
            && (t[digits..].starts_with(" | ")
                || t[digits..].starts_with(" |")
                || t[digits..].starts_with(": "))
    };
    if lines.is_empty()
        || !lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .all(|l| numbered(l))
    {
        return code.to_string();
    }
    let mut out = String::new();
    for l in lines {
        let t = l.trim_start();
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let rest = &t[digits..];
        let rest = rest
            .strip_prefix(" | ")
            .or_else(|| rest.strip_prefix(" |"))
            .or_else(|| rest.strip_prefix(": "))
            .unwrap_or(rest);
        out.push_str(rest);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_are_found_and_numbers_stripped() {
        assert_eq!(
            code_block("Here:\n```python\ndef f():\n    return 1\n```\nDone").as_deref(),
            Some("def f():\n    return 1\n")
        );
        assert_eq!(
            code_block("```\n3 | def f():\n4 |     pass\n```").as_deref(),
            Some("def f():\n    pass\n")
        );
        assert_eq!(code_block("no code here"), None);
    }
}
