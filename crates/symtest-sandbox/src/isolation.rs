//! The walls around untrusted code: what this machine supports, the Landlock
//! ruleset and seccomp programs built in the parent, and the
//! async-signal-safe steps a worker takes between `fork` and `exec`.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::Command;

use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, Scope,
};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

use crate::SandboxError;

/// What the kernel and our privileges allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Running as root: jobs can run under their own unprivileged uids.
    pub root: bool,
    /// New network namespaces can be made (as root, or through a user namespace).
    pub network_namespace: bool,
    /// Landlock's ABI version, 0 when unavailable.
    pub landlock_abi: i32,
    pub seccomp: bool,
}

/// Landlock ABI 4 adds TCP rules; below it the network namespace alone keeps
/// jobs offline.
const LANDLOCK_NET_ABI: i32 = 4;

impl Capabilities {
    pub fn probe() -> Capabilities {
        // SAFETY: getuid never fails.
        let root = unsafe { libc::geteuid() } == 0;
        Capabilities {
            root,
            network_namespace: probe_netns(root),
            landlock_abi: landlock_abi(),
            seccomp: seccomp_available(),
        }
    }

    /// Each missing mechanism, in words, for the loud warning.
    pub fn weaknesses(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.root {
            w.push(
                "not running as root: jobs share your uid, so RLIMIT_NPROC counts all your processes \
                 and a job could signal its worker"
                    .to_string(),
            );
        }
        if !self.network_namespace {
            w.push("no network namespaces: jobs keep the host's network".to_string());
        }
        if self.landlock_abi < 1 {
            w.push("no Landlock: jobs can read every file your user can".to_string());
        } else if self.landlock_abi < LANDLOCK_NET_ABI && !self.network_namespace {
            w.push(format!(
                "Landlock ABI {} has no TCP rules and there is no network namespace",
                self.landlock_abi
            ));
        }
        if !self.seccomp {
            w.push("no seccomp: dangerous system calls stay open".to_string());
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
        libc::CLONE_NEWNET
    } else {
        libc::CLONE_NEWUSER | libc::CLONE_NEWNET
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

/// Paths the worker may read (and execute), folders it may only list, and
/// the scratch root it may write.
#[derive(Clone, Debug, Default)]
pub struct FsPolicy {
    pub read: Vec<PathBuf>,
    /// Listing only (names, not contents): Python lists its standard library
    /// folder to import from it.
    pub list: Vec<PathBuf>,
    pub read_write: Vec<PathBuf>,
}

/// Builds the Landlock ruleset in the parent and returns its descriptor, to
/// be applied in the child with one system call.
pub fn landlock_ruleset(
    policy: &FsPolicy,
    abi_level: i32,
) -> Result<Option<OwnedFd>, SandboxError> {
    if abi_level < 1 {
        return Ok(None);
    }
    let abi = ABI::V5;
    let err = |e: &dyn std::fmt::Display| SandboxError::Setup(format!("landlock: {e}"));
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(abi))
        .map_err(|e| err(&e))?;
    if abi_level >= LANDLOCK_NET_ABI {
        // Handled with no rule: every TCP bind and connect is denied.
        ruleset = ruleset
            .handle_access(AccessNet::from_all(ABI::V4))
            .map_err(|e| err(&e))?;
    }
    if abi_level >= 6 {
        ruleset = ruleset
            .scope(Scope::from_all(ABI::V6))
            .map_err(|e| err(&e))?;
    }
    let mut created = ruleset.create().map_err(|e| err(&e))?;
    let read = AccessFs::from_read(abi);
    for p in &policy.read {
        let Ok(fd) = PathFd::new(p) else { continue };
        let access = if Path::new(p).is_dir() {
            read
        } else {
            // A file rule may only carry file rights.
            read & AccessFs::from_file(abi)
        };
        created = created
            .add_rule(PathBeneath::new(fd, access))
            .map_err(|e| err(&e))?;
    }
    for p in &policy.list {
        let Ok(fd) = PathFd::new(p) else { continue };
        created = created
            .add_rule(PathBeneath::new(fd, AccessFs::ReadDir))
            .map_err(|e| err(&e))?;
    }
    for p in &policy.read_write {
        let Ok(fd) = PathFd::new(p) else { continue };
        let access = if Path::new(p).is_dir() {
            AccessFs::from_all(abi)
        } else {
            AccessFs::from_file(abi)
        };
        created = created
            .add_rule(PathBeneath::new(fd, access))
            .map_err(|e| err(&e))?;
    }
    let fd: Option<OwnedFd> = created.into();
    fd.map(move_high).transpose()
}

/// A copy of `fd` numbered 100 or more: the child rearranges low descriptors
/// (its control socket becomes fd 3) and must not clobber this one.
fn move_high(fd: OwnedFd) -> Result<OwnedFd, SandboxError> {
    use std::os::fd::FromRawFd;
    // SAFETY: F_DUPFD_CLOEXEC on a valid descriptor returns a new one we own.
    let new = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 100) };
    if new < 0 {
        return Err(SandboxError::Setup(format!(
            "landlock: {}",
            io::Error::last_os_error()
        )));
    }
    // SAFETY: `new` is a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

fn arch() -> Result<TargetArch, SandboxError> {
    match std::env::consts::ARCH {
        "x86_64" => Ok(TargetArch::x86_64),
        "aarch64" => Ok(TargetArch::aarch64),
        other => Err(SandboxError::Setup(format!(
            "no seccomp filters for the {other} architecture"
        ))),
    }
}

fn compile(rules: BTreeMap<i64, Vec<SeccompRule>>, errno: i32) -> Result<BpfProgram, SandboxError> {
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(errno as u32),
        arch()?,
    )
    .map_err(|e| SandboxError::Setup(format!("seccomp: {e}")))?;
    filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| SandboxError::Setup(format!("seccomp: {e}")))
}

