//! Byte plumbing between symtest and its Python processes: length-prefixed
//! frames on non-blocking pipes, whole messages on a SEQPACKET socket with
//! descriptors attached, and memory files for a program's standard streams.
//!
//! Every read and every write has a deadline: a process that stops reading
//! or writing costs its job a timeout, never the grader a hang. A deadline
//! is a wall-clock instant and, for a job, a CPU-time allowance read from
//! its cgroup while waiting.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use crate::cgroup::SlotGroup;
use crate::wire::WireError;

/// Frames larger than this are a protocol violation.
pub const MAX_FRAME: usize = 32 << 20;

/// Which limit ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Wall,
    Cpu,
}

#[derive(Debug)]
pub enum ReadError {
    /// The other end closed the pipe (the process exited or closed it).
    Eof,
    /// A limit passed first.
    Timeout(Limit),
    /// Garbage where a frame was expected.
    Protocol(String),
    /// A frame that is not a message of the protocol (the field at fault
    /// named).
    Wire(WireError),
    /// A well-formed message holding more than a message may (a value of
    /// millions of elements): the value is not judged, the process is fine.
    TooLarge(String),
    Io(io::Error),
}

impl From<WireError> for ReadError {
    fn from(e: WireError) -> ReadError {
        match e {
            WireError::TooLarge(_) => ReadError::TooLarge(e.to_string()),
            other => ReadError::Wire(other),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Eof => f.write_str("end of stream"),
            ReadError::Timeout(Limit::Wall) => f.write_str("timed out"),
            ReadError::Timeout(Limit::Cpu) => f.write_str("CPU time limit reached"),
            ReadError::Protocol(m) => write!(f, "protocol violation: {m}"),
            ReadError::Wire(e) => write!(f, "protocol violation: {e}"),
            ReadError::TooLarge(m) => write!(f, "{m}"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Something whose CPU time can be read while waiting on it.
pub trait CpuMeter {
    /// CPU time used so far, in nanoseconds.
    fn cpu_ns(&self) -> Option<u64>;
    /// How many cores it may use at once.
    fn cores(&self) -> u64;
}

impl CpuMeter for SlotGroup {
    fn cpu_ns(&self) -> Option<u64> {
        SlotGroup::cpu_ns(self)
    }

    fn cores(&self) -> u64 {
        // A job may burn CPU on every core at once.
        std::thread::available_parallelism().map_or(1, |n| n.get()) as u64
    }
}

/// The CPU clock of one single-threaded process (the test code's).
#[derive(Clone, Copy)]
pub struct ProcessClock(libc::clockid_t);

impl ProcessClock {
    pub fn of(pid: u32) -> Option<ProcessClock> {
        let mut clock: libc::clockid_t = 0;
        // SAFETY: a plain out-parameter.
        let r = unsafe { libc::clock_getcpuclockid(pid as libc::pid_t, &mut clock) };
        (r == 0).then_some(ProcessClock(clock))
    }
}

impl CpuMeter for ProcessClock {
    fn cpu_ns(&self) -> Option<u64> {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a plain out-parameter.
        let r = unsafe { libc::clock_gettime(self.0, &mut ts) };
        (r == 0).then(|| (ts.tv_sec as u64).saturating_mul(1_000_000_000) + ts.tv_nsec as u64)
    }

    fn cores(&self) -> u64 {
        1
    }
}

/// A CPU allowance: the meter's value at which it is spent.
#[derive(Clone, Copy)]
pub struct CpuLimit<'a> {
    pub meter: &'a dyn CpuMeter,
    pub until_ns: u64,
}

/// A process past its wall-clock limit is computing if it used at least
/// 1/BUSY of the wall-clock time as CPU time.
const BUSY: u128 = 20;

/// How far a wall-clock limit stretches for a process that is computing:
/// the wall limit is meant for programs that sleep or block, and a machine
/// whose cores are shared many times over slows a computing one down. Past
/// `wall`, waiting goes on until `until` as long as the process has used
/// at least a twentieth of the wall-clock time since `from` as CPU time
/// (on the CPU limit's meter); a sleeper never has.
#[derive(Clone, Copy)]
pub struct Stretch {
    pub from: Instant,
    pub cpu_from: u64,
    pub until: Instant,
}

/// When waiting must stop.
#[derive(Clone, Copy)]
pub struct Deadline<'a> {
    pub wall: Instant,
    pub cpu: Option<CpuLimit<'a>>,
    pub stretch: Option<Stretch>,
}

impl Deadline<'_> {
    pub fn wall(wall: Instant) -> Deadline<'static> {
        Deadline {
            wall,
            cpu: None,
            stretch: None,
        }
    }

