//! Input types: parsed from annotations (`list[int]`, `typing.Dict[str, int]`,
//! `Optional[float]`, `int | None`), inferred from example values (what the
//! dataset's own calls passed), and joined across examples.

use std::fmt;

use ruff_python_ast::{self as ast, Expr};
use symtest_pyvalue::PyValue;

/// The type of a parameter: what inputs are built from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `bool`.
    Bool,
    /// `str`.
    Str,
    /// `None` (the type of the value `None`).
    None,
    /// `list[T]`.
    List(Box<Ty>),
    /// A fixed-length tuple.
    Tuple(Vec<Ty>),
    /// `tuple[T, ...]`.
    TupleOf(Box<Ty>),
    /// `dict[K, V]`.
    Dict(Box<Ty>, Box<Ty>),
    /// `set[T]`.
    Set(Box<Ty>),
    /// `T | None` (`Optional[T]`).
    Optional(Box<Ty>),
    /// `A | B | ...` (one of the variants, chosen at `VARIANT_SITE`).
    Union(Vec<Ty>),
    /// Nothing known (an empty container's elements): generated as `int`.
    Any,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int => f.write_str("int"),
            Ty::Float => f.write_str("float"),
            Ty::Bool => f.write_str("bool"),
            Ty::Str => f.write_str("str"),
            Ty::None => f.write_str("None"),
            Ty::List(t) => write!(f, "list[{t}]"),
            Ty::Tuple(ts) => {
                f.write_str("tuple[")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                if ts.is_empty() {
                    f.write_str("()")?;
                }
                f.write_str("]")
            }
            Ty::TupleOf(t) => write!(f, "tuple[{t}, ...]"),
            Ty::Dict(k, v) => write!(f, "dict[{k}, {v}]"),
            Ty::Set(t) => write!(f, "set[{t}]"),
            Ty::Optional(t) => write!(f, "{t} | None"),
            Ty::Union(ts) => {
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{t}")?;
                }
                Ok(())
            }
            Ty::Any => f.write_str("Any"),
        }
    }
}

impl Ty {
    /// Parses a type as written in an annotation.
    pub fn parse(text: &str) -> Result<Ty, String> {
        let parsed = ruff_python_parser::parse_expression(text.trim())
            .map_err(|e| format!("not a type expression: {}", e.error))?;
        from_expr(parsed.expr())
    }

    /// The type of one example value.
    pub fn of_value(v: &PyValue) -> Ty {
        Ty::of_value_in(v, Join::Widen)
    }

