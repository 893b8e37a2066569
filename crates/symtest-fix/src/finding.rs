//! Findings of a static analyzer: from ruff's JSON output or a SARIF 2.1.0
//! log, with the analyzer's own fix when it offers one.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::error::FixError;

/// A position as analyzers give it: 1-based line, 1-based column counted in
/// characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// Replace `start..end` by `content`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// First position replaced.
    pub start: Pos,
    /// Position after the last one replaced.
    pub end: Pos,
    /// The replacement text.
    pub content: String,
}

/// How far an analyzer trusts its own fix (ruff's applicability).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// The analyzer says the fix keeps behaviour.
    Safe,
    /// The fix may change behaviour (also: an applicability not known).
    Unsafe,
    /// Shown, never applied.
    DisplayOnly,
}

impl Applicability {
    /// From ruff's and SARIF's text; anything unknown counts as unsafe.
    pub fn parse(text: &str) -> Applicability {
        match text {
            "safe" => Applicability::Safe,
            "display-only" | "display_only" => Applicability::DisplayOnly,
            _ => Applicability::Unsafe,
        }
    }

    /// The name ruff uses.
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// A fix the analyzer itself offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyzerFix {
    /// What the fix does, in the analyzer's words.
    pub message: String,
    /// How far the analyzer trusts it.
    pub applicability: Applicability,
    /// The edits, in the original text's positions.
    pub edits: Vec<Edit>,
}

/// One finding of a static analyzer.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The rule's code (`E711`).
    pub rule: String,
    /// The rule's name (`none-comparison`).
    pub name: String,
    /// The analyzer's message.
    pub message: String,
    /// The file it is in.
    pub file: PathBuf,
    /// Where it starts.
    pub start: Pos,
    /// Where it ends.
    pub end: Pos,
    /// The analyzer's own fix, when it offers one.
    pub fix: Option<AnalyzerFix>,
    /// The rule's documentation, when the input carried it (SARIF help).
    pub help: Option<String>,
    /// The rule's documentation page.
    pub url: Option<String>,
}

impl Finding {
    /// Its byte range in `source` (the text the analyzer read).
    pub fn span(&self, source: &str) -> (usize, usize) {
        let start = offset(source, self.start);
        (start, offset(source, self.end).max(start))
    }

    /// The same finding at byte range `start..end` of `source`.
    pub fn moved(&self, source: &str, start: usize, end: usize) -> Finding {
        Finding {
            start: pos_at(source, start),
            end: pos_at(source, end),
            ..self.clone()
        }
    }
}

fn pos(j: &Json, what: &str) -> Result<Pos, FixError> {
    let n = |k: &str| {
        j.get(k)
            .and_then(Json::as_u64)
            .map(|v| v as u32)
            .ok_or_else(|| FixError::Findings(format!("{what}: missing or bad '{k}'")))
    };
    Ok(Pos {
        line: n("row")?,
        col: n("column")?,
    })
}

fn string(j: &Json, k: &str) -> Option<String> {
    j.get(k).and_then(Json::as_str).map(str::to_string)
}

/// Parses `ruff check --output-format json`.
pub fn parse_ruff(text: &str) -> Result<Vec<Finding>, FixError> {
    let j: Json = serde_json::from_str(text)
        .map_err(|e| FixError::Findings(format!("ruff's JSON output: {e}")))?;
    let items = j
        .as_array()
        .ok_or_else(|| FixError::Findings("ruff's JSON output is not a list".into()))?;
    let mut out = Vec::new();
    for (i, d) in items.iter().enumerate() {
        let what = format!("finding {}", i + 1);
        // Syntax errors come without a code: they are no rule to fix.
        let Some(rule) = string(d, "code") else {
            continue;
        };
        let fix = match d.get("fix") {
            Some(f) if !f.is_null() => {
                let mut edits = Vec::new();
                for e in f
                    .get("edits")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                {
                    edits.push(Edit {
                        start: pos(&e["location"], &what)?,
                        end: pos(&e["end_location"], &what)?,
                        content: string(e, "content").unwrap_or_default(),
                    });
                }
                Some(AnalyzerFix {
                    message: string(f, "message").unwrap_or_default(),
                    applicability: string(f, "applicability")
                        .map_or(Applicability::Unsafe, |a| Applicability::parse(&a)),
                    edits,
                })
            }
            _ => None,
        };
        out.push(Finding {
            name: string(d, "name").unwrap_or_default(),
            message: string(d, "message").unwrap_or_default(),
            file: PathBuf::from(string(d, "filename").unwrap_or_default()),
            start: pos(&d["location"], &what)?,
            end: pos(&d["end_location"], &what)?,
            fix,
            help: None,
            url: string(d, "url"),
            rule,
        });
    }
    Ok(out)
}

