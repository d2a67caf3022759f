// SPDX-License-Identifier: GPL-3.0-or-later
// The fused fake-quant autograd function against the plain composition of torch ops and
// against finite differences, and the trainable / frozen quantized linear layers.
//
// What finite differences can check: the true fake-quant is piecewise (round is a step
// function), so its derivative is 0 in w and z and (q - z') in s almost everywhere; the
// straight-through estimator deliberately differs. The STE gradient is the exact gradient
// of the *surrogate* in which each round(x) is replaced by x + c, with c = round(x0) - x0
// frozen at the base point (same value there, slope 1). So the finite-difference checks
// differentiate that surrogate, in float64, at a point built so that every integer code sits
// strictly inside a piece of the clamp (never exactly at 0 or 2^N - 1, where the clamp has a
// kink) and every w/s and z is at least 0.2 from a rounding boundary; there central
// differences are exact up to O(h²). A last check differentiates the true function in s,
// where nothing crosses a rounding boundary, against (q - z') summed over the group.
#include "quant/FakeQuant.h"
#include "quant/QuantLinear.h"

#include <QtTest>

using namespace qat;
using namespace qat::quant;
using torch::Tensor;

namespace {

Tensor columnIndex(int64_t in, int64_t group) {
    return torch::div(torch::arange(in, torch::kLong), groupLayout(in, group).group, "floor");
}

// Max |a - b| relative to max |b| (1 when b is all zero).
double relError(const Tensor& a, const Tensor& b) {
    const double scale = std::max(b.abs().max().item<double>(), 1e-30);
    return (a - b).abs().max().item<double>() / scale;
}

struct Point {
    Tensor w, s, z; // (out, in), (out, ngroups), (out, ngroups)
};

// A float64 point where every code q = round(w/s') + round(z) avoids 0 and 2^N - 1, and
// w/s' and z are each within 0.3 of an integer. Some codes lie outside [0, 2^N - 1].
Point smoothPoint(int64_t out, int64_t in, int64_t group, int bits, uint64_t seed) {
    torch::manual_seed(seed);
    const GroupLayout l = groupLayout(in, group);
    const auto opt = torch::TensorOptions().dtype(torch::kFloat64);
    const int64_t qmax = maxCode(bits);
    Point p;
    p.s = torch::rand({out, l.ngroups}, opt) * 0.09 + 0.01;
    const Tensor zr = torch::randint(0, qmax + 1, {out, l.ngroups}, opt);
    p.z = zr + (torch::rand({out, l.ngroups}, opt) - 0.5) * 0.6;
    // Codes from {-2, -1} ∪ {1, ..., qmax - 1} ∪ {qmax + 1, qmax + 2}.
    Tensor code = torch::randint(-2, qmax + 3, {out, in}, opt);
    code = torch::where(code == 0, torch::full_like(code, 1), code);
    code = torch::where(code == qmax, torch::full_like(code, qmax - 1), code);
    code.select(1, 0).fill_(-1); // at least one clipped code on each side in every row
    code.select(1, 1).fill_(static_cast<double>(qmax + 1));
    const Tensor idx = columnIndex(in, group);
    const Tensor sFull = p.s.index_select(1, idx);
    const Tensor zFull = zr.index_select(1, idx);
    p.w = (code - zFull + (torch::rand({out, in}, opt) - 0.5) * 0.6) * sFull;
    return p;
}

// The STE surrogate of the fake-quant at base point p0: round(x) -> x + (round(x0) - x0).
// w: (out, in); s, z: (out, ngroups) -> scalar sum(g * ŵ)
double surrogateLoss(const Point& p0, const Tensor& w, const Tensor& s, const Tensor& z, const Tensor& g,
                     int bits, int64_t group) {
    const Tensor idx = columnIndex(w.size(1), group);
    const Tensor x0 = p0.w / p0.s.index_select(1, idx);
    const Tensor cx = torch::round(x0) - x0;
    const Tensor cz = torch::round(p0.z) - p0.z;
    const Tensor sc = s.index_select(1, idx);
    const Tensor zr = (z + cz).index_select(1, idx);
    const Tensor q = torch::clamp(w / sc + cx + zr, 0, static_cast<double>(maxCode(bits)));
    return (g * (q - zr) * sc).sum().item<double>();
}

// Central differences of f for every element of t (a float64 leaf), step h.
template <class F> Tensor centralDifferences(const Tensor& t, double h, F&& f) {
    Tensor grad = torch::zeros_like(t);
    auto flat = grad.view(-1);
    for (int64_t k = 0; k < t.numel(); ++k) {
        Tensor plus = t.clone(), minus = t.clone();
        plus.view(-1)[k] += h;
        minus.view(-1)[k] -= h;
        flat[k] = (f(plus) - f(minus)) / (2 * h);
    }
    return grad;
}

} // namespace

