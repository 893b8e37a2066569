//! `symtest adversarial` against networks scikit-learn trains here, on
//! synthetic data; every example symtest reports is classified again by
//! scikit-learn's own `predict`.

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// python3 with the scikit-learn that scripts/setup.sh installs.
fn python() -> Std {
    let site = std::env::var("SYMTEST_ML_PYTHONPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join(".deps/ml-py"));
    let mut c = Std::new("python3");
    c.env("PYTHONPATH", &site);
    c
}

/// The standard output of a run that must succeed.
fn stdout_of(out: std::process::Output, what: &str) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn helper(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adversarial/nets.py");
    let out = python()
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    let what = format!(
        "nets.py {args:?} (is scikit-learn installed? `make setup` puts it in .deps/ml-py)"
    );
    String::from_utf8_lossy(&stdout_of(out, &what))
        .trim()
        .to_string()
}

struct Net {
    dir: tempfile_dir::Dir,
    name: &'static str,
}

mod tempfile_dir {
    /// A scratch folder removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new(tag: &str) -> Dir {
            let p = std::env::temp_dir().join(format!("symtest-adv-{tag}-{}", std::process::id()));
            std::fs::create_dir_all(&p).expect("scratch folder");
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Net {
    fn train(name: &'static str, hidden: u32, seed: u32) -> Net {
        let dir = tempfile_dir::Dir::new(name);
        let d = dir.0.to_string_lossy().to_string();
        helper(&["train", &d, name, &hidden.to_string(), &seed.to_string()]);
        Net { dir, name }
    }

    fn path(&self, suffix: &str) -> String {
        self.dir
            .0
            .join(format!("{}.{suffix}", self.name))
            .to_string_lossy()
            .to_string()
    }

    fn attack(&self, point: &str, eps: &str, features: &str, solver: &str) -> Value {
        let mut args = vec![
            "adversarial".to_string(),
            "--model".into(),
            self.path("json"),
            "--input".into(),
            self.path(point),
            "--eps".into(),
            eps.into(),
            "--solver".into(),
            solver.into(),
            "--timeout".into(),
            "60".into(),
            "--json".into(),
        ];
        if !features.is_empty() {
            args.push("--features".into());
            args.push(features.into());
        }
        let out = Command::cargo_bin("symtest")
            .expect("built")
            .args(&args)
            .output()
            .expect("runs");
        serde_json::from_slice(&stdout_of(out, "symtest adversarial")).expect("JSON")
    }

    /// scikit-learn's class for the example symtest reported.
    fn sklearn_class(&self, example: &Value) -> String {
        let d = self.dir.0.to_string_lossy().to_string();
        helper(&["predict", &d, self.name, &example.to_string()])
    }

    /// The classes scikit-learn gives random points of the box.
    fn sampled_classes(&self, point: &str, eps: &str, features: &str) -> Vec<u64> {
        let d = self.dir.0.to_string_lossy().to_string();
        let x = std::fs::read_to_string(self.path(point)).expect("point");
        let out = helper(&["sample", &d, self.name, &x, eps, features, "3000"]);
        serde_json::from_str(&out).expect("a list")
    }

    /// A reported example must be classified as claimed by scikit-learn.
    fn check_found(&self, r: &Value) {
        assert_eq!(r["result"], "found");
        let claimed = r["class"].as_str().expect("class");
        assert_ne!(claimed, r["original_class"].as_str().expect("original"));
        assert_eq!(self.sklearn_class(&r["example"]), claimed, "{r:#}");
    }
}

#[test]
fn one_free_feature_flips_the_class_of_a_tiny_network() {
    // Gymbo's example: 10 features, a hidden layer of 2, one feature free.
    let net = Net::train("gymbo", 2, 1);
    let mut flips = 0;
    for f in 0..10 {
        let r = net.attack("near.json", "2.0", &f.to_string(), "z3");
        match r["result"].as_str() {
            Some("found") => {
                net.check_found(&r);
                flips += 1;
            }
            Some("robust") => {}
            other => panic!("feature {f}: {other:?} {r:#}"),
        }
    }
    assert!(flips > 0, "no single feature flips the class");
}

#[test]
fn hidden_16_with_five_free_features_gets_an_answer() {
    let net = Net::train("h16", 16, 3);
    let r = net.attack("near.json", "0.5", "0,1,2,3,4", "portfolio");
    match r["result"].as_str() {
        Some("found") => net.check_found(&r),
        Some("robust") => {
            let seen = net.sampled_classes("near.json", "0.5", "0,1,2,3,4");
            assert_eq!(seen.len(), 1, "robust, yet sampling saw {seen:?}");
        }
        other => panic!("{other:?} {r:#}"),
    }
    let r = net.attack("near.json", "0.5", "0,1,2,3,4", "gd");
    assert_ne!(r["result"], "robust", "gd must never claim robustness");
    if r["result"] == "found" {
        net.check_found(&r);
    }
}

#[test]
fn a_small_eps_is_proven_robust() {
    let net = Net::train("far", 16, 5);
    let r = net.attack("far.json", "0.001", "", "z3");
    assert_eq!(r["result"], "robust", "{r:#}");
    let seen = net.sampled_classes("far.json", "0.001", "0,1,2,3,4,5,6,7,8,9");
    assert_eq!(seen.len(), 1);
}

#[test]
fn a_large_eps_on_every_feature_finds_an_example() {
    let net = Net::train("large", 8, 2);
    for solver in ["z3", "gd", "portfolio"] {
        let r = net.attack("near.json", "1.0", "", solver);
        net.check_found(&r);
    }
}

#[test]
fn bad_input_is_a_clear_error() {
    let net = Net::train("bad", 2, 1);
    let short = net.dir.0.join("short.json");
    std::fs::write(&short, "[1.0, 2.0]").expect("write");
    Command::cargo_bin("symtest")
        .expect("built")
        .args(["adversarial", "--model", &net.path("json"), "--input"])
        .arg(&short)
        .args(["--eps", "0.1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "the input has 2 features, the network takes 10",
        ));
    Command::cargo_bin("symtest")
        .expect("built")
        .args([
            "adversarial",
            "--model",
            &net.path("json"),
            "--input",
            &net.path("near.json"),
        ])
        .args(["--eps", "0.1", "--target", "cat"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "--target cat: no such class (the classes are 0, 1)",
        ));
}

#[test]
fn the_pytorch_exporter_writes_a_network_symtest_reads() {
    let dir = tempfile_dir::Dir::new("torch");
    let d = dir.0.to_string_lossy().to_string();
    helper(&["torchlike", &d]);
    let x = dir.0.join("x.json");
    std::fs::write(&x, "[0.0, 0.0]").expect("write");
    let model = dir.0.join("torch.json");
    let run = |eps: &str| {
        let out = Command::cargo_bin("symtest")
            .expect("built")
            .arg("adversarial")
            .arg("--model")
            .arg(&model)
            .arg("--input")
            .arg(&x)
            .args(["--eps", eps, "--solver", "z3", "--json"])
            .output()
            .expect("runs");
        serde_json::from_slice::<Value>(&stdout_of(out, "symtest adversarial")).expect("JSON")
    };
    let r = run("0.6");
    assert_eq!(r["original_class"], "low");
    assert_eq!(r["class"], "high", "{r:#}");
    assert_eq!(run("0.4")["result"], "robust");
}
