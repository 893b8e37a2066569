//! The law of `symtest prob`: on random probabilistic programs, the exact
//! distribution of the return value agrees with Monte-Carlo simulation of the
//! same program (within a few standard errors).

use proptest::prelude::*;
use symtest_explore::prob::{Dist, to_f64};
use symtest_explore::{ExploreOptions, Outcome, SiteId, Subject, Tracer};
use symtest_minic::{Config, MiniC, parse};
use symtest_prob::{ProbJob, run_prob};
use symtest_solve::SolverOptions;
use symtest_solve::rng::Rng;
use symtest_term::fxhash::FxHashMap;
use symtest_term::{Sort, Term, Value};

const SAMPLES: usize = 4000;

/// Draws every input from its distribution.
struct Sampler<'a> {
    dists: &'a FxHashMap<String, Dist>,
    rng: &'a mut Rng,
}

impl Tracer for Sampler<'_> {
    fn input(&mut self, name: &str, _: Sort) -> (Value, Term) {
        let Some(d) = self.dists.get(name) else {
            return (Value::int(0), Term::int(0));
        };
        let u = self.rng.next_f64();
        let mut acc = 0.0;
        let mut pick = d.support.last().map(|(v, _)| v.clone()).unwrap_or_default();
        for (v, p) in &d.support {
            acc += to_f64(p);
            if u < acc {
                pick = v.clone();
                break;
            }
        }
        let v = Value::Int(pick);
        (v.clone(), Term::constant(v))
    }
    fn branch(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn branch_concrete(&mut self, _: SiteId, _: bool) {}
    fn assume(&mut self, _: SiteId, _: &Term, _: bool) {}
    fn concretised(&mut self, _: &str) {}
}

fn dist_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..10).prop_map(|p| format!("bernoulli({p}/10)")),
        (-2i32..3, 0i32..4).prop_map(|(lo, k)| format!("uniform({lo}, {})", lo + k)),
        (1u32..5, 1u32..10).prop_map(|(n, p)| format!("binomial({n}, 0.{p})")),
        (1u32..4, 1u32..4, 1u32..4).prop_map(|(a, b, c)| {
            let t = a + b + c;
            format!("categorical(-1: {a}/{t}, 2: {b}/{t}, 5: {c}/{t})")
        }),
    ]
}

fn linear(n: usize) -> impl Strategy<Value = String> {
    (prop::collection::vec(-2i32..3, n), -3i32..4).prop_map(|(cs, k)| {
        let mut parts: Vec<String> = cs
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .map(|(i, c)| format!("{c}*x{i}"))
            .collect();
        parts.push(k.to_string());
        parts.join(" + ")
    })
}

fn program() -> impl Strategy<Value = (Vec<String>, String)> {
    (1usize..4).prop_flat_map(|n| {
        let ops = prop::sample::select(vec!["<", "<=", "==", "!=", ">", ">="]);
        let test = (linear(n), ops, -2i32..4).prop_map(|(l, op, m)| format!("{l} {op} {m}"));
        let stmt = (test, linear(n), prop::bool::ANY).prop_map(|(t, r, nested)| {
            if nested {
                format!("if ({t}) {{ y = {r}; if (y > 0) return y; }}")
            } else {
                format!("if ({t}) return {r};")
            }
        });
        (
            prop::collection::vec(dist_text(), n),
            prop::collection::vec(stmt, 1..4),
            linear(n),
        )
            .prop_map(|(dists, stmts, last)| {
                let draws: Vec<String> = dists
                    .iter()
                    .enumerate()
                    .map(|(i, d)| format!("x{i} ~ {d};"))
                    .collect();
                let src = format!("{}\n{}\nreturn {last};", draws.join(" "), stmts.join("\n"));
                (dists, src)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn exact_distribution_matches_simulation((dist_texts, src) in program()) {
        let job = ProbJob {
            source: src.clone(),
            config: Config::default(),
            observe: None,
            solver: SolverOptions::default(),
            explore: ExploreOptions::default(),
            max_states: 100_000,
        };
        let exact = run_prob(&job).expect("weighs");
        prop_assert!(exact.complete(), "{src}");
        prop_assert_eq!(exact.regions.len(), 1);
        let region = &exact.regions[0];
        prop_assert_eq!(to_f64(&region.mass), 1.0, "{}", src);

        let dists: FxHashMap<String, Dist> = dist_texts
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("x{i}"), Dist::parse(d).expect("valid")))
            .collect();
        let mut subject = MiniC::new(parse(&src).expect("parses"), Config::default());
        let mut rng = Rng::new(src.len() as u64 * 7919 + 17);
        let mut counts: FxHashMap<String, usize> = FxHashMap::default();
        for _ in 0..SAMPLES {
            let outcome = subject.run(&mut Sampler { dists: &dists, rng: &mut rng });
            let key = match outcome {
                Outcome::Returned(v) => v,
                other => other.to_string(),
            };
            *counts.entry(key).or_default() += 1;
        }
        for (k, p) in &region.returns {
            let p = to_f64(p);
            let freq = counts.get(&k.text).copied().unwrap_or(0) as f64 / SAMPLES as f64;
            let tolerance = 4.5 * (p * (1.0 - p) / SAMPLES as f64).sqrt() + 2.0 / SAMPLES as f64;
            prop_assert!((freq - p).abs() <= tolerance,
                "{src}\nvalue {}: exact {p}, simulated {freq}", k.text);
        }
        for k in counts.keys() {
            prop_assert!(region.returns.keys().any(|e| &e.text == k),
                "{src}\nsimulation returned {k}, which has probability 0 in the exact result");
        }
    }
}
