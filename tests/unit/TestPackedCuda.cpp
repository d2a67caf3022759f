// SPDX-License-Identifier: GPL-3.0-or-later
// The CUDA packed kernels (kernels/src/cuda) against the CPU reference (kernels/src), label gpu:
// dequantize bit for bit, the fused GEMV and the dequantize + cuBLAS path within the tolerances of
// PackedCudaCheck.h, for 2, 3, 4, 8 bits and groups 32, 64, 128 (and two groups the GEMV does not
// take), on random shapes. Skips, saying why, without CUDA kernels in the build or a CUDA device.

#include "PackedCudaCheck.h"
#include "qat/kernels/BuildConfig.h"
#include "qat/kernels/Dispatch.h"
#include "qat/kernels/PackedOps.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cstdio>

class TestPackedCuda : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesCpu_data();
    void matchesCpu();
    void gemvLaunchShapes_data();
    void gemvLaunchShapes();
    void dispatchFollowsDevice();
};

void TestPackedCuda::initTestCase() {
    using qat::kernels::Backend;
    if (!qat::kernels::isBuilt(Backend::Cuda))
        QSKIP("this build has no CUDA kernels (no CUDA toolkit at configure time, or QAT_WITH_CUDA=OFF)");
    if (!torch::cuda::is_available()) QSKIP("no CUDA device visible to LibTorch");
    std::printf("CUDA kernels: %s\n", qat::kernels::cudaBuildInfo());
}

#ifdef QAT_KERNELS_HAVE_CUDA

namespace pc = qat::test::packedcuda;

namespace {

/// Fails with every broken check listed; prints the worst error per path either way.
void verifyAll(const std::vector<pc::Check>& checks) {
    QStringList failures;
    QMap<QString, double> worstError;
    for (const pc::Check& c : checks) {
        const QString path = QString::fromStdString(c.path);
        worstError[path] = std::max(worstError.value(path, 0.0), c.maxAbsError);
        if (!c.ok)
            failures << QStringLiteral("%1: max |err| %2, %3 x tolerance")
                            .arg(QString::fromStdString(c.what))
                            .arg(c.maxAbsError)
                            .arg(c.worst);
    }
    for (auto it = worstError.cbegin(); it != worstError.cend(); ++it)
        qInfo("%s: max |err| %g", qPrintable(it.key()), it.value());
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QVERIFY(!checks.empty());
}

} // namespace

void TestPackedCuda::matchesCpu_data() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("group");
    for (int bits : {2, 3, 4, 8})
        for (int group : {32, 64, 128})
            QTest::addRow("w%d g%d", bits, group) << bits << group;
    // Groups that are no multiple of 32: the GEMV refuses them, the dispatch dequantizes instead.
    QTest::newRow("w3 g16 (no gemv)") << 3 << 16;
    QTest::newRow("w2 g24 (no gemv)") << 2 << 24;
}

void TestPackedCuda::matchesCpu() {
    QFETCH(int, bits);
    QFETCH(int, group);
    verifyAll(pc::checkBitsGroup(bits, group, static_cast<uint64_t>(1000 * bits + group), 3));
    if (group % 32 == 0) // every GEMV kernel at every row count
        verifyAll(pc::checkGemvKernels(bits, group, static_cast<uint64_t>(3000 * bits + group)));
}

void TestPackedCuda::gemvLaunchShapes_data() {
    QTest::addColumn<int>("bits");
    for (int bits : {2, 3, 4, 8})
        QTest::addRow("w%d", bits) << bits;
}

void TestPackedCuda::gemvLaunchShapes() {
    QFETCH(int, bits);
    verifyAll(pc::checkGemvConfigs(bits, static_cast<uint64_t>(77 + bits)));
}

void TestPackedCuda::dispatchFollowsDevice() {
    namespace kn = qat::kernels;
    const pc::Packed p = pc::randomPacked(256, 64, 4, 64, 5);
    const pc::OnDevice d = pc::toCuda(p);
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({2, 256}).to(torch::kHalf);
    // Results stay on their device.
    QVERIFY(kn::dequantMatmul(x.cuda(), d.qweight, d.qzeros, d.scales, 4, 64).is_cuda());
    QVERIFY(kn::dequantMatmul(x, p.qweight, p.qzeros, p.scales, 4, 64).device().is_cpu());
    QVERIFY(kn::dequantize(d.qweight, d.qzeros, d.scales, 4, 64).is_cuda());
    // Leading dimensions are kept.
    QCOMPARE(kn::dequantMatmul(torch::randn({2, 3, 256}).to(torch::kHalf).cuda(), d.qweight, d.qzeros,
                               d.scales, 4, 64)
                 .sizes()
                 .vec(),
             (std::vector<int64_t>{2, 3, 64}));
    // Mixed devices are refused with a message.
    QVERIFY_THROWS_EXCEPTION(c10::Error, kn::dequantMatmul(x, d.qweight, d.qzeros, d.scales, 4, 64));
    QVERIFY_THROWS_EXCEPTION(c10::Error, kn::dequantize(d.qweight, p.qzeros, d.scales, 4, 64));
}

#else

void TestPackedCuda::matchesCpu_data() {}
void TestPackedCuda::matchesCpu() {}
void TestPackedCuda::gemvLaunchShapes_data() {}
void TestPackedCuda::gemvLaunchShapes() {}
void TestPackedCuda::dispatchFollowsDevice() {}

#endif

QTEST_GUILESS_MAIN(TestPackedCuda)
#include "TestPackedCuda.moc"
