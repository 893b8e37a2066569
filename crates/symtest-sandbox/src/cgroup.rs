//! Control groups: limits and accounting for a job's whole process tree.
//!
//! Each slot has one cgroup its jobs join (a job writes `0` to the slot's
//! `cgroup.procs` before it drops its privileges, through a descriptor the
//! worker holds; only one job runs on a slot at a time). Its memory limit
//! and process limit bind the job and every process it starts, together;
//! its CPU counter gives the job's total CPU time, which is what time limits
//! are measured in (a loaded machine slows the wall clock, not the CPU time,
//! and splitting work over processes does not hide it).
//!
//! cgroup v1 (memory, pids and cpuacct hierarchies) or v2 (memory and pids
//! controllers): the pool's folder is made under the cgroup this process is
//! in (v1), or beside it under the nearest ancestor that hands out the
//! controllers (v2, whose leaves may not hold both processes and children).

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::error::SandboxError;

/// Which cgroup interface the machine offers us.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Folders of our cgroup in the memory, pids and cpuacct hierarchies.
    V1 {
        memory: PathBuf,
        pids: PathBuf,
        cpuacct: PathBuf,
    },
    /// The folder under which the pool's cgroup is made.
    V2 { parent: PathBuf },
}

struct Mount {
    point: PathBuf,
    root: String,
    fstype: String,
    options: Vec<String>,
}

fn mounts(mountinfo: &str) -> Vec<Mount> {
    let mut out = Vec::new();
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(sep) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        if fields.len() < sep + 4 || sep < 5 {
            continue;
        }
        out.push(Mount {
            root: unescape(fields[3]),
            point: PathBuf::from(unescape(fields[4])),
            fstype: fields[sep + 1].to_string(),
            options: fields[sep + 3].split(',').map(str::to_string).collect(),
        });
    }
    out
}

/// mountinfo escapes space, tab, newline and backslash as `\ooo`.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0');
            out.push(v);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `/proc/self/cgroup`: (controllers, path) per hierarchy.
fn memberships(text: &str) -> Vec<(Vec<String>, String)> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.splitn(3, ':');
            let _id = it.next()?;
            let ctrls = it.next()?;
            let path = it.next()?;
            Some((
                ctrls
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
                path.to_string(),
            ))
        })
        .collect()
}

fn join_cgroup(point: &Path, mount_root: &str, path: &str) -> PathBuf {
    let rel = path
        .strip_prefix(mount_root.trim_end_matches('/'))
        .unwrap_or(path);
    point.join(rel.trim_start_matches('/'))
}

/// Finds the interface from the text of `/proc/self/mountinfo` and
/// `/proc/self/cgroup`; `writable` says whether we may make folders in a
/// directory (it is asked of the real filesystem, or a fake one in tests).
fn find(mountinfo: &str, cgroup: &str, writable: &dyn Fn(&Path) -> bool) -> Option<Kind> {
    let ms = mounts(mountinfo);
    let member = memberships(cgroup);
    let v1 = |ctrl: &str| -> Option<PathBuf> {
        let m = ms
            .iter()
            .find(|m| m.fstype == "cgroup" && m.options.iter().any(|o| o == ctrl))?;
        let (_, path) = member.iter().find(|(cs, _)| cs.iter().any(|c| c == ctrl))?;
        let dir = join_cgroup(&m.point, &m.root, path);
        writable(&dir).then_some(dir)
    };
    if let (Some(memory), Some(pids), Some(cpuacct)) = (v1("memory"), v1("pids"), v1("cpuacct")) {
        return Some(Kind::V1 {
            memory,
            pids,
            cpuacct,
        });
    }
    let m = ms.iter().find(|m| m.fstype == "cgroup2")?;
    let (_, path) = member.iter().find(|(cs, _)| cs.is_empty())?;
    // Our own cgroup holds processes (us), so it may not hand out
    // controllers: the pool goes beside it, under the nearest ancestor that
    // already hands out memory and pids.
    let mut dir = join_cgroup(&m.point, &m.root, path);
    loop {
        let parent = dir.parent()?.to_path_buf();
        if !parent.starts_with(&m.point) {
            return None;
        }
        let enabled = std::fs::read_to_string(parent.join("cgroup.subtree_control")).ok()?;
        let has = |c: &str| enabled.split_whitespace().any(|x| x == c);
        if has("memory") && has("pids") && writable(&parent) {
            return Some(Kind::V2 { parent });
        }
        dir = parent;
    }
}

