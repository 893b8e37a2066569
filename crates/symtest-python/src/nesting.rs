//! A bound on how deeply source nests, checked on tokens before it is
//! parsed. ruff's parser recurses once per level of nesting and grows its
//! stack on the heap without a limit (about 2 KB per level), and lowering
//! recurses over the tree it builds: a completion of a million `(` would
//! cost the grader gigabytes. CPython refuses such source too (200 nested
//! brackets, 100 indentation levels, and its parser's recursion limit), so
//! nothing CPython runs is refused here.

use ruff_python_ast::token::TokenKind;
use ruff_python_parser::Mode;
use ruff_python_parser::lexer::lex;

use crate::error::SyntaxError;

/// CPython's tokenizer limit on nested brackets (`MAXLEVEL`).
pub const MAX_BRACKETS: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
pub const MAX_INDENT: usize = 100;
/// Prefix operators in a row (`- - - x`, `not not x`), and keywords or
/// operators that nest an expression in the one before (`lambda`,
/// conditional expressions, `**`, `await`, `yield`, `:=`) in one logical
/// line; CPython's parser gives up at about 1,000 of either.
pub const MAX_CHAIN: usize = 1000;

fn too_deep(line: u32, what: String) -> SyntaxError {
    SyntaxError {
        line,
        col: 0,
        message: format!("nested too deeply to parse: {what}"),
    }
}

/// An error when `source` nests deeper than CPython would parse.
pub fn check(source: &str) -> Result<(), SyntaxError> {
    let mut lexer = lex(source, Mode::Module);
    let (mut brackets, mut indent, mut prefix, mut nested) = (0usize, 0usize, 0usize, 0usize);
    let mut line = 1u32;
    loop {
        let kind = lexer.next_token();
        match kind {
            TokenKind::EndOfFile => return Ok(()),
            TokenKind::Lpar
            | TokenKind::Lsqb
            | TokenKind::Lbrace
            | TokenKind::FStringStart
            | TokenKind::TStringStart => {
                brackets += 1;
                if brackets > MAX_BRACKETS {
                    return Err(too_deep(line, format!("over {MAX_BRACKETS} brackets")));
                }
            }
            TokenKind::Rpar
            | TokenKind::Rsqb
            | TokenKind::Rbrace
            | TokenKind::FStringEnd
            | TokenKind::TStringEnd => brackets = brackets.saturating_sub(1),
            TokenKind::Indent => {
                indent += 1;
                if indent > MAX_INDENT {
                    return Err(too_deep(
                        line,
                        format!("over {MAX_INDENT} indentation levels"),
                    ));
                }
            }
            TokenKind::Dedent => indent = indent.saturating_sub(1),
            TokenKind::Newline => {
                line = line.saturating_add(1);
                nested = 0;
            }
            TokenKind::NonLogicalNewline => line = line.saturating_add(1),
            _ => {}
        }
        prefix = match kind {
            TokenKind::Minus
            | TokenKind::Plus
            | TokenKind::Tilde
            | TokenKind::Not
            | TokenKind::Await
            | TokenKind::Star
            | TokenKind::DoubleStar => prefix + 1,
            TokenKind::NonLogicalNewline | TokenKind::Comment => prefix,
            _ => 0,
        };
        if matches!(
            kind,
            TokenKind::Lambda
                | TokenKind::If
                | TokenKind::Else
                | TokenKind::Not
                | TokenKind::Await
                | TokenKind::Yield
                | TokenKind::DoubleStar
                | TokenKind::ColonEqual
        ) {
            nested += 1;
        }
        if prefix > MAX_CHAIN || nested > MAX_CHAIN {
            return Err(too_deep(
                line,
                format!("over {MAX_CHAIN} operators nested in one line"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_cpython_parses_passes() {
        // 5000 operands (the `i`th as `operand` writes it) joined by `sep`.
        let long = |operand: fn(usize) -> String, sep: &str| {
            (0..5000).map(operand).collect::<Vec<_>>().join(sep)
        };
        for ok in [
            "x = 1\n".to_string(),
            format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200)),
            format!("x = {}1\n", "-".repeat(900)),
            format!("x = [{}]\n", long(|i| format!("-{i}"), ", ")),
            format!("x = {}\n", long(|i| format!("a{i}"), " - ")),
            "s = '((((((((((((((((((((((((((((((((((((((((((((((((((('\n".repeat(10),
        ] {
            assert_eq!(check(&ok), Ok(()), "{:.80}", ok);
        }
    }

    #[test]
    fn what_would_nest_without_bound_is_refused() {
        for bad in [
            format!("x = {}1{}\n", "(".repeat(201), ")".repeat(201)),
            format!("x = {}\n", "(".repeat(1_000_000)),
            format!("x = {}1\n", "-".repeat(1001)),
            format!("x = {}x\n", "not ".repeat(1001)),
            format!("x = 2{}\n", "**2".repeat(1001)),
            format!("x = {}0\n", "lambda: ".repeat(1001)),
            (0..101)
                .map(|i| format!("{}if x:\n", " ".repeat(i)))
                .collect::<String>()
                + &" ".repeat(101)
                + "pass\n",
        ] {
            let e = check(&bad).expect_err(&bad[..bad.len().min(40)]);
            assert!(e.message.starts_with("nested too deeply"), "{}", e.message);
        }
    }
}
