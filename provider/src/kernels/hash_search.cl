// Hash search (ogpu_types::hash_search): find the first nonce in a batch such that
// sha256(prefix || nonce as 8 big-endian bytes) has at least `difficulty` leading zero bits.
//
// The host hashes the prefix's full 64-byte blocks once (the midstate) and passes the rest
// of the message, already padded: TAIL_BLOCKS (1 or 2) blocks with zeros where the nonce
// goes, at byte NONCE_OFFSET. Both are build options, so the nonce insertion and the block
// count are constants the compiler folds away.
//
// Each work-item hashes LANES consecutive nonces at once in vector registers (LANES is the
// device's preferred int vector width: 16 on an AVX-512 CPU, 1 on most GPUs, which get
// their parallelism from work-items alone). Nonce number `j` of the batch is
// `base + j`; the batch's first hit wins: hits store ~j with atomic_max, so the smallest j
// leaves the largest value, and 0 (the buffer's initial value) means no hit (batches have
// fewer than 2^32 - 1 nonces). The host ignores hits at or past the batch's end.

#if !defined(TAIL_BLOCKS) || !defined(NONCE_OFFSET) || !defined(LANES)
#error "build with -D TAIL_BLOCKS=<1 or 2> -D NONCE_OFFSET=<byte> -D LANES=<1, 2, 4, 8 or 16>"
#endif

#define CAT(a, b) a##b
#define VECTOR(t, n) CAT(t, n)
#if LANES == 1
typedef uint U;
typedef ulong UL;
#define TO_U(x) ((uint)(x))
#define LANE_INDEX ((ulong)0)
#define ANY(x) (x)
#define STORE_LANES(v, p) ((p)[0] = (v))
#else
typedef VECTOR(uint, LANES) U;
typedef VECTOR(ulong, LANES) UL;
#define TO_U(x) VECTOR(convert_uint, LANES)(x)
#define ANY(x) any(x)
#define STORE_LANES(v, p) VECTOR(vstore, LANES)((v), 0, (p))
#if LANES == 2
#define LANE_INDEX ((UL)(0, 1))
#elif LANES == 4
#define LANE_INDEX ((UL)(0, 1, 2, 3))
#elif LANES == 8
#define LANE_INDEX ((UL)(0, 1, 2, 3, 4, 5, 6, 7))
#elif LANES == 16
#define LANE_INDEX ((UL)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#else
#error "LANES must be 1, 2, 4, 8 or 16"
#endif
#endif

__constant uint K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

#define ROTR(x, n) rotate((x), (U)(32 - (n)))
#define CH(x, y, z) bitselect((z), (y), (x))
#define MAJ(x, y, z) bitselect((x), (y), (x) ^ (z))
#define SIGMA0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define SIGMA1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define GAMMA0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define GAMMA1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

// One SHA-256 compression of the 16 big-endian words `w` (overwritten: the schedule is
// kept in a 16-word window) into `h`.
static void compress(U h[8], U w[16]) {
    U a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
#pragma unroll
    for (int i = 0; i < 64; i++) {
        if (i >= 16) {
            w[i & 15] += GAMMA1(w[(i - 2) & 15]) + w[(i - 7) & 15] + GAMMA0(w[(i - 15) & 15]);
        }
        U t1 = k + SIGMA1(e) + CH(e, f, g) + K[i] + w[i & 15];
        U t2 = SIGMA0(a) + MAJ(a, b, c);
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

// The big-endian word at byte 4*i of `bytes`.
static uint word(__constant const uchar *bytes, int i) {
    return ((uint)bytes[4 * i] << 24) | ((uint)bytes[4 * i + 1] << 16) |
           ((uint)bytes[4 * i + 2] << 8) | (uint)bytes[4 * i + 3];
}

__kernel void search(__constant const uchar *midstate, // 32 bytes: 8 big-endian words
                     __constant const uchar *tail,     // 64 * TAIL_BLOCKS bytes
                     ulong base, uint difficulty, __global volatile uint *found) {
    uint first = (uint)get_global_id(0) * LANES;
    UL nonce = base + first + LANE_INDEX;
    U m[16 * TAIL_BLOCKS];
#pragma unroll
    for (int j = 0; j < 16 * TAIL_BLOCKS; j++) {
        m[j] = (U)(word(tail, j));
    }
#pragma unroll
    for (int j = 0; j < 8; j++) {
        int at = NONCE_OFFSET + j;
        m[at / 4] |= TO_U((nonce >> (56 - 8 * j)) & 0xff) << (24 - 8 * (at % 4));
    }
    U h[8];
#pragma unroll
    for (int j = 0; j < 8; j++) {
        h[j] = (U)(word(midstate, j));
    }
    compress(h, m);
#if TAIL_BLOCKS == 2
    compress(h, m + 16);
#endif
    // Difficulty is at most 64 bits: the first two words decide.
    U zeros = select(32 + clz(h[1]), clz(h[0]), h[0] != 0);
    if (ANY(zeros >= difficulty)) {
        uint lanes[LANES];
        STORE_LANES(zeros, lanes);
        for (uint lane = 0; lane < LANES; lane++) {
            if (lanes[lane] >= difficulty) {
                atomic_max(found, ~(first + lane));
                break;
            }
        }
    }
}
