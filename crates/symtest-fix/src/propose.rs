//! Proposers: the analyzer's own fix, and an LLM rewriting the block around
//! the finding (CORE's proposer prompt: the rule, its documentation, the
//! block with line numbers and the lines of interest).

use symtest_python::outline::{Block, enclosing, outline};

use super::finding::{Applicability, Finding, apply_edits};
use super::llm::{Llm, LlmError, code_block};

/// Who proposed a candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The analyzer's fix, with its applicability.
    Analyzer(Applicability),
    /// LLM candidate `n` (0 at temperature 0).
    Llm(usize),
}

impl Source {
    /// `analyzer fix (safe)`, `llm #2`.
    pub fn describe(&self) -> String {
        match self {
            Source::Analyzer(a) => format!("analyzer fix ({})", a.name()),
            Source::Llm(n) => format!("llm #{}", n + 1),
        }
    }
}

/// A candidate fix.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// Who proposed it.
    pub source: Source,
    /// The whole file with the candidate applied.
    pub text: String,
}

/// The lines an LLM sees and may rewrite: the enclosing function, method or
/// class; at module level, the finding's lines and five on either side.
#[derive(Clone, Debug)]
pub struct Context {
    /// First line, 1-based.
    pub first: u32,
    /// Last line, inclusive.
    pub last: u32,
    /// `function f`, `method C.m`, `module lines 3-12`.
    pub what: String,
}

/// The lines around `f` an LLM sees.
pub fn context(source: &str, f: &Finding) -> Context {
    let blocks: Vec<Block> = outline(source).unwrap_or_default();
    match enclosing(&blocks, f.start.line) {
        Some(b) => Context {
            first: b.first_line,
            last: b.last_line.max(f.end.line),
            what: format!(
                "{} `{}`",
                match b.kind {
                    symtest_python::outline::BlockKind::Function => "function",
                    symtest_python::outline::BlockKind::Method => "method",
                    symtest_python::outline::BlockKind::Class => "class",
                },
                b.name
            ),
        },
        None => {
            let n = source.lines().count().max(1) as u32;
            let first = f.start.line.saturating_sub(5).max(1);
            let last = (f.end.line + 5).min(n);
            Context {
                first,
                last,
                what: format!("module lines {first}-{last}"),
            }
        }
    }
}

