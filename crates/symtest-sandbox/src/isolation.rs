//! The walls around untrusted code: what this machine supports, the seccomp
//! programs built in the parent (`seccomp.rs`), and the async-signal-safe steps a worker
//! takes between `fork` and `exec` (namespaces, its own PID namespace with
//! itself as init, the private filesystem view, Landlock, seccomp).

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::RawFd;
use std::process::Command;

use seccompiler::BpfProgram;

pub use crate::seccomp::{base_filters, job_filter, program_bytes};

use crate::cgroup;
use crate::error::SandboxError;
use crate::view::{JOBS, Prepared, Step};

/// What the kernel and our privileges allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Running as root: jobs can run under their own unprivileged uids.
    pub root: bool,
    /// New namespaces (network, mount, PID, IPC) can be made (as root, or
    /// through a user namespace).
    pub network_namespace: bool,
    /// Landlock's ABI version, 0 when unavailable.
    pub landlock_abi: i32,
    /// The kernel takes seccomp filters.
    pub seccomp: bool,
    /// cgroups we may use, for limits on a job's whole process tree.
    pub cgroups: Option<cgroup::Kind>,
}

/// Landlock ABI 4 adds TCP rules; below it the network namespace alone keeps
/// jobs offline.
const LANDLOCK_NET_ABI: i32 = 4;

impl Capabilities {
    /// Asks the kernel what this process may use (one short-lived child
    /// tries the namespaces).
    pub fn probe() -> Capabilities {
        // SAFETY: geteuid never fails.
        let root = unsafe { libc::geteuid() } == 0;
        Capabilities {
            root,
            network_namespace: probe_netns(root),
            landlock_abi: landlock_abi(),
            seccomp: seccomp_available(),
            cgroups: cgroup::probe(),
        }
    }

    /// Each missing mechanism, in words, for the loud warning.
    pub fn weaknesses(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.root {
            w.push(
                "not running as root: jobs share your uid, so RLIMIT_NPROC counts all your processes"
                    .to_string(),
            );
        }
        if !self.network_namespace {
            w.push(
                "no namespaces: jobs keep the host's network, filesystem and processes in view, \
                 and their folders (in the temporary directory) have no size limit"
                    .to_string(),
            );
        }
        if self.landlock_abi < 1 {
            w.push("no Landlock: a second wall around files is missing".to_string());
        } else if self.landlock_abi < LANDLOCK_NET_ABI && !self.network_namespace {
            w.push(format!(
                "Landlock ABI {} has no TCP rules and there is no network namespace",
                self.landlock_abi
            ));
        }
        if !self.seccomp {
            w.push("no seccomp: dangerous system calls stay open".to_string());
        }
        if self.cgroups.is_none() {
            w.push(
                "no usable cgroups (v1 memory+pids+cpuacct or v2 memory+pids, writable): memory \
                 and process limits are per process, not per job, and time limits are wall-clock"
                    .to_string(),
            );
        }
        w
    }
}

/// Whether untrusted code may run: with every mechanism, or with the
/// caller's consent (the missing ones are returned, to be said loudly).
pub fn admit(caps: &Capabilities, allow_weaker: bool) -> Result<Vec<String>, SandboxError> {
    let weak = caps.weaknesses();
    if !weak.is_empty() && !allow_weaker {
        return Err(SandboxError::Weaker(weak));
    }
    Ok(weak)
}

fn landlock_abi() -> i32 {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: the documented version query: null attribute, size 0.
    let r = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    i32::try_from(r).unwrap_or(0).max(0)
}

fn seccomp_available() -> bool {
    // SAFETY: PR_GET_SECCOMP takes no pointers.
    unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 }
}

fn probe_netns(root: bool) -> bool {
    let flags = if root {
        libc::CLONE_NEWNET | libc::CLONE_NEWNS | libc::CLONE_NEWPID
    } else {
        libc::CLONE_NEWUSER | libc::CLONE_NEWNET | libc::CLONE_NEWNS | libc::CLONE_NEWPID
    };
    let mut cmd = Command::new("/bin/true");
    // SAFETY: unshare is async-signal-safe.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, move || {
            if libc::unshare(flags) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.status().map(|s| s.success()).unwrap_or(false)
}

