// poolkit/poolkit.h — the whole public API.
#pragma once

#include "poolkit/backend.h"
#include "poolkit/errors.h"
#include "poolkit/graph.h"
#include "poolkit/npy.h"
#include "poolkit/ops.h"
#include "poolkit/session.h"
#include "poolkit/tensor.h"
#include "poolkit/tuning.h"

namespace poolkit {
inline constexpr const char* kVersion = "0.1.0";
}
