// SPDX-License-Identifier: GPL-2.0
//! Errors and exit codes.
//!
//! Every failure ends in one line on stderr, `ferctl: <what failed>:
//! <strerror-like message>[: <extack message>]`, and an exit code:
//! [`EXIT_FAILURE`] for an operation that failed, [`EXIT_USAGE`] for a
//! command line that could not be understood.

use std::fmt;

/// Exit code of a failed operation.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code of a command line that could not be parsed.
pub const EXIT_USAGE: i32 = 2;

/// What went wrong below the command line: talking to the kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NlError {
    /// The kernel answered with a negative errno, with the extended ACK
    /// message when there was one.
    Errno {
        /// Positive errno value.
        errno: i32,
        /// `NLMSGERR_ATTR_MSG` of the ACK.
        extack: Option<String>,
    },
    /// The generic netlink family is not registered.
    FamilyNotFound,
    /// The kernel sent something this ferctl cannot decode.
    Malformed(String),
    /// Socket or library failure.
    Io(String),
}

impl fmt::Display for NlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NlError::Errno { errno, extack } => {
                f.write_str(&strerror(*errno))?;
                match extack {
                    Some(msg) if !msg.is_empty() => write!(f, ": {msg}"),
                    _ => Ok(()),
                }
            }
            NlError::FamilyNotFound => write!(
                f,
                "ferroute module not loaded (generic netlink family '{}' not found)",
                crate::proto::FAMILY_NAME
            ),
            NlError::Malformed(what) => write!(f, "malformed reply from kernel: {what}"),
            NlError::Io(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for NlError {}

/// A failure of ferctl as a whole, ready to be printed.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// Bad command line; the message says what was wrong.
    Usage(String),
    /// An operation failed; `what` names it ("port add veth1").
    Op {
        /// The operation, as the user would name it.
        what: String,
        /// Why it failed.
        cause: NlError,
    },
    /// Writing the output failed (a full disk).
    Output(String),
    /// The reader of the output went away (a closed pipe): end quietly.
    OutputClosed,
    /// Reading a batch file failed.
    Input(String),
    /// Line `line` of a batch file failed.
    Line {
        /// 1-based line number.
        line: usize,
        /// What went wrong on it.
        error: Box<Error>,
    },
}

impl Error {
    /// Process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => EXIT_USAGE,
            // A batch stops at its first failure, bad syntax included,
            // with 1 as iproute2's `ip -batch`.
            Error::Op { .. }
            | Error::Output(_)
            | Error::OutputClosed
            | Error::Input(_)
            | Error::Line { .. } => EXIT_FAILURE,
        }
    }

    /// Wrap a netlink failure with the name of the operation.
    pub fn op(what: impl Into<String>, cause: NlError) -> Self {
        Error::Op {
            what: what.into(),
            cause,
        }
    }

    /// Attach a batch line number (not to a closed output: that is not the
    /// line's fault).
    pub fn at_line(self, line: usize) -> Self {
        match self {
            Error::OutputClosed => self,
            error => Error::Line {
                line,
                error: Box::new(error),
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(msg) => write!(f, "{msg}"),
            // The missing module is the whole story; which command hit it
            // does not matter.
            Error::Op {
                cause: NlError::FamilyNotFound,
                ..
            } => write!(f, "{}", NlError::FamilyNotFound),
            Error::Op { what, cause } => write!(f, "{what}: {cause}"),
            Error::Output(msg) => write!(f, "writing output: {msg}"),
            Error::OutputClosed => f.write_str("output closed"),
            Error::Input(msg) => f.write_str(msg),
            Error::Line { line, error } => write!(f, "line {line}: {error}"),
        }
    }
}

impl std::error::Error for Error {}

/// The C library's message for an errno ("Operation not permitted"),
/// without Rust's " (os error N)" suffix.
pub fn strerror(errno: i32) -> String {
    let full = std::io::Error::from_raw_os_error(errno).to_string();
    match full.rfind(" (os error ") {
        Some(pos) => full[..pos].to_string(),
        None => full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eperm_reads_like_strerror() {
        assert_eq!(strerror(1), "Operation not permitted");
        let e = Error::op(
            "port add veth1",
            NlError::Errno {
                errno: 1,
                extack: None,
            },
        );
        assert_eq!(e.to_string(), "port add veth1: Operation not permitted");
        assert_eq!(e.exit_code(), EXIT_FAILURE);
    }

    #[test]
    fn extack_is_appended() {
        let e = Error::op(
            "addr add 10.1.0.1/24 dev fer1",
            NlError::Errno {
                errno: 17,
                extack: Some("address already configured".into()),
            },
        );
        assert_eq!(
            e.to_string(),
            "addr add 10.1.0.1/24 dev fer1: File exists: address already configured"
        );
    }

    #[test]
    fn family_not_found_is_one_clear_message() {
        let e = Error::op("port list", NlError::FamilyNotFound);
        assert_eq!(
            e.to_string(),
            "ferroute module not loaded (generic netlink family 'ferroute' not found)"
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn usage_exit_code() {
        assert_eq!(Error::Usage("x".into()).exit_code(), EXIT_USAGE);
    }

    #[test]
    fn batch_line_errors_exit_1() {
        let e = Error::Usage("route add: unknown keyword \"x\"".into()).at_line(17);
        assert_eq!(e.to_string(), "line 17: route add: unknown keyword \"x\"");
        assert_eq!(e.exit_code(), EXIT_FAILURE);
        assert_eq!(Error::OutputClosed.at_line(3), Error::OutputClosed);
    }
}
