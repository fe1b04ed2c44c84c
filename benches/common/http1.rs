//! A keep-alive HTTP/1.1 GET client over one TCP connection, for the load bench's FHIR rows:
//! it writes a request and reads the response's head and `Content-Length` body, nothing more
//! (the server always sends a length). Bench code: no chunked bodies, no redirects, no TLS.
//! It reads and writes through `readable`/`try_read` so that tokio needs no `io-util`.

use std::net::SocketAddr;

use tokio::net::TcpStream;

/// One connection to the HTTP port, reused call after call.
pub struct Http1 {
    stream: TcpStream,
    buffer: Vec<u8>,
}

/// A response: its status and body.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Http1 {
    pub async fn connect(address: SocketAddr) -> std::io::Result<Http1> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Http1 { stream, buffer: Vec::with_capacity(16 * 1024) })
    }

    /// `GET target`; the response read in full.
    pub async fn get(&mut self, target: &str) -> std::io::Result<Reply> {
        let request = format!("GET {target} HTTP/1.1\r\nHost: codify\r\nAccept: application/fhir+json\r\n\r\n");
        let mut unsent = request.as_bytes();
        while !unsent.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(unsent) {
                Ok(written) => unsent = &unsent[written..],
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(error) => return Err(error),
            }
        }
        self.buffer.clear();
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at + 4;
            }
            self.read_more().await?;
        };
        let head = std::str::from_utf8(&self.buffer[..head_end]).map_err(invalid)?;
        let status: u16 = head.get(9..12).and_then(|code| code.parse().ok()).ok_or_else(|| invalid("status line"))?;
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok()).flatten()
            })
            .ok_or_else(|| invalid("no content-length"))?;
        while self.buffer.len() < head_end + length {
            self.read_more().await?;
        }
        let body = self.buffer[head_end..head_end + length].to_vec();
        Ok(Reply { status, body })
    }

    async fn read_more(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            self.stream.readable().await?;
            match self.stream.try_read(&mut chunk) {
                Ok(0) => return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed")),
                Ok(read) => {
                    self.buffer.extend_from_slice(&chunk[..read]);
                    return Ok(());
                }
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(error) => return Err(error),
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn invalid(reason: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, reason.to_string())
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters kept).
pub fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
