#include "image_io.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

namespace poolkit::demo {

Tensor load_image(const std::filesystem::path& file) {
  int w = 0, h = 0, channels_in_file = 0;
  // Ask stb for 3 channels whatever the file holds: grey and RGBA become RGB.
  std::unique_ptr<unsigned char, void (*)(void*)> pixels(
      stbi_load(file.c_str(), &w, &h, &channels_in_file, 3), stbi_image_free);
  if (!pixels) fail_bad_input(file.string() + ": cannot load image: " + stbi_failure_reason());
  Tensor t = Tensor::zeros(Shape{1, 3, h, w});
  auto out = t.data<float>();
  const size_t plane = static_cast<size_t>(h) * static_cast<size_t>(w);
  for (size_t i = 0; i < plane; ++i)
    for (size_t c = 0; c < 3; ++c) out[c * plane + i] = pixels.get()[i * 3 + c] / 255.0f;
  return t;
}

void save_png(const std::filesystem::path& file, const Tensor& tensor, int height, int width) {
  const Shape& s = tensor.shape();
  if (s.rank() != 4) fail_bad_input(file.string() + ": can only draw [N, C, H, W] tensors, not " + s.str());
  const auto data = tensor.data<float>();
  const int64_t channels = s[1], h = s[2], w = s[3];
  const size_t count = static_cast<size_t>(channels * h * w);
  const auto [lo_it, hi_it] = std::minmax_element(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(count));
  float lo = *lo_it, hi = *hi_it;
  if (lo >= 0.0f && hi <= 1.0f) {
    lo = 0.0f;
    hi = 1.0f;
  } else {
    // Stretch to the 99.5th percentile rather than the maximum: a few strong responses (edge
    // filters) would otherwise leave the rest of the picture black.
    std::vector<float> sorted(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(count));
    const auto k = sorted.begin() + static_cast<std::ptrdiff_t>(count * 995 / 1000);
    std::nth_element(sorted.begin(), k, sorted.end());
    hi = *k > lo ? *k : lo + 1.0f;
  }
  const int64_t shown = channels >= 3 ? 3 : 1;
  std::vector<unsigned char> rgb(static_cast<size_t>(height) * static_cast<size_t>(width) * 3);
  for (int y = 0; y < height; ++y) {
    const int64_t sy = int64_t{y} * h / height;
    for (int x = 0; x < width; ++x) {
      const int64_t sx = int64_t{x} * w / width;
      for (int c = 0; c < 3; ++c) {
        const int64_t sc = shown == 3 ? c : 0;
        const float v = (data[static_cast<size_t>((sc * h + sy) * w + sx)] - lo) / (hi - lo);
        rgb[(static_cast<size_t>(y) * width + x) * 3 + c] =
            static_cast<unsigned char>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
      }
    }
  }
  if (!stbi_write_png(file.c_str(), width, height, 3, rgb.data(), width * 3)) {
    fail_runtime(file.string() + ": cannot write PNG");
  }
}

}  // namespace poolkit::demo
