//! The blocks of a module: top-level functions, classes and their methods,
//! with their byte ranges and signatures. What `symtest fix` needs to find
//! the block around a finding (as CORE gives its LLM) and to call it.

use ruff_python_ast::{self as ast, Stmt};
use ruff_source_file::LineIndex;
use ruff_text_size::Ranged;

use crate::error::SyntaxError;

/// What a block defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// A top-level function.
    Function,
    /// A top-level class.
    Class,
    /// A function defined in a top-level class.
    Method,
}

/// How a function is bound, which decides whether its first parameter is
/// passed by the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// A plain method: the first parameter is the instance.
    Instance,
    /// A `@classmethod`: the first parameter is the class.
    Class,
    /// A `@staticmethod` or a top-level function: every parameter is passed.
    Static,
}

/// A parameter of a block's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name.
    pub name: String,
    /// The annotation's source text.
    pub annotation: Option<String>,
    /// The default's source text.
    pub default: Option<String>,
    /// Whether a call can pass it by position: false for `*args`, `**kwargs`
    /// and keyword-only parameters.
    pub positional: bool,
    /// Whether it is keyword-only (after `*` or `*args`): a call passes it
    /// by name.
    pub keyword: bool,
}

/// A function, class or method of a module, where it is and how to call it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// What it defines.
    pub kind: BlockKind,
    /// `f`, `C`, or `C.m`.
    pub name: String,
    /// The class of a method.
    pub class: Option<String>,
    /// Byte offset where the definition starts, decorators included.
    pub start: usize,
    /// Byte offset just past the definition's end.
    pub end: usize,
    /// 1-based line of `start`.
    pub first_line: u32,
    /// 1-based line of the definition's last byte.
    pub last_line: u32,
    /// Parameters (for a method, `self`/`cls` left out).
    pub params: Vec<Param>,
    /// How it is bound (`Static` for top-level functions).
    pub binding: Binding,
    /// An `async def`.
    pub is_async: bool,
    /// Its body yields.
    pub is_generator: bool,
    /// String and integer constants of the body, in order, each once: the
    /// values a comparison in it is likely to need.
    pub literals: Vec<Literal>,
    /// Feature probes of the body: modules imported inside a `try` whose
    /// handler catches `ImportError` (as written, `.x` for a relative
    /// import), in order, each once.
    pub probes: Vec<String>,
}

/// A constant in a block's body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    /// A string constant.
    Str(String),
    /// An integer constant that fits in 64 bits.
    Int(i64),
}

