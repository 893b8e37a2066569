//! Terms for symtest: a hash-consed DAG over the sorts Bool, Int and Real,
//! built through simplifying constructors, evaluated exactly under a model,
//! and printed in Gymbo's infix style or as SMT-LIB.
//!
//! ```
//! use symtest_term::{Model, Sort, Term, Value, Var};
//!
//! let a = Var::new(0, "a", Sort::Int);
//! let x = Term::var(a.clone());
//! let c = Term::and([x.less(&Term::int(3)), !&x.greater(&Term::int(4))]);
//! assert_eq!(c.to_string(), "var_0<3&&!(4<var_0)");
//! let mut m = Model::new();
//! m.insert(&a, Value::int(2));
//! assert!(c.holds(&m));
//! ```

#![warn(missing_docs)]

/// The pattern matching every string operator of [`Op`], for a `match`
/// that treats them alike (`symtest_term::string_ops!() => ...`; bare
/// `string_ops!()` in this crate's modules, declared below it): a new one is
/// listed here once, and such matches stay exhaustive.
#[macro_export]
macro_rules! string_ops {
    () => {
        $crate::Op::StrLen
            | $crate::Op::StrAt
            | $crate::Op::StrConcat
            | $crate::Op::StrSubstr
            | $crate::Op::StrContains
            | $crate::Op::StrPrefixOf
            | $crate::Op::StrSuffixOf
            | $crate::Op::StrIndexOf
            | $crate::Op::StrLt
            | $crate::Op::StrLe
            | $crate::Op::StrToInt
            | $crate::Op::IntToStr
            | $crate::Op::StrToCode
            | $crate::Op::StrFromCode
            | $crate::Op::StrCharsIn(..)
    };
}

mod construct;
mod digits;
mod eval;
pub mod fxhash;
mod lower;
mod print;
mod simplify;
pub mod smtlib;
mod term;
mod value;
mod visit;

pub use construct::{concat, product, sum};
pub use digits::CASES as DIGIT_CASES;
pub use eval::{EvalError, Model, satisfies};
pub use lower::{lower, lower_division};
pub use print::Named;
pub use simplify::Simplifier;
pub use term::{Op, Term, Var, live_terms};
pub use value::{Rounding, Sort, Value, fmt_rational, int_div, int_rem, py_str_repr, strings};
pub use visit::{postorder, vars_of};

pub use num_bigint::BigInt;
pub use num_rational::BigRational;
