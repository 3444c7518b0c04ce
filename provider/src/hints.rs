//! Error hints in `ogpu-provider`'s own terms. The chain client's errors advise the `ogpu`
//! CLI's flags (`--node`, `--deployment`, `--chain-id`, …); the provider has none of
//! them — it reads its configuration file — so each piece of advice is rewritten to name
//! the setting that does the same.

/// CLI advice → the provider's, longest first (a shorter one may be part of a longer).
const ADVICE: [(&str, &str); 8] = [
    (
        "run `ogpu deploy` first or pass --deployment",
        "run `ogpu deploy` first, or set `deployment` in the config to its file",
    ),
    (
        "pass the matching --deployment or --chain-id",
        "set `deployment` and [chain] chain_id in the config to the same chain",
    ),
    (
        "check --chain-id and that --from is the right key",
        "check [chain] chain_id and [key] in the config",
    ),
    (
        "raise --fees or --gas-prices to the node's minimum",
        "raise [chain] gas_prices in the config to the node's minimum",
    ),
    (
        "raise --gas or use --gas auto",
        "raise [gas] margin in the config",
    ),
    (
        "check --chain-id and --node",
        "check [chain] chain_id and [chain] node in the config",
    ),
    ("check --node", "check [chain] node in the config"),
    ("set --chain-id", "set [chain] chain_id in the config"),
];

/// `message` with every piece of CLI advice rewritten for the provider.
pub fn for_provider(message: &str) -> String {
    ADVICE
        .iter()
        .fold(message.to_string(), |text, (cli, provider)| {
            text.replace(cli, provider)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ogpu_client::{ClientError, Deployment};

    /// Every error of the client a provider can meet, through the rewrite: no flag is
    /// left that `ogpu-provider` does not have.
    #[test]
    fn no_hint_names_a_flag_the_provider_lacks() {
        use clap::CommandFactory;
        let command = crate::Cli::command();
        let mut flags: Vec<String> = command
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        for sub in command.get_subcommands() {
            flags.extend(
                sub.get_arguments()
                    .filter_map(|a| a.get_long().map(|l| format!("--{l}"))),
            );
        }
        let missing = Deployment::load(std::path::Path::new("/nonexistent/deployment.json"))
            .unwrap_err()
            .to_string();
        let deployment: Deployment = serde_json::from_value(serde_json::json!({
            "chain_id": "a", "registry": "r", "staking": "s", "settlement": "t",
            "codes": {
                "registry": {"code_id": 1, "checksum": ""},
                "staking": {"code_id": 2, "checksum": ""},
                "settlement": {"code_id": 3, "checksum": ""}
            }
        }))
        .unwrap();
        let wrong_chain = deployment.check_chain("b").unwrap_err().to_string();
        let messages = [
            missing,
            wrong_chain,
            ClientError::WrongChain {
                node: "n".into(),
                expected: "a".into(),
                actual: "b".into(),
            }
            .to_string(),
            ClientError::rejected("CheckTx", "H".into(), 13, "sdk", "fee".into()).to_string(),
            ClientError::rejected("CheckTx", "H".into(), 11, "sdk", "gas".into()).to_string(),
            ClientError::rejected("CheckTx", "H".into(), 4, "sdk", "sig".into()).to_string(),
            ogpu_client::ChainConfig {
                chain_id: String::new(),
                ..Default::default()
            }
            .validate()
            .unwrap_err()
            .to_string(),
            "cannot reach the node at http://x: refused (is it running? check --node)".into(),
        ];
        for message in messages {
            let rewritten = for_provider(&message);
            for word in rewritten.split_whitespace() {
                let flag = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
                if flag.starts_with("--") {
                    assert!(flags.contains(&flag.to_string()), "{flag} in: {rewritten}");
                }
            }
        }
    }
}
