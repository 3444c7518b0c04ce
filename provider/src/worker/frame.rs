//! The worker protocol's framing: a JSON header (`u32` big-endian length, then the JSON),
//! then a body of raw bytes (`u64` big-endian length, then the bytes). Results travel as
//! the body, so megabytes of output are not blown up into JSON arrays.

use std::io::{self, Read, Write};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Largest header accepted: a job with every inline input at its hard cap fits easily.
const MAX_HEADER: u32 = 64 << 20;
/// Largest body accepted: the executor's largest sum of buffers (`max_total_bytes`).
const MAX_BODY: u64 = 1 << 30;

/// Writes one frame and flushes it.
pub(crate) fn write(out: &mut impl Write, header: &impl Serialize, body: &[u8]) -> io::Result<()> {
    let header = serde_json::to_vec(header).map_err(io::Error::other)?;
    let len = u32::try_from(header.len())
        .ok()
        .filter(|n| *n <= MAX_HEADER)
        .ok_or_else(|| io::Error::other("frame header too large"))?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(&header)?;
    out.write_all(&(body.len() as u64).to_be_bytes())?;
    out.write_all(body)?;
    out.flush()
}

/// Reads one frame; `None` when the other side closed the stream between frames.
pub(crate) fn read<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<(T, Vec<u8>)>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let len = u32::from_be_bytes(len);
    if len > MAX_HEADER {
        return Err(io::Error::other(format!("frame header of {len} bytes")));
    }
    let mut header = vec![0u8; len as usize];
    input.read_exact(&mut header)?;
    let header = serde_json::from_slice(&header).map_err(io::Error::other)?;
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    let len = u64::from_be_bytes(len);
    if len > MAX_BODY {
        return Err(io::Error::other(format!("frame body of {len} bytes")));
    }
    let mut body = vec![0u8; len as usize];
    input.read_exact(&mut body)?;
    Ok(Some((header, body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_a_closed_stream_ends_cleanly() {
        let mut wire = Vec::new();
        write(&mut wire, &("hello", 7u32), b"body bytes").unwrap();
        write(&mut wire, &("empty", 0u32), b"").unwrap();
        let mut reader = wire.as_slice();
        let first: Option<((String, u32), Vec<u8>)> = read(&mut reader).unwrap();
        assert_eq!(first, Some((("hello".into(), 7), b"body bytes".to_vec())));
        let second: Option<((String, u32), Vec<u8>)> = read(&mut reader).unwrap();
        assert_eq!(second, Some((("empty".into(), 0), vec![])));
        assert!(read::<(String, u32)>(&mut reader).unwrap().is_none());
        let truncated = &wire[..6];
        assert!(read::<(String, u32)>(&mut &truncated[..]).is_err());
    }
}
