//! The filesystem a worker and its jobs see: an empty root of their own
//! (tmpfs, private to the worker's mount namespace) holding read-only bind
//! mounts of exactly what Python needs, every path where the host has it;
//! the installed packages hidden; and a size-limited tmpfs at [`JOBS`] for
//! the jobs' folders. Nothing else of the host exists in it: other workers'
//! files, the grader's scratch, datasets, host Unix sockets.
//!
//! The plan is made here, in the parent, as a list of operations on
//! prepared C strings; [`crate::isolation::ChildSetup`] carries it out
//! between `fork` and `exec` with system calls alone.

use std::collections::BTreeSet;
use std::ffi::{CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use crate::error::SandboxError;

/// Where jobs work, inside the view: the mount point of the jobs' tmpfs,
/// each job's folder a `job-N` in it. Host paths are shown at their own
/// paths, so this is one no host folder is likely to have (a project kept
/// under it could not be shown: [`Plan::new`] refuses it). The one name of
/// the place: the view, the worker's chdir, Landlock and `worker.py` (given
/// it as its argument) all take it from here. Without namespaces there is
/// no view and no such place: the pool makes a folder on the host instead.
pub const JOBS: &CStr = c"/.symtest-jobs";

/// [`JOBS`] as a path.
pub fn jobs_dir() -> &'static Path {
    Path::new(OsStr::from_bytes(JOBS.to_bytes()))
}

/// Whether a host path shown at `p` would meet the jobs' mount point: the
/// tmpfs would hide it, or it would hold the tmpfs (read-only, without the
/// folder to mount on).
fn meets_jobs(p: &Path) -> bool {
    p.starts_with(jobs_dir()) || jobs_dir().starts_with(p)
}

/// One step of building the view. Paths are inside the view (`/usr/lib`);
/// the setup prefixes them with the new root's mount point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Dir(PathBuf),
    /// An empty file to mount a file over.
    File(PathBuf),
    Symlink {
        at: PathBuf,
        target: PathBuf,
    },
    /// A read-only bind mount of the host's `from` at `at`; `flags` keeps
    /// the source's own `nosuid`/`nodev`/`noexec` (which a remount inside a
    /// user namespace may not drop).
    Bind {
        from: PathBuf,
        at: PathBuf,
        flags: libc::c_ulong,
    },
    /// An empty read-only tmpfs over `at` (hides a folder of a bind mount).
    Hide(PathBuf),
}

/// Everything a worker's view holds.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub ops: Vec<Op>,
}

/// The host paths to mirror and the folders to hide inside them.
#[derive(Clone, Debug, Default)]
pub struct Wanted {
    /// Paths the program needs, as it names them (symlinks are recreated).
    pub paths: Vec<PathBuf>,
    /// Folders inside those to show empty (installed packages).
    pub hide: Vec<PathBuf>,
}

/// A path with its symlinks resolved one component at a time, with every
/// symlink met on the way.
struct Resolved {
    real: PathBuf,
    links: Vec<(PathBuf, PathBuf)>,
}

fn resolve(path: &Path) -> Result<Resolved, SandboxError> {
    let mut todo: Vec<std::ffi::OsString> = Vec::new();
    let push_all = |todo: &mut Vec<std::ffi::OsString>, p: &Path| {
        // Stored reversed: the next component is at the end.
        let comps: Vec<_> = p
            .components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n.to_os_string()),
                Component::ParentDir => Some("..".into()),
                _ => None,
            })
            .collect();
        todo.extend(comps.into_iter().rev());
    };
    push_all(&mut todo, path);
    let mut cur = PathBuf::from("/");
    let mut links = Vec::new();
    let mut hops = 0;
    while let Some(c) = todo.pop() {
        if c == ".." {
            cur.pop();
            continue;
        }
        let next = cur.join(&c);
        let meta = std::fs::symlink_metadata(&next).map_err(|e| {
            SandboxError::Setup(format!(
                "the sandbox needs {} ({}: {e})",
                path.display(),
                next.display()
            ))
        })?;
        if meta.file_type().is_symlink() {
            hops += 1;
            if hops > 40 {
                return Err(SandboxError::Setup(format!(
                    "too many symlinks under {}",
                    path.display()
                )));
            }
            let target = std::fs::read_link(&next)
                .map_err(|e| SandboxError::Setup(format!("{}: {e}", next.display())))?;
            links.push((next.clone(), target.clone()));
            if target.is_absolute() {
                cur = PathBuf::from("/");
            }
            push_all(&mut todo, &target);
        } else {
            cur = next;
        }
    }
    Ok(Resolved { real: cur, links })
}

fn inside(p: &Path, dir: &Path) -> bool {
    p != dir && p.starts_with(dir)
}

