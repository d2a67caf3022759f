// SPDX-License-Identifier: GPL-3.0-or-later
// The packed layout (kernels/include/qat/kernels/PackedLayout.h): bit positions against GPTQ's
// pack loop and recorded words, pack → unpack round trips over random shapes, dequantize against
// a naive (q − z)·s, and the CPU dequantMatmul against dequantize + torch::matmul.

#include "qat/kernels/PackedLayout.h"
#include "qat/kernels/PackedOps.h"
#include "qat/kernels/Packing.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

using namespace qat::kernels;

namespace {

using Words = std::vector<int32_t>;

int32_t word(uint32_t bits) {
    return static_cast<int32_t>(bits);
}

Words randomCodes(std::mt19937& rng, int64_t n, int bits) {
    std::uniform_int_distribution<int32_t> code(0, layout::maxCode(bits));
    Words v(static_cast<size_t>(n));
    for (auto& x : v)
        x = code(rng);
    return v;
}

/// An independent transcription of GPTQ / AutoGPTQ's QuantLinear.pack() loop for qweight
/// (values (rows, cols) packed down each column), written as they write it: whole-word
/// shifts for 2/4/8 bits and the explicit three-word dance for 3 bits.
std::vector<uint32_t> gptqPackRows(const Words& v, int64_t rows, int64_t cols, int bits) {
    std::vector<uint32_t> q(static_cast<size_t>(rows / 32 * bits * cols), 0u);
    auto in = [&](int64_t r, int64_t c) {
        return static_cast<uint32_t>(v[static_cast<size_t>(r * cols + c)]);
    };
    auto at = [&](int64_t r, int64_t c) -> uint32_t& { return q[static_cast<size_t>(r * cols + c)]; };
    for (int64_t c = 0; c < cols; ++c) {
        int64_t i = 0, row = 0;
        while (row < rows / 32 * bits) {
            if (bits != 3) {
                for (int64_t j = i; j < i + 32 / bits; ++j)
                    at(row, c) |= in(j, c) << (bits * (j - i));
                i += 32 / bits;
                row += 1;
            } else {
                for (int64_t j = i; j < i + 10; ++j)
                    at(row, c) |= in(j, c) << (3 * (j - i));
                i += 10;
                at(row, c) |= in(i, c) << 30;
                row += 1;
                at(row, c) |= (in(i, c) >> 2) & 1u;
                i += 1;
                for (int64_t j = i; j < i + 10; ++j)
                    at(row, c) |= in(j, c) << (3 * (j - i) + 1);
                i += 10;
                at(row, c) |= in(i, c) << 31;
                row += 1;
                at(row, c) |= (in(i, c) >> 1) & 0x3u;
                i += 1;
                for (int64_t j = i; j < i + 10; ++j)
                    at(row, c) |= in(j, c) << (3 * (j - i) + 2);
                i += 10;
                row += 1;
            }
        }
    }
    return q;
}

Words transpose(const Words& v, int64_t rows, int64_t cols) {
    Words t(v.size());
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            t[static_cast<size_t>(c * rows + r)] = v[static_cast<size_t>(r * cols + c)];
    return t;
}

torch::Tensor toTensor(const Words& v, int64_t rows, int64_t cols) {
    return torch::from_blob(const_cast<int32_t*>(v.data()), {rows, cols}, torch::kInt32).clone();
}

Words toWords(const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kInt32).contiguous();
    return Words(c.data_ptr<int32_t>(), c.data_ptr<int32_t>() + c.numel());
}

struct Shape {
    int64_t in;
    int64_t out;
};
/// A random packable (in, out) for (bits, group): in a multiple of group and of the block,
/// out a multiple of the block.
Shape randomShape(std::mt19937& rng, int bits, int64_t group, int64_t maxGroups, int64_t maxBlocks) {
    const int64_t block = layout::valuesPerBlock(bits);
    const int64_t inUnit = std::lcm(group, block);
    std::uniform_int_distribution<int64_t> groups(1, maxGroups), blocks(1, maxBlocks);
    return Shape{inUnit * groups(rng), block * blocks(rng)};
}

