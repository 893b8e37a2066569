//! Signals by name, for the messages that say how a job ended.

/// A signal's name, with what it usually means for a job (`SIGSEGV (a
/// crash, e.g. a stack overflow)`).
pub fn signal_name(s: i32) -> String {
    match s {
        libc::SIGSEGV => "SIGSEGV (a crash, e.g. a stack overflow)".into(),
        libc::SIGKILL => "SIGKILL".into(),
        libc::SIGXCPU => "SIGXCPU (CPU time limit)".into(),
        libc::SIGXFSZ => "SIGXFSZ (output limit)".into(),
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGFPE => "SIGFPE".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGILL => "SIGILL".into(),
        other => format!("signal {other}"),
    }
}
