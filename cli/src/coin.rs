//! Amounts on the command line: `1000ustake` (amount and SDK denom), or a bare `1000` where
//! the denom is implied.

use ogpu_types::AssetInfo;

use crate::error::{CliError, CliResult};

/// An amount with an optional denom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub amount: u128,
    pub denom: Option<String>,
}

/// The Cosmos SDK's denom rule: a letter, then 2 to 127 of `[a-zA-Z0-9/:._-]`.
pub fn valid_denom(denom: &str) -> bool {
    let mut chars = denom.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && (3..=128).contains(&denom.len())
        && chars.all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
}

/// Parses `1000ustake` or `1000`; `what` names the flag in errors.
pub fn parse(what: &str, text: &str) -> CliResult<Amount> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, denom) = text.split_at(split);
    if digits.is_empty() {
        return Err(CliError::usage(
            format!("{what} {text:?} does not start with an amount"),
            "write it like 1000ustake",
        ));
    }
    let amount = digits.parse::<u128>().map_err(|_| {
        CliError::usage(
            format!("{what} {text:?}: the amount is too large"),
            "use a smaller amount",
        )
    })?;
    if denom.starts_with(['.', ',']) {
        return Err(CliError::usage(
            format!("{what} {text:?} is not a whole number"),
            "give the amount in the denom's smallest unit, e.g. 1500000uatom for 1.5 atom",
        ));
    }
    if denom.is_empty() {
        return Ok(Amount {
            amount,
            denom: None,
        });
    }
    if !valid_denom(denom) {
        return Err(CliError::usage(
            format!("{what} {text:?}: {denom:?} is not a valid denom"),
            "a denom is a letter then 2 to 127 letters, digits or /:._- (e.g. 1000ustake)",
        ));
    }
    Ok(Amount {
        amount,
        denom: Some(denom.to_string()),
    })
}

/// Parses an amount that must be in `denom` (or bare, meaning `denom`).
pub fn parse_in(what: &str, text: &str, denom: &str) -> CliResult<u128> {
    let parsed = parse(what, text)?;
    match parsed.denom {
        Some(given) if given != denom => Err(CliError::usage(
            format!("{what} {text:?} is in {given}, but it must be in {denom}"),
            format!("give it in {denom}, e.g. {}{denom}", parsed.amount),
        )),
        _ => Ok(parsed.amount),
    }
}

/// Parses an amount of a reward asset: in a native coin's denom (or bare, meaning it), or a
/// bare amount of a cw20 token.
pub fn parse_asset(what: &str, text: &str, asset: &AssetInfo) -> CliResult<u128> {
    match asset {
        AssetInfo::Native { denom } => parse_in(what, text, denom),
        AssetInfo::Cw20 { .. } => match parse(what, text)? {
            Amount {
                amount,
                denom: None,
            } => Ok(amount),
            Amount {
                denom: Some(denom), ..
            } => Err(CliError::usage(
                format!("{what} {text:?} has a denom ({denom}) but the reward is a cw20 token"),
                format!("give a bare amount of the token, e.g. {what} 5000"),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse() {
        assert_eq!(
            parse("--reward", "1000ustake").unwrap(),
            Amount {
                amount: 1000,
                denom: Some("ustake".into())
            }
        );
        assert_eq!(
            parse("--reward", "7").unwrap(),
            Amount {
                amount: 7,
                denom: None
            }
        );
        assert!(parse("--reward", "ustake")
            .unwrap_err()
            .message
            .contains("does not start"));
        assert!(parse("--reward", "10u$")
            .unwrap_err()
            .message
            .contains("not a valid denom"));
        assert!(parse("--reward", "10ab").is_err());
        assert!(parse("--reward", "1.5ustake")
            .unwrap_err()
            .message
            .contains("not a whole number"));
        assert!(parse(
            "--reward",
            "10ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"
        )
        .is_ok());
        assert_eq!(parse_in("--stake", "5", "ustake").unwrap(), 5);
        assert!(parse_in("--stake", "5uatom", "ustake")
            .unwrap_err()
            .message
            .contains("must be in ustake"));
        let token = AssetInfo::cw20("wasm1token");
        assert_eq!(parse_asset("--price", "5", &token).unwrap(), 5);
        assert!(parse_asset("--price", "5ustake", &token)
            .unwrap_err()
            .message
            .contains("the reward is a cw20 token"));
        assert_eq!(
            parse_asset("--price", "5ustake", &AssetInfo::native("ustake")).unwrap(),
            5
        );
    }
}