/// A packed weight with its plain parts, built with the torch-free API.
struct Packed {
    int64_t in, out, group;
    int bits;
    Words codes, zeros;   // (in, out), (in / group, out)
    torch::Tensor scales; // (in / group, out) fp16
    torch::Tensor qweight, qzeros;
};
Packed randomPacked(std::mt19937& rng, Shape s, int bits, int64_t group) {
    Packed p{s.in, s.out, group, bits, {}, {}, {}, {}, {}};
    const int64_t groups = s.in / group;
    p.codes = randomCodes(rng, s.in * s.out, bits);
    p.zeros = randomCodes(rng, groups * s.out, bits);
    std::uniform_real_distribution<float> scale(1e-3f, 5e-2f);
    std::vector<float> sv(static_cast<size_t>(groups * s.out));
    for (auto& x : sv)
        x = scale(rng);
    p.scales = torch::from_blob(sv.data(), {groups, s.out}, torch::kFloat).to(torch::kHalf);
    p.qweight = toTensor(packQWeight(p.codes, s.in, s.out, bits), layout::qweightRows(s.in, bits), s.out);
    p.qzeros = toTensor(packQZeros(p.zeros, groups, s.out, bits), groups, layout::qzerosCols(s.out, bits));
    return p;
}

/// W (out, in) = (q − z) · s computed naively, one element at a time.
torch::Tensor naiveDequantize(const Packed& p) {
    const torch::Tensor s = p.scales.to(torch::kFloat).contiguous();
    const float* sd = s.data_ptr<float>();
    torch::Tensor w = torch::empty({p.out, p.in}, torch::kFloat);
    float* wd = w.data_ptr<float>();
    for (int64_t o = 0; o < p.out; ++o)
        for (int64_t i = 0; i < p.in; ++i) {
            const int64_t g = i / p.group;
            const float q = static_cast<float>(p.codes[static_cast<size_t>(i * p.out + o)]);
            const float z = static_cast<float>(p.zeros[static_cast<size_t>(g * p.out + o)]);
            wd[o * p.in + i] = (q - z) * sd[g * p.out + o];
        }
    return w;
}

/// Rows (bits, group) for 2, 3, 4, 8 bits × groups 32, 64, 128, and two groups that do not
/// start on word boundaries (the layout allows them; g_idx is i / group, not a word index).
void addBitsGroupRows() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("group");
    for (int bits : {2, 3, 4, 8})
        for (int group : {32, 64, 128})
            QTest::addRow("w%d g%d", bits, group) << bits << group;
    QTest::newRow("w3 g16 (unaligned)") << 3 << 16;
    QTest::newRow("w2 g24 (unaligned)") << 2 << 24;
}

} // namespace

class TestPacking : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void knownAnswerAligned_data();
    void knownAnswerAligned();
    void knownAnswer3Bit();
    void recordedWords_data();
    void recordedWords();
    void matchesGptqPackLoop_data();
    void matchesGptqPackLoop();
    void roundTrip_data();
    void roundTrip();
    void torchPackingMatchesPlain_data();
    void torchPackingMatchesPlain();
    void rejectsBadInput();
    void packabilityDecidesPacking_data();
    void packabilityDecidesPacking();
    void dequantizeMatchesNaive_data();
    void dequantizeMatchesNaive();
    void dequantMatmulMatchesMatmul_data();
    void dequantMatmulMatchesMatmul();
    void dequantMatmulSeveralSlabs();
    void dequantMatmulKeepsShapeAndDtype();
    void dequantMatmulRefusesGrad();
    void preparedMatchesUnprepared_data();
    void preparedMatchesUnprepared();
    void preparedNoticesChangedTensors();
};

void TestPacking::initTestCase() {
    torch::manual_seed(20240613);
}

// 2/4/8 bits: value v at input row i of column c sits at bits bits·(i % (32/bits)) of
// qweight[i / (32/bits)][c], and nowhere else.
void TestPacking::knownAnswerAligned_data() {
    QTest::addColumn<int>("bits");
    for (int bits : {2, 4, 8})
        QTest::addRow("w%d", bits) << bits;
}

void TestPacking::knownAnswerAligned() {
    QFETCH(int, bits);
    const int perWord = 32 / bits;
    const int64_t in = 2 * perWord, out = 3;
    for (int64_t i = 0; i < in; ++i)
        for (int64_t c = 0; c < out; ++c) {
            Words codes(static_cast<size_t>(in * out), 0);
            const int32_t v = layout::maxCode(bits) - static_cast<int32_t>(c); // 0b11…1, then 0b11…10, …
            codes[static_cast<size_t>(i * out + c)] = v;
            const Words q = packQWeight(codes, in, out, bits);
            QCOMPARE(q.size(), static_cast<size_t>(2 * out));
            for (int64_t r = 0; r < 2; ++r)
                for (int64_t cc = 0; cc < out; ++cc) {
                    const bool home = r == i / perWord && cc == c;
                    const uint32_t expected = home ? static_cast<uint32_t>(v) << (bits * (i % perWord)) : 0u;
                    QCOMPARE(static_cast<uint32_t>(q[static_cast<size_t>(r * out + cc)]), expected);
                }
            // The same rule for qzeros, along the row.
            Words zeros(static_cast<size_t>(in), 0);
            zeros[static_cast<size_t>(i)] = v;
            const Words qz = packQZeros(zeros, 1, in, bits);
            for (int64_t w = 0; w < 2; ++w)
                QCOMPARE(static_cast<uint32_t>(qz[static_cast<size_t>(w)]),
                         w == i / perWord ? static_cast<uint32_t>(v) << (bits * (i % perWord)) : 0u);
        }
}

