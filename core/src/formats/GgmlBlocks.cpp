// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/GgmlBlocks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace qat::gguf {

namespace {

constexpr int kSuper = 256; // QK_K: weights per k-quant super-block
constexpr float kHalfMax = 65504.0f;

uint32_t floatBits(float x) {
    uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
}
float bitsFloat(uint32_t u) {
    float x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}
uint16_t load16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}
void store16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}
float loadHalf(const uint8_t* p) {
    return fp16ToFp32(load16(p));
}
/// The fp16 value nearest x (clamped to the finite range), as a float.
float roundHalf(double x) {
    return fp16ToFp32(fp32ToFp16(static_cast<float>(std::clamp<double>(x, -kHalfMax, kHalfMax))));
}
/// The integer nearest x clamped to [lo, hi] (halves up; lo for NaN), without branches.
int nearest(double x, int lo, int hi) {
    x = x > lo ? x : lo;
    x = x < hi ? x : hi;
    return static_cast<int>(x - lo + 0.5) + lo;
}

// ---- Dequantization, one block at a time, in ggml's order of operations ----
// Every product here (an fp16 scale, 11 significant bits, times integers below 2^10) is exact in
// float, so only the final sum rounds and a fused multiply-add could not change a result.

void dequantQ4_0(const uint8_t* b, float* y) {
    const float d = loadHalf(b);
    for (int l = 0; l < 16; ++l) {
        y[l] = d * static_cast<float>((b[2 + l] & 0xF) - 8);
        y[l + 16] = d * static_cast<float>((b[2 + l] >> 4) - 8);
    }
}

void dequantQ4_1(const uint8_t* b, float* y) {
    const float d = loadHalf(b), m = loadHalf(b + 2);
    for (int l = 0; l < 16; ++l) {
        y[l] = d * static_cast<float>(b[4 + l] & 0xF) + m;
        y[l + 16] = d * static_cast<float>(b[4 + l] >> 4) + m;
    }
}

void dequantQ8_0(const uint8_t* b, float* y) {
    const float d = loadHalf(b);
    for (int l = 0; l < 32; ++l)
        y[l] = d * static_cast<float>(static_cast<int8_t>(b[2 + l]));
}

// Q2_K: scales[16] (low nibble scale, high nibble min), qs[64], d, dmin. Weight h*128 + j*32 + l
// (h half, j shift, l < 32) is bits 2j of qs[h*32 + l], in sub-block h*8 + j*2 + l/16.
void dequantQ2_K(const uint8_t* b, float* y) {
    const uint8_t* sc = b;
    const uint8_t* qs = b + 16;
    const float d = loadHalf(b + 80), dmin = loadHalf(b + 82);
    for (int k = 0; k < 16; ++k) {
        const int h = k / 8, j = (k % 8) / 2, l0 = (k % 2) * 16;
        const float dl = d * static_cast<float>(sc[k] & 0xF), ml = dmin * static_cast<float>(sc[k] >> 4);
        for (int l = l0; l < l0 + 16; ++l)
            y[h * 128 + j * 32 + l] = dl * static_cast<float>((qs[h * 32 + l] >> (2 * j)) & 3) - ml;
    }
}

// Q3_K's 6-bit scale k (unsigned, 0..63): low nibble from byte k (k < 8) or the high nibble of byte
// k - 8, high two bits from byte 8 + k % 4 at bit 2 * (k / 4).
int q3kScale(const uint8_t* s, int k) {
    const int low = k < 8 ? (s[k] & 0xF) : (s[k - 8] >> 4);
    return low | (((s[8 + k % 4] >> (2 * (k / 4))) & 3) << 4);
}

// Q3_K: hmask[32], qs[64], scales[12], d. Weight h*128 + j*32 + l: low bits as Q2_K, high bit
// h*4 + j of hmask[l]; q = low - 4 where the high bit is clear.
void dequantQ3_K(const uint8_t* b, float* y) {
    const uint8_t* hm = b;
    const uint8_t* qs = b + 32;
    const float d = loadHalf(b + 108);
    for (int k = 0; k < 16; ++k) {
        const int h = k / 8, j = (k % 8) / 2, l0 = (k % 2) * 16;
        const float dl = d * static_cast<float>(q3kScale(b + 96, k) - 32);
        for (int l = l0; l < l0 + 16; ++l) {
            const int low = (qs[h * 32 + l] >> (2 * j)) & 3;
            const int high = (hm[l] >> (h * 4 + j)) & 1;
            y[h * 128 + j * 32 + l] = dl * static_cast<float>(low - (high ? 0 : 4));
        }
    }
}

