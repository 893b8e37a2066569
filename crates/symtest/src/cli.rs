//! Command-line arguments.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};
use symtest_explore::Strategy;
use symtest_solve::SolverKind;

#[derive(Parser, Debug)]
#[command(
    name = "symtest",
    version,
    about = "Path-covering tests by symbolic execution",
    long_about = "symtest explores programs symbolically: it runs them on concrete inputs while \
                  tracking how every branch depends on the inputs, then asks a solver for inputs \
                  that take the branches not taken yet, until every feasible path is found."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Explore every path of a program in Gymbo's C-like language, or of a Python function
    #[command(after_long_help = EXPLORE_EXAMPLES)]
    Explore(ExploreArgs),
    /// Generate path-covering test suites for a problem set's reference solutions
    #[command(after_long_help = GEN_HELP)]
    Gen(GenArgs),
    /// Grade model samples against a problem set, in the sandbox
    #[command(after_long_help = GRADE_HELP)]
    Grade(GradeArgs),
    /// Serve rewards over HTTP (native /reward and OpenRLHF's /get_reward)
    #[command(after_long_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// DPO preference pairs (TRL's prompt, chosen, rejected) from graded samples
    Pairs(PairsArgs),
    /// CodeRL critic data (prompt, completion, label 0-3) from graded samples
    CriticData(CriticArgs),
    /// Exact path probabilities, return-value distribution, mean and variance of a probabilistic program
    #[command(after_long_help = PROB_HELP)]
    Prob(ProbArgs),
    /// An input near a given one that a ReLU network classifies differently, or a proof there is none
    #[command(after_long_help = ADVERSARIAL_HELP)]
    Adversarial(AdversarialArgs),
    /// Fix static-analysis findings (ruff, SARIF) and prove the fix kept behaviour
    #[command(after_long_help = FIX_HELP)]
    Fix(FixArgs),
}

const FIX_HELP: &str = "\
How a finding is fixed (CORE's pipeline, with a behaviour check):
  1. candidates: the analyzer's own fix (ruff's fix edits, safe or unsafe), and with --llm-url
     N rewrites of the enclosing function, method or class by an LLM;
  2. verifier: the candidate parses, and the analyzer run again no longer reports the finding
     and reports nothing new;
  3. behaviour: the functions the candidate touches run, original and candidate, in the
     sandbox on the same inputs: paths symtest's explorer finds through the original plus typed
     samples (objects of the module's classes built through their __init__; calls leaving
     defaulted parameters out). Results, exception types, arguments after the call, the
     object's state and printed output must agree; a difference rejects the candidate and
     shows the input;
  4. ranker (with --llm-url): CORE's 0-3 rubric, accepted above 1.
  The first candidate in the order (behaviour checked, ranker score, smaller diff) that
  passes is applied, and the next finding is worked on in the fixed text.

Output: a unified diff on stdout (--format json or sarif for machines), a line per finding on
stderr; --write replaces the files (atomically).

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

    /// The ruff executable (default: $SYMTEST_RUFF, else `ruff` on PATH)
    #[arg(long, value_name = "PATH")]
    pub ruff: Option<PathBuf>,

    /// Do not propose the analyzer's own fixes
    #[arg(long)]
    pub no_analyzer_fixes: bool,

    /// Accept candidates whose behaviour could not be checked (e.g. the module does not load in the sandbox)
    #[arg(long)]
    pub accept_unchecked: bool,

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

