//! Positions and parse errors.

use std::fmt;

use thiserror::Error;

/// A 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1, in characters.
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A syntax error: where, and what was expected there.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{pos}: {message}")]
pub struct ParseError {
    /// Where the error is.
    pub pos: Pos,
    /// What was expected there and what was found.
    pub message: String,
}

impl ParseError {
    /// An error at `pos` saying `message`.
    pub fn new(pos: Pos, message: impl Into<String>) -> ParseError {
        ParseError {
            pos,
            message: message.into(),
        }
    }

    /// The error with the offending source line and a caret under the column,
    /// as compilers print it.
    pub fn render(&self, source: &str, file: &str) -> String {
        let line_text = source
            .lines()
            .nth(self.pos.line.saturating_sub(1) as usize)
            .unwrap_or("");
        let gutter = self.pos.line.to_string().len();
        let caret_pad: String = line_text
            .chars()
            .take(self.pos.col.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "error: {msg}\n{sp}--> {file}:{pos}\n{sp} |\n{line} | {text}\n{sp} | {pad}^\n",
            msg = self.message,
            sp = " ".repeat(gutter),
            file = file,
            pos = self.pos,
            line = self.pos.line,
            text = line_text,
            pad = caret_pad,
        )
    }
}