fn is_writable_dir(p: &Path) -> bool {
    let Ok(c) = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: `c` is NUL-terminated.
    p.is_dir() && unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0
}

/// The cgroup interface of this machine, if we may use it.
pub fn probe() -> Option<Kind> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let cgroup = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    find(&mountinfo, &cgroup, &is_writable_dir)
}

fn setup_err(what: &str, p: &Path, e: io::Error) -> SandboxError {
    SandboxError::Setup(format!("cgroup: {what} {}: {e}", p.display()))
}

fn write_file(p: &Path, value: &str) -> Result<(), SandboxError> {
    std::fs::write(p, value).map_err(|e| setup_err("writing", p, e))
}

/// The pool's cgroup folders (one per hierarchy), removed when dropped.
pub struct PoolGroups {
    kind: Kind,
    dirs: Vec<PathBuf>,
}

/// Limits of one job's process tree.
#[derive(Clone, Copy, Debug)]
pub struct TreeLimits {
    pub memory_bytes: Option<u64>,
    pub processes: u64,
}

/// A slot's cgroup: where its jobs go, and what they used.
pub struct SlotGroup {
    /// `cgroup.procs` of each hierarchy, open for writing: handed to the
    /// worker, which passes them to each job.
    pub procs: Vec<OwnedFd>,
    cpu: File,
    v2: bool,
    oom: Option<File>,
}

fn pool_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "symtest-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Removes pool folders left by symtest processes that no longer run (a
/// grader killed with SIGKILL cannot clean up after itself).
fn sweep_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        if crate::leftovers::left_by_dead_process(&e.file_name().to_string_lossy(), "symtest-") {
            remove_tree(&e.path());
        }
    }
}

/// Removes a cgroup folder and the folders under it (cgroup folders are
/// removed with rmdir, deepest first; files in them are not real files).
fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&e.path());
            }
        }
    }
    for _ in 0..50 {
        match std::fs::remove_dir(dir) {
            Ok(()) => return,
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {
                // The last processes are still leaving.
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(_) => return,
        }
    }
}

impl PoolGroups {
    pub fn new(kind: &Kind) -> Result<PoolGroups, SandboxError> {
        let name = pool_name();
        let parents: Vec<PathBuf> = match kind {
            Kind::V1 {
                memory,
                pids,
                cpuacct,
            } => vec![memory.clone(), pids.clone(), cpuacct.clone()],
            Kind::V2 { parent } => vec![parent.clone()],
        };
        let mut dirs = Vec::new();
        for p in &parents {
            sweep_stale(p);
            let d = p.join(&name);
            std::fs::create_dir(&d).map_err(|e| setup_err("creating", &d, e))?;
            dirs.push(d);
        }
        let groups = PoolGroups {
            kind: kind.clone(),
            dirs,
        };
        if let Kind::V2 { .. } = kind {
            write_file(
                &groups.dirs[0].join("cgroup.subtree_control"),
                "+memory +pids",
            )?;
        }
        Ok(groups)
    }

    pub fn slot(&self, index: usize, limits: TreeLimits) -> Result<SlotGroup, SandboxError> {
        let name = format!("slot-{index}");
        let mut dirs = Vec::new();
        for d in &self.dirs {
            let s = d.join(&name);
            std::fs::create_dir(&s).map_err(|e| setup_err("creating", &s, e))?;
            dirs.push(s);
        }
        let open_w = |p: PathBuf| -> Result<OwnedFd, SandboxError> {
            OpenOptions::new()
                .write(true)
                .open(&p)
                .map(OwnedFd::from)
                .map_err(|e| setup_err("opening", &p, e))
        };
        let open_r = |p: PathBuf| File::open(&p).map_err(|e| setup_err("opening", &p, e));
        match &self.kind {
            Kind::V1 { .. } => {
                let (mem, pids, cpu) = (&dirs[0], &dirs[1], &dirs[2]);
                if let Some(m) = limits.memory_bytes {
                    write_file(&mem.join("memory.limit_in_bytes"), &m.to_string())?;
                    let sw = mem.join("memory.memsw.limit_in_bytes");
                    if sw.exists() {
                        write_file(&sw, &m.to_string())?;
                    }
                }
                write_file(&pids.join("pids.max"), &limits.processes.to_string())?;
                Ok(SlotGroup {
                    procs: vec![
                        open_w(mem.join("cgroup.procs"))?,
                        open_w(pids.join("cgroup.procs"))?,
                        open_w(cpu.join("cgroup.procs"))?,
                    ],
                    cpu: open_r(cpu.join("cpuacct.usage"))?,
                    v2: false,
                    oom: open_r(mem.join("memory.oom_control")).ok(),
                })
            }
            Kind::V2 { .. } => {
                let d = &dirs[0];
                if let Some(m) = limits.memory_bytes {
                    write_file(&d.join("memory.max"), &m.to_string())?;
                    let sw = d.join("memory.swap.max");
                    if sw.exists() {
                        write_file(&sw, "0")?;
                    }
                }
                write_file(&d.join("pids.max"), &limits.processes.to_string())?;
                Ok(SlotGroup {
                    procs: vec![open_w(d.join("cgroup.procs"))?],
                    cpu: open_r(d.join("cpu.stat"))?,
                    v2: true,
                    oom: open_r(d.join("memory.events")).ok(),
                })
            }
        }
    }
}

