//! Building ABCI events as the SDK emits them (every attribute indexed).

use tendermint::abci::{Event, EventAttribute};

/// An event with indexed attributes.
pub fn event<K: Into<String>, V: Into<String>>(
    kind: impl Into<String>,
    attributes: impl IntoIterator<Item = (K, V)>,
) -> Event {
    Event::new(kind, attributes.into_iter().map(|(k, v)| (k, v, true)))
}

/// Appends `msg_index` to each event, as SDK 0.50 does for the events of every message.
pub fn with_msg_index(events: Vec<Event>, index: usize) -> Vec<Event> {
    events
        .into_iter()
        .map(|mut event| {
            event
                .attributes
                .push(EventAttribute::from(("msg_index", index.to_string(), true)));
            event
        })
        .collect()
}

/// Coins in the SDK's string form: `10ustake,3uatom`.
pub fn coins_string(coins: &[cosmwasm_std::Coin]) -> String {
    coins
        .iter()
        .map(|c| format!("{}{}", c.amount, c.denom))
        .collect::<Vec<_>>()
        .join(",")
}
