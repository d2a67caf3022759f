// SPDX-License-Identifier: GPL-3.0-or-later
// GPTQ on one layer against the paper's algorithm written here in plain float64 torch: column
// by column (no lazy batches), each group's min-max scale and zero point taken from the columns
// as the earlier updates left them. Core's lazy-batch version gives the same integers in
// float64 for any block size (also blocks that cut groups in two), and the same up to float32
// rounding in float32. Dead inputs, the dampening retry and a Hessian that cannot be factored.
#include "methods/GptqLayer.h"

#include "qat/Status.h"

#include <QtTest>

#include <torch/torch.h>

#include <cmath>

using namespace qat;
using torch::indexing::Slice;

namespace {

struct Reference {
    torch::Tensor codes, scale, zero; // float64
};

// The quantizer every method uses, spelled out: s = (max - min) / (2^b - 1) within [1e-4, 1e4],
// z = round(-min / s) within the code range, q = clamp(round(w / s) + z, 0, 2^b - 1).
void groupParams(const torch::Tensor& cols, int bits, torch::Tensor& s, torch::Tensor& z) {
    const double maxq = std::pow(2.0, bits) - 1.0;
    const torch::Tensor lo = std::get<0>(cols.min(1)), hi = std::get<0>(cols.max(1));
    s = ((hi - lo) / maxq).clamp(1e-4, 1e4);
    z = torch::round(torch::clamp(-lo / s, -1e4, 1e4)).clamp(0.0, maxq);
}

// Algorithm 1 of the GPTQ paper with groups, one column at a time.
Reference paperGptq(torch::Tensor w, torch::Tensor h, int bits, int64_t group, double damp) {
    w = w.to(torch::kFloat64).clone();
    h = h.to(torch::kFloat64).clone();
    const int64_t in = w.size(1);
    if (group <= 0 || group >= in) group = in;
    const double maxq = std::pow(2.0, bits) - 1.0;
    for (int64_t i = 0; i < in; ++i)
        if (h[i][i].item<double>() == 0.0) {
            h[i][i] = 1.0;
            w.select(1, i).zero_();
        }
    h += damp * h.diagonal().mean() * torch::eye(in, h.options());
    const torch::Tensor u = torch::linalg_cholesky(torch::inverse(h)).transpose(0, 1); // upper
    const int64_t groups = (in + group - 1) / group;
    Reference r{torch::zeros_like(w), torch::zeros({w.size(0), groups}, w.options()),
                torch::zeros({w.size(0), groups}, w.options())};
    torch::Tensor s, z;
    for (int64_t j = 0; j < in; ++j) {
        if (j % group == 0) {
            groupParams(w.index({Slice(), Slice(j, std::min(j + group, in))}), bits, s, z);
            r.scale.select(1, j / group).copy_(s);
            r.zero.select(1, j / group).copy_(z);
        }
        const torch::Tensor col = w.select(1, j).clone();
        const torch::Tensor q = torch::clamp(torch::round(col / s) + z, 0.0, maxq);
        r.codes.select(1, j).copy_(q);
        const torch::Tensor err = (col - (q - z) * s) / u[j][j];
        w.index({Slice(), Slice(j, in)}) -= err.unsqueeze(1) * u.index({j, Slice(j, in)}).unsqueeze(0);
    }
    return r;
}

// A layer whose inputs are correlated (as activations are), so that GPTQ moves the codes.
void randomLayer(int64_t out, int64_t in, int64_t tokens, uint64_t seed, torch::Tensor& w, torch::Tensor& h) {
    torch::manual_seed(seed);
    w = torch::randn({out, in}, torch::kFloat64) * 0.05;
    const torch::Tensor mix = torch::randn({in, in}, torch::kFloat64) / std::sqrt(static_cast<double>(in));
    const torch::Tensor x =
        torch::randn({tokens, in}, torch::kFloat64).matmul(mix + torch::eye(in, torch::kFloat64)) +
        torch::randn({in}, torch::kFloat64);
    h = 2.0 / static_cast<double>(tokens) * x.t().matmul(x);
}

} // namespace

