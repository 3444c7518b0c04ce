//! Sealed offers and sealed results through the real binary: a Manual Confirmation task
//! followed by `--wait` through its award, a missed delivery, the next offer's promotion and
//! its delivery; a result that does not match its committed digest reported as grounds for
//! a dispute (with a key given by mnemonic in the environment); a sealed result stored by
//! reference and fetched over HTTP; a `--public-result` task.

mod support;

use base64::Engine as _;
use cosmwasm_std::{HexBinary, Uint128};
use ogpu_types::registry::{AwardState, QueryMsg};
use ogpu_types::{
    CompetitionModel, DisputeTerms, Job, KernelArg, KernelSource, OpenClJob, Payload, Requirements,
    TaskSpec,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::{wait, Net, CLIENT, PROVIDER, PROVIDER2};

const KERNEL: &str = "__kernel void one(__global uint* out) { out[get_global_id(0)] = 1; }";

#[test]
fn wait_follows_the_award_a_missed_delivery_and_the_promoted_delivery() {
    let net = Net::spawn();
    let (deployment, client, p1, p2) = net.with_two_providers();
    let kernel = net.write("one.cl", KERNEL);
    let child = net.spawn_ogpu(&[
        "task",
        "publish",
        "--kernel",
        &kernel,
        "--arg",
        "output:4",
        "--global",
        "1",
        "--model",
        "manual-confirmation",
        "--commit-window",
        "3",
        "--reveal-window",
        "20",
        "--confirm-window",
        "20",
        "--delivery-window",
        "2",
        "--reward",
        "3000ustake",
        "--wait",
        "--from",
        "client",
        "-y",
    ]);
    let task = net.await_task(&client, &deployment, 1).task;
    assert_eq!(
        task.model,
        CompetitionModel::ManualConfirmation {
            commit_window: 3,
            reveal_window: 20,
            confirm_window: 20,
            delivery_window: 2,
        }
    );
    let result = 1u32.to_le_bytes();
    let mut first = net.signer(PROVIDER);
    let mut second = net.signer(PROVIDER2);
    let offer1 = net.commit(
        &client,
        &deployment,
        &mut first,
        1,
        &result,
        1500,
        Some(1500),
    );
    let offer2 = net.commit(
        &client,
        &deployment,
        &mut second,
        1,
        &result,
        2000,
        Some(2000),
    );
    net.pass(&client, task.commit_deadline);
    net.reveal(&client, &deployment, &mut first, 1, &offer1, None);
    net.reveal(&client, &deployment, &mut second, 1, &offer2, None);

    // The client awards the cheaper offer; its provider never delivers.
    let confirmed = net
        .ogpu(&["task", "confirm", "1", &p1, "--from", "client", "-y"])
        .ok()
        .stdout;
    assert!(
        confirmed.contains(&format!("task 1: awarded to {p1}: it must deliver by")),
        "{confirmed}"
    );
    assert!(confirmed.contains("to be paid 1500ustake"), "{confirmed}");
    assert!(
        confirmed.contains("other 1500ustake of the reward"),
        "{confirmed}"
    );

    // `--wait` finalizes after the delivery deadline: the first is slashed and the next
    // offer promoted, which delivers.
    let promoted = loop {
        let award: Option<AwardState> = net
            .block_on(client.smart(&deployment.registry, &QueryMsg::Award { task_id: 1 }))
            .unwrap();
        match award {
            Some(award) if award.executor == 1 => break award,
            _ => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    };
    assert_eq!(promoted.ranking[1].provider.as_str(), p2);
    assert_eq!(promoted.price, Uint128::new(2000));
    // A few blocks for `--wait` to see the promotion before the delivery completes the task.
    std::thread::sleep(std::time::Duration::from_secs(1));
    let posted = net.posted(&client, &deployment, &second, 1, &result);
    net.deliver(&client, &deployment, &mut second, 1, &offer2.digest, posted);
    let run = wait(child, 120).ok();
    for step in [
        format!("task 1: awarded to {p1}: it must deliver by"),
        "sending finalize".to_string(),
        format!("task 1: awarded to {p2}: it must deliver by"),
        format!("task 1: delivered by {p2}, completed"),
    ] {
        assert!(run.stderr.contains(&step), "{step:?} in {}", run.stderr);
    }
    assert!(
        run.stdout.contains(&format!("{p2} was paid 2000ustake")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ogpu task result 1 --from KEY --out FILE"),
        "{}",
        run.stdout
    );

    let out = net.path("result.bin");
    let out_arg = out.to_str().unwrap();
    net.ogpu(&["task", "result", "1", "--from", "client", "--out", out_arg])
        .ok();
    assert_eq!(std::fs::read(&out).unwrap(), result);
    let responses = net
        .ogpu(&["task", "responses", "1", "-o", "json"])
        .ok()
        .json();
    let status = |who: &str| {
        responses["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["provider"] == who)
            .map(|r| r["status"].clone())
            .unwrap()
    };
    assert_eq!(status(&p1), "slashed");
    assert_eq!(status(&p2), "won");
}

/// A First Response OpenCL task with dispute terms, as a raw spec without a result key.
fn disputable_spec() -> TaskSpec {
    TaskSpec {
        job: Job::OpenCl(OpenClJob {
            kernel: KernelSource::Inline {
                source: KERNEL.to_string(),
            },
            entry_point: "one".to_string(),
            args: vec![KernelArg::Output { size: 4u64.into() }],
            global_work_size: vec![1u64.into()],
            local_work_size: None,
        }),
        requirements: Requirements::default(),
        model: CompetitionModel::FirstResponse {
            commit_window: 30,
            reveal_window: 30,
        },
        collateral: Uint128::new(100),
        dispute: Some(DisputeTerms {
            window: 60,
            replicas: 3,
            quorum: 2,
            bond: Uint128::new(1000),
        }),
        result_key: None,
    }
}

#[test]
fn results_are_checked_against_their_digest_fetched_by_reference_or_public() {
    let net = Net::spawn();
    net.recover_keys();
    let deployment = net.deploy();
    let client = net.client();
    net.register("provider");
    let mut provider = net.signer(PROVIDER);

    // Published with the key in an environment variable (CI): the spec gets its result key.
    let spec = net.write(
        "spec.json",
        serde_json::to_string(&disputable_spec()).unwrap(),
    );
    let env = "OGPU_TEST_CLIENT_MNEMONIC";
    let published = net
        .ogpu_mnemonic_env(
            env,
            &[
                "task",
                "publish",
                &spec,
                "--reward",
                "2000ustake",
                "--from-env",
                env,
                "-y",
                "-o",
                "json",
            ],
        )
        .ok()
        .json();
    let id = published["task_id"].as_u64().unwrap();
    let details = net.await_task(&client, &deployment, id);
    assert_eq!(
        details.spec.result_key,
        Some(HexBinary::from(net.result_key(CLIENT).public()))
    );
    // The provider commits to one result and posts another, sealed: the chain cannot tell.
    let committed = net.commit(
        &client,
        &deployment,
        &mut provider,
        id,
        b"honest",
        2000,
        None,
    );
    let other = net.posted(&client, &deployment, &provider, id, b"forged");
    net.reveal(
        &client,
        &deployment,
        &mut provider,
        id,
        &committed,
        Some(other),
    );
    let id = id.to_string();
    let line = net
        .ogpu_mnemonic_env(env, &["task", "result", &id, "--from-env", env])
        .fails(1, "does not match the digest it committed to");
    assert!(
        line.ends_with(&format!(
            "this is grounds for a dispute: open one with `ogpu task dispute {id}` within the dispute window"
        )),
        "{line}"
    );

    // A sealed result stored by reference: fetched over HTTP, checked, opened.
    let spec = net.write("plain.json", {
        let mut plain = disputable_spec();
        plain.dispute = None;
        serde_json::to_string(&plain).unwrap()
    });
    let id = net.publish(&[&spec, "--reward", "1000ustake"]);
    let committed = net.commit(
        &client,
        &deployment,
        &mut provider,
        id,
        b"stored",
        1000,
        None,
    );
    let Payload::Inline { data } = net.posted(&client, &deployment, &provider, id, b"stored")
    else {
        unreachable!()
    };
    let reference = Payload::Reference {
        uri: net.serve(data.to_vec()),
        sha256: HexBinary::from(Sha256::digest(&data).to_vec()),
        size: (data.len() as u64).into(),
    };
    net.reveal(
        &client,
        &deployment,
        &mut provider,
        id,
        &committed,
        Some(reference),
    );
    let id = id.to_string();
    let read = net
        .ogpu(&["task", "result", &id, "--from", "client", "-o", "json"])
        .ok()
        .json();
    assert_eq!(read["sealed"], true);
    assert!(read["uri"].as_str().unwrap().starts_with("http://"));
    let data = base64::engine::general_purpose::STANDARD
        .decode(read["data_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(data, b"stored");

    // --public-result: no key in the spec, and anyone reads the result.
    let kernel = net.write("one.cl", KERNEL);
    let id = net.publish(&[
        "--kernel",
        &kernel,
        "--arg",
        "output:4",
        "--global",
        "1",
        "--public-result",
        "--reward",
        "1000ustake",
    ]);
    assert_eq!(
        net.await_task(&client, &deployment, id).spec.result_key,
        None
    );
    let sealed = net.commit(
        &client,
        &deployment,
        &mut provider,
        id,
        b"public",
        1000,
        None,
    );
    let posted = net.posted(&client, &deployment, &provider, id, b"public");
    net.reveal(
        &client,
        &deployment,
        &mut provider,
        id,
        &sealed,
        Some(posted),
    );
    let id = id.to_string();
    let read = net.ogpu(&["task", "result", &id, "-o", "json"]).ok().json();
    assert_eq!(read["sealed"], false);
    assert_eq!(read["uri"], Value::Null);
    let data = base64::engine::general_purpose::STANDARD
        .decode(read["data_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(data, b"public");
    let text = net.ogpu(&["task", "show", &id]).ok().stdout;
    assert!(text.contains("result:     public"), "{text}");
}
