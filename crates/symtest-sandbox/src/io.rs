//! Byte plumbing between symtest and its Python processes: length-prefixed
//! JSON frames on pipes, whole messages on a SEQPACKET socket with
//! descriptors attached, every read bounded by a deadline.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Instant;

use serde_json::Value as Json;

/// Frames larger than this are a protocol violation (the child's own cap is
/// 64 MiB; a little room for the envelope).
pub const MAX_FRAME: usize = 65 << 20;

#[derive(Debug)]
pub enum ReadError {
    /// The other end closed the pipe (the process exited or closed it).
    Eof,
    /// The deadline passed first.
    Timeout,
    /// Garbage where a frame was expected.
    Protocol(String),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Eof => f.write_str("end of stream"),
            ReadError::Timeout => f.write_str("timed out"),
            ReadError::Protocol(m) => write!(f, "protocol violation: {m}"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Waits until `fd` is readable or the deadline passes.
fn wait_readable(fd: RawFd, deadline: Option<Instant>) -> Result<(), ReadError> {
    loop {
        let timeout_ms: i32 = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(ReadError::Timeout);
                }
                i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX)
            }
        };
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
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

fn read_some(fd: RawFd, buf: &mut [u8], deadline: Option<Instant>) -> Result<usize, ReadError> {
    wait_readable(fd, deadline)?;
    loop {
        // SAFETY: `buf` is valid for `buf.len()` bytes.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(ReadError::Io(e));
        }
        return Ok(n as usize);
    }
}

fn read_exact(fd: RawFd, buf: &mut [u8], deadline: Option<Instant>) -> Result<(), ReadError> {
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

/// Reads one frame: 4-byte big-endian length, then that much JSON.
pub fn read_frame(fd: &OwnedFd, deadline: Option<Instant>) -> Result<Json, ReadError> {
    let raw = fd.as_raw_fd();
    let mut head = [0u8; 4];
    read_exact(raw, &mut head, deadline)?;
    let n = u32::from_be_bytes(head) as usize;
    if n > MAX_FRAME {
        return Err(ReadError::Protocol(format!("a frame of {n} bytes")));
    }
    let mut body = vec![0u8; n];
    read_exact(raw, &mut body, deadline)?;
    serde_json::from_slice(&body).map_err(|e| ReadError::Protocol(format!("bad JSON: {e}")))
}

/// Writes one frame. A closed reader is an error (`EPIPE`; SIGPIPE is ignored
/// by the Rust runtime).
pub fn write_frame(fd: &OwnedFd, msg: &Json) -> io::Result<()> {
    let body = serde_json::to_vec(msg).map_err(io::Error::other)?;
    let len = u32::try_from(body.len()).map_err(|_| io::Error::other("frame too large"))?;
    let mut data = Vec::with_capacity(body.len() + 4);
    data.extend_from_slice(&len.to_be_bytes());
    data.extend_from_slice(&body);
    write_all(fd.as_raw_fd(), &data)
}

fn write_all(fd: RawFd, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        // SAFETY: `data` is valid for `data.len()` bytes.
        let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        data = &data[n as usize..];
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

/// Sends one message with descriptors attached (SCM_RIGHTS).
pub fn send_message(sock: &OwnedFd, msg: &Json, fds: &[RawFd]) -> io::Result<()> {
    let body = serde_json::to_vec(msg).map_err(io::Error::other)?;
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
pub fn recv_message(sock: &OwnedFd, deadline: Option<Instant>) -> Result<Json, ReadError> {
    let mut buf = vec![0u8; 1 << 16];
    let n = read_some(sock.as_raw_fd(), &mut buf, deadline)?;
    if n == 0 {
        return Err(ReadError::Eof);
    }
    serde_json::from_slice(&buf[..n]).map_err(|e| ReadError::Protocol(format!("bad JSON: {e}")))
}