// 3 bits, worked by hand from GPTQ's layout: a single nonzero value at each interesting position.
void TestPacking::knownAnswer3Bit() {
    struct Case {
        int64_t row;
        int32_t value;
        uint32_t w0, w1, w2;
    };
    const Case cases[] = {
        {0, 5, 0x00000005u, 0, 0},     // value 0: bits 0-2 of word 0
        {9, 7, 0x38000000u, 0, 0},     // value 9: bits 27-29 of word 0
        {10, 7, 0xC0000000u, 0x1u, 0}, // value 10: low 2 bits at 30-31, high bit at bit 0 of word 1
        {10, 5, 0x40000000u, 0x1u, 0}, // 0b101: bits 30-31 = 01, word 1 bit 0 = 1
        {10, 3, 0xC0000000u, 0, 0},    // 0b011: high bit 0
        {10, 4, 0, 0x1u, 0},           // 0b100: only the high bit, in word 1
        {11, 7, 0, 0x0000000Eu, 0},    // value 11: bits 1-3 of word 1
        {20, 7, 0, 0x70000000u, 0},    // value 20: bits 28-30 of word 1
        {21, 7, 0, 0x80000000u, 0x3u}, // value 21: low bit at 31 of word 1, 2 high bits at 0-1 of word 2
        {21, 6, 0, 0, 0x3u},           // 0b110: low bit 0
        {21, 1, 0, 0x80000000u, 0},    // 0b001: only the low bit, in word 1
        {21, 2, 0, 0, 0x1u},           // 0b010
        {22, 7, 0, 0, 0x0000001Cu},    // value 22: bits 2-4 of word 2
        {31, 7, 0, 0, 0xE0000000u},    // value 31: bits 29-31 of word 2
    };
    for (const Case& k : cases) {
        Words codes(32, 0);
        codes[static_cast<size_t>(k.row)] = k.value;
        const Words q = packQWeight(codes, 32, 1, 3);
        QCOMPARE(q.size(), size_t{3});
        const QString where = QStringLiteral("row %1 value %2").arg(k.row).arg(k.value);
        QVERIFY2(static_cast<uint32_t>(q[0]) == k.w0, qPrintable(where));
        QVERIFY2(static_cast<uint32_t>(q[1]) == k.w1, qPrintable(where));
        QVERIFY2(static_cast<uint32_t>(q[2]) == k.w2, qPrintable(where));
        QCOMPARE(unpackQWeight(q, 32, 1, 3), codes);
        QCOMPARE(packQZeros(codes, 1, 32, 3), q); // qzeros: the same stream, along the row
    }
}

// Words recorded from a NumPy run of AutoGPTQ's QuantLinear.pack() loop (not from this code).
void TestPacking::recordedWords_data() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<Words>("values");
    QTest::addColumn<Words>("words");
    Words mod8, mix8, mod16, mod4, mul37;
    for (int j = 0; j < 32; ++j) {
        mod8.push_back(j % 8);
        mix8.push_back((j * 5 + 3) % 8);
        mod16.push_back(j % 16);
        mod4.push_back(j % 4);
        mul37.push_back(j * 37 % 256);
    }
    QTest::newRow("w3 j%8") << 3 << mod8 << Words{word(0x88fac688u), word(0xc688fac6u), word(0xfac688fau)};
    QTest::newRow("w3 (5j+3)%8") << 3 << mix8
                                 << Words{word(0x43c67543u), word(0x7543c675u), word(0xc67543c6u)};
    QTest::newRow("w4 j%16") << 4 << mod16
                             << Words{word(0x76543210u), word(0xfedcba98u), word(0x76543210u),
                                      word(0xfedcba98u)};
    QTest::newRow("w2 j%4") << 2 << mod4 << Words{word(0xe4e4e4e4u), word(0xe4e4e4e4u)};
    QTest::newRow("w8 37j%256") << 8 << mul37
                                << Words{word(0x6f4a2500u), word(0x03deb994u), word(0x97724d28u),
                                         word(0x2b06e1bcu), word(0xbf9a7550u), word(0x532e09e4u),
                                         word(0xe7c29d78u), word(0x7b56310cu)};
}

