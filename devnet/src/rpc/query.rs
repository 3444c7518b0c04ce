//! CometBFT's event query language (`tm.event='Tx' AND message.sender='wasm1...'`,
//! `wasm-ogpu_task_published.task_id EXISTS`) and its evaluation against a flattened event
//! map, with CometBFT 0.38's semantics (`libs/pubsub/query`): conditions are joined by AND; a
//! condition holds when any value under its tag satisfies it; numbers compare as numbers.
//!
//! Not `tendermint_rpc::query::Query::from_str`: its grammar refuses `-` in tags, and every
//! CosmWasm event type starts with `wasm-`. `TIME` and `DATE` operands are refused: no event
//! this chain emits carries one.

use std::cmp::Ordering;
use std::ops::RangeInclusive;

use super::events::EventMap;

/// CometBFT's `maxQueryLength` (rpc/core/events.go): bounds what a client makes us parse.
const MAX_QUERY_LEN: usize = 512;

#[derive(Debug)]
pub(crate) struct Query {
    conditions: Vec<Condition>,
}

#[derive(Debug)]
struct Condition {
    tag: String,
    op: Op,
}

#[derive(Debug)]
enum Op {
    Exists,
    Contains(String),
    Equals(String),
    Compare(Compare, Number),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Compare {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Compare {
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Compare::Eq => ordering.is_eq(),
            Compare::Lt => ordering.is_lt(),
            Compare::Le => ordering.is_le(),
            Compare::Gt => ordering.is_gt(),
            Compare::Ge => ordering.is_ge(),
        }
    }
}

/// A number as CometBFT compares them: integers exactly, anything else as a float.
#[derive(Clone, Copy, Debug)]
enum Number {
    Int(i128),
    Float(f64),
}

impl Number {
    /// CometBFT's `parseNumber`: an integer, or else the leading `digits[.digits]` of the
    /// text, so that an amount such as `8stake` is 8.
    fn parse(text: &str) -> Option<Self> {
        if let Ok(int) = text.parse() {
            return Some(Number::Int(int));
        }
        text[..leading_number(text)].parse().ok().map(Number::Float)
    }

    fn compare(self, other: Self) -> Option<Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Number::Int(int) => int as f64,
            Number::Float(float) => float,
        }
    }
}

/// Length of the `digits[.digits]` prefix of `text` (0 when it does not start with a digit).
fn leading_number(text: &str) -> usize {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let whole = digits(text);
    let fraction = match text[whole..].strip_prefix('.').map(digits) {
        Some(n) if whole > 0 && n > 0 => n + 1,
        _ => 0,
    };
    whole + fraction
}

impl Query {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.len() > MAX_QUERY_LEN {
            return Err(format!("query is longer than {MAX_QUERY_LEN} bytes"));
        }
        let mut tokens = tokens(text)?.into_iter();
        let mut conditions = Vec::new();
        loop {
            let tag = match tokens.next() {
                Some(Token::Word(tag)) if !["AND", "EXISTS", "CONTAINS"].contains(&tag) => tag,
                other => return Err(expected("a tag", other)),
            };
            let op = match tokens.next() {
                Some(Token::Word("EXISTS")) => Op::Exists,
                Some(Token::Word("CONTAINS")) => match tokens.next() {
                    Some(Token::Str(text)) => Op::Contains(text.to_owned()),
                    other => return Err(expected("a string after CONTAINS", other)),
                },
                Some(Token::Cmp(compare)) => match tokens.next() {
                    // Hashes are indexed upper-case; CometBFT finds them in any case.
                    Some(Token::Str(text)) if compare == Compare::Eq && tag == "tx.hash" => {
                        Op::Equals(text.to_uppercase())
                    }
                    Some(Token::Str(text)) if compare == Compare::Eq => Op::Equals(text.to_owned()),
                    Some(Token::Num(number)) => Op::Compare(compare, number),
                    other => return Err(expected("a number, or a string after =", other)),
                },
                other => return Err(expected("EXISTS, CONTAINS or a comparison", other)),
            };
            conditions.push(Condition {
                tag: tag.to_owned(),
                op,
            });
            match tokens.next() {
                None => return Ok(Query { conditions }),
                Some(Token::Word("AND")) => {}
                other => return Err(expected("AND", other)),
            }
        }
    }

    /// Whether every condition holds in `events` (`type.key → values`).
    pub fn matches(&self, events: &EventMap) -> bool {
        self.conditions
            .iter()
            .all(|condition| condition.matches(events))
    }

    /// Narrows `heights` by the query's integer conditions on `tx.height`, so that a search
    /// pinned to a height reads one block; `None` when no height satisfies them all.
    pub fn tx_heights(&self, heights: RangeInclusive<u64>) -> Option<RangeInclusive<u64>> {
        let (mut low, mut high) = (i128::from(*heights.start()), i128::from(*heights.end()));
        for condition in self.conditions.iter().filter(|c| c.tag == "tx.height") {
            if let Op::Compare(compare, Number::Int(n)) = condition.op {
                match compare {
                    Compare::Eq => (low, high) = (low.max(n), high.min(n)),
                    Compare::Lt => high = high.min(n.saturating_sub(1)),
                    Compare::Le => high = high.min(n),
                    Compare::Gt => low = low.max(n.saturating_add(1)),
                    Compare::Ge => low = low.max(n),
                }
            }
        }
        // Both bounds stay within the u64 range they started in unless low passed high.
        match (u64::try_from(low), u64::try_from(high)) {
            (Ok(low), Ok(high)) if low <= high => Some(low..=high),
            _ => None,
        }
    }

    /// The hash a `tx.hash = '...'` condition names (upper-case hex), for a direct lookup.
    pub fn tx_hash(&self) -> Option<&str> {
        self.conditions
            .iter()
            .find_map(|condition| match &condition.op {
                Op::Equals(hash) if condition.tag == "tx.hash" => Some(hash.as_str()),
                _ => None,
            })
    }
}