// ggml's get_scale_min_k4: the 6-bit scale and min of sub-block j of Q4_K's 12 scale bytes.
void q4kScaleMin(const uint8_t* s, int j, int& sc, int& m) {
    if (j < 4) {
        sc = s[j] & 63;
        m = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4);
        m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// Q4_K: d, dmin, scales[12], qs[128]. Sub-block j: low (j even) or high nibbles of qs[32*(j/2) ..].
void dequantQ4_K(const uint8_t* b, float* y) {
    const float d = loadHalf(b), dmin = loadHalf(b + 2);
    const uint8_t* qs = b + 16;
    for (int j = 0; j < 8; ++j) {
        int sc = 0, m = 0;
        q4kScaleMin(b + 4, j, sc, m);
        const float d1 = d * static_cast<float>(sc), m1 = dmin * static_cast<float>(m);
        for (int l = 0; l < 32; ++l)
            y[32 * j + l] = d1 * static_cast<float>((qs[32 * (j / 2) + l] >> (4 * (j % 2))) & 0xF) - m1;
    }
}

// ---- The k-quant fits ----

/// One super-block: its stored parameters and codes. Q4_K/Q2_K: sc, m unsigned, q 0..qmax;
/// Q3_K: sc signed (-32..31), q signed (-4..3).
struct KBlock {
    float d = 0, dmin = 0;
    int sc[16] = {}, m[16] = {}, q[kSuper] = {};
};

/// Sums over a sub-block of the codes q and the targets t.
struct SubStats {
    double n = 0, sq = 0, sqq = 0, st = 0, sqt = 0, stt = 0;
    /// Squared error of x = A*q - B.
    double error(double a, double b) const {
        return a * a * sqq - 2 * a * b * sq + b * b * n - 2 * a * sqt + 2 * b * st + stt;
    }
};

void gatherStats(const float* t, const int* q, int sub, int nsub, SubStats* s) {
    for (int j = 0; j < nsub; ++j) {
        SubStats r;
        for (int i = j * sub; i < (j + 1) * sub; ++i) {
            const double qi = q[i], ti = t[i];
            r.n += 1, r.sq += qi, r.sqq += qi * qi, r.st += ti, r.sqt += qi * ti, r.stt += ti * ti;
        }
        s[j] = r;
    }
}

/// The value of the signed entry with the largest magnitude (0 for none).
double dominant(const double* v, int count) {
    double best = 0;
    for (int j = 0; j < count; ++j)
        if (std::abs(v[j]) > std::abs(best)) best = v[j];
    return best;
}

/// Q4_K / Q2_K: x = d*sc*q - dmin*m per sub-block of `sub` weights, codes 0..qmax, sc and m 0..smax.
struct AffineK {
    int sub, qmax, smax;
    int nsub() const { return kSuper / sub; }
};
constexpr AffineK kQ4K{32, 15, 63};
constexpr AffineK kQ2K{16, 3, 15};
constexpr int kGrid = 16; // steps of the super-block scale search

/// The best integer scale and min of one sub-block under d, dmin (scales near the continuous
/// optimum `a`, or all of them where the codes do not pin it down); returns its squared error.
double pickScaleMin(const AffineK& k, const SubStats& s, double a, bool flat, float d, float dmin, int& sc,
                    int& m) {
    int lo = 0, hi = d == 0 ? 0 : k.smax;
    if (!flat && d != 0) {
        const int c = nearest(a / d, -1, k.smax + 1);
        lo = std::max(c - 1, 0), hi = std::min(c + 1, k.smax);
    }
    const double idmin = dmin == 0 ? 0.0 : 1.0 / dmin, in = 1.0 / s.n;
    double best = std::numeric_limits<double>::infinity();
    for (int c = lo; c <= hi; ++c) {
        const float av = d * static_cast<float>(c);
        const double bOpt = (av * s.sq - s.st) * in;
        const int mc = nearest(bOpt * idmin, 0, k.smax);
        const double e = s.error(av, dmin * static_cast<float>(mc));
        if (e < best) best = e, sc = c, m = mc;
    }
    return best;
}

/// Fits d, dmin, sc, m of `b` to the sub-block sums (codes fixed), alternating integer picks and a
/// least-squares d/dmin, both as stored (fp16, 6 or 4 bits). Returns the squared error.
double fitAffineScales(const AffineK& k, const SubStats* s, KBlock& b, bool search) {
    const int nsub = k.nsub();
    double a[16], c[16];
    bool flat[16];
    for (int j = 0; j < nsub; ++j) {
        // Least squares of t on q: t ~ a*q - c.
        const double var = s[j].n * s[j].sqq - s[j].sq * s[j].sq;
        flat[j] = var <= 1e-9 * s[j].n * s[j].sqq;
        a[j] = flat[j] ? 0.0 : (s[j].n * s[j].sqt - s[j].sq * s[j].st) / var;
        c[j] = (a[j] * s[j].sq - s[j].st) / s[j].n;
    }
    KBlock cur = b;
    const auto pickAll = [&](float d, float dmin) {
        double e = 0;
        for (int j = 0; j < nsub; ++j)
            e += pickScaleMin(k, s[j], a[j], flat[j], d, dmin, cur.sc[j], cur.m[j]);
        return e;
    };
    // The start: d, then dmin, from a grid that gives the largest sub-block scale (min) smax down to
    // 3/4 smax steps, so that the other sub-blocks' land nearer integers too.
    const double amax = dominant(a, nsub), cmax = dominant(c, nsub);
    if (search) cur.d = roundHalf(amax / k.smax), cur.dmin = roundHalf(cmax / k.smax);
    for (int which = 0; which < (search ? 2 : 0); ++which) {
        float& v = which == 0 ? cur.d : cur.dmin;
        float bestV = v;
        double bestE = std::numeric_limits<double>::infinity();
        for (int i = 0; i <= kGrid; ++i) {
            v = roundHalf((which == 0 ? amax : cmax) / (k.smax * (1.0 - 0.25 * i / kGrid)));
            const double e = pickAll(cur.d, cur.dmin);
            if (e < bestE) bestE = e, bestV = v;
        }
        v = bestV;
    }
    double best = std::numeric_limits<double>::infinity();
    for (int it = 0; it < 8; ++it) {
        const double e = pickAll(cur.d, cur.dmin);
        if (e < best)
            best = e, b = cur;
        else if (it > 0)
            break;
        // d, dmin given the integers: minimise sum (d*u - e*v - t)^2 with u = sc*q, v = m.
        double suu = 0, suv = 0, svv = 0, sut = 0, svt = 0;
        for (int j = 0; j < nsub; ++j) {
            const double scj = cur.sc[j], mj = cur.m[j];
            suu += scj * scj * s[j].sqq, suv += scj * mj * s[j].sq, svv += mj * mj * s[j].n;
            sut += scj * s[j].sqt, svt += mj * s[j].st;
        }
        const double det = suu * svv - suv * suv;
        double nd = cur.d, ndmin = cur.dmin;
        if (svv > 0 && det > 1e-12 * suu * svv) {
            nd = (sut * svv - suv * svt) / det;
            ndmin = (sut * suv - suu * svt) / det;
        } else if (suu > 0) {
            nd = (sut + ndmin * suv) / suu;
        }
        cur.d = roundHalf(nd), cur.dmin = roundHalf(ndmin);
        double e2 = 0;
        for (int j = 0; j < nsub; ++j)
            e2 += s[j].error(cur.d * static_cast<float>(cur.sc[j]), cur.dmin * static_cast<float>(cur.m[j]));
        if (e2 < best) best = e2, b = cur;
    }
    return best;
}

/// Re-picks each code of `b` as the nearest under its stored scales where that lowers its error
/// (errors as the dequantizer computes them). Returns the block's squared error.
double repickAffine(const AffineK& k, const float* t, KBlock& b) {
    double total = 0;
    for (int j = 0; j < k.nsub(); ++j) {
        const float av = b.d * static_cast<float>(b.sc[j]), bv = b.dmin * static_cast<float>(b.m[j]);
        for (int i = j * k.sub; i < (j + 1) * k.sub; ++i) {
            const auto err = [&](int q) {
                const double e = av * static_cast<float>(q) - bv - t[i];
                return e * e;
            };
            double e = err(b.q[i]);
            if (av != 0) {
                const int qn = nearest((t[i] + bv) / av, 0, k.qmax);
                if (qn != b.q[i] && err(qn) < e) b.q[i] = qn, e = err(qn);
            }
            total += e;
        }
    }
    return total;
}

/// Fits one super-block of targets `t` from the codes in `b.q`: scales, then codes, then once more
/// while the error falls.
void fitAffineBlock(const AffineK& k, const float* t, KBlock& b) {
    SubStats s[16];
    KBlock cur = b;
    // The sub-block scales share the sign of d: codes of sub-blocks that slope the other way (a scale
    // of the other sign) are reversed first.
    gatherStats(t, cur.q, k.sub, k.nsub(), s);
    double slope[16];
    for (int j = 0; j < k.nsub(); ++j)
        slope[j] = s[j].n * s[j].sqt - s[j].sq * s[j].st;
    const double sign = dominant(slope, k.nsub());
    for (int j = 0; j < k.nsub(); ++j)
        if (slope[j] * sign < 0)
            for (int i = j * k.sub; i < (j + 1) * k.sub; ++i)
                cur.q[i] = k.qmax - cur.q[i];
    double best = std::numeric_limits<double>::infinity();
    for (int round = 0; round < 3; ++round) {
        gatherStats(t, cur.q, k.sub, k.nsub(), s);
        fitAffineScales(k, s, cur, round == 0);
        const double e = repickAffine(k, t, cur);
        if (!(e < best)) break;
        best = e, b = cur;
    }
}

/// Q3_K: x = d*sc*q per sub-block of 16, sc -32..31, q -4..3. Sub-block sums over q and t.
struct SymStats {
    double qq = 0, qt = 0, tt = 0;
    double error(double a) const { return a * a * qq - 2 * a * qt + tt; }
};

double fitSymScales(const SymStats* s, KBlock& b, bool search) {
    double a[16];
    for (int j = 0; j < 16; ++j)
        a[j] = s[j].qq > 0 ? s[j].qt / s[j].qq : 0.0;
    KBlock cur = b;
    const auto pickAll = [&](float d) {
        double e = 0;
        for (int j = 0; j < 16; ++j) {
            cur.sc[j] = d == 0 ? 0 : nearest(a[j] / d, -32, 31); // the best integer
            e += s[j].error(d * static_cast<float>(cur.sc[j]));
        }
        return e;
    };
    // The start: the largest scale gets -32 (as ggml does) down to -24, on a grid.
    const double amax = dominant(a, 16);
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; search && i <= kGrid; ++i) {
        const float d = roundHalf(-amax / (32 * (1.0 - 0.25 * i / kGrid)));
        const double e = pickAll(d);
        if (e < best) best = e, cur.d = d;
    }
    best = std::numeric_limits<double>::infinity();
    for (int it = 0; it < 8; ++it) {
        const double e = pickAll(cur.d);
        if (e < best)
            best = e, b = cur;
        else if (it > 0)
            break;
        double num = 0, den = 0;
        for (int j = 0; j < 16; ++j)
            num += cur.sc[j] * s[j].qt, den += double(cur.sc[j]) * cur.sc[j] * s[j].qq;
        if (den > 0) cur.d = roundHalf(num / den);
        double e2 = 0;
        for (int j = 0; j < 16; ++j)
            e2 += s[j].error(cur.d * static_cast<float>(cur.sc[j]));
        if (e2 < best) best = e2, b = cur;
    }
    return best;
}

