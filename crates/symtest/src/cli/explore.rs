//! Arguments of `symtest explore`.

use std::path::PathBuf;

use clap::{ArgAction, Args};
use symtest_explore::Strategy;
use symtest_solve::SolverKind;

pub(super) const EXPLORE_EXAMPLES: &str = "\
The language (Gymbo's, extended):
  statements   expr;  { ... }  if (c) s else s  while (c) s  return e;
  expressions  = || && == != < <= > >= + - * / % ! unary - and +, numbers, names
  A name read before it is assigned is a symbolic input (Int, or Real with --reals).
  Integer / and % truncate toward zero as in C; a divisor that can be zero forks
  a path that ends in an error.

Examples:
  symtest explore 'if (a < 3) if (a > 4) return 1;'
  symtest explore --prefixes 'if (a < 3) if (a > 4) return 1;'
  symtest explore -f examples/minic/triangle.c --json
  symtest explore --solver gd --dpll 'if (a < 3 || a > 10) return 1;'
  symtest explore --reals 'if (x * 4 == 1) return 1;'

Python functions (FILE.py::FUNCTION): parameters typed by their annotations
(int, float, bool, str, list[...], tuple[...], dict[...], set[...], Optional,
typing.List ...) or --types; `assert`s at the top and --assume restrict inputs.
  symtest explore examples/python/parens.py::balanced --strategy coverage
  symtest explore solution.py::f --types 'xs:list[int],k:int' --assume 'k >= 0'

Output:
  #SAT counts feasible paths (with --prefixes: every feasible prefix, as Gymbo
  counts them); each comes with inputs (params) that drive it. #UNSAT lists path
  constraints proven infeasible; #UNKNOWN lists those the solver could not decide.
  Every model is checked by exact evaluation before it is reported.
  Constraints are printed simplified (x-1-1<=1 as x<=3); one longer than
  2000 characters is cut with a note (--full-constraints prints it whole).
  The report is complete (JSON \"complete\": true) only when the search ran
  to its end and nothing cut a path: the depth bound, a loop or recursion
  bound, a step budget or a construct the interpreter does not model each
  make it incomplete, listed as \"Incomplete: <reason> (<n> paths)\" (JSON
  \"cuts\"). A search a budget stopped says \"Stopped early: <why>\" (JSON
  \"stop\": timeout, max_runs, ...); an exhausted search that met an
  unsupported construct has the JSON \"stop\" \"unsupported: <what>\".
  --timeout is 30 s unless given (0 for none). Ctrl-C stops the search and
  prints what was found.

External calls (Python): what the interpreter does not model runs in CPython,
in the sandbox, and exploration goes on: imports of modules it does not model
(relative ones too), their functions and objects, stdlib functions it lacks,
and module globals whose top-level statement it cannot run (computed by the
module as CPython imports it, with its import root on sys.path). Symbolic
arguments of such calls are concretised (\"concretised: external call ...\" on
the path; later inputs keep their values); every target is counted (text:
\"External ...\", JSON \"external\"). Each distinct call is one sandbox job,
cached for the exploration, at most --external-calls of them.

Exit status:
  0 when the exploration ran (complete or not), 130 when interrupted
  (the partial report is printed), 1 on an error in the program or the
  request (a syntax error, an unknown function, a bad type), 2 when a Python
  module's top level fails to load (no function of it can run) and for a
  bad command line. On an error the message is on standard error and
  nothing is on standard output, with --json too.";

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["program", "file"]))]
pub struct ExploreArgs {
    /// The program text, or a Python function as FILE.py::FUNCTION
    pub program: Option<String>,

    /// Python: parameter types, winning over annotations: NAME:TYPE,... (e.g. 'xs:list[int],k:int')
    #[arg(long, value_name = "TYPES")]
    pub types: Option<String>,

    /// Python: a precondition on the inputs (repeatable), e.g. 'n >= 0'
    #[arg(long, value_name = "EXPR")]
    pub assume: Vec<String>,

    /// Read the program from FILE ('-' for standard input)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Symbolic inputs are Real numbers instead of integers
    #[arg(long)]
    pub reals: bool,

    /// Solver: z3 (exact), gd (Gymbo's gradient descent, incomplete) or portfolio (gd, then z3)
    #[arg(long, default_value = "z3", value_name = "SOLVER")]
    pub solver: SolverKind,

    /// Order of exploration: dfs, bfs, coverage (uncovered branches first) or random
    #[arg(long, default_value = "dfs", value_name = "STRATEGY")]
    pub strategy: Strategy,

