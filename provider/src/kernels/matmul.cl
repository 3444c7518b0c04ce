// Matrix multiply for the benchmark: C = A * B, row-major, A is m x k, B is k x n.
// The includer defines T (float or int); T8 is its 8-wide vector type.

#define CAT(a, b) a##b
#define VEC8(t) CAT(t, 8)
#define T8 VEC8(T)

// One work-item per element of C (global size n x m): each step loads two values for one
// multiply-add, and neighbouring work-items share no loaded value.
__kernel void matmul_naive(__global const T *a, __global const T *b, __global T *c, uint n,
                           uint k) {
    size_t col = get_global_id(0), row = get_global_id(1);
    T acc = 0;
    for (uint i = 0; i < k; i++) {
        acc += a[row * k + i] * b[i * n + col];
    }
    c[row * n + col] = acc;
}

#ifndef ROWS
#define ROWS 8
#endif
#ifndef VECS
#define VECS 2
#endif

// Register-blocked: one work-item computes ROWS rows x (8 * VECS) columns of C (global
// size n / (8 * VECS) x m / ROWS), kept in ROWS * VECS vector accumulators. Per step of k
// it loads VECS vectors of B and ROWS scalars of A and does ROWS * VECS vector
// multiply-adds: every loaded value is used ROWS or 8 * VECS times from registers.
__kernel void matmul_blocked(__global const T *a, __global const T *b, __global T *c, uint n,
                             uint k) {
    size_t col = get_global_id(0) * VECS, row = get_global_id(1) * ROWS;
    T8 acc[ROWS][VECS];
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
#pragma unroll
        for (int v = 0; v < VECS; v++) {
            acc[r][v] = (T8)(0);
        }
    }
    __global const T *a_row = a + row * k;
    for (uint i = 0; i < k; i++) {
        T8 bv[VECS];
#pragma unroll
        for (int v = 0; v < VECS; v++) {
            bv[v] = vload8(col + v, b + i * n);
        }
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            T av = a_row[r * k + i];
#pragma unroll
            for (int v = 0; v < VECS; v++) {
                acc[r][v] += av * bv[v];
            }
        }
    }
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
#pragma unroll
        for (int v = 0; v < VECS; v++) {
            vstore8(acc[r][v], col + v, c + (row + r) * n);
        }
    }
}