double repickSym(const float* t, KBlock& b) {
    double total = 0;
    for (int j = 0; j < 16; ++j) {
        const float av = b.d * static_cast<float>(b.sc[j]);
        for (int i = j * 16; i < j * 16 + 16; ++i) {
            const auto err = [&](int q) {
                const double e = av * static_cast<float>(q) - t[i];
                return e * e;
            };
            double e = err(b.q[i]);
            if (av != 0) {
                const int qn = nearest(t[i] / av, -4, 3);
                if (qn != b.q[i] && err(qn) < e) b.q[i] = qn, e = err(qn);
            }
            total += e;
        }
    }
    return total;
}

/// Refines the codes c of a Q3_K sub-block, alternating nearest codes and a least-squares scale,
/// from the scale `a` (or, where a is 0, from the codes in c). Returns the squared error.
double refineSym(const float* t, int* c, double a) {
    double err = std::numeric_limits<double>::infinity();
    for (int pass = 0; pass < 3; ++pass) {
        if (a == 0 || pass > 0) {
            double qq = 0, qt = 0;
            for (int i = 0; i < 16; ++i)
                qq += double(c[i]) * c[i], qt += c[i] * double(t[i]);
            if (qq == 0) break;
            a = qt / qq;
        }
        SymStats s;
        const double ia = 1.0 / a;
        for (int i = 0; i < 16; ++i) {
            c[i] = nearest(t[i] * ia, -4, 3);
            s.qq += double(c[i]) * c[i], s.qt += c[i] * double(t[i]), s.tt += double(t[i]) * t[i];
        }
        err = s.error(a);
    }
    return err;
}

