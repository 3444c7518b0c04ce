//! The protocol fee, in one place: settlement charges it on every payout; the provider
//! daemon, the CLI and the tests predict it with the same arithmetic.

use cosmwasm_std::{Decimal, Uint128};

/// One hundred percent, in basis points: the most any rate in the suite may be.
pub const BPS_DENOMINATOR: u16 = 10_000;

/// Whether `bps` is a rate of at most one hundred percent.
pub fn is_rate(bps: u16) -> bool {
    bps <= BPS_DENOMINATOR
}

/// The protocol fee of a payout of `gross` at `fee_bps`, rounded up: the protocol never
/// loses a fraction, and the fee never exceeds the payout.
pub fn protocol_fee(gross: Uint128, fee_bps: u16) -> Uint128 {
    gross.mul_ceil(Decimal::bps(fee_bps.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_is_rounded_up_and_never_more_than_the_payout() {
        assert_eq!(protocol_fee(Uint128::new(50_000), 100), Uint128::new(500));
        assert_eq!(protocol_fee(Uint128::new(101), 100), Uint128::new(2));
        assert_eq!(protocol_fee(Uint128::new(7), 0), Uint128::zero());
        assert_eq!(
            protocol_fee(Uint128::new(7), BPS_DENOMINATOR),
            Uint128::new(7)
        );
        assert!(is_rate(BPS_DENOMINATOR) && !is_rate(BPS_DENOMINATOR + 1));
    }
}
