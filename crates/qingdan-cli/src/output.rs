//! Where the command's words go. Standard output may be a pipe whose reader
//! has gone (`qingdan template publish --bundled | head -1`): that ends
//! the output quietly, never the work or the exit status. Times are shown
//! to people in their local time zone (`TZ`); what programs read (JSON,
//! CSV) keeps RFC 3339 UTC, as stored.

use std::fmt;
use std::io::{self, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

/// The reader of standard output has gone: nothing more is written there.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writing to standard output failed otherwise (a full disk): the command
/// fails once it is done.
static FAILED: AtomicBool = AtomicBool::new(false);

/// `print!` to standard output, quiet once its reader has gone.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_fmt(format_args!($($arg)*))
    };
}

/// `println!` to standard output, quiet once its reader has gone.
macro_rules! outln {
    () => {
        $crate::output::write_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!`, ignoring a standard error that cannot be written.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::note(format_args!($($arg)*))
    };
}

pub(crate) use {errln, out, outln};

/// Writes to standard output (see [`write_bytes`]).
pub fn write_fmt(args: fmt::Arguments<'_>) {
    write_bytes(args.to_string().as_bytes());
}

/// Writes to standard output. A reader that has gone ([`closed`]) ends
/// the output; any other failure is said on stderr and fails the command
/// ([`failed`]).
pub fn write_bytes(bytes: &[u8]) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        if reader_gone(&e) {
            CLOSED.store(true, Ordering::Relaxed);
        } else if !FAILED.swap(true, Ordering::Relaxed) {
            note(format_args!("qingdan: cannot write to stdout: {e}"));
        }
    }
}

/// The reader of a pipe has gone: a broken pipe, or on Windows also a
/// pipe no longer connected (ERROR_PIPE_NOT_CONNECTED, 233).
fn reader_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe || (cfg!(windows) && e.raw_os_error() == Some(233))
}

/// A line on standard error.
pub fn note(args: fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{args}");
}

/// Whether the reader of standard output has gone: a listing stops reading
/// the database.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// Whether writing to standard output failed other than by its reader
/// going.
pub fn failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

/// An RFC 3339 time as a person reads it: in the local time zone, to the
/// second, with its offset (`2026-11-30 21:34:28 +08:00` for
/// `2026-11-30T13:34:28.698Z` in Beijing). Text that is not such a time is
/// shown as it is.
pub fn local(time: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(time) {
        Ok(time) => time
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
        Err(_) => time.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_that_is_not_rfc_3339_is_shown_as_it_is() {
        assert_eq!(local("never"), "never");
        assert_eq!(local(""), "");
    }

    #[test]
    fn a_time_keeps_its_instant_in_any_zone() {
        let shown = local("2026-11-30T13:34:28.698Z");
        let back = chrono::DateTime::parse_from_str(&shown, "%Y-%m-%d %H:%M:%S %:z").unwrap();
        assert_eq!(
            back.with_timezone(&chrono::Utc).to_rfc3339(),
            "2026-11-30T13:34:28+00:00"
        );
    }
}
