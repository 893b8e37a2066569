//! Recursive descent over Gymbo's grammar, extended:
//!
//! ```text
//! program    = stmt* EOF
//! stmt       = ";" | "{" stmt* "}" | "if" "(" expr ")" stmt ("else" stmt)?
//!            | "while" "(" expr ")" stmt | "return" expr ";" | sample ";" | expr ";"
//! sample     = identifier "~" identifier "(" (arg ("," arg)*)? ")"
//! arg        = (number ":")? number          (number = "-"? literal ("/" literal)?)
//! expr       = assign
//! assign     = or ("=" assign)?
//! or         = and ("||" and)*
//! and        = equality ("&&" equality)*
//! equality   = relational (("==" | "!=") relational)*
//! relational = add (("<" | "<=" | ">" | ">=") add)*
//! add        = mul (("+" | "-") mul)*
//! mul        = unary (("*" | "/" | "%") unary)*
//! unary      = ("+" | "-" | "!") unary | primary
//! primary    = number | identifier | "(" expr ")"
//! ```

use num_bigint::BigInt;
use symtest_explore::SiteId;
use symtest_term::{BigRational, Value};

use symtest_explore::prob::{Dist, DistArg};

use crate::ast::{BinOp, Expr, ExprKind, LogicOp, Program, SiteInfo, Stmt, UnOp};
use crate::error::{ParseError, Pos};
use crate::lexer::{Tok, Token, tokenize};

/// Parses a whole program.
pub fn parse(src: &str) -> Result<Program, ParseError> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        tokens,
        at: 0,
        sites: Vec::new(),
    };
    let mut stmts = Vec::new();
    while p.peek() != &Tok::Eof {
        stmts.push(p.stmt()?);
    }
    Ok(Program {
        stmts,
        sites: p.sites,
    })
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    sites: Vec<SiteInfo>,
}

