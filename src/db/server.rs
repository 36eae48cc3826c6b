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

/// `%2F` → `/`, as in a URL's query; anything else is kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Refuses a server URL whose host is missing or whose port is not one,
/// naming what is wrong, before the driver's own words ("invalid
/// connection string"). `what` is "PostgreSQL" or "MySQL"; a URL that
/// names its host in the query (`?host=/run/postgresql`) is left to the
/// driver.
pub fn check_authority(url: &str, what: &str) -> Result<(), String> {
    let Some((_, rest)) = url.split_once("://") else {
        return Ok(());
    };
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = before_query.split('/').next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let in_query = query.split('&').any(|pair| {
        pair.starts_with("host=") || pair.starts_with("hostaddr=") || pair.starts_with("socket=")
    });
    for server in host_port.split(',') {
        // An IPv6 address is bracketed: its colons are not the port's.
        let (host, port) = match server.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => (host, Some(port)),
            _ => (server, None),
        };
        if host.is_empty() && !in_query {
            return Err(format!(
                "invalid {what} URL: no host; write it after the @ (…@localhost/db)"
            ));
        }
        if let Some(port) = port
            && !port.parse::<u16>().is_ok_and(|port| port > 0)
        {
            // Digits are safe to repeat; anything else may be a misplaced secret.
            let shown = if port.bytes().all(|b| b.is_ascii_digit()) {
                format!("port {port}")
            } else {
                "the port".to_owned()
            };
            return Err(format!(
                "invalid {what} URL: {shown} is not a port (1 to 65535)"
            ));
        }
    }
    Ok(())
}
