//! Exact evaluation of terms under a model: big integers and exact rationals,
//! so a model either satisfies a constraint or it does not, with no rounding.

use num_rational::BigRational;
use num_traits::{One, Zero};
use thiserror::Error;

use crate::fxhash::FxHashMap;
use crate::term::{Op, Term, Var};
use crate::value::{Value, int_div, int_rem, strings};

/// An assignment of values to variables, keyed by variable index. Indices
/// are dense within an exploration (`var_0`, `var_1`, ...), so the map is a
/// vector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Model {
    values: Vec<Option<Value>>,
}

impl Model {
    /// An empty model: no variable has a value.
    pub fn new() -> Model {
        Model::default()
    }

    /// Gives `var` the value `value`, replacing any it had.
    pub fn insert(&mut self, var: &Var, value: Value) {
        self.insert_index(var.index, value);
    }

    /// Gives the variable with index `index` the value `value`, replacing any it had.
    pub fn insert_index(&mut self, index: u32, value: Value) {
        let i = index as usize;
        if self.values.len() <= i {
            self.values.resize(i + 1, None);
        }
        self.values[i] = Some(value);
    }

    /// The value of `var`, if the model gives it one.
    pub fn get(&self, var: &Var) -> Option<&Value> {
        self.get_index(var.index)
    }

    /// The value of the variable with index `index`, if the model gives it one.
    pub fn get_index(&self, index: u32) -> Option<&Value> {
        self.values.get(index as usize).and_then(Option::as_ref)
    }

    /// Number of variables with a value.
    pub fn len(&self) -> usize {
        self.values.iter().filter(|v| v.is_some()).count()
    }

    /// True when no variable has a value.
    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }

    /// `(index, value)` pairs in index order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Value)> {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (i as u32, v)))
    }

    /// This model with every value of `other` written over it.
    pub fn overlaid(&self, other: &Model) -> Model {
        let mut out = self.clone();
        for (i, v) in other.iter() {
            out.insert_index(i, v.clone());
        }
        out
    }
}

/// Why a term has no value under a model.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EvalError {
    /// A variable the evaluation needed has no value; holds its name.
    #[error("variable {0} has no value in the model")]
    Unassigned(String),
    /// A real division, integer division or remainder met a zero divisor.
    #[error("division by zero")]
    DivisionByZero,
    /// An operand evaluated to a value of the wrong sort (a model that gives a
    /// variable a value of another sort); holds the term and the value.
    #[error("ill-sorted term: {0}")]
    IllSorted(String),
}

impl Term {
    /// The exact value of this term under `model`.
    pub fn eval(&self, model: &Model) -> Result<Value, EvalError> {
        Evaluator {
            model,
            memo: FxHashMap::default(),
        }
        .eval(self)
    }

    /// True when this Boolean term evaluates to `true` under `model`. An
    /// evaluation error (a missing value, a division by zero) is not `true`.
    pub fn holds(&self, model: &Model) -> bool {
        matches!(self.eval(model), Ok(Value::Bool(true)))
    }
}

/// True when every constraint holds under `model`.
pub fn satisfies(model: &Model, constraints: &[Term]) -> bool {
    let mut ev = Evaluator {
        model,
        memo: FxHashMap::default(),
    };
    constraints
        .iter()
        .all(|c| matches!(ev.eval(c), Ok(Value::Bool(true))))
}

struct Evaluator<'m> {
    model: &'m Model,
    memo: FxHashMap<u64, Value>,
}