void TestPacking::recordedWords() {
    QFETCH(int, bits);
    QFETCH(Words, values);
    QFETCH(Words, words);
    QCOMPARE(packQWeight(values, 32, 1, bits), words);
    QCOMPARE(packQZeros(values, 1, 32, bits), words);
    QCOMPARE(unpackQWeight(words, 32, 1, bits), values);
    QCOMPARE(unpackQZeros(words, 1, 32, bits), values);
}

// Random matrices: our qweight equals the GPTQ loop's, and our qzeros equals the same loop run
// on the transposed zeros (GPTQ packs qzeros with the same loop along the other axis).
void TestPacking::matchesGptqPackLoop_data() {
    addBitsGroupRows();
}

void TestPacking::matchesGptqPackLoop() {
    QFETCH(int, bits);
    QFETCH(int, group);
    std::mt19937 rng(static_cast<uint32_t>(1000 * bits + group));
    for (int trial = 0; trial < 10; ++trial) {
        const Shape s = randomShape(rng, bits, group, 4, 6);
        if (s.in % 32 != 0 || s.out % 32 != 0) continue; // the GPTQ loop walks blocks of 32
        const int64_t groups = s.in / group;
        const Words codes = randomCodes(rng, s.in * s.out, bits);
        const Words zeros = randomCodes(rng, groups * s.out, bits);
        const std::vector<uint32_t> q = gptqPackRows(codes, s.in, s.out, bits);
        QCOMPARE(packQWeight(codes, s.in, s.out, bits), Words(q.begin(), q.end()));
        const std::vector<uint32_t> qzT = gptqPackRows(transpose(zeros, groups, s.out), s.out, groups, bits);
        const Words qz(qzT.begin(), qzT.end());
        QCOMPARE(packQZeros(zeros, groups, s.out, bits), transpose(qz, s.out * bits / 32, groups));
    }
}

// Property: pack → unpack is the identity, bit for bit, for many random packable shapes.
void TestPacking::roundTrip_data() {
    addBitsGroupRows();
}

void TestPacking::roundTrip() {
    QFETCH(int, bits);
    QFETCH(int, group);
    std::mt19937 rng(static_cast<uint32_t>(7 * bits + group));
    for (int trial = 0; trial < 60; ++trial) {
        const Shape s = randomShape(rng, bits, group, 6, 40);
        QVERIFY(layout::isPackableShape(s.in, s.out, bits, group));
        const int64_t groups = s.in / group;
        const Words codes = randomCodes(rng, s.in * s.out, bits);
        const Words zeros = randomCodes(rng, groups * s.out, bits);
        const Words qweight = packQWeight(codes, s.in, s.out, bits);
        const Words qzeros = packQZeros(zeros, groups, s.out, bits);
        QCOMPARE(static_cast<int64_t>(qweight.size()), layout::qweightRows(s.in, bits) * s.out);
        QCOMPARE(static_cast<int64_t>(qzeros.size()), groups * layout::qzerosCols(s.out, bits));
        QCOMPARE(unpackQWeight(qweight, s.in, s.out, bits), codes);
        QCOMPARE(unpackQZeros(qzeros, groups, s.out, bits), zeros);
        // And unpack → pack: every bit of every word carries a value, so packed words round-trip too.
        QCOMPARE(packQWeight(unpackQWeight(qweight, s.in, s.out, bits), s.in, s.out, bits), qweight);
    }
    // Arbitrary words (all 32 bits random, sign bits included) survive unpack → pack.
    const Shape s = randomShape(rng, bits, group, 3, 8);
    std::uniform_int_distribution<uint32_t> any;
    Words words(static_cast<size_t>(layout::qweightRows(s.in, bits) * s.out));
    for (auto& w : words)
        w = word(any(rng));
    QCOMPARE(packQWeight(unpackQWeight(words, s.in, s.out, bits), s.in, s.out, bits), words);
}

void TestPacking::torchPackingMatchesPlain_data() {
    addBitsGroupRows();
}

