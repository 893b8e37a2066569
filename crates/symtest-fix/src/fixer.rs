//! The fixer: what it works with (an analyzer, an LLM, a sandbox) and what
//! it proposes and accepts. Its work is a file at a time (`lib.rs`) and a
//! finding at a time (`run.rs`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use symtest_sandbox::Pool;

use crate::analyzer::Analyzer;
use crate::behaviour::CheckOptions;
use crate::inputs::InputOptions;
use crate::llm::Llm;

/// What to propose and what to accept.
pub struct FixOptions {
    /// LLM candidates per finding.
    pub candidates: usize,
    /// Also propose the analyzer's own fixes.
    pub analyzer_fixes: bool,
    /// Accept a candidate whose behaviour could not be checked.
    pub accept_unchecked: bool,
    /// Accept a candidate that brings findings its rule's fix is known to
    /// bring (`verify::FOLLOW_UPS`: UP031's `str.format` for UP032).
    pub allow_followups: bool,
    /// How behaviour is checked.
    pub check: CheckOptions,
    /// Set to stop after the finding at hand (Ctrl-C).
    pub interrupt: Option<Arc<AtomicBool>>,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            candidates: 5,
            analyzer_fixes: true,
            accept_unchecked: false,
            allow_followups: false,
            check: CheckOptions {
                inputs: InputOptions {
                    max_inputs: 200,
                    explore_timeout: Duration::from_secs(2),
                },
                call_timeout: Duration::from_secs(1),
            },
            interrupt: None,
        }
    }
}

/// Works through files' findings with one analyzer, LLM and sandbox.
pub struct Fixer<'a> {
    /// The analyzer re-checking candidates (`None`: findings came as SARIF
    /// with no command to re-run).
    pub analyzer: Option<&'a Analyzer>,
    /// The tool that produced the findings (for the prompts).
    pub tool: String,
    /// The LLM proposing and ranking rewrites (`None`: analyzer fixes only).
    pub llm: Option<&'a Llm>,
    /// The sandbox the behaviour checks run in (it must let jobs read each
    /// file's import root and `site`: [`ModuleSpec::read_paths`](crate::ModuleSpec::read_paths)).
    pub pool: &'a Pool,
    /// A virtual environment's package folders, for the modules'
    /// third-party imports ([`project::venv_site_packages`](crate::project::venv_site_packages)).
    pub site: Vec<PathBuf>,
    /// What to propose and accept.
    pub opts: &'a FixOptions,
}
