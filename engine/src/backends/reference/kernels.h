// The reference backend's kernels: plain loops, written to be obviously correct. They are the
// oracle every other backend is tested against, so clarity beats speed here, always.
//
// Every kernel takes its op's attributes, its input tensors (graph order) and preallocated output
// tensors whose shapes came from shape inference (infer_outputs). Tensors are dense row-major;
// 2-D ops treat all leading dimensions as independent planes (N·C planes of H×W), 1-D ops treat
// the last axis as the window axis. Index outputs are int64 flat positions within a plane (h*W+w).
// Reductions accumulate in double.
#pragma once

#include <vector>

#include "poolkit/ops.h"
#include "poolkit/tensor.h"

namespace poolkit::reference {

using Inputs = std::vector<const Tensor*>;
using Outputs = std::vector<Tensor*>;

void run(const MaxPool2dAttrs&, const Inputs&, const Outputs&);
void run(const AvgPool2dAttrs&, const Inputs&, const Outputs&);
void run(const LpPool2dAttrs&, const Inputs&, const Outputs&);
void run(const MaxPool1dAttrs&, const Inputs&, const Outputs&);
void run(const AvgPool1dAttrs&, const Inputs&, const Outputs&);
void run(const LpPool1dAttrs&, const Inputs&, const Outputs&);
void run(const AdaptiveMaxPool2dAttrs&, const Inputs&, const Outputs&);
void run(const AdaptiveAvgPool2dAttrs&, const Inputs&, const Outputs&);
void run(const GlobalMaxPoolAttrs&, const Inputs&, const Outputs&);
void run(const GlobalAvgPoolAttrs&, const Inputs&, const Outputs&);
void run(const GlobalLpPoolAttrs&, const Inputs&, const Outputs&);
void run(const FractionalMaxPool2dAttrs&, const Inputs&, const Outputs&);
void run(const StochasticPool2dAttrs&, const Inputs&, const Outputs&);
void run(const MaxUnpool2dAttrs&, const Inputs&, const Outputs&);
void run(const Conv2dAttrs&, const Inputs&, const Outputs&);
void run(const ReluAttrs&, const Inputs&, const Outputs&);

}  // namespace poolkit::reference