/// Byte range of 1-based lines `first..=last`, the last newline included.
fn line_span(source: &str, first: u32, last: u32) -> (usize, usize) {
    let mut starts = vec![0];
    for (i, c) in source.char_indices() {
        if c == '\n' {
            starts.push(i + 1);
        }
    }
    let at = |l: u32| {
        starts
            .get(l.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(source.len())
    };
    (at(first), at(last + 1).max(at(first)))
}

/// The context's lines numbered, the finding's lines marked.
pub fn numbered(source: &str, ctx: &Context, f: &Finding) -> String {
    let mut out = String::new();
    for (i, line) in source.lines().enumerate() {
        let n = i as u32 + 1;
        if n < ctx.first || n > ctx.last {
            continue;
        }
        let mark = if n >= f.start.line && n <= f.end.line {
            "*"
        } else {
            " "
        };
        out.push_str(&format!("{mark}{n:>5} | {line}\n"));
    }
    out
}

/// The analyzer's own fix as a candidate (none when it offers none or only
/// displays it).
pub fn analyzer_proposal(source: &str, f: &Finding) -> Option<Proposal> {
    let fix = f.fix.as_ref()?;
    if fix.edits.is_empty() || fix.applicability == Applicability::DisplayOnly {
        return None;
    }
    Some(Proposal {
        source: Source::Analyzer(fix.applicability),
        text: apply_edits(source, &fix.edits)?,
    })
}

const PROPOSER_SYSTEM: &str = "You are an expert Python developer. You fix findings of static-analysis tools \
in Python code without changing what the code does.";

/// CORE's proposer prompt for `f` in `source`.
pub fn proposer_prompt(source: &str, f: &Finding, doc: Option<&str>, tool: &str) -> String {
    let ctx = context(source, f);
    let doc: String = doc
        .or(f.help.as_deref())
        .unwrap_or("(no documentation available)")
        .chars()
        .take(6000)
        .collect();
    format!(
        "The static-analysis tool {tool} reports rule {rule} ({name}) in {file} at line {line}:\n\
         {message}\n\n\
         Documentation of the rule:\n{doc}\n\n\
         Below is the {what} with line numbers; the lines of interest are marked with `*`.\n\n\
         {code}\n\
         Rewrite lines {first}-{last} so that the finding is resolved and the behaviour of the code \
         stays exactly the same. Reply with the complete rewritten lines {first}-{last} in one \
         ```python code block, with their original indentation and without line numbers.",
        rule = f.rule,
        name = f.name,
        file = f.file.display(),
        line = f.start.line,
        message = f.message,
        what = ctx.what,
        code = numbered(source, &ctx, f),
        first = ctx.first,
        last = ctx.last,
    )
}

/// Re-indents `code` when the model dropped the block's indentation.
fn reindent(code: &str, indent: &str) -> String {
    let first = code.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if indent.is_empty() || first.starts_with(indent) {
        return code.to_string();
    }
    code.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// LLM candidates: `n` replies, the first at temperature 0, the others at
/// 0.7. A reply without a code block is no candidate (said in `skipped`).
pub fn llm_proposals(
    llm: &Llm,
    source: &str,
    f: &Finding,
    doc: Option<&str>,
    tool: &str,
    n: usize,
) -> Result<(Vec<Proposal>, Vec<String>), LlmError> {
    let ctx = context(source, f);
    let prompt = proposer_prompt(source, f, doc, tool);
    let (start, end) = line_span(source, ctx.first, ctx.last);
    let indent: String = source[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for i in 0..n {
        let t = if i == 0 { 0.0 } else { 0.7 };
        let reply = match llm.complete("proposer", PROPOSER_SYSTEM, &prompt, t) {
            Ok(r) => r,
            Err(e @ LlmError::Fatal(_)) => return Err(e),
            Err(LlmError::Failed(m)) => {
                skipped.push(format!("llm #{}: {m}", i + 1));
                continue;
            }
        };
        let Some(code) = code_block(&reply) else {
            skipped.push(format!("llm #{}: the reply has no code block", i + 1));
            continue;
        };
        let mut code = reindent(&code, &indent);
        if !code.ends_with('\n') && end > start && source[..end].ends_with('\n') {
            code.push('\n');
        }
        let text = format!("{}{}{}", &source[..start], code, &source[end..]);
        if out.iter().any(|p: &Proposal| p.text == text) {
            skipped.push(format!(
                "llm #{}: the same rewrite as an earlier reply",
                i + 1
            ));
            continue;
        }
        out.push(Proposal {
            source: Source::Llm(i),
            text,
        });
    }
    Ok((out, skipped))
}

const RANKER_SYSTEM: &str = "You are an expert Python reviewer. You judge proposed fixes of \
static-analysis findings.";

/// CORE's ranker: a score from 0 (strong reject) to 3 (strong accept).
pub fn rank(llm: &Llm, f: &Finding, tool: &str, diff: &str) -> Result<u8, LlmError> {
    let prompt = format!(
        "The static-analysis tool {tool} reported rule {rule} ({name}): {message}\n\n\
         A developer proposes this change:\n```diff\n{diff}```\n\n\
         Rate the change:\n\
         0 - strong reject: it does not resolve the finding, or it changes behaviour or breaks the code\n\
         1 - weak reject: it resolves the finding but the change is risky or needlessly large\n\
         2 - weak accept: it resolves the finding with minor issues\n\
         3 - strong accept: it resolves the finding, keeps behaviour, and is minimal\n\
         Explain briefly, then end with a last line `Score: N`.",
        rule = f.rule,
        name = f.name,
        message = f.message,
    );
    let reply = llm.complete("ranker", RANKER_SYSTEM, &prompt, 0.0)?;
    parse_score(&reply)
        .ok_or_else(|| LlmError::Failed("the ranker's reply has no `Score: N` (0-3)".into()))
}

fn parse_score(reply: &str) -> Option<u8> {
    reply.lines().rev().find_map(|l| {
        let l = l.trim().trim_matches('*');
        let rest = l
            .strip_prefix("Score:")
            .or_else(|| l.strip_prefix("score:"))?;
        let d: String = rest
            .trim()
            .trim_matches('*')
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        d.parse::<u8>().ok().filter(|s| *s <= 3)
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::finding::Pos;

    fn finding(line: u32) -> Finding {
        Finding {
            rule: "E711".into(),
            name: "none-comparison".into(),
            message: "m".into(),
            file: PathBuf::from("a.py"),
            start: Pos { line, col: 1 },
            end: Pos { line, col: 5 },
            fix: None,
            help: None,
            url: None,
        }
    }

    #[test]
    fn context_is_the_enclosing_block_or_nearby_lines() {
        let src = "import os\n\nclass C:\n    def m(self, x):\n        return x == None\n\nY = 1\n";
        let c = context(src, &finding(5));
        assert_eq!((c.first, c.last), (4, 5));
        assert_eq!(c.what, "method `C.m`");
        let c = context(src, &finding(1));
        assert_eq!((c.first, c.last), (1, 6));
        let n = numbered(src, &context(src, &finding(5)), &finding(5));
        assert!(n.contains("*    5 |         return x == None"), "{n}");
        assert_eq!(line_span(src, 4, 5), (20, 65));
    }

    #[test]
    fn scores_and_indentation() {
        assert_eq!(parse_score("Looks good.\nScore: 3"), Some(3));
        assert_eq!(parse_score("**Score: 2**"), Some(2));
        assert_eq!(parse_score("Score: 7"), None);
        assert_eq!(
            reindent("def m(self):\n    pass\n", "    "),
            "    def m(self):\n        pass\n"
        );
    }
}
