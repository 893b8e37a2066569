//! `symtest prob` end to end: exact probabilities through the CLI.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{assert_run, succeeded, symtest};

fn example(name: &str) -> String {
    common::example(&format!("prob/{name}"))
}

fn json(args: &[&str]) -> Value {
    let out = succeeded(
        symtest()
            .arg("prob")
            .args(args)
            .arg("--json")
            .output()
            .expect("runs"),
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// P(return value == v) in the only region, exactly.
fn p_returns(report: &Value, v: &str) -> String {
    let regions = report["regions"].as_array().expect("regions");
    assert_eq!(regions.len(), 1, "{report:#}");
    regions[0]["returns"]
        .as_array()
        .expect("a distribution")
        .iter()
        .find(|e| e["value"] == v)
        .map(|e| {
            e["probability"]["exact"]
                .as_str()
                .expect("exact")
                .to_string()
        })
        .unwrap_or_else(|| "0".into())
}

/// Every path of `case` was explored: the whole probability mass.
fn complete(report: &Value, case: &str) {
    assert_eq!(report["complete"], true, "{case}: {report:#}");
    for r in report["regions"].as_array().expect("regions") {
        assert_eq!(r["mass"]["exact"], "1", "{case}: {report:#}");
    }
}

/// Programs whose chance of returning 1 is known exactly: every path is
/// explored and the probability is exact.
#[test]
fn simple_programs_have_exact_probabilities() {
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "one biased coin",
            &["c ~ bernoulli(0.3); if (c == 1) return 1; return 0;"],
            "3/10",
        ),
        (
            "two biased coins, both heads",
            &["a ~ bernoulli(0.3); b ~ bernoulli(0.3); if (a == 1 && b == 1) return 1; return 0;"],
            "9/100",
        ),
        // Gymbo's plain syntax: x is an input, made random by --dist.
        (
            "a binomial from the command line",
            &[
                "if (x >= 2) return 1; return 0;",
                "--dist",
                "x=binomial(3,0.2)",
            ],
            "13/125",
        ),
        (
            "a binomial in the program",
            &["k ~ binomial(2, 0.1); if (k == 0) return 1; return 0;"],
            "81/100",
        ),
        (
            "a die",
            &["d ~ uniform(1, 6); if (d >= 5) return 1; return 0;"],
            "1/3",
        ),
        (
            "two dice",
            &["d1 ~ uniform(1,6); d2 ~ uniform(1,6); if (d1 + d2 == 7) return 1; return 0;"],
            "1/6",
        ),
    ];
    for (case, args, p) in cases {
        let r = json(args);
        complete(&r, case);
        assert_eq!(p_returns(&r, "1"), p, "{case}");
    }
}

#[test]
fn monty_hall() {
    let monty = example("monty.c");
    let stay = json(&["-f", &monty, "--input", "switch=0"]);
    complete(&stay, "monty.c, staying");
    assert_eq!(p_returns(&stay, "1"), "1/3");
    let switch = json(&["-f", &monty, "--input", "switch=1"]);
    assert_eq!(p_returns(&switch, "1"), "2/3");
    // Left symbolic, the switch splits the results into two input regions.
    let both = json(&["-f", &monty]);
    let regions = both["regions"].as_array().expect("regions");
    assert_eq!(regions.len(), 2, "{both:#}");
    for r in regions {
        let win = r["returns"]
            .as_array()
            .expect("distribution")
            .iter()
            .find(|e| e["value"] == "1")
            .expect("wins sometimes");
        let expected = if r["region"].as_str().is_some_and(|s| s.contains("!=")) {
            "1/3"
        } else {
            "2/3"
        };
        assert_eq!(win["probability"]["exact"], expected, "{r:#}");
    }
}

#[test]
fn moments_and_observed_variables() {
    let r = json(&["-f", &example("dice.c"), "--observe", "seven"]);
    complete(&r, "dice.c");
    let g = &r["regions"][0];
    assert_eq!(g["return_moments"]["mean"]["exact"], "7");
    assert_eq!(g["return_moments"]["variance"]["exact"], "35/6");
    assert_eq!(g["observe"]["moments"]["mean"]["exact"], "1/6");
    assert_eq!(g["returns"].as_array().expect("sums").len(), 11);
}

#[test]
fn draws_in_a_loop_are_fresh_variables() {
    let r = json(&["-f", &example("retry.c")]);
    complete(&r, "retry.c");
    assert_eq!(p_returns(&r, "1"), "7/10");
    assert_eq!(p_returns(&r, "4"), "189/10000");
    assert_eq!(p_returns(&r, "-1"), "81/10000");
    let names: Vec<&str> = r["random"]
        .as_array()
        .expect("random inputs")
        .iter()
        .map(|v| v["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["ok", "ok#2", "ok#3", "ok#4"]);
}

#[test]
fn a_budget_leaves_mass_missing_and_says_so() {
    let r = json(&["-f", &example("retry.c"), "--max-runs", "2"]);
    assert_eq!(r["complete"], false);
    let mass = r["regions"][0]["mass"]["value"].as_f64().expect("a number");
    assert!(mass < 1.0, "{r:#}");
    symtest()
        .args(["prob", "-f", &example("retry.c"), "--max-runs", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("incomplete: run budget reached"));
}

#[test]
fn inputs_tied_to_random_values_get_results_per_point() {
    let r = json(&["x ~ uniform(1, 3); if (x < a) return 1; return 0;"]);
    for g in r["regions"].as_array().expect("regions") {
        assert_eq!(g["mass"]["exact"], "1", "{g:#}");
    }
}

#[test]
fn the_listing_reads_well() {
    assert_run(
        &[
            "prob",
            "c ~ bernoulli(0.3); if (c == 1) return 1; return 0;",
        ],
        true,
        &[
            "probability 3/10 (0.3)",
            "E = 3/10 (0.3)   Var = 21/100 (0.21)",
            "explored probability mass: 1 (complete: every path explored)",
        ],
        &[],
    );
}

#[test]
fn bad_distributions_are_clear_errors() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["prob", "x ~ poisson(3); return x;"],
            "<program>:1:5: unknown distribution 'poisson'",
        ),
        (
            &["prob", "return x;", "--dist", "x=bernoulli(2)"],
            "--dist x: probability 2 is outside [0, 1]",
        ),
        (&["prob", "return x;", "--dist", "x"], "expected NAME=VALUE"),
        (
            &["prob", "c ~ categorical(1: 0.5, 2: 0.4); return c;"],
            "sum to 9/10, not 1",
        ),
    ];
    for (args, says) in cases {
        assert_run(args, false, &[], &[says]);
    }
}