/// A parser for one precedence level.
type Level = fn(&mut Parser, usize) -> Result<Expr, ParseError>;

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_NESTING: usize = 200;

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.at].tok
    }

    fn pos(&self) -> Pos {
        self.tokens[self.at].pos
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        let i = (self.at + ahead).min(self.tokens.len() - 1);
        &self.tokens[i].tok
    }

    /// `bernoulli(0.3)`, `categorical(1: 1/2, 2: 1/2)`, ...
    fn dist(&mut self) -> Result<Dist, ParseError> {
        let pos = self.pos();
        let name = match self.bump().tok {
            Tok::Ident(n) => n,
            other => {
                return Err(ParseError::new(
                    pos,
                    format!(
                        "expected a distribution (bernoulli, uniform, binomial, categorical) after '~', found {}",
                        other.describe()
                    ),
                ));
            }
        };
        self.expect("(", &format!("after '{name}'"))?;
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                let first = self.exact_number()?;
                let arg = if self.eat(":") {
                    DistArg {
                        key: Some(first),
                        value: self.exact_number()?,
                    }
                } else {
                    DistArg {
                        key: None,
                        value: first,
                    }
                };
                args.push(arg);
                if self.eat(")") {
                    break;
                }
                self.expect(",", "between the arguments of a distribution")?;
            }
        }
        Dist::from_call(&name, &args).map_err(|e| ParseError::new(pos, e.to_string()))
    }

    /// A constant: `3`, `-2`, `0.25`, `1/3`.
    fn exact_number(&mut self) -> Result<BigRational, ParseError> {
        let neg = self.eat("-");
        let mut r = self.literal()?;
        if self.eat("/") {
            let pos = self.pos();
            let d = self.literal()?;
            if d == BigRational::from_integer(BigInt::from(0)) {
                return Err(ParseError::new(pos, "division by zero in a constant"));
            }
            r /= d;
        }
        Ok(if neg { -r } else { r })
    }

    fn literal(&mut self) -> Result<BigRational, ParseError> {
        let t = self.bump();
        match t.tok {
            Tok::Num { text, real } => match number(&text, real, t.pos)? {
                Value::Int(i) => Ok(BigRational::from_integer(i)),
                Value::Real(r) => Ok(r),
                _ => Err(ParseError::new(t.pos, format!("malformed number '{text}'"))),
            },
            other => Err(ParseError::new(
                t.pos,
                format!("expected a number, found {}", other.describe()),
            )),
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        t
    }

    fn eat(&mut self, p: &str) -> bool {
        if matches!(self.peek(), Tok::Punct(q) if *q == p) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str, context: &str) -> Result<(), ParseError> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(ParseError::new(
                self.pos(),
                format!("expected '{p}' {context}, found {}", self.peek().describe()),
            ))
        }
    }

    /// `(cond)` after the keyword `kw` (the token at hand) of a statement at
    /// `pos`, and the branch site it makes.
    fn condition(
        &mut self,
        kw: &'static str,
        pos: Pos,
        depth: usize,
    ) -> Result<(Expr, SiteId), ParseError> {
        self.bump();
        self.expect("(", &format!("after '{kw}'"))?;
        let cond = self.expr(depth + 1)?;
        self.expect(")", &format!("after the condition of '{kw}'"))?;
        Ok((cond, self.site(kw, pos)))
    }

    fn site(&mut self, kind: &'static str, pos: Pos) -> SiteId {
        self.sites.push(SiteInfo { kind, pos });
        SiteId(u32::try_from(self.sites.len() - 1).unwrap_or(u32::MAX))
    }

    fn check_depth(&self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_NESTING {
            return Err(ParseError::new(
                self.pos(),
                format!("nesting deeper than {MAX_NESTING} levels"),
            ));
        }
        Ok(())
    }

    fn stmt(&mut self) -> Result<Stmt, ParseError> {
        self.stmt_at(0)
    }

    fn stmt_at(&mut self, depth: usize) -> Result<Stmt, ParseError> {
        self.check_depth(depth)?;
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Punct(";") => {
                self.bump();
                Ok(Stmt::Empty)
            }
            Tok::Punct("{") => {
                self.bump();
                let mut body = Vec::new();
                while !self.eat("}") {
                    if self.peek() == &Tok::Eof {
                        return Err(ParseError::new(
                            self.pos(),
                            format!(
                                "expected '}}' to close the block opened at {pos}, found end of input"
                            ),
                        ));
                    }
                    body.push(self.stmt_at(depth + 1)?);
                }
                Ok(Stmt::Block(body))
            }
            Tok::If => {
                let (cond, site) = self.condition("if", pos, depth)?;
                let then = Box::new(self.stmt_at(depth + 1)?);
                let other = if self.peek() == &Tok::Else {
                    self.bump();
                    Some(Box::new(self.stmt_at(depth + 1)?))
                } else {
                    None
                };
                Ok(Stmt::If {
                    cond,
                    then,
                    other,
                    site,
                })
            }
            Tok::While => {
                let (cond, site) = self.condition("while", pos, depth)?;
                let body = Box::new(self.stmt_at(depth + 1)?);
                Ok(Stmt::While {
                    cond,
                    body,
                    site,
                    pos,
                })
            }
            Tok::Return => {
                self.bump();
                let e = self.expr(depth + 1)?;
                self.expect(";", "after the returned expression")?;
                Ok(Stmt::Return(e))
            }
            Tok::Ident(name) if matches!(self.peek_at(1), Tok::Punct("~")) => {
                self.bump();
                self.bump();
                let dist = self.dist()?;
                self.expect(";", "after the distribution")?;
                Ok(Stmt::Sample { name, dist, pos })
            }
            Tok::Else => Err(ParseError::new(pos, "'else' without a matching 'if'")),
            Tok::Eof => Err(ParseError::new(
                pos,
                "expected a statement, found end of input",
            )),
            _ => {
                let e = self.expr(depth + 1)?;
                self.expect(";", "after the expression")?;
                Ok(Stmt::Expr(e))
            }
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        self.check_depth(depth)?;
        let lhs = self.logic(LogicOp::Or, depth)?;
        if matches!(self.peek(), Tok::Punct("=")) {
            let pos = self.pos();
            self.bump();
            let rhs = self.expr(depth + 1)?;
            return match lhs.kind {
                ExprKind::Var(name) => Ok(Expr {
                    kind: ExprKind::Assign(name, Box::new(rhs)),
                    pos: lhs.pos,
                }),
                _ => Err(ParseError::new(
                    pos,
                    "the left side of '=' must be a variable name",
                )),
            };
        }
        Ok(lhs)
    }

    fn logic(&mut self, op: LogicOp, depth: usize) -> Result<Expr, ParseError> {
        let (sym, next): (&str, Level) = match op {
            LogicOp::Or => ("||", |p, d| p.logic(LogicOp::And, d)),
            LogicOp::And => ("&&", |p, d| p.binary(0, d)),
        };
        let mut lhs = next(self, depth)?;
        loop {
            let pos = self.pos();
            if !self.eat(sym) {
                return Ok(lhs);
            }
            let rhs = next(self, depth + 1)?;
            let pure_rhs = rhs.is_pure();
            let site =
                (!pure_rhs).then(|| self.site(if op == LogicOp::And { "&&" } else { "||" }, pos));
            lhs = Expr {
                pos: lhs.pos,
                kind: ExprKind::Logic {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                    site,
                    pure_rhs,
                },
            };
        }
    }

    /// Binary operators by precedence level (0 = equality, loosest).
    fn binary(&mut self, level: usize, depth: usize) -> Result<Expr, ParseError> {
        const LEVELS: [&[(&str, BinOp)]; 4] = [
            &[("==", BinOp::Eq), ("!=", BinOp::Ne)],
            &[
                ("<=", BinOp::Le),
                (">=", BinOp::Ge),
                ("<", BinOp::Lt),
                (">", BinOp::Gt),
            ],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
        ];
        self.check_depth(depth)?;
        if level == LEVELS.len() {
            return self.unary(depth);
        }
        let mut lhs = self.binary(level + 1, depth)?;
        loop {
            let pos = self.pos();
            let Some(op) = LEVELS[level]
                .iter()
                .find(|(s, _)| matches!(self.peek(), Tok::Punct(p) if p == s))
                .map(|(_, op)| *op)
            else {
                return Ok(lhs);
            };
            self.bump();
            let rhs = self.binary(level + 1, depth + 1)?;
            let literal_divisor = matches!(rhs.kind, ExprKind::Num(_));
            let site = (matches!(op, BinOp::Div | BinOp::Rem) && !literal_divisor)
                .then(|| self.site("division", pos));
            lhs = Expr {
                pos,
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                    site,
                },
            };
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        self.check_depth(depth)?;
        let pos = self.pos();
        let op = match self.peek() {
            Tok::Punct("+") => UnOp::Plus,
            Tok::Punct("-") => UnOp::Minus,
            Tok::Punct("!") => UnOp::Not,
            _ => return self.primary(depth),
        };
        self.bump();
        let e = self.unary(depth + 1)?;
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(e)),
            pos,
        })
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let t = self.bump();
        let kind = match t.tok {
            Tok::Num { text, real } => ExprKind::Num(number(&text, real, t.pos)?),
            Tok::Ident(name) => ExprKind::Var(name),
            Tok::Punct("(") => {
                let e = self.expr(depth + 1)?;
                self.expect(")", &format!("to close the '(' at {}", t.pos))?;
                return Ok(e);
            }
            other => {
                return Err(ParseError::new(
                    t.pos,
                    format!(
                        "expected a number, a variable or '(', found {}",
                        other.describe()
                    ),
                ));
            }
        };
        Ok(Expr { kind, pos: t.pos })
    }
}

