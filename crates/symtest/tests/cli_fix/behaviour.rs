//! What the behaviour check must see, and what it must not hold against a
//! fix: results that vary from run to run, defaults passed explicitly, the
//! module's globals after import, feature probes.

use std::path::Path;

use serde_json::{Value, json};

use super::{findings, first_finding, json_of, report_of, ruff_check, run_json, scratch, witness};

const STAMP: &str = "\
import time


def stamp(x: int):
    if x == None:
        return None
    return (x * 2, time.time())
";

/// `time.time()` differs between any two runs: the original runs twice,
/// and what differs between its runs is not compared (the verdict says
/// so), while the rest of the result still is.
#[test]
fn what_varies_between_runs_of_the_original_is_not_held_against_the_fix() {
    let dir = scratch("stamp.py", STAMP);
    let f = first_finding(&dir, &["stamp.py", "--select", "E711"], "fixed");
    let c = &f["candidates"][0];
    assert!(c["behaviour"]["varying"].as_u64().unwrap_or(0) > 0, "{c:#}");
    assert!(
        c["why"]
            .as_str()
            .unwrap_or("")
            .contains("vary between two runs"),
        "{c:#}"
    );
    // The part that does not vary is still compared: a fix that changes it
    // is rejected, and the witness points at that part.
    let f = rejected_sarif_fix(
        &dir,
        "stamp.py",
        "E711",
        "    if x == None:\n",
        "    x = x + 1\n    if x is None:\n",
    );
    let w = witness(&f);
    assert_starts(w, "original", "returns[0] ");
}

/// Fails unless the text at `key` of `w` starts with `prefix`.
fn assert_starts(w: &Value, key: &str, prefix: &str) {
    let got = w[key].as_str().unwrap_or("");
    assert!(got.starts_with(prefix), "{key} is not {prefix:?}...: {w:#}");
}

/// The first finding of `symtest fix --sarif` on ruff's SARIF for `select`
/// on `file` in `dir`, with a fix added to its first result: `line` (a
/// whole line of the file) replaced by `by`; the fix must be rejected. The
/// log is written to `dir/in.sarif`.
fn rejected_sarif_fix(dir: &Path, file: &str, select: &str, line: &str, by: &str) -> Value {
    let mut log = ruff_check(dir, file, select, "sarif");
    let text = std::fs::read_to_string(dir.join(file)).expect("read");
    let at = text
        .split_inclusive('\n')
        .position(|l| l == line)
        .expect("the line is in the file")
        + 1;
    let result = &mut log["runs"][0]["results"][0];
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"].clone();
    result["fixes"] = json!([{
        "description": {"text": "a fix"},
        "artifactChanges": [{
            "artifactLocation": uri,
            "replacements": [{
                "deletedRegion": {"startLine": at, "startColumn": 1, "endLine": at + 1, "endColumn": 1},
                "insertedContent": {"text": by},
            }],
        }],
    }]);
    std::fs::write(dir.join("in.sarif"), log.to_string()).expect("write the log");
    first_finding(dir, &["--sarif", "in.sarif"], "rejected")
}

const PROBE: &str = "\
try:
    import json
    HAS_JSON = True
except ImportError:
    HAS_JSON = False


def dumps(x: int) -> str:
    return str(x)
";

const BARE_PROBE: &str = "\
try:
    import json
except ImportError:
    pass


def dumps(x: int) -> str:
    return str(x)
";

/// An unused import inside `try`/`except ImportError` is a feature probe:
/// removing it changes what the module does where the import fails (its
/// flag, here), and is a difference even where nothing shows it.
#[test]
fn removing_a_feature_probe_is_a_difference() {
    // ruff has no fix for it: the fix comes with the log.
    let dir = scratch("probe.py", PROBE);
    let f = rejected_sarif_fix(&dir, "probe.py", "F401", "    import json\n", "");
    let w = witness(&f);
    assert_eq!(w["call"], "import probe where `import json` fails", "{f:#}");
    assert_eq!(w["original"], "module global 'HAS_JSON' is False");
    assert_eq!(w["candidate"], "module global 'HAS_JSON' is True");

    let dir = scratch("bare.py", BARE_PROBE);
    let f = rejected_sarif_fix(&dir, "bare.py", "F401", "    import json\n", "    pass\n");
    let w = witness(&f);
    assert!(
        w["original"]
            .as_str()
            .unwrap_or("")
            .contains("tries `import json` and handles its ImportError"),
        "{f:#}"
    );
}