// Landlock's ABI, as the kernel headers give it.
const LL_EXECUTE: u64 = 1 << 0;
const LL_WRITE_FILE: u64 = 1 << 1;
const LL_READ_FILE: u64 = 1 << 2;
const LL_READ_DIR: u64 = 1 << 3;
const LL_MAKE_CHAR: u64 = 1 << 6;
const LL_MAKE_BLOCK: u64 = 1 << 11;
const LL_TRUNCATE: u64 = 1 << 14;
const LL_IOCTL_DEV: u64 = 1 << 15;

/// The file-system rights an ABI version knows.
fn landlock_fs_rights(abi: i32) -> u64 {
    match abi {
        ..=0 => 0,
        1 => (1 << 13) - 1,
        2 => (1 << 14) - 1,
        3 | 4 => (1 << 15) - 1,
        _ => (1 << 16) - 1,
    }
}

#[repr(C)]
struct RulesetAttr {
    fs: u64,
    net: u64,
    scoped: u64,
}

#[repr(C, packed)]
struct PathBeneath {
    allowed: u64,
    parent_fd: i32,
}

/// Everything the child does between `fork` and `exec`, prepared in the
/// parent so the child only makes system calls (no allocation: the parent
/// has other threads, whose locks a forked child must not need).
pub struct ChildSetup {
    /// The grader's pid: the child stops at once if its parent is gone.
    pub parent_pid: libc::pid_t,
    /// The worker's end of the control socket, moved to descriptor 3.
    pub control_fd: RawFd,
    /// The `CLONE_NEW*` flags to unshare (0 for none).
    pub namespaces: libc::c_int,
    /// Maps for a user namespace made first (without root).
    pub user_namespace: Option<UserMaps>,
    /// The private view (only with a mount namespace).
    pub view: Option<Prepared>,
    /// Mount options of the jobs' tmpfs at [`crate::JOBS`].
    pub work_options: CString,
    /// The folder the worker makes its jobs' folders in, as it sees it:
    /// [`crate::JOBS`] in the view; without one, a folder on the host made
    /// for the worker. The worker starts there, and Landlock lets it write
    /// only under it (and to `/dev/null`).
    pub jobs: CString,
    /// Landlock's ABI version to build the domain for (0: none).
    pub landlock_abi: i32,
    /// The seccomp filters to install, in order, last of all.
    pub seccomp: Vec<BpfProgram>,
}

/// The files written to map our uid and gid into a new user namespace.
pub struct UserMaps {
    /// `/proc/self/uid_map`'s line.
    pub uid_map: CString,
    /// `/proc/self/gid_map`'s line.
    pub gid_map: CString,
}

impl UserMaps {
    /// Maps root inside to this process's uid and gid outside.
    pub fn for_current_user() -> UserMaps {
        // SAFETY: getuid/getgid never fail.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        UserMaps {
            uid_map: CString::new(format!("0 {uid} 1")).unwrap_or_default(),
            gid_map: CString::new(format!("0 {gid} 1")).unwrap_or_default(),
        }
    }
}

/// Writes `symtest sandbox: <what>: errno N` to standard error (the
/// worker's log) without allocating, and returns the error.
fn fail(what: &[u8]) -> io::Error {
    let e = io::Error::last_os_error();
    let mut buf = [0u8; 256];
    let mut n = 0;
    let mut put = |b: &[u8]| {
        for &x in b {
            if n < buf.len() {
                buf[n] = x;
                n += 1;
            }
        }
    };
    put(b"symtest sandbox setup failed at ");
    put(what);
    put(b": errno ");
    let mut digits = [0u8; 12];
    let mut d = 0;
    let mut v = e.raw_os_error().unwrap_or(0).unsigned_abs();
    loop {
        digits[d] = b'0' + (v % 10) as u8;
        d += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in (0..d).rev() {
        put(&[digits[i]]);
    }
    put(b"\n");
    // SAFETY: `buf` is valid for `n` bytes.
    unsafe {
        libc::write(2, buf.as_ptr().cast(), n);
    }
    e
}

fn check(r: libc::c_long, what: &[u8]) -> io::Result<()> {
    if r < 0 { Err(fail(what)) } else { Ok(()) }
}

fn write_file(path: &CStr, data: &[u8]) -> io::Result<()> {
    // SAFETY: `path` is NUL-terminated; `data` is valid for its length.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(fail(path.to_bytes()));
        }
        let n = libc::write(fd, data.as_ptr().cast(), data.len());
        libc::close(fd);
        if n < 0 {
            return Err(fail(path.to_bytes()));
        }
    }
    Ok(())
}

