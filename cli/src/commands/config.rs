//! `ogpu config [KEY [VALUE]]`: wasmd's `config` command over `<home>/client.toml`.

use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::output;
use crate::settings::{Settings, KEYS};

pub fn run(ctx: &Ctx, key: Option<String>, value: Option<String>) -> CliResult<()> {
    match (key, value) {
        (None, _) => {
            let mut all = Map::new();
            for key in KEYS {
                all.insert(key.into(), json!(ctx.settings.get(key)?));
            }
            if ctx.json() {
                return output::json(&all);
            }
            for (key, value) in all {
                outln!("{key} = {}", shown(&value));
            }
            Ok(())
        }
        (Some(key), None) => {
            let value = json!(ctx.settings.get(&key)?);
            if ctx.json() {
                return output::json(&json!({ key: value }));
            }
            outln!("{}", shown(&value));
            Ok(())
        }
        (Some(key), Some(value)) => {
            // Re-read the file: flags given with this command must not be written back.
            let mut settings = Settings::load(&ctx.home)?;
            settings.set(&key, &value)?;
            settings.save(&ctx.home)?;
            let stored = settings.get(&key)?.ok_or_else(|| {
                CliError::chain(format!(
                    "config {key} was not stored; run the command again"
                ))
            })?;
            if ctx.json() {
                return output::json(&json!({ key: stored }));
            }
            errln!(
                "{key} = {stored} (in {})",
                Settings::path(&ctx.home).display()
            );
            Ok(())
        }
    }
}

/// A value for people: unset keys say so.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        _ => "(not set)".into(),
    }
}