void TestPacking::torchPackingMatchesPlain() {
    QFETCH(int, bits);
    QFETCH(int, group);
    std::mt19937 rng(static_cast<uint32_t>(31 * bits + group));
    for (int trial = 0; trial < 8; ++trial) {
        const Shape s = randomShape(rng, bits, group, 4, 12);
        const int64_t groups = s.in / group;
        const Words codes = randomCodes(rng, s.in * s.out, bits);
        const Words zeros = randomCodes(rng, groups * s.out, bits);
        // int64 input, as a quantizer would produce it.
        const torch::Tensor qweight = packQWeight(toTensor(codes, s.in, s.out).to(torch::kLong), bits);
        const torch::Tensor qzeros = packQZeros(toTensor(zeros, groups, s.out), bits);
        QCOMPARE(qweight.sizes().vec(), (std::vector<int64_t>{layout::qweightRows(s.in, bits), s.out}));
        QCOMPARE(qzeros.sizes().vec(), (std::vector<int64_t>{groups, layout::qzerosCols(s.out, bits)}));
        QCOMPARE(qweight.scalar_type(), torch::kInt32);
        QCOMPARE(toWords(qweight), packQWeight(codes, s.in, s.out, bits));
        QCOMPARE(toWords(qzeros), packQZeros(zeros, groups, s.out, bits));
        QCOMPARE(toWords(unpackQWeight(qweight, bits)), codes);
        QCOMPARE(toWords(unpackQZeros(qzeros, bits)), zeros);
        // A non-contiguous (transposed) codes view packs the same.
        const torch::Tensor codesT = toTensor(transpose(codes, s.in, s.out), s.out, s.in).t();
        QVERIFY(torch::equal(packQWeight(codesT, bits), qweight));
    }
    QCOMPARE(toWords(gIdxTensor(256, 64)), makeGIdx(int64_t{256}, int64_t{64}));
    const Words gIdx = makeGIdx(int64_t{256}, int64_t{64});
    QCOMPARE(gIdx[63], 0);
    QCOMPARE(gIdx[64], 1);
    QCOMPARE(gIdx[255], 3);
}

void TestPacking::rejectsBadInput() {
    // Lengths that do not fill whole words.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packQWeight(Words(48, 0), 48, 1, 3));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packQWeight(Words(12, 0), 12, 1, 4));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packQZeros(Words(16, 0), 1, 16, 3));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, unpackQWeight(Words(3, 0), 33, 1, 3));
    // Unsupported widths, wrong buffer sizes, codes out of range.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packQWeight(Words(32, 0), 32, 1, 5));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packQWeight(Words(31, 0), 32, 1, 4));
    Words codes(32, 0);
    codes[17] = 16;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packQWeight(codes, 32, 1, 4));
    codes[17] = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packQWeight(codes, 32, 1, 4));
    try {
        codes[17] = 8;
        packQWeight(codes, 32, 1, 3);
        QFAIL("an out-of-range 3-bit code was packed");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QByteArray(e.what()).contains("(17, 0)"), e.what()); // the message says where
    }
    // Shape rules.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeGIdx(int64_t{100}, int64_t{32}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkPackableShape(4096, 4096, 4, 100, "test"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkPackableShape(4096, 48, 3, 128, "test"));
    checkPackableShape(4096, 11008, 3, 128, "test");
    // The torch API: out-of-range int64 codes, mismatched qzeros / scales.
    QVERIFY_THROWS_EXCEPTION(c10::Error,
                             packQWeight(torch::full({32, 4}, int64_t{1} << 32, torch::kLong), 4));
    QVERIFY_THROWS_EXCEPTION(c10::Error, packQWeight(torch::ones({32, 4}, torch::kFloat), 4));
    std::mt19937 rng(5);
    const Packed p = randomPacked(rng, Shape{128, 64}, 4, 64);
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantize(p.qweight, p.qzeros, p.scales, 4, 32));
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantize(p.qweight, p.qzeros.narrow(1, 0, 4), p.scales, 4, 64));
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantize(p.qweight, p.qzeros, p.scales.t(), 4, 64));
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantize(p.qweight, p.qzeros, p.scales, 3, 64));
    QVERIFY_THROWS_EXCEPTION(c10::Error,
                             dequantMatmul(torch::ones({2, 64}), p.qweight, p.qzeros, p.scales, 4, 64));
}

// brokenShapeRule() is the one packability decision: every shape it accepts packs and unpacks bit
// for bit through the torch API, and for every shape it refuses the pack step its rule guards
// throws (bits and in-words: packQWeight; out-words: packQZeros; whole groups: gIdxTensor).
void TestPacking::packabilityDecidesPacking_data() {
    QTest::addColumn<int>("bits");
    for (int bits : {2, 3, 4, 5, 8})
        QTest::addRow("%d bits", bits) << bits;
}