    /// The type of the values a parameter was seen with, as a recorder
    /// like MonkeyType keeps it: where ints and floats meet (the parameter
    /// itself or a container's items) the type stays `int | float`, since
    /// the code may tell them apart (`isinstance(x, int)`, `x % 2` on an
    /// int) and inputs should then come both ways.
    ///
    /// Only a parameter's own variant is a decision the explorer takes
    /// every way (an item's is fixed when the input is built), so an
    /// `int | float` inside a container is lifted to the parameter:
    /// `list[int | float]` is recorded as `list[int] | list[float]`.
    pub fn recorded<'a>(values: impl IntoIterator<Item = &'a PyValue>) -> Ty {
        let joined = values.into_iter().fold(Ty::Any, |acc, v| {
            acc.join_in(&Ty::of_value_in(v, Join::Apart), Join::Apart)
        });
        match joined {
            Ty::Union(ts) => Ty::Union(ts.into_iter().map(|t| t.numbers_as(&Ty::Float)).collect()),
            t if t.numbers_as(&Ty::Float) != t => {
                Ty::Union(vec![t.numbers_as(&Ty::Int), t.numbers_as(&Ty::Float)])
            }
            t => t,
        }
    }

    /// This type with every `int | float` inside it made `number`.
    fn numbers_as(&self, number: &Ty) -> Ty {
        let n = |t: &Ty| Box::new(t.numbers_as(number));
        match self {
            Ty::Union(ts) if ts.len() == 2 && ts.contains(&Ty::Int) && ts.contains(&Ty::Float) => {
                number.clone()
            }
            Ty::Union(ts) => Ty::Union(ts.iter().map(|t| t.numbers_as(number)).collect()),
            Ty::List(t) => Ty::List(n(t)),
            Ty::TupleOf(t) => Ty::TupleOf(n(t)),
            Ty::Set(t) => Ty::Set(n(t)),
            Ty::Optional(t) => Ty::Optional(n(t)),
            Ty::Dict(k, v) => Ty::Dict(n(k), n(v)),
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| t.numbers_as(number)).collect()),
            t => t.clone(),
        }
    }

    fn of_value_in(v: &PyValue, mode: Join) -> Ty {
        let all = |xs: &mut dyn Iterator<Item = &PyValue>| {
            xs.fold(Ty::Any, |acc, x| {
                acc.join_in(&Ty::of_value_in(x, mode), mode)
            })
        };
        match v {
            PyValue::None => Ty::None,
            PyValue::Bool(_) => Ty::Bool,
            PyValue::Int(_) => Ty::Int,
            PyValue::Float(_) => Ty::Float,
            PyValue::Str(_) | PyValue::SurrogateStr(_) => Ty::Str,
            PyValue::List(xs) => Ty::List(Box::new(all(&mut xs.iter()))),
            PyValue::Tuple(xs) => Ty::Tuple(xs.iter().map(|x| Ty::of_value_in(x, mode)).collect()),
            PyValue::Dict(kvs) => Ty::Dict(
                Box::new(all(&mut kvs.iter().map(|(k, _)| k))),
                Box::new(all(&mut kvs.iter().map(|(_, x)| x))),
            ),
            PyValue::Set(xs) | PyValue::FrozenSet(xs) => Ty::Set(Box::new(all(&mut xs.iter()))),
            PyValue::Complex(..) | PyValue::Bytes(_) => Ty::Any,
        }
    }

    /// The least type covering both (numbers widen to float; tuples of
    /// different lengths become `tuple[T, ...]`; otherwise a union).
    pub fn join(&self, other: &Ty) -> Ty {
        self.join_in(other, Join::Widen)
    }

    fn join_in(&self, other: &Ty, mode: Join) -> Ty {
        let join = |a: &Ty, b: &Ty| a.join_in(b, mode);
        if self == other {
            return self.clone();
        }
        match (self, other) {
            (Ty::Any, t) | (t, Ty::Any) => t.clone(),
            (Ty::Int, Ty::Float) | (Ty::Float, Ty::Int) => match mode {
                Join::Widen => Ty::Float,
                Join::Apart => Ty::Union(vec![Ty::Int, Ty::Float]),
            },
            (Ty::None, t) | (t, Ty::None) => match t {
                Ty::Optional(_) => t.clone(),
                _ => Ty::Optional(Box::new(t.clone())),
            },
            (Ty::Optional(a), b) | (b, Ty::Optional(a)) => Ty::Optional(Box::new(join(a, b))),
            (Ty::List(a), Ty::List(b)) => Ty::List(Box::new(join(a, b))),
            (Ty::Set(a), Ty::Set(b)) => Ty::Set(Box::new(join(a, b))),
            (Ty::Dict(a, x), Ty::Dict(b, y)) => {
                Ty::Dict(Box::new(join(a, b)), Box::new(join(x, y)))
            }
            (Ty::Tuple(a), Ty::Tuple(b)) if a.len() == b.len() => {
                Ty::Tuple(a.iter().zip(b).map(|(x, y)| join(x, y)).collect())
            }
            (Ty::Tuple(a), Ty::Tuple(b)) => Ty::TupleOf(Box::new(
                a.iter().chain(b).fold(Ty::Any, |acc, t| join(&acc, t)),
            )),
            (Ty::TupleOf(a), Ty::Tuple(b)) | (Ty::Tuple(b), Ty::TupleOf(a)) => Ty::TupleOf(
                Box::new(b.iter().fold((**a).clone(), |acc, t| join(&acc, t))),
            ),
            (Ty::TupleOf(a), Ty::TupleOf(b)) => Ty::TupleOf(Box::new(join(a, b))),
            (Ty::Union(xs), t) | (t, Ty::Union(xs)) => {
                let mut out = xs.clone();
                add_variant(&mut out, t.clone(), mode);
                Ty::Union(out)
            }
            (a, b) => Ty::Union(vec![a.clone(), b.clone()]),
        }
    }

    /// Whether `v` is a value of this type.
    pub fn admits(&self, v: &PyValue) -> bool {
        match (self, v) {
            (Ty::Any, _) => true,
            (Ty::Int, PyValue::Int(_)) => true,
            (Ty::Float, PyValue::Float(_) | PyValue::Int(_)) => true,
            (Ty::Bool, PyValue::Bool(_)) => true,
            (Ty::Str, PyValue::Str(_)) => true,
            (Ty::None, PyValue::None) => true,
            (Ty::List(t), PyValue::List(xs)) => xs.iter().all(|x| t.admits(x)),
            (Ty::Tuple(ts), PyValue::Tuple(xs)) => {
                ts.len() == xs.len() && ts.iter().zip(xs).all(|(t, x)| t.admits(x))
            }
            (Ty::TupleOf(t), PyValue::Tuple(xs)) => xs.iter().all(|x| t.admits(x)),
            (Ty::Dict(k, x), PyValue::Dict(kvs)) => {
                kvs.iter().all(|(a, b)| k.admits(a) && x.admits(b))
            }
            (Ty::Set(t), PyValue::Set(xs) | PyValue::FrozenSet(xs)) => {
                xs.iter().all(|x| t.admits(x))
            }
            (Ty::Optional(_), PyValue::None) => true,
            (Ty::Optional(t), v) => t.admits(v),
            (Ty::Union(ts), v) => ts.iter().any(|t| t.admits(v)),
            _ => false,
        }
    }

    /// A short tag for union variants' input names.
    pub fn tag(&self) -> String {
        match self {
            Ty::List(_) => "list".into(),
            Ty::Tuple(_) | Ty::TupleOf(_) => "tuple".into(),
            Ty::Dict(..) => "dict".into(),
            Ty::Set(_) => "set".into(),
            Ty::Optional(t) => t.tag(),
            Ty::Union(_) => "union".into(),
            other => other.to_string(),
        }
    }
}