impl Drop for PoolGroups {
    fn drop(&mut self) {
        for d in &self.dirs {
            remove_tree(d);
        }
    }
}

fn read_at0(f: &File) -> Option<String> {
    let mut buf = vec![0u8; 4096];
    let n = f.read_at(&mut buf, 0).ok()?;
    buf.truncate(n);
    String::from_utf8(buf).ok()
}

fn field(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let mut it = l.split_whitespace();
        (it.next()? == name).then(|| it.next()?.parse().ok())?
    })
}

impl SlotGroup {
    /// CPU time used by the slot's jobs so far, in nanoseconds.
    pub fn cpu_ns(&self) -> Option<u64> {
        let text = read_at0(&self.cpu)?;
        if self.v2 {
            field(&text, "usage_usec").map(|us| us.saturating_mul(1000))
        } else {
            text.trim().parse().ok()
        }
    }

    /// How many times the kernel killed a process of the slot for memory.
    pub fn oom_kills(&self) -> u64 {
        self.oom
            .as_ref()
            .and_then(read_at0)
            .and_then(|t| field(&t, "oom_kill"))
            .unwrap_or(0)
    }

    /// The raw descriptors to hand to the worker.
    pub fn proc_fds(&self) -> Vec<i32> {
        self.procs.iter().map(AsRawFd::as_raw_fd).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO_V1: &str = "\
25 30 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
27 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:11 - cgroup2 cgroup2 rw
31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
32 25 0:29 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,pids
33 25 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,cpu,cpuacct
";
    const CGROUP_V1: &str = "\
8:pids:/
4:memory:/process_api/a3ff
2:cpu,cpuacct:/
0::/
";

    #[test]
    fn finds_v1_hierarchies_and_our_place_in_them() {
        let k = find(MOUNTINFO_V1, CGROUP_V1, &|_| true).unwrap();
        assert_eq!(
            k,
            Kind::V1 {
                memory: PathBuf::from("/sys/fs/cgroup/memory/process_api/a3ff"),
                pids: PathBuf::from("/sys/fs/cgroup/pids"),
                cpuacct: PathBuf::from("/sys/fs/cgroup/cpu,cpuacct"),
            }
        );
        // Not writable: no cgroups at all (v2 has no controllers here).
        assert_eq!(find(MOUNTINFO_V1, CGROUP_V1, &|_| false), None);
    }

    #[test]
    fn on_v2_the_pool_goes_under_an_ancestor_that_hands_out_controllers() {
        let root = std::env::temp_dir().join(format!("symtest-cg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let scope = root.join("user.slice/user-0.slice/session-1.scope");
        std::fs::create_dir_all(&scope).unwrap();
        std::fs::write(root.join("cgroup.subtree_control"), "cpu memory pids").unwrap();
        std::fs::write(
            root.join("user.slice/cgroup.subtree_control"),
            "memory pids",
        )
        .unwrap();
        std::fs::write(
            root.join("user.slice/user-0.slice/cgroup.subtree_control"),
            "cpu",
        )
        .unwrap();
        let mountinfo = format!(
            "30 1 0:26 / {} rw,nosuid - cgroup2 cgroup2 rw\n",
            root.display()
        );
        let k = find(
            &mountinfo,
            "0::/user.slice/user-0.slice/session-1.scope\n",
            &|_| true,
        )
        .unwrap();
        assert_eq!(
            k,
            Kind::V2 {
                parent: root.join("user.slice")
            }
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn reads_counters() {
        assert_eq!(
            field("usage_usec 1234\nuser_usec 1000\n", "usage_usec"),
            Some(1234)
        );
        assert_eq!(
            field("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "oom_kill"),
            Some(2)
        );
        assert_eq!(unescape("/a\\040b"), "/a b");
    }
}