void TestPacking::packabilityDecidesPacking() {
    QFETCH(int, bits);
    using layout::ShapeRule;
    int accepted = 0, refused = 0;
    for (int64_t in : {4, 8, 12, 16, 24, 32, 48, 64, 96})
        for (int64_t out : {4, 6, 8, 12, 16, 32, 48})
            for (int64_t group : {int64_t{4}, int64_t{16}, int64_t{32}, int64_t{48}, in}) {
                const ShapeRule rule = layout::brokenShapeRule(in, out, bits, group);
                QCOMPARE(layout::isPackableShape(in, out, bits, group), rule == ShapeRule::None);
                QCOMPARE(layout::shapeError(in, out, bits, group) == nullptr, rule == ShapeRule::None);
                const int64_t groups = in % group == 0 ? in / group : 1;
                const torch::Tensor codes = torch::randint(0, 1 << bits, {in, out}, torch::kInt32);
                const torch::Tensor zeros = torch::randint(0, 1 << bits, {groups, out}, torch::kInt32);
                bool qweightThrew = false, qzerosThrew = false, gIdxThrew = false;
                torch::Tensor qweight, qzeros;
                try {
                    qweight = packQWeight(codes, bits);
                } catch (const c10::Error&) {
                    qweightThrew = true;
                }
                try {
                    qzeros = packQZeros(zeros, bits);
                } catch (const c10::Error&) {
                    qzerosThrew = true;
                }
                try {
                    gIdxTensor(in, group);
                } catch (const c10::Error&) {
                    gIdxThrew = true;
                }
                const QByteArray where = QByteArray("in ") + QByteArray::number(in) + " out " +
                                         QByteArray::number(out) + " group " + QByteArray::number(group);
                QVERIFY2((qweightThrew || qzerosThrew || gIdxThrew) == (rule != ShapeRule::None), where);
                if (rule == ShapeRule::None) {
                    ++accepted;
                    QVERIFY2(torch::equal(unpackQWeight(qweight, bits), codes), where);
                    QVERIFY2(torch::equal(unpackQZeros(qzeros, bits), zeros), where);
                    QVERIFY2(
                        checkPacked(qweight, qzeros, torch::ones({groups, out}, torch::kHalf), bits, group)
                                .in == in,
                        where);
                    continue;
                }
                ++refused;
                if (rule == ShapeRule::Bits || rule == ShapeRule::InWords) QVERIFY2(qweightThrew, where);
                if (rule == ShapeRule::OutWords) QVERIFY2(qzerosThrew, where);
                if (rule == ShapeRule::WholeGroups) QVERIFY2(gIdxThrew, where);
            }
    // The grid holds both kinds for every supported width, and nothing packs at 5 bits.
    QVERIFY(refused > 0);
    QCOMPARE(accepted > 0, layout::isSupportedBits(bits));
}

// Dequantization is exact: one subtraction of small integers and one rounding multiply, the same
// as the naive loop, so the comparison is bit for bit.
void TestPacking::dequantizeMatchesNaive_data() {
    addBitsGroupRows();
}

void TestPacking::dequantizeMatchesNaive() {
    QFETCH(int, bits);
    QFETCH(int, group);
    std::mt19937 rng(static_cast<uint32_t>(101 * bits + group));
    for (int trial = 0; trial < 6; ++trial) {
        const Packed p = randomPacked(rng, randomShape(rng, bits, group, 5, 20), bits, group);
        const torch::Tensor w = dequantize(p.qweight, p.qzeros, p.scales, bits, group);
        QCOMPARE(w.sizes().vec(), (std::vector<int64_t>{p.out, p.in}));
        QCOMPARE(w.scalar_type(), torch::kFloat);
        QVERIFY(w.is_contiguous());
        QVERIFY(torch::equal(w, naiveDequantize(p)));
        // fp32 scales give the same answer when they hold the same values.
        QVERIFY(torch::equal(dequantize(p.qweight, p.qzeros, p.scales.to(torch::kFloat), bits, group), w));
    }
}

// dequantMatmul against dequantize + torch::matmul, on both paths (rows <= kFusedMaxRows fused,
// more blocked). Tolerance: 1e-5 of Σ|x|·|ŵ| per output (float32 summation in another order).
void TestPacking::dequantMatmulMatchesMatmul_data() {
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("group");
    QTest::addColumn<int>("rows");
    for (int bits : {2, 3, 4, 8})
        for (int group : {32, 64, 128})
            // Every row count of the fused path (one register-tile shape each), then the blocked path.
            for (int rows : {1, 2, 3, 4, 5, 6, 7, static_cast<int>(kFusedMaxRows),
                             static_cast<int>(kFusedMaxRows) + 1, 70})
                QTest::addRow("w%d g%d m%d", bits, group, rows) << bits << group << rows;
    for (int rows : {1, 70}) {
        QTest::addRow("w3 g16 (unaligned) m%d", rows) << 3 << 16 << rows;
        QTest::addRow("w2 g24 (unaligned) m%d", rows) << 2 << 24 << rows;
    }
}