const PROBE_IN_FUNCTION: &str = "\
def has_json() -> bool:
    try:
        import json
    except ImportError:
        return False
    return True


def dumps(x: int) -> str:
    return str(x)
";

/// A feature probe inside a function is behaviour as one at module level
/// is: where the import works, the function answers the same without it,
/// but removing it changes what it answers where it does not.
#[test]
fn removing_a_feature_probe_inside_a_function_is_a_difference() {
    // The function's import replaced by `pass`, by a fix from the log.
    let without_import = |file: &str, source: &str| {
        let dir = scratch(file, source);
        rejected_sarif_fix(
            &dir,
            file,
            "F401",
            "        import json\n",
            "        pass\n",
        )
    };
    let f = without_import("feat.py", PROBE_IN_FUNCTION);
    let w = witness(&f);
    assert_eq!(w["target"], "has_json", "{f:#}");
    assert_eq!(w["call"], "has_json() where `import json` fails", "{f:#}");
    assert_eq!(w["original"], "returns False");
    assert_eq!(w["candidate"], "returns True");

    // A probe whose failure nothing shows is still one.
    let f = without_import("warm.py", BARE_PROBE_IN_FUNCTION);
    let w = witness(&f);
    assert_eq!(w["target"], "warm", "{f:#}");
    assert_eq!(
        w["original"],
        "tries `import json` and handles its ImportError (a feature probe)"
    );
    assert_eq!(w["candidate"], "no longer tries it");

    // A fix elsewhere in a function with a probe keeps what it does where
    // the import fails, too.
    let dir = scratch("keep.py", PROBE_AND_NONE);
    let f = first_finding(&dir, &["keep.py", "--select", "E711"], "fixed");
    assert_eq!(f["candidates"][0]["behaviour"]["status"], "same", "{f:#}");
}

const BARE_PROBE_IN_FUNCTION: &str = "\
def warm() -> int:
    try:
        import json
    except ImportError:
        pass
    return 1
";

const PROBE_AND_NONE: &str = "\
def encode(x: int):
    try:
        import json
    except ImportError:
        return None if x == None else str(x)
    return json.dumps(x)
";

const MODULE_LEVEL: &str = "\
LEVEL = 2
LOUD = LEVEL == True


def volume(x: int) -> int:
    return x
";

/// The module's globals after import are behaviour: a fix at module level
/// that changes one is rejected, though no function changed.
#[test]
fn module_globals_after_import_are_compared() {
    let dir = scratch("level.py", MODULE_LEVEL);
    let f = first_finding(&dir, &["level.py", "--select", "E712"], "rejected");
    let w = witness(&f);
    assert_eq!(w["call"], "import level", "{f:#}");
    assert_eq!(w["original"], "module global 'LOUD' is False");
    assert_eq!(w["candidate"], "module global 'LOUD' is 2");
}

const LOUD: &str = "\
import sys
import time

try:
    import json
