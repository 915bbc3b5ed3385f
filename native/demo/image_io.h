// image_io.h — photographs in and out of tensors for the demo (stb_image / stb_image_write).
#pragma once

#include <filesystem>

#include "poolkit/tensor.h"

namespace poolkit::demo {

// Loads any image stb understands as float32 [1, 3, H, W] in [0, 1].
Tensor load_image(const std::filesystem::path& file);

// Writes a float32 [N, C, H, W] tensor's first image as an RGB PNG of |height|×|width|, scaled
// nearest-neighbour. Values already in [0, 1] map straight to 0–255 (so colours stay true);
// anything else is stretched from its own minimum to its 99.5th percentile. One channel is grey; with two or more than
// three channels only the first (or first three) are shown.
void save_png(const std::filesystem::path& file, const Tensor& tensor, int height, int width);

}  // namespace poolkit::demo
