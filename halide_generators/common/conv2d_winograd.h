// Winograd F(2x2, 3x3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016) for 3x3 kernels, unit stride and dilation, one group: each 2x2 tile of outputs
// costs 16 multiply-adds per (input, output) channel pair instead of 36 — the way past a direct
// convolution's FLOP ceiling (DESIGN.md). Shared by conv2d_generator.cpp and
// conv2d_relu_max_pool2d_generator.cpp (winograd=2; winograd=1 is WinogradF23Rows below).
//
//   U = G g G^T    per (ci, co): the 3x3 filter as 4x4 (computed per call: weights are inputs)
//   V = B^T d B    per (tile, ci): the tile's 4x4 input window
//   M = Σ_ci U V   per (tile, co), element-wise in the 16 positions e: 16 small GEMMs
//   Y = A^T M A    the tile's 2x2 outputs
//
// Layout: a parallel task is a band of |band_rows| rows of tiles of one image. Its tiles are
// numbered flat, t = column + row * tiles_w, so that vectors of 16 tiles run on across rows
// (C1's rows are 28 tiles: whole vectors only because bands are 4 rows, 112 tiles). V and M are
// (t, e, channel) with t innermost: the GEMM's vectors are 16 tiles, its broadcasts U values.
//
// Rounding differs from direct convolution (the transforms add before multiplying): measured
// against a float64 reference on 64->64 channels, unit-variance data and He-scaled weights, the
// largest |error| / (1 + |exact|) was 1.5e-6 (direct float32: 1.1e-6), well inside DESIGN.md's
// 1e-5. Non-finite values do not survive the transforms as direct convolution's do (an inf input
// meets both signs in B^T d B and turns an inf output into NaN), and its intermediates can be 9x
// direct's: the host runs a direct variant instead whenever the input or the weights hold one, or
// their magnitudes could overflow (engine/src/backends/halide/conv_family.cpp, winograd_or_direct).
#pragma once

#include <array>

#include "common/generator_helpers.h"