impl Condition {
    /// CometBFT's `condition.matchesAny`: a value under the tag satisfies the operator, or the
    /// tag names an event type (no attribute key) and the operator accepts "".
    fn matches(&self, events: &EventMap) -> bool {
        let by_value = events
            .get(&self.tag)
            .is_some_and(|values| values.iter().any(|value| self.op.accepts(value)));
        by_value || (names_event_type(events, &self.tag) && self.op.accepts(""))
    }
}

fn names_event_type(events: &EventMap, tag: &str) -> bool {
    events
        .keys()
        .any(|key| key.rsplit_once('.').is_some_and(|(kind, _)| kind == tag))
}

impl Op {
    fn accepts(&self, value: &str) -> bool {
        match self {
            Op::Exists => true,
            Op::Contains(part) => value.contains(part.as_str()),
            Op::Equals(text) => value == text,
            Op::Compare(compare, number) => Number::parse(value)
                .and_then(|value| value.compare(*number))
                .is_some_and(|ordering| compare.holds(ordering)),
        }
    }
}

#[derive(Debug)]
enum Token<'a> {
    /// A tag or a keyword (`AND`, `EXISTS`, `CONTAINS`).
    Word(&'a str),
    Str(&'a str),
    Num(Number),
    Cmp(Compare),
}

/// CometBFT's scanner (`libs/pubsub/query/syntax`): tags are letters, digits, `.`, `_`, `-`;
/// strings are single-quoted without escapes; numbers are `digits[.digits]`.
fn tokens(text: &str) -> Result<Vec<Token<'_>>, String> {
    let is_tag_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    let mut tokens = Vec::new();
    let mut rest = text.trim_start();
    while let Some(first) = rest.chars().next() {
        let (token, len) = match first {
            '\'' => {
                let end = rest[1..].find('\'').ok_or("unterminated string")?;
                (Token::Str(&rest[1..=end]), end + 2)
            }
            '0'..='9' => {
                let len = leading_number(rest);
                let number = Number::parse(&rest[..len]).ok_or("invalid number")?;
                (Token::Num(number), len)
            }
            '<' | '>' | '=' => {
                let with_eq = rest[1..].starts_with('=');
                let compare = match (first, with_eq) {
                    ('=', _) => Compare::Eq,
                    ('<', false) => Compare::Lt,
                    ('<', true) => Compare::Le,
                    ('>', false) => Compare::Gt,
                    _ => Compare::Ge,
                };
                (
                    Token::Cmp(compare),
                    if with_eq && first != '=' { 2 } else { 1 },
                )
            }
            c if c == '_' || c.is_alphabetic() => {
                let len = rest.find(|c: char| !is_tag_char(c)).unwrap_or(rest.len());
                if matches!(&rest[..len], "TIME" | "DATE") {
                    return Err("TIME and DATE operands are not supported".to_owned());
                }
                (Token::Word(&rest[..len]), len)
            }
            other => return Err(format!("unexpected {other:?}")),
        };
        tokens.push(token);
        rest = rest[len..].trim_start();
    }
    Ok(tokens)
}

fn expected(what: &str, found: Option<Token<'_>>) -> String {
    match found {
        Some(token) => format!("expected {what}, found {token:?}"),
        None => format!("expected {what} at the end of the query"),
    }
}

#[cfg(test)]
mod tests {
    use tendermint_rpc::query::{EventType, Query as ClientQuery};

    use super::*;

    fn events(pairs: &[(&str, &str)]) -> EventMap {
        let mut map = EventMap::new();
        for (key, value) in pairs {
            map.entry(key.to_string())
                .or_default()
                .push(value.to_string());
        }
        map
    }

