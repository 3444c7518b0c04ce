//! `--node`: a CometBFT RPC URL. wasmd writes it `tcp://host:port` (CometBFT's own
//! spelling, which its clients speak HTTP to), so `tcp://` means `http://` here too.

use crate::error::{CliError, CliResult};

/// The node's URL as the RPC client takes it (`http://` or `https://`), or what is wrong
/// with it.
pub fn normalize(text: &str) -> CliResult<String> {
    let fix = "write it like http://127.0.0.1:26657, https://rpc.example.com or tcp://host:26657";
    let bad = |why: String| CliError::usage(format!("node {text:?} {why}"), fix);
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(bad("has no scheme".into()));
    };
    let scheme = match scheme {
        "http" | "tcp" => "http",
        "https" => "https",
        other => {
            return Err(bad(format!(
                "has scheme {other}: ogpu speaks HTTP to CometBFT RPC (http, https or tcp)"
            )))
        }
    };
    let url = format!("{scheme}://{rest}");
    let parsed = reqwest::Url::parse(&url).map_err(|e| bad(format!("is not a URL ({e})")))?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host".into()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn tcp_means_http_and_bad_urls_are_explained() {
        assert_eq!(
            normalize("tcp://127.0.0.1:26657").unwrap(),
            "http://127.0.0.1:26657"
        );
        assert_eq!(
            normalize("https://rpc.example.com").unwrap(),
            "https://rpc.example.com"
        );
        for (text, needle) in [
            ("localhost:26657", "has no scheme"),
            ("ws://x:1/websocket", "has scheme ws"),
            ("http://", "host"),
            ("http://x:99999", "is not a URL (invalid port number)"),
        ] {
            let err = normalize(text).unwrap_err();
            assert!(err.message.contains(needle), "{text}: {}", err.message);
        }
    }
}
