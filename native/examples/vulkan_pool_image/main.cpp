// vulkan_pool_image: how an application embeds poolkit. Loads an image, max-pools it with a
// KxK window on the Vulkan backend (falling back to nothing: a missing GPU is reported, exit 1),
// and writes the result as a PNG. Only the public API (<poolkit/poolkit.h>) is used.
//
//   vulkan_pool_image INPUT_IMAGE OUTPUT.png [K=4] [BACKEND=vulkan]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include "poolkit/poolkit.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s INPUT_IMAGE OUTPUT.png [K=4] [BACKEND=vulkan]\n", argv[0]);
    return 2;
  }
  const int64_t k = argc > 3 ? std::atoll(argv[3]) : 4;
  const std::string backend = argc > 4 ? argv[4] : "vulkan";
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[1], &w, &h, &channels, 3);
  if (!pixels) {
    std::fprintf(stderr, "vulkan_pool_image: error: cannot read image '%s': %s\n", argv[1], stbi_failure_reason());
    return 2;
  }
  // HWC bytes -> NCHW float [1, 3, H, W] in [0, 1].
  poolkit::Tensor image = poolkit::Tensor::zeros({1, 3, h, w});
  auto x = image.data<float>();
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < w * h; ++i) x[static_cast<size_t>(c) * w * h + i] = pixels[3 * i + c] / 255.0f;
  stbi_image_free(pixels);

  try {
    poolkit::Graph graph;
    const auto in = graph.input("image", {1, 3, h, w});
    const auto pooled = graph.add("pooled", poolkit::MaxPool2dAttrs{.kernel_size = {k, k}}, {in});
    graph.output(pooled[0]);
    poolkit::Session session(std::move(graph), backend);
    const poolkit::NamedTensors out = session.run({{"image", image}});
    const poolkit::Tensor& y = out.at("pooled");
    const int oh = static_cast<int>(y.shape()[2]), ow = static_cast<int>(y.shape()[3]);
    std::vector<unsigned char> rgb(static_cast<size_t>(oh) * ow * 3);
    const auto v = y.data<float>();
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < oh * ow; ++i) rgb[3 * i + c] = static_cast<unsigned char>(v[static_cast<size_t>(c) * oh * ow + i] * 255.0f + 0.5f);
    if (!stbi_write_png(argv[2], ow, oh, 3, rgb.data(), ow * 3)) {
      std::fprintf(stderr, "vulkan_pool_image: error: cannot write '%s'\n", argv[2]);
      return 1;
    }
    std::printf("%s: %dx%d -> %dx%d on %s (%s)\n", argv[2], w, h, ow, oh, backend.c_str(), session.kernels().at(0).variant.c_str());
  } catch (const poolkit::Error& e) {
    std::fprintf(stderr, "vulkan_pool_image: error: %s\n", e.what());
    return poolkit::exit_code(e.kind());
  }
  return 0;
}
