//! Deadlines without panics: a window added to a block time, checked.

use cosmwasm_std::{OverflowError, OverflowOperation, Timestamp};

/// `from + seconds`, or an overflow error where `Timestamp::plus_seconds` would panic.
/// Configurations cap every window far below this, so the error is a second line of
/// defence.
pub fn deadline(from: Timestamp, seconds: u64) -> Result<Timestamp, OverflowError> {
    let overflow = || OverflowError::new(OverflowOperation::Add);
    let nanos = seconds.checked_mul(1_000_000_000).ok_or_else(overflow)?;
    from.nanos()
        .checked_add(nanos)
        .map(Timestamp::from_nanos)
        .ok_or_else(overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_seconds_or_reports_overflow() {
        let start = Timestamp::from_seconds(100);
        assert_eq!(deadline(start, 20), Ok(Timestamp::from_seconds(120)));
        assert!(deadline(start, u64::MAX).is_err());
        assert!(deadline(Timestamp::from_nanos(u64::MAX - 5), 1).is_err());
    }
}