fn cond(arg: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, SandboxError> {
    SeccompCondition::new(arg, SeccompCmpArgLen::Qword, op, value)
        .map_err(|e| SandboxError::Setup(format!("seccomp: {e}")))
}

fn rule(conds: Vec<SeccompCondition>) -> Result<SeccompRule, SandboxError> {
    SeccompRule::new(conds).map_err(|e| SandboxError::Setup(format!("seccomp: {e}")))
}

/// System calls nobody in the sandbox needs: kernel and mount administration,
/// tracing, io_uring (which would bypass this filter), and sockets other than
/// Unix ones.
pub fn base_filters() -> Result<Vec<BpfProgram>, SandboxError> {
    let mut blocked: Vec<i64> = vec![
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_chroot,
        libc::SYS_swapon,
        libc::SYS_swapoff,
        libc::SYS_reboot,
        libc::SYS_kexec_load,
        libc::SYS_kexec_file_load,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_userfaultfd,
        libc::SYS_setns,
        libc::SYS_unshare,
        libc::SYS_acct,
        libc::SYS_quotactl,
        libc::SYS_settimeofday,
        libc::SYS_clock_settime,
        libc::SYS_clock_adjtime,
        libc::SYS_adjtimex,
        libc::SYS_sethostname,
        libc::SYS_setdomainname,
        libc::SYS_syslog,
        libc::SYS_open_by_handle_at,
        libc::SYS_name_to_handle_at,
        libc::SYS_fanotify_init,
        libc::SYS_mount_setattr,
        libc::SYS_move_mount,
        libc::SYS_open_tree,
        libc::SYS_fsopen,
        libc::SYS_fsconfig,
        libc::SYS_fsmount,
        libc::SYS_fspick,
        libc::SYS_pidfd_getfd,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
    ];
    #[cfg(target_arch = "x86_64")]
    blocked.extend([libc::SYS_iopl, libc::SYS_ioperm, libc::SYS_uselib]);
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
        blocked.into_iter().map(|s| (s, vec![])).collect();
    rules.insert(
        libc::SYS_socket,
        vec![rule(vec![cond(
            0,
            SeccompCmpOp::Ne,
            libc::AF_UNIX as u64,
        )?])?],
    );
    let main = compile(rules, libc::EPERM)?;
    // clone3 passes its flags by pointer, where a filter cannot look: say it
    // does not exist, and the C library falls back to clone.
    let mut clone3 = BTreeMap::new();
    clone3.insert(libc::SYS_clone3, vec![]);
    let clone3 = compile(clone3, libc::ENOSYS)?;
    Ok(vec![main, clone3])
}

/// What a job may not do on top of the base filter: leave its process group
/// (so killing the group kills everything it started), change identity, or
/// create namespaces.
pub fn job_filter() -> Result<BpfProgram, SandboxError> {
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = [
        libc::SYS_setsid,
        libc::SYS_setpgid,
        libc::SYS_setuid,
        libc::SYS_setgid,
        libc::SYS_setreuid,
        libc::SYS_setregid,
        libc::SYS_setresuid,
        libc::SYS_setresgid,
        libc::SYS_setgroups,
        libc::SYS_setfsuid,
        libc::SYS_setfsgid,
        libc::SYS_capset,
    ]
    .into_iter()
    .map(|s| (s, vec![]))
    .collect();
    let ns_flags = [
        libc::CLONE_NEWNS,
        libc::CLONE_NEWUSER,
        libc::CLONE_NEWPID,
        libc::CLONE_NEWNET,
        libc::CLONE_NEWIPC,
        libc::CLONE_NEWUTS,
        libc::CLONE_NEWCGROUP,
    ];
    let mut clone_rules = Vec::new();
    for f in ns_flags {
        let f = f as u64;
        clone_rules.push(rule(vec![cond(0, SeccompCmpOp::MaskedEq(f), f)?])?);
    }
    rules.insert(libc::SYS_clone, clone_rules);
    compile(rules, libc::EPERM)
}

/// The program as bytes, in the kernel's `struct sock_filter` layout.
pub fn program_bytes(p: &BpfProgram) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.len() * 8);
    for ins in p {
        out.extend_from_slice(&ins.code.to_ne_bytes());
        out.push(ins.jt);
        out.push(ins.jf);
        out.extend_from_slice(&ins.k.to_ne_bytes());
    }
    out
}