class TestGptq : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void equalsThePapersAlgorithm_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<qlonglong>("group");
        QTest::addColumn<qlonglong>("blockSize");
        QTest::newRow("W4 g32, blocks of 128") << 4 << 32LL << 128LL;
        QTest::newRow("W3 g48, blocks of 32 (groups cut by blocks)") << 3 << 48LL << 32LL;
        QTest::newRow("W2 g64, blocks of 128") << 2 << 64LL << 128LL;
        QTest::newRow("W4 whole rows, blocks of 40") << 4 << 0LL << 40LL;
        QTest::newRow("W2 g50 (ragged last group), blocks of 16") << 2 << 50LL << 16LL;
    }

    void equalsThePapersAlgorithm() {
        QFETCH(int, bits);
        QFETCH(qlonglong, group);
        QFETCH(qlonglong, blockSize);
        torch::Tensor w, h;
        randomLayer(24, 160, 2048, 7, w, h);
        const QuantSpec spec{bits, group};
        const Reference ref = paperGptq(w, h, bits, group, 0.01);

        // float64: the same integers, scales and zero points.
        const GptqLayer core64 = gptqQuantizeLayer(w, h, spec, 0.01, blockSize, "layer");
        QCOMPARE(core64.codes.scalar_type(), torch::kUInt8);
        QVERIFY(torch::equal(core64.codes.to(torch::kFloat64), ref.codes));
        QVERIFY(torch::allclose(core64.scale, ref.scale, 1e-12, 0.0));
        QVERIFY(torch::equal(core64.zero, ref.zero));
        QCOMPARE(core64.damp, 0.01);

        // GPTQ moved the codes away from round-to-nearest, and lowered the layer's output error
        // tr((W - Ŵ) H (W - Ŵ)ᵀ).
        auto outputError = [&](const torch::Tensor& codes, const torch::Tensor& s, const torch::Tensor& z) {
            const int64_t g = group > 0 ? group : w.size(1);
            const torch::Tensor sg = s.repeat_interleave(g, 1).narrow(1, 0, w.size(1));
            const torch::Tensor zg = z.repeat_interleave(g, 1).narrow(1, 0, w.size(1));
            const torch::Tensor d = w - (codes.to(torch::kFloat64) - zg) * sg;
            return d.matmul(h).mul(d).sum().item<double>();
        };
        torch::Tensor sr, zr;
        const int64_t g = group > 0 ? group : w.size(1);
        const int64_t groups = (w.size(1) + g - 1) / g;
        sr = torch::empty({w.size(0), groups}, torch::kFloat64);
        zr = torch::empty_like(sr);
        torch::Tensor rtn = torch::empty_like(w);
        for (int64_t k = 0; k < groups; ++k) {
            const torch::Tensor cols = w.index({Slice(), Slice(k * g, std::min((k + 1) * g, w.size(1)))});
            torch::Tensor s, z;
            groupParams(cols, bits, s, z);
            sr.select(1, k).copy_(s);
            zr.select(1, k).copy_(z);
            rtn.index_put_({Slice(), Slice(k * g, std::min((k + 1) * g, w.size(1)))},
                           torch::clamp(torch::round(cols / s.unsqueeze(1)) + z.unsqueeze(1), 0.0,
                                        std::pow(2.0, bits) - 1.0));
        }
        const double gptqError = outputError(ref.codes, ref.scale, ref.zero),
                     rtnError = outputError(rtn, sr, zr);
        QVERIFY2(gptqError < 0.9 * rtnError,
                 qPrintable(QStringLiteral("GPTQ %1, RTN %2").arg(gptqError).arg(rtnError)));

        // float32 (how runs compute): the same integers up to float32 rounding.
        const GptqLayer core32 =
            gptqQuantizeLayer(w.to(torch::kFloat32), h.to(torch::kFloat32), spec, 0.01, blockSize, "layer");
        const double agree =
            core32.codes.to(torch::kFloat64).eq(ref.codes).to(torch::kFloat64).mean().item<double>();
        QVERIFY2(agree >= 0.995, qPrintable(QStringLiteral("%1 of the codes agree").arg(agree)));
        QVERIFY(torch::allclose(core32.scale.to(torch::kFloat64), ref.scale, 1e-3, 1e-6));
    }

    // An input that is never active: a unit diagonal and zero weights, as GPTQ does; the other
    // columns as the paper's algorithm gives them.
    void deadInputs() {
        torch::Tensor w, h;
        randomLayer(16, 64, 1024, 11, w, h);
        for (int64_t i : {3, 40}) {
            h.select(0, i).zero_();
            h.select(1, i).zero_();
        }
        const GptqLayer core = gptqQuantizeLayer(w, h, QuantSpec{4, 32}, 0.01, 128, "layer");
        QCOMPARE(core.deadInputs, int64_t{2});
        const Reference ref = paperGptq(w, h, 4, 32, 0.01);
        QVERIFY(torch::equal(core.codes.to(torch::kFloat64), ref.codes));
        // The dead columns dequantize to 0 (their code is the zero point).
        for (int64_t i : {3, 40})
            QVERIFY(torch::equal(core.codes.select(1, i).to(torch::kFloat64), core.zero.select(1, i / 32)));
    }

    // A Hessian with a negative eigenvalue: 1% dampening cannot make it positive definite, 10x
    // more does, and the layer says which it used; the result is the paper's with that dampening.
    void dampeningRetry() {
        torch::Tensor w, h;
        randomLayer(8, 32, 512, 5, w, h);
        // The smallest eigenvalue moved to -5% of the mean diagonal: positive definite only
        // from about 5% dampening on.
        const double mean = h.diagonal().mean().item<double>();
        auto [values, vectors] = torch::linalg_eigh(h);
        const torch::Tensor q0 = vectors.select(1, 0);
        h = h + (-0.05 * mean - values[0].item<double>()) * torch::outer(q0, q0);
        const double mean2 = h.diagonal().mean().item<double>();
        const double smallest = torch::linalg_eigvalsh(h).min().item<double>();
        QVERIFY(smallest < -0.02 * mean2 && smallest > -0.08 * mean2);
        const GptqLayer core = gptqQuantizeLayer(w, h, QuantSpec{3, 16}, 0.01, 128, "layer");
        QVERIFY(std::abs(core.damp - 0.1) < 1e-12);
        QVERIFY(torch::equal(core.codes.to(torch::kFloat64), paperGptq(w, h, 3, 16, 0.1).codes));
    }

    void unfactorableHessianIsNamed() {
        torch::Tensor w, h;
        randomLayer(8, 32, 512, 5, w, h);
        h.index_put_({0, 0}, std::nan(""));
        try {
            gptqQuantizeLayer(w, h, QuantSpec{4, 16}, 0.01, 128, "model.layers.3.mlp.up_proj.weight");
            QFAIL("a NaN Hessian was accepted");
        } catch (const Error& e) {
            QCOMPARE(e.kind(), ErrorKind::NonFinite);
            QVERIFY2(QString::fromStdString(e.what()).contains("model.layers.3.mlp.up_proj.weight"),
                     e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestGptq)
#include "TestGptq.moc"
