//! Arguments of `symtest gen`, `symtest pairs` and `symtest critic`.

use std::path::PathBuf;

use super::grade::SandboxArgs;
use clap::Args;
use symtest_solve::SolverKind;

pub(super) const GEN_HELP: &str = "\
For each problem, the reference solution (HumanEval's canonical solution, MBPP's
code, APPS' and TACO's first solution, CodeContests' first Python 3 solution by
language id, verl's extra_info.reference) is explored symbolically; every input found, inputs
on the edges of each path's comparisons (for x < 3 both 2 and 3), and the
dataset's own calls run in CPython, in the sandbox, for the expected outputs and
for the reference's own branch coverage. The generated tests are minimised by
set cover (keeping every branch direction, distinct output and edge covered);
the dataset's tests are kept alongside (origin `dataset`).

Parameter types: --types, then annotations, then the types of the arguments the
dataset's own tests pass (recorded by running them on the reference).
Inputs on which the reference raises are dropped unless --keep-raising (then
the test expects that exception). Preconditions: `assert`s at the top of the
reference, and --assume.

Whole programs (APPS, CodeContests, TACO and verl rows without fn_name) get
stdin suites: the reference is explored from the statement's examples
(CodeContests' public_tests; every test of the other formats), expected outputs
come from CPython, and the dataset's hidden tests (CodeContests' private and
generated tests) join the suite as they are.

Output: one TestSuite row per problem (task_id, entry_point, mode, prompt,
reference, tests [input, expected | raises, origin, path], stats); gradable with
`symtest grade SUITES.jsonl SAMPLES.jsonl`. --emit SHAPE also writes the
problems with every test of their suites in a dataset's own shape, for
pipelines that read that dataset: apps (input_output: all inputs and outputs,
call outputs wrapped in a list of one), codecontests (the generated tests added
to generated_tests, public and private tests kept) or verl
(reward_model.ground_truth: all tests, bare call outputs). A problem read from a
row of that shape keeps every other field; tests expecting an exception are
left out (the shapes have no form for them). Rerunning with the same -o only
generates the problems not in it yet; Ctrl-C stops cleanly.