    /// Branches recorded per path (Gymbo's -d)
    #[arg(long, short = 'd', default_value_t = 256, value_name = "N")]
    pub max_depth: u32,

    #[command(flatten)]
    pub runs: RunBounds,

    /// Stop after this many runs in a row covered no new branch direction
    /// and no new pair of consecutive decisions
    #[arg(long, value_name = "N")]
    pub patience: Option<u64>,

    /// Stop after this many feasible paths
    #[arg(long, value_name = "N")]
    pub max_sat: Option<u64>,

    /// Stop after this many infeasible path constraints
    #[arg(long, value_name = "N")]
    pub max_unsat: Option<u64>,

    /// Wall-clock budget for the whole exploration, in seconds (0: none);
    /// when it stops the search, the report says so and is not complete
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub timeout: f64,

    /// Time limit for one solver query, in seconds
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub query_timeout: f64,

    /// Seed of every random choice (gd starts, the random strategy) (Gymbo's -s)
    #[arg(long, short = 's', default_value_t = 42, value_name = "N")]
    pub seed: u64,

    /// List every feasible prefix, as Gymbo does, instead of complete paths only
    #[arg(long)]
    pub prefixes: bool,

    /// Print path constraints whole: by default one longer than 2000
    /// characters is cut, with a note (in JSON: "truncated": true)
    #[arg(long)]
    pub full_constraints: bool,

    /// Print variables by name (a<3) instead of Gymbo's var_0<3
    #[arg(long)]
    pub names: bool,

    /// Machine-readable output on standard output
    #[arg(long)]
    pub json: bool,

    /// With --json: counts and statistics only, without the lists (for millions of paths)
    #[arg(long, requires = "json")]
    pub summary: bool,

    /// Counts only
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,

    /// Trace runs and queries on standard error (-vv: also each query in SMT-LIB)
    #[arg(long, short = 'v', action = ArgAction::Count)]
    pub verbose: u8,

    /// Do not reuse answers and models of earlier queries
    #[arg(long)]
    pub no_cache: bool,

    /// Send whole path constraints to the solver, not only the part that shares variables with the branch
    #[arg(long)]
    pub no_slicing: bool,

    /// Python: what the interpreter does not model (imports, calls, module
    /// globals) runs in CPython, in the sandbox, concretely; at most this
    /// many sandbox jobs (0: none, such constructs stop the run)
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub external_calls: u64,

    #[command(flatten)]
    pub sandbox: super::grade::SandboxArgs,

    #[command(flatten)]
    pub gd: GdArgs,
}

/// The gradient-descent solver's settings (gd, and gd within portfolio).
/// Flattened last: its heading holds for every option after it.
#[derive(Args, Debug)]
#[command(next_help_heading = "Gradient descent (gd, portfolio)")]
pub struct GdArgs {
    /// gd: descent steps per start (Gymbo's -i)
    #[arg(long, short = 'i', default_value_t = 100, value_name = "N")]
    pub iters: u32,

    /// gd: step size (Gymbo's -a); at least 1 for integer inputs
    #[arg(long, short = 'a', default_value_t = 1.0, value_name = "X")]
    pub step: f64,

    /// gd: the eps of the loss table (Gymbo's -e): a<b costs a-b+eps
    #[arg(long, short = 'e', default_value_t = 1.0, value_name = "X")]
    pub eps: f64,

    /// gd: starts per query (Gymbo's -t): the first from the current input, the rest random
    #[arg(long, short = 't', default_value_t = 3, value_name = "N")]
    pub restarts: u32,

    /// gd: lowest random starting value (Gymbo's -l)
    #[arg(long, short = 'l', default_value_t = -10.0, value_name = "X", allow_hyphen_values = true)]
    pub init_low: f64,

    /// gd: highest random starting value (Gymbo's -h)
    #[arg(
        long,
        default_value_t = 10.0,
        value_name = "X",
        allow_hyphen_values = true
    )]
    pub init_high: f64,

    /// gd: step by the gradient instead of its sign
    #[arg(long)]
    pub plain_gradient: bool,

    /// gd: choose the Boolean skeleton with DPLL, descend on the chosen atoms, block failures (Gymbo's -p)
    #[arg(long, short = 'p')]
    pub dpll: bool,
}

/// Bounds on the runs of a C-like program (`explore` and `prob`).
#[derive(Args, Debug)]
pub struct RunBounds {
    /// Iterations of one while loop before its path is cut
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub loop_bound: u32,

    /// Stop after this many concrete runs
    #[arg(long, value_name = "N")]
    pub max_runs: Option<u64>,
}
