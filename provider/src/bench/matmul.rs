//! Matrix-multiply jobs for the benchmark, built as ordinary [`OpenClJob`]s so that they
//! measure the same path a client's task takes, and their CPU reference.

use cosmwasm_std::{Binary, Uint64};
use ogpu_types::{KernelArg, KernelSource, OpenClJob, Payload, Scalar};

const SOURCE: &str = include_str!("../kernels/matmul.cl");

/// Rows and columns of C one work-item of the blocked kernel computes (`ROWS`, and
/// `VECS` vectors of 8). Sizes must be multiples of both.
///
/// 8 × 16 keeps 16 `float8` accumulators, two vectors of B and one value of A in
/// registers (AVX-512 has 32). Measured against 4 × 16, 4 × 32, 8 × 32, 16 × 8 and 4 × 64
/// at 512³ and 1024³ on PoCL, it was among the fastest (the machine's noise was larger
/// than the differences between the best three) and needs only 19 registers.
pub(crate) const BLOCK_ROWS: usize = 8;
pub(crate) const BLOCK_COLS: usize = 16;
// Sizes are checked to be multiples of BLOCK_COLS, which must then be multiples of both.
const _: () = assert!(BLOCK_COLS.is_multiple_of(BLOCK_ROWS));

/// The element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Element {
    F32,
    I32,
}

impl Element {
    fn c_type(self) -> &'static str {
        match self {
            Element::F32 => "float",
            Element::I32 => "int",
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Element::F32 => "f32",
            Element::I32 => "i32",
        }
    }

    /// `value` as 4 little-endian bytes of this type. Test values are small integers, so
    /// every f32 product and sum below 2^24 is exact and any summation order gives the
    /// same bits as the CPU.
    fn bytes(self, value: i32) -> [u8; 4] {
        match self {
            Element::F32 => (value as f32).to_le_bytes(),
            Element::I32 => value.to_le_bytes(),
        }
    }
}

/// The naive kernel or the register-blocked one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    Naive,
    Blocked,
}

impl Variant {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Variant::Naive => "naive",
            Variant::Blocked => "blocked",
        }
    }
}

/// Square operands of side `n` with entries in -8..=8, a deterministic pattern.
pub(crate) fn operands(n: usize) -> (Vec<i32>, Vec<i32>) {
    let a = (0..n * n).map(|i| ((i * 7 + 3) % 17) as i32 - 8).collect();
    let b = (0..n * n).map(|i| ((i * 5 + 1) % 17) as i32 - 8).collect();
    (a, b)
}

/// C = A·B on the CPU as the element type's bytes (wrapping for i32; exact for f32 at the
/// sizes checked, see [`Element::bytes`]).
pub(crate) fn reference(element: Element, n: usize, a: &[i32], b: &[i32]) -> Vec<u8> {
    let mut c = Vec::with_capacity(4 * n * n);
    for row in 0..n {
        for col in 0..n {
            let sum = (0..n).fold(0i32, |acc, i| {
                acc.wrapping_add(a[row * n + i].wrapping_mul(b[i * n + col]))
            });
            c.extend_from_slice(&element.bytes(sum));
        }
    }
    c
}

/// The job multiplying `a` by `b` (side `n`, a multiple of [`BLOCK_COLS`]).
pub(crate) fn job(element: Element, variant: Variant, n: usize, a: &[i32], b: &[i32]) -> OpenClJob {
    let input = |values: &[i32]| KernelArg::Input {
        payload: Payload::Inline {
            data: Binary::from(
                values
                    .iter()
                    .flat_map(|&v| element.bytes(v))
                    .collect::<Vec<_>>(),
            ),
        },
    };
    let side = Uint64::new(n as u64);
    let global = match variant {
        Variant::Naive => vec![side, side],
        Variant::Blocked => vec![
            Uint64::new((n / BLOCK_COLS) as u64),
            Uint64::new((n / BLOCK_ROWS) as u64),
        ],
    };
    OpenClJob {
        kernel: KernelSource::Inline {
            source: format!(
                "#define T {}\n#define ROWS {BLOCK_ROWS}\n#define VECS {}\n{SOURCE}",
                element.c_type(),
                BLOCK_COLS / 8
            ),
        },
        entry_point: format!("matmul_{}", variant.name()),
        args: vec![
            input(a),
            input(b),
            KernelArg::Output {
                size: Uint64::new((4 * n * n) as u64),
            },
            KernelArg::Scalar {
                value: Scalar::U32(n as u32),
            },
            KernelArg::Scalar {
                value: Scalar::U32(n as u32),
            },
        ],
        global_work_size: global,
        local_work_size: None,
    }
}