/// Starting codes of one Q3_K sub-block, the best fit of: the kept codes (code - zero, from
/// `shifted` where the zeros are integers), those clipped to -4..3 and their negation, and
/// round-to-nearest under a few symmetric scales, each refined by refineSym.
void initSymCodes(const float* t, const float* shifted, int* q) {
    double tt = 0, tm = 0;
    for (int i = 0; i < 16; ++i) {
        tt += double(t[i]) * t[i];
        if (std::abs(t[i]) > std::abs(tm)) tm = t[i];
    }
    double bestErr = std::numeric_limits<double>::infinity();
    int c[16];
    const auto consider = [&](double a) {
        const double e = refineSym(t, c, a);
        if (e < bestErr) bestErr = e, std::copy(c, c + 16, q);
    };
    if (shifted) {
        for (double sign : {1.0, -1.0}) {
            for (int i = 0; i < 16; ++i)
                c[i] = nearest(sign * shifted[i], -4, 3);
            consider(0);
            if (bestErr <= 1e-12 * tt) return; // the kept codes, exact up to the scale
        }
    }
    for (double div : {-4.5, -4.0, -3.5, 3.0, 3.5})
        if (tm != 0) consider(tm / div);
}

void fitSymBlock(const float* t, KBlock& b) {
    SymStats s[16];
    KBlock cur = b;
    double best = std::numeric_limits<double>::infinity();
    for (int round = 0; round < 3; ++round) {
        for (int j = 0; j < 16; ++j) {
            s[j] = {};
            for (int i = j * 16; i < j * 16 + 16; ++i)
                s[j].qq += double(cur.q[i]) * cur.q[i], s[j].qt += cur.q[i] * double(t[i]),
                    s[j].tt += double(t[i]) * t[i];
        }
        fitSymScales(s, cur, round == 0);
        const double e = repickSym(t, cur);
        if (!(e < best)) break;
        best = e, b = cur;
    }
}

