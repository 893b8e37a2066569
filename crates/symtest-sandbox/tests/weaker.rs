//! The weaker mode for machines without namespaces (a container that
//! forbids them), tried here by building pools as if namespaces were
//! missing (`SandboxConfig::without_namespaces`): there is no private view,
//! so the jobs' folders are on the host, in a folder of the pool's own
//! under the temporary directory. Jobs run there, write only there, never
//! see each other's files, and leave nothing behind. Without the caller's
//! consent such a pool is refused.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use symtest_sandbox::{
    Call, CallResult, Job, JobResult, Pool, PyValue, SandboxConfig, SandboxError, StdioResult,
    StdioRun, Task,
};

fn weak_pool(jobs: usize) -> Pool {
    Pool::new(&SandboxConfig {
        jobs,
        allow_weaker_isolation: true,
        without_namespaces: true,
        ..SandboxConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn call_f(pool: &Pool, source: &str, args: Vec<PyValue>, budget: Duration) -> PyValue {
    let job = Job {
        source: source.into(),
        task: Task::Calls {
            entry: "f".into(),
            calls: vec![Call { args, budget }],
            want_args: false,
            load_budget: Duration::from_secs(5),
        },
    };
    match pool.run(&job).unwrap_or_else(|e| panic!("{e}")) {
        JobResult::Calls {
            load: Ok(_),
            mut results,
        } => match results.remove(0) {
            CallResult::Returned { value, .. } => value,
            other => panic!("the call did not return: {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    }
}

fn text(v: &PyValue) -> String {
    match v {
        PyValue::Str(s) => s.clone(),
        other => panic!("expected a str, got {other:?}"),
    }
}

fn items(v: PyValue) -> Vec<PyValue> {
    match v {
        PyValue::List(xs) => xs,
        other => panic!("expected a list, got {other:?}"),
    }
}

/// The pool's folder for the jobs, from a job's folder in it
/// (`<pool's folder>/worker-S-N/job-K`).
fn pool_folder(job_folder: &Path) -> PathBuf {
    job_folder
        .ancestors()
        .nth(2)
        .unwrap_or_else(|| panic!("{}", job_folder.display()))
        .to_path_buf()
}

/// Asserts that `path`'s last component is a name `ok` accepts.
fn assert_name(path: &Path, ok: impl Fn(&str) -> bool) {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    assert!(name.is_some_and(|n| ok(&n)), "{}", path.display());
}

/// The folders in use by this process's pools (where jobs run now).
fn job_folders_holding(file: &str) -> Vec<PathBuf> {
    let prefix = format!("symtest-sandbox-{}-", std::process::id());
    let mut found = Vec::new();
    let Ok(pools) = std::fs::read_dir(std::env::temp_dir()) else {
        return found;
    };
    for p in pools.flatten() {
        let name = p.file_name().to_string_lossy().into_owned();
        if !(name.starts_with(&prefix) && name.ends_with("-jobs")) {
            continue;
        }
        for w in std::fs::read_dir(p.path()).into_iter().flatten().flatten() {
            for j in std::fs::read_dir(w.path()).into_iter().flatten().flatten() {
                if j.path().join(file).exists() {
                    found.push(j.path());
                }
            }
        }
    }
    found
}

#[test]
fn a_job_runs_in_its_own_folder_on_the_host_writes_there_and_prints() {
    let pool = weak_pool(1);
    assert!(!pool.capabilities().network_namespace);
    assert!(
        pool.capabilities()
            .weaknesses()
            .iter()
            .any(|w| w.contains("no namespaces")),
        "{:?}",
        pool.capabilities().weaknesses()
    );
    let src = "import os\n\
               with open('notes.txt', 'w') as f:\n    f.write('written here')\n\
               with open('notes.txt') as f:\n    print(f.read())\n\
               print(os.getcwd())\n\
               for p in ('../escaped', '/tmp/symtest-weaker-escaped'):\n    \
                   try:\n        open(p, 'w').write('x')\n        print('wrote', p)\n    \
                   except OSError:\n        print('refused', p)\n";
    let job = Job {
        source: src.into(),
        task: Task::Stdio {
            runs: vec![StdioRun {
                stdin: String::new(),
                budget: Duration::from_secs(5),
            }],
        },
    };
    let r = pool.run(&job).unwrap_or_else(|e| panic!("{e}"));
    let JobResult::Stdio { results } = &r else {
        panic!("{r:?}")
    };
    let StdioResult::Finished { stdout, .. } = &results[0] else {
        panic!("{results:?}")
    };
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"written here"), "{stdout}");
    let folder = PathBuf::from(lines.get(1).copied().unwrap_or_default());
    let tmp = std::env::temp_dir().canonicalize().expect("temp dir");
    assert!(folder.starts_with(&tmp), "{}", folder.display());
    assert_name(&folder, |n| n.starts_with("job-"));
    assert!(!folder.starts_with(symtest_sandbox::jobs_dir()));
    // Landlock lets it write under its worker's folder only, and there
    // only in its own folder unless it shares the worker's uid.
    assert_eq!(
        lines.get(3),
        Some(&"refused /tmp/symtest-weaker-escaped"),
        "{stdout}"
    );
    if pool.job_uids().is_some() {
        assert_eq!(lines.get(2), Some(&"refused ../escaped"), "{stdout}");
    }
    assert!(!Path::new("/tmp/symtest-weaker-escaped").exists());
    // Its folder is gone once it has ended; the pool's when the pool is.
    let pool_dir = pool_folder(&folder);
    assert_name(&pool_dir, |n| n.ends_with("-jobs"));
    let value = call_f(
        &pool,
        "def f(a, b):\n    return a + b\n",
        vec![PyValue::from(2), PyValue::from(40)],
        Duration::from_secs(2),
    );
    assert_eq!(value, PyValue::from(42));
    assert!(!folder.exists(), "{}", folder.display());
    assert!(pool_dir.exists());
    drop(pool);
    assert!(!pool_dir.exists(), "{}", pool_dir.display());
}

#[test]
fn a_later_job_does_not_see_an_earlier_jobs_files() {
    let pool = weak_pool(1);
    let first = call_f(
        &pool,
        "import os\ndef f():\n    open('answers.txt', 'w').write('secret')\n    return os.getcwd()\n",
        vec![],
        Duration::from_secs(2),
    );
    let first = text(&first);
    let second = call_f(
        &pool,
        "import os\n\
         def f(first):\n    \
             seen = []\n    \
             for p in (first + '/answers.txt', 'answers.txt', '../job-1/answers.txt'):\n        \
                 try:\n            seen.append(open(p).read())\n        \
                 except OSError:\n            pass\n    \
             return [os.getcwd(), os.path.exists(first), seen, os.listdir('.')]\n",
        vec![PyValue::Str(first.clone())],
        Duration::from_secs(2),
    );
    let second = items(second);
    assert_ne!(text(&second[0]), first);
    assert_eq!(second[1], PyValue::Bool(false), "{second:?}");
    assert_eq!(second[2], PyValue::List(vec![]), "{second:?}");
    assert_eq!(second[3], PyValue::List(vec![]), "{second:?}");
}

/// Two jobs at once, on two slots (each under its own uid, as root): the
/// second cannot list the pool's folders nor enter the first's.
#[test]
fn jobs_at_once_cannot_reach_each_others_folders() {
    let pool = weak_pool(2);
    if pool.job_uids().is_none() {
        eprintln!("skipped: without root, jobs share one uid");
        return;
    }
    pool.warm_up().unwrap_or_else(|e| panic!("{e}"));
    let marker = format!("held-{}", std::process::id());
    let holder = format!(
        "import os, time\ndef f():\n    open({marker:?}, 'w').write('secret')\n    \
         deadline = time.time() + 20\n    \
         while not os.path.exists('go') and time.time() < deadline:\n        time.sleep(0.02)\n    \
         return [os.getcwd(), os.path.exists('go')]\n"
    );
    std::thread::scope(|s| {
        let first = s.spawn(|| items(call_f(&pool, &holder, vec![], Duration::from_secs(10))));
        let started = Instant::now();
        let folder = loop {
            if let Some(f) = job_folders_holding(&marker).pop() {
                break f;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the first job never started"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let folder = folder.canonicalize().expect("the first job's folder");
        let pool_dir = pool_folder(&folder);
        let prober = "import os\n\
             def f(paths):\n    \
                 out = []\n    \
                 for kind, p in paths:\n        \
                     try:\n            \
                         out.append(len(os.listdir(p)) if kind == 'list' else open(p).read())\n        \
                     except OSError as e:\n            \
                         out.append(type(e).__name__)\n    \
                 return out\n";
        let probe = |kind: &str, p: &Path| {
            PyValue::Tuple(vec![
                PyValue::Str(kind.into()),
                PyValue::Str(p.display().to_string()),
            ])
        };
        let paths = vec![
            probe("read", &folder.join(&marker)),
            probe("list", &folder),
            probe("list", &pool_dir),
            probe("list", folder.parent().expect("the worker's folder")),
        ];
        let seen = call_f(
            &pool,
            prober,
            vec![PyValue::List(paths)],
            Duration::from_secs(2),
        );
        std::fs::write(folder.join("go"), "").expect("the first job's folder");
        let first = first.join().expect("the first job");
        assert_eq!(first[0], PyValue::Str(folder.display().to_string()));
        assert_eq!(first[1], PyValue::Bool(true), "the second job ran too late");
        let refused = PyValue::Str("PermissionError".into());
        assert_eq!(items(seen), vec![refused; 4]);
    });
}

/// Without namespaces a job's processes are killed by its process group
/// (and its uid): a process it leaves behind dies with it, and nothing
/// else does.
#[test]
fn a_jobs_processes_die_with_it_and_only_they() {
    let pool = weak_pool(1);
    let mut bystander = Command::new("sleep").arg("60").spawn().expect("sleep");
    let pid = call_f(
        &pool,
        "import os, time\ndef f():\n    pid = os.fork()\n    if pid == 0:\n        \
         time.sleep(60)\n        os._exit(0)\n    return pid\n",
        vec![],
        Duration::from_secs(2),
    );
    let PyValue::Int(pid) = pid else {
        panic!("{pid:?}")
    };
    // The next job starts once the worker has reported the last one's end.
    let value = call_f(
        &pool,
        "def f():\n    return 1\n",
        vec![],
        Duration::from_secs(2),
    );
    assert_eq!(value, PyValue::from(1));
    let left = Path::new("/proc").join(pid.to_string()).join("status");
    let alive = std::fs::read_to_string(&left).is_ok_and(|s| {
        !s.lines()
            .any(|l| l.starts_with("State:") && l.contains('Z'))
    });
    assert!(!alive, "the job's child {pid} outlived it");
    assert!(
        bystander.try_wait().expect("sleep").is_none(),
        "a process outside the sandbox was killed"
    );
    bystander.kill().ok();
    bystander.wait().ok();
}

#[test]
fn without_consent_the_pool_is_refused_naming_what_is_missing() {
    let refused = Pool::new(&SandboxConfig {
        jobs: 1,
        without_namespaces: true,
        ..SandboxConfig::default()
    });
    match refused {
        Err(SandboxError::Weaker(missing)) => {
            assert!(
                missing.iter().any(|w| w.starts_with("no namespaces")),
                "{missing:?}"
            );
            let said = SandboxError::Weaker(missing).to_string();
            assert!(said.contains("--allow-weaker-isolation"), "{said}");
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("a pool without namespaces was built without consent"),
    }
}
