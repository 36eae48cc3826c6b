//! What the server backends (PostgreSQL, MySQL) share.

/// A refused or failed connection in a few words.
pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::ConnectionRefused => "connection refused".into(),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => "timed out".into(),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof => {
            "the server closed the connection".into()
        }
        ErrorKind::NotFound => "no such host or socket".into(),
        _ => err.to_string(),
    }
}