/// The top-level functions and classes of `source`, and the methods of
/// those classes, in source order.
pub fn outline(source: &str) -> Result<Vec<Block>, SyntaxError> {
    let parsed = crate::lower::parse_module(source)?;
    let index = LineIndex::from_source_text(source);
    let line = |offset: usize| -> u32 {
        index
            .line_index(ruff_text_size::TextSize::new(offset as u32))
            .get() as u32
    };
    let mut out = Vec::new();
    for stmt in parsed.suite() {
        match stmt {
            Stmt::FunctionDef(f) => {
                out.push(function(source, f, None, &line));
            }
            Stmt::ClassDef(c) => {
                let (start, end) = span(c.range(), &c.decorator_list);
                out.push(Block {
                    kind: BlockKind::Class,
                    name: c.name.id.to_string(),
                    class: None,
                    start,
                    end,
                    first_line: line(start),
                    last_line: line(end.saturating_sub(1)),
                    params: Vec::new(),
                    binding: Binding::Instance,
                    is_async: false,
                    is_generator: false,
                    literals: Vec::new(),
                    probes: Vec::new(),
                });
                for s in &c.body {
                    if let Stmt::FunctionDef(f) = s {
                        out.push(function(source, f, Some(c.name.id.as_str()), &line));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The innermost block holding the 1-based `line`: a method before its
/// class.
pub fn enclosing(blocks: &[Block], line: u32) -> Option<&Block> {
    blocks
        .iter()
        .filter(|b| b.first_line <= line && line <= b.last_line)
        .min_by_key(|b| b.last_line - b.first_line)
}

fn span(range: ruff_text_size::TextRange, decorators: &[ast::Decorator]) -> (usize, usize) {
    let start = decorators
        .iter()
        .map(|d| d.range().start())
        .chain(std::iter::once(range.start()))
        .min()
        .unwrap_or(range.start());
    (start.to_usize(), range.end().to_usize())
}

fn function(
    source: &str,
    f: &ast::StmtFunctionDef,
    class: Option<&str>,
    line: &dyn Fn(usize) -> u32,
) -> Block {
    let (start, end) = span(f.range(), &f.decorator_list);
    let text = |e: &ast::Expr| source[e.range()].to_string();
    let decorated = |name: &str| {
        f.decorator_list
            .iter()
            .any(|d| matches!(&d.expression, ast::Expr::Name(n) if n.id.as_str() == name))
    };
    let binding = match class {
        None => Binding::Static,
        Some(_) if decorated("staticmethod") => Binding::Static,
        Some(_) if decorated("classmethod") => Binding::Class,
        Some(_) => Binding::Instance,
    };
    let p = &f.parameters;
    let mut params: Vec<Param> = p
        .posonlyargs
        .iter()
        .chain(p.args.iter())
        .map(|a| Param {
            name: a.parameter.name.id.to_string(),
            annotation: a.parameter.annotation.as_deref().map(text),
            default: a.default.as_deref().map(text),
            positional: true,
            keyword: false,
        })
        .collect();
    let others = p
        .vararg
        .iter()
        .chain(p.kwarg.iter())
        .map(|a| Param {
            name: a.name.id.to_string(),
            annotation: a.annotation.as_deref().map(text),
            default: None,
            positional: false,
            keyword: false,
        })
        .chain(p.kwonlyargs.iter().map(|a| Param {
            name: a.parameter.name.id.to_string(),
            annotation: a.parameter.annotation.as_deref().map(text),
            default: a.default.as_deref().map(text),
            positional: false,
            keyword: true,
        }));
    params.extend(others);
    if binding != Binding::Static && !params.is_empty() {
        params.remove(0);
    }
    let name = match class {
        Some(c) => format!("{c}.{}", f.name.id),
        None => f.name.id.to_string(),
    };
    Block {
        kind: if class.is_some() {
            BlockKind::Method
        } else {
            BlockKind::Function
        },
        name,
        class: class.map(str::to_string),
        start,
        end,
        first_line: line(start),
        last_line: line(end.saturating_sub(1)),
        params,
        binding,
        is_async: f.is_async,
        is_generator: yields(&f.body),
        literals: literals(&f.body),
        probes: probes(&f.body),
    }
}

/// The modules a body imports inside a `try` whose handler catches
/// `ImportError` (or a class above it, or anything): what it does when
/// they are missing is part of what it does.
fn probes(body: &[Stmt]) -> Vec<String> {
    use ruff_python_ast::visitor::{Visitor, walk_stmt};
    /// Every module imported in the statements visited.
    struct Imports(Vec<String>);
    impl<'a> Visitor<'a> for Imports {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            let dots = |level: u32| ".".repeat(level as usize);
            match stmt {
                Stmt::Import(i) => self.0.extend(i.names.iter().map(|a| a.name.id.to_string())),
                Stmt::ImportFrom(i) => match &i.module {
                    Some(m) => self.0.push(format!("{}{}", dots(i.level), m.id)),
                    None => self.0.extend(
                        i.names
                            .iter()
                            .map(|a| format!("{}{}", dots(i.level), a.name.id)),
                    ),
                },
                _ => walk_stmt(self, stmt),
            }
        }
    }
    /// The imports of every `try` that handles their failure.
    struct Tries(Vec<String>);
    impl<'a> Visitor<'a> for Tries {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if let Stmt::Try(t) = stmt
                && t.handlers.iter().any(catches_import_error)
            {
                let mut found = Imports(Vec::new());
                found.visit_body(&t.body);
                for m in found.0 {
                    if !self.0.contains(&m) {
                        self.0.push(m);
                    }
                }
            }
            walk_stmt(self, stmt);
        }
    }
    let mut t = Tries(Vec::new());
    t.visit_body(body);
    t.0
}

/// Whether an `except` clause catches an `ImportError`.
fn catches_import_error(h: &ast::ExceptHandler) -> bool {
    let ast::ExceptHandler::ExceptHandler(h) = h;
    let Some(kind) = h.type_.as_deref() else {
        return true;
    };
    let kinds: Vec<&ast::Expr> = match kind {
        ast::Expr::Tuple(t) => t.elts.iter().collect(),
        k => vec![k],
    };
    kinds.iter().any(|k| {
        matches!(k, ast::Expr::Name(n) if matches!(n.id.as_str(),
            "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException"))
    })
}

const MAX_LITERALS: usize = 24;

fn literals(body: &[Stmt]) -> Vec<Literal> {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    struct Collect(Vec<Literal>);
    impl<'a> Visitor<'a> for Collect {
        fn visit_expr(&mut self, expr: &'a ast::Expr) {
            let lit = match expr {
                ast::Expr::StringLiteral(s) if s.value.to_str().len() <= 64 => {
                    Some(Literal::Str(s.value.to_str().to_string()))
                }
                ast::Expr::NumberLiteral(n) => match &n.value {
                    ast::Number::Int(i) => i.as_i64().map(Literal::Int),
                    _ => None,
                },
                _ => None,
            };
            if let Some(l) = lit
                && !self.0.contains(&l)
                && self.0.len() < MAX_LITERALS
            {
                self.0.push(l);
            }
            walk_expr(self, expr);
        }
    }
    let mut c = Collect(Vec::new());
    for s in body {
        c.visit_stmt(s);
    }
    c.0
}

/// Whether a body yields (outside nested functions and classes).
fn yields(body: &[Stmt]) -> bool {
    use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a ast::Expr) {
            if matches!(expr, ast::Expr::Yield(_) | ast::Expr::YieldFrom(_)) {
                self.0 = true;
            } else if !matches!(expr, ast::Expr::Lambda(_)) {
                walk_expr(self, expr);
            }
        }
    }
    let mut f = Finder(false);
    for s in body {
        f.visit_stmt(s);
    }
    f.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "import os\n\nclass C:\n    def __init__(self, n: int = 0):\n        self.n = n\n\n    @staticmethod\n    def s(a, *rest, k=1):\n        return a\n\n@dec\ndef f(x: list[int], y=None):\n    yield x\n";

    #[test]
    fn blocks_with_signatures() {
        let b = outline(SRC).expect("parses");
        let names: Vec<&str> = b.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["C", "C.__init__", "C.s", "f"]);
        assert_eq!(b[1].params.len(), 1);
        assert_eq!(b[1].params[0].annotation.as_deref(), Some("int"));
        assert_eq!(b[1].params[0].default.as_deref(), Some("0"));
        assert_eq!(b[2].binding, Binding::Static);
        assert_eq!(
            b[2].params.iter().map(|p| p.positional).collect::<Vec<_>>(),
            [true, false, false]
        );
        assert_eq!(
            b[2].params.iter().map(|p| p.keyword).collect::<Vec<_>>(),
            [false, false, true]
        );
        assert_eq!((b[3].first_line, b[3].last_line), (11, 13));
        assert!(b[3].is_generator);
        assert!(b[2].literals.is_empty());
        let lits = outline("def g(s):\n    return s == 'yes' or len(s) > 3 or s == 'yes'\n")
            .expect("parses")
            .remove(0)
            .literals;
        assert_eq!(lits, [Literal::Str("yes".into()), Literal::Int(3)]);
        assert!(SRC[b[3].start..].starts_with("@dec"));
        assert!(b[3].probes.is_empty());
    }

    #[test]
    fn feature_probes_of_a_body() {
        let src = "def f():\n    try:\n        import json, a.b\n        if x:\n            from .compat import y\n    except (ImportError, KeyError):\n        pass\n    try:\n        import os\n    except KeyError:\n        pass\n    for _ in ():\n        try:\n            from .. import z\n        except:\n            import json\n";
        let b = outline(src).expect("parses");
        assert_eq!(b[0].probes, ["json", "a.b", ".compat", "..z"]);
    }

    #[test]
    fn innermost_block_wins() {
        let b = outline(SRC).expect("parses");
        assert_eq!(
            enclosing(&b, 5).map(|b| b.name.as_str()),
            Some("C.__init__")
        );
        assert_eq!(enclosing(&b, 6).map(|b| b.name.as_str()), Some("C"));
        assert_eq!(enclosing(&b, 1), None);
    }
}
