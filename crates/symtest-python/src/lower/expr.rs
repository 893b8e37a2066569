//! Expressions, f-strings and comprehensions (which get a scope of their
//! own; their first iterable is evaluated outside it).

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr as PExpr};
use ruff_text_size::Ranged;

use super::lowerer::{FnBody, Lowerer, Scope, ScopeKind};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::ir::{
    Arg, BinOp, CmpOp, CompFor, CompKind, Comprehension, Const, Expr, ExprKind, FPart, UnaryOp,
};
use crate::scope;
use crate::sites::SiteKind;

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, e: &PExpr) -> Expr {
        let pos = self.pos_of(e);
        let kind = match e {
            PExpr::BoolOp(b) => ExprKind::BoolOp {
                is_and: b.op == ast::BoolOp::And,
                values: b.values.iter().map(|v| self.expr(v)).collect(),
                site: self.internal_site(
                    if b.op == ast::BoolOp::And {
                        "and"
                    } else {
                        "or"
                    },
                    b,
                ),
            },
            PExpr::Named(n) => {
                let value = self.boxed(&n.value);
                match &*n.target {
                    PExpr::Name(name) => ExprKind::Named {
                        target: self.resolve_walrus(&name.id),
                        name: Rc::from(name.id.as_str()),
                        value,
                    },
                    _ => ExprKind::Unsupported("walrus to a non-name".into()),
                }
            }
            PExpr::BinOp(b) => ExprKind::BinOp {
                op: binop(b.op),
                left: self.boxed(&b.left),
                right: self.boxed(&b.right),
                site: self.internal_site("arithmetic", b),
            },
            PExpr::UnaryOp(u) => ExprKind::Unary {
                op: match u.op {
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::USub => UnaryOp::Neg,
                    ast::UnaryOp::UAdd => UnaryOp::Pos,
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                },
                operand: self.boxed(&u.operand),
                site: self.internal_site("unary", u),
            },
            PExpr::Lambda(l) => self.lambda(l),
            PExpr::If(i) => {
                let site = self.user_site(SiteKind::IfExp, &*i.test, i);
                ExprKind::IfExp {
                    test: self.boxed(&i.test),
                    body: self.boxed(&i.body),
                    orelse: self.boxed(&i.orelse),
                    site,
                }
            }
            PExpr::Dict(d) => ExprKind::Dict(
                d.items
                    .iter()
                    .map(|item| {
                        (
                            item.key.as_ref().map(|k| self.expr(k)),
                            self.expr(&item.value),
                        )
                    })
                    .collect(),
            ),
            PExpr::Set(s) => ExprKind::Set(s.elts.iter().map(|x| self.expr(x)).collect()),
            PExpr::ListComp(c) => self.comprehension(CompKind::List, &c.generators, &c.elt, None),
            PExpr::SetComp(c) => self.comprehension(CompKind::Set, &c.generators, &c.elt, None),
            PExpr::DictComp(c) => match c.key.as_deref() {
                Some(k) => self.comprehension(CompKind::Dict, &c.generators, &c.value, Some(k)),
                None => ExprKind::Unsupported("dict unpacking in a comprehension".into()),
            },
            PExpr::Generator(c) => {
                self.comprehension(CompKind::Generator, &c.generators, &c.elt, None)
            }
            PExpr::Await(_) => ExprKind::Unsupported("await".into()),
            PExpr::Yield(y) => ExprKind::Yield(y.value.as_deref().map(|v| self.boxed(v))),
            PExpr::YieldFrom(y) => ExprKind::YieldFrom(self.boxed(&y.value)),
            PExpr::Compare(c) => ExprKind::Compare {
                left: self.boxed(&c.left),
                rest: c
                    .ops
                    .iter()
                    .zip(c.comparators.iter())
                    .map(|(op, e)| (cmpop(*op), self.expr(e)))
                    .collect(),
                site: self.internal_site("comparison", c),
            },
            PExpr::Call(c) => self.call(c),
            PExpr::FString(f) => self.fstring(f),
            PExpr::TString(_) => ExprKind::Unsupported("template string".into()),
            PExpr::StringLiteral(s) => ExprKind::Const(Const::Str(Rc::from(s.value.to_str()))),
            PExpr::BytesLiteral(b) => {
                ExprKind::Const(Const::Bytes(b.value.bytes().collect::<Vec<u8>>().into()))
            }
            PExpr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => match symtest_pyvalue::parse_int(&i.to_string(), 0) {
                    Some(v) => ExprKind::Const(Const::Int(v)),
                    None => ExprKind::Unsupported(format!("integer literal {i}")),
                },
                ast::Number::Float(f) => ExprKind::Const(Const::Float(*f)),
                ast::Number::Complex { .. } => ExprKind::Unsupported("complex numbers".into()),
            },
            PExpr::BooleanLiteral(b) => ExprKind::Const(Const::Bool(b.value)),
            PExpr::NoneLiteral(_) => ExprKind::Const(Const::None),
            PExpr::EllipsisLiteral(_) => ExprKind::Const(Const::Ellipsis),
            PExpr::Attribute(a) => ExprKind::Attribute {
                value: self.boxed(&a.value),
                attr: Rc::from(a.attr.id.as_str()),
            },
            PExpr::Subscript(s) => ExprKind::Subscript {
                value: self.boxed(&s.value),
                index: self.boxed(&s.slice),
                site: self.internal_site("subscript", s),
            },
            PExpr::Starred(s) => ExprKind::Starred(self.boxed(&s.value)),
            PExpr::Name(n) => ExprKind::Name(self.resolve(&n.id, false), Rc::from(n.id.as_str())),
            PExpr::List(l) => ExprKind::List(l.elts.iter().map(|x| self.expr(x)).collect()),
            PExpr::Tuple(t) => ExprKind::Tuple(t.elts.iter().map(|x| self.expr(x)).collect()),
            PExpr::Slice(s) => ExprKind::Slice {
                lower: s.lower.as_deref().map(|x| self.boxed(x)),
                upper: s.upper.as_deref().map(|x| self.boxed(x)),
                step: s.step.as_deref().map(|x| self.boxed(x)),
            },
            PExpr::IpyEscapeCommand(_) => ExprKind::Unsupported("IPython escape".into()),
        };
        Expr { kind, pos }
    }

    /// A lambda: its defaults evaluated where it is, its body a function.
    fn lambda(&mut self, l: &ast::ExprLambda) -> ExprKind {
        let defaults = match &l.parameters {
            Some(p) => p
                .posonlyargs
                .iter()
                .chain(p.args.iter())
                .filter_map(|p| p.default.as_deref())
                .map(|d| self.expr(d))
                .collect(),
            None => Vec::new(),
        };
        let empty = ast::Parameters {
            range: l.range(),
            node_index: Default::default(),
            posonlyargs: Default::default(),
            args: Default::default(),
            vararg: None,
            kwonlyargs: Default::default(),
            kwarg: None,
        };
        let params = l.parameters.as_deref().unwrap_or(&empty);
        let func = self.function(
            "<lambda>",
            params,
            FnBody::Expr(&l.body),
            l.range().start(),
            (l.range().start().to_u32(), l.range().end().to_u32()),
        );
        ExprKind::Lambda { func, defaults }
    }

    /// A call, its arguments in source order (`*a` and `**k` as they are).
    fn call(&mut self, c: &ast::ExprCall) -> ExprKind {
        let func = self.boxed(&c.func);
        let mut args = Vec::new();
        for a in c.arguments.iter_source_order() {
            match a {
                ast::ArgOrKeyword::Arg(PExpr::Starred(s)) => {
                    args.push(Arg::Star(self.expr(&s.value)));
                }
                ast::ArgOrKeyword::Arg(e) => args.push(Arg::Pos(self.expr(e))),
                ast::ArgOrKeyword::Keyword(k) => match &k.arg {
                    Some(name) => args.push(Arg::Keyword(
                        Rc::from(name.id.as_str()),
                        self.expr(&k.value),
                    )),
                    None => args.push(Arg::DoubleStar(self.expr(&k.value))),
                },
            }
        }
        ExprKind::Call {
            func,
            args,
            site: self.internal_site("call", c),
        }
    }

    /// An f-string (or several adjacent ones, and plain literals) as parts.
    fn fstring(&mut self, f: &ast::ExprFString) -> ExprKind {
        let mut parts = Vec::new();
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(l) => parts.push(FPart::Lit(Rc::from(&*l.value))),
                ast::FStringPart::FString(fs) => self.fparts(&fs.elements, &mut parts),
            }
        }
        ExprKind::FString(parts)
    }

    fn fparts(&mut self, els: &ast::InterpolatedStringElements, out: &mut Vec<FPart>) {
        for el in els.iter() {
            match el {
                ast::InterpolatedStringElement::Literal(l) => {
                    out.push(FPart::Lit(Rc::from(&*l.value)))
                }
                ast::InterpolatedStringElement::Interpolation(i) => {
                    let mut conversion = match i.conversion {
                        ast::ConversionFlag::None => None,
                        ast::ConversionFlag::Str => Some('s'),
                        ast::ConversionFlag::Repr => Some('r'),
                        ast::ConversionFlag::Ascii => Some('a'),
                    };
                    if i.debug_text.is_some() {
                        // `f"{x=}"`: the expression's text, then its repr.
                        let text = &self.src[i.expression.range()];
                        out.push(FPart::Lit(Rc::from(format!("{text}=").as_str())));
                        if conversion.is_none() && i.format_spec.is_none() {
                            conversion = Some('r');
                        }
                    }
                    let mut spec = Vec::new();
                    if let Some(s) = &i.format_spec {
                        self.fparts(&s.elements, &mut spec);
                    }
                    out.push(FPart::Value {
                        expr: self.expr(&i.expression),
                        conversion,
                        spec,
                    });
                }
            }
        }
    }

    fn comprehension(
        &mut self,
        kind: CompKind,
        gens: &[ast::Comprehension],
        elt: &PExpr,
        key: Option<&PExpr>,
    ) -> ExprKind {
        if gens.iter().any(|g| g.is_async) {
            return ExprKind::Unsupported("async comprehension".into());
        }
        let Some(first) = gens.first() else {
            return ExprKind::Unsupported("comprehension without for".into());
        };
        // The first iterable is evaluated in the enclosing scope.
        let first_iter = self.expr(&first.iter);
        let names = scope::comprehension_targets(gens);
        let slots: FxHashMap<String, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        self.scopes.push(Scope {
            kind: ScopeKind::Comprehension,
            slots,
            globals: FxHashSet::default(),
            nonlocals: FxHashSet::default(),
        });
        let mut generators = Vec::new();
        let mut first_iter = Some(first_iter);
        for g in gens {
            let iter = match first_iter.take() {
                Some(i) => i,
                None => self.expr(&g.iter),
            };
            let site = self.user_site(SiteKind::CompFor, &g.iter, &g.iter);
            let target = self.target(&g.target);
            let ifs = g
                .ifs
                .iter()
                .map(|c| {
                    let site = self.user_site(SiteKind::CompIf, c, c);
                    (self.expr(c), site)
                })
                .collect();
            generators.push(CompFor {
                target,
                iter,
                site,
                ifs,
            });
        }
        let key = key.map(|k| self.expr(k));
        let elt = self.expr(elt);
        self.scopes.pop();
        ExprKind::Comp(Box::new(Comprehension {
            kind,
            slot_count: names.len() as u32,
            generators,
            elt,
            key,
        }))
    }
}

pub(super) fn binop(op: ast::Operator) -> BinOp {
    match op {
        ast::Operator::Add => BinOp::Add,
        ast::Operator::Sub => BinOp::Sub,
        ast::Operator::Mult => BinOp::Mul,
        ast::Operator::MatMult => BinOp::MatMul,
        ast::Operator::Div => BinOp::Div,
        ast::Operator::Mod => BinOp::Mod,
        ast::Operator::Pow => BinOp::Pow,
        ast::Operator::LShift => BinOp::LShift,
        ast::Operator::RShift => BinOp::RShift,
        ast::Operator::BitOr => BinOp::BitOr,
        ast::Operator::BitXor => BinOp::BitXor,
        ast::Operator::BitAnd => BinOp::BitAnd,
        ast::Operator::FloorDiv => BinOp::FloorDiv,
    }
}

fn cmpop(op: ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::NotEq,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::LtE => CmpOp::LtE,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::GtE => CmpOp::GtE,
        ast::CmpOp::Is => CmpOp::Is,
        ast::CmpOp::IsNot => CmpOp::IsNot,
        ast::CmpOp::In => CmpOp::In,
        ast::CmpOp::NotIn => CmpOp::NotIn,
    }
}