/// `statvfs` flags of the mount holding `p`, as mount(2) flags.
fn mount_flags(p: &Path) -> libc::c_ulong {
    let Ok(c) = CString::new(p.as_os_str().as_bytes()) else {
        return 0;
    };
    // SAFETY: `c` is NUL-terminated; `st` is written by the call.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return 0;
    }
    let mut flags = 0;
    for (st_flag, ms_flag) in [
        (libc::ST_NOSUID, libc::MS_NOSUID),
        (libc::ST_NODEV, libc::MS_NODEV),
        (libc::ST_NOEXEC, libc::MS_NOEXEC),
        (libc::ST_NOATIME, libc::MS_NOATIME),
        (libc::ST_NODIRATIME, libc::MS_NODIRATIME),
        (libc::ST_RELATIME, libc::MS_RELATIME),
    ] {
        if st.f_flag & st_flag != 0 {
            flags |= ms_flag;
        }
    }
    flags
}

impl Plan {
    /// The view holding `wanted` (and the [`JOBS`] mount point); an error
    /// when a wanted path is at, under or above [`JOBS`].
    pub fn new(wanted: &Wanted) -> Result<Plan, SandboxError> {
        let mut binds: Vec<PathBuf> = Vec::new();
        let mut links: Vec<(PathBuf, PathBuf)> = Vec::new();
        for p in &wanted.paths {
            let r = resolve(p)?;
            links.extend(r.links);
            binds.push(r.real);
        }
        binds.sort();
        binds.dedup();
        // A path inside a folder that is bound already comes with it.
        let outer: Vec<PathBuf> = binds
            .iter()
            .filter(|b| !binds.iter().any(|o| inside(b, o)))
            .cloned()
            .collect();
        if let Some(p) = outer
            .iter()
            .chain(links.iter().map(|(at, _)| at))
            .find(|p| meets_jobs(p))
        {
            return Err(SandboxError::Setup(format!(
                "{} cannot be shown to jobs: the sandbox keeps its jobs' folders at {}",
                p.display(),
                jobs_dir().display()
            )));
        }
        let covered = |p: &Path| outer.iter().any(|o| inside(p, o) || p == o);
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        let add_parents = |p: &Path, dirs: &mut BTreeSet<PathBuf>| {
            let mut a = p.parent();
            while let Some(d) = a {
                if d != Path::new("/") {
                    dirs.insert(d.to_path_buf());
                }
                a = d.parent();
            }
        };
        let mut ops = Vec::new();
        let mut link_ops = Vec::new();
        let mut seen_links = BTreeSet::new();
        for (at, target) in links {
            if covered(&at) || !seen_links.insert(at.clone()) {
                continue;
            }
            add_parents(&at, &mut dirs);
            link_ops.push(Op::Symlink { at, target });
        }
        let mut mount_ops = Vec::new();
        for b in &outer {
            add_parents(b, &mut dirs);
            let is_dir = b.is_dir();
            mount_ops.push(if is_dir {
                Op::Dir(b.clone())
            } else {
                Op::File(b.clone())
            });
            mount_ops.push(Op::Bind {
                from: b.clone(),
                at: b.clone(),
                flags: mount_flags(b),
            });
        }
        dirs.insert(jobs_dir().to_path_buf());
        // Parents first (BTreeSet order puts a folder before what it holds);
        // a folder that is itself bound is made by its own Dir step.
        for d in dirs {
            if !covered(&d) && !outer.contains(&d) {
                ops.push(Op::Dir(d));
            }
        }
        ops.extend(link_ops);
        ops.extend(mount_ops);
        for h in &wanted.hide {
            if let Ok(r) = resolve(h)
                && r.real.is_dir()
                && outer.iter().any(|o| inside(&r.real, o))
            {
                ops.push(Op::Hide(r.real));
            }
        }
        Ok(Plan { ops })
    }
}

/// A plan's operations as C strings under the new root's mount point, for
/// the child to carry out without allocating.
pub struct Prepared {
    pub root: CString,
    pub old_root: CString,
    pub work: CString,
    pub steps: Vec<Step>,
}

pub enum Step {
    Dir(CString),
    File(CString),
    Symlink {
        at: CString,
        target: CString,
    },
    Bind {
        from: CString,
        at: CString,
        flags: libc::c_ulong,
    },
    Hide(CString),
}

fn cstr(p: &Path) -> Result<CString, SandboxError> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| SandboxError::Setup(format!("a NUL byte in {}", p.display())))
}