const ADVERSARIAL_HELP: &str = "\
The network (--model) is JSON:
  {\"format\": \"symtest-mlp\",
   \"layers\": [{\"weights\": [[...], ...], \"bias\": [...], \"activation\": \"relu\"},
              ...,
              {\"weights\": [[...], ...], \"bias\": [...], \"activation\": \"linear\"}],
   \"classes\": [\"cat\", \"dog\"]}
weights[j][i] multiplies input i into output j (PyTorch's layout); the class is the index
of the largest output (the first on a tie). scripts/export_mlp.py writes this format from a
scikit-learn MLPClassifier or a PyTorch nn.Sequential of Linear and ReLU.
The input (--input) is a JSON array of numbers, or {\"x\": [...]}.

Solvers:
  z3         exact: the network over real numbers, ReLU as if-then-else. UNSAT means no
             input within eps (on the chosen features) has another class: robust.
  gd         projected sign-gradient ascent on the class margin with random restarts:
             fast, incomplete; finding nothing is 'unknown', never 'robust'.
  portfolio  gd on a fifth of the budget, then z3.
Every example is run through the network exactly (rational arithmetic on the very floats
printed) before it is reported.

Examples:
  symtest adversarial --model net.json --input x.json --eps 0.1
  symtest adversarial --model net.json --input x.json --eps 0.5 --features 0,3 --target 2 --json";

#[derive(Args, Debug)]
pub struct AdversarialArgs {
    /// The network, in symtest's JSON format (see below)
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,

    /// The input point: a JSON array of numbers
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,

    /// How far each chosen feature may move (L-infinity radius)
    #[arg(long, value_name = "E")]
    pub eps: f64,

    /// Only these features may change (comma-separated indices from 0; default all)
    #[arg(long, value_name = "I,J,...", value_delimiter = ',')]
    pub features: Vec<usize>,

    /// Look for this class (an index, or a class name) instead of any other
    #[arg(long, value_name = "C")]
    pub target: Option<String>,

    /// z3 (exact, proves robustness), gd (fast, incomplete) or portfolio
    #[arg(long, default_value = "portfolio", value_name = "KIND")]
    pub solver: SolverKind,

    /// Time budget, in seconds
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub timeout: f64,

    /// Seed of gd's random restarts
    #[arg(long, default_value_t = 7, value_name = "N")]
    pub seed: u64,

    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

const PROB_HELP: &str = "\
Random variables, in the program:
  x ~ bernoulli(0.3);                  1 with probability 0.3, else 0
  d ~ uniform(1, 6);                   each integer 1..=6 equally likely
  k ~ binomial(3, 0.2);                successes in 3 trials of probability 0.2
  c ~ categorical(1: 0.5, 5: 1/4, 7: 1/4);
or, for a program in Gymbo's plain syntax, on the command line:
  --dist x=binomial(3,0.2)             the input x is random
Probabilities are exact rationals (0.3 is 3/10; 1/3 is allowed). A `~` that
runs again (in a loop) draws a new variable (x#2, x#3, ...).

Every path is listed with its constraint and exact probability, then the
distribution of the return value, its mean E and variance Var (and those of
--observe VAR), and the probability mass explored: 1 when exploration
completed, less (and said) when a budget stopped it. Inputs that are neither
random nor fixed (--input a=3) stay symbolic: results are then given per
input region (the path constraints on those inputs).

A path is weighed one independent group of random variables at a time,
eliminating variables one by one and merging partial assignments that leave
the same residual constraint: no enumeration of the product of all supports.

Examples:
  symtest prob -f monty.c
  symtest prob 'c1 ~ bernoulli(0.3); c2 ~ bernoulli(0.3); if (c1 + c2 == 2) return 1; return 0;'
  symtest prob 'if (x >= 2) return 1; return 0;' --dist x='binomial(3, 0.2)'
  symtest prob -f game.c --input budget=10 --observe score --json";

#[derive(Args, Debug)]
pub struct ProbArgs {
    /// The program text (or use -f FILE)
    pub program: Option<String>,

    /// Read the program from FILE ('-' for standard input)
    #[arg(short = 'f', long, value_name = "FILE", conflicts_with = "program")]
    pub file: Option<PathBuf>,

    /// A random input: NAME=DIST, e.g. x=binomial(3,0.2) (repeatable)
    #[arg(long, value_name = "NAME=DIST")]
    pub dist: Vec<String>,

    /// A fixed input value: NAME=NUMBER (repeatable)
    #[arg(long, value_name = "NAME=NUMBER")]
    pub input: Vec<String>,

    /// Also give the distribution, mean and variance of this variable at the end of each run
    #[arg(long, value_name = "VAR")]
    pub observe: Option<String>,

    /// Iterations of one while loop before its path is cut
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub loop_bound: u32,

    /// Stop after this many concrete runs
    #[arg(long, value_name = "N")]
    pub max_runs: Option<u64>,

    /// Wall-clock budget for the exploration, in seconds
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Partial assignments kept at once while weighing one path
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub max_states: usize,

    /// Decimal digits shown beside each exact probability
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub digits: u32,

    /// Print one JSON object instead of the listing
    #[arg(long)]
    pub json: bool,
}

const SERVE_HELP: &str = "\
Endpoints:
  POST /reward      {\"samples\": [{\"task_id\", \"completion\", \"sample_id\"?}]}
                    -> {\"results\": [outcome, ...]} (a single sample object gives {\"result\"})
  POST /get_reward  OpenRLHF's remote reward protocol: {\"query\": [...], \"prompts\": [...],
                    \"labels\": [...]} -> {\"rewards\": [...], \"scores\": [...], \"extra_logs\": {...}}.
                    Each label is the query's task_id (or {\"task_id\": ...}); the graded
                    completion is the query without its prompt, with fenced code extracted.
  GET  /healthz     200 when the sandbox works, 503 after it failed
  GET  /metrics     Prometheus text

A request whose samples do not fit in the queue (--queue) gets 503 with
Retry-After: nothing is dropped silently. The first line on standard output is
`listening on http://HOST:PORT` (useful with --port 0).

Example (OpenRLHF):
  symtest serve HumanEval.jsonl.gz --port 5000 --reward coderl
  ... --remote_rm_url http://127.0.0.1:5000/get_reward";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Problem file (HumanEval, MBPP, APPS or a symtest suite)
    pub problems: PathBuf,

    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port (0: any free port)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,

    /// Samples admitted at once (queued plus running); more get 503
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub queue: usize,

    /// Seconds a client has to send a request's headers (from opening the
    /// connection or from its last response) before it is closed
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub header_timeout: f64,

    /// Seconds a client has to send a request's whole body (408 after)
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub body_timeout: f64,

    /// Connections held at once; more are closed as soon as accepted
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub max_connections: usize,

    /// MiB of request bodies held in memory at once, over all requests;
    /// a body that does not fit is answered 503 (retry later)
    #[arg(long, default_value_t = 1024, value_name = "MIB")]
    pub body_memory: usize,

    #[command(flatten)]
    pub judge: JudgeArgs,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

const GEN_HELP: &str = "\
For each problem, the reference solution (HumanEval's canonical solution, MBPP's
code, APPS' first solution) is explored symbolically; every input found, inputs
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

Output: one TestSuite row per problem (task_id, entry_point, mode, prompt,
reference, tests [input, expected | raises, origin, path], stats); gradable with
`symtest grade SUITES.jsonl SAMPLES.jsonl`. Rerunning with the same -o only
generates the problems not in it yet; Ctrl-C stops cleanly.

Examples:
  symtest gen HumanEval.jsonl.gz -o suites.jsonl
  symtest gen problems.jsonl -o suites.jsonl --only HumanEval/0,HumanEval/12 --pytest tests/
  symtest gen mbpp.jsonl -o s.jsonl --types 'xs:list[int],k:int' --assume 'k >= 0'";

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Problem file (HumanEval, MBPP, APPS or a symtest suite with references)
    pub problems: PathBuf,

    /// Output file: TestSuite rows (JSON Lines)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,

    /// Also write a pytest file per problem into this folder
    #[arg(long, value_name = "DIR")]
    pub pytest: Option<PathBuf>,

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

    /// Time limit of one call of the reference in CPython, in seconds; slower
    /// inputs are dropped, as every graded sample would pay for them
    #[arg(long, default_value_t = 0.5, value_name = "SECS")]
    pub call_timeout: f64,

    /// Time limit for one solver query, in seconds
    #[arg(long, default_value_t = 0.5, value_name = "SECS")]
    pub query_timeout: f64,

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

const GRADE_HELP: &str = "\
Problem files (jsonl, jsonl.gz or a JSON array; the format is detected):
  HumanEval  task_id, prompt, canonical_solution, test, entry_point
             (the program is prompt + completion; `check(candidate)` runs in a
             trusted harness, each call crossing to the sandbox as plain values)
  MBPP       task_id, text, code, test_list (asserts run in the harness)
  APPS       problem_id, question, solutions, input_output, starter_code
             (calls when input_output has fn_name, else stdin/stdout)
  suite      symtest's TestSuite rows: task_id, entry_point, mode, tests
  A problem every sample would pass (no tests, no check function) is refused.
Samples: one JSON object a line with task_id and completion (sample_id optional;
  two rows with one task_id and sample_id are refused). A completion that is not
  valid Python has the code of its fenced blocks graded (chat-style answers),
  unless --no-extract.

Outcomes (one line per sample): task_id, sample_id, status (passed, failed,
runtime_error, compile_error, timeout, or grader_error when the sandbox itself
could not judge the sample: no reward), passed, total, reward, first_failure,
ms, and SHA-256 digests of the completion and of everything the verdict depends
on. Rerunning with the same -o grades what is not in it yet or changed (another
completion, problem or grading setting) and samples with a grader error; Ctrl-C
stops cleanly and leaves a valid file.

Judging: a returned value equals the expected one as Python's == says, an
expected float within --rtol/--atol and an expected int exactly; standard output
by --judge. Time limits are CPU time of the sample's processes (wall-clock where
cgroups are missing): --timeout-factor times what the reference solution took
(measured first, in the same sandbox), never less than --timeout-floor; without a
reference, --default-timeout. A sample that sleeps is stopped by the wall clock:
three times its limit plus half a second per test, three times the sum of its
limits plus a second for all its tests (the tests left are timeouts); a sample
still computing on a crowded machine may run up to ten times its limit.

Values compare as Python's == (True == 1, 6.0 == 6); an expected NaN wants a
NaN. An expected exception is matched by its class or a subclass; running out
of stack or memory (RecursionError, MemoryError) matches only itself, and is an
error where a test catches any Exception. APPS call outputs that are all lists
of one are unwrapped (APPS' convention); other outputs are the value itself.
A completion over 16 MiB is a compile_error.

Exit status: 0 when every sample has a verdict, 3 when some got a grader error,
130 when interrupted, 1 on an error.

Examples:
  symtest grade HumanEval.jsonl.gz samples.jsonl -o outcomes.jsonl
  symtest grade problems.jsonl samples.jsonl -o out.jsonl --reward coderl -k 1,5";

/// Where and how untrusted code runs.
#[derive(Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Worker processes (jobs at once); one per core by default
    #[arg(long, short = 'j', value_name = "N", help_heading = "Sandbox")]
    pub jobs: Option<usize>,

    /// The Python that runs samples (python3 on PATH by default)
    #[arg(long, value_name = "PATH", help_heading = "Sandbox")]
    pub python: Option<PathBuf>,

    /// Address-space limit per job in MiB (0: none)
    #[arg(
        long,
        default_value_t = 2048,
        value_name = "MIB",
        help_heading = "Sandbox"
    )]
    pub memory_mb: u64,

    /// Largest output (and file) a job may write, in MiB
    #[arg(
        long,
        default_value_t = 16,
        value_name = "MIB",
        help_heading = "Sandbox"
    )]
    pub output_mb: u64,

    /// Another path jobs may read (e.g. a virtual environment's site-packages); repeatable
    #[arg(long, value_name = "PATH", help_heading = "Sandbox")]
    pub sandbox_read: Vec<PathBuf>,

    /// Run even where an isolation mechanism is missing (it is said loudly)
    #[arg(long, help_heading = "Sandbox")]
    pub allow_weaker_isolation: bool,
}

/// How samples are judged.
#[derive(Args, Debug, Clone)]
pub struct JudgeArgs {
    /// The problems' format: humaneval, mbpp, apps or suite (detected by default)
    #[arg(long, value_name = "FORMAT", help_heading = "Judging")]
    pub format: Option<symtest_formats::dataset::Format>,

    /// Reward: binary (1 if all tests pass), fraction (tests passed), coderl (-1/-0.6/-0.3/1)
    #[arg(
        long,
        default_value = "binary",
        value_name = "KIND",
        help_heading = "Judging"
    )]
    pub reward: symtest_grade::RewardKind,

    /// A test may take this many times the reference solution's time (CPU
    /// time of the job's processes where cgroups exist, else wall-clock)
    #[arg(
        long,
        default_value_t = 4.0,
        value_name = "X",
        help_heading = "Judging"
    )]
    pub timeout_factor: f64,

    /// ...and never less than this many seconds [default: 0.1 of CPU time,
    /// 1 of wall-clock time without cgroups]
    #[arg(long, value_name = "SECS", help_heading = "Judging")]
    pub timeout_floor: Option<f64>,

    /// The limit in seconds when there is no reference to measure
    #[arg(
        long,
        default_value_t = 3.0,
        value_name = "SECS",
        help_heading = "Judging"
    )]
    pub default_timeout: f64,

    /// How standard output is compared: tokens (whitespace-separated; a
    /// decimal with a fraction or exponent in the expected output within
    /// --float-tolerance, every other token exactly), exact (same lines,
    /// trailing spaces aside) or apps (APPS' lenient judge: any tokens that
    /// parse as floats within --rtol/--atol)
    #[arg(
        long,
        default_value = "tokens",
        value_name = "JUDGE",
        help_heading = "Judging"
    )]
    pub judge: symtest_grade::JudgeKind,

    /// Absolute or relative error allowed for a real number in standard
    /// output (the tokens judge)
    #[arg(
        long,
        default_value_t = 1e-6,
        value_name = "X",
        help_heading = "Judging"
    )]
    pub float_tolerance: f64,

    /// Relative tolerance for an expected float among returned values (an
    /// expected int is always matched exactly)
    #[arg(
        long,
        default_value_t = 1e-7,
        value_name = "X",
        help_heading = "Judging"
    )]
    pub rtol: f64,

    /// Absolute tolerance for an expected float among returned values
    #[arg(
        long,
        default_value_t = 1e-9,
        value_name = "X",
        help_heading = "Judging"
    )]
    pub atol: f64,

    /// Grade completions as they are, without taking code out of fenced blocks
    #[arg(long, help_heading = "Judging")]
    pub no_extract: bool,
}