fn mount(
    src: Option<&CStr>,
    target: &CStr,
    fstype: Option<&CStr>,
    flags: libc::c_ulong,
    data: Option<&CStr>,
) -> io::Result<()> {
    let p = |c: Option<&CStr>| c.map_or(std::ptr::null(), CStr::as_ptr);
    // SAFETY: every pointer is null or a NUL-terminated string.
    let r = unsafe { libc::mount(p(src), target.as_ptr(), p(fstype), flags, p(data).cast()) };
    check(r.into(), target.to_bytes())
}

impl ChildSetup {
    /// Runs in the child after `fork`. Only system calls: see the type's note.
    pub fn apply(&self) -> io::Result<()> {
        // SAFETY: each call is a plain system call on values prepared by the
        // parent; none allocates.
        unsafe {
            check(libc::setsid().into(), b"setsid")?;
            check(
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL).into(),
                b"PR_SET_PDEATHSIG",
            )?;
            if libc::getppid() != self.parent_pid {
                // The grader died before we could ask to die with it.
                libc::_exit(1);
            }
            if self.control_fd != 3 {
                check(libc::dup2(self.control_fd, 3).into(), b"dup2")?;
            } else {
                let flags = libc::fcntl(3, libc::F_GETFD);
                check(
                    libc::fcntl(3, libc::F_SETFD, flags & !libc::FD_CLOEXEC).into(),
                    b"fcntl",
                )?;
            }
            if let Some(maps) = &self.user_namespace {
                check(libc::unshare(libc::CLONE_NEWUSER).into(), b"unshare(user)")?;
                write_file(c"/proc/self/setgroups", b"deny")?;
                write_file(c"/proc/self/uid_map", maps.uid_map.as_bytes())?;
                write_file(c"/proc/self/gid_map", maps.gid_map.as_bytes())?;
            }
            if self.namespaces != 0 {
                check(libc::unshare(self.namespaces).into(), b"unshare")?;
            }
            if self.namespaces & libc::CLONE_NEWPID != 0 {
                self.become_init()?;
            }
            if let Some(view) = &self.view {
                self.enter_view(view)?;
            } else {
                check(
                    libc::chdir(self.jobs.as_ptr()).into(),
                    b"chdir to the jobs' folder",
                )?;
            }
            check(
                libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).into(),
                b"PR_SET_NO_NEW_PRIVS",
            )?;
            if self.landlock_abi >= 1 {
                self.landlock()?;
            }
            for p in &self.seccomp {
                let prog = libc::sock_fprog {
                    len: p.len() as libc::c_ushort,
                    filter: p.as_ptr() as *mut libc::sock_filter,
                };
                check(
                    libc::prctl(
                        libc::PR_SET_SECCOMP,
                        libc::SECCOMP_MODE_FILTER,
                        &prog as *const libc::sock_fprog,
                    )
                    .into(),
                    b"seccomp",
                )?;
            }
        }
        Ok(())
    }

    /// Forks once more so that the worker is process 1 of its new PID
    /// namespace: when it dies, the kernel kills every process left in the
    /// namespace, whatever it did to hide. The process in the middle only
    /// waits and passes the worker's end on; killing it kills the worker
    /// (parent-death signal), which is how the pool stops one.
    unsafe fn become_init(&self) -> io::Result<()> {
        // SAFETY: the raw clone system call, waitpid, close_range and _exit
        // are async-signal-safe. Not libc's fork: it runs the handlers other
        // libraries registered with pthread_atfork, here in a child of a
        // threaded process whose other threads are gone. Z3's handler waits
        // for its timer thread, which never answers: the spawn hung.
        unsafe {
            let pid = raw_fork();
            if pid < 0 {
                return Err(fail(b"fork"));
            }
            if pid > 0 {
                // Keep nothing open: above all not the pipe through which the
                // parent learns that the worker's exec succeeded.
                libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
                let mut status = 0;
                loop {
                    let r = libc::waitpid(pid, &mut status, 0);
                    if r == pid {
                        break;
                    }
                    if r < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                        libc::_exit(1);
                    }
                }
                let code = if libc::WIFEXITED(status) {
                    libc::WEXITSTATUS(status)
                } else {
                    128 + libc::WTERMSIG(status)
                };
                libc::_exit(code);
            }
            check(
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL).into(),
                b"PR_SET_PDEATHSIG (init)",
            )
        }
    }

    /// Builds the view under `view.root` and makes it the root.
    unsafe fn enter_view(&self, view: &Prepared) -> io::Result<()> {
        // SAFETY: system calls on prepared NUL-terminated strings.
        unsafe {
            mount(None, c"/", None, libc::MS_REC | libc::MS_PRIVATE, None)?;
            mount(
                Some(c"tmpfs"),
                &view.root,
                Some(c"tmpfs"),
                libc::MS_NOSUID | libc::MS_NODEV,
                Some(c"size=4m,nr_inodes=4096,mode=0755"),
            )?;
            for step in &view.steps {
                match step {
                    Step::Dir(p) => {
                        if libc::mkdir(p.as_ptr(), 0o755) != 0
                            && io::Error::last_os_error().raw_os_error() != Some(libc::EEXIST)
                        {
                            return Err(fail(p.to_bytes()));
                        }
                    }
                    Step::File(p) => {
                        let fd = libc::open(
                            p.as_ptr(),
                            libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC,
                            0o644,
                        );
                        if fd < 0 {
                            return Err(fail(p.to_bytes()));
                        }
                        libc::close(fd);
                    }
                    Step::Symlink { at, target } => {
                        if libc::symlink(target.as_ptr(), at.as_ptr()) != 0
                            && io::Error::last_os_error().raw_os_error() != Some(libc::EEXIST)
                        {
                            return Err(fail(at.to_bytes()));
                        }
                    }
                    Step::Bind { from, at, flags } => {
                        mount(Some(from), at, None, libc::MS_BIND, None)?;
                        mount(
                            None,
                            at,
                            None,
                            libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | *flags,
                            None,
                        )?;
                    }
                    Step::Hide(p) => mount(
                        Some(c"tmpfs"),
                        p,
                        Some(c"tmpfs"),
                        libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                        Some(c"size=4k,nr_inodes=2,mode=0555"),
                    )?,
                }
            }
            mount(
                Some(c"tmpfs"),
                &view.work,
                Some(c"tmpfs"),
                libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                Some(&self.work_options),
            )?;
            if libc::mkdir(view.old_root.as_ptr(), 0o700) != 0 {
                return Err(fail(b"mkdir /.old"));
            }
            check(
                libc::syscall(
                    libc::SYS_pivot_root,
                    view.root.as_ptr(),
                    view.old_root.as_ptr(),
                ),
                b"pivot_root",
            )?;
            check(libc::chdir(c"/".as_ptr()).into(), b"chdir /")?;
            check(
                libc::umount2(c"/.old".as_ptr(), libc::MNT_DETACH).into(),
                b"umount /.old",
            )?;
            check(libc::rmdir(c"/.old".as_ptr()).into(), b"rmdir /.old")?;
            mount(
                None,
                c"/",
                None,
                libc::MS_BIND
                    | libc::MS_REMOUNT
                    | libc::MS_RDONLY
                    | libc::MS_NOSUID
                    | libc::MS_NODEV,
                None,
            )?;
            check(
                libc::chdir(JOBS.as_ptr()).into(),
                b"chdir to the jobs' folder",
            )?;
        }
        Ok(())
    }

    /// A Landlock domain over the view (or the host, without one): read and
    /// execute everywhere, write only under the jobs' folder (no device
    /// nodes) and to `/dev/null`; with ABI 4 no TCP at all; with ABI 6 no
    /// abstract Unix sockets or signals beyond the domain.
    unsafe fn landlock(&self) -> io::Result<()> {
        let abi = self.landlock_abi;
        let all = landlock_fs_rights(abi);
        let attr = RulesetAttr {
            fs: all,
            net: if abi >= LANDLOCK_NET_ABI { 0b11 } else { 0 },
            scoped: if abi >= 6 { 0b11 } else { 0 },
        };
        // SAFETY: the documented calls with a properly laid out attribute;
        // descriptors are closed on every path.
        unsafe {
            let rs = libc::syscall(
                libc::SYS_landlock_create_ruleset,
                &attr as *const RulesetAttr,
                std::mem::size_of::<RulesetAttr>(),
                0u32,
            );
            check(rs, b"landlock_create_ruleset")?;
            let rs = rs as RawFd;
            let read = LL_READ_FILE | LL_READ_DIR | LL_EXECUTE;
            let file = LL_READ_FILE | LL_WRITE_FILE | LL_TRUNCATE | LL_IOCTL_DEV;
            let rules: [(&CStr, u64); 3] = [
                (c"/", read & all),
                (
                    self.jobs.as_c_str(),
                    all & !(LL_MAKE_CHAR | LL_MAKE_BLOCK | LL_EXECUTE),
                ),
                (c"/dev/null", file & all),
            ];
            for (path, allowed) in rules {
                let fd = libc::open(path.as_ptr(), libc::O_PATH | libc::O_CLOEXEC);
                if fd < 0 {
                    if path == c"/dev/null" {
                        continue;
                    }
                    libc::close(rs);
                    return Err(fail(path.to_bytes()));
                }
                let rule = PathBeneath {
                    allowed,
                    parent_fd: fd,
                };
                let r = libc::syscall(
                    libc::SYS_landlock_add_rule,
                    rs,
                    1u32, // LANDLOCK_RULE_PATH_BENEATH
                    &rule as *const PathBeneath,
                    0u32,
                );
                libc::close(fd);
                if r < 0 {
                    let e = fail(b"landlock_add_rule");
                    libc::close(rs);
                    return Err(e);
                }
            }
            let r = libc::syscall(libc::SYS_landlock_restrict_self, rs, 0u32);
            libc::close(rs);
            check(r, b"landlock_restrict_self")
        }
    }
}

