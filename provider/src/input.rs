//! Fetching a job's bytes: inline payloads directly, references through an [`InputSource`]
//! the daemon provides (HTTP, a local blob store…). Whatever the source, every referenced
//! byte string is checked here against the size and SHA-256 the task published, so a
//! source need not be trusted.

use cosmwasm_std::HexBinary;
use ogpu_types::commitment::sha256;
use ogpu_types::{KernelSource, Payload};

use crate::error::ExecError;

/// Where bytes given by reference (`uri`) come from.
pub trait InputSource {
    /// The bytes at `uri`. The caller accepts at most `max_bytes`, so a source should stop
    /// reading beyond that; it need not check the content.
    fn fetch(&self, uri: &str, max_bytes: u64) -> Result<Vec<u8>, String>;
}

/// The source for jobs that are entirely inline: it refuses every reference.
#[derive(Debug, Clone, Copy, Default)]
pub struct InlineOnly;

impl InputSource for InlineOnly {
    fn fetch(&self, uri: &str, _max_bytes: u64) -> Result<Vec<u8>, String> {
        Err(format!("{uri}: this provider only takes inline inputs"))
    }
}

/// The bytes of an input buffer.
pub(crate) fn payload(payload: &Payload, source: &dyn InputSource) -> Result<Vec<u8>, ExecError> {
    match payload {
        Payload::Inline { data } => Ok(data.to_vec()),
        Payload::Reference { uri, sha256, size } => {
            let bytes = fetch_checked(uri, sha256, size.u64(), source)?;
            if bytes.len() as u64 != size.u64() {
                return Err(ExecError::Input(format!(
                    "{uri}: {} bytes, the task says {size}",
                    bytes.len()
                )));
            }
            Ok(bytes)
        }
    }
}

/// The kernel's OpenCL C source text, at most `max_bytes` when referenced.
pub(crate) fn kernel_source(
    kernel: &KernelSource,
    max_bytes: u64,
    source: &dyn InputSource,
) -> Result<String, ExecError> {
    match kernel {
        KernelSource::Inline { source } => Ok(source.clone()),
        KernelSource::Reference { uri, sha256 } => {
            let bytes = fetch_checked(uri, sha256, max_bytes, source)?;
            String::from_utf8(bytes)
                .map_err(|_| ExecError::Input(format!("{uri}: kernel source is not UTF-8")))
        }
    }
}

/// Fetches `uri` and checks its length bound and digest.
fn fetch_checked(
    uri: &str,
    expected: &HexBinary,
    max_bytes: u64,
    source: &dyn InputSource,
) -> Result<Vec<u8>, ExecError> {
    let bytes = source
        .fetch(uri, max_bytes)
        .map_err(|err| ExecError::Input(format!("{uri}: {err}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(ExecError::Input(format!(
            "{uri}: more than {max_bytes} bytes"
        )));
    }
    let digest = sha256(&bytes);
    if digest.as_slice() != expected.as_slice() {
        return Err(ExecError::Input(format!(
            "{uri}: sha256 {} does not match the task's {expected}",
            HexBinary::from(digest)
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Binary, Uint64};
    use std::collections::HashMap;

    /// A source serving fixed bytes per URI.
    struct Blobs(HashMap<&'static str, Vec<u8>>);

    impl InputSource for Blobs {
        fn fetch(&self, uri: &str, _max_bytes: u64) -> Result<Vec<u8>, String> {
            self.0.get(uri).cloned().ok_or_else(|| "404".to_string())
        }
    }

    fn blobs() -> Blobs {
        Blobs(HashMap::from([
            ("blob://data", b"data".to_vec()),
            ("blob://kernel", b"__kernel void k() {}".to_vec()),
            ("blob://latin1", vec![0xe9]),
        ]))
    }

    fn reference(uri: &str, bytes: &[u8], size: u64) -> Payload {
        Payload::Reference {
            uri: uri.into(),
            sha256: HexBinary::from(sha256(bytes)),
            size: Uint64::new(size),
        }
    }

    fn input_error(result: Result<impl std::fmt::Debug, ExecError>, reason: &str) {
        match result {
            Err(ExecError::Input(got)) => assert!(got.contains(reason), "{got}"),
            other => panic!("expected Input({reason}), got {other:?}"),
        }
    }

    #[test]
    fn inline_payloads_need_no_source() {
        let inline = Payload::Inline {
            data: Binary::from(b"abc".to_vec()),
        };
        assert_eq!(payload(&inline, &InlineOnly).unwrap(), b"abc");
    }

    #[test]
    fn references_are_checked_for_digest_and_size() {
        let good = reference("blob://data", b"data", 4);
        assert_eq!(payload(&good, &blobs()).unwrap(), b"data");
        input_error(payload(&good, &InlineOnly), "only takes inline inputs");
        input_error(
            payload(&reference("blob://data", b"date", 4), &blobs()),
            "does not match",
        );
        input_error(
            payload(&reference("blob://data", b"data", 5), &blobs()),
            "4 bytes, the task says 5",
        );
        input_error(
            payload(&reference("blob://data", b"data", 3), &blobs()),
            "more than 3 bytes",
        );
        input_error(
            payload(&reference("blob://gone", b"data", 4), &blobs()),
            "blob://gone: 404",
        );
    }

    #[test]
    fn referenced_kernels_are_checked_and_must_be_text() {
        let text = b"__kernel void k() {}";
        let kernel = KernelSource::Reference {
            uri: "blob://kernel".into(),
            sha256: HexBinary::from(sha256(text)),
        };
        assert_eq!(
            kernel_source(&kernel, 1024, &blobs()).unwrap().as_bytes(),
            text
        );
        let latin1 = KernelSource::Reference {
            uri: "blob://latin1".into(),
            sha256: HexBinary::from(sha256(&[0xe9])),
        };
        input_error(kernel_source(&latin1, 1024, &blobs()), "not UTF-8");
    }
}
