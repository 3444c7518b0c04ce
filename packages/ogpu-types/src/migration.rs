//! Which deployed versions a contract's `migrate` accepts.

/// The first release (`major.minor`) with the contracts-v2 storage layout: the registry
/// keeps the collateral ledger and settlement records an escrow when its task ends.
pub const FIRST_V2: (u64, u64) = (0, 2);

/// Whether this code can take over state that version `major.minor` wrote. Older state is
/// refused until `ogpu-upgrade-v2` has converted it (docs/upgrade.md): v2 code over v1
/// storage would lose the locks staking held and count open escrows as closed.
pub fn readable(major: u64, minor: u64) -> bool {
    (major, minor) >= FIRST_V2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_state_is_refused_and_v2_state_taken_over() {
        assert!(!readable(0, 1));
        assert!(readable(0, 2));
        assert!(readable(0, 3));
        assert!(readable(1, 0));
    }
}
