// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file PackedGemv.cuh (internal)
/// The dequantize-GEMV kernel family, for decoding: y = x @ Ŵᵀ with x (m, in) float16, m <= 8,
/// straight from the packed tensors (Ŵ never materialized in memory), accumulated in float32,
/// y (m, out) float16. Raw device pointers, torch-free (CudaBackend.cpp converts tensors).
/// Two kernels:
///
/// Simt (the default): CUDA cores, float32 throughout. A thread owns 4 adjacent output columns
///   (one 16-byte load per word row) and walks 32-value units of the input dimension (`bits` word
///   rows each), unit u, u + K, …; a block is colQuads such column quads x K = threads / colQuads
///   k-slices, reduced through warp shuffles and shared memory. Each thread loads a unit ahead
///   (its words, their scales and zero points, and for one row of x its 32 values) while it
///   computes the current one. Codes become floats 1 + q / 2^bits with one shift and one and-or
///   (PackedBits.cuh); per unit and column, Σ x·(q − z)·s = s · (2^bits · Σ x·f − (2^bits + z) · Σ x).
/// Mma (opt-in, GemvConfig::kernel = Mma; 2, 4 and 8 bits): tensor cores. A warp owns 32 output
///   columns; lane (n = lane / 4, t = lane % 4) takes the 4 columns 32·blockIdx + 4n … + 3 of word
///   row 4b + t of k-block b, copied with cp.async 5 blocks ahead into its own shared-memory
///   slots. The codes become float16 pairs 1024 + q with one and-or each, (q − z) · s in float16
///   (exact subtraction, one rounding: the float16 Ŵ of the GEMM path), and mma.sync m16n8k16
///   multiplies them with x (rows 0 … m − 1 of A, the rest zero) accumulating in float32. Both
///   operands use the same order of k inside a block (the product does not care), the one in
///   which the codes come out of the words. Correct (the gpu test checks it) but slower than Simt
///   on an H100 at Llama shapes: a lane does only 8 values per column per block, so the per-block
///   bookkeeping dominates. Kept as the starting point of a tensor-core path.
/// Half2 (opt-in, GemvKernel::Half2; 2, 4 and 8 bits, PackedGemvHalf2.cu): CUDA cores, the Simt
///   kernel's work split and reduction, float16 arithmetic inside. Columns (0, 1) and (2, 3) of a
///   thread's quad are the halves of float16 pairs: a byte permute joins 16 bits of both columns'
///   words, then one shift and one lop3 per pair give 1024 + q (the magic-number trick), so about
///   one integer instruction per two values (Simt: two per value, and sm_90 has half as many
///   integer lanes as float lanes). (1024 + q) − (1024 + z) is exact, times s is the float16 Ŵ of
///   the GEMM path bit for bit, times x in half2 FMAs summed over chains of 4 values a column
///   (2 at 8 bits), each chain added into float32. 2 … 4 units in flight a thread (fewer bits,
///   more units). Tolerance: that of dequantize + cuBLAS float16.
/// Half2Pdl: the Half2 kernel launched with programmatic dependent launch: it loads its first
///   units of weights before waiting (griddepcontrol.wait) for the previous kernel of the stream,
///   and lets the next one start after its main loop. It assumes that qweight, qzeros and scales
///   are not written by the kernel just before it in the stream (x may be).
/// Half2SplitK, Half2SplitKPdl (opt-in; 2, 4 and 8 bits, PackedGemvHalf2.cu): the Half2 kernel (and its
///   launch with programmatic dependent launch) with the input dimension also split across blocks, so
///   that narrow layers still fill the machine: the grid is column tiles x `splits`, split s takes
///   the groups s·G … (s + 1)·G − 1, G = ceil(groups / splits) (K boundaries on group boundaries; a
///   trailing split may hold fewer groups, or none). With one split it is the Half2 kernel on a
///   tile grid. Otherwise each block writes its float32 sums to a workspace [split][m][out], then
///   counts its arrival on its column tile (__threadfence, atomicAdd); the last block of a tile to
///   arrive adds the splits' sums in split order 0, 1, … (deterministic), writes y in float16 and
///   sets the tile's counter back to 0, so counters zeroed once serve every later launch of the
///   stream. No block waits for another. completeGemvConfig() chooses the launch: 128 threads, and
///   the tile width (16, 32 or 64 columns) and split count that fill one wave of resident blocks
///   (the occupancy of the kernel times the multiprocessors) best.

