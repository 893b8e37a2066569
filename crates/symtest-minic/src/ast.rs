//! The syntax tree.

use symtest_explore::SiteId;
use symtest_term::Value;

use crate::error::Pos;

/// A binary operator of arithmetic or comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`: C's, truncating toward zero on integers.
    Div,
    /// `%`: C's, taking the dividend's sign.
    Rem,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl BinOp {
    /// The operator as written in source.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
        }
    }
}

/// A prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `+x`: the value unchanged.
    Plus,
    /// `-x`
    Minus,
    /// `!x`: true when `x` is zero.
    Not,
}

/// A short-circuit connective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    /// `&&`
    And,
    /// `||`
    Or,
}

/// An expression and where it is in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where errors about it point: the operator of a binary or unary
    /// expression, the first token otherwise.
    pub pos: Pos,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal: an Int, or a Real when written with a decimal point.
    Num(Value),
    /// A variable; one read before any assignment is an input.
    Var(String),
    /// `name = value`, whose own value is the value assigned.
    Assign(String, Box<Expr>),
    /// A prefix operator applied to an operand.
    Unary(UnOp, Box<Expr>),
    /// `site` is the division-by-zero check of `/` and `%` (none when the
    /// divisor is a literal: it cannot change).
    Binary {
        /// The operator.
        op: BinOp,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
        /// The branch site of the zero check on the divisor.
        site: Option<SiteId>,
    },
    /// `&&` and `||`. When the right side can neither assign nor fail it is
    /// evaluated along and the two conditions form one constraint (as in
    /// Gymbo: `site` is `None`); otherwise the left side is a branch at
    /// `site` that may skip it.
    Logic {
        /// The connective.
        op: LogicOp,
        /// The left side, always evaluated.
        lhs: Box<Expr>,
        /// The right side.
        rhs: Box<Expr>,
        /// The branch on the left side, when the right side is not pure.
        site: Option<SiteId>,
        /// The right side can neither assign nor fail ([`Expr::is_pure`]).
        pure_rhs: bool,
    },
}

impl Expr {
    /// True when evaluating this can neither assign a variable nor fail.
    pub fn is_pure(&self) -> bool {
        match &self.kind {
            ExprKind::Num(_) | ExprKind::Var(_) => true,
            ExprKind::Assign(..) => false,
            ExprKind::Unary(_, e) => e.is_pure(),
            ExprKind::Binary { op, lhs, rhs, .. } => {
                !matches!(op, BinOp::Div | BinOp::Rem) && lhs.is_pure() && rhs.is_pure()
            }
            ExprKind::Logic { lhs, rhs, .. } => lhs.is_pure() && rhs.is_pure(),
        }
    }
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `;`
    Empty,
    /// An expression evaluated for its effects (`x = x + 1;`).
    Expr(Expr),
    /// `{ ... }`: the statements in order (no scope of its own).
    Block(Vec<Stmt>),
    /// `if (cond) then else other`.
    If {
        /// The condition: true when non-zero.
        cond: Expr,
        /// Run when the condition holds.
        then: Box<Stmt>,
        /// The `else` branch, if there is one.
        other: Option<Box<Stmt>>,
        /// The branch site of the condition.
        site: SiteId,
    },
    /// `while (cond) body`, unrolled up to the configured bound.
    While {
        /// The condition, tested before each iteration: true when non-zero.
        cond: Expr,
        /// The loop body.
        body: Box<Stmt>,
        /// The branch site of the condition (one for every iteration).
        site: SiteId,
        /// Where the `while` is, for the message when the bound cuts the path.
        pos: Pos,
    },
    /// `return e;`: ends the run with the value of `e`.
    Return(Expr),
    /// `name ~ dist(...);`: a fresh random input each time it runs.
    Sample {
        /// The variable the draw is assigned to.
        name: String,
        /// The distribution it is drawn from.
        dist: symtest_explore::prob::Dist,
        /// Where the statement starts.
        pos: Pos,
    },
}

/// What a branch site is, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteInfo {
    /// `if`, `while`, `division`, `&&` or `||`.
    pub kind: &'static str,
    /// The statement's start for `if` and `while`, the operator's position otherwise.
    pub pos: Pos,
}

/// A parsed program: its statements and its branch sites.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The top-level statements, run in order.
    pub stmts: Vec<Stmt>,
    /// Every branch site, at the index its [`SiteId`] holds.
    pub sites: Vec<SiteInfo>,
}
