//! The syntax tree.

use symtest_explore::SiteId;
use symtest_term::Value;

use crate::error::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl BinOp {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Plus,
    Minus,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Num(Value),
    Var(String),
    Assign(String, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    /// `site` is the division-by-zero check of `/` and `%` (none when the
    /// divisor is a literal: it cannot change).
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        site: Option<SiteId>,
    },
    /// `&&` and `||`. When the right side can neither assign nor fail it is
    /// evaluated along and the two conditions form one constraint (as in
    /// Gymbo: `site` is `None`); otherwise the left side is a branch at
    /// `site` that may skip it.
    Logic {
        op: LogicOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        site: Option<SiteId>,
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

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Empty,
    Expr(Expr),
    Block(Vec<Stmt>),
    If {
        cond: Expr,
        then: Box<Stmt>,
        other: Option<Box<Stmt>>,
        site: SiteId,
    },
    While {
        cond: Expr,
        body: Box<Stmt>,
        site: SiteId,
        pos: Pos,
    },
    Return(Expr),
    /// `name ~ dist(...);`: a fresh random input each time it runs.
    Sample {
        name: String,
        dist: symtest_explore::prob::Dist,
        pos: Pos,
    },
}

/// What a branch site is, for reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteInfo {
    pub kind: &'static str,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
    pub sites: Vec<SiteInfo>,
}
