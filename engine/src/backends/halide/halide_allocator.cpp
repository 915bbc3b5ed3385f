// Halide's scratch memory (buffers a kernel allocates inside itself, per parallel task: padded
// input rows, Winograd's transformed tiles) through a cache of freed large blocks. glibc serves
// blocks of 128 KiB and more with fresh mmap()s, and unmaps or trims them when freed, so every
// task of every run paid page faults on its scratch: two thirds of a Winograd C1 run's time
// went to the kernel's page-fault path (perf, 2026-11-22).
// Small blocks (under 4 KiB: a pooling kernel's row buffer, one per task) go through a short
// per-thread list of freed blocks per size class instead: an aligned_alloc + free pair took
// 24-43 ns in Chromium (a reused block 10 ns), once per task, 64 tasks per P2 call.
#include "backends/halide/halide_allocator.h"

#include <HalideRuntime.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

namespace poolkit::halide {
namespace {

// Halide wants vector alignment and 8 readable bytes on either side of a block; 128 covers
// AVX-512 (64) with room for the header, which holds the block's size class.
constexpr size_t kAlign = 128;
constexpr size_t kTailSlack = 64;
constexpr size_t kSmallest = size_t{4} << 10;      // below: the per-thread small-block lists
constexpr size_t kCacheLimit = size_t{256} << 20;  // bytes kept for reuse, at most

struct Cache {
  std::mutex mu;
  std::map<size_t, std::vector<void*>> free_blocks;  // by size class: base pointers
  size_t cached_bytes = 0;
};
Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: kernels may free after static destruction
  return *c;
}

// Size classes: powers of two from kSmallest (a block is at most twice what was asked for).
size_t size_class(size_t bytes) {
  size_t c = kSmallest;
  while (c < bytes) c <<= 1;
  return c;
}

// Small blocks: kSmallBlocks size classes, powers of two from 64 bytes to kSmallest, at most
// kSmallKept freed blocks each, per thread (no lock; a block freed on another thread than the
// one that allocated it joins that thread's list: any thread may reuse or free it). The header
// holds ~class index, far above any large size class.
constexpr int kSmallBlocks = 7;  // 64, 128, ..., 4096 bytes
constexpr int kSmallKept = 8;
struct SmallCache {
  void* blocks[kSmallBlocks][kSmallKept];
  int count[kSmallBlocks] = {};
  bool dead = false;  // destroyed (thread or program exit): later frees go straight to free()
  ~SmallCache() {
    for (int c = 0; c < kSmallBlocks; ++c)
      for (int i = 0; i < count[c]; ++i) std::free(blocks[c][i]);
    dead = true;
  }
};
thread_local SmallCache small_cache;

int small_class(size_t bytes) {  // -1: not a small block
  size_t size = 64;
  for (int c = 0; c < kSmallBlocks; ++c, size <<= 1)
    if (bytes < size || (bytes == size && size < kSmallest)) return c;
  return -1;
}

void* cached_malloc(void*, size_t bytes) {
  if (const int sc = small_class(bytes); sc >= 0) {
    SmallCache& cache = small_cache;
    void* base = !cache.dead && cache.count[sc] > 0 ? cache.blocks[sc][--cache.count[sc]] : nullptr;
    if (!base) {
      const size_t total = kAlign + (size_t{64} << sc) + kTailSlack;
      base = std::aligned_alloc(kAlign, (total + kAlign - 1) / kAlign * kAlign);
      if (!base) return nullptr;
    }
    *static_cast<size_t*>(base) = ~static_cast<size_t>(sc);
    return static_cast<char*>(base) + kAlign;
  }
  const size_t cls = bytes < kSmallest ? 0 : size_class(bytes);
  void* base = nullptr;
  if (cls) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    auto it = c.free_blocks.find(cls);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      base = it->second.back();
      it->second.pop_back();
      c.cached_bytes -= cls;
    }
  }
  if (!base) {
    const size_t total = kAlign + (cls ? cls : bytes) + kTailSlack;
    base = std::aligned_alloc(kAlign, (total + kAlign - 1) / kAlign * kAlign);
    if (!base) return nullptr;
  }
  *static_cast<size_t*>(base) = cls;
  return static_cast<char*>(base) + kAlign;
}

void cached_free(void*, void* ptr) {
  if (!ptr) return;
  void* base = static_cast<char*>(ptr) - kAlign;
  const size_t cls = *static_cast<size_t*>(base);
  if (cls >= ~static_cast<size_t>(kSmallBlocks - 1)) {  // a small block
    const int sc = static_cast<int>(~cls);
    SmallCache& cache = small_cache;
    if (!cache.dead && cache.count[sc] < kSmallKept) {
      cache.blocks[sc][cache.count[sc]++] = base;
      return;
    }
    std::free(base);
    return;
  }
  if (cls) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    if (c.cached_bytes + cls <= kCacheLimit) {
      c.free_blocks[cls].push_back(base);
      c.cached_bytes += cls;
      return;
    }
  }
  std::free(base);
}

}  // namespace

void install_cached_allocator() {
  halide_set_custom_malloc(cached_malloc);
  halide_set_custom_free(cached_free);
}

}  // namespace poolkit::halide