/// `fork` as the kernel does it, without libc's `pthread_atfork` handlers
/// (see `become_init`): a clone with no flags but the signal sent to the
/// parent at exit. Returns the child's pid in the parent, 0 in the child,
/// and -1 on failure (with `errno` set).
///
/// # Safety
/// As for `fork`: in the child only async-signal-safe calls may follow.
unsafe fn raw_fork() -> libc::pid_t {
    // SAFETY: clone with a null stack shares nothing and returns twice, like
    // fork; the flags and the zeroed pointers are valid on every architecture.
    let r = unsafe {
        libc::syscall(
            libc::SYS_clone,
            libc::SIGCHLD as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    libc::pid_t::try_from(r).unwrap_or(-1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_compile() {
        let base = base_filters().unwrap();
        assert_eq!(base.len(), 2);
        let job = job_filter().unwrap();
        assert_eq!(program_bytes(&job).len(), job.len() * 8);
    }

    #[test]
    fn weaker_isolation_is_refused_unless_allowed() {
        let full = Capabilities {
            root: true,
            network_namespace: true,
            landlock_abi: 7,
            seccomp: true,
            cgroups: Some(cgroup::Kind::V2 {
                parent: "/sys/fs/cgroup".into(),
            }),
        };
        assert_eq!(admit(&full, false).unwrap(), Vec::<String>::new());
        let weak = Capabilities {
            root: false,
            landlock_abi: 0,
            cgroups: None,
            ..full.clone()
        };
        let err = admit(&weak, false).unwrap_err().to_string();
        assert!(err.contains("not running as root"), "{err}");
        assert!(err.contains("no Landlock"), "{err}");
        assert!(err.contains("cgroups"), "{err}");
        assert!(err.contains("--allow-weaker-isolation"), "{err}");
        assert_eq!(admit(&weak, true).unwrap().len(), 3);
        let offline_by_namespace_only = Capabilities {
            landlock_abi: 3,
            network_namespace: false,
            ..full
        };
        let w = offline_by_namespace_only.weaknesses();
        assert!(w.iter().any(|x| x.contains("no namespaces")), "{w:?}");
        assert!(w.iter().any(|x| x.contains("no TCP rules")), "{w:?}");
    }

    #[test]
    fn probe_reports_this_machine() {
        let caps = Capabilities::probe();
        // Whatever the machine, the report is consistent with itself.
        assert_eq!(
            caps.weaknesses().is_empty(),
            caps.root
                && caps.network_namespace
                && caps.landlock_abi >= 1
                && caps.seccomp
                && caps.cgroups.is_some()
        );
    }

    #[test]
    fn landlock_rights_grow_with_the_abi() {
        assert_eq!(landlock_fs_rights(0), 0);
        assert!(landlock_fs_rights(1) & LL_TRUNCATE == 0);
        assert!(landlock_fs_rights(3) & LL_TRUNCATE != 0);
        assert!(landlock_fs_rights(7) & LL_IOCTL_DEV != 0);
    }
}