impl Prepared {
    pub fn new(plan: &Plan, root: &Path) -> Result<Prepared, SandboxError> {
        let under = |p: &Path| -> Result<CString, SandboxError> {
            cstr(&root.join(p.strip_prefix("/").unwrap_or(p)))
        };
        let steps = plan
            .ops
            .iter()
            .map(|op| {
                Ok(match op {
                    Op::Dir(p) => Step::Dir(under(p)?),
                    Op::File(p) => Step::File(under(p)?),
                    Op::Symlink { at, target } => Step::Symlink {
                        at: under(at)?,
                        target: cstr(target)?,
                    },
                    Op::Bind { from, at, flags } => Step::Bind {
                        from: cstr(from)?,
                        at: under(at)?,
                        flags: *flags,
                    },
                    Op::Hide(p) => Step::Hide(under(p)?),
                })
            })
            .collect::<Result<Vec<_>, SandboxError>>()?;
        Ok(Prepared {
            root: cstr(root)?,
            old_root: under(Path::new("/.old"))?,
            work: under(jobs_dir())?,
            steps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_are_recreated_and_targets_bound() {
        let d = std::env::temp_dir().join(format!("symtest-view-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("real/lib/pkgs")).unwrap();
        std::fs::write(d.join("real/lib/x.so"), b"").unwrap();
        std::os::unix::fs::symlink("real/lib", d.join("lib")).unwrap();
        std::os::unix::fs::symlink("../real/lib/x.so", d.join("real/y.so")).unwrap();
        let d = d.canonicalize().unwrap();
        let plan = Plan::new(&Wanted {
            paths: vec![d.join("lib/x.so"), d.join("real/y.so"), d.join("real/lib")],
            hide: vec![d.join("lib/pkgs")],
        })
        .unwrap();
        let real_lib = d.join("real/lib");
        assert!(plan.ops.contains(&Op::Symlink {
            at: d.join("lib"),
            target: PathBuf::from("real/lib")
        }));
        assert!(plan.ops.contains(&Op::Symlink {
            at: d.join("real/y.so"),
            target: PathBuf::from("../real/lib/x.so")
        }));
        // x.so comes with its folder: one bind, for the folder.
        let binds: Vec<&Op> = plan
            .ops
            .iter()
            .filter(|o| matches!(o, Op::Bind { .. }))
            .collect();
        assert_eq!(binds.len(), 1, "{:?}", plan.ops);
        assert!(matches!(binds[0], Op::Bind { at, .. } if *at == real_lib));
        assert_eq!(plan.ops.last(), Some(&Op::Hide(real_lib.join("pkgs"))));
        // Every folder is made before anything inside it.
        let pos = |op: &Op| plan.ops.iter().position(|o| o == op).unwrap();
        assert!(pos(&Op::Dir(d.join("real"))) < pos(&Op::Dir(real_lib.clone())));
        assert!(plan.ops.contains(&Op::Dir(jobs_dir().to_path_buf())));
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// Host folders are shown at their own paths and the jobs' tmpfs is
    /// mounted at [`JOBS`]: a project in a folder named like a job's place
    /// (`work`, `job-1`) is bound where it is and never under the tmpfs.
    #[test]
    fn the_jobs_mount_is_apart_from_every_host_path() {
        let d = std::env::temp_dir().join(format!("symtest-view-jobs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        for p in ["work/proj/pkg", "job-1/pkg"] {
            std::fs::create_dir_all(d.join(p)).unwrap();
        }
        let d = d.canonicalize().unwrap();
        let wanted = vec![d.join("job-1"), d.join("work/proj")];
        let plan = Plan::new(&Wanted {
            paths: wanted.clone(),
            hide: vec![],
        })
        .unwrap();
        let binds: Vec<&PathBuf> = plan
            .ops
            .iter()
            .filter_map(|o| match o {
                Op::Bind { at, .. } => Some(at),
                _ => None,
            })
            .collect();
        assert_eq!(binds, wanted.iter().collect::<Vec<_>>());
        for b in binds {
            assert!(!meets_jobs(b), "{}", b.display());
        }
        let root = d.join("root");
        let prepared = Prepared::new(&plan, &root).unwrap();
        assert_eq!(
            prepared.work.to_bytes(),
            root.join(".symtest-jobs").as_os_str().as_bytes()
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// A host path at, under or above the jobs' mount point cannot be
    /// shown: said, not hidden by the tmpfs.
    #[test]
    fn a_host_path_meeting_the_jobs_mount_is_refused() {
        let jobs = jobs_dir();
        assert!(meets_jobs(jobs));
        assert!(meets_jobs(&jobs.join("proj")));
        assert!(meets_jobs(Path::new("/")));
        assert!(!meets_jobs(Path::new("/.symtest-jobs-2/x")));
        assert!(!meets_jobs(Path::new("/srv")));
        let e = Plan::new(&Wanted {
            paths: vec![PathBuf::from("/")],
            hide: vec![],
        })
        .unwrap_err();
        assert!(e.to_string().contains("cannot be shown to jobs"), "{e}");
    }

    #[test]
    fn a_missing_path_is_a_clear_error() {
        let e = Plan::new(&Wanted {
            paths: vec![PathBuf::from("/no/such/path/anywhere")],
            hide: vec![],
        })
        .unwrap_err();
        assert!(e.to_string().contains("/no/such"), "{e}");
    }
}
