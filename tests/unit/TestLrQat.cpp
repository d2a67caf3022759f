// SPDX-License-Identifier: GPL-3.0-or-later
// LR-QAT's pieces on random weights: the symmetric quantizer and its Lp range search, the
// int8 fixed-point Φ0, the LR-QAT linear (A = 0 is round-to-nearest with the same step, the
// merged layer computes exactly what the trained one does, the backward that rebuilds ŵ
// gives the gradients of the plain composition).
#include "quant/FakeQuant.h"
#include "quant/LrQatLinear.h"
#include "quant/QuantLinear.h"

#include <ATen/CPUGeneratorImpl.h>
#include <QtTest>

using namespace qat;
using namespace qat::quant;
using torch::Tensor;

namespace {

// A dense layer with a heavy-tailed weight (a few outliers per row, as LLM weights have).
std::shared_ptr<DenseLinear> denseLayer(int64_t out, int64_t in, uint64_t seed, bool bias = false) {
    torch::manual_seed(seed);
    Tensor w = torch::randn({out, in}) * 0.05;
    w.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, in, 17)},
                 torch::randn({out, (in + 16) / 17}) * 0.3);
    return std::make_shared<DenseLinear>(w, bias ? torch::randn({out}) * 0.1 : Tensor());
}

LrQatLayerOptions layerOptions(Phi0Storage phi0, bool checkpointing = true) {
    LrQatLayerOptions o;
    o.rank = 4;
    o.adapterScale = 1.0;
    o.phi0 = phi0;
    o.weightCheckpointing = checkpointing;
    return o;
}

std::shared_ptr<LrQatLinear> lrQatLayer(DenseLinear& dense, const QuantSpec& spec, const LrQatLayerOptions& o,
                                        uint64_t seed = 7) {
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
    return std::make_shared<LrQatLinear>(dense, spec, o, g);
}

// A, B set so that c·A·B moves Φ0 by up to a few integers.
void perturb(LrQatLinear& layer, uint64_t seed) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    layer.a.copy_(torch::randn(layer.a.sizes()) * 2.0);
    layer.b.copy_(torch::randn(layer.b.sizes()) * 0.5);
}

} // namespace

