//! The fix corpus: one small file per case, for the rules that correspond to
//! CORE's CodeQL checks, each saying on its first line what `symtest fix`
//! (with no LLM) must conclude: `# expect: RULE fixed|rejected|skipped`.
//! Rejected cases are fixes ruff offers that change behaviour.

mod common;
use common::succeeded;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fix_corpus")
}

/// `(file, rule, outcome)` for every corpus file.
fn expectations() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus()).expect("corpus folder") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("py") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let first = text.lines().next().unwrap_or("");
        let spec = first
            .strip_prefix("# expect: ")
            .unwrap_or_else(|| panic!("{}: no `# expect:` line", path.display()));
        let mut words = spec.split_whitespace();
        let rule = words.next().expect("rule").to_string();
        let outcome = words.next().expect("outcome").to_string();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        out.push((name, rule, outcome));
    }
    out.sort();
    out
}

#[test]
fn every_corpus_file_gets_its_expected_verdict() {
    let expected = expectations();
    let rules: BTreeSet<&str> = expected.iter().map(|(_, r, _)| r.as_str()).collect();
    assert!(rules.len() >= 15, "the corpus covers {} rules", rules.len());
    assert!(expected.iter().filter(|e| e.2 == "rejected").count() >= 4);

    // A copy: the run must not touch the corpus, and ruff's configuration
    // is the same wherever the tests run.
    let dir = std::env::temp_dir().join(format!("symtest-fix-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    std::fs::write(dir.join("ruff.toml"), "").expect("config");
    for (name, _, _) in &expected {
        std::fs::copy(corpus().join(name), dir.join(name)).expect("copy");
    }
    let select = rules.iter().copied().collect::<Vec<_>>().join(",");
    let out = succeeded(
        Command::cargo_bin("symtest")
            .expect("binary")
            .current_dir(&dir)
            .args(["fix", "-q", ".", "--select", &select, "--format", "json"])
            .arg("--exit-zero")
            .output()
            .expect("runs"),
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut wrong = Vec::new();
    for (name, rule, outcome) in &expected {
        let file = report["files"].as_array().expect("files").iter().find(|f| {
            Path::new(f["path"].as_str().unwrap_or(""))
                .file_name()
                .and_then(|n| n.to_str())
                == Some(name.as_str())
        });
        let Some(file) = file else {
            wrong.push(format!("{name}: not in the report"));
            continue;
        };
        let findings = file["findings"].as_array().expect("findings");
        let got: Vec<(String, String)> = findings
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_string(),
                    f["outcome"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        if got != [(rule.clone(), outcome.clone())] {
            wrong.push(format!(
                "{name}: expected {rule} {outcome}, got {got:?} ({})",
                findings
                    .iter()
                    .map(|f| f["why"].as_str().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