Examples:
  symtest gen HumanEval.jsonl.gz -o suites.jsonl
  symtest gen problems.jsonl -o suites.jsonl --only HumanEval/0,HumanEval/12 --pytest tests/
  symtest gen mbpp.jsonl -o s.jsonl --types 'xs:list[int],k:int' --assume 'k >= 0'
  symtest gen codecontests.jsonl -o suites.jsonl --emit codecontests   # also suites.codecontests.jsonl";

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Problem file (HumanEval, MBPP, APPS, CodeContests, TACO, verl or a symtest suite with references)
    pub problems: PathBuf,

    /// Output file: TestSuite rows (JSON Lines)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,

    /// Also write a pytest file per problem into this folder
    #[arg(long, value_name = "DIR")]
    pub pytest: Option<PathBuf>,

    /// Also write the problems with their suites' tests in a dataset's own
    /// shape, beside the output as OUTPUT_STEM.SHAPE.jsonl: apps
    /// (input_output), codecontests (generated_tests; stdin problems only)
    /// or verl (reward_model.ground_truth)
    #[arg(long, value_name = "SHAPE")]
    pub emit: Option<symtest_formats::dataset::emit::Emit>,

    /// The problems' format (detected by default)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<symtest_formats::dataset::Format>,

    /// Only these task ids (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub only: Vec<String>,

    /// Parameter types, winning over annotations: NAME:TYPE,... (e.g. 'xs:list[int],k:int')
    #[arg(long, value_name = "TYPES")]
    pub types: Option<String>,

    /// A precondition on the inputs, a Python expression (repeatable), e.g. 'n >= 0'
    #[arg(long, value_name = "EXPR")]
    pub assume: Vec<String>,

    /// Keep inputs on which the reference raises; the test then expects the exception
    #[arg(long)]
    pub keep_raising: bool,

    /// Keep every distinct input found instead of a minimal covering suite
    #[arg(long)]
    pub no_minimise: bool,

    /// Exploration budget per problem, in seconds
    #[arg(long, default_value_t = 3.0, value_name = "SECS")]
    pub timeout: f64,

    /// Concrete runs per problem at most
    #[arg(long, default_value_t = 400, value_name = "N")]
    pub max_runs: u64,

    /// Stop exploring a problem after this many runs in a row covered no new
    /// branch direction and no new pair of consecutive decisions (0: never)
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub patience: u64,

    /// Stop exploring a problem after this many seconds without a run that
    /// covered something new (0: never); the time goes to solver queries
    /// that lead nowhere new
    #[arg(long, default_value_t = 0.5, value_name = "SECS")]
    pub patience_time: f64,

    /// Solver queries for boundary inputs per problem (0: none)
    #[arg(long, default_value_t = 120, value_name = "N")]
    pub max_boundary: usize,

    /// Mutants of the reference (its functions, or a whole stdin program),
    /// at most, spread evenly over its sites (one operator swapped, a
    /// constant one off, a `not` dropped, `break` for `continue`): the suite
    /// keeps an input to tell each apart where a candidate input does (0:
    /// none)
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub mutants: usize,

    /// Time limit of one call of the reference in CPython, in seconds; slower
    /// inputs are dropped, as every graded sample would pay for them
    #[arg(long, default_value_t = 0.5, value_name = "SECS")]
    pub call_timeout: f64,

    /// Time limit for one solver query, in seconds
    #[arg(long, default_value_t = 0.5, value_name = "SECS")]
    pub query_timeout: f64,

    /// Whole programs reading stdin: most tokens on a generated line and
    /// most lines a read to the end finds (6 when not given: a test is for
    /// a path, not for speed). Given, each example with the rows an earlier
    /// number counts grown to N tokens is explored too, for branches on a
    /// large count (`if n >= 10`)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_tokens: Option<u32>,

    /// Functions: what the interpreter does not model (a stdlib function, a
    /// method of an object it cannot represent) is computed in CPython, in
    /// the sandbox, with concrete arguments (counted in the report as
    /// concretisations); at most this many sandbox jobs a problem (0: none,
    /// such a call stops the run)
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub external_calls: u64,

    /// Solver: z3, gd or portfolio
    #[arg(long, default_value = "z3", value_name = "KIND")]
    pub solver: SolverKind,

    /// Problems generated at once (each also uses the sandbox)
    #[arg(long, value_name = "N")]
    pub parallel: Option<usize>,

    /// A JSON report (per problem and totals) to this file
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// No progress bar
    #[arg(long, short = 'q')]
    pub quiet: bool,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// The three files training data is made from.
#[derive(Args, Debug)]
pub struct GradedInputs {
    /// Problem file (for the prompts)
    pub problems: PathBuf,
    /// Samples file (for the completions)
    pub samples: PathBuf,
    /// Outcomes file written by `symtest grade`
    pub outcomes: PathBuf,
    /// The problems' format (detected by default)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<symtest_formats::dataset::Format>,
    /// Output file (JSON Lines)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Add ids (and, for pairs, the margin) to every row
    #[arg(long)]
    pub with_meta: bool,
}

#[derive(Args, Debug)]
#[command(after_long_help = "\
Each pair puts a passing completion (chosen) over a failing one (rejected) of the
same problem; pairs with the largest reward margin come first (a compile error
before a wrong answer), every failing completion is used once before any is
reused, and identical texts are never paired. The prompt is the problem's prompt.

Example:
  symtest pairs problems.jsonl samples.jsonl outcomes.jsonl -o pairs.jsonl --max-per-problem 8")]
pub struct PairsArgs {
    #[command(flatten)]
    pub inputs: GradedInputs,
    /// At most this many pairs per problem
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_per_problem: usize,
}

#[derive(Args, Debug)]
#[command(after_long_help = "\
Labels (CodeRL): 0 compile error, 1 runtime error or timeout, 2 failed a test, 3 passed.")]
pub struct CriticArgs {
    #[command(flatten)]
    pub inputs: GradedInputs,
}