void TestPacking::dequantMatmulMatchesMatmul() {
    QFETCH(int, bits);
    QFETCH(int, group);
    QFETCH(int, rows);
    constexpr double kTolerance = 1e-5;
    std::mt19937 rng(static_cast<uint32_t>(977 * bits + 13 * group + rows));
    torch::NoGradGuard noGrad;
    for (int trial = 0; trial < 3; ++trial) {
        // Up to ~1200 inputs (several 512-row chunks) and ~300 outputs (several 128-column tiles, a ragged
        // last one).
        const Packed p =
            randomPacked(rng, randomShape(rng, bits, group, 1200 / group, 300 / layout::valuesPerBlock(bits)),
                         bits, group);
        const torch::Tensor x = torch::randn({rows, p.in});
        const torch::Tensor w = dequantize(p.qweight, p.qzeros, p.scales, bits, group);
        const torch::Tensor expected = torch::matmul(x, w.t());
        const torch::Tensor y = dequantMatmul(x, p.qweight, p.qzeros, p.scales, bits, group);
        QCOMPARE(y.sizes().vec(), expected.sizes().vec());
        const torch::Tensor bound = torch::matmul(x.abs(), w.abs().t()) * kTolerance;
        const torch::Tensor excess = ((y - expected).abs() - bound).max();
        QVERIFY2(excess.item<float>() <= 0.0f,
                 qPrintable(QStringLiteral("in %1 out %2: max |y - ref| %3 above 1e-5·Σ|x||w|")
                                .arg(p.in)
                                .arg(p.out)
                                .arg((y - expected).abs().max().item<float>())));
        // Relative error overall, the figure the brief asks for (1e-4).
        const double rel = ((y - expected).norm() / expected.norm()).item<double>();
        QVERIFY2(rel < 1e-4, qPrintable(QString::number(rel)));
    }
}

// The blocked path with Ŵᵀ larger than one slab (kSlabFloats): several slabs, a ragged last one.
void TestPacking::dequantMatmulSeveralSlabs() {
    const int64_t out = 2048, slabRows = kSlabFloats / out;
    const int64_t in = 2 * slabRows + 128;
    std::mt19937 rng(13);
    const Packed p = randomPacked(rng, Shape{in, out}, 3, 128);
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({kFusedMaxRows + 7, in});
    const torch::Tensor w = dequantize(p.qweight, p.qzeros, p.scales, 3, 128);
    const torch::Tensor expected = torch::matmul(x, w.t());
    const torch::Tensor y = dequantMatmul(x, p.qweight, p.qzeros, p.scales, 3, 128);
    const double rel = ((y - expected).norm() / expected.norm()).item<double>();
    QVERIFY2(rel < 1e-5, qPrintable(QString::number(rel)));
    QVERIFY(torch::allclose(y, expected, 1e-4, 1e-4));
}

void TestPacking::dequantMatmulKeepsShapeAndDtype() {
    std::mt19937 rng(11);
    const Packed p = randomPacked(rng, Shape{256, 96}, 3, 64);
    torch::NoGradGuard noGrad;
    const torch::Tensor w = dequantize(p.qweight, p.qzeros, p.scales, 3, 64);
    // Leading dimensions (batch, seq) are kept; the fused and blocked paths both see them.
    for (int64_t seq : {int64_t{1}, int64_t{5}, int64_t{20}}) {
        const torch::Tensor x = torch::randn({2, seq, 256});
        const torch::Tensor y = dequantMatmul(x, p.qweight, p.qzeros, p.scales, 3, 64);
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, seq, 96}));
        QVERIFY(torch::allclose(y, torch::matmul(x, w.t()), 1e-4, 1e-4));
    }
    // bf16 in, bf16 out, computed in float32.
    const torch::Tensor xb = torch::randn({4, 256}).to(torch::kBFloat16);
    const torch::Tensor yb = dequantMatmul(xb, p.qweight, p.qzeros, p.scales, 3, 64);
    QCOMPARE(yb.scalar_type(), torch::kBFloat16);
    QVERIFY(torch::allclose(yb.to(torch::kFloat), torch::matmul(xb.to(torch::kFloat), w.t()), 2e-2, 2e-2));
    // No rows at all.
    QCOMPARE(dequantMatmul(torch::empty({0, 256}), p.qweight, p.qzeros, p.scales, 3, 64).sizes().vec(),
             (std::vector<int64_t>{0, 96}));
}

void TestPacking::dequantMatmulRefusesGrad() {
    std::mt19937 rng(12);
    const Packed p = randomPacked(rng, Shape{64, 32}, 4, 32);
    const torch::Tensor x = torch::randn({2, 64}, torch::requires_grad());
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantMatmul(x, p.qweight, p.qzeros, p.scales, 4, 32));
    torch::NoGradGuard noGrad;
    QCOMPARE(dequantMatmul(x, p.qweight, p.qzeros, p.scales, 4, 32).size(1), int64_t{32});
}

void TestPacking::preparedMatchesUnprepared_data() {
    addBitsGroupRows();
}

