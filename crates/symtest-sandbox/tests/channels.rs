//! The sandbox against channels a job could open to another job or to the
//! host: System V and POSIX IPC, the host's unix sockets, and the page cache
//! of shared read-only files. Each test asserts the channel is closed and
//! that the pool keeps grading correctly afterwards. These need root.

mod common;

use std::os::unix::net::UnixListener;

use common::*;

/// Each probe (a name and a Python call, evaluated in `f` after `setup`)
/// is refused with EPERM, and the pool grades correctly afterwards.
fn assert_refused(setup: &str, probes: &[(&str, &str)]) {
    let mut src = String::from(
        "import ctypes, mmap, os\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long\ndef f():\n",
    );
    for line in setup.lines() {
        src += &format!("    {line}\n");
    }
    src += "    out = []\n    for name, call in (\n";
    for (name, call) in probes {
        src += &format!("        ({name:?}, lambda: {call}),\n");
    }
    src += "    ):\n        r = call()\n        out.append((name, r, ctypes.get_errno() if r < 0 else 0))\n    return out\n";
    let want: Vec<String> = probes
        .iter()
        .map(|(name, _)| format!("('{name}', -1, 1)"))
        .collect();
    let r = calls(&src, 2000, 3000);
    assert_eq!(
        first_returned(&r),
        format!("[{}]", want.join(", ")),
        "{src}\n{r:?}"
    );
    assert_healthy();
}

#[test]
fn system_v_and_posix_ipc_are_closed() {
    assert_refused(
        "",
        &[
            ("shmget", "libc.shmget(0x5157, 1 << 20, 0o1666)"),
            ("msgget", "libc.msgget(0x5157, 0o1666)"),
            ("semget", "libc.semget(0x5157, 1, 0o1666)"),
            (
                "mq_open",
                r#"libc.mq_open(b"/symtest", os.O_CREAT | os.O_RDWR, 0o600, None)"#,
            ),
        ],
    );
}

/// A channel between samples through the host's page cache: one job reads a
/// page of a shared library file (a bit set), a later job asks whether it is
/// cached. Every call that answers that question directly is refused.
#[test]
fn the_page_cache_cannot_be_asked_what_earlier_jobs_read() {
    let setup = "fd = os.open(os.__file__, os.O_RDONLY)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
page = libc.mmap(None, 4096, mmap.PROT_READ, mmap.MAP_PRIVATE, fd, 0)
vec = ctypes.create_string_buffer(1)
buf = ctypes.create_string_buffer(4096)
iov = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 4096)
cstat = ctypes.create_string_buffer(64)
rng = (ctypes.c_uint64 * 2)(0, 4096)";
    assert_refused(
        setup,
        &[
            (
                "mincore",
                "libc.syscall(27, ctypes.c_void_p(page), ctypes.c_size_t(4096), vec)",
            ),
            // 8: RWF_NOWAIT
            ("preadv2", "libc.syscall(327, fd, iov, 1, 0, 0, 8)"),
            ("cachestat", "libc.syscall(451, fd, rng, cstat, 0)"),
        ],
    );
}

#[test]
fn host_unix_sockets_are_unreachable() {
    let path = std::env::temp_dir().join(format!("symtest-adv-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let name = format!("symtest-adv-{}", std::process::id());
    let abstract_addr = {
        use std::os::linux::net::SocketAddrExt;
        std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).expect("name")
    };
    let abstract_listener = UnixListener::bind_addr(&abstract_addr).expect("bind abstract");
    abstract_listener
        .set_nonblocking(true)
        .expect("nonblocking");
    let src = format!(
        "import socket\ndef f():\n    out = []\n    for addr in ({p:?}, '\\0{name}'):\n        try:\n            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n            s.connect(addr)\n            s.sendall(b'leak')\n            out.append('connected')\n        except OSError as e:\n            out.append(type(e).__name__)\n    return out\n",
        p = path.display().to_string()
    );
    let r = calls(&src, 2000, 3000);
    assert!(!first_returned(&r).contains("connected"), "{r:?}");
    for l in [&listener, &abstract_listener] {
        assert_not_connected(l.accept());
    }
    let _ = std::fs::remove_file(&path);
    assert_healthy();
}
