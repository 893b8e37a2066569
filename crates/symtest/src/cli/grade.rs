//! Arguments of `symtest grade` and the sandbox and judging flags other commands share.

use std::path::PathBuf;

use clap::Args;

pub(super) const GRADE_HELP: &str = "\
Problem files (jsonl, jsonl.gz or a JSON array; the format is detected):
  HumanEval  task_id, prompt, canonical_solution, test, entry_point
             (the program is prompt + completion; `check(candidate)` runs in a
             trusted harness, each call crossing to the sandbox as plain values)
  MBPP       task_id, text, code, test_list (asserts run in the harness)
  APPS       problem_id, question, solutions, input_output, starter_code
             (calls when input_output has fn_name, else stdin/stdout)
  CodeContests  name, description, public_tests, private_tests,
             generated_tests (all three judge; the public ones are the
             examples gen explores from), solutions (the reference is the
             first with language 3, Python 3)
  TACO       APPS' fields; the id is name, else line-N (the row's line)
  verl       reward_model.ground_truth (a JSON string of {inputs, outputs},
             or {fn_name, inputs, outputs} with bare outputs), id
             extra_info.index, reference extra_info.reference if present
  suite      symtest's TestSuite rows: task_id, entry_point, mode, tests
  A problem every sample would pass (no tests, no check function, only blank expected
  outputs) is refused.
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
by --judge: tokens (default; whitespace-normalised, a float token of the expected
output within --float-tolerance, every other token exact), exact (lines) or apps. Time limits are CPU time of the sample's processes (wall-clock where
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

On a Ray cluster (--ray), each node grades with its own sandbox and cores; the
outcomes file, resuming and summary are as on one machine, and every outcome is
checked to be for a sample asked, once, graded with these settings.

Examples:
  symtest grade HumanEval.jsonl.gz samples.jsonl -o outcomes.jsonl
  symtest grade HumanEval.jsonl.gz samples.jsonl -o outcomes.jsonl --ray auto
  symtest grade problems.jsonl samples.jsonl -o out.jsonl --reward coderl -k 1,5";

/// Where and how untrusted code runs. Flattened last: its heading holds
/// for every option after it.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Sandbox")]
pub struct SandboxArgs {
    /// Worker processes (jobs at once); one per core by default
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// The Python that runs samples (python3 on PATH by default)
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,

    /// Address-space limit per job in MiB (0: none)
    #[arg(long, default_value_t = 2048, value_name = "MIB")]
    pub memory_mb: u64,

    /// Largest output (and file) a job may write, in MiB
    #[arg(long, default_value_t = 16, value_name = "MIB")]
    pub output_mb: u64,

    /// Another path jobs may read (e.g. a virtual environment's site-packages); repeatable
    #[arg(long, value_name = "PATH")]
    pub sandbox_read: Vec<PathBuf>,

    /// Run even where an isolation mechanism is missing (it is said loudly)
    #[arg(long)]
    pub allow_weaker_isolation: bool,
}

/// The conventions for comparing a program's standard output with the
/// expected output (`--judge`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JudgeChoice {
    /// Whitespace-normalised tokens, as the judges of APPS, CodeContests and
    /// Codeforces compare: the same tokens in order, however spaced; a token
    /// of the expected output with a fraction or exponent (a float) is met
    /// by any decimal within --float-tolerance (absolute, or relative beyond
    /// 1), every other token exactly as text
    #[default]
    Tokens,
    /// The same lines, trailing spaces and blank lines at the end aside
    Exact,
    /// APPS' own lenient judge: any two tokens that parse as floats compare
    /// within --rtol/--atol (so 1e+03 meets 1000)
    Apps,
}

impl JudgeChoice {
    /// The grader's judge of this choice.
    pub fn kind(self) -> symtest_grade::JudgeKind {
        match self {
            JudgeChoice::Tokens => symtest_grade::JudgeKind::Tokens,
            JudgeChoice::Exact => symtest_grade::JudgeKind::Exact,
            JudgeChoice::Apps => symtest_grade::JudgeKind::Apps,
        }
    }
}

/// How samples are judged. Flattened after the command's own options: its
/// heading holds for every option after it.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Judging")]
pub struct JudgeArgs {
    /// The problems' format: humaneval, mbpp, apps, codecontests, taco, verl or suite (detected by default)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<symtest_formats::dataset::Format>,

    /// Reward: binary (1 if all tests pass), fraction (tests passed), coderl (-1/-0.6/-0.3/1)
    #[arg(long, default_value = "binary", value_name = "KIND")]
    pub reward: symtest_grade::RewardKind,

    /// A test may take this many times the reference solution's time (CPU
    /// time of the job's processes where cgroups exist, else wall-clock)
    #[arg(long, default_value_t = 4.0, value_name = "X")]
    pub timeout_factor: f64,

    /// ...and never less than this many seconds [default: 0.1 of CPU time,
    /// 1 of wall-clock time without cgroups]
    #[arg(long, value_name = "SECS")]
    pub timeout_floor: Option<f64>,

    /// The limit in seconds when there is no reference to measure
    #[arg(long, default_value_t = 3.0, value_name = "SECS")]
    pub default_timeout: f64,

    /// How standard output is compared with the expected output
    #[arg(long, value_enum, default_value_t = JudgeChoice::Tokens, value_name = "JUDGE")]
    pub judge: JudgeChoice,

    /// Absolute or relative error allowed for a real number in standard
    /// output (the tokens judge)
    #[arg(long, default_value_t = 1e-6, value_name = "X")]
    pub float_tolerance: f64,

    /// Relative tolerance for an expected float among returned values (an
    /// expected int is always matched exactly)
    #[arg(long, default_value_t = 1e-7, value_name = "X")]
    pub rtol: f64,

    /// Absolute tolerance for an expected float among returned values
    #[arg(long, default_value_t = 1e-9, value_name = "X")]
    pub atol: f64,

    /// Grade completions as they are, without taking code out of fenced blocks
    #[arg(long)]
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

    /// Grade on a Ray cluster: `auto` (the cluster this machine belongs to),
    /// an address (`10.0.0.1:6379`, `ray://host:10001`) or `local` (a
    /// one-machine cluster started for the run). Needs the Python package
    /// with its Ray extra (pip install 'symtest[ray]')
    #[arg(long, value_name = "ADDRESS", help_heading = "Ray")]
    pub ray: Option<String>,

    /// The Python whose symtest and Ray drive the cluster [default: the one
    /// the `symtest` command was installed with, else python3 on PATH]
    #[arg(long, value_name = "PATH", requires = "ray", help_heading = "Ray")]
    pub ray_python: Option<PathBuf>,

    /// Graders on the cluster (one per node by default)
    #[arg(long, value_name = "N", requires = "ray", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Ray")]
    pub ray_actors: Option<u32>,

    #[command(flatten)]
    pub judge: JudgeArgs,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}