namespace poolkit_gen {

class WinogradF23 {
 public:
  // |padded|: the input, zero outside it, in input coordinates (x, y, ci, n); |weight|:
  // (kx, ky, ci, co). tiles_w x tiles_h tiles of 2x2 outputs start at input (-pad_w, -pad_h).
  void define(const Func& padded, const Func& weight, const Expr& cin, const Expr& pad_w, const Expr& pad_h,
              const Expr& tiles_w, const Expr& tiles_h, int band_rows, int vector) {
    tw_ = tiles_w;
    th_ = tiles_h;
    br_ = band_rows;
    // U(co, ci, e), e = 4 * l + k: G's row l applied over ky, row k over kx. First as a vector
    // over the 16 e (Uv) of Σ_taps G[l][ky] G[k][kx] · g(kx, ky): 9 multiply-adds of a broadcast
    // weight by a constant vector per (co, ci); then transposed 16 channels at a time in
    // registers. co innermost in U: the GEMM broadcasts co_block values at immediate offsets from
    // one pointer (with ci innermost LLVM computed the 16 addresses in vector registers and
    // extracted them one by one: C1 0.84 -> 0.62 ms), and e outermost keeps one e's slice
    // contiguous for the GEMM. (Computing U vectorized over co gathered the weights: 6% of C1.)
    const auto g_coef = [](const Expr& row, int col) {
      static const float G[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
      return mux(row, {G[0][col], G[1][col], G[2][col], G[3][col]});
    };
    Expr u = 0.0f;
    for (int ky = 0; ky < 3; ++ky)
      for (int kx = 0; kx < 3; ++kx) u += g_coef(e / 4, ky) * g_coef(e % 4, kx) * weight(kx, ky, ci, co);
    Uv(e, co, ci) = u;
    U(co, ci, e) = Uv(e, co, ci);

    // V(t, e, ci, b, n) for the tiles of band b: B^T's row k over the window's columns, row l
    // over its rows. Written by an update over the band's rows of tiles, whole vectors of
    // columns (|cols|) and the last |vector| columns again when a row is not whole vectors
    // (|tail|): a GuardWithIf tail computed its tiles one by one.
    const auto bt = [](int k, const Expr& d0, const Expr& d1, const Expr& d2, const Expr& d3) -> Expr {
      switch (k) {
        case 0: return d0 - d2;
        case 1: return d1 + d2;
        case 2: return d2 - d1;
        default: return d1 - d3;
      }
    };
    cols_ = RDom(0, (tiles_w / vector) * vector, 0, band_rows, "wino_cols");
    tail_ = RDom(max(tiles_w - vector, 0), min(tiles_w, vector), 0, band_rows, "wino_tail");
    tail_.where(tiles_w % vector != 0);
    const auto transformed = [&](const RDom& r) {
      const Expr tile_row = band_start(b) + r.y;
      Expr d[4][4];
      for (int j = 0; j < 4; ++j)
        for (int i = 0; i < 4; ++i) d[j][i] = padded(2 * r.x - pad_w + i, 2 * tile_row - pad_h + j, ci, n);
      std::vector<Expr> v;
      for (int l = 0; l < 4; ++l) {
        for (int k = 0; k < 4; ++k) {
          Expr c[4];
          for (int j = 0; j < 4; ++j) c[j] = bt(k, d[j][0], d[j][1], d[j][2], d[j][3]);
          v.push_back(bt(l, c[0], c[1], c[2], c[3]));
        }
      }
      return mux(e, v);
    };
    V(t, e, ci, b, n) = undef<float>();  // every tile of the band is written below
    V(cols_.x + cols_.y * tiles_w, e, ci, b, n) = transformed(cols_);
    V(tail_.x + tail_.y * tiles_w, e, ci, b, n) = transformed(tail_);

    rc_ = RDom(0, cin, "wino_ci");
    gemm(t, e, co, b, n) = 0.0f;
    gemm(t, e, co, b, n) += U(co, rc_, e) * V(t, e, rc_, b, n);
    M(t, e, co, b, n) = gemm(t, e, co, b, n);
  }

  // The first tile row of band b (the last band is shifted up to stay whole, overlapping its
  // neighbour, when the rows of tiles are not whole bands).
  Expr band_start(const Expr& band) const { return min(band * br_, th_ - br_); }

  // Tile (tx, ty)'s 2x2 outputs for channel co of image n, Y[dy][dx], bias not added.
  std::array<std::array<Expr, 2>, 2> tile_outputs(const Expr& tx, const Expr& ty, const Expr& co_, const Expr& n_) const {
    const Expr band = ty / br_;
    const Expr tt = tx + (ty - band_start(band)) * tw_;
    Expr m[4][4];
    for (int l = 0; l < 4; ++l)
      for (int k = 0; k < 4; ++k) m[l][k] = M(tt, 4 * l + k, co_, band, n_);
    const auto at = [](int j, const Expr& m0, const Expr& m1, const Expr& m2, const Expr& m3) -> Expr {
      return j == 0 ? m0 + m1 + m2 : m1 - m2 - m3;
    };
    std::array<std::array<Expr, 2>, 2> y;
    for (int dy = 0; dy < 2; ++dy) {
      for (int dx = 0; dx < 2; ++dx) {
        Expr r[4];
        for (int l = 0; l < 4; ++l) r[l] = at(dx, m[l][0], m[l][1], m[l][2], m[l][3]);
        y[dy][dx] = at(dy, r[0], r[1], r[2], r[3]);
      }
    }
    return y;
  }

  // |band|: the consumer's loop over bands (one parallel task each), where V and M live.
  // GEMM blocks: |vector| tiles x |co_block| output channels of accumulators, reduction over ci
  // innermost; per e, the band's V slice stays in L1 across the channel blocks.
  void schedule(const LoopLevel& band, int vector, int co_block) {
    Var to("to"), ti("ti"), coo("coo"), coi("coi");
    RVar xo("xo"), xi("xi");
    Var cio("cio"), cii("cii");
    U.compute_root()
        .bound(e, 0, 16)
        .split(co, cio, cii, vector, TailStrategy::GuardWithIf)
        .reorder(cii, e, cio, ci)
        .vectorize(cii)
        .unroll(e)
        .parallel(ci);
    Uv.compute_at(U, cio).vectorize(e).unroll(co);
    // V stays (t, e, ci): its update writes all 16 e of a vector of tiles together (stored as
    // (t, ci, e), C1 took 0.72 ms instead of 0.63). M is stored (t, co, e), one e's slice
    // contiguous as the GEMM writes it (0.63 -> 0.61 ms).
    V.compute_at(band);
    for (int u = 0; u < 2; ++u) {
      const RDom& r = u == 0 ? cols_ : tail_;
      V.update(u)
          .allow_race_conditions()  // t = x + y * tiles_w with x < tiles_w: distinct per (x, y)
          .split(r.x, xo, xi, vector, TailStrategy::GuardWithIf)
          .reorder(xi, e, xo, r.y, ci)
          .vectorize(xi)
          .unroll(e);
    }
    M.compute_at(band)
        .reorder_storage(t, co, e, b, n)
        .split(t, to, ti, vector, TailStrategy::ShiftInwards)
        .split(co, coo, coi, co_block, TailStrategy::ShiftInwards)
        .reorder(ti, coi, to, coo, e)
        .vectorize(ti)
        .unroll(coi);
    gemm.compute_at(M, to).vectorize(t).unroll(co);
    gemm.update().reorder(t, co, rc_).vectorize(t).unroll(co);
  }

  Func Uv{"wino_uv"}, U{"wino_u"}, V{"wino_v"}, M{"wino_m"}, gemm{"wino_gemm"};

 private:
  Var t{"t"}, e{"e"}, ci{"ci"}, co{"co"}, b{"b"}, n{"n"};
  RDom cols_, tail_, rc_;
  Expr tw_, th_;
  int br_ = 1;
};

// Winograd F(2, 3) along rows only, direct down the columns: each pair of adjacent outputs in a
// row costs 4 multiply-adds per (ky, ci, co) instead of 6 (1.5x fewer; the 2-D form saves 2.25x
// but its 16 small GEMMs over the input channels are load-bound when those are few: F2's 3).
// Tile tx = outputs (2 tx, y) and (2 tx + 1, y) of every row y. The register block keeps conv2d's
// shape: vectors of 16 tiles x the 4 components x 2 rows x co_block channels.
//   Ur(k, ky, ci, co) = G's row k over kx, Vr(tx, k, r, ci) = B^T's row k over the tile's 4
//   input columns of input row r, Mr(tx, k, y, co) = Σ_{ky,ci} Ur · Vr(row y - pad_h + ky),
//   outputs: Mr0 + Mr1 + Mr2 and Mr1 - Mr2 - Mr3.
// Non-finite inputs: as the 2-D form (the host runs a direct variant instead).
class WinogradF23Rows {
 public:
  void define(const Func& padded, const Func& weight, const Expr& cin, const Expr& pad_w, const Expr& pad_h) {
    const auto g = [&](int i) { return weight(i, ky, ci, co); };
    Ur(k, ky, ci, co) = mux(k, {g(0), (g(0) + g(1) + g(2)) * 0.5f, (g(0) - g(1) + g(2)) * 0.5f, g(2)});
    const auto d = [&](int i) { return padded(2 * tx - pad_w + i, r, ci, n); };
    Vr(tx, k, r, ci, n) = mux(k, {d(0) - d(2), d(1) + d(2), d(2) - d(1), d(1) - d(3)});
    rr_ = RDom(0, 3, 0, cin, "rows_r");
    Mr(tx, k, y, co, n) = 0.0f;
    Mr(tx, k, y, co, n) += Ur(k, rr_.x, rr_.y, co) * Vr(tx, k, y - pad_h + rr_.x, rr_.y, n);
  }

