//! Tokens of the C-like language.

use crate::error::{ParseError, Pos};

/// A token's kind and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A number as written; `real` when it has a decimal point.
    Num {
        /// The digits as written.
        text: String,
        /// The number has a decimal point.
        real: bool,
    },
    /// A name.
    Ident(String),
    /// The keyword `if`.
    If,
    /// The keyword `else`.
    Else,
    /// The keyword `while`.
    While,
    /// The keyword `return`.
    Return,
    /// Punctuation and operators, as written.
    Punct(&'static str),
    /// The end of the source.
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Num { text, .. } => format!("number '{text}'"),
            Tok::Ident(name) => format!("identifier '{name}'"),
            Tok::If => "'if'".into(),
            Tok::Else => "'else'".into(),
            Tok::While => "'while'".into(),
            Tok::Return => "'return'".into(),
            Tok::Punct(p) => format!("'{p}'"),
            Tok::Eof => "end of input".into(),
        }
    }
}

/// A token and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Where its first character is.
    pub pos: Pos,
}

/// Longest first, so that `<=` is not read as `<` then `=`.
const PUNCT: [&str; 23] = [
    "&&", "||", "==", "!=", "<=", ">=", "<", ">", "=", "+", "-", "*", "/", "%", "!", "(", ")", "{",
    "}", ";", "~", ",", ":",
];

/// Splits source into tokens, skipping white space and comments; the last
/// token is [`Tok::Eof`]. An error points at what cannot be read (an
/// unexpected character, an unterminated comment).
pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    let advance = |i: &mut usize, line: &mut u32, col: &mut u32, n: usize| {
        for _ in 0..n {
            if chars[*i] == '\n' {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col };
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col, 1);
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                advance(&mut i, &mut line, &mut col, 1);
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            advance(&mut i, &mut line, &mut col, 2);
            loop {
                if i + 1 >= chars.len() {
                    return Err(ParseError::new(pos, "unterminated comment: expected '*/'"));
                }
                if chars[i] == '*' && chars[i + 1] == '/' {
                    advance(&mut i, &mut line, &mut col, 2);
                    break;
                }
                advance(&mut i, &mut line, &mut col, 1);
            }
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            let mut real = false;
            while i < chars.len() && (chars[i].is_ascii_digit() || (chars[i] == '.' && !real)) {
                real |= chars[i] == '.';
                advance(&mut i, &mut line, &mut col, 1);
            }
            if i < chars.len() && (chars[i].is_alphabetic() || chars[i] == '_') {
                return Err(ParseError::new(
                    Pos { line, col },
                    format!("unexpected '{}' after a number", chars[i]),
                ));
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Token {
                tok: Tok::Num { text, real },
                pos,
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                advance(&mut i, &mut line, &mut col, 1);
            }
            let word: String = chars[start..i].iter().collect();
            let tok = match word.as_str() {
                "if" => Tok::If,
                "else" => Tok::Else,
                "while" => Tok::While,
                "return" => Tok::Return,
                _ => Tok::Ident(word),
            };
            out.push(Token { tok, pos });
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        match PUNCT.iter().find(|p| rest.starts_with(**p)) {
            Some(p) => {
                out.push(Token {
                    tok: Tok::Punct(p),
                    pos,
                });
                advance(&mut i, &mut line, &mut col, p.len());
            }
            None => {
                return Err(ParseError::new(pos, format!("unexpected character '{c}'")));
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: Pos { line, col },
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_with_positions() {
        let toks = tokenize("if (a <= 3.5) // note\n  return a;").unwrap();
        let kinds: Vec<&Tok> = toks.iter().map(|t| &t.tok).collect();
        assert_eq!(kinds[0], &Tok::If);
        assert_eq!(kinds[3], &Tok::Punct("<="));
        assert_eq!(
            kinds[4],
            &Tok::Num {
                text: "3.5".into(),
                real: true
            }
        );
        assert_eq!(toks[6].pos, Pos { line: 2, col: 3 });
    }

    #[test]
    fn bad_characters_are_located() {
        let e = tokenize("a = 1;\nb = $;").unwrap_err();
        assert_eq!(e.pos, Pos { line: 2, col: 5 });
    }
}
