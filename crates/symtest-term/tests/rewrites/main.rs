//! Every rewrite is an equivalence. Random expressions over Int, Real and
//! Bool variables are built through the smart constructors (which fold
//! constants and rewrite) and also evaluated as written, by a reference
//! evaluator of this test with the same exact semantics (floor, truncating
//! and Euclidean division; code-point strings).
//!
//! The reference reads a division by zero as SMT-LIB does: some value nobody
//! specified, a function of the dividend (an "oracle" here, drawn at random).
//! `Term::eval` says "division by zero" instead of choosing one. Hence the law:
//! - where the built term has a value, the expression has that very value
//!   under every oracle (a rewrite may drop an undefined part, as `x - x = 0`
//!   does, but never changes a defined result);
//! - where the built term fails, the expression evaluated with errors for
//!   division by zero fails too (no rewrite moves a division out of the
//!   guard that kept it from being evaluated).
//!
//! The same holds of the term with the model's values substituted (which
//! folds it to that constant) and of the term lowered for SMT solvers
//! (`lower`: divisions made Euclid's, a character's membership in a constant
//! string made ranges of its code).

mod expr;
mod generate;
mod reference;

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use symtest_term::fxhash::FxHashMap;
use symtest_term::{EvalError, Model, Sort, Term, lower, postorder};

use expr::{E, Expr, Fn1, build, sort_of};
use generate::{digits_expr, expr, model};
use reference::{Reference, Undefined, V};

/// The law for the built term `t` of `e` under one model (see the top of
/// this file); an error says how it broke.
fn check(e: &Expr, t: &Term, values: &[V], oracles: &[u64]) -> Result<(), String> {
    let mut model = Model::new();
    for (i, v) in values.iter().enumerate() {
        model.insert_index(i as u32, v.value());
    }
    let got = match t.eval(&model) {
        Ok(v) => V::of(&v),
        Err(EvalError::DivisionByZero) => {
            let strict = Reference {
                model: values,
                oracle: None,
            }
            .eval(e);
            return match strict {
                Err(Undefined) => Ok(()),
                Ok(v) => Err(format!("{t} fails where the expression is {v:?}")),
            };
        }
        Err(other) => return Err(format!("{t}: {other}")),
    };
    for &oracle in oracles {
        let reference = Reference {
            model: values,
            oracle: Some(oracle),
        };
        match reference.eval(e) {
            Ok(want) if want == got => {}
            want => return Err(format!("{t} is {got:?}, the expression {want:?}")),
        }
    }
    let map: FxHashMap<u32, Term> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as u32, Term::constant(v.value())))
        .collect();
    let folded = t.substitute(&map);
    if folded.as_const().map(V::of) != Some(got.clone()) {
        return Err(format!(
            "{t} with the model's values folds to {folded}, not {got:?}"
        ));
    }
    let lowered = lower(t);
    match lowered.eval(&model) {
        Ok(v) if V::of(&v) == got => Ok(()),
        other => Err(format!(
            "{t} lowered is {lowered}, which gives {other:?}, not {got:?}"
        )),
    }
}

/// The built term of `e` has the expression's sort, and [`check`] holds in
/// each model.
fn holds_in_every_model(e: &Expr, models: &[Vec<V>], oracles: &[u64]) -> Result<(), TestCaseError> {
    let t = build(e);
    prop_assert_eq!(t.sort(), sort_of(e), "{}", t);
    for m in models {
        if let Err(why) = check(e, &t, m, oracles) {
            prop_assert!(false, "{why}\nexpression {e:?}\nmodel {m:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn every_rewrite_is_an_equivalence(
        e in expr(4),
        models in prop::collection::vec(model(), 4),
        oracles in prop::collection::vec(any::<u64>(), 3),
    ) {
        holds_in_every_model(&e, &models, &oracles)?;
    }

    #[test]
    fn digit_rewrites_are_exact(
        e in digits_expr(),
        models in prop::collection::vec(model(), 4),
        oracles in prop::collection::vec(any::<u64>(), 2),
    ) {
        holds_in_every_model(&e, &models, &oracles)?;
    }
}

/// The generators reach every operator, and the digit expressions the
/// rewrites of the short form: properties that never met them would pass
/// on nothing.
#[test]
fn the_generators_reach_every_operator() {
    let mut runner = TestRunner::deterministic();
    let strategy = expr(4);
    let mut seen = BTreeSet::new();
    for _ in 0..3000 {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let mut stack = vec![tree.current()];
        while let Some(e) = stack.pop() {
            seen.insert(e.kind());
            stack.extend(e.children().into_iter().cloned());
        }
    }
    let every = [
        "Var",
        "Int",
        "Real",
        "Bool",
        "Str",
        "Not",
        "And",
        "Or",
        "Implies",
        "Ite",
        "Cmp Eq",
        "Cmp Ne",
        "Cmp Lt",
        "Cmp Le",
        "Cmp Gt",
        "Cmp Ge",
        "Truthy",
        "Numeric",
        "Sum",
        "Minus",
        "Product",
        "Neg",
        "Div",
        "IntDiv Trunc",
        "IntDiv Floor",
        "IntDiv Euclid",
        "IntMod Trunc",
        "IntMod Floor",
        "IntMod Euclid",
        "ToReal",
        "ToInt",
        "Fn1 Len",
        "Fn1 StrToInt",
        "Fn1 ToCode",
        "Fn1 FromInt",
        "Fn1 FromCode",
        "Fn1 ShortStr",
        "Fn2 At",
        "Fn2 Contains",
        "Fn2 StartsWith",
        "Fn2 EndsWith",
        "Fn2 Less",
        "Fn2 LessEq",
        "Concat",
        "Substr",
        "IndexOf",
        "CharsIn",
    ];
    for kind in every {
        assert!(seen.contains(kind), "no {kind} among {seen:?}");
    }
    // Over the short form, the digit rewrites leave no string behind.
    let digits = digits_expr();
    let mut rewritten = 0;
    for _ in 0..300 {
        let Ok(tree) = digits.new_tree(&mut runner) else {
            continue;
        };
        let e = tree.current();
        let t = build(&e);
        let over_short_form = matches!(&e, E::Fn1(Fn1::Len | Fn1::StrToInt, s) if matches!(**s, E::Fn1(Fn1::ShortStr, _)));
        if over_short_form
            && postorder(std::slice::from_ref(&t))
                .iter()
                .all(|n| n.sort() != Sort::Str)
        {
            rewritten += 1;
        }
    }
    assert!(rewritten > 10, "{rewritten} digit expressions rewritten");
}
