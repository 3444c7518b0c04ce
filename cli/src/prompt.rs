//! Questions to the user: passphrases and mnemonics (hidden on a terminal, one line of stdin
//! otherwise, so scripts can pipe them in) and yes/no confirmations.

use std::io::{BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

use crate::error::{CliError, CliResult};

/// A passphrase or mnemonic, wiped from memory when dropped.
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a person is at the keyboard (stdin is a terminal).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks for a secret: hidden input on a terminal, else the next line of stdin. `what`
/// names it in the error when stdin has no line, `fix` says how else to give it.
pub fn secret(question: &str, what: &str, fix: &str) -> CliResult<Secret> {
    let mut value = if interactive() {
        rpassword::prompt_password(question).map_err(|e| {
            CliError::usage(format!("cannot read {what} from the terminal ({e})"), fix)
        })?
    } else {
        read_line().ok_or_else(|| CliError::usage(format!("no {what} on stdin"), fix))?
    };
    let len = value.trim_end_matches(['\r', '\n']).len();
    value.truncate(len);
    Ok(Secret::new(value))
}

/// Asks a yes/no question on stderr; only `y` or `yes` is yes.
pub fn confirm(question: &str) -> CliResult<bool> {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{question} [y/N]: ").and_then(|()| stderr.flush());
    drop(stderr);
    let answer = read_line().unwrap_or_default();
    if !interactive() {
        errln!();
    }
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// One line of stdin, `None` at its end.
fn read_line() -> Option<String> {
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line),
    }
}