/// How a join treats ints meeting floats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Join {
    /// `int` widens to `float` (the type a value may take).
    Widen,
    /// `int | float`, ints first (the types values were seen with).
    Apart,
}

fn add_variant(out: &mut Vec<Ty>, t: Ty, mode: Join) {
    for x in out.iter_mut() {
        let j = x.join_in(&t, mode);
        if !matches!(j, Ty::Union(_)) {
            *x = j;
            return;
        }
    }
    out.push(t);
    let int = out.iter().position(|x| *x == Ty::Int);
    let float = out.iter().position(|x| *x == Ty::Float);
    if let (Some(i), Some(f)) = (int, float)
        && f < i
    {
        out.swap(i, f);
    }
}

/// The join of all the types (`Any` for none): the type of several
/// examples' values.
pub fn join_all(tys: impl IntoIterator<Item = Ty>) -> Ty {
    tys.into_iter().fold(Ty::Any, |acc, t| acc.join(&t))
}

fn name_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(a.attr.id.to_string()),
        Expr::NoneLiteral(_) => Some("None".into()),
        _ => None,
    }
}

fn from_expr(e: &Expr) -> Result<Ty, String> {
    match e {
        Expr::StringLiteral(s) => Ty::parse(s.value.to_str()),
        Expr::BinOp(b) if b.op == ast::Operator::BitOr => {
            let l = from_expr(&b.left)?;
            let r = from_expr(&b.right)?;
            Ok(union_of(vec![l, r]))
        }
        Expr::Subscript(s) => {
            let head = name_of(&s.value).ok_or("unknown generic type")?;
            let args: Vec<&Expr> = match &*s.slice {
                Expr::Tuple(t) => t.elts.iter().collect(),
                other => vec![other],
            };
            let one = |i: usize| -> Result<Ty, String> {
                args.get(i).map(|a| from_expr(a)).unwrap_or(Ok(Ty::Any))
            };
            match head.as_str() {
                "list" | "List" | "Sequence" | "Iterable" | "MutableSequence" | "Collection" => {
                    Ok(Ty::List(Box::new(one(0)?)))
                }
                "set" | "Set" | "frozenset" | "FrozenSet" | "AbstractSet" => {
                    Ok(Ty::Set(Box::new(one(0)?)))
                }
                "dict" | "Dict" | "Mapping" | "MutableMapping" => {
                    Ok(Ty::Dict(Box::new(one(0)?), Box::new(one(1)?)))
                }
                "tuple" | "Tuple" => {
                    if args.len() == 2 && matches!(args[1], Expr::EllipsisLiteral(_)) {
                        return Ok(Ty::TupleOf(Box::new(one(0)?)));
                    }
                    if args.len() == 1 && matches!(args[0], Expr::Tuple(t) if t.elts.is_empty()) {
                        return Ok(Ty::Tuple(Vec::new()));
                    }
                    Ok(Ty::Tuple(
                        args.iter()
                            .map(|a| from_expr(a))
                            .collect::<Result<_, _>>()?,
                    ))
                }
                "Optional" => Ok(Ty::Optional(Box::new(one(0)?))),
                "Union" => Ok(union_of(
                    args.iter()
                        .map(|a| from_expr(a))
                        .collect::<Result<_, _>>()?,
                )),
                other => Err(format!("unsupported generic type '{other}'")),
            }
        }
        other => {
            let n = name_of(other).ok_or("not a type expression")?;
            Ok(match n.as_str() {
                "int" => Ty::Int,
                "float" => Ty::Float,
                "bool" => Ty::Bool,
                "str" => Ty::Str,
                "None" | "NoneType" => Ty::None,
                "list" | "List" => Ty::List(Box::new(Ty::Any)),
                "tuple" | "Tuple" => Ty::TupleOf(Box::new(Ty::Any)),
                "dict" | "Dict" => Ty::Dict(Box::new(Ty::Any), Box::new(Ty::Any)),
                "set" | "Set" => Ty::Set(Box::new(Ty::Any)),
                "Any" | "object" => Ty::Any,
                other => return Err(format!("unsupported type '{other}'")),
            })
        }
    }
}

