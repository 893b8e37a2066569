//! The jobs' folders on the host, for a pool without a private view (no
//! namespaces): a folder of the pool's own under the temporary directory,
//! and in it one folder per worker, where the worker makes its jobs'
//! `job-N` folders. Jobs under their own uids (as root) may pass through
//! both, never list them; a worker's folder goes when the worker does, the
//! pool's when the pool does (or, after a grader killed with SIGKILL, with
//! the scratch folders of dead processes).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::SandboxError;
use crate::leftovers::remove_tree;

/// Owner: everything; anyone else: only passing through (no listing), so
/// that a job reaches its own folder and cannot see anyone else's.
const PASS_THROUGH: u32 = 0o711;

/// The pool's folder for the jobs.
pub(crate) struct HostJobs {
    dir: PathBuf,
    workers: AtomicU64,
}

/// One worker's folder for its jobs, removed when dropped.
pub(crate) struct WorkerJobs {
    dir: PathBuf,
}

fn setup_err(what: &Path, e: impl std::fmt::Display) -> SandboxError {
    SandboxError::Setup(format!("the jobs' folder {}: {e}", what.display()))
}

/// Makes `dir` (which must not exist yet) with [`PASS_THROUGH`] permissions,
/// whatever the umask.
fn make(dir: &Path) -> Result<(), SandboxError> {
    std::fs::DirBuilder::new()
        .mode(PASS_THROUGH)
        .create(dir)
        .map_err(|e| setup_err(dir, e))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(PASS_THROUGH))
        .map_err(|e| setup_err(dir, e))
}

/// The first folder above `dir` that users other than its owner cannot
/// pass through: jobs under their own uids could not reach their folders.
fn unreachable_above(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().skip(1).find_map(|a| {
        let searchable = std::fs::metadata(a).is_ok_and(|m| m.permissions().mode() & 0o001 != 0);
        (!searchable).then(|| a.to_path_buf())
    })
}

impl HostJobs {
    /// Makes the pool's folder `name` in `tmp`. With `separate_uids`, jobs
    /// run under uids of their own, which must be able to pass through
    /// every folder above it.
    pub(crate) fn new(
        tmp: &Path,
        name: &str,
        separate_uids: bool,
    ) -> Result<HostJobs, SandboxError> {
        let tmp = tmp.canonicalize().map_err(|e| setup_err(tmp, e))?;
        let dir = tmp.join(name);
        if separate_uids && let Some(closed) = unreachable_above(&dir) {
            return Err(setup_err(
                &dir,
                format!(
                    "jobs under their own uids cannot pass through {} (set TMPDIR to a \
                     folder everyone may pass through)",
                    closed.display()
                ),
            ));
        }
        make(&dir)?;
        Ok(HostJobs {
            dir,
            workers: AtomicU64::new(0),
        })
    }

    /// A fresh folder for a worker of `slot` (never one an earlier worker
    /// used, whatever it left behind).
    pub(crate) fn worker(&self, slot: usize) -> Result<WorkerJobs, SandboxError> {
        let n = self.workers.fetch_add(1, Ordering::Relaxed);
        let dir = self.dir.join(format!("worker-{slot}-{n}"));
        make(&dir)?;
        Ok(WorkerJobs { dir })
    }
}

impl Drop for HostJobs {
    fn drop(&mut self) {
        remove_tree(&self.dir);
    }
}

impl WorkerJobs {
    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// The folder as a C string, for the worker's setup.
    pub(crate) fn c_path(&self) -> Result<CString, SandboxError> {
        CString::new(self.dir.as_os_str().as_bytes()).map_err(|e| setup_err(&self.dir, e))
    }
}

impl Drop for WorkerJobs {
    fn drop(&mut self) {
        remove_tree(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn folders_let_others_pass_not_list_and_go_when_dropped() {
        let tmp = std::env::temp_dir();
        let name = format!("symtest-sandbox-{}-host-jobs-test", std::process::id());
        let jobs = HostJobs::new(&tmp, &name, false).expect("pool folder");
        let pool_dir = jobs.dir.clone();
        assert_eq!(
            std::fs::metadata(&pool_dir).expect("made").mode() & 0o777,
            PASS_THROUGH
        );
        let a = jobs.worker(0).expect("worker folder");
        let b = jobs.worker(0).expect("another worker folder");
        assert_ne!(a.path(), b.path());
        assert!(a.path().starts_with(&pool_dir));
        assert_eq!(
            a.c_path().expect("no NUL").as_bytes(),
            a.path().as_os_str().as_bytes()
        );
        assert_eq!(
            std::fs::metadata(a.path()).expect("made").mode() & 0o777,
            PASS_THROUGH
        );
        // What a job leaves, even a folder it closed to everyone.
        let left = a.path().join("job-1").join("deep");
        std::fs::create_dir_all(&left).expect("job folders");
        std::fs::write(left.join("f"), "x").expect("a file");
        std::fs::set_permissions(&left, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        let a_dir = a.path().to_path_buf();
        drop(a);
        assert!(!a_dir.exists());
        assert!(b.path().exists());
        drop(b);
        drop(jobs);
        assert!(!pool_dir.exists());
    }

    #[test]
    fn a_folder_others_cannot_pass_through_is_named() {
        let tmp = std::env::temp_dir().join(format!(
            "symtest-sandbox-{}-closed-test",
            std::process::id()
        ));
        std::fs::create_dir_all(&tmp).expect("folder");
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let err = HostJobs::new(&tmp, "jobs", true)
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("cannot pass through"), "{err}");
        assert!(err.contains(&*tmp.to_string_lossy()), "{err}");
        assert!(HostJobs::new(&tmp, "jobs", false).is_ok());
        remove_tree(&tmp);
    }
}
