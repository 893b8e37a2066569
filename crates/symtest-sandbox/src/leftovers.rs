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

/// Removes scratch folders of symtest processes that are gone.
pub(crate) fn sweep_scratch(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        if left_by_dead_process(&e.file_name().to_string_lossy(), "symtest-sandbox-") {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
