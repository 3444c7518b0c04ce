//! Every rejection of the spec and result rules, with the exact error.

use super::*;
use cosmwasm_std::{Binary, HexBinary, Uint64};

use crate::task::{DeviceClass, Eligibility, Scalar};

fn limits_fixture() -> TaskLimits {
    TaskLimits {
        max_kernel_bytes: 64,
        max_inline_input_bytes: 16,
        max_inline_result_bytes: 32,
        max_output_bytes: 1024,
        max_args: 4,
        max_uri_len: 40,
        max_allowed_providers: 2,
        max_commitments: 8,
        min_window: 10,
        max_window: 100,
        min_collateral: Uint128::new(5),
        unrevealed_bid_penalty_bps: 5_000,
        max_replicas: 5,
    }
}

fn reference(uri: &str, hash_len: usize, size: u64) -> Payload {
    Payload::Reference {
        uri: uri.into(),
        sha256: HexBinary::from(vec![1u8; hash_len]),
        size: Uint64::new(size),
    }
}

fn spec_fixture() -> TaskSpec {
    TaskSpec {
        job: Job::OpenCl(OpenClJob {
            kernel: KernelSource::Inline {
                source: "__kernel void k(__global int* o) { o[0] = 1; }".into(),
            },
            entry_point: "k".into(),
            args: vec![
                KernelArg::Input {
                    payload: Payload::Inline {
                        data: Binary::from(vec![0u8; 8]),
                    },
                },
                KernelArg::Output {
                    size: Uint64::new(4),
                },
                KernelArg::Scalar {
                    value: Scalar::U32(3),
                },
            ],
            global_work_size: vec![Uint64::new(1)],
            local_work_size: None,
        }),
        requirements: Requirements {
            eligibility: Eligibility {
                device_class: DeviceClass::Gpu,
                ..Eligibility::default()
            },
            allowed_providers: vec![],
        },
        model: CompetitionModel::FirstResponse {
            commit_window: 10,
            reveal_window: 100,
        },
        collateral: Uint128::new(5),
        dispute: None,
        result_key: None,
    }
}

/// The fixture's OpenCL job, to mutate.
fn opencl(spec: &mut TaskSpec) -> &mut OpenClJob {
    match &mut spec.job {
        Job::OpenCl(job) => job,
        Job::HashSearch(_) => unreachable!("the fixture is an OpenCL task"),
    }
}

fn check(spec: &TaskSpec) -> Result<(), SpecError> {
    task_spec(&limits_fixture(), spec)
}

#[test]
fn valid_spec_passes() {
    assert_eq!(check(&spec_fixture()), Ok(()));
}

#[test]
fn kernel_source_is_checked() {
    let mut spec = spec_fixture();
    opencl(&mut spec).kernel = KernelSource::Inline {
        source: String::new(),
    };
    assert_eq!(check(&spec), Err(SpecError::EmptyKernel {}));

    opencl(&mut spec).kernel = KernelSource::Inline {
        source: "x".repeat(65),
    };
    assert_eq!(
        check(&spec),
        Err(SpecError::KernelTooLarge { size: 65, max: 64 })
    );
    opencl(&mut spec).kernel = KernelSource::Inline {
        source: "x".repeat(64),
    };
    assert_eq!(check(&spec), Ok(()));

    opencl(&mut spec).kernel = KernelSource::Reference {
        uri: "x".repeat(41),
        sha256: HexBinary::from(vec![0u8; 32]),
    };
    assert_eq!(
        check(&spec),
        Err(SpecError::UriTooLong {
            field: "kernel uri".into(),
            len: 41,
            max: 40
        })
    );
    opencl(&mut spec).kernel = KernelSource::Reference {
        uri: String::new(),
        sha256: HexBinary::from(vec![0u8; 32]),
    };
    assert_eq!(
        check(&spec),
        Err(SpecError::EmptyField {
            field: "kernel uri".into()
        })
    );
    opencl(&mut spec).kernel = KernelSource::Reference {
        uri: "https://x/k.cl".into(),
        sha256: HexBinary::from(vec![0u8; 31]),
    };
    assert_eq!(
        check(&spec),
        Err(SpecError::Commitment(CommitmentError::InvalidLength {
            field: "sha256",
            len: 31
        }))
    );
}