// ---- Packing ----

void packQ4_K(const KBlock& b, uint8_t* y) {
    store16(y, fp32ToFp16(b.d));
    store16(y + 2, fp32ToFp16(b.dmin));
    uint8_t* s = y + 4;
    for (int j = 0; j < 4; ++j) {
        s[j] = static_cast<uint8_t>((b.sc[j] & 63) | ((b.sc[j + 4] >> 4) << 6));
        s[j + 4] = static_cast<uint8_t>((b.m[j] & 63) | ((b.m[j + 4] >> 4) << 6));
        s[j + 8] = static_cast<uint8_t>((b.sc[j + 4] & 0xF) | ((b.m[j + 4] & 0xF) << 4));
    }
    for (int c = 0; c < 4; ++c)
        for (int l = 0; l < 32; ++l)
            y[16 + 32 * c + l] = static_cast<uint8_t>(b.q[64 * c + l] | (b.q[64 * c + 32 + l] << 4));
}

void packQ2_K(const KBlock& b, uint8_t* y) {
    for (int k = 0; k < 16; ++k)
        y[k] = static_cast<uint8_t>(b.sc[k] | (b.m[k] << 4));
    std::memset(y + 16, 0, 64);
    for (int i = 0; i < kSuper; ++i)
        y[16 + (i / 128) * 32 + i % 32] |= static_cast<uint8_t>(b.q[i] << (2 * ((i % 128) / 32)));
    store16(y + 80, fp32ToFp16(b.d));
    store16(y + 82, fp32ToFp16(b.dmin));
}

