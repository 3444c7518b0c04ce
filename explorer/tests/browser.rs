//! The pages in a real browser: the `ogpu-explorer` binary indexes a scripted market on a
//! devnet, and headless Chromium loads the overview, a task page, a provider page and the
//! leaderboard, whose rendered DOM must show what the chain holds; it also takes a
//! screenshot. Without Chromium the test says so and passes, unless
//! `OGPU_REQUIRE_CHROMIUM` is set (CI sets it: `ci/setup.sh` installs Debian's
//! `chromium`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The flags that keep Chromium off the network (the machines have none: without them it
/// tries to reach Google) and able to run as root in a container.
const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
/// Longest one page load may take.
const LOAD: Duration = Duration::from_secs(90);

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium, or `None` after saying why the test does not run (a failure where CI
/// requires it).
fn chromium() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("OGPU_REQUIRE_CHROMIUM").is_none(),
            "OGPU_REQUIRE_CHROMIUM is set but no `chromium` is on PATH: run `bash ci/setup.sh`"
        );
        eprintln!("skipped: no `chromium` on PATH (bash ci/setup.sh installs Debian's chromium)");
    }
    found
}

/// Runs Chromium headless with a fresh profile on `url`, with `args` (e.g. `--dump-dom`);
/// returns its standard output.
async fn browse(chromium: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let run = Command::new(chromium)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(LOAD, run)
        .await
        .unwrap_or_else(|_| panic!("chromium did not load {url} in {LOAD:?}"))
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium on {url}: {}",
        output.status
    );
    String::from_utf8(output.stdout).expect("a UTF-8 DOM")
}

/// Starts the binary on a free port; returns it with its URL (from its first line).
async fn serve(node: &str, deployment: &Path, db: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ogpu-explorer"))
        .args(["--node", node, "--listen", "127.0.0.1:0"])
        .arg("--deployment")
        .arg(deployment)
        .arg("--db")
        .arg(db)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the ogpu-explorer binary runs");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).await.unwrap();
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    (child, url)
}

fn contains_all(page: &str, dom: &str, expected: &[&str]) {
    for text in expected {
        assert!(dom.contains(text), "{page}: no {text:?} in the DOM");
    }
    assert!(
        !dom.contains("https://") && !dom.contains("src=\"http"),
        "{page} refers to another site"
    );
}

fn task_of_model(db: &Path, model: &str) -> u64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT id FROM tasks WHERE model = ?1 AND ending = 'completed' ORDER BY id LIMIT 1",
            [model],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_a_task_and_a_provider_render_in_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let mut market = support::market().await;
    support::play(&mut market).await;
    let dir = tempfile::tempdir().unwrap();
    let deployment = dir.path().join("deployment.json");
    market.deployment.save(&deployment).unwrap();
    let db = dir.path().join("explorer.sqlite");
    let (_explorer, url) = serve(&market.devnet.rpc_url(), &deployment, &db).await;
    support::wait_until_indexed(&market, &db).await;
    let profile = tempfile::tempdir().unwrap();
    let dump = |path: String| {
        let (chromium, profile, url) =
            (chromium.clone(), profile.path().to_path_buf(), url.clone());
        async move {
            browse(
                &chromium,
                &profile,
                &["--dump-dom"],
                &format!("{url}{path}"),
            )
            .await
        }
    };

    let deployed = &market.deployment;
    let overview = dump("/".into()).await;
    contains_all(
        "the overview",
        &overview,
        &[
            &deployed.registry,
            &deployed.staking,
            &deployed.settlement,
            "Tasks by model and status",
            "manual confirmation",
            "sealed bid auction",
            "consensus",
            "Settled volume per minute",
            "Live feed",
            "<svg class=\"chart\"",
            "provider_unbonded",
        ],
    );

    let task = task_of_model(&db, "manual_confirmation");
    let page = dump(format!("/task/{task}")).await;
    let winner = market.providers[0].address();
    contains_all(
        "the task page",
        &page,
        &[
            &format!("Task {task}"),
            "badge s-completed",
            "<svg class=\"timeline\"",
            "published",
            "committed",
            "revealed",
            "chosen",
            "delivered",
            "paid",
            "Responses (offers, bids, replicas)",
            &winner[winner.len() - 6..],
            "protocol fees",
        ],
    );

    let provider = market.providers[0].address().to_string();
    let page = dump(format!("/provider/{provider}")).await;
    contains_all(
        "the provider page",
        &page,
        &[
            "provider-0",
            &provider,
            "bonded stake",
            "Devices and benchmark",
            "H100",
            "50 GFLOP/s",
            "Earnings over time",
            "Tasks it took part in",
        ],
    );

    let page = dump("/providers".into()).await;
    contains_all(
        "the leaderboard",
        &page,
        &["provider-0", "provider-3", "win rate"],
    );

    let shots = std::env::var_os("OGPU_EXPLORER_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    let pages = [
        ("overview", "/".to_string()),
        ("task", format!("/task/{task}")),
        ("provider", format!("/provider/{provider}")),
    ];
    for (name, path) in pages {
        let file = shots.join(format!("explorer-{name}.png"));
        let shot = format!("--screenshot={}", file.display());
        browse(
            &chromium,
            profile.path(),
            &[&shot, "--window-size=1280,2200"],
            &format!("{url}{path}"),
        )
        .await;
        let png = std::fs::read(&file).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "{} is a PNG", file.display());
    }
    market.devnet.shutdown().await;
}