#[test]
fn entry_point_is_checked() {
    for bad in ["", "has space", "semi;colon", &"k".repeat(129)] {
        let mut spec = spec_fixture();
        opencl(&mut spec).entry_point = bad.to_string();
        assert_eq!(
            check(&spec),
            Err(SpecError::InvalidEntryPoint { max: 128 }),
            "{bad:?}"
        );
    }
}

#[test]
fn arguments_are_checked() {
    let mut spec = spec_fixture();
    opencl(&mut spec).args = vec![
        KernelArg::Output {
            size: Uint64::new(1)
        };
        5
    ];
    assert_eq!(
        check(&spec),
        Err(SpecError::TooManyArgs { count: 5, max: 4 })
    );

    opencl(&mut spec).args = vec![KernelArg::Scalar {
        value: Scalar::I32(1),
    }];
    assert_eq!(check(&spec), Err(SpecError::NoOutputBuffer {}));

    for size in [0, 1025] {
        opencl(&mut spec).args = vec![KernelArg::Output {
            size: Uint64::new(size),
        }];
        assert_eq!(
            check(&spec),
            Err(SpecError::InvalidOutputSize { size, max: 1024 })
        );
    }

    let inline = |n: usize| KernelArg::Input {
        payload: Payload::Inline {
            data: Binary::from(vec![0u8; n]),
        },
    };
    let output = KernelArg::Output {
        size: Uint64::new(4),
    };
    opencl(&mut spec).args = vec![inline(9), inline(8), output.clone()];
    assert_eq!(
        check(&spec),
        Err(SpecError::InlineInputTooLarge { size: 17, max: 16 })
    );
    opencl(&mut spec).args = vec![inline(8), inline(8), output.clone()];
    assert_eq!(check(&spec), Ok(()));

    opencl(&mut spec).args = vec![
        KernelArg::Input {
            payload: reference("https://x/in", 32, 0),
        },
        output.clone(),
    ];
    assert_eq!(check(&spec), Err(SpecError::EmptyReference {}));
    opencl(&mut spec).args = vec![
        KernelArg::Input {
            payload: reference("https://x/in", 32, 1 << 40),
        },
        output,
    ];
    assert_eq!(check(&spec), Ok(()), "references are not inline-capped");
}

#[test]
fn work_sizes_are_checked() {
    let sizes = |v: &[u64]| v.iter().map(|&n| Uint64::new(n)).collect::<Vec<_>>();
    let cases: [(&[u64], Option<&[u64]>); 5] = [
        (&[], None),
        (&[1, 1, 1, 1], None),
        (&[4, 0], None),
        (&[4, 4], Some(&[2])),
        (&[4], Some(&[0])),
    ];
    for (global, local) in cases {
        let mut spec = spec_fixture();
        opencl(&mut spec).global_work_size = sizes(global);
        opencl(&mut spec).local_work_size = local.map(sizes);
        assert_eq!(
            check(&spec),
            Err(SpecError::InvalidWorkSize {}),
            "{global:?} {local:?}"
        );
    }
    let mut spec = spec_fixture();
    opencl(&mut spec).global_work_size = sizes(&[64, 64, 2]);
    opencl(&mut spec).local_work_size = Some(sizes(&[8, 8, 1]));
    assert_eq!(check(&spec), Ok(()));
}

#[test]
fn allow_list_is_checked() {
    let (a, b, c) = (
        "wasm1a".to_string(),
        "wasm1b".to_string(),
        "wasm1c".to_string(),
    );
    let mut spec = spec_fixture();

    spec.requirements.allowed_providers = vec![a.clone(), b.clone(), c];
    assert_eq!(
        check(&spec),
        Err(SpecError::TooManyAllowedProviders { count: 3, max: 2 })
    );
    spec.requirements.allowed_providers = vec![a.clone(), a.clone()];
    assert_eq!(
        check(&spec),
        Err(SpecError::DuplicateProvider {
            provider: a.clone()
        })
    );
    spec.requirements.allowed_providers = vec![a, b];
    assert_eq!(check(&spec), Ok(()));
}