void packQ3_K(const KBlock& b, uint8_t* y) {
    std::memset(y, 0, 108);
    for (int i = 0; i < kSuper; ++i) {
        const int u = b.q[i] + 4, shift = (i % 128) / 32; // stored as low bits + 4 * high bit
        y[32 + (i / 128) * 32 + i % 32] |= static_cast<uint8_t>((u & 3) << (2 * shift));
        if (u & 4) y[i % 32] |= static_cast<uint8_t>(1 << ((i / 128) * 4 + shift));
    }
    uint8_t* s = y + 96;
    for (int k = 0; k < 16; ++k) {
        const int u = b.sc[k] + 32;
        s[k % 8] |= static_cast<uint8_t>((u & 0xF) << (k < 8 ? 0 : 4));
        s[8 + k % 4] |= static_cast<uint8_t>((u >> 4) << (2 * (k / 4)));
    }
    store16(y + 108, fp32ToFp16(b.d));
}

// ---- Rows ----

std::string rowProblem(const AffineRow& r) {
    if (r.n < 0) return "a negative length";
    if (r.group <= 0) return "group " + std::to_string(r.group);
    if (r.bits < 1 || r.bits > 8) return std::to_string(r.bits) + " bits";
    if (r.n > 0 && (!r.codes || !r.scales || !r.zeros)) return "missing codes, scales or zeros";
    return {};
}

float affineValue(const AffineRow& r, int64_t i) {
    const int64_t g = i / r.group;
    return r.scales[g] * (static_cast<float>(r.codes[i]) - r.zeros[g]);
}

bool halfFinite(float x) {
    return std::isfinite(x) && std::abs(x) < 65520.0f;
} // 65520 rounds to inf

void encodeKQuants(GgmlType type, const AffineRow& row, uint8_t* dst) {
    const int64_t blockBytes = ggmlType(type).blockBytes;
    const int codeMax = (1 << row.bits) - 1;
    float t[kSuper];
    for (int64_t s0 = 0; s0 < row.n; s0 += kSuper) {
        for (int i = 0; i < kSuper; ++i)
            t[i] = affineValue(row, s0 + i);
        KBlock b;
        uint8_t* y = dst + (s0 / kSuper) * blockBytes;
        if (type == GgmlType::Q3_K) {
            for (int j = 0; j < 16; ++j) {
                float shifted[16];
                bool integral = true;
                for (int i = 0; i < 16; ++i) {
                    const int64_t at = s0 + j * 16 + i;
                    const float z = row.zeros[at / row.group];
                    integral = integral && z == std::round(z);
                    shifted[i] = static_cast<float>(row.codes[at]) - z;
                }
                initSymCodes(t + j * 16, integral ? shifted : nullptr, b.q + j * 16);
            }
            fitSymBlock(t, b);
            packQ3_K(b, y);
            continue;
        }
        const AffineK& k = type == GgmlType::Q4_K ? kQ4K : kQ2K;
        if (codeMax <= k.qmax) {
            for (int i = 0; i < kSuper; ++i)
                b.q[i] = row.codes[s0 + i];
        } else { // more bits than the type holds: round-to-nearest per sub-block to start
            for (int j = 0; j < k.nsub(); ++j) {
                const float* tj = t + j * k.sub;
                const auto [lo, hi] = std::minmax_element(tj, tj + k.sub);
                for (int i = 0; i < k.sub; ++i)
                    b.q[j * k.sub + i] =
                        *hi > *lo ? nearest((tj[i] - *lo) / (*hi - *lo) * k.qmax, 0, k.qmax) : 0;
            }
        }
        fitAffineBlock(k, t, b);
        if (type == GgmlType::Q4_K)
            packQ4_K(b, y);
        else
            packQ2_K(b, y);
    }
}

} // namespace