class TestFakeQuant : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void layout_data() {
        QTest::addColumn<qint64>("in");
        QTest::addColumn<qint64>("group");
        QTest::addColumn<qint64>("ngroups");
        QTest::addColumn<qint64>("tail");
        QTest::newRow("172 g64") << qint64(172) << qint64(64) << qint64(3) << qint64(44);
        QTest::newRow("172 g32") << qint64(172) << qint64(32) << qint64(6) << qint64(12);
        QTest::newRow("128 g64") << qint64(128) << qint64(64) << qint64(2) << qint64(64);
        QTest::newRow("64 g128 whole row") << qint64(64) << qint64(128) << qint64(1) << qint64(64);
        QTest::newRow("64 g0 whole row") << qint64(64) << qint64(0) << qint64(1) << qint64(64);
        QTest::newRow("64 g-1 whole row") << qint64(64) << qint64(-1) << qint64(1) << qint64(64);
    }
    void layout() {
        QFETCH(qint64, in);
        QFETCH(qint64, group);
        QFETCH(qint64, ngroups);
        QFETCH(qint64, tail);
        const GroupLayout l = groupLayout(in, group);
        QCOMPARE(l.ngroups, ngroups);
        QCOMPARE(l.tail(), tail);
    }

    void minMaxInitTailGroup() {
        // Row 0: values 0..171 with group 64 -> groups [0,63], [64,127], [128,171].
        const Tensor w = torch::arange(172, torch::kFloat32).view({1, 172});
        const ScaleZero sz = minMaxInit(w, 4, 64);
        QCOMPARE(sz.scale.sizes().vec(), (std::vector<int64_t>{1, 3}));
        QVERIFY(torch::allclose(sz.scale, torch::tensor({63.0f / 15, 63.0f / 15, 43.0f / 15}).view({1, 3})));
        // z = round(-min / s): the minima are not forced to include 0.
        QCOMPARE(sz.zero[0][0].item<float>(), 0.0f);
        QCOMPARE(sz.zero[0][1].item<float>(), std::round(-64.0f / (63.0f / 15)));
        QCOMPARE(sz.zero[0][2].item<float>(), std::round(-128.0f / (43.0f / 15)));
        // A constant group gets the smallest scale.
        const ScaleZero c = minMaxInit(torch::full({2, 8}, 0.5f), 2, 4);
        QVERIFY(torch::allclose(c.scale, torch::full({2, 2}, 1e-4f)));
    }

    void minMaxIsExactAtTheEnds() {
        // With min-max scales, every code is in range and the extremes map to 0 and 2^N - 1.
        torch::manual_seed(3);
        const Tensor w = torch::randn({16, 172});
        for (int bits : {2, 3, 4, 8}) {
            const ScaleZero sz = minMaxInit(w, bits, 64);
            const Tensor codes = quantizeCodes(w, sz.scale, sz.zero, bits, 64);
            QVERIFY(codes.max().item<int64_t>() <= maxCode(bits));
            const Tensor wq = fakeQuantize(w, sz.scale, sz.zero, bits, 64);
            // Error at most half a step (plus the zero-point rounding of at most half a step).
            const Tensor step = sz.scale.index_select(1, columnIndex(172, 64));
            QVERIFY(((wq - w).abs() <= step * 1.0001).all().item<bool>());
        }
    }

    void fusedMatchesComposition_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<qint64>("out");
        QTest::addColumn<qint64>("in");
        QTest::addColumn<qint64>("group");
        QTest::addColumn<double>("scaleFactor"); // < 1 clips codes, > 1 leaves some unused
        for (int bits : {2, 3, 4, 8}) {
            QTest::newRow(qPrintable(QString("W%1 172 g64 tail").arg(bits)))
                << bits << qint64(12) << qint64(172) << qint64(64) << 0.7;
            QTest::newRow(qPrintable(QString("W%1 100 g32 tail").arg(bits)))
                << bits << qint64(5) << qint64(100) << qint64(32) << 1.0;
            QTest::newRow(qPrintable(QString("W%1 256 g128").arg(bits)))
                << bits << qint64(7) << qint64(256) << qint64(128) << 0.5;
            QTest::newRow(qPrintable(QString("W%1 64 whole row").arg(bits)))
                << bits << qint64(9) << qint64(64) << qint64(0) << 1.3;
        }
    }
    void fusedMatchesComposition() {
        QFETCH(int, bits);
        QFETCH(qint64, out);
        QFETCH(qint64, in);
        QFETCH(qint64, group);
        QFETCH(double, scaleFactor);
        torch::manual_seed(static_cast<uint64_t>(bits * 1000 + in));
        const Tensor w0 = torch::randn({out, in});
        const ScaleZero sz = minMaxInit(w0, bits, group);
        // Trainable z drifts off integers; s is scaled to clip (or not) some codes.
        const Tensor s0 = sz.scale * scaleFactor;
        const Tensor z0 = sz.zero + (torch::rand_like(sz.zero) - 0.5) * 0.8;
        const Tensor g = torch::randn({out, in});

        auto run = [&](bool fused, torch::ScalarType dtype) {
            Tensor w = w0.to(dtype).clone().requires_grad_(true);
            Tensor s = s0.to(dtype).clone().requires_grad_(true);
            Tensor z = z0.to(dtype).clone().requires_grad_(true);
            Tensor y =
                fused ? fakeQuantize(w, s, z, bits, group) : fakeQuantizeReference(w, s, z, bits, group);
            (y * g.to(dtype)).sum().backward();
            return std::vector<Tensor>{y.detach(), w.grad(), s.grad(), z.grad()};
        };
        const auto a = run(true, torch::kFloat32);
        const auto b = run(false, torch::kFloat32);
        const auto exact = run(false, torch::kFloat64);
        QVERIFY(torch::equal(a[0], b[0])); // the same ops: bitwise
        // Tolerance per bit width: the gradient of s sums terms (q - z') of up to 2^N - 1 that
        // cancel down to the rounding residual w/s - round(w/s); the plain composition loses
        // about log2(2^N - 1) bits to that cancellation in float32 (the fused backward computes
        // the residual exactly), so at 8 bits both are compared with 1e-4, else 1e-5.
        const double tol = bits >= 8 ? 1e-4 : 1e-5;
        const char* names[] = {"", "w", "s", "z"};
        for (int i = 1; i < 4; ++i) {
            const double err = relError(a[i], b[i]);
            const double errExact = relError(a[i].to(torch::kFloat64), exact[i]);
            QVERIFY2(err <= tol, qPrintable(QString("grad %1: relative error %2").arg(names[i]).arg(err)));
            // Against the composition in float64 (same float32 inputs), tighter than the float32 composition.
            QVERIFY2(
                errExact <= 1e-5,
                qPrintable(QString("grad %1: relative error to float64 %2").arg(names[i]).arg(errExact)));
        }
        // The clipped branch is exercised where s was shrunk: some w get no gradient, z gets some.
        if (scaleFactor < 1.0) {
            QVERIFY((a[1] == 0).any().item<bool>());
            QVERIFY((a[3] != 0).any().item<bool>());
        }
    }

    void scaleClampIsStraightThrough() {
        // s below 1e-4 is used as 1e-4 but still gets the gradient.
        torch::manual_seed(11);
        const Tensor w0 = torch::randn({3, 40}) * 1e-3;
        Tensor s0 = torch::full({3, 2}, 1e-4f);
        s0[0][0] = 1e-6f;
        const Tensor z0 = torch::full({3, 2}, 1.0f);
        auto run = [&](bool fused) {
            Tensor s = s0.clone().requires_grad_(true);
            Tensor y = fused ? fakeQuantize(w0, s, z0, 3, 32) : fakeQuantizeReference(w0, s, z0, 3, 32);
            y.sum().backward();
            return std::make_pair(y.detach(), s.grad());
        };
        const auto a = run(true);
        const auto b = run(false);
        QVERIFY(torch::allclose(a.first, b.first, 1e-6, 1e-12));
        QVERIFY(relError(a.second, b.second) <= 1e-5);
        QVERIFY(a.second[0][0].item<float>() != 0.0f);
    }

    void finiteDifferencesOfTheSurrogate_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<qint64>("in");
        QTest::addColumn<qint64>("group");
        for (int bits : {2, 3, 4, 8}) {
            QTest::newRow(qPrintable(QString("W%1 44 g16 tail").arg(bits)))
                << bits << qint64(44) << qint64(16);
            QTest::newRow(qPrintable(QString("W%1 32 g32").arg(bits))) << bits << qint64(32) << qint64(32);
        }
    }
    void finiteDifferencesOfTheSurrogate() {
        QFETCH(int, bits);
        QFETCH(qint64, in);
        QFETCH(qint64, group);
        const int64_t out = 3;
        const Point p = smoothPoint(out, in, group, bits, static_cast<uint64_t>(bits * 100 + in));
        const Tensor g = torch::randn({out, in}, torch::kFloat64);

        Tensor w = p.w.clone().requires_grad_(true);
        Tensor s = p.s.clone().requires_grad_(true);
        Tensor z = p.z.clone().requires_grad_(true);
        (fakeQuantize(w, s, z, bits, group) * g).sum().backward();
        // The surrogate has the same value at the base point.
        QVERIFY(std::abs(surrogateLoss(p, p.w, p.s, p.z, g, bits, group) -
                         (fakeQuantize(p.w, p.s, p.z, bits, group) * g).sum().item<double>()) < 1e-12);

        const double h = 1e-6;
        const Tensor fw = centralDifferences(
            p.w, h, [&](const Tensor& t) { return surrogateLoss(p, t, p.s, p.z, g, bits, group); });
        const Tensor fs = centralDifferences(
            p.s, h, [&](const Tensor& t) { return surrogateLoss(p, p.w, t, p.z, g, bits, group); });
        const Tensor fz = centralDifferences(
            p.z, h, [&](const Tensor& t) { return surrogateLoss(p, p.w, p.s, t, g, bits, group); });
        QVERIFY2(relError(w.grad(), fw) <= 1e-6, qPrintable(QString::number(relError(w.grad(), fw))));
        QVERIFY2(relError(s.grad(), fs) <= 1e-6, qPrintable(QString::number(relError(s.grad(), fs))));
        QVERIFY2(relError(z.grad(), fz) <= 1e-6, qPrintable(QString::number(relError(z.grad(), fz))));
        // Both branches of the integer clamp are present.
        QVERIFY((w.grad() == 0).any().item<bool>());
        QVERIFY((w.grad() != 0).any().item<bool>());
    }

    void finiteDifferencesOfTheTrueFunctionInScale() {
        // Away from rounding boundaries the true derivative in s is sum over the group of
        // g * (q - z'); the STE gradient adds -g * w/s' for the unclipped codes.
        const int bits = 3;
        const Point p = smoothPoint(2, 40, 16, bits, 5);
        const Tensor g = torch::randn({2, 40}, torch::kFloat64);
        const Tensor fs = centralDifferences(p.s, 1e-7, [&](const Tensor& t) {
            return (fakeQuantize(p.w, t, p.z, bits, 16) * g).sum().item<double>();
        });
        Tensor s = p.s.clone().requires_grad_(true);
        (fakeQuantize(p.w, s, p.z, bits, 16) * g).sum().backward();
        const Tensor idx = columnIndex(40, 16);
        const Tensor x = p.w / p.s.index_select(1, idx);
        const Tensor q = torch::round(x) + torch::round(p.z).index_select(1, idx);
        const Tensor inRange = (q >= 0).logical_and(q <= maxCode(bits));
        const Tensor steTerm = torch::zeros_like(p.s).index_add_(1, idx, -(g * x * inRange));
        QVERIFY2(relError(s.grad() - steTerm, fs) <= 1e-6,
                 qPrintable(QString::number(relError(s.grad() - steTerm, fs))));
    }

    void quantLinearForward() {
        torch::manual_seed(21);
        DenseLinear dense(torch::randn({6, 172}), torch::randn({6}));
        QuantLinear q(dense, QuantSpec{4, 64});
        QCOMPARE(q.scale.sizes().vec(), (std::vector<int64_t>{6, 3}));
        QVERIFY(q.weight.requires_grad() && q.scale.requires_grad() && q.zero.requires_grad());
        QCOMPARE(q.parameters().size(), size_t(4)); // weight, scale, zero, bias
        const Tensor x = torch::randn({2, 5, 172});
        const Tensor y = q.forward(x);
        const Tensor expected = torch::nn::functional::linear(
            x, fakeQuantizeReference(dense.weight, q.scale.detach(), q.zero.detach(), 4, 64),
            dense.biasTensor);
        QVERIFY(torch::allclose(y, expected, 1e-5, 1e-5));
        // Gradients reach all three trainable tensors.
        y.square().sum().backward();
        QVERIFY(q.weight.grad().defined() && q.scale.grad().defined() && q.zero.grad().defined());
        QVERIFY(q.scale.grad().abs().sum().item<float>() > 0);
    }

    void freezeRoundTrip_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<qint64>("group");
        for (int bits : {2, 3, 4, 8})
            for (qint64 group : {32, 64, 0})
                QTest::newRow(qPrintable(QString("W%1 g%2").arg(bits).arg(group))) << bits << group;
    }
    void freezeRoundTrip() {
        QFETCH(int, bits);
        QFETCH(qint64, group);
        torch::manual_seed(bits * 7 + group);
        DenseLinear dense(torch::randn({10, 172}), torch::Tensor());
        QuantLinear q(dense, QuantSpec{bits, group});
        {
            // As after training: s and z drift (z off integers, some codes clipped).
            torch::NoGradGuard noGrad;
            q.scale.mul_(0.8);
            q.zero.add_((torch::rand_like(q.zero) - 0.5) * 0.9);
        }
        const auto frozen = q.freeze();
        QCOMPARE(frozen->codes.scalar_type(), torch::kUInt8);
        QVERIFY(frozen->codes.max().item<int64_t>() <= maxCode(bits));
        QCOMPARE(frozen->scale.scalar_type(), torch::kFloat32);
        QVERIFY(torch::equal(frozen->zero, torch::round(frozen->zero)));
        const Tensor fake = q.effectiveWeight().detach();
        QVERIFY(torch::equal(frozen->dequantize(), fake)); // bitwise
        QVERIFY(torch::equal(frozen->effectiveWeight(), fake));
        const Tensor x = torch::randn({3, 172});
        QVERIFY(torch::equal(frozen->forward(x), q.forward(x).detach()));
        QVERIFY(!frozen->bias());
    }

    void badArgumentsThrow() {
        const Tensor w = torch::randn({4, 64});
        const ScaleZero sz = minMaxInit(w, 4, 32);
        QVERIFY_THROWS_EXCEPTION(c10::Error, fakeQuantize(w, sz.scale, sz.zero, 9, 32));
        QVERIFY_THROWS_EXCEPTION(c10::Error, fakeQuantize(w, sz.scale, sz.zero, 4, 16)); // wrong ngroups
    }
};

QTEST_GUILESS_MAIN(TestFakeQuant)
#include "TestFakeQuant.moc"