    pub fn after(d: Duration) -> Deadline<'static> {
        Deadline::wall(Instant::now() + d)
    }

    /// How long to sleep before looking again, or which limit has passed.
    fn slice(&self) -> Result<Duration, Limit> {
        let at = Instant::now();
        let mut left = self.wall.saturating_duration_since(at);
        let Some(cpu) = self.cpu else {
            return if left.is_zero() {
                Err(Limit::Wall)
            } else {
                Ok(left)
            };
        };
        let Some(now) = cpu.meter.cpu_ns() else {
            return if left.is_zero() {
                Err(Limit::Wall)
            } else {
                Ok(left)
            };
        };
        if now >= cpu.until_ns {
            return Err(Limit::Cpu);
        }
        if left.is_zero() {
            // Past the wall limit: a process still computing may go on
            // (looked at again every 10 ms), a sleeping one may not.
            let busy = self.stretch.filter(|s| {
                let elapsed = at.saturating_duration_since(s.from).as_nanos();
                let used = u128::from(now.saturating_sub(s.cpu_from));
                at < s.until && used.saturating_mul(BUSY) >= elapsed
            });
            match busy {
                Some(s) => {
                    left = s
                        .until
                        .saturating_duration_since(at)
                        .min(Duration::from_millis(10))
                }
                None => return Err(Limit::Wall),
            }
        }
        let cpu_left = Duration::from_nanos((cpu.until_ns - now) / cpu.meter.cores().max(1));
        Ok(left.min(cpu_left.max(Duration::from_millis(1))))
    }
}

/// Waits until `fd` is ready for `events` or a limit passes.
fn wait(fd: RawFd, events: libc::c_short, deadline: &Deadline<'_>) -> Result<(), ReadError> {
    loop {
        let slice = deadline.slice().map_err(ReadError::Timeout)?;
        let ms = i32::try_from(slice.as_millis().max(1)).unwrap_or(i32::MAX);
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(ReadError::Io(e));
        }
        if r > 0 {
            return Ok(());
        }
    }
}

fn read_some(fd: RawFd, buf: &mut [u8], deadline: &Deadline<'_>) -> Result<usize, ReadError> {
    loop {
        // SAFETY: `buf` is valid for `buf.len()` bytes.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => wait(fd, libc::POLLIN, deadline)?,
            _ => return Err(ReadError::Io(e)),
        }
    }
}

fn read_exact(fd: RawFd, buf: &mut [u8], deadline: &Deadline<'_>) -> Result<(), ReadError> {
    let mut got = 0;
    while got < buf.len() {
        let n = read_some(fd, &mut buf[got..], deadline)?;
        if n == 0 {
            return Err(ReadError::Eof);
        }
        got += n;
    }
    Ok(())
}