    fn matches(query: &str, pairs: &[(&str, &str)]) -> bool {
        Query::parse(query).unwrap().matches(&events(pairs))
    }

    #[test]
    fn what_tendermint_rpc_sends_parses() {
        let query = ClientQuery::from(EventType::Tx)
            .and_eq("message.sender", "wasm1abc")
            .and_gte("tx.height", 5_u64)
            .and_contains("transfer.amount", "stake")
            .and_exists("wasm-ogpu_task_published.task_id");
        let parsed = Query::parse(&query.to_string()).unwrap();
        assert!(parsed.matches(&events(&[
            ("tm.event", "Tx"),
            ("message.sender", "wasm1abc"),
            ("tx.height", "7"),
            ("transfer.amount", "10stake"),
            ("wasm-ogpu_task_published.task_id", "3"),
        ])));
    }

    #[test]
    fn every_condition_must_hold_on_some_value() {
        let tx = [
            ("tm.event", "Tx"),
            ("message.sender", "alice"),
            ("message.sender", "bob"),
        ];
        assert!(matches("tm.event='Tx' AND message.sender='bob'", &tx));
        assert!(!matches(
            "tm.event='NewBlock' AND message.sender='bob'",
            &tx
        ));
        assert!(!matches("message.sender='carol'", &tx));
        assert!(matches("message.sender CONTAINS 'li'", &tx));
        assert!(matches("message.sender EXISTS", &tx));
        assert!(!matches("message.action EXISTS", &tx));
    }

    #[test]
    fn numbers_compare_numerically_as_cometbft_does() {
        let tx = [("tx.height", "10"), ("transfer.amount", "8stake")];
        assert!(matches("tx.height > 9", &tx));
        assert!(matches("tx.height >= 10 AND tx.height <= 10", &tx));
        assert!(!matches("tx.height < 10", &tx));
        assert!(matches("tx.height = 10.0", &tx));
        assert!(matches("transfer.amount = 8", &tx));
        assert!(matches("transfer.amount < 8.5", &tx));
        assert!(!matches("transfer.amount > 9", &tx));
        // A string operand compares as text.
        assert!(!matches("tx.height = '10.0'", &tx));
        // Values that are not numbers never satisfy a numeric comparison.
        assert!(!matches("tm.event > 1", &[("tm.event", "Tx")]));
        assert!(matches(
            "a.b > 18446744073709551615",
            &[("a.b", "18446744073709551616")]
        ));
    }

    #[test]
    fn a_tag_naming_an_event_type_matches_like_cometbft() {
        let tx = [("message.sender", "alice")];
        assert!(matches("message EXISTS", &tx));
        assert!(matches("message = ''", &tx));
        assert!(!matches("mess EXISTS", &tx));
    }

    #[test]
    fn tx_hash_conditions_are_case_insensitive() {
        let query = Query::parse("tx.hash = 'abcdef'").unwrap();
        assert_eq!(query.tx_hash(), Some("ABCDEF"));
        assert!(query.matches(&events(&[("tx.hash", "ABCDEF")])));
    }

    #[test]
    fn height_conditions_narrow_the_blocks_to_read() {
        let heights = |q: &str| Query::parse(q).unwrap().tx_heights(1..=100);
        assert_eq!(heights("message.sender='a'"), Some(1..=100));
        assert_eq!(heights("tx.height = 7"), Some(7..=7));
        assert_eq!(heights("tx.height > 7 AND tx.height <= 9"), Some(8..=9));
        assert_eq!(heights("tx.height >= 0"), Some(1..=100));
        assert_eq!(heights("tx.height < 1"), None);
        assert_eq!(heights("tx.height = 200"), None);
        assert_eq!(heights("tx.height > 5 AND tx.height < 5"), None);
    }

    #[test]
    fn malformed_queries_are_refused_with_the_reason() {
        for (query, reason) in [
            ("", "expected a tag at the end"),
            (
                "tm.event",
                "expected EXISTS, CONTAINS or a comparison at the end",
            ),
            ("a.b = 'x' OR c.d = 'y'", "expected AND"),
            ("a.b < 'x'", "expected a number, or a string after ="),
            ("a.b CONTAINS 5", "expected a string after CONTAINS"),
            ("a.b = 'x", "unterminated string"),
            ("a.b = x AND", "expected a number"),
            ("block.time > TIME 2024-01-01T00:00:00Z", "TIME and DATE"),
            ("a.b ! 5", "unexpected '!'"),
        ] {
            let error = Query::parse(query).unwrap_err();
            assert!(error.contains(reason), "{query}: {error}");
        }
        let long = format!("a.b = '{}'", "x".repeat(MAX_QUERY_LEN));
        assert!(Query::parse(&long).unwrap_err().contains("longer than"));
    }
}
