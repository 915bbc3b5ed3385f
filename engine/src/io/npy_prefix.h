// The bytes of a .npy file before its data (magic, version, header length, padded header), so that
// a writer can send a large tensor's data straight from its memory instead of through a copy
// (serialize_npy). Used by save_npy and by the command line's output writer.
#pragma once

#include <string>

#include "poolkit/tensor.h"

namespace poolkit::detail {

std::string npy_prefix(const Tensor& tensor);

}  // namespace poolkit::detail