class TestLrQat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void zeroAdaptersAreRoundToNearest_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("group");
        QTest::addColumn<int>("phi0");
        for (int bits : {2, 3, 4, 8})
            for (int group : {0, 32, 24}) // whole rows, even groups, a ragged last group (in = 80)
                for (Phi0Storage s : {Phi0Storage::Int8, Phi0Storage::Float32})
                    QTest::addRow("W%d g%d %s", bits, group, phi0StorageName(s)) << bits << group << int(s);
    }
    void zeroAdaptersAreRoundToNearest() {
        QFETCH(int, bits);
        QFETCH(int, group);
        QFETCH(int, phi0);
        const QuantSpec spec{bits, group};
        auto dense = denseLayer(48, 80, 1, true);
        auto layer = lrQatLayer(*dense, spec, layerOptions(static_cast<Phi0Storage>(phi0)));
        QVERIFY(torch::equal(layer->a, torch::zeros_like(layer->a)));
        // Round-to-nearest with the same symmetric step sizes.
        const ScaleZero sz = symmetricInit(dense->weight, bits, group, RangeInit::Lp, 4.0);
        QVERIFY(torch::equal(sz.zero, torch::full_like(sz.zero, double(symmetricZero(bits)))));
        const Tensor codes = quantizeCodes(dense->weight, sz.scale, sz.zero, bits, group);
        const Tensor rtn = dequantize(codes, sz.scale, sz.zero, group);
        QVERIFY(torch::equal(layer->effectiveWeight(), rtn));
        const Tensor x = torch::randn({3, 5, 80});
        const FrozenQuantLinear frozen(codes, sz.scale, sz.zero, dense->biasTensor, spec, torch::kFloat32);
        QVERIFY(torch::equal(layer->forward(x), const_cast<FrozenQuantLinear&>(frozen).forward(x)));
        // The symmetric integers use the whole signed range (the Lp step clips the outliers).
        const Tensor q = layer->integers();
        QCOMPARE(q.min().item<double>(), double(symmetricMin(bits)));
        QCOMPARE(q.max().item<double>(), double(symmetricMax(bits)));
    }

    void fixedPointPhi0RoundTrips() {
        for (int bits = 2; bits <= 8; ++bits) {
            torch::manual_seed(bits);
            const double lo = double(symmetricMin(bits)), hi = double(symmetricMax(bits));
            Tensor phi = torch::rand({257, 129}, torch::kFloat64).mul(hi - lo).add(lo).to(torch::kFloat32);
            // Exact ties and values next to them, where the fixed point could round the other way.
            phi.select(0, 0).copy_(torch::linspace(lo, hi, 129).round() + 0.5f - 1.0f / 64);
            phi.select(0, 1).copy_(torch::linspace(lo, hi, 129).round() - 0.5f + 1.0f / 64);
            phi = phi.clamp(lo, hi);
            const Tensor stored = storePhi0(phi, bits, Phi0Storage::Int8);
            QCOMPARE(stored.scalar_type(), torch::kInt8);
            QCOMPARE(stored.element_size(), int64_t(1));
            const Tensor back = loadPhi0(stored, bits);
            const double step = std::ldexp(1.0, bits - 8); // one fixed-point step: the documented bound
            const double worst = (back - phi).abs().max().item<double>();
            QVERIFY2(worst <= step + 1e-6,
                     qPrintable(QStringLiteral("W%1: error %2 > %3").arg(bits).arg(worst).arg(step)));
            QVERIFY2(torch::equal(torch::round(back), torch::round(phi)),
                     qPrintable(QStringLiteral("W%1: a stored Φ0 rounds to another integer").arg(bits)));
            // Away from the rounding boundaries it is plain rounding to the grid: half a step.
            const Tensor interior =
                (back - phi).abs().masked_select((phi - torch::round(phi)).abs() < 0.5 - step);
            if (bits <= 5) QVERIFY(interior.numel() > phi.numel() / 2);
            if (interior.numel() > 0) QVERIFY(interior.max().item<double>() <= step / 2 + 1e-6);
            // bfloat16 and float32 storage
            QVERIFY(torch::equal(loadPhi0(storePhi0(phi, bits, Phi0Storage::Float32), bits), phi));
            QVERIFY((loadPhi0(storePhi0(phi, bits, Phi0Storage::BFloat16), bits) - phi)
                        .abs()
                        .max()
                        .item<double>() <= std::max(std::abs(lo), hi) * std::ldexp(1.0, -8));
        }
    }

    void mergedLayerReproducesTrainedForward_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("group");
        QTest::addColumn<bool>("bf16");
        QTest::newRow("W4 g0") << 4 << 0 << false;
        QTest::newRow("W3 g32") << 3 << 32 << false;
        QTest::newRow("W2 g24 ragged") << 2 << 24 << false;
        QTest::newRow("W4 g32 bfloat16 compute") << 4 << 32 << true;
    }
    void mergedLayerReproducesTrainedForward() {
        QFETCH(int, bits);
        QFETCH(int, group);
        QFETCH(bool, bf16);
        const QuantSpec spec{bits, group};
        auto dense = denseLayer(48, 80, 2, true);
        if (bf16) {
            dense->weight = dense->weight.to(torch::kBFloat16);
            dense->biasTensor = dense->biasTensor.to(torch::kBFloat16);
        }
        auto layer = lrQatLayer(*dense, spec, layerOptions(Phi0Storage::Int8));
        perturb(*layer, 3);
        {
            torch::NoGradGuard noGrad;
            layer->scale.mul_(1.0 + 0.1 * torch::rand(layer->scale.sizes())); // trained step sizes
        }
        const Tensor integers = layer->integers();
        const Tensor z = loadPhi0(layer->phi0, bits);
        QVERIFY2(!torch::equal(integers, torch::round(z)), "the adapters must change some integers");
        const Tensor x = torch::randn({2, 7, 80}).to(bf16 ? torch::kBFloat16 : torch::kFloat32);
        const Tensor trained = layer->forward(x).detach();
        const auto merged = layer->merge();
        QVERIFY(torch::equal(merged->zero, torch::full_like(merged->zero, double(symmetricZero(bits)))));
        QVERIFY(torch::equal(merged->codes.to(torch::kFloat32) - double(symmetricZero(bits)), integers));
        QVERIFY(torch::equal(merged->forward(x), trained));
        QVERIFY(torch::equal(merged->effectiveWeight(), layer->effectiveWeight()));
    }

    void rebuiltBackwardMatchesComposition_data() {
        QTest::addColumn<int>("group");
        QTest::addColumn<bool>("bf16Adapters");
        QTest::newRow("g0") << 0 << false;
        QTest::newRow("g32") << 32 << false;
        QTest::newRow("g24 ragged") << 24 << false;
        QTest::newRow("g32 bf16 adapters") << 32 << true;
    }
    void rebuiltBackwardMatchesComposition() {
        QFETCH(int, group);
        QFETCH(bool, bf16Adapters);
        const QuantSpec spec{3, group};
        auto dense = denseLayer(40, 80, 4, true);
        LrQatLayerOptions o = layerOptions(Phi0Storage::Int8, true);
        o.bf16Adapters = bf16Adapters;
        auto fast = lrQatLayer(*dense, spec, o, 11);
        o.weightCheckpointing = false;
        auto plain = lrQatLayer(*dense, spec, o, 11);
        perturb(*fast, 5);
        perturb(*plain, 5);
        QVERIFY(torch::equal(fast->b, plain->b));
        torch::manual_seed(6);
        const Tensor x0 = torch::randn({3, 6, 80});
        const Tensor r = torch::randn({3, 6, 40});
        Tensor xf = x0.clone().requires_grad_(true), xp = x0.clone().requires_grad_(true);
        const Tensor yf = fast->forward(xf), yp = plain->forward(xp);
        QVERIFY(torch::equal(yf, yp));
        (yf * r).sum().backward();
        (yp * r).sum().backward();
        auto close = [](const Tensor& a, const Tensor& b, const char* what) {
            QVERIFY2(a.defined() && b.defined(), what);
            const double scale = b.abs().max().item<double>();
            QVERIFY2(scale > 0, what);
            const double err =
                (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().max().item<double>() / scale;
            QVERIFY2(err < 2e-5, qPrintable(QStringLiteral("%1: relative error %2").arg(what).arg(err)));
        };
        close(xf.grad(), xp.grad(), "x");
        close(fast->a.grad(), plain->a.grad(), "A");
        close(fast->b.grad(), plain->b.grad(), "B");
        close(fast->scale.grad(), plain->scale.grad(), "s");
    }

    void lpRangeSearchLowersTheLpError() {
        for (int bits : {2, 3, 4}) {
            for (int group : {0, 32, 24}) {
                auto dense = denseLayer(64, 80, 8 + bits);
                const Tensor& w = dense->weight;
                for (double p : {2.0, 4.0}) {
                    const Tensor lp = symmetricInit(w, bits, group, RangeInit::Lp, p).scale;
                    const Tensor mm = symmetricInit(w, bits, group, RangeInit::MinMax, p).scale;
                    QVERIFY(torch::all(lp <= mm).item<bool>()); // a fraction of the min-max step
                    const double eLp = lpError(w, lp, bits, group, p), eMm = lpError(w, mm, bits, group, p);
                    QVERIFY2(eLp < eMm, qPrintable(QStringLiteral("W%1 g%2 p%3: %4 >= %5")
                                                       .arg(bits)
                                                       .arg(group)
                                                       .arg(p)
                                                       .arg(eLp)
                                                       .arg(eMm)));
                    // No single candidate does better on the whole weight than the per-group choice.
                    for (double ratio : {0.3, 0.5, 0.7, 0.9})
                        QVERIFY(eLp <= lpError(w, mm * ratio, bits, group, p) * (1 + 1e-6));
                }
            }
        }
        // Min-max clips nothing: the largest weight of each row is reproduced exactly.
        auto dense = denseLayer(16, 64, 20);
        const Tensor mm = symmetricInit(dense->weight, 4, 0, RangeInit::MinMax).scale;
        QVERIFY(torch::allclose(mm.squeeze(1) * 7.0, dense->weight.abs().amax(1)));
    }

    void rejectsBadArguments() {
        auto dense = denseLayer(8, 16, 1);
        LrQatLayerOptions o = layerOptions(Phi0Storage::Int8);
        o.rank = 0;
        QVERIFY_THROWS_EXCEPTION(c10::Error, lrQatLayer(*dense, QuantSpec{4, 0}, o));
        QVERIFY_THROWS_EXCEPTION(c10::Error, symmetricInit(dense->weight, 4, 0, RangeInit::Lp, 0.0));
    }
};

QTEST_GUILESS_MAIN(TestLrQat)
#include "TestLrQat.moc"