#[test]
fn windows_are_checked_at_both_bounds() {
    let mut spec = spec_fixture();
    for (value, ok) in [(9, false), (10, true), (100, true), (101, false)] {
        spec.model = CompetitionModel::ManualConfirmation {
            commit_window: 50,
            reveal_window: 50,
            confirm_window: value,
            delivery_window: 50,
        };
        let expected = if ok {
            Ok(())
        } else {
            Err(SpecError::InvalidWindow {
                window: "confirm".into(),
                value,
                min: 10,
                max: 100,
            })
        };
        assert_eq!(check(&spec), expected, "confirm window {value}");
    }
}

#[test]
fn auction_windows_are_named_and_checked() {
    let mut spec = spec_fixture();
    for (name, bid, reveal, delivery) in [
        ("bid", 9, 10, 10),
        ("reveal", 10, 101, 10),
        ("delivery", 10, 10, 9),
    ] {
        spec.model = CompetitionModel::SealedBidAuction {
            bid_window: bid,
            reveal_window: reveal,
            delivery_window: delivery,
        };
        let value = [bid, reveal, delivery]
            .into_iter()
            .find(|v| !(10..=100).contains(v))
            .unwrap();
        assert_eq!(
            check(&spec),
            Err(SpecError::InvalidWindow {
                window: name.into(),
                value,
                min: 10,
                max: 100,
            })
        );
    }
    spec.model = CompetitionModel::SealedBidAuction {
        bid_window: 10,
        reveal_window: 100,
        delivery_window: 50,
    };
    assert_eq!(check(&spec), Ok(()));
}

#[test]
fn replicas_and_quorum_are_checked() {
    let mut spec = spec_fixture();
    let consensus = |replicas, quorum| CompetitionModel::Consensus {
        replicas,
        quorum,
        commit_window: 50,
        reveal_window: 50,
    };
    // A strict majority: two digests can never both reach the quorum.
    for (replicas, quorum, ok) in [
        (1, 1, true),
        (2, 2, true),
        (3, 2, true),
        (5, 3, true),
        (5, 5, true),
        (2, 1, false),
        (4, 2, false),
        (5, 2, false),
        (3, 0, false),
        (3, 4, false),
        (6, 4, false),
        (0, 0, false),
    ] {
        spec.model = consensus(replicas, quorum);
        let expected = if ok {
            Ok(())
        } else {
            Err(SpecError::InvalidReplication {
                replicas,
                quorum,
                max: 5,
            })
        };
        assert_eq!(
            check(&spec),
            expected,
            "{replicas} replicas, quorum {quorum}"
        );
    }
    // `max_commitments` caps the replicas too.
    let mut small = limits_fixture();
    small.max_commitments = 2;
    spec.model = consensus(3, 2);
    assert_eq!(
        task_spec(&small, &spec),
        Err(SpecError::InvalidReplication {
            replicas: 3,
            quorum: 2,
            max: 2
        })
    );
    spec.model = CompetitionModel::Consensus {
        replicas: 3,
        quorum: 2,
        commit_window: 50,
        reveal_window: 101,
    };
    assert_eq!(
        check(&spec),
        Err(SpecError::InvalidWindow {
            window: "reveal".into(),
            value: 101,
            min: 10,
            max: 100
        })
    );
}

#[test]
fn collateral_minimum_is_checked() {
    let mut spec = spec_fixture();
    spec.collateral = Uint128::new(4);
    assert_eq!(
        check(&spec),
        Err(SpecError::CollateralTooLow {
            collateral: Uint128::new(4),
            min: Uint128::new(5)
        })
    );
}

