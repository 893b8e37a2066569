//! Arguments of `symtest fix`.

use std::path::PathBuf;

use super::grade::SandboxArgs;
use clap::Args;

pub(super) const FIX_HELP: &str = "\
How a finding is fixed (CORE's pipeline, with a behaviour check):
  1. candidates: the analyzer's own fix (ruff's fix edits, safe or unsafe), and with --llm-url
     N rewrites of the enclosing function, method or class by an LLM;
  2. verifier: the candidate parses, and the analyzer run again no longer reports the finding
     and reports nothing new (with --allow-followups, findings the rule's fix is known to
     bring are let through: UP031 and UP030 to UP032, UP035 to I001, UP006, UP007 and UP045 to
     F401, RET505-RET508 to themselves);
  3. behaviour: the functions the candidate touches run, original and candidate, in the
     sandbox on the same inputs: paths symtest's explorer finds through the original plus typed
     samples (objects of the module's classes built through their __init__; calls leaving
     defaulted parameters out or passing them explicitly). Results, exception types, arguments
     after the call, the object's state, printed output and the module's globals after import
     must agree; a difference rejects the candidate and shows the input. The original runs
     twice: what differs between its runs is not compared. The module is imported by its
     dotted name from its project's import root (read-only in the sandbox); with --python
     naming a virtual environment, third-party imports come from its packages;
  4. ranker (with --llm-url): CORE's 0-3 rubric, accepted above 1.
  The first candidate in the order (behaviour checked, ranker score, smaller diff) that
  passes is applied, and the next finding is worked on in the fixed text.

Output: a unified diff on stdout (--format json or sarif for machines), a line per finding on
stderr; --write replaces the files (atomically). Positions are in the files as they were.

Exit status: 0 when every finding was fixed (or there was none), 2 when findings remain
(rejected, not checked, no candidate) or a file could not be read or parsed (0 with
--exit-zero), 1 on an error, 130 when interrupted.

ruff: --ruff, else $SYMTEST_RUFF, else the one scripts/setup.sh installs in .deps/ of the
checkout this binary was built in, else ruff on PATH.

Examples:
  symtest fix src/app.py                          ruff's findings, ruff's fixes, diff on stdout
  symtest fix src/ --select E711,E712,F841 --write
  symtest fix app.py --llm-url http://localhost:8000/v1 --model qwen2.5-coder --api-key-env KEY
  symtest fix --sarif semgrep.sarif --recheck 'semgrep --config r.yml --sarif {file}'
";

#[derive(Args, Debug)]
pub struct FixArgs {
    /// Python files or folders (every *.py below them)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Rules for ruff (`--select` passed through, e.g. E711,F841)
    #[arg(long, value_name = "RULES")]
    pub select: Option<String>,

    /// Read the findings from a SARIF 2.1.0 log instead of running ruff
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// With --sarif: a command printing SARIF for `{file}`, to re-check candidates (ruff is used
    /// when the log comes from ruff)
    #[arg(long, value_name = "CMD")]
    pub recheck: Option<String>,

    /// The ruff executable (default: $SYMTEST_RUFF, else the set-up's, else `ruff` on PATH)
    #[arg(long, value_name = "PATH")]
    pub ruff: Option<PathBuf>,

    /// Exit with 0 even when findings remain
    #[arg(long)]
    pub exit_zero: bool,

    /// Do not propose the analyzer's own fixes
    #[arg(long)]
    pub no_analyzer_fixes: bool,

    /// Accept candidates whose behaviour could not be checked (e.g. the module does not load in the sandbox)
    #[arg(long)]
    pub accept_unchecked: bool,

    /// Accept fixes that bring findings their rule's fix is known to bring, which ruff's next
    /// pass fixes (UP031's str.format calls for UP032; see the long help)
    #[arg(long)]
    pub allow_followups: bool,

    /// Apply the accepted fixes to the files
    #[arg(long)]
    pub write: bool,

    /// What goes to stdout (or --output): a unified diff, the JSON report, or SARIF 2.1.0
    /// with the fixes
    #[arg(long, value_enum, default_value_t = FixFormat::Diff, value_name = "FORMAT")]
    pub format: FixFormat,

    /// Write the output here instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Seconds of symbolic exploration per function checked
    #[arg(
        long,
        default_value_t = 2.0,
        value_name = "SECS",
        help_heading = "Behaviour check"
    )]
    pub explore_timeout: f64,

    /// Inputs per function checked at most
    #[arg(
        long,
        default_value_t = 200,
        value_name = "N",
        help_heading = "Behaviour check"
    )]
    pub max_inputs: usize,

    /// Time limit of one call, in seconds
    #[arg(
        long,
        default_value_t = 1.0,
        value_name = "SECS",
        help_heading = "Behaviour check"
    )]
    pub call_timeout: f64,

    /// An OpenAI-compatible endpoint (e.g. https://api.openai.com/v1): LLM candidates and ranking
    #[arg(long, value_name = "URL", help_heading = "LLM")]
    pub llm_url: Option<String>,

    /// The model to ask
    #[arg(long, value_name = "NAME", help_heading = "LLM")]
    pub model: Option<String>,

    /// The environment variable holding the API key
    #[arg(long, value_name = "VAR", help_heading = "LLM")]
    pub api_key_env: Option<String>,

    /// LLM candidates per finding (the first at temperature 0, the others at 0.7)
    #[arg(long, default_value_t = 5, value_name = "N", help_heading = "LLM")]
    pub candidates: usize,

    /// Seconds before one request is abandoned (and retried)
    #[arg(
        long,
        default_value_t = 120.0,
        value_name = "SECS",
        help_heading = "LLM"
    )]
    pub llm_timeout: f64,

    /// Retries of a request after 429, 5xx or a timeout (back-off doubling from 1 s)
    #[arg(long, default_value_t = 4, value_name = "N", help_heading = "LLM")]
    pub llm_retries: u32,

    /// Append every prompt and reply to this jsonl file
    #[arg(long, value_name = "FILE", help_heading = "LLM")]
    pub llm_log: Option<PathBuf>,

    /// No progress bar
    #[arg(long, short = 'q')]
    pub quiet: bool,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// The output of `symtest fix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FixFormat {
    /// A unified diff of every file changed
    Diff,
    /// Every file, finding and candidate, and totals
    Json,
    /// SARIF 2.1.0: the findings with the accepted fixes
    Sarif,
}
