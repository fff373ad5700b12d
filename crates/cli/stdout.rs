//! Writing to stdout without panicking: a closed pipe (`peergen render … | head`) ends
//! the program quietly instead of with a panic message.

use std::io::Write as _;

use crate::exit::Exit;

/// Writes formatted text to stdout; on a closed pipe exits at once, on another error
/// reports it and exits with the I/O error code.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_fmt(args) {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            crate::present::error(&format!("cannot write to stdout: {err}"));
        }
        std::process::exit(Exit::IoError as i32);
    }
}

/// `println!` that never panics.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that never panics.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!($($arg)*))
    };
}
