// max_unpool2d, as the reference backend's unpool2d.cpp: each output plane is zero, then every
// value of the matching input plane is written to the flat position (h*W_out + w) its index names.
// Duplicate indices: the last write in row-major input order wins.
//
// A Halide scatter: an update definition whose left-hand side is computed from the indices. The
// RDom walks the input plane in row-major order (r.x innermost) and runs serially within a plane,
// so the write order, and with it the winner among duplicates, is the reference's. Planes are
// independent (an index addresses its own plane only), so the scatter runs planes in parallel.
//
// The host checks every index against the output plane before the call (the reference's
// bad_input error); the clamps below only let Halide bound the writes and never change a valid
// index. Indices arrive as int64 and are narrowed to int32: the host guarantees planes below 2^31.
#include "common/generator_helpers.h"

namespace poolkit_gen {

class MaxUnpool2d : public Generator<MaxUnpool2d> {
 public:
  // 16 f32 = one AVX-512 vector for the zero fill (the scatter itself is scalar stores).
  GeneratorParam<int> vector_width{"vector_width", 16};

  Input<Buffer<float>> values{"values", 4};
  Input<Buffer<int64_t>> indices{"indices", 4};
  // The output plane's size (Halide 14 cannot read an Output's extents in its own definition).
  Input<int32_t> out_h{"out_h"}, out_w{"out_w"};
  Output<Buffer<float>> output{"output", 4};

  void generate() {
    r = RDom(0, values.dim(0).extent(), 0, values.dim(1).extent(), "r");
    const Expr index = cast<int32_t>(indices(r.x, r.y, c, n));
    output(x, y, c, n) = 0.0f;
    output(clamp(index % out_w, 0, out_w - 1), clamp(index / out_w, 0, out_h - 1), c, n) = values(r.x, r.y, c, n);
  }

  void schedule() {
    Var t("t");
    output.vectorize(x, vector_width, TailStrategy::GuardWithIf).fuse(c, n, t).parallel(t);
    // Serial within a plane (r.x, r.y in order); planes in parallel.
    output.update().fuse(c, n, t).parallel(t);
  }

 private:
  Var x{"x"}, y{"y"}, c{"c"}, n{"n"};
  RDom r;
};

}  // namespace poolkit_gen

HALIDE_REGISTER_GENERATOR(poolkit_gen::MaxUnpool2d, max_unpool2d)