#[test]
fn results_are_checked() {
    let limits = limits_fixture();
    let inline = |n: usize| Payload::Inline {
        data: Binary::from(vec![0u8; n]),
    };
    let digest_of = |payload: &Payload| payload.digest().unwrap();
    let plain = |payload: &Payload| result(&limits, payload, &digest_of(payload), false);
    assert_eq!(plain(&inline(32)), Ok(()));
    assert_eq!(
        plain(&inline(33)),
        Err(SpecError::ResultTooLarge { size: 33, max: 32 })
    );
    assert_eq!(plain(&reference("ipfs://r", 32, 5000)), Ok(()));
    assert_eq!(
        result(&limits, &reference("ipfs://r", 20, 5000), &[0; 32], false),
        Err(SpecError::Commitment(CommitmentError::InvalidLength {
            field: "sha256",
            len: 20
        }))
    );
    // A public result must hash to the digest committed to.
    assert_eq!(
        result(&limits, &inline(8), &[0; 32], false),
        Err(SpecError::ResultDigestMismatch {})
    );
    // A sealed one cannot be checked against it, only against the HPKE overhead.
    let roomy = TaskLimits {
        max_inline_result_bytes: 64,
        ..limits.clone()
    };
    assert_eq!(result(&roomy, &inline(48), &[0; 32], true), Ok(()));
    assert_eq!(
        result(&roomy, &inline(47), &[0; 32], true),
        Err(SpecError::SealedResultTooShort { size: 47, min: 48 })
    );
}

#[test]
fn a_result_key_is_32_bytes_and_only_for_opencl_jobs() {
    let mut spec = spec_fixture();
    spec.result_key = Some(HexBinary::from([5u8; 32]));
    assert_eq!(check(&spec), Ok(()));
    spec.result_key = Some(HexBinary::from([5u8; 31]));
    assert_eq!(
        check(&spec),
        Err(SpecError::Commitment(CommitmentError::InvalidLength {
            field: "result_key",
            len: 31
        }))
    );
    let mut search = hash_search_spec(4, 8);
    search.result_key = Some(HexBinary::from([5u8; 32]));
    assert_eq!(check(&search), Err(SpecError::ResultKeyNotAllowed {}));
}

fn hash_search_spec(prefix_len: usize, difficulty: u32) -> TaskSpec {
    TaskSpec {
        job: Job::HashSearch(HashSearch {
            prefix: HexBinary::from(vec![7u8; prefix_len]),
            difficulty,
        }),
        ..spec_fixture()
    }
}

#[test]
fn hash_search_bounds_are_checked_at_both_ends() {
    for (len, difficulty) in [(1, 1), (64, 64)] {
        assert_eq!(check(&hash_search_spec(len, difficulty)), Ok(()));
    }
    for len in [0, 65] {
        assert_eq!(
            check(&hash_search_spec(len, 8)),
            Err(SpecError::InvalidPrefix {
                len: len as u64,
                max: 64
            })
        );
    }
    for difficulty in [0, 65] {
        assert_eq!(
            check(&hash_search_spec(8, difficulty)),
            Err(SpecError::InvalidDifficulty {
                difficulty,
                min: 1,
                max: 64
            })
        );
    }
}

#[test]
fn hash_search_answers_are_verified() {
    // sha256(b"ogpu" ‖ 267 778 as u64 big-endian) has 22 leading zero bits.
    let search = |difficulty| HashSearch {
        prefix: HexBinary::from(b"ogpu".as_slice()),
        difficulty,
    };
    let answer = |bytes: &[u8]| Payload::Inline {
        data: Binary::from(bytes),
    };
    let nonce = answer(&267_778u64.to_be_bytes());
    assert_eq!(hash_search_answer(&search(22), &nonce), Ok(()));
    assert_eq!(
        hash_search_answer(&search(23), &nonce),
        Err(SpecError::InvalidAnswer {
            nonce: 267_778,
            zero_bits: 22,
            difficulty: 23
        })
    );
    for malformed in [
        answer(&[0; 7]),
        answer(&[0; 9]),
        reference("ipfs://nonce", 32, 8),
    ] {
        assert_eq!(
            hash_search_answer(&search(1), &malformed),
            Err(SpecError::InvalidNonce {})
        );
    }
}
