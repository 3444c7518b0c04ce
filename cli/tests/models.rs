//! Every competition model from `task publish` flags, through the real binary against a
//! spawned devnet: a sealed-bid auction bid on with `provider bid`, opened with
//! `provider reveal-bid` (from the kept bid, and from --price/--salt for a bid made
//! elsewhere) and shown by `task auction`; a Consensus round shown by `task consensus` with
//! each agreeing provider's share; a disputable First Response task whose window
//! `task close-dispute` closes, shown by `task dispute-state`. Bad flag combinations and
//! raw-spec mistakes are refused with the flag or field named, and nothing is sent.

mod support;

use serde_json::Value;
use support::{Net, PROVIDER, PROVIDER2};

const KERNEL: &str = "__kernel void one(__global uint* out) { out[get_global_id(0)] = 1; }";

/// `task publish` of the `one` kernel with `extra` flags, from the client.
fn publish(net: &Net, extra: &[&str]) -> u64 {
    let kernel = net.write("one.cl", KERNEL);
    let base = ["--kernel", &kernel, "--arg", "output:4", "--global", "1"];
    net.publish(&[&base[..], extra].concat())
}

/// The number of tasks the registry holds.
fn tasks(net: &Net) -> usize {
    let listed = net.ogpu(&["task", "list", "-o", "json"]).ok().json();
    listed["tasks"].as_array().unwrap().len()
}

#[test]
fn an_auction_from_flags_is_bid_on_opened_and_shown() {
    let net = Net::spawn();
    let (deployment, client, p1, p2) = net.with_two_providers();
    let kernel = net.write("one.cl", KERNEL);

    // Bad combinations are refused before anything is sent, naming the flag.
    let base = [
        "task",
        "publish",
        "--kernel",
        kernel.as_str(),
        "--arg",
        "output:4",
        "--global",
        "1",
        "--reward",
        "3000ustake",
        "--from",
        "client",
        "-y",
    ];
    let refused = |extra: &[&str], needle: &str| {
        net.ogpu(&[&base[..], extra].concat()).fails(2, needle);
    };
    refused(
        &["--model", "auction", "--commit-window", "5"],
        "--commit-window only applies to first-response, manual-confirmation, consensus; the model is sealed-bid-auction: an auction takes bids: pass --bid-window instead",
    );
    refused(
        &["--quorum", "2"],
        "--quorum only applies to consensus; the model is first-response",
    );
    refused(
        &["--model", "consensus", "--replicas", "4", "--quorum", "2"],
        "pass --replicas and --quorum that satisfy it",
    );
    refused(
        &["--dispute-bond", "2000ustake"],
        "--dispute-window is missing",
    );
    refused(
        &[
            "--model",
            "auction",
            "--dispute-window",
            "9",
            "--dispute-bond",
            "2000",
        ],
        "drop the --dispute-* flags",
    );
    let spec = net.write(
        "bad-spec.json",
        serde_json::json!({
            "job": { "hash_search": { "prefix": "6f677075", "difficulty": 4 } },
            "requirements": ogpu_types::Requirements::default(),
            "model": { "sealed_bid_auction": { "bid_window": 4, "reveal_window": 0, "delivery_window": 30 } },
            "collateral": "100",
        })
        .to_string(),
    );
    net.ogpu(&[
        "task",
        "publish",
        &spec,
        "--reward",
        "3000ustake",
        "--from",
        "client",
        "-y",
    ])
    .fails(
        2,
        "spec.model.sealed_bid_auction.reveal_window: reveal window 0s is outside 1..=",
    );
    assert_eq!(tasks(&net), 0, "nothing was published");

    let id = publish(
        &net,
        &[
            "--model",
            "auction",
            "--bid-window",
            "4",
            "--reveal-window",
            "60",
            "--delivery-window",
            "30",
            "--reward",
            "3000ustake",
        ],
    )
    .to_string();
    let shown = net.ogpu(&["task", "show", &id, "-o", "json"]).ok().json();
    assert_eq!(
        shown["spec"]["model"],
        serde_json::json!({ "sealed_bid_auction": { "bid_window": 4, "reveal_window": 60, "delivery_window": 30 } })
    );

    // The first provider bids with the CLI, which keeps the bid; the second bids elsewhere.
    let placed = net
        .ogpu(&[
            "provider", "bid", &id, "1200", "--from", "provider", "-y", "-o", "json",
        ])
        .ok()
        .json();
    assert_eq!(placed["code"], 0);
    let kept_path = placed["kept"].as_str().unwrap().to_string();
    let kept: Value = serde_json::from_slice(&std::fs::read(&kept_path).unwrap()).unwrap();
    assert_eq!(kept["price"], "1200");
    assert_eq!(kept["commitment"], placed["commitment"]);
    net.ogpu(&["provider", "bid", &id, "1300", "--from", "provider", "-y"])
        .fails(2, "already bid on task 1");
    net.ogpu(&["provider", "bid", &id, "9000", "--from", "provider2", "-y"])
        .fails(
            2,
            "a bid of 9000ustake is above task 1's reward of 3000ustake",
        );
    let mut second = net.signer(PROVIDER2);
    let bid2 = net.bid(&client, &deployment, &mut second, 1, 1500);

    let sealed = net.ogpu(&["task", "auction", &id]).ok().stdout;
    assert!(sealed.contains("sealed"), "{sealed}");
    assert!(sealed.contains("providers bid with"), "{sealed}");
    net.ogpu(&["provider", "reveal-bid", &id, "--from", "provider", "-y"])
        .fails(2, "task 1's bid window is open until");

    let task = net.await_task(&client, &deployment, 1).task;
    net.pass(&client, task.commit_deadline);
    let opened = net
        .ogpu(&["provider", "reveal-bid", &id, "--from", "provider", "-y"])
        .ok()
        .stdout;
    assert!(
        opened.contains("task 1: bid of 1200ustake opened"),
        "{opened}"
    );
    net.ogpu(&["provider", "reveal-bid", &id, "--from", "provider", "-y"])
        .fails(2, "bid on task 1 is already open (1200ustake, revealed)");
    let salt = bid2.salt.to_hex();
    net.ogpu(&[
        "provider",
        "reveal-bid",
        &id,
        "--price",
        "1400",
        "--salt",
        &salt,
        "--from",
        "provider2",
        "-y",
    ])
    .fails(2, "this price and salt do not open");
    // The last bid opened awards the auction: the lowest bid, paid the second price.
    let awarded = net
        .ogpu(&[
            "provider",
            "reveal-bid",
            &id,
            "--price",
            "1500",
            "--salt",
            &salt,
            "--from",
            "provider2",
            "-y",
        ])
        .ok()
        .stdout;
    assert!(
        awarded.contains(&format!("task 1 is awarded to {p1}")),
        "{awarded}"
    );

    let state = net
        .ogpu(&["task", "auction", &id, "-o", "json"])
        .ok()
        .json();
    assert_eq!(state["award"]["ranking"][0]["provider"], p1);
    assert_eq!(state["award"]["ranking"][1]["provider"], p2);
    assert_eq!(state["award"]["price"], "1500");
    let bids = state["bids"].as_array().unwrap();
    assert_eq!(bids.len(), 2);
    assert!(bids.iter().all(|b| b["status"] == "revealed"));
    let shown = net.ogpu(&["task", "show", &id]).ok().stdout;
    assert!(
        shown.contains("sealed_bid_auction (bids: `ogpu task auction 1`)"),
        "{shown}"
    );
    let text = net.ogpu(&["task", "auction", &id]).ok().stdout;
    assert!(
        text.contains(&format!("{p1} must deliver by"))
            && text.contains("delivery pays 1500ustake"),
        "{text}"
    );
    net.ogpu(&["task", "consensus", &id]).fails(
        2,
        "task 1 is a sealed_bid_auction task, not a consensus task",
    );
    net.ogpu(&["task", "dispute-state", &id])
        .fails(2, "task 1 was published without dispute terms");
}

