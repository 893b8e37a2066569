//! What symtest processes killed with SIGKILL leave behind, recognised by
//! the process id in its name, and removed.

use std::path::Path;

/// Whether `name` is `<prefix><pid>-...` for a process that no longer
/// exists: what a symtest killed with SIGKILL left behind.
pub(crate) fn left_by_dead_process(name: &str, prefix: &str) -> bool {
    let Some(pid) = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('-').next())
        .and_then(|p| p.parse::<i32>().ok())
    else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let missing = unsafe { libc::kill(pid, 0) } != 0;
    missing && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

/// Removes scratch folders (and jobs' folders) of symtest processes that
/// are gone.
pub(crate) fn sweep_scratch(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        if left_by_dead_process(&e.file_name().to_string_lossy(), "symtest-sandbox-") {
            remove_tree(&e.path());
        }
    }
}

/// Removes a folder and everything in it, as far as we may. Jobs that ran
/// under our own uid (without root) may have taken the permissions off
/// folders of theirs: those are given back to us first. Symbolic links are
/// never followed.
pub(crate) fn remove_tree(dir: &Path) {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            open_up(dir);
            let _ = std::fs::remove_dir_all(dir);
        }
        _ => {}
    }
}

/// Makes every folder of ours under `dir` (itself included) readable,
/// writable and searchable by us (without recursion: a job chooses the
/// depth).
fn open_up(dir: &Path) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid never fails.
    let me = unsafe { libc::geteuid() };
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&d) else {
            continue;
        };
        if !meta.is_dir() || meta.uid() != me {
            continue;
        }
        let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700));
        if let Ok(entries) = std::fs::read_dir(&d) {
            todo.extend(
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path()),
            );
        }
    }
}