/// Needs: in and group multiples of 32 (whole units, one group each; true for every Llama shape
/// at groups 32 / 64 / 128), 16-byte aligned qweight and x, 8-byte aligned scales, float16
/// scales. gemvSupports() says so; otherwise callers dequantize and multiply. The Mma kernel also
/// needs in to be a multiple of its k-block, 128 / bits values (gemvMmaSupports()).

#include <cuda_runtime_api.h>

#include <cstdint>

namespace qat::kernels::cuda {

/// Rows of x the GEMV kernels take (the CPU's kFusedMaxRows too).
inline constexpr int kGemvMaxRows = 8;
/// Threads a block at most (__launch_bounds__: at most 128 registers a thread).
inline constexpr int kGemvMaxThreads = 512;

struct GemvArgs {
    const uint32_t* qweight = nullptr; ///< (in * bits / 32, out)
    const uint32_t* qzeros = nullptr;  ///< (in / group, out * bits / 32)
    const void* scales = nullptr;      ///< (in / group, out) float16
    const void* x = nullptr;           ///< (m, in) float16, row-major
    void* y = nullptr;                 ///< (m, out) float16, row-major, written
    int64_t in = 0;
    int64_t out = 0;
    int64_t group = 0;
    int bits = 0;
    int m = 0; ///< 1 … kGemvMaxRows
    /// Split-K kernels with more than one split: (splits, m, out) float32, written then read
    /// within the launch (no initial value needed).
    float* workspace = nullptr;
    /// Split-K kernels with more than one split: one counter per column tile (out / (4·colQuads),
    /// rounded up), all 0 before the launch; the launch leaves them 0. Launches that share them
    /// must not run concurrently (one set per stream).
    unsigned int* counters = nullptr;
};

enum class GemvKernel {
    Auto = 0,
    Simt = 1,
    Mma = 2,
    Half2 = 3,
    Half2Pdl = 4,
    Half2SplitK = 5,
    Half2SplitKPdl = 6
};

/// Every kernel a launch may name (not Auto), for checks and benchmarks.
inline constexpr GemvKernel kGemvKernels[] = {GemvKernel::Simt,        GemvKernel::Mma,
                                              GemvKernel::Half2,       GemvKernel::Half2Pdl,
                                              GemvKernel::Half2SplitK, GemvKernel::Half2SplitKPdl};

/// Launch shape. Fields left 0 / Auto are chosen (completeGemvConfig()).
struct GemvConfig {
    int colQuads = 0; ///< Simt, Half2*: column quads per block: 2, 4, 8, 16 or 32 (8 … 128 columns)
    int threads = 0;  ///< threads per block: 64 … 512, a multiple of 32 (Mma: 32 columns per block)
    GemvKernel kernel = GemvKernel::Auto;
    int splits = 0; ///< split-K kernels: blocks along the input dimension, 1 … in / group (others: 1)
};

/// True for the kernels that split the input dimension across blocks (they need GemvArgs::workspace
/// and GemvArgs::counters when a launch has more than one split).
inline bool gemvIsSplitK(GemvKernel kernel) {
    return kernel == GemvKernel::Half2SplitK || kernel == GemvKernel::Half2SplitKPdl;
}

/// True when the GEMV kernels take this shape (in % 32 == 0, group % 32 == 0, packable, m in
/// 1 … kGemvMaxRows); alignment is the caller's business.
bool gemvSupports(int64_t in, int64_t out, int bits, int64_t group, int m);

/// True when the Mma kernel takes it too (2, 4 or 8 bits, in a multiple of 128 / bits).
bool gemvMmaSupports(int64_t in, int bits);

/// The kernel Auto runs: Half2 with programmatic dependent launch at 2, 4 and 8 bits (on an H200
/// 1.04–1.27× Simt's speed at Llama-2-7B's shapes, W4 g128 and W2 g64; kernels/README.md), Simt
/// at the widths Half2 does not take.
inline GemvKernel defaultGemvKernel(int bits) {
    return bits == 2 || bits == 4 || bits == 8 ? GemvKernel::Half2Pdl : GemvKernel::Simt;
}

/// The kernel a launch with `config` runs: config.kernel, or defaultGemvKernel() for Auto.
inline GemvKernel resolveGemvKernel(int64_t in, int bits, const GemvConfig& config) {
    (void)in;
    return config.kernel == GemvKernel::Auto ? defaultGemvKernel(bits) : config.kernel;
}

/// "simt", "mma", "half2", "half2-pdl", "half2-splitk", "half2-splitk-pdl" or "auto".
inline const char* gemvKernelName(GemvKernel kernel) {
    switch (kernel) {
    case GemvKernel::Simt:
        return "simt";
    case GemvKernel::Mma:
        return "mma";
    case GemvKernel::Half2:
        return "half2";
    case GemvKernel::Half2Pdl:
        return "half2-pdl";
    case GemvKernel::Half2SplitK:
        return "half2-splitk";
    case GemvKernel::Half2SplitKPdl:
        return "half2-splitk-pdl";
    default:
        return "auto";
    }
}

/// True when the Half2 kernels take this width (2, 4 or 8 bits; the shape as gemvSupports()).
bool gemvHalf2Supports(int bits);

/// True when `kernel` (not Auto) takes this shape, gemvSupports() given.
inline bool gemvKernelSupports(GemvKernel kernel, int64_t in, int bits) {
    if (kernel == GemvKernel::Mma) return gemvMmaSupports(in, bits);
    if (kernel == GemvKernel::Half2 || kernel == GemvKernel::Half2Pdl || gemvIsSplitK(kernel))
        return gemvHalf2Supports(bits);
    return true;
}

/// The default launch (tuned on an H100, see PackedGemv.cu): Simt, 16 columns a block, 256
/// threads, or 128 when that still gives three blocks per multiprocessor.
GemvConfig chooseGemvConfig(int64_t in, int64_t out, int bits, int device);

/// `config` with every field filled in, as launchGemv() will run it: Auto becomes chooseGemvConfig()'s
/// kernel and launch shape, threads 0 become 256 (split-K: 128), colQuads 0 become 4 (split-K:
/// chosen with the splits), splits 0 become 1 (split-K: chosen, see PackedGemv.cuh's Half2SplitK).
/// Callers size the split-K workspace and counters from it. Throws std::invalid_argument for a shape
/// the kernel does not take; the launch shape itself is checked by launchGemv().
GemvConfig completeGemvConfig(int64_t in, int64_t out, int bits, int64_t group, int m, GemvConfig config,
                              int device);

/// Column tiles of a launch (the split-K counters it needs): out / (4·colQuads), rounded up.
inline int64_t gemvColumnTiles(int64_t out, const GemvConfig& complete) {
    const int64_t width = 4 * static_cast<int64_t>(complete.colQuads);
    return (out + width - 1) / width;
}

/// The device's multiprocessor count, queried once per device.
int gemvMultiprocessors(int device);

/// The Mma kernel alone (PackedGemvMma.cu), `threads` a block; launchGemv() checks its arguments.
void launchGemvMma(const GemvArgs& args, int threads, cudaStream_t stream);

/// The Half2 kernel alone (PackedGemvHalf2.cu), `colQuads` x `threads` a block, with programmatic
/// dependent launch when `pdl`; launchGemv() checks its arguments.
void launchGemvHalf2(const GemvArgs& args, int colQuads, int threads, bool pdl, cudaStream_t stream);

/// The split-K launch shape for the fields of `config` left 0 (PackedGemvHalf2.cu; see Half2SplitK):
/// threads 128; colQuads 16, 8 or 4 and splits 1 … in / group, filling one wave of resident blocks best.
GemvConfig chooseGemvSplitKConfig(int64_t in, int64_t out, int bits, int64_t group, int m, GemvConfig config,
                                  int device);

/// The Half2SplitK kernel alone (PackedGemvHalf2.cu): `colQuads` x `threads` a block, a grid of column
/// tiles x `splits`, programmatic dependent launch when `pdl`; launchGemv() checks its arguments.
void launchGemvHalf2SplitK(const GemvArgs& args, int colQuads, int threads, int splits, bool pdl,
                           cudaStream_t stream);

/// Launches the GEMV on `stream` (config fields left 0 are chosen). Throws std::invalid_argument
/// for an unsupported shape or launch shape, std::runtime_error on a CUDA error.
void launchGemv(const GemvArgs& args, GemvConfig config, int device, cudaStream_t stream);

} // namespace qat::kernels::cuda
