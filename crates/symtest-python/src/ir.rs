//! The program as the interpreter runs it: Python's syntax lowered to a tree
//! whose names are already resolved to frame slots (Python's scoping rules are
//! static), whose decision points carry branch-site numbers, and whose
//! unsupported parts are marked rather than rejected.

use std::rc::Rc;

use num_bigint::BigInt;

use crate::builtins::Builtin;
use crate::sites::{Pos, SiteId};

pub type Name = Rc<str>;

/// Where a name lives, decided when the program is lowered.
#[derive(Clone, Debug)]
pub enum Place {
    /// A slot of the current frame.
    Local(u32),
    /// A slot of an enclosing function's frame, `depth` frames out.
    Outer { depth: u32, slot: u32 },
    /// A module-level name (falls back to the builtin of that name).
    Global(u32),
    /// A builtin no scope of the program binds.
    Builtin(Builtin),
    /// Bound nowhere: a `NameError` when read.
    Missing,
}

#[derive(Debug)]
pub struct Module {
    pub body: Vec<Stmt>,
    pub global_names: Vec<Name>,
    /// Every function and lambda, in source order.
    pub functions: Vec<Rc<FuncDef>>,
}

#[derive(Debug)]
pub struct Param {
    pub name: Name,
    pub slot: u32,
    pub has_default: bool,
    /// The annotation as written (for input types).
    pub annotation: Option<String>,
}

#[derive(Debug)]
pub struct FuncDef {
    pub name: Name,
    /// Positional-or-keyword parameters (positional-only ones first).
    pub params: Vec<Param>,
    pub vararg: Option<u32>,
    pub kwonly: Vec<Param>,
    pub kwarg: Option<u32>,
    pub slot_count: u32,
    pub slot_names: Vec<Name>,
    pub body: FuncBody,
    /// Contains `yield`: a generator, which the interpreter does not run.
    pub is_generator: bool,
    pub pos: Pos,
    /// Byte range of the whole definition.
    pub span: (u32, u32),
    /// Module-level names the body reads (helpers it may call).
    pub reads_globals: Vec<u32>,
    pub docstring: bool,
}

#[derive(Debug)]
pub enum FuncBody {
    Block(Vec<Stmt>),
    /// A lambda's single expression.
    Expr(Expr),
}

