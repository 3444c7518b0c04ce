//! The one gas rule of every transaction this workspace sends: a limit is the simulated gas
//! times a factor (the CLI's `gas_adjustment`, the provider's margin), or a fixed number,
//! and a limit above the configured `max_gas` is refused, never cut down to it: a cut
//! limit runs out of gas in its block, and the fee is paid all the same.

use crate::error::{ClientError, ClientResult};

/// How much gas a transaction may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gas {
    /// Simulate, multiply by the configured adjustment; refused above the configured maximum.
    Auto,
    /// Exactly this; refused above the configured maximum.
    Fixed(u64),
}

impl std::str::FromStr for Gas {
    type Err = ClientError;

    fn from_str(s: &str) -> ClientResult<Self> {
        if s == "auto" {
            return Ok(Self::Auto);
        }
        s.parse()
            .map(Self::Fixed)
            .map_err(|_| ClientError::Config(format!("--gas {s:?}: a number or `auto`")))
    }
}

/// `simulated` × `factor`, rounded up: simulation runs against the last block, and the
/// state the transaction meets in the next one may cost a little more.
pub fn adjusted(simulated: u64, factor: f64) -> u64 {
    (simulated as f64 * factor).ceil() as u64
}

/// `gas` when it is at most `max_gas`, else [`ClientError::GasAboveMax`].
pub fn within(gas: u64, max_gas: u64) -> ClientResult<u64> {
    if gas > max_gas {
        return Err(ClientError::GasAboveMax { gas, max_gas });
    }
    Ok(gas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_above_the_maximum_is_refused_not_cut() {
        assert_eq!(adjusted(100_000, 1.4), 140_000);
        assert_eq!(adjusted(3, 1.5), 5, "rounded up");
        assert_eq!(within(140_000, 140_000).unwrap(), 140_000);
        let err = within(140_001, 140_000).unwrap_err();
        assert!(matches!(
            err,
            ClientError::GasAboveMax {
                gas: 140_001,
                max_gas: 140_000
            }
        ));
        let text = err.to_string();
        for needed in ["140001", "140000", "max_gas", "nothing was sent"] {
            assert!(text.contains(needed), "{text}");
        }
        assert_eq!("auto".parse::<Gas>().unwrap(), Gas::Auto);
        assert_eq!("250000".parse::<Gas>().unwrap(), Gas::Fixed(250_000));
        assert!("lots".parse::<Gas>().is_err());
    }
}