#[test]
fn a_consensus_task_from_flags_shows_each_share() {
    let net = Net::spawn();
    let (deployment, client, p1, p2) = net.with_two_providers();
    let id = publish(
        &net,
        &[
            "--model",
            "consensus",
            "--replicas",
            "3",
            "--commit-window",
            "4",
            "--reveal-window",
            "60",
            "--reward",
            "3000ustake",
        ],
    );
    let task = net.await_task(&client, &deployment, id);
    assert_eq!(
        serde_json::to_value(task.spec.model).unwrap(),
        serde_json::json!({ "consensus": { "replicas": 3, "quorum": 2, "commit_window": 4, "reveal_window": 60 } })
    );

    // Two of three replicas join and agree once the commit window passed.
    let result = 1u32.to_le_bytes();
    let mut first = net.signer(PROVIDER);
    let mut second = net.signer(PROVIDER2);
    let one = net.commit(&client, &deployment, &mut first, id, &result, 3000, None);
    let two = net.commit(&client, &deployment, &mut second, id, &result, 3000, None);
    let joined = net.ogpu(&["task", "consensus", "1"]).ok().stdout;
    assert!(joined.contains("2 of 3 joined, 0 revealed"), "{joined}");
    assert!(
        joined.contains("1000ustake to each agreeing provider (3000ustake / 3 replicas), 990ustake after the protocol fee"),
        "{joined}"
    );
    net.pass(&client, task.task.commit_deadline);
    net.reveal(&client, &deployment, &mut first, id, &one, None);
    net.reveal(&client, &deployment, &mut second, id, &two, None);

    let state = net
        .ogpu(&["task", "consensus", "1", "-o", "json"])
        .ok()
        .json();
    assert_eq!(state["share"], "1000");
    assert_eq!(state["share_after_fee"], "990");
    assert_eq!(state["votes"][0]["digest"], one.digest.to_hex());
    assert_eq!(state["votes"][0]["providers"].as_array().unwrap().len(), 2);
    assert_eq!(state["award"]["price"], "1000");
    let text = net.ogpu(&["task", "consensus", "1"]).ok().stdout;
    assert!(text.contains("2 (quorum)"), "{text}");
    assert!(text.contains("delivery pays 1000ustake"), "{text}");
    // Each response shows the share it is paid, never the reward its commitment binds.
    let responses = net.ogpu(&["task", "responses", "1"]).ok().stdout;
    assert!(responses.contains("SHARE"), "{responses}");
    assert!(!responses.contains("3000ustake"), "{responses}");

    let posted = net.posted(&client, &deployment, &first, id, &result);
    net.deliver(&client, &deployment, &mut first, id, &one.digest, posted);
    let shown = net.ogpu(&["task", "show", "1"]).ok().stdout;
    assert!(
        shown.contains(&format!(
            "{p1} delivered; each agreeing provider was paid 1000ustake"
        )),
        "{shown}"
    );
    let done = net
        .ogpu(&["task", "responses", "1", "-o", "json"])
        .ok()
        .json();
    for r in done["responses"].as_array().unwrap() {
        assert_eq!(r["status"], "won", "{r}");
        assert_eq!(r["pays"], "1000", "{r}");
    }
    assert!(done.to_string().contains(&p2));
    net.ogpu(&["task", "auction", "1"])
        .fails(2, "task 1 is a consensus task, not an auction");
}