#[derive(Debug)]
pub enum Stmt {
    Expr(Expr),
    Assign {
        targets: Vec<Target>,
        value: Expr,
    },
    AugAssign {
        target: Target,
        op: BinOp,
        value: Expr,
        site: SiteId,
    },
    If {
        test: Expr,
        site: SiteId,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        site: SiteId,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Target,
        iter: Expr,
        site: SiteId,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Return(Option<Expr>),
    Break,
    Continue,
    Pass,
    Raise {
        exc: Option<Expr>,
        pos: Pos,
    },
    Assert {
        test: Expr,
        msg: Option<Expr>,
        site: SiteId,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finally: Vec<Stmt>,
    },
    Def(Def),
    Import {
        module: Name,
        target: Place,
    },
    ImportFrom {
        module: Name,
        names: Vec<(Name, Place)>,
    },
    /// `global`/`nonlocal` declarations (already used by the resolver).
    Declare,
    Delete(Vec<Target>),
    /// Stops the run: a construct the interpreter does not model.
    Unsupported {
        what: String,
        pos: Pos,
    },
}

/// A `def` statement.
#[derive(Debug)]
pub struct Def {
    pub func: Rc<FuncDef>,
    /// Evaluated when the statement runs, as are the decorators.
    pub defaults: Vec<Expr>,
    pub kw_defaults: Vec<Expr>,
    pub decorators: Vec<Expr>,
    /// Where the decorated function is bound.
    pub target: Place,
}

#[derive(Debug)]
pub struct Handler {
    /// The exception class expression (`None`: a bare `except:`).
    pub kind: Option<Expr>,
    pub name: Option<Place>,
    pub body: Vec<Stmt>,
}

#[derive(Debug)]
pub enum Target {
    Name(Place, Name),
    Subscript {
        obj: Expr,
        index: Expr,
        site: SiteId,
    },
    Attribute {
        obj: Expr,
        attr: Name,
    },
    /// A tuple or list pattern; `starred` is the index of a `*rest` element.
    Unpack {
        items: Vec<Target>,
        starred: Option<usize>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    MatMul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitOr,
    BitXor,
    BitAnd,
}

impl Stmt {
    /// The statements of the blocks this statement holds, in source order
    /// (a `try`'s body, its handlers', its `else` and its `finally`); not
    /// into a `def`, whose body runs elsewhere.
    pub(crate) fn nested(&self) -> impl Iterator<Item = &Stmt> {
        let none: &[Stmt] = &[];
        let (body, handlers, orelse, finally): (&[Stmt], &[Handler], &[Stmt], &[Stmt]) = match self
        {
            Stmt::If { body, orelse, .. }
            | Stmt::While { body, orelse, .. }
            | Stmt::For { body, orelse, .. } => (body, &[], orelse, none),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finally,
            } => (body, handlers, orelse, finally),
            _ => (none, &[], none, none),
        };
        body.iter()
            .chain(handlers.iter().flat_map(|h| &h.body))
            .chain(orelse)
            .chain(finally)
    }
}

impl BinOp {
    /// The function of Python's `operator` module for it.
    pub fn dunder(self) -> &'static str {
        match self {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            BinOp::MatMul => "matmul",
            BinOp::Div => "truediv",
            BinOp::FloorDiv => "floordiv",
            BinOp::Mod => "mod",
            BinOp::Pow => "pow",
            BinOp::LShift => "lshift",
            BinOp::RShift => "rshift",
            BinOp::BitOr => "or_",
            BinOp::BitXor => "xor",
            BinOp::BitAnd => "and_",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::MatMul => "@",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Const {
    None,
    Bool(bool),
    Int(BigInt),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Ellipsis,
}

#[derive(Debug)]
pub enum Arg {
    Pos(Expr),
    Star(Expr),
    Keyword(Name, Expr),
    DoubleStar(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    Generator,
}

#[derive(Debug)]
pub struct CompFor {
    pub target: Target,
    pub iter: Expr,
    pub site: SiteId,
    pub ifs: Vec<(Expr, SiteId)>,
}

#[derive(Debug)]
pub struct Comprehension {
    pub kind: CompKind,
    pub slot_count: u32,
    pub generators: Vec<CompFor>,
    /// The element (for a dict: the value).
    pub elt: Expr,
    pub key: Option<Expr>,
}

#[derive(Debug)]
pub enum FPart {
    Lit(Rc<str>),
    Value {
        expr: Expr,
        conversion: Option<char>,
        spec: Vec<FPart>,
    },
}

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Debug)]
pub enum ExprKind {
    Const(Const),
    /// `yield value` in a generator function (run eagerly).
    Yield(Option<Box<Expr>>),
    /// `yield from iterable`.
    YieldFrom(Box<Expr>),
    Name(Place, Name),
    BinOp {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
        site: SiteId,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
        site: SiteId,
    },
    /// `and` (`is_and`) or `or` over two or more operands.
    BoolOp {
        is_and: bool,
        values: Vec<Expr>,
        site: SiteId,
    },
    Compare {
        left: Box<Expr>,
        rest: Vec<(CmpOp, Expr)>,
        site: SiteId,
    },
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
        site: SiteId,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
        site: SiteId,
    },
    Attribute {
        value: Box<Expr>,
        attr: Name,
    },
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
        site: SiteId,
    },
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// Elements may be `Starred`.
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Set(Vec<Expr>),
    /// `(None, value)` is `**value`.
    Dict(Vec<(Option<Expr>, Expr)>),
    Starred(Box<Expr>),
    Comp(Box<Comprehension>),
    Lambda {
        func: Rc<FuncDef>,
        defaults: Vec<Expr>,
    },
    FString(Vec<FPart>),
    Named {
        target: Place,
        name: Name,
        value: Box<Expr>,
    },
    Unsupported(String),
    /// A value the interpreter does not model but a module may define and
    /// never use on the explored paths (a class): using it is unsupported,
    /// defining it is not.
    Opaque(String),
}
