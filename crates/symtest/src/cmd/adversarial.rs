//! `symtest adversarial`: a nearby input of another class, or a proof of none.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::json;
use symtest_relu::{AttackOptions, Mlp, Query, Verdict, attack, parse_point};

use crate::cli::AdversarialArgs;

fn target_index(mlp: &Mlp, t: &str) -> Result<usize> {
    if let Some(i) = mlp.classes.iter().position(|c| c == t) {
        return Ok(i);
    }
    match t.parse::<usize>() {
        Ok(i) if i < mlp.outputs() => Ok(i),
        _ => bail!(
            "--target {t}: no such class (the classes are {})",
            mlp.classes.join(", ")
        ),
    }
}

pub fn run(args: &AdversarialArgs) -> Result<u8> {
    let model_text = std::fs::read_to_string(&args.model)
        .with_context(|| format!("cannot read {}", args.model.display()))?;
    let mlp = Mlp::from_json(&model_text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.model.display()))?;
    let input_text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let x =
        parse_point(&input_text).map_err(|e| anyhow::anyhow!("{}: {e}", args.input.display()))?;
    let target = args
        .target
        .as_deref()
        .map(|t| target_index(&mlp, t))
        .transpose()?;
    let timeout = Duration::try_from_secs_f64(args.timeout).map_err(|_| {
        anyhow::anyhow!(
            "--timeout must be a non-negative number of seconds, got {}",
            args.timeout
        )
    })?;
    let q = Query {
        x: x.clone(),
        eps: args.eps,
        features: args.features.clone(),
        target,
    };
    let opts = AttackOptions {
        timeout,
        seed: args.seed,
        ..AttackOptions::default()
    };
    let r = attack(&mlp, &q, args.solver, &opts)?;
    let class = |i: usize| mlp.classes[i].clone();
    if args.json {
        let mut o = json!({
            "original_class": class(r.original),
            "original_outputs": r.original_outputs,
            "solver": args.solver.name(),
            "eps": args.eps,
            "seconds": r.elapsed.as_secs_f64(),
            "solver_calls": r.solver_calls,
        });
        match &r.verdict {
            Verdict::Found(e) => {
                o["result"] = json!("found");
                o["example"] = json!(e.x);
                o["class"] = json!(class(e.class));
                o["outputs"] = json!(e.outputs);
                o["found_by"] = json!(e.by);
                o["changed"] = json!(
                    changed(&e.x, &x)
                        .map(|(i, from, to)| json!({"feature": i, "from": from, "to": to}))
                        .collect::<Vec<_>>()
                );
            }
            Verdict::Robust => o["result"] = json!("robust"),
            Verdict::Unknown(why) => {
                o["result"] = json!("unknown");
                o["reason"] = json!(why);
            }
        }
        println!("{}", serde_json::to_string_pretty(&o)?);
        return Ok(0);
    }
    println!(
        "input: class {} (outputs {})",
        class(r.original),
        fmt_vec(&r.original_outputs)
    );
    let scope = if args.features.is_empty() {
        "all features".to_string()
    } else {
        format!(
            "features {}",
            args.features
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let wanted = match target {
        Some(t) => format!("class {}", class(t)),
        None => "another class".into(),
    };
    match &r.verdict {
        Verdict::Found(e) => {
            println!(
                "found by {}: class {} within eps {} on {scope} (checked by an exact forward pass)",
                e.by,
                class(e.class),
                args.eps
            );
            for (i, from, to) in changed(&e.x, &x) {
                println!("  feature {i}: {from} -> {to} ({:+})", to - from);
            }
            println!("  outputs {}", fmt_vec(&e.outputs));
            println!("  example: {}", serde_json::to_string(&e.x)?);
        }
        Verdict::Robust => println!(
            "robust: no input within eps {} on {scope} has {wanted} (z3: unsatisfiable)",
            args.eps
        ),
        Verdict::Unknown(why) => println!("unknown: {why}"),
    }
    println!(
        "{:.2} s, {} solver call(s)",
        r.elapsed.as_secs_f64(),
        r.solver_calls
    );
    Ok(0)
}

/// The features an example changed: `(index, from, to)`.
fn changed<'a>(found: &'a [f64], x: &'a [f64]) -> impl Iterator<Item = (usize, f64, f64)> + 'a {
    found
        .iter()
        .zip(x)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i, *b, *a))
}

fn fmt_vec(v: &[f64]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{x:.4}")).collect();
    format!("[{}]", parts.join(", "))
}