except ImportError:
    print(\"no json\")
print(\"loading\")
print(\"careful\", file=sys.stderr)
print(\"loaded at\", time.time())


def f(x: int):
    if x == None:
        return 0
    return x
";

/// What the module prints while it loads is behaviour: ruff's T201 fix
/// (removing a `print` at module level) changes it, on stdout or stderr,
/// and so where a feature probe's import fails; what it prints
/// differently each time (a time) is not held against a fix.
#[test]
fn what_the_module_prints_when_imported_is_compared() {
    let dir = scratch("loud.py", LOUD);
    let fs = findings(&report_of(&dir, &["loud.py", "--select", "T201,E711"]));
    let witness = |line: u64| {
        let f = super::find(&fs, "T201", line);
        assert_eq!(f["outcome"], "rejected", "{f:#}");
        witness(f).clone()
    };
    let w = witness(7);
    assert_eq!(w["call"], "import loud where `import json` fails", "{w:#}");
    assert_starts(&w, "original", "prints 'no json\\nloading\\n");
    assert_starts(&w, "candidate", "prints 'loading\\n");
    // The line with the time is left out of the comparison, not the rest.
    let w = witness(8);
    assert_eq!(w["call"], "import loud", "{w:#}");
    assert_starts(&w, "original", "prints 'loading\\nloaded at ");
    assert_starts(&w, "candidate", "prints 'loaded at ");
    let w = witness(9);
    assert_eq!(w["original"], "writes to stderr 'careful\\n'", "{w:#}");
    assert_eq!(w["candidate"], "writes to stderr ''");
    // The time printed differs between any two loads: a fix elsewhere is
    // still accepted.
    let f = super::find(&fs, "E711", 14);
    assert_eq!(f["outcome"], "fixed", "{f:#}");
}

const READ_ONLY_DEFAULT: &str = "\
def count_big(limit: int, values=[]):
    return len([v for v in values if v > limit])
";

/// The B006 fix of `source` (in `file`) is rejected: the witness call ends
/// with `call_end`, on which the original raises TypeError and the fix
/// returns 0.
fn b006_rejected_on(file: &str, source: &str, call_end: &str) {
    let dir = scratch(file, source);
    let f = first_finding(&dir, &[file, "--select", "B006"], "rejected");
    let w = witness(&f);
    assert!(
        w["call"].as_str().unwrap_or("").ends_with(call_end),
        "{f:#}"
    );
    assert_starts(w, "original", "raises TypeError");
    assert_eq!(w["candidate"], "returns 0");
}

/// Defaults are also passed explicitly, the original's and the fix's: the
/// B006 fix (`values=None`, then `values = []` when None) makes an explicit
/// None do what leaving the argument out does, where the original raised.
#[test]
fn defaults_passed_explicitly_are_inputs() {
    b006_rejected_on("big.py", READ_ONLY_DEFAULT, ", None)");
}

const KEYWORD_DEFAULT: &str = "\
def count_big(limit: int, *, values=[]):
    return len([v for v in values if v > limit])
";

/// A keyword-only parameter's default is passed explicitly too, by name:
/// ruff's B006 fix makes `values=None` do what leaving it out does, where
/// the original raised.
#[test]
fn keyword_only_defaults_passed_explicitly_are_inputs() {
    b006_rejected_on("kw.py", KEYWORD_DEFAULT, ", values=None)");
}

/// Writes `files` (path, text) under `dir`.
fn tree(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("folders");
        std::fs::write(&p, text).expect("write");
    }
}

/// A module of a package (src layout) with relative and absolute imports
/// of its own project: the sandbox imports it as `pkg.core` with the
/// project's `src/` on `sys.path` (read-only: the module's attempt to write
/// beside itself when it loads fails), so it loads and is checked.
#[test]
fn a_module_of_a_package_is_imported_by_its_name() {
    let dir = scratch("README", "");
    tree(
        &dir,
        &[
            ("proj/pyproject.toml", "[project]\nname = \"pkg\"\n"),
            ("proj/src/pkg/__init__.py", "from .util import double\n"),
            ("proj/src/pkg/util.py", "def double(x):\n    return x * 2\n"),
            (
                "proj/src/pkg/core.py",
                "from .util import double\nfrom pkg import util as u\n\n\n\
                 def quad(x: int):\n    if x == None:\n        return None\n    return double(u.double(x))\n\n\n\
                 try:\n    with open(__file__ + \".written\", \"w\") as f:\n        f.write(\"x\")\nexcept OSError:\n    pass\n",
            ),
        ],
    );
    let f = first_finding(&dir, &["proj/src/pkg/core.py", "--select", "E711"], "fixed");
    let b = &f["candidates"][0]["behaviour"];
    assert_eq!(b["status"], "same", "{f:#}");
    assert_eq!(b["checked"][0]["target"], "quad");
    // The project is read-only to the jobs that import it.
    assert!(!dir.join("proj/src/pkg/core.py.written").exists());
}

/// A project kept in folders named like the sandbox's own (`work`,
/// `job-1`) is shown to the jobs where it is, apart from their folders:
/// its module loads by its name with its relative imports and is checked.
#[test]
fn a_project_in_a_folder_named_work_is_checked() {
    let dir = scratch("README", "");
    tree(
        &dir,
        &[
            ("work/job-1/proj/pkg/__init__.py", ""),
            (
                "work/job-1/proj/pkg/util.py",
                "def double(x):\n    return x * 2\n",
            ),
            (
                "work/job-1/proj/pkg/core.py",
                "from .util import double\n\n\ndef quad(x: int):\n    if x == None:\n        return None\n    return double(double(x))\n",
            ),
        ],
    );
    let out = run_json(&dir, &["work/job-1/proj/pkg/core.py", "--select", "E711"]);
    let report = json_of(&out);
    let f = &findings(&report)[0];
    assert_eq!(f["outcome"], "fixed", "{f:#}");
    let b = &f["candidates"][0]["behaviour"];
    assert_eq!(b["status"], "same", "{f:#}");
    assert_eq!(b["checked"][0]["target"], "quad");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains("note:"), "{said}");
}

/// With `--python` naming a virtual environment, the module's third-party
/// imports come from its packages (read-only in the sandbox); without it,
/// the module does not load and the fix is not checked.
#[test]
fn third_party_imports_come_from_the_virtual_environment() {
    let dir = scratch(
        "uses.py",
        "from fakelib import triple\n\n\ndef f(x: int):\n    if x == None:\n        return 0\n    return triple(x)\n",
    );
    let made = std::process::Command::new("python3")
        .current_dir(&dir)
        .args(["-m", "venv", "--without-pip", "venv"])
        .status()
        .expect("python3 -m venv");
    assert!(made.success());
    let lib = dir.join("venv").join("lib");
    let version = std::fs::read_dir(&lib)
        .expect("venv/lib")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("python"))
        .expect("venv/lib/pythonX.Y");
    tree(
        &version.path().join("site-packages"),
        &[("fakelib/__init__.py", "def triple(x):\n    return 3 * x\n")],
    );
    let f = first_finding(&dir, &["uses.py", "--select", "E711"], "rejected");
    assert_eq!(f["candidates"][0]["behaviour"]["status"], "not_checked");
    let python = dir.join("venv").join("bin").join("python");
    let python = python.to_str().expect("utf-8 path");
    let f = first_finding(
        &dir,
        &["uses.py", "--select", "E711", "--python", python],
        "fixed",
    );
    assert_eq!(f["candidates"][0]["behaviour"]["status"], "same");
}

const PRINTF: &str = "\
def pair(x: int, y: int) -> str:
    return \"%s-%s\" % (x, y)
";

/// ruff's UP031 fix writes a `str.format` call, which UP032 reports: a
/// known follow-up. Without `--allow-followups` the fix is rejected with
/// that reason in a line; with it, the fix is checked and applied.
#[test]
fn known_follow_ups_are_let_through_only_when_asked() {
    let dir = scratch("pair.py", PRINTF);
    let select = ["pair.py", "--select", "UP031,UP032"];
    let f = first_finding(&dir, &select, "rejected");
    assert_eq!(f["rule"], "UP031");
    let why = f["candidates"][0]["why"].as_str().unwrap_or("");
    assert!(
        why.starts_with("it brings UP032 at line 2, a known follow-up of UP031")
            && why.ends_with("--allow-followups accepts such fixes")
            && !why.contains('\n'),
        "{why}"
    );
    let f = first_finding(
        &dir,
        &[&select[..], &["--allow-followups"]].concat(),
        "fixed",
    );
    assert_eq!(f["candidates"][0]["behaviour"]["status"], "same");
}
