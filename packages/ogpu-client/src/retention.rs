//! How long a provider keeps the results it serves, as it declares it in its metadata.
//! `ProviderMetadata` has no field for it yet, so the declaration is one entry of its
//! `task_kinds` list, `retention=<seconds>` (no task kind has a `=`); the provider's
//! `register` writes it when it serves results, and the CLI shows it. Until the metadata
//! grows a field of its own, this module is the one place that knows the convention.

use ogpu_types::ProviderMetadata;

const PREFIX: &str = "retention=";

/// The `task_kinds` entry declaring a retention of `seconds`.
pub fn tag(seconds: u64) -> String {
    format!("{PREFIX}{seconds}")
}

/// Whether a `task_kinds` entry is a retention declaration rather than a task kind.
pub fn is_tag(entry: &str) -> bool {
    entry.starts_with(PREFIX)
}

/// The retention `metadata` declares, seconds.
pub fn declared(metadata: &ProviderMetadata) -> Option<u64> {
    metadata
        .task_kinds
        .iter()
        .find_map(|kind| kind.strip_prefix(PREFIX)?.parse().ok())
}

/// `metadata` declaring `seconds` of retention (replacing any earlier declaration).
pub fn declare(metadata: &mut ProviderMetadata, seconds: u64) {
    metadata.task_kinds.retain(|kind| !is_tag(kind));
    metadata.task_kinds.push(tag(seconds));
}

/// A retention as people read it: `7d`, `36h`, `90s`.
pub fn human(seconds: u64) -> String {
    match seconds {
        s if s >= 86_400 && s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s >= 3_600 && s % 3_600 == 0 => format!("{}h", s / 3_600),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_round_trips_and_replaces_the_last() {
        let mut metadata = ProviderMetadata {
            moniker: "m".into(),
            devices: vec![],
            task_kinds: vec!["opencl".into()],
        };
        assert_eq!(declared(&metadata), None);
        declare(&mut metadata, 3_600);
        declare(&mut metadata, 604_800);
        assert_eq!(metadata.task_kinds, ["opencl", "retention=604800"]);
        assert_eq!(declared(&metadata), Some(604_800));
        assert_eq!(
            (human(604_800), human(7_200), human(90)),
            ("7d".into(), "2h".into(), "90s".into())
        );
    }
}
