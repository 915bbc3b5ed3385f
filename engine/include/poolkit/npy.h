// poolkit/npy.h — NumPy .npy files (format 1.0/2.0/3.0, C order, little-endian).
// Reads <f4 and <f8 (converted to float32) and <i8; writes <f4 and <i8. Anything else is
// rejected with an Error{bad_input} naming the file and the problem.
#pragma once

#include <filesystem>
#include <string>

#include "poolkit/tensor.h"

namespace poolkit {

Tensor load_npy(const std::filesystem::path& file);
Tensor parse_npy(const std::string& bytes, const std::string& what);  // |what| names it in errors
std::string serialize_npy(const Tensor& tensor);
// Writes |tensor| to |file| through a temporary file and a rename: never a half-written file.
void save_npy(const std::filesystem::path& file, const Tensor& tensor);

}  // namespace poolkit
