//! The figures of contracts v1 (0.1.0), as this report measured them at commit 2826560
//! before the cost redesign: each v2 figure is shown beside the one it replaces.

/// Gas of each operation, `(model, operation, not pinned, pinned)`, by the labels the
/// report used then; an operation that has no row here is new in v2 (sealed offers).
const OPS: [(&str, &str, u64, u64); 31] = [
    ("staking", "register", 137616, 79616),
    ("first_response", "publish", 260770, 149896),
    ("first_response", "commit", 238077, 121972),
    ("first_response", "reveal (win, pays)", 378240, 201358),
    (
        "first_response",
        "finalize (expire, slash 1)",
        349584,
        172926,
    ),
    ("first_response", "cancel", 221350, 102737),
    ("manual_confirmation", "publish", 262782, 146618),
    ("manual_confirmation", "commit (with price)", 239687, 123611),
    ("manual_confirmation", "reveal", 146139, 88062),
    ("manual_confirmation", "confirm (pays)", 411290, 234526),
    (
        "manual_confirmation",
        "finalize (auto-confirm, pays)",
        372536,
        195806,
    ),
    ("first_response, hash_search", "publish", 248191, 132026),
    ("first_response, hash_search", "commit", 238213, 122136),
    (
        "first_response, hash_search",
        "reveal (win, pays)",
        377949,
        201167,
    ),
    ("sealed_bid_auction", "publish", 262171, 146007),
    ("sealed_bid_auction", "bid (commit)", 240130, 124053),
    ("sealed_bid_auction", "reveal bid", 135166, 77088),
    (
        "sealed_bid_auction",
        "reveal last bid (awards)",
        261528,
        145410,
    ),
    ("sealed_bid_auction", "deliver: commit", 115462, 57446),
    (
        "sealed_bid_auction",
        "deliver: reveal (pays)",
        396236,
        219479,
    ),
    ("consensus", "publish", 262000, 145836),
    ("consensus", "join (commit)", 239997, 123921),
    ("consensus", "reveal", 143152, 85074),
    ("consensus", "reveal last (tallies, pays)", 439621, 262765),
    (
        "first_response, disputable",
        "publish (with terms)",
        266736,
        150601,
    ),
    ("first_response, disputable", "commit", 238213, 122136),
    (
        "first_response, disputable",
        "reveal (win, pays, keeps collateral)",
        292630,
        173819,
    ),
    (
        "first_response, disputable",
        "dispute (bond, opens the round)",
        280691,
        164517,
    ),
    ("first_response, disputable", "round: join", 242120, 126112),
    (
        "first_response, disputable",
        "round: reveal (tallies, upholds)",
        497748,
        263036,
    ),
    (
        "first_response, disputable",
        "close dispute window (releases)",
        214071,
        98071,
    ),
];

/// Tasks settled per second, 8 providers, on the same 2-core machine.
pub const THROUGHPUT: f64 = 214.0;

/// Optimized wasm bytes of each contract.
const SIZES: [(&str, u64); 3] = [
    ("ogpu_task_registry.wasm", 543_000),
    ("ogpu_provider_staking.wasm", 307_000),
    ("ogpu_settlement.wasm", 269_000),
];

/// v1's `(not pinned, pinned)` gas of `op` of `model`.
pub fn gas(model: &str, op: &str) -> Option<(u64, u64)> {
    OPS.iter()
        .find(|(m, o, _, _)| *m == model && *o == op)
        .map(|(_, _, unpinned, pinned)| (*unpinned, *pinned))
}

/// v1's size of the artifact `name`.
pub fn size(name: &str) -> Option<u64> {
    SIZES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}