impl Evaluator<'_> {
    fn eval(&mut self, t: &Term) -> Result<Value, EvalError> {
        match t.op() {
            Op::Const(v) => return Ok(v.clone()),
            Op::Var(v) => {
                return self
                    .model
                    .get(v)
                    .cloned()
                    .ok_or_else(|| EvalError::Unassigned(v.name.to_string()));
            }
            _ => {}
        }
        if let Some(v) = self.memo.get(&t.id()) {
            return Ok(v.clone());
        }
        let v = self.eval_node(t)?;
        self.memo.insert(t.id(), v.clone());
        Ok(v)
    }

    fn boolean(&mut self, t: &Term) -> Result<bool, EvalError> {
        match self.eval(t)? {
            Value::Bool(b) => Ok(b),
            other => Err(ill_sorted(t, &other)),
        }
    }

    fn string(&mut self, t: &Term) -> Result<std::sync::Arc<str>, EvalError> {
        match self.eval(t)? {
            Value::Str(s) => Ok(s),
            other => Err(ill_sorted(t, &other)),
        }
    }

    fn integer(&mut self, t: &Term) -> Result<num_bigint::BigInt, EvalError> {
        match self.eval(t)? {
            Value::Int(i) => Ok(i),
            other => Err(ill_sorted(t, &other)),
        }
    }

    fn rational(&mut self, t: &Term) -> Result<BigRational, EvalError> {
        let v = self.eval(t)?;
        v.to_rational().ok_or_else(|| ill_sorted(t, &v))
    }

    fn eval_node(&mut self, t: &Term) -> Result<Value, EvalError> {
        match t.op() {
            Op::Const(_) | Op::Var(_) => unreachable!("leaves are handled by eval"),
            Op::Not | Op::And | Op::Or | Op::Ite | Op::Eq | Op::Lt | Op::Le => self.logic(t),
            Op::Add
            | Op::Sub
            | Op::Mul
            | Op::Neg
            | Op::Div
            | Op::IntDiv(_)
            | Op::IntMod(_)
            | Op::ToReal
            | Op::ToInt => self.arithmetic(t),
            string_ops!() => self.string_op(t),
        }
    }

    /// Connectives, `ite`, equality and order.
    fn logic(&mut self, t: &Term) -> Result<Value, EvalError> {
        let args = t.args();
        Ok(match t.op() {
            Op::Not => Value::Bool(!self.boolean(&args[0])?),
            // Short-circuit, so an undefined operand behind a false guard is not evaluated.
            Op::And => {
                for a in args {
                    if !self.boolean(a)? {
                        return Ok(Value::Bool(false));
                    }
                }
                Value::Bool(true)
            }
            Op::Or => {
                for a in args {
                    if self.boolean(a)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Value::Bool(false)
            }
            Op::Ite => {
                if self.boolean(&args[0])? {
                    self.eval(&args[1])?
                } else {
                    self.eval(&args[2])?
                }
            }
            Op::Eq => {
                let a = self.eval(&args[0])?;
                let b = self.eval(&args[1])?;
                Value::Bool(match (&a, &b) {
                    (Value::Bool(x), Value::Bool(y)) => x == y,
                    (Value::Int(x), Value::Int(y)) => x == y,
                    (Value::Str(x), Value::Str(y)) => x == y,
                    (Value::Str(_), _) | (_, Value::Str(_)) => false,
                    _ => a.to_rational() == b.to_rational(),
                })
            }
            Op::Lt | Op::Le => {
                let a = self.eval(&args[0])?;
                let b = self.eval(&args[1])?;
                let ord = match (&a, &b) {
                    (Value::Int(x), Value::Int(y)) => x.cmp(y),
                    _ => rational_of(&args[0], &a)?.cmp(&rational_of(&args[1], &b)?),
                };
                Value::Bool(if *t.op() == Op::Lt {
                    ord.is_lt()
                } else {
                    ord.is_le()
                })
            }
            _ => unreachable!("logic: dispatched by eval_node"),
        })
    }

    /// Sums, products, divisions and conversions between Int and Real.
    fn arithmetic(&mut self, t: &Term) -> Result<Value, EvalError> {
        let args = t.args();
        Ok(match t.op() {
            Op::Add | Op::Mul | Op::Sub if t.sort() == crate::value::Sort::Int => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    match self.eval(a)? {
                        Value::Int(i) => vals.push(i),
                        other => return Err(ill_sorted(a, &other)),
                    }
                }
                let mut it = vals.into_iter();
                let first = it.next().unwrap_or_default();
                Value::Int(match t.op() {
                    Op::Add => it.fold(first, |acc, x| acc + x),
                    Op::Mul => it.fold(first, |acc, x| acc * x),
                    _ => it.fold(first, |acc, x| acc - x),
                })
            }
            Op::Add => {
                let mut acc = BigRational::zero();
                for a in args {
                    acc += self.rational(a)?;
                }
                in_sort(t, acc)
            }
            Op::Mul => {
                let mut acc = BigRational::one();
                for a in args {
                    acc *= self.rational(a)?;
                }
                in_sort(t, acc)
            }
            Op::Sub => {
                let d = self.rational(&args[0])? - self.rational(&args[1])?;
                in_sort(t, d)
            }
            Op::Neg => {
                let x = self.rational(&args[0])?;
                in_sort(t, -x)
            }
            Op::Div => {
                let a = self.rational(&args[0])?;
                let b = self.rational(&args[1])?;
                if b.is_zero() {
                    return Err(EvalError::DivisionByZero);
                }
                Value::Real(a / b)
            }
            Op::IntDiv(r) | Op::IntMod(r) => {
                let a = self.eval(&args[0])?;
                let b = self.eval(&args[1])?;
                let (Value::Int(x), Value::Int(y)) = (&a, &b) else {
                    return Err(EvalError::IllSorted(format!("{t}")));
                };
                let out = if matches!(t.op(), Op::IntDiv(_)) {
                    int_div(x, y, *r)
                } else {
                    int_rem(x, y, *r)
                };
                Value::Int(out.ok_or(EvalError::DivisionByZero)?)
            }
            Op::ToReal => Value::Real(self.rational(&args[0])?),
            Op::ToInt => Value::Int(self.rational(&args[0])?.floor().to_integer()),
            _ => unreachable!("arithmetic: dispatched by eval_node"),
        })
    }

    /// The string operations, with the semantics of [`strings`].
    fn string_op(&mut self, t: &Term) -> Result<Value, EvalError> {
        let args = t.args();
        Ok(match t.op() {
            Op::StrLen => Value::Int(strings::len(&self.string(&args[0])?)),
            Op::StrAt => Value::str(&strings::at(
                &self.string(&args[0])?,
                &self.integer(&args[1])?,
            )),
            Op::StrConcat => {
                let mut out = String::new();
                for a in args {
                    out.push_str(&self.string(a)?);
                }
                Value::str(&out)
            }
            Op::StrSubstr => Value::str(&strings::substr(
                &self.string(&args[0])?,
                &self.integer(&args[1])?,
                &self.integer(&args[2])?,
            )),
            Op::StrContains => {
                Value::Bool(self.string(&args[0])?.contains(&*self.string(&args[1])?))
            }
            Op::StrPrefixOf => {
                Value::Bool(self.string(&args[1])?.starts_with(&*self.string(&args[0])?))
            }
            Op::StrSuffixOf => {
                Value::Bool(self.string(&args[1])?.ends_with(&*self.string(&args[0])?))
            }
            Op::StrIndexOf => Value::Int(strings::index_of(
                &self.string(&args[0])?,
                &self.string(&args[1])?,
                &self.integer(&args[2])?,
            )),
            Op::StrLt => Value::Bool(self.string(&args[0])? < self.string(&args[1])?),
            Op::StrLe => Value::Bool(self.string(&args[0])? <= self.string(&args[1])?),
            Op::StrToInt => Value::Int(strings::to_int(&self.string(&args[0])?)),
            Op::IntToStr => Value::str(&strings::from_int(&self.integer(&args[0])?)),
            Op::StrToCode => Value::Int(strings::to_code(&self.string(&args[0])?)),
            Op::StrFromCode => Value::str(&strings::from_code(&self.integer(&args[0])?)),
            Op::StrCharsIn(lo, hi) => Value::Bool(
                self.string(&args[0])?
                    .chars()
                    .all(|c| (*lo..=*hi).contains(&u32::from(c))),
            ),
            _ => unreachable!("strings: dispatched by eval_node"),
        })
    }
}

