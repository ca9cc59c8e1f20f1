//! Standard output for the commands that print: checked before the work (a closed
//! descriptor would swallow every write), buffered, flushed, and every failure told apart: a
//! reader that went away (`| head`) is a normal end, a full disk an error.

/// Why standard output could not take what a command prints.
#[derive(Debug)]
pub enum StdoutError {
    /// Closed before Parapet started (`>&-`): the standard library would swallow every write.
    Closed,
    /// The reader went away (`| head`): a normal end, not an error.
    ReaderGone,
    /// Anything else (a full disk, an I/O error).
    Failed(std::io::Error),
}

impl std::fmt::Display for StdoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StdoutError::Closed => f.write_str(
                "standard output is closed: nothing would receive the output (use --output FILE \
                 where the command has it, or redirect to a file)",
            ),
            StdoutError::ReaderGone => f.write_str("the reader closed standard output"),
            StdoutError::Failed(e) => write!(f, "cannot write to standard output: {e}"),
        }
    }
}

impl std::error::Error for StdoutError {}

/// Whether standard output was open when Parapet started. A program started with it closed
/// (`>&-`) finds /dev/null there instead: Rust's start-up code opens /dev/null read-write on
/// every closed standard descriptor, and every write then "succeeds", so a command would
/// claim output it never wrote. A shell's own `> /dev/null` opens it write-only, so what
/// tells them apart is /dev/null opened read-write (a terminal is read-write too, but is not
/// the null device).
pub fn stdout_is_open() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: F_GETFL and fstat only read descriptor 1's flags and status.
        let (flags, st) = unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            let flags = libc::fcntl(1, libc::F_GETFL);
            if flags == -1 || libc::fstat(1, &mut st) != 0 {
                return false;
            }
            (flags, st)
        };
        let is_null = st.st_mode & libc::S_IFMT == libc::S_IFCHR
            && std::fs::metadata("/dev/null").is_ok_and(|m| m.rdev() == st.st_rdev);
        !(is_null && flags & libc::O_ACCMODE == libc::O_RDWR)
    }
    #[cfg(not(unix))]
    true
}

/// Checks that standard output can be written at all, before the work that fills it.
pub fn require_stdout() -> Result<(), StdoutError> {
    if stdout_is_open() {
        Ok(())
    } else {
        Err(StdoutError::Closed)
    }
}

/// Writes to standard output through `write`, buffered and flushed: a closed pipe is
/// [`StdoutError::ReaderGone`], any other failure [`StdoutError::Failed`].
pub fn to_stdout(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), StdoutError> {
    require_stdout()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| std::io::Write::flush(&mut out))
        .map_err(stdout_error)
}

/// Classifies a failed write to standard output: a broken pipe anywhere in the error's
/// chain (a CSV or JSON writer wraps the I/O error it met) is the reader going away.
pub fn stdout_error(e: std::io::Error) -> StdoutError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return StdoutError::ReaderGone;
            }
            if let Some(inner) = io.get_ref() {
                cause = Some(inner);
                continue;
            }
        }
        cause = c.source();
    }
    StdoutError::Failed(e)
}