/// Everything the child does between `fork` and `exec`, prepared in the
/// parent so the child only makes system calls (no allocation: the parent
/// has other threads, whose locks a forked child must not need).
pub struct ChildSetup {
    pub control_fd: RawFd,
    pub namespaces: libc::c_int,
    pub user_namespace: Option<UserMaps>,
    pub landlock: Option<RawFd>,
    pub seccomp: Vec<BpfProgram>,
}

/// The files written to map our uid and gid into a new user namespace.
pub struct UserMaps {
    pub uid_map: CString,
    pub gid_map: CString,
}

impl UserMaps {
    pub fn for_current_user() -> UserMaps {
        // SAFETY: getuid/getgid never fail.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        UserMaps {
            uid_map: CString::new(format!("0 {uid} 1")).unwrap_or_default(),
            gid_map: CString::new(format!("0 {gid} 1")).unwrap_or_default(),
        }
    }
}

fn check(r: libc::c_long) -> io::Result<()> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn write_file(path: &std::ffi::CStr, data: &[u8]) -> io::Result<()> {
    // SAFETY: `path` is NUL-terminated; `data` is valid for its length.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = libc::write(fd, data.as_ptr().cast(), data.len());
        libc::close(fd);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

impl ChildSetup {
    /// Runs in the child after `fork`. Only system calls: see the type's note.
    pub fn apply(&self) -> io::Result<()> {
        // SAFETY: each call is a plain system call on values prepared by the
        // parent; none allocates.
        unsafe {
            check(libc::setsid().into())?;
            if self.control_fd != 3 {
                check(libc::dup2(self.control_fd, 3).into())?;
            } else {
                let flags = libc::fcntl(3, libc::F_GETFD);
                check(libc::fcntl(3, libc::F_SETFD, flags & !libc::FD_CLOEXEC).into())?;
            }
            if let Some(maps) = &self.user_namespace {
                check(libc::unshare(libc::CLONE_NEWUSER).into())?;
                write_file(c"/proc/self/setgroups", b"deny")?;
                write_file(c"/proc/self/uid_map", maps.uid_map.as_bytes())?;
                write_file(c"/proc/self/gid_map", maps.gid_map.as_bytes())?;
            }
            if self.namespaces != 0 {
                check(libc::unshare(self.namespaces).into())?;
            }
            if self.namespaces & libc::CLONE_NEWNS != 0 {
                // Nothing done in here propagates back to the host.
                check(
                    libc::mount(
                        std::ptr::null(),
                        c"/".as_ptr(),
                        std::ptr::null(),
                        libc::MS_REC | libc::MS_PRIVATE,
                        std::ptr::null(),
                    )
                    .into(),
                )?;
            }
            check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).into())?;
            if let Some(fd) = self.landlock {
                check(libc::syscall(libc::SYS_landlock_restrict_self, fd, 0u32))?;
            }
        }
        for p in &self.seccomp {
            seccompiler::apply_filter(p).map_err(|e| io::Error::other(e.to_string()))?;
        }
        Ok(())
    }
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
        };
        assert_eq!(admit(&full, false).unwrap(), Vec::<String>::new());
        let weak = Capabilities {
            root: false,
            landlock_abi: 0,
            ..full.clone()
        };
        let err = admit(&weak, false).unwrap_err().to_string();
        assert!(err.contains("not running as root"), "{err}");
        assert!(err.contains("no Landlock"), "{err}");
        assert!(err.contains("--allow-weaker-isolation"), "{err}");
        assert_eq!(admit(&weak, true).unwrap().len(), 2);
        let offline_by_namespace_only = Capabilities {
            landlock_abi: 3,
            network_namespace: false,
            ..full
        };
        let w = offline_by_namespace_only.weaknesses();
        assert!(w.iter().any(|x| x.contains("network namespaces")), "{w:?}");
        assert!(w.iter().any(|x| x.contains("no TCP rules")), "{w:?}");
    }

    #[test]
    fn probe_reports_this_machine() {
        let caps = Capabilities::probe();
        // Whatever the machine, the report is consistent with itself.
        assert_eq!(
            caps.weaknesses().is_empty(),
            caps.root && caps.network_namespace && caps.landlock_abi >= 1 && caps.seccomp
        );
    }
}