  // Conv output (2 tx + dx, y) for channel co of image n, bias not added.
  Expr output(int dx, const Expr& tx_, const Expr& y_, const Expr& co_, const Expr& n_) const {
    const auto m = [&](int i) { return Mr(tx_, i, y_, co_, n_); };
    return dx == 0 ? m(0) + m(1) + m(2) : m(1) - m(2) - m(3);
  }

  // |task|: where the transformed input rows live (one parallel task); |block|: the consumer's
  // loop over vectors of tiles x co_block channels x rows, where Mr's accumulators live.
  void schedule(const LoopLevel& task, const LoopLevel& block, int vector) {
    Ur.compute_root();
    Var txo("txo"), txi("txi");
    // All 4 components of a vector of tiles in one loop body: they share the 4 strided loads.
    Vr.compute_at(task).split(tx, txo, txi, vector).reorder(txi, k, txo).vectorize(txi).unroll(k);
    Mr.compute_at(block).vectorize(tx, vector).unroll(k).unroll(y).unroll(co);
    Mr.update().reorder(tx, k, y, co, rr_.x, rr_.y).vectorize(tx, vector).unroll(k).unroll(y).unroll(co).unroll(rr_.x);
  }

  Func Ur{"rows_u"}, Vr{"rows_v"}, Mr{"rows_m"};

 private:
  Var tx{"tx"}, k{"k"}, ky{"ky"}, r{"r"}, y{"y"}, ci{"ci"}, co{"co"}, n{"n"};
  RDom rr_;
};

}  // namespace poolkit_gen
