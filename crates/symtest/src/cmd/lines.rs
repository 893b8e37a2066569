//! What `grade` prints: lines on standard output, one verdict a line.

use symtest_grade::Outcome;

/// A line on standard output; a closed pipe is not an error.
pub fn say(line: &str) {
    say_raw(&format!("{line}\n"));
}

/// Text on standard output as it is; a closed pipe is not an error.
pub fn say_raw(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// One line per verdict: `task  sample  status  what went wrong`.
pub fn describe(o: &Outcome) -> String {
    let mut line = format!(
        "{:<22} {:<18} {:<14}",
        o.task_id,
        o.sample_id,
        o.status.name()
    );
    if let Some(f) = &o.first_failure {
        let mut parts = vec![f.kind.to_string()];
        if let Some(i) = &f.input {
            parts.push(format!("input {i}"));
        }
        if let Some(e) = &f.expected {
            parts.push(format!("expected {e}"));
        }
        if let Some(g) = &f.got {
            parts.push(format!("got {g}"));
        }
        if let Some(e) = &f.error {
            parts.push(e.clone());
        }
        let text = parts.join(", ").replace('\n', "\\n");
        let short: String = text.chars().take(110).collect();
        line.push_str(&short);
    }
    line
}