/// The exact value of a literal: `12` is an Int, `1.25` the Real 5/4.
fn number(text: &str, real: bool, pos: Pos) -> Result<Value, ParseError> {
    let bad = || ParseError::new(pos, format!("malformed number '{text}'"));
    if !real {
        return text.parse::<BigInt>().map(Value::Int).map_err(|_| bad());
    }
    let (int_part, frac) = text.split_once('.').ok_or_else(bad)?;
    let digits = format!("{int_part}{frac}");
    let numer: BigInt = if digits.is_empty() {
        return Err(bad());
    } else {
        digits.parse().map_err(|_| bad())?
    };
    let denom = num_traits::pow(BigInt::from(10), frac.len());
    Ok(Value::Real(BigRational::new(numer, denom)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gymbo_examples() {
        let p = parse("if (a < 3) if (a > 4) return 1;").unwrap();
        assert_eq!(p.stmts.len(), 1);
        assert_eq!(p.sites.len(), 2);
        let p = parse("x = a + 1; x = x * 2; if (x == 10) return 1;").unwrap();
        assert_eq!(p.stmts.len(), 3);
    }

    #[test]
    fn reals_are_exact() {
        assert_eq!(
            number("1.25", true, Pos::default()),
            Ok(Value::ratio(5, 4).unwrap())
        );
        assert_eq!(
            number(".5", true, Pos::default()),
            Ok(Value::ratio(1, 2).unwrap())
        );
        assert_eq!(
            number("3.", true, Pos::default()),
            Ok(Value::ratio(3, 1).unwrap())
        );
    }

    #[test]
    fn samples_parse_into_exact_distributions() {
        let p = parse("c ~ bernoulli(0.3); d ~ categorical(1: 1/2, -3: 1/2); return c;").unwrap();
        let Stmt::Sample { name, dist, .. } = &p.stmts[1] else {
            panic!("expected a sample, got {:?}", p.stmts[1]);
        };
        assert_eq!(name, "d");
        assert_eq!(dist.name, "categorical(1: 1/2, -3: 1/2)");
        let e = parse("x ~ bernoulli(2);").unwrap_err();
        assert!(e.message.contains("outside [0, 1]"), "{}", e.message);
        assert_eq!(e.pos, Pos { line: 1, col: 5 });
        let e = parse("x ~ 3;").unwrap_err();
        assert!(
            e.message.contains("expected a distribution"),
            "{}",
            e.message
        );
        let e = parse("x ~ uniform(1 6);").unwrap_err();
        assert!(e.message.contains("expected ','"), "{}", e.message);
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = parse("if (a < 3 return 1;").unwrap_err();
        assert_eq!(e.pos, Pos { line: 1, col: 11 });
        assert!(e.message.contains("expected ')'"), "{}", e.message);
        let e = parse("a = 1\nb = 2;").unwrap_err();
        assert_eq!(e.pos, Pos { line: 2, col: 1 });
        assert!(e.message.contains("expected ';'"));
        let e = parse("a + 1 = 3;").unwrap_err();
        assert!(e.message.contains("left side of '='"));
        let e = parse("{ a = 1;").unwrap_err();
        assert!(e.message.contains("expected '}'"));
        let e = parse(&format!("{}1{};", "(".repeat(2000), ")".repeat(2000))).unwrap_err();
        assert!(e.message.contains("nesting"));
    }
}