/// Parses a SARIF 2.1.0 log: every result of every run, file paths
/// resolved against `base` (the log's folder) when relative.
pub fn parse_sarif(text: &str, base: &Path) -> Result<(String, Vec<Finding>), FixError> {
    let j: Json =
        serde_json::from_str(text).map_err(|e| FixError::Findings(format!("SARIF: {e}")))?;
    let runs = j
        .get("runs")
        .and_then(Json::as_array)
        .ok_or_else(|| FixError::Findings("SARIF: no 'runs' list".into()))?;
    let mut tool = String::new();
    let mut out = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let driver = &run["tool"]["driver"];
        if tool.is_empty() {
            tool = string(driver, "name").unwrap_or_default();
        }
        let rules: Vec<&Json> = driver
            .get("rules")
            .and_then(Json::as_array)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let results = run.get("results").and_then(Json::as_array);
        for (i, res) in results.into_iter().flatten().enumerate() {
            let what = format!("SARIF run {} result {}", r + 1, i + 1);
            let rule_id = string(res, "ruleId")
                .or_else(|| {
                    res.get("ruleIndex")
                        .and_then(Json::as_u64)
                        .and_then(|k| rules.get(k as usize))
                        .and_then(|r| string(r, "id"))
                })
                .ok_or_else(|| FixError::Findings(format!("{what}: no ruleId")))?;
            let rule = rules
                .iter()
                .find(|r| r.get("id").and_then(Json::as_str) == Some(rule_id.as_str()));
            let loc = &res["locations"][0]["physicalLocation"];
            let uri = loc["artifactLocation"]["uri"]
                .as_str()
                .ok_or_else(|| FixError::Findings(format!("{what}: no artifact uri")))?;
            let region = &loc["region"];
            let line = |k: &str| region.get(k).and_then(Json::as_u64).map(|v| v as u32);
            let start = Pos {
                line: line("startLine")
                    .ok_or_else(|| FixError::Findings(format!("{what}: no startLine")))?,
                col: line("startColumn").unwrap_or(1),
            };
            let end = Pos {
                line: line("endLine").unwrap_or(start.line),
                col: line("endColumn").unwrap_or(start.col),
            };
            let message = res["message"]["text"].as_str().unwrap_or("").to_string();
            let text_of = |r: &Json, k: &str| {
                r.get(k)
                    .and_then(|h| h.get("markdown").or_else(|| h.get("text")))
                    .and_then(Json::as_str)
                    .map(str::to_string)
            };
            out.push(Finding {
                name: rule
                    .and_then(|r| string(r, "name"))
                    .unwrap_or_else(|| rule_id.clone()),
                help: rule.and_then(|r| {
                    text_of(r, "help")
                        .or_else(|| text_of(r, "fullDescription"))
                        .or_else(|| text_of(r, "shortDescription"))
                }),
                url: rule.and_then(|r| string(r, "helpUri")),
                file: resolve_uri(uri, base),
                start,
                end,
                fix: sarif_fix(res),
                message,
                rule: rule_id,
            });
        }
    }
    Ok((tool, out))
}

