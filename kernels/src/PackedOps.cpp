// SPDX-License-Identifier: GPL-3.0-or-later
// Torch pack / unpack and dequantization over the packed layout (PackedOps.h).

#include "qat/kernels/PackedOps.h"

#include "BitStream.h"
#include "Dequant.h"
#include "Dispatch.h"
#include "qat/kernels/PackedLayout.h"

#include <ATen/Parallel.h>

#include <algorithm>

namespace qat::kernels {
namespace {

void checkBits(int bits, const char* what) {
    TORCH_CHECK(layout::isSupportedBits(bits), what, ": bits must be 2, 3, 4 or 8, got ", bits);
}

/// A CPU 2-D integer tensor, as contiguous int32.
torch::Tensor intMatrix(const torch::Tensor& t, const char* name, const char* what) {
    TORCH_CHECK(t.defined(), what, ": ", name, " is undefined");
    TORCH_CHECK(t.device().is_cpu(), what, ": ", name, " must be on the CPU, got ", t.device());
    TORCH_CHECK(t.dim() == 2, what, ": ", name, " must be 2-D, got shape ", t.sizes());
    TORCH_CHECK(!c10::isFloatingType(t.scalar_type()) && !c10::isComplexType(t.scalar_type()) &&
                    t.scalar_type() != torch::kBool,
                what, ": ", name, " must be an integer tensor, got ", t.scalar_type());
    return t.to(torch::kInt32).contiguous();
}

/// Values checked against [0, 2^bits) before they are narrowed to int32 (an int64 code of
/// 2^32 + 1 must not wrap into range).
torch::Tensor codeMatrix(const torch::Tensor& t, int bits, const char* name, const char* what) {
    TORCH_CHECK(t.defined() && t.numel() > 0, what, ": ", name, " is empty");
    if (t.device().is_cpu() && !c10::isFloatingType(t.scalar_type()) && t.scalar_type() != torch::kBool) {
        const int64_t lo = t.min().item<int64_t>();
        const int64_t hi = t.max().item<int64_t>();
        TORCH_CHECK(lo >= 0 && hi <= layout::maxCode(bits), what, ": ", name, " values span [", lo, ", ", hi,
                    "], outside [0, ", layout::maxCode(bits), "] for ", bits, " bits");
    }
    return intMatrix(t, name, what);
}

const uint32_t* wordsOf(const torch::Tensor& t) {
    return reinterpret_cast<const uint32_t*>(t.data_ptr<int32_t>());
}
uint32_t* wordsOf(torch::Tensor& t) {
    return reinterpret_cast<uint32_t*>(t.data_ptr<int32_t>());
}

} // namespace

PackedShape checkPacked(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                        const torch::Tensor& scales, int bits, int64_t group) {
    constexpr const char* what = "packed weight";
    checkBits(bits, what);
    for (const auto* t : {&qweight, &qzeros, &scales})
        TORCH_CHECK(t->defined() && t->dim() == 2, what, ": qweight, qzeros and scales must be 2-D");
    TORCH_CHECK(qzeros.device() == qweight.device() && scales.device() == qweight.device(), what,
                ": qweight, qzeros and scales must be on one device, got ", qweight.device(), ", ",
                qzeros.device(), " and ", scales.device());
    TORCH_CHECK(qweight.scalar_type() == torch::kInt32 && qzeros.scalar_type() == torch::kInt32, what,
                ": qweight and qzeros must be int32, got ", qweight.scalar_type(), " and ",
                qzeros.scalar_type());
    TORCH_CHECK(scales.scalar_type() == torch::kHalf || scales.scalar_type() == torch::kBFloat16 ||
                    scales.scalar_type() == torch::kFloat,
                what, ": scales must be float16, bfloat16 or float32, got ", scales.scalar_type());

    PackedShape shape;
    shape.in = qweight.size(0) * layout::kWordBits / bits;
    shape.out = qweight.size(1);
    shape.groups = group > 0 ? shape.in / group : 0;
    TORCH_CHECK(qweight.size(0) > 0 && shape.out > 0, what, ": qweight shape ", qweight.sizes(), " is empty");
    TORCH_CHECK((qweight.size(0) * layout::kWordBits) % bits == 0, what, ": qweight rows ", qweight.size(0),
                " are not whole values for ", bits, " bits");
    const char* error = layout::shapeError(shape.in, shape.out, bits, group);
    TORCH_CHECK(error == nullptr, what, ": ", error ? error : "", " (in = ", shape.in, ", out = ", shape.out,
                ", bits = ", bits, ", group = ", group, ")");
    TORCH_CHECK(qzeros.size(0) == shape.groups && qzeros.size(1) == layout::qzerosCols(shape.out, bits), what,
                ": qzeros shape ", qzeros.sizes(), " should be (", shape.groups, ", ",
                layout::qzerosCols(shape.out, bits), ") for qweight ", qweight.sizes());
    TORCH_CHECK(scales.size(0) == shape.groups && scales.size(1) == shape.out, what, ": scales shape ",
                scales.sizes(), " should be (", shape.groups, ", ", shape.out, ") for qweight ",
                qweight.sizes());
    return shape;
}

torch::Tensor packQWeight(const torch::Tensor& codes, int bits) {
    constexpr const char* what = "packQWeight";
    checkBits(bits, what);
    const torch::Tensor c = codeMatrix(codes, bits, "codes (in, out)", what);
    const int64_t in = c.size(0), out = c.size(1);
    TORCH_CHECK(layout::isPackableLength(in, bits), what, ": in = ", in, " must be a multiple of ",
                layout::valuesPerBlock(bits), " for ", bits, " bits");
    torch::Tensor packed = torch::zeros({layout::qweightRows(in, bits), out}, torch::kInt32);
    detail::packRows(c.data_ptr<int32_t>(), in, out, bits, wordsOf(packed));
    return packed;
}

torch::Tensor unpackQWeight(const torch::Tensor& qweight, int bits) {
    constexpr const char* what = "unpackQWeight";
    checkBits(bits, what);
    TORCH_CHECK(qweight.defined() && qweight.scalar_type() == torch::kInt32, what, ": qweight must be int32");
    const torch::Tensor q = intMatrix(qweight, "qweight", what);
    const int64_t in = q.size(0) * layout::kWordBits / bits, out = q.size(1);
    torch::Tensor codes = torch::empty({in, out}, torch::kInt32);
    detail::unpackRows(wordsOf(q), in, out, bits, codes.data_ptr<int32_t>());
    return codes;
}

torch::Tensor packQZeros(const torch::Tensor& zeros, int bits) {
    constexpr const char* what = "packQZeros";
    checkBits(bits, what);
    const torch::Tensor z = codeMatrix(zeros, bits, "zeros (groups, out)", what);
    const int64_t groups = z.size(0), out = z.size(1);
    TORCH_CHECK(layout::isPackableLength(out, bits), what, ": out = ", out, " must be a multiple of ",
                layout::valuesPerBlock(bits), " for ", bits, " bits");
    torch::Tensor packed = torch::zeros({groups, layout::qzerosCols(out, bits)}, torch::kInt32);
    detail::packCols(z.data_ptr<int32_t>(), groups, out, bits, wordsOf(packed));
    return packed;
}

torch::Tensor unpackQZeros(const torch::Tensor& qzeros, int bits) {
    constexpr const char* what = "unpackQZeros";
    checkBits(bits, what);
    TORCH_CHECK(qzeros.defined() && qzeros.scalar_type() == torch::kInt32, what, ": qzeros must be int32");
    const torch::Tensor q = intMatrix(qzeros, "qzeros", what);
    const int64_t groups = q.size(0), out = q.size(1) * layout::kWordBits / bits;
    TORCH_CHECK(q.size(1) * layout::kWordBits % bits == 0, what, ": qzeros columns ", q.size(1),
                " are not whole values for ", bits, " bits");
    torch::Tensor zeros = torch::empty({groups, out}, torch::kInt32);
    detail::unpackCols(wordsOf(q), groups, out, bits, zeros.data_ptr<int32_t>());
    return zeros;
}

torch::Tensor gIdxTensor(int64_t in, int64_t group) {
    TORCH_CHECK(in > 0 && group > 0 && in % group == 0, "gIdxTensor: in = ", in,
                " must be a positive multiple of group = ", group);
    return torch::arange(in / group, torch::kInt32).repeat_interleave(group);
}

namespace detail {

PreparedWeight prepareWeight(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                             const torch::Tensor& scales, int bits, int64_t group) {
    PreparedWeight w;
    w.shape = checkPacked(qweight, qzeros, scales, bits, group);
    TORCH_CHECK(qweight.device().is_cpu(), "packed weight: the CPU path needs CPU tensors, got ",
                qweight.device());
    w.bits = bits;
    w.group = group;
    w.qweight = qweight.contiguous();
    w.zeros = unpackQZeros(qzeros, bits).to(torch::kFloat).contiguous();
    w.scales = scales.to(torch::kFloat).contiguous();
    w.words = wordsOf(w.qweight);
    w.zeroData = w.zeros.data_ptr<float>();
    w.scaleData = w.scales.data_ptr<float>();
    return w;
}

QAT_KERNELS_MULTIVERSION
void dequantRows(const PreparedWeight& w, int64_t k0, int64_t k1, float* dst) {
    const int64_t out = w.shape.out;
    for (int64_t k = k0; k < k1; ++k)
        dequantRow(w, k, 0, out, dst + (k - k0) * out);
}

} // namespace detail

namespace {

constexpr int64_t kTransposeTile = 64; ///< dequantize(): output columns and input rows per block

/// Output columns [c0, c1), c1 − c0 <= kTransposeTile, of W (out, in) into dst, through
/// kTransposeTile² blocks of Ŵᵀ.
QAT_KERNELS_MULTIVERSION
void dequantTransposed(const detail::PreparedWeight& w, int64_t c0, int64_t c1, float* dst) {
    const int64_t in = w.shape.in, n = c1 - c0;
    alignas(64) float block[kTransposeTile][kTransposeTile];
    for (int64_t k0 = 0; k0 < in; k0 += kTransposeTile) {
        const int64_t rows = std::min(kTransposeTile, in - k0);
        for (int64_t k = 0; k < rows; ++k)
            detail::dequantRow(w, k0 + k, c0, c1, block[k]);
        for (int64_t c = 0; c < n; ++c) {
            float* __restrict d = dst + (c0 + c) * in + k0;
            for (int64_t k = 0; k < rows; ++k)
                d[k] = block[k][c];
        }
    }
}

} // namespace

namespace detail {

torch::Tensor cpuDequantize(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                            const torch::Tensor& scales, int bits, int64_t group, torch::ScalarType dtype) {
    const detail::PreparedWeight w = detail::prepareWeight(qweight, qzeros, scales, bits, group);
    const int64_t out = w.shape.out;
    torch::Tensor weight = torch::empty({out, w.shape.in}, torch::kFloat);
    float* dst = weight.data_ptr<float>();
    const int64_t tiles = (out + kTransposeTile - 1) / kTransposeTile;
    at::parallel_for(0, tiles, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t)
            dequantTransposed(w, t * kTransposeTile, std::min(out, (t + 1) * kTransposeTile), dst);
    });
    return dtype == torch::kFloat ? weight : weight.to(dtype);
}

} // namespace detail

torch::Tensor dequantize(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                         const torch::Tensor& scales, int bits, int64_t group, torch::ScalarType dtype) {
    constexpr const char* what = "dequantize";
    TORCH_CHECK(dtype == torch::kFloat || dtype == torch::kHalf || dtype == torch::kBFloat16, what,
                ": dtype must be float32, float16 or bfloat16, got ", dtype);
    checkPacked(qweight, qzeros, scales, bits, group);
    return detail::backendFor(qweight.device(), what).dequantize(qweight, qzeros, scales, bits, group, dtype);
}

} // namespace qat::kernels