fn union_of(tys: Vec<Ty>) -> Ty {
    let has_none = tys.contains(&Ty::None);
    let rest: Vec<Ty> = tys.into_iter().filter(|t| *t != Ty::None).collect();
    let core = match rest.len() {
        0 => Ty::None,
        1 => rest.into_iter().next().unwrap_or(Ty::Any),
        _ => Ty::Union(rest),
    };
    if has_none && core != Ty::None {
        Ty::Optional(Box::new(core))
    } else {
        core
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_parse() {
        let p = |s: &str| Ty::parse(s).map(|t| t.to_string());
        assert_eq!(p("List[int]"), Ok("list[int]".into()));
        assert_eq!(p("typing.Dict[str, float]"), Ok("dict[str, float]".into()));
        assert_eq!(p("Optional[str]"), Ok("str | None".into()));
        assert_eq!(p("int | None"), Ok("int | None".into()));
        assert_eq!(p("tuple[int, ...]"), Ok("tuple[int, ...]".into()));
        assert_eq!(p("Tuple[int, str]"), Ok("tuple[int, str]".into()));
        assert_eq!(p("Union[int, float, str]"), Ok("int | float | str".into()));
        assert!(Ty::parse("Callable[[int], int]").is_err());
    }

    #[test]
    fn examples_join() {
        let v = |s: &str| Ty::of_value(&PyValue::parse(s).expect("literal"));
        assert_eq!(v("[1, 2.5]").to_string(), "list[float]");
        assert_eq!(v("[]").to_string(), "list[Any]");
        assert_eq!(v("[1, 2]").join(&v("[]")).to_string(), "list[int]");
        assert_eq!(v("3").join(&v("'a'")).to_string(), "int | str");
        assert_eq!(
            v("(1, 2)").join(&v("(1, 2, 3)")).to_string(),
            "tuple[int, ...]"
        );
        assert_eq!(v("None").join(&v("5")).to_string(), "int | None");
        let rec = |xs: &[&str]| {
            let vals: Vec<PyValue> = xs
                .iter()
                .map(|s| PyValue::parse(s).expect("literal"))
                .collect();
            Ty::recorded(&vals).to_string()
        };
        assert_eq!(rec(&["[0.2, 3, 5]", "[1, 2]"]), "list[int] | list[float]");
        assert_eq!(rec(&["2.5", "3"]), "int | float");
        assert_eq!(rec(&["[1.5]", "[2.5]"]), "list[float]");
        assert_eq!(
            rec(&["{'a': 1}", "{'b': 2.0}", "{}"]),
            "dict[str, int] | dict[str, float]"
        );
        assert_eq!(rec(&["3", "'x'", "1.5"]), "int | str | float");
        assert_eq!(rec(&["3", "[1, 2.5]"]), "int | list[float]");
        assert!(
            Ty::parse("list[int]")
                .expect("type")
                .admits(&PyValue::parse("[1, 2]").expect("literal"))
        );
    }
}