fn resolve_uri(uri: &str, base: &Path) -> PathBuf {
    let path = uri.strip_prefix("file://").unwrap_or(uri);
    let path = PathBuf::from(percent_decode(path));
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A result's first fix, when all its replacements are in one file.
fn sarif_fix(res: &Json) -> Option<AnalyzerFix> {
    let fix = res.get("fixes")?.as_array()?.first()?;
    let mut edits = Vec::new();
    for change in fix.get("artifactChanges")?.as_array()? {
        for rep in change.get("replacements")?.as_array()? {
            let r = &rep["deletedRegion"];
            let n = |k: &str| r.get(k).and_then(Json::as_u64).map(|v| v as u32);
            let start = Pos {
                line: n("startLine")?,
                col: n("startColumn").unwrap_or(1),
            };
            edits.push(Edit {
                start,
                end: Pos {
                    line: n("endLine").unwrap_or(start.line),
                    col: n("endColumn").unwrap_or(start.col),
                },
                content: rep["insertedContent"]["text"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            });
        }
    }
    Some(AnalyzerFix {
        message: fix["description"]["text"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// Byte offset of `p` in `source`; a column past the end of its line stands
/// for the line's end, a line past the end for the end of the text.
pub fn offset(source: &str, p: Pos) -> usize {
    let mut line_start = 0;
    for _ in 1..p.line.max(1) {
        match source[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return source.len(),
        }
    }
    let line_end = source[line_start..]
        .find('\n')
        .map_or(source.len(), |i| line_start + i);
    source[line_start..line_end]
        .char_indices()
        .nth(p.col.saturating_sub(1) as usize)
        .map_or(line_end, |(i, _)| line_start + i)
}

/// The position of byte `at` of `source` (the end of the text past it).
pub fn pos_at(source: &str, at: usize) -> Pos {
    let mut at = at.min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    let head = &source[..at];
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line: head.matches('\n').count() as u32 + 1,
        col: head[line_start..].chars().count() as u32 + 1,
    }
}

/// The text with the edits applied; `None` when two edits overlap.
pub fn apply_edits(source: &str, edits: &[Edit]) -> Option<String> {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(source, e.start),
                offset(source, e.end),
                e.content.as_str(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for (start, end, content) in spans {
        if start < at || end < start {
            return None;
        }
        out.push_str(&source[at..start]);
        out.push_str(content);
        at = end;
    }
    out.push_str(&source[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters() {
        let s = "ab\né = 1\n";
        assert_eq!(offset(s, Pos { line: 2, col: 2 }), 5);
        assert_eq!(offset(s, Pos { line: 2, col: 99 }), 9);
        assert_eq!(offset(s, Pos { line: 3, col: 1 }), 10);
        assert_eq!(offset(s, Pos { line: 9, col: 1 }), 10);
    }

    #[test]
    fn positions_and_offsets_agree() {
        let s = "ab\né = 1\nz";
        for at in [0, 1, 3, 5, 9, 10, 11] {
            assert_eq!(offset(s, pos_at(s, at)), at, "{at}");
        }
        assert_eq!(pos_at(s, 5), Pos { line: 2, col: 2 });
        assert_eq!(pos_at(s, 99), Pos { line: 3, col: 2 });
    }

    #[test]
    fn edits_apply_in_order_and_overlaps_are_refused() {
        let s = "def f(x=[]):\n    return x\n";
        let e = |l1, c1, l2, c2, t: &str| Edit {
            start: Pos { line: l1, col: c1 },
            end: Pos { line: l2, col: c2 },
            content: t.into(),
        };
        let out = apply_edits(
            s,
            &[
                e(2, 1, 2, 1, "    if x is None:\n        x = []\n"),
                e(1, 9, 1, 11, "None"),
            ],
        );
        assert_eq!(
            out.as_deref(),
            Some("def f(x=None):\n    if x is None:\n        x = []\n    return x\n")
        );
        assert_eq!(
            apply_edits(s, &[e(1, 1, 1, 5, ""), e(1, 3, 1, 6, "")]),
            None
        );
    }

    #[test]
    fn ruff_json_and_sarif() {
        let ruff = r#"[{"code":"E711","name":"none-comparison","message":"Comparison to `None`","filename":"/t/a.py",
          "location":{"row":2,"column":8},"end_location":{"row":2,"column":17},"url":"u",
          "fix":{"applicability":"unsafe","message":"Replace","edits":[{"content":"x is None","location":{"row":2,"column":8},"end_location":{"row":2,"column":17}}]}},
          {"code":null,"message":"SyntaxError","location":{"row":1,"column":1},"end_location":{"row":1,"column":1}}]"#;
        let f = parse_ruff(ruff).expect("parses");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "E711");
        assert_eq!(f[0].fix.as_ref().map(|x| x.edits.len()), Some(1));
        let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep","rules":[
          {"id":"r1","name":"bad","help":{"text":"why"}}]}},
          "results":[{"ruleId":"r1","message":{"text":"m"},"locations":[{"physicalLocation":
          {"artifactLocation":{"uri":"src/a%20b.py"},"region":{"startLine":3,"startColumn":5}}}]}]}]}"#;
        let (tool, f) = parse_sarif(sarif, Path::new("/base")).expect("parses");
        assert_eq!(tool, "semgrep");
        assert_eq!(f[0].file, PathBuf::from("/base/src/a b.py"));
        assert_eq!(f[0].help.as_deref(), Some("why"));
        assert_eq!(f[0].start, Pos { line: 3, col: 5 });
        assert!(parse_sarif("{}", Path::new("/")).is_err());
    }
}
