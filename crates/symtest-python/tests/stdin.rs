//! Whole programs reading standard input: exploration from the dataset's
//! examples reaches every branch, and every input it generates is
//! well-formed (rows as long as the count read before them).

use symtest_explore::{ExploreOptions, Strategy, explore};
use symtest_python::{Program, ProgramEnd, StdinSubject};
use symtest_solve::{Solver, SolverOptions};

struct Explored {
    missing: Vec<String>,
    runs: Vec<(String, String, ProgramEnd)>,
}

impl Explored {
    /// Every direction of every branch was taken by some run.
    fn assert_every_branch(&self) {
        assert!(
            self.missing.is_empty(),
            "missed {:?}; runs {:#?}",
            self.missing,
            self.runs
        );
    }
}

fn explore_program(src: &str, examples: &[&str]) -> Explored {
    let program = Program::parse(src).expect("parses");
    let examples: Vec<String> = examples.iter().map(|s| s.to_string()).collect();
    let mut subject = StdinSubject::new(&program, &examples);
    let mut solver = Solver::new(SolverOptions {
        query_timeout: Some(std::time::Duration::from_millis(500)),
        ..SolverOptions::default()
    });
    let opts = ExploreOptions {
        strategy: Strategy::Coverage,
        max_runs: Some(300),
        timeout: Some(std::time::Duration::from_secs(6)),
        seeds: subject.seed_inputs(),
        ..Default::default()
    };
    let exploration = explore(&mut subject, &mut solver, &opts, &mut |_| {});
    if std::env::var("STDIN_DEBUG").is_ok() {
        eprintln!(
            "stop {:?} stats {:?} subject {:?}",
            exploration.stop, exploration.stats, subject.stats
        );
        eprintln!(
            "divergences {:?}",
            exploration.divergences.iter().take(3).collect::<Vec<_>>()
        );
        for p in &exploration.paths {
            eprintln!("path {} -> {}", p.constraint, p.outcome);
        }
    }
    let user_sites = (0..program.sites().user.len() as u32).map(symtest_explore::SiteId);
    let missing = program
        .sites()
        .missed(user_sites, |s, d| exploration.coverage.contains(&(s, d)));
    let runs = exploration
        .paths
        .iter()
        .map(|p| {
            let r = subject.render(&exploration.inputs, &p.input);
            (r.stdin, r.stdout, r.end)
        })
        .collect();
    Explored { missing, runs }
}

#[test]
fn a_count_then_a_row_of_that_many_numbers() {
    let src = "
n = int(input())
a = list(map(int, input().split()))
best = 0
for x in a:
    if x > best:
        best = x
if best % 2 == 0:
    print('even', best)
else:
    print('odd', best)
";
    let e = explore_program(src, &["3\n1 5 2\n"]);
    e.assert_every_branch();
    for (stdin, _, end) in &e.runs {
        let lines: Vec<&str> = stdin.lines().collect();
        assert_eq!(lines.len(), 2, "{stdin:?}");
        let n: usize = lines[0].parse().expect("a count");
        assert_eq!(lines[1].split_whitespace().count(), n, "{stdin:?}");
        assert_eq!(*end, ProgramEnd::Finished, "{stdin:?}");
    }
}

#[test]
fn test_cases_and_words() {
    let src = "
import sys
input = sys.stdin.readline
t = int(input())
for _ in range(t):
    s = input().strip()
    if s == s[::-1]:
        print('YES')
    else:
        print('NO')
";
    let e = explore_program(src, &["2\nabba\nab\n"]);
    e.assert_every_branch();
    assert!(e.runs.iter().any(|(_, out, _)| out.contains("NO")));
    for (stdin, out, end) in &e.runs {
        let lines: Vec<&str> = stdin.lines().collect();
        let t: usize = lines[0].parse().expect("a count");
        assert_eq!(lines.len(), t + 1, "{stdin:?}");
        assert!(
            lines[1..]
                .iter()
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_lowercase())),
            "{stdin:?}"
        );
        assert_eq!(out.lines().count(), t);
        assert_eq!(*end, ProgramEnd::Finished);
    }
}

#[test]
fn a_read_to_the_end_and_output_as_cpython_prints_it() {
    let program = Program::parse(
        "import sys\ndata = sys.stdin.read().split()\nn = int(data[0])\nxs = [int(v) for v in data[1:1 + n]]\nprint(*sorted(xs), sep=',', end='!\\n')\nsys.stdout.write(str(sum(xs)) + '\\n')\nexit()\nprint('never')\n",
    )
    .expect("parses");
    let r = program.run_stdin("3\n5 1 4\n", Default::default());
    assert_eq!(r.stdout, "1,4,5!\n10\n");
    assert_eq!(r.end, ProgramEnd::Finished);
    let r = program.run_stdin("", Default::default());
    assert!(
        matches!(r.end, ProgramEnd::Raised(ref e) if e.type_name == "IndexError"),
        "{r:?}"
    );
}

#[test]
fn a_number_alone_on_its_line_drives_a_loop() {
    let src = "
n = int(input())
for i in range(n):
    if i == 0 or i == n - 1:
        print('*' * n)
    else:
        print('*' + ' ' * (n - 2) + '*')
";
    let e = explore_program(src, &["4\n"]);
    e.assert_every_branch();
    assert!(e.runs.len() > 2, "{:#?}", e.runs);
}

#[test]
/// Every line read to the end drives its own branches; an empty line is
/// not an input the examples' shape has (a line of numbers), so that
/// branch stays untaken.
fn reading_to_the_end_varies_every_line() {
    let src = "import sys\n\ntotal = 0\nfree = reduced = full = 0\nfor line in sys.stdin:\n    line = line.strip()\n    if not line:\n        continue\n    age = int(line)\n    if age < 5:\n        free += 1\n    elif age < 18:\n        total += 1\n        reduced += 1\n    elif age >= 65:\n        total += 2\n        reduced += 1\n    else:\n        total += 3\n        full += 1\nprint(total)\nprint(free, reduced, full)\n";
    let e = explore_program(src, &["3\n30\n70\n"]);
    assert_eq!(e.missing, ["if at 7:5 true"], "runs {:#?}", e.runs);
}

/// `sys.stdin.read().splitlines()` keeps each line known (before, the
/// lines were plain text and exploration ended after the example, saying
/// every branch was explored); a word the program compares with constants
/// takes only the examples' words and those constants, so no generated
/// input has a command the statement does not allow.
#[test]
fn splitlines_of_stdin_and_keyword_tokens() {
    let src = r#"import sys
lines = sys.stdin.read().splitlines()
q = int(lines[0])
stack = []
out = []
for line in lines[1:q + 1]:
    parts = line.split()
    cmd = parts[0]
    if cmd == 'push':
        stack.append(int(parts[1]))
    elif cmd == 'size':
        out.append(str(len(stack)))
    elif not stack:
        out.append('EMPTY')
    elif cmd == 'pop':
        out.append(str(stack.pop()))
    else:
        out.append(str(stack[-1]))
print('\n'.join(out))
"#;
    let e = explore_program(src, &["5\npush 4\npush 9\ntop\npop\nsize\n"]);
    e.assert_every_branch();
    assert!(e.runs.len() > 3, "{:?}", e.runs);
    for (stdin, _, _) in &e.runs {
        for line in stdin.lines().skip(1) {
            let cmd = line.split_whitespace().next().unwrap_or("");
            assert!(
                ["push", "pop", "top", "size"].contains(&cmd),
                "command {cmd:?} in {stdin:?}"
            );
        }
    }
}