// A weight prepared once gives, bit for bit, what the per-call path gives, on both CPU paths
// (fused: up to kFusedMaxRows rows; blocked: more) and for every x dtype, call after call.
void TestPacking::preparedMatchesUnprepared() {
    QFETCH(int, bits);
    QFETCH(int, group);
    std::mt19937 rng(static_cast<uint32_t>(31 * bits + group));
    torch::NoGradGuard noGrad;
    const Packed p = randomPacked(
        rng, randomShape(rng, bits, group, 600 / group, 300 / layout::valuesPerBlock(bits)), bits, group);
    const PreparedPacked prepared = preparePacked(p.qweight, p.qzeros, p.scales, bits, group);
    QVERIFY(prepared.defined());
    QVERIFY(prepared.cpu() != nullptr);
    QCOMPARE(prepared.shape().in, p.in);
    QCOMPARE(prepared.shape().out, p.out);
    for (int64_t rows : {int64_t{1}, int64_t{5}, kFusedMaxRows, kFusedMaxRows + 1, int64_t{40}})
        for (auto dtype : {torch::kFloat, torch::kBFloat16, torch::kHalf}) {
            const torch::Tensor x = torch::randn({2, rows, p.in}).to(dtype);
            const torch::Tensor expected = dequantMatmul(x, p.qweight, p.qzeros, p.scales, bits, group);
            for (int call = 0; call < 2; ++call) {
                const torch::Tensor y = dequantMatmul(x, prepared);
                QCOMPARE(y.scalar_type(), dtype);
                QCOMPARE(y.sizes().vec(), expected.sizes().vec());
                QVERIFY2(torch::equal(y, expected),
                         qPrintable(QStringLiteral("rows %1, %2, call %3")
                                        .arg(rows)
                                        .arg(QString::fromStdString(std::string(c10::toString(dtype))))
                                        .arg(call)));
            }
        }
    // x is still checked on the prepared path.
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantMatmul(torch::randn({1, p.in + 1}), prepared));
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantMatmul(torch::randn({1, p.in}).to(torch::kInt32), prepared));
    QVERIFY_THROWS_EXCEPTION(c10::Error, dequantMatmul(torch::randn({1, p.in}), PreparedPacked()));
}

// isFor() tells a layer when its prepared weight no longer matches its tensors: written in place,
// given new data (what Module::to does), or asked for with other bits or group. The held handles
// keep the old data alive, so the old prepared weight still computes the old product.
void TestPacking::preparedNoticesChangedTensors() {
    std::mt19937 rng(5);
    torch::NoGradGuard noGrad;
    const Packed p = randomPacked(rng, Shape{256, 64}, 4, 64);
    torch::Tensor qweight = p.qweight.clone(), qzeros = p.qzeros.clone(), scales = p.scales.clone();
    const PreparedPacked prepared = preparePacked(qweight, qzeros, scales, 4, 64);
    QVERIFY(prepared.isFor(qweight, qzeros, scales, 4, 64));
    QVERIFY(!prepared.isFor(qweight, qzeros, scales, 4, 128));
    QVERIFY(!prepared.isFor(qweight, qzeros, scales, 2, 64));
    QVERIFY(!prepared.isFor(qweight.clone(), qzeros, scales, 4, 64)); // equal values, other memory
    const torch::Tensor x = torch::randn({3, 256});
    const torch::Tensor before = dequantMatmul(x, prepared);

    scales.mul_(2.0); // in place: the version counter moves
    QVERIFY(!prepared.isFor(qweight, qzeros, scales, 4, 64));
    const PreparedPacked again = preparePacked(qweight, qzeros, scales, 4, 64);
    QVERIFY(again.isFor(qweight, qzeros, scales, 4, 64));
    QVERIFY(torch::allclose(dequantMatmul(x, again), 2.0 * before, 1e-5, 1e-5));
    // The first one still computes from the values it was made from.
    QVERIFY(torch::equal(dequantMatmul(x, prepared), before));

    qzeros.set_data(packQZeros(torch::zeros({4, 64}, torch::kInt32), 4)); // new data, same tensor object
    QVERIFY(!again.isFor(qweight, qzeros, scales, 4, 64));
    QVERIFY(torch::equal(dequantMatmul(x, again), dequantMatmul(x, qweight, p.qzeros, scales, 4, 64)));
    const torch::Tensor zeroPoints0 = dequantMatmul(x, preparePacked(qweight, qzeros, scales, 4, 64));
    QVERIFY(!torch::equal(zeroPoints0, dequantMatmul(x, again)));
    QVERIFY(torch::equal(zeroPoints0, dequantMatmul(x, qweight, qzeros, scales, 4, 64)));
}

QTEST_GUILESS_MAIN(TestPacking)
#include "TestPacking.moc"