uint16_t fp32ToFp16(float x) {
    uint32_t u = floatBits(x);
    const uint32_t sign = (u >> 16) & 0x8000u;
    u &= 0x7fffffffu;
    if (u >= 0x47800000u) // >= 2^16 (or inf, NaN): beyond every finite half
        return static_cast<uint16_t>(sign | (u > 0x7f800000u ? 0x7e00u | ((u >> 13) & 0x3ffu) : 0x7c00u));
    if (u < 0x38800000u) { // below 2^-14: a subnormal half; adding 0.5 rounds to a multiple of 2^-24
        const float r = bitsFloat(u) + 0.5f;
        return static_cast<uint16_t>(sign | (floatBits(r) - 0x3f000000u));
    }
    const uint32_t odd = (u >> 13) & 1u;
    u += (static_cast<uint32_t>(15 - 127) << 23) + 0xfffu + odd; // rebias, round to nearest even
    return static_cast<uint16_t>(sign | (u >> 13));              // a carry into 31 gives inf
}

float fp16ToFp32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 0) { // zero or subnormal: mant * 2^-24, exact in float
        const float v = static_cast<float>(mant) * 5.9604644775390625e-8f;
        return bitsFloat(sign | floatBits(v));
    }
    if (exp == 31) return bitsFloat(sign | 0x7f800000u | (mant << 13));
    return bitsFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t fp32ToBf16(float x) {
    const uint32_t u = floatBits(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 64u); // quiet NaN
    return static_cast<uint16_t>((static_cast<uint64_t>(u) + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

float bf16ToFp32(uint16_t h) {
    return bitsFloat(static_cast<uint32_t>(h) << 16);
}

void dequantizeRow(GgmlType type, const uint8_t* src, float* dst, int64_t n) {
    const GgmlTypeInfo& info = ggmlType(type);
    const int64_t blocks = static_cast<int64_t>(ggmlRowBytes(type, n)) / info.blockBytes;
    void (*block)(const uint8_t*, float*) = nullptr;
    switch (type) {
    case GgmlType::F32:
        for (int64_t i = 0; i < n; ++i)
            dst[i] = bitsFloat(static_cast<uint32_t>(load16(src + 4 * i)) |
                               static_cast<uint32_t>(load16(src + 4 * i + 2)) << 16);
        return;
    case GgmlType::F16:
        for (int64_t i = 0; i < n; ++i)
            dst[i] = fp16ToFp32(load16(src + 2 * i));
        return;
    case GgmlType::BF16:
        for (int64_t i = 0; i < n; ++i)
            dst[i] = bf16ToFp32(load16(src + 2 * i));
        return;
    case GgmlType::Q4_0:
        block = dequantQ4_0;
        break;
    case GgmlType::Q4_1:
        block = dequantQ4_1;
        break;
    case GgmlType::Q8_0:
        block = dequantQ8_0;
        break;
    case GgmlType::Q2_K:
        block = dequantQ2_K;
        break;
    case GgmlType::Q3_K:
        block = dequantQ3_K;
        break;
    case GgmlType::Q4_K:
        block = dequantQ4_K;
        break;
    }
    for (int64_t b = 0; b < blocks; ++b)
        block(src + b * info.blockBytes, dst + b * info.blockSize);
}

bool encodesExactly(GgmlType type, const AffineRow& row) {
    const bool q4 = type == GgmlType::Q4_0 || type == GgmlType::Q4_1;
    if (!q4 && type != GgmlType::Q8_0) return false;
    // Q4_1 holds codes of up to 4 bits (a 2- or 3-bit run too); Q4_0 and Q8_0 need their zero point.
    const bool width = type == GgmlType::Q4_1 ? row.bits <= 4 : row.bits == (q4 ? 4 : 8);
    if (!rowProblem(row).empty() || !width || row.group % 32 != 0) return false;
    for (int64_t g = 0; g < (row.n + row.group - 1) / row.group; ++g) {
        const float s = row.scales[g], z = row.zeros[g];
        if (!halfFinite(s)) return false;
        if (type == GgmlType::Q4_0 && z != 8.0f) return false;
        if (type == GgmlType::Q8_0 && z != 128.0f) return false;
        if (type == GgmlType::Q4_1 && !halfFinite(-s * z)) return false;
    }
    if (q4)
        for (int64_t i = 0; i < row.n; ++i)
            if (row.codes[i] > 15) return false;
    return true;
}

void encodeRow(GgmlType type, const AffineRow& row, uint8_t* dst) {
    const GgmlTypeInfo& info = ggmlType(type);
    const std::string problem = rowProblem(row);
    if (!problem.empty())
        throw std::invalid_argument(std::string("encoding a row as ") + info.name + ": " + problem);
    ggmlRowBytes(type, row.n); // throws unless n is a multiple of the block size
    switch (type) {
    case GgmlType::F32:
    case GgmlType::F16:
    case GgmlType::BF16: {
        std::vector<float> x(static_cast<size_t>(row.n));
        for (int64_t i = 0; i < row.n; ++i)
            x[static_cast<size_t>(i)] = affineValue(row, i);
        encodeFloatRow(type, x.data(), dst, row.n);
        return;
    }
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q8_0:
        if (!encodesExactly(type, row))
            throw std::invalid_argument(std::string(info.name) + " does not hold this " +
                                        std::to_string(row.bits) + "-bit row of group " +
                                        std::to_string(row.group) + " exactly");
        for (int64_t b = 0; b < row.n / 32; ++b) {
            const int64_t g = b * 32 / row.group;
            const float s = row.scales[g];
            const uint8_t* c = row.codes + b * 32;
            uint8_t* y = dst + b * info.blockBytes;
            store16(y, fp32ToFp16(s));
            if (type == GgmlType::Q8_0) {
                for (int l = 0; l < 32; ++l)
                    y[2 + l] = static_cast<uint8_t>(c[l] ^ 0x80u); // code - 128 as int8
                continue;
            }
            uint8_t* qs = y + 2;
            if (type == GgmlType::Q4_1) store16(y + 2, fp32ToFp16(-s * row.zeros[g])), qs = y + 4;
            for (int l = 0; l < 16; ++l)
                qs[l] = static_cast<uint8_t>(c[l] | (c[l + 16] << 4));
        }
        return;
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::Q4_K:
        encodeKQuants(type, row, dst);
        return;
    }
}

void encodeFloatRow(GgmlType type, const float* x, uint8_t* dst, int64_t n) {
    const GgmlTypeInfo& info = ggmlType(type);
    ggmlRowBytes(type, n); // throws unless n is a multiple of the block size
    switch (type) {
    case GgmlType::F32:
        for (int64_t i = 0; i < n; ++i) {
            const uint32_t u = floatBits(x[i]);
            store16(dst + 4 * i, static_cast<uint16_t>(u)),
                store16(dst + 4 * i + 2, static_cast<uint16_t>(u >> 16));
        }
        return;
    case GgmlType::F16:
        for (int64_t i = 0; i < n; ++i)
            store16(dst + 2 * i, fp32ToFp16(x[i]));
        return;
    case GgmlType::BF16:
        for (int64_t i = 0; i < n; ++i)
            store16(dst + 2 * i, fp32ToBf16(x[i]));
        return;
    case GgmlType::Q8_0:
        for (int64_t b = 0; b < n / 32; ++b) {
            const float* v = x + b * 32;
            uint8_t* y = dst + b * info.blockBytes;
            float amax = 0;
            for (int l = 0; l < 32; ++l)
                amax = std::max(amax, std::abs(v[l]));
            const float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
            store16(y, fp32ToFp16(d));
            for (int l = 0; l < 32; ++l)
                y[2 + l] = static_cast<uint8_t>(static_cast<int8_t>(std::round(v[l] * id)));
        }
        return;
    default:
        throw std::invalid_argument(std::string("plain float rows are not encoded as ") + info.name);
    }
}

} // namespace qat::gguf