thread_local! {
    /// Bytes of frames read on this thread since [`take_frame_bytes`].
    static FRAME_BYTES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The bytes of frames read on this thread since the last call.
pub fn take_frame_bytes() -> usize {
    FRAME_BYTES.with(|c| c.replace(0))
}

/// Reads one frame: a 4-byte big-endian length, then that many bytes.
pub fn read_frame(fd: &OwnedFd, deadline: &Deadline<'_>) -> Result<Vec<u8>, ReadError> {
    let raw = fd.as_raw_fd();
    let mut head = [0u8; 4];
    read_exact(raw, &mut head, deadline)?;
    let n = u32::from_be_bytes(head) as usize;
    if n > MAX_FRAME {
        return Err(ReadError::Protocol(format!("a frame of {n} bytes")));
    }
    let mut body = vec![0u8; n];
    read_exact(raw, &mut body, deadline)?;
    FRAME_BYTES.with(|c| c.set(c.get().saturating_add(n)));
    Ok(body)
}

/// Writes one frame. A reader that went away is `Eof`; one that stops
/// reading runs into the deadline.
pub fn write_frame(fd: &OwnedFd, body: &[u8], deadline: &Deadline<'_>) -> Result<(), ReadError> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|n| (*n as usize) <= MAX_FRAME)
        .ok_or_else(|| ReadError::Protocol(format!("a frame of {} bytes", body.len())))?;
    let raw = fd.as_raw_fd();
    write_all(raw, &len.to_be_bytes(), deadline)?;
    write_all(raw, body, deadline)
}

fn write_all(fd: RawFd, mut data: &[u8], deadline: &Deadline<'_>) -> Result<(), ReadError> {
    while !data.is_empty() {
        // SAFETY: `data` is valid for `data.len()` bytes.
        let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if n >= 0 {
            data = &data[n as usize..];
            continue;
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => wait(fd, libc::POLLOUT, deadline)?,
            io::ErrorKind::BrokenPipe => return Err(ReadError::Eof),
            _ => return Err(ReadError::Io(e)),
        }
    }
    Ok(())
}

/// Makes our end of a pipe non-blocking (the other end keeps blocking).
pub fn set_nonblocking(fd: &OwnedFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A pipe with both ends close-on-exec: `(read, write)`.
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `fds` has room for the two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 returned two fresh descriptors we now own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// A connected pair of SOCK_SEQPACKET Unix sockets, close-on-exec.
pub fn seqpacket_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `fds` has room for the two descriptors.
    let r = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: socketpair returned two fresh descriptors we now own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// An anonymous memory file (close-on-exec): a program's standard input or
/// output, which no path names and the grader reads through its own
/// descriptor.
pub fn memfd(name: &std::ffi::CStr, sealable: bool) -> io::Result<OwnedFd> {
    let flags = libc::MFD_CLOEXEC | if sealable { libc::MFD_ALLOW_SEALING } else { 0 };
    // SAFETY: `name` is NUL-terminated.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), flags) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A sealed memory file holding `data` at offset 0: the program may read
/// it but never change it.
pub fn sealed_input(data: &[u8]) -> io::Result<OwnedFd> {
    let fd = memfd(c"stdin", true)?;
    let mut rest = data;
    let mut at = 0i64;
    while !rest.is_empty() {
        // SAFETY: `rest` is valid for its length.
        let n = unsafe { libc::pwrite(fd.as_raw_fd(), rest.as_ptr().cast(), rest.len(), at) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        rest = &rest[n as usize..];
        at += n as i64;
    }
    let seals = libc::F_SEAL_WRITE | libc::F_SEAL_GROW | libc::F_SEAL_SHRINK | libc::F_SEAL_SEAL;
    // SAFETY: fcntl on a descriptor we own.
    if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_ADD_SEALS, seals) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

/// Up to `cap` bytes from the start of a memory file.
pub fn read_capped(fd: &OwnedFd, cap: usize) -> Vec<u8> {
    let mut out = vec![0u8; cap.min(1 << 16)];
    let mut got = 0usize;
    loop {
        if got == out.len() {
            if out.len() >= cap {
                break;
            }
            out.resize((out.len() * 2).min(cap), 0);
        }
        // SAFETY: the slice after `got` is valid for its length.
        let n = unsafe {
            libc::pread(
                fd.as_raw_fd(),
                out[got..].as_mut_ptr().cast(),
                out.len() - got,
                got as i64,
            )
        };
        if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        if n <= 0 {
            break;
        }
        got += n as usize;
    }
    out.truncate(got);
    out
}

/// Sends one message with descriptors attached (SCM_RIGHTS).
pub fn send_message(sock: &OwnedFd, body: &[u8], fds: &[RawFd]) -> io::Result<()> {
    let mut iov = libc::iovec {
        iov_base: body.as_ptr() as *mut libc::c_void,
        iov_len: body.len(),
    };
    let fd_bytes = std::mem::size_of_val(fds);
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes as u32) } as usize;
    let mut control = vec![0u8; space.max(1)];
    // SAFETY: zeroed msghdr is a valid empty header; fields are set below.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    if !fds.is_empty() {
        hdr.msg_control = control.as_mut_ptr().cast();
        hdr.msg_controllen = space as _;
        // SAFETY: the control buffer is CMSG_SPACE bytes long, enough for one
        // header carrying `fds`; the pointers come from the CMSG macros.
        unsafe {
            let cmsg = libc::CMSG_FIRSTHDR(&hdr);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(fd_bytes as u32) as _;
            std::ptr::copy_nonoverlapping(
                fds.as_ptr(),
                libc::CMSG_DATA(cmsg).cast::<RawFd>(),
                fds.len(),
            );
        }
    }
    loop {
        // SAFETY: `hdr` points at live buffers for the duration of the call.
        let n = unsafe { libc::sendmsg(sock.as_raw_fd(), &hdr, libc::MSG_NOSIGNAL) };
        if n >= 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Receives one whole message (no descriptors expected back).
pub fn recv_message(sock: &OwnedFd, deadline: &Deadline<'_>) -> Result<Vec<u8>, ReadError> {
    let mut buf = vec![0u8; 1 << 16];
    wait(sock.as_raw_fd(), libc::POLLIN, deadline)?;
    let n = loop {
        // SAFETY: `buf` is valid for its length.
        let n = unsafe { libc::read(sock.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            break n as usize;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(ReadError::Io(e));
        }
    };
    if n == 0 {
        return Err(ReadError::Eof);
    }
    buf.truncate(n);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_that_stops_reading_costs_a_timeout_not_a_hang() {
        let (r, w) = pipe().unwrap();
        set_nonblocking(&w).unwrap();
        let big = vec![b'x'; 1 << 20];
        let started = Instant::now();
        let e = write_frame(&w, &big, &Deadline::after(Duration::from_millis(100))).unwrap_err();
        assert!(matches!(e, ReadError::Timeout(Limit::Wall)), "{e}");
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(r);
        let e = write_frame(&w, b"x", &Deadline::after(Duration::from_secs(1))).unwrap_err();
        assert!(matches!(e, ReadError::Eof), "{e}");
    }

    #[test]
    fn frames_round_trip_and_oversized_ones_are_refused() {
        let (r, w) = pipe().unwrap();
        set_nonblocking(&r).unwrap();
        let d = Deadline::after(Duration::from_secs(1));
        write_frame(&w, b"hello", &d).unwrap();
        assert_eq!(read_frame(&r, &d).unwrap(), b"hello");
        write_all(w.as_raw_fd(), &u32::MAX.to_be_bytes(), &d).unwrap();
        assert!(matches!(read_frame(&r, &d), Err(ReadError::Protocol(_))));
        let e = read_frame(&r, &Deadline::after(Duration::from_millis(20))).unwrap_err();
        assert!(matches!(e, ReadError::Timeout(Limit::Wall)), "{e}");
    }

    #[test]
    fn memory_files_hold_input_sealed_and_output_capped() {
        let fd = sealed_input(b"12 34\n").unwrap();
        assert_eq!(read_capped(&fd, 100), b"12 34\n");
        // SAFETY: a plain write on a descriptor we own.
        let n = unsafe { libc::write(fd.as_raw_fd(), b"x".as_ptr().cast(), 1) };
        assert!(n < 0, "a sealed input must not change");
        let out = memfd(c"stdout", false).unwrap();
        let data = vec![7u8; 200_000];
        // SAFETY: `data` is valid for its length.
        unsafe { libc::write(out.as_raw_fd(), data.as_ptr().cast(), data.len()) };
        assert_eq!(read_capped(&out, 100_000).len(), 100_000);
        assert_eq!(read_capped(&out, 1 << 20).len(), 200_000);
    }
}

#[cfg(test)]
mod stretch_tests {
    use std::cell::Cell;

    use super::*;

    struct Fake(Cell<u64>);

    impl CpuMeter for Fake {
        fn cpu_ns(&self) -> Option<u64> {
            Some(self.0.get())
        }
        fn cores(&self) -> u64 {
            1
        }
    }

    /// Past its wall limit, a process that computes (here: 100 ms of CPU
    /// in the 1 s since it started, a tenth) may go on until the stretch
    /// ends; one that does not (1 ms) is stopped.
    #[test]
    fn the_wall_limit_stretches_for_computing_only() {
        let now = Instant::now();
        let started = now - Duration::from_secs(1);
        let meter = Fake(Cell::new(100_000_000));
        let deadline = Deadline {
            wall: now - Duration::from_millis(1),
            cpu: Some(CpuLimit {
                meter: &meter,
                until_ns: 10_000_000_000,
            }),
            stretch: Some(Stretch {
                from: started,
                cpu_from: 0,
                until: now + Duration::from_secs(5),
            }),
        };
        assert!(deadline.slice().is_ok());
        meter.0.set(1_000_000);
        assert!(matches!(deadline.slice(), Err(Limit::Wall)));
        let ended = Deadline {
            stretch: Some(Stretch {
                from: started,
                cpu_from: 0,
                until: now - Duration::from_millis(1),
            }),
            ..deadline
        };
        meter.0.set(900_000_000);
        assert!(matches!(ended.slice(), Err(Limit::Wall)));
        let unstretched = Deadline {
            stretch: None,
            ..deadline
        };
        assert!(matches!(unstretched.slice(), Err(Limit::Wall)));
    }
}