#[test]
fn a_disputable_task_from_flags_has_its_window_closed() {
    let net = Net::spawn();
    net.recover_keys();
    let deployment = net.deploy();
    let client = net.client();
    net.register("provider");
    let id = publish(
        &net,
        &[
            "--commit-window",
            "30",
            "--reveal-window",
            "30",
            "--dispute-window",
            "6",
            "--dispute-bond",
            "2000ustake",
            "--reward",
            "3000ustake",
        ],
    );
    let task = net.await_task(&client, &deployment, id);
    assert_eq!(
        serde_json::to_value(task.spec.dispute).unwrap(),
        serde_json::json!({ "window": 6, "replicas": 3, "quorum": 2, "bond": "2000" })
    );
    let before = net.ogpu(&["task", "dispute-state", "1"]).ok().stdout;
    assert!(
        before.contains(
            "a bond of 2000ustake re-runs it on 3 other providers, 2 of which must agree"
        ),
        "{before}"
    );
    assert!(before.contains("none yet"), "{before}");
    net.ogpu(&["task", "close-dispute", "1", "--from", "provider", "-y"])
        .fails(2, "task 1 has no accepted result yet");

    // The provider wins First Response; the window opens at completion.
    let result = 1u32.to_le_bytes();
    let mut provider = net.signer(PROVIDER);
    let sealed = net.commit(&client, &deployment, &mut provider, id, &result, 3000, None);
    let posted = net.posted(&client, &deployment, &provider, id, &result);
    net.reveal(
        &client,
        &deployment,
        &mut provider,
        id,
        &sealed,
        Some(posted),
    );
    net.ogpu(&["task", "close-dispute", "1", "--from", "provider", "-y"])
        .fails(2, "task 1's dispute window is open until");
    let open = net
        .ogpu(&["task", "dispute-state", "1", "-o", "json"])
        .ok()
        .json();
    assert_eq!(open["dispute"]["status"], "open");
    assert_eq!(open["dispute"]["winner"], net.address(PROVIDER));
    assert_eq!(open["terms"]["bond"], "2000");
    // A completed First Response task counts its winning reveal.
    let shown = net.ogpu(&["task", "show", "1"]).ok().stdout;
    assert!(shown.contains("1 committed, 1 revealed"), "{shown}");
    assert!(
        shown.contains("dispute:    within 6s of completion, for a bond of 2000ustake"),
        "{shown}"
    );
    let listed = net.ogpu(&["task", "list", "-o", "json"]).ok().json();
    assert_eq!(listed["tasks"][0]["reveal_count"], 1);

    let window_end: u64 = open["dispute"]["window_end"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    net.pass(&client, cosmwasm_std::Timestamp::from_nanos(window_end));
    let passed = net.ogpu(&["task", "dispute-state", "1"]).ok().stdout;
    assert!(
        passed.contains("anyone may close it with `ogpu task close-dispute 1`"),
        "{passed}"
    );
    let closed = net
        .ogpu(&[
            "task",
            "close-dispute",
            "1",
            "--from",
            "provider",
            "-y",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(closed["code"], 0);
    assert_eq!(closed["winner"], net.address(PROVIDER));
    let upheld = net
        .ogpu(&["task", "dispute-state", "1", "-o", "json"])
        .ok()
        .json();
    assert_eq!(upheld["dispute"]["status"], "upheld");
    net.ogpu(&["task", "close-dispute", "1", "--from", "provider", "-y"])
        .fails(2, "task 1's dispute is already settled (upheld)");
    net.ogpu(&["task", "dispute", "1", "--from", "client", "-y"])
        .fails(2, "task 1's dispute is already settled (upheld)");
}