#[derive(Args, Debug)]
pub struct GradeArgs {
    /// Problem file (HumanEval, MBPP, APPS or a symtest suite)
    pub problems: PathBuf,

    /// Samples file (task_id, completion[, sample_id])
    pub samples: PathBuf,

    /// Outcomes file (appended to; resumable)
    #[arg(short = 'o', long = "output", value_name = "OUTCOMES")]
    pub output: PathBuf,

    /// pass@k for these k (comma-separated)
    #[arg(
        short = 'k',
        long = "k",
        default_value = "1,10,100",
        value_delimiter = ',',
        value_name = "K"
    )]
    pub ks: Vec<usize>,

    /// Print the summary as JSON (with per-problem pass@k) on standard output
    #[arg(long)]
    pub json: bool,

    /// Also print pass@k for each problem
    #[arg(long)]
    pub per_problem: bool,

    /// No progress bar
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Print each sample's verdict as it is graded
    #[arg(long, short = 'v', conflicts_with = "json")]
    pub verbose: bool,

    #[command(flatten)]
    pub judge: JudgeArgs,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

const EXPLORE_EXAMPLES: &str = "\
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
  Every model is checked by exact evaluation before it is reported.";

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

    /// Iterations of one while loop before its path is cut
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub loop_bound: u32,

    /// Stop after this many concrete runs
    #[arg(long, value_name = "N")]
    pub max_runs: Option<u64>,

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

    /// Wall-clock budget for the whole exploration, in seconds
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Time limit for one solver query, in seconds
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub query_timeout: f64,

    /// gd: descent steps per start (Gymbo's -i)
    #[arg(
        long,
        short = 'i',
        default_value_t = 100,
        value_name = "N",
        help_heading = "Gradient descent (gd, portfolio)"
    )]
    pub iters: u32,

    /// gd: step size (Gymbo's -a); at least 1 for integer inputs
    #[arg(
        long,
        short = 'a',
        default_value_t = 1.0,
        value_name = "X",
        help_heading = "Gradient descent (gd, portfolio)"
    )]
    pub step: f64,

    /// gd: the eps of the loss table (Gymbo's -e): a<b costs a-b+eps
    #[arg(
        long,
        short = 'e',
        default_value_t = 1.0,
        value_name = "X",
        help_heading = "Gradient descent (gd, portfolio)"
    )]
    pub eps: f64,

    /// gd: starts per query (Gymbo's -t): the first from the current input, the rest random
    #[arg(
        long,
        short = 't',
        default_value_t = 3,
        value_name = "N",
        help_heading = "Gradient descent (gd, portfolio)"
    )]
    pub restarts: u32,

    /// gd: lowest random starting value (Gymbo's -l)
    #[arg(long, short = 'l', default_value_t = -10.0, value_name = "X", allow_hyphen_values = true, help_heading = "Gradient descent (gd, portfolio)")]
    pub init_low: f64,

    /// gd: highest random starting value (Gymbo's -h)
    #[arg(
        long,
        default_value_t = 10.0,
        value_name = "X",
        allow_hyphen_values = true,
        help_heading = "Gradient descent (gd, portfolio)"
    )]
    pub init_high: f64,

    /// Seed of every random choice (gd starts, the random strategy) (Gymbo's -s)
    #[arg(long, short = 's', default_value_t = 42, value_name = "N")]
    pub seed: u64,

    /// gd: step by the gradient instead of its sign
    #[arg(long, help_heading = "Gradient descent (gd, portfolio)")]
    pub plain_gradient: bool,

    /// gd: choose the Boolean skeleton with DPLL, descend on the chosen atoms, block failures (Gymbo's -p)
    #[arg(long, short = 'p', help_heading = "Gradient descent (gd, portfolio)")]
    pub dpll: bool,

    /// List every feasible prefix, as Gymbo does, instead of complete paths only
    #[arg(long)]
    pub prefixes: bool,

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
}