fn rational_of(t: &Term, v: &Value) -> Result<BigRational, EvalError> {
    v.to_rational().ok_or_else(|| ill_sorted(t, v))
}

fn in_sort(t: &Term, x: BigRational) -> Value {
    match t.sort() {
        crate::value::Sort::Int if x.is_integer() => Value::Int(x.to_integer()),
        _ => Value::Real(x),
    }
}

fn ill_sorted(t: &Term, v: &Value) -> EvalError {
    EvalError::IllSorted(format!("{t} evaluated to {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Rounding, Sort};

    #[test]
    fn evaluates_exactly() {
        let a = Var::new(0, "a", Sort::Int);
        let b = Var::new(1, "b", Sort::Int);
        let (ta, tb) = (Term::var(a.clone()), Term::var(b.clone()));
        let mut m = Model::new();
        m.insert(&a, Value::int(-7));
        m.insert(&b, Value::int(2));
        assert_eq!(
            ta.int_div(&tb, Rounding::Trunc).eval(&m),
            Ok(Value::int(-3))
        );
        assert_eq!(ta.int_mod(&tb, Rounding::Floor).eval(&m), Ok(Value::int(1)));
        assert!(ta.times(&tb).equal(&Term::int(-14)).holds(&m));
        m.insert(&b, Value::int(0));
        assert_eq!(
            ta.int_div(&tb, Rounding::Floor).eval(&m),
            Err(EvalError::DivisionByZero)
        );
        // A guard that fails first hides the undefined division.
        let guarded = Term::and([
            tb.distinct(&Term::int(0)),
            ta.int_div(&tb, Rounding::Floor).less(&Term::int(0)),
        ]);
        assert_eq!(guarded.eval(&m), Ok(Value::Bool(false)));
    }

    #[test]
    fn missing_values_are_errors_not_defaults() {
        let a = Term::var(Var::new(3, "q", Sort::Int));
        let c = a.less(&Term::int(3));
        assert!(!c.holds(&Model::new()));
        assert!(matches!(
            c.eval(&Model::new()),
            Err(EvalError::Unassigned(_))
        ));
    }
}
