# THE table of Halide schedule variants for the cpu backend: one row per AOT function.
# id = family__specialization__schedule (STYLE.md 6.3): also the bench/test name and pk_<id> symbol.
# Rows of one op are in preference order: the first whose PARAMS fit a node runs it, unless
# `--variant NODE=ID` says otherwise. Every row is conformance-tested.
# The browser build (Emscripten, wasm simd128) has rows of its own in if(EMSCRIPTEN) blocks, ahead
# of the native rows they beat there, and leaves out the NATIVE_ONLY rows (never picked in wasm).

# ---- 2-D (and 1-D) max / avg / lp pooling ------------------------------------------------------
# _inside: windows never leave the input (no padding, no ceil-mode overhang): no boundary tests.
# vsep (vector_separable): per vector of outputs, rows then columns in registers, dense loads:
# P1 0.36 -> 0.20 ms, P3 0.29 -> 0.18 ms against the _inside rows below (1 thread, 2026-11-22).
# 32 output rows per task: P5 (DRAM) 7.5 -> 6.9 ms against 8 rows (Halide's task queue took 7%
# of P1 at 8 rows: a mutex per task), P1 alike; 2 threads still get 4 tasks per plane.
# Session 3 (nan_max pairs on x86, AMD EPYC, 1 thread, 5 alternating rounds, 2026-11-22): 16 lanes
# and 32 rows kept — P1 v16_r32 0.210 ms, v8_r32 0.239, v16_r112 0.205 (within noise); P3 v16 0.197,
# v8 0.208 (native/bench/RESULTS.md, P1/P3 kernel (session 3)).
poolkit_halide_variant(ID max_pool2d__k2s2_inside__vsep_v16_r32 GENERATOR pool2d
  PARAMS op=max vector_separable=true in_bounds=true kernel_h=2 kernel_w=2 stride_h=2 stride_w=2 vector_width=16 rows_per_task=32)
poolkit_halide_variant(ID max_pool2d__k2s2_inside__v16_r8 GENERATOR pool2d
  PARAMS op=max in_bounds=true kernel_h=2 kernel_w=2 stride_h=2 stride_w=2 vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID max_pool2d__k2s2__v16_r8 GENERATOR pool2d
  PARAMS op=max kernel_h=2 kernel_w=2 stride_h=2 stride_w=2 vector_width=16 rows_per_task=8)
# _separable: a max over each input column's kh rows, then over kw columns (see pool2d_generator.cpp);
# P2 0.69 -> 0.21 ms against the direct k3s2 row below (1 thread, 2026-11-22). One row for both
# builds since the rework (clamped rows, nan_chain_max; P2 kernel alone, 1 thread, alternating
# rounds, 2026-11-22): x86-64 vector_width 8 (ymm) rows_per_task 56 0.070 ms, 16/56 0.091, 8/28
# 0.075, old v16_r8 0.125; wasm in node 8/56 0.114, 8/28 0.118, 4/28 0.121, old v8_r28 0.141.
# Eight lanes tile P2's 56 outputs exactly (16 recompute 8 of every 56 through the shifted-in
# last vector) and on this machine (AMD EPYC per lscpu) every 16-lane variant lost, the row pass
# alone included; whole 56-row planes per task still give 2 threads 32 tasks each. poolkit bench,
# 5 alternating rounds: 0.147 -> 0.077 ms (1 thread; native/bench/RESULTS.md, session 3).
if(EMSCRIPTEN)
  # wasm: the same passes with max_nan_mask (generator_helpers.h): per row-pass vector 9 x86
  # instructions in V8 instead of 12, per column-pass vector 13 instead of 16 (--print-wasm-code).
  # P2 kernel alone, 1 thread, 9 alternating rounds (2026-11-22): Chromium 0.121 -> 0.103 ms,
  # node 0.118 -> 0.111. partition_rows (no row clamps inside a task's interior rows): a further
  # 2-3% in Chromium, 5% in node, 27 KB instead of 17 KB of library. Tried and dropped: even/odd
  # column planes (no shuffles in the column pass; no faster), two output rows per row pass
  # sharing their middle input row (23-37% slower in V8) (web/BENCH.md, P2 kernel (session 4)).
  poolkit_halide_variant(ID max_pool2d__k3s2__separable_mask_v8_r56 GENERATOR pool2d
    PARAMS op=max separable=true nan_mask=true partition_rows=true kernel_h=3 kernel_w=3 stride_h=2 stride_w=2 vector_width=8 rows_per_task=56)
endif()
poolkit_halide_variant(ID max_pool2d__k3s2__separable_v8_r56 GENERATOR pool2d
  PARAMS op=max separable=true kernel_h=3 kernel_w=3 stride_h=2 stride_w=2 vector_width=8 rows_per_task=56
  NATIVE_ONLY)
# Direct: dilated 3x3/s2 windows (the separable row takes dilation 1 only).
poolkit_halide_variant(ID max_pool2d__k3s2__v16_r8 GENERATOR pool2d
  PARAMS op=max kernel_h=3 kernel_w=3 stride_h=2 stride_w=2 vector_width=16 rows_per_task=8
  NATIVE_ONLY)
poolkit_halide_variant(ID max_pool2d__generic__v16_r8 GENERATOR pool2d
  PARAMS op=max vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID max_pool2d__generic__v8_r4 GENERATOR pool2d
  PARAMS op=max vector_width=8 rows_per_task=4)
# Autoscheduled rows (poolkit_halide_autoscheduled: one row per autoscheduler; native only, never
# the planner's default: they run on request, --variant or a tuned table): Halide's three
# autoschedulers on the direct algorithm (the one the _k2s2__v16_r8 / _k3s2__v16_r8 rows schedule
# by hand), planning for the benchmark shapes (P1,
# P2: estimate_size/estimate_pad). Compared in native/bench/RESULTS.md (scripts/bench_autoschedule.sh).
poolkit_halide_autoscheduled(PREFIX max_pool2d__k2s2 GENERATOR pool2d
  PARAMS op=max kernel_h=2 kernel_w=2 stride_h=2 stride_w=2
  MIN_OUTPUT 112 112 64)
poolkit_halide_autoscheduled(PREFIX max_pool2d__k3s2 GENERATOR pool2d
  PARAMS op=max kernel_h=3 kernel_w=3 stride_h=2 stride_w=2 estimate_size=112 estimate_pad=1
  MIN_OUTPUT 56 56 64)

# _tiled: windows that tile the input (stride = kernel, no padding or dilation), any kernel size:
# rows first over dense input columns, then columns (pool2d_generator.cpp). Against the generic
# row, 1 thread, x86-64 (2026-11-22, alternating runs, load average ~6): 1x3x1024x1024 k8 0.53-0.57
# vs 1.53 ms, 1x3x512x512 k8 0.12 vs 0.34, 1x64x112x112 k2 0.70-0.72 vs 1.8-2.9. It replaces a
# k2s2 row (taps baked in and unrolled) that lost the last-NaN rule when a window held two NaNs
# (conformance, windows that tile the input) and was no faster than the generic row (k2: 2.8 ms).
if(EMSCRIPTEN)
  # wasm: 4 lanes (one simd128 vector). V8's optimizing compiler made the 16-lane row 2-3x slower
  # than its own baseline code (1.1-1.25 vs 0.45 ms); the demo's graph (1x3x300x451, k8, node
  # --no-liftoff, 1 thread, 2026-11-22): v4 0.18, v8 0.24, gathers instead of the constant-width
  # column passes v4 0.18 / v8 0.20 / v16 1.2-1.35, generic 0.82 ms; 1x64x112x112 k2: v4 1.5,
  # gathers 1.6, generic 3.4 ms; 1x64x111x111 k3 (gathers both): 1.0 vs 2.8 ms.
  poolkit_halide_variant(ID max_pool2d_indices__tiled__v4_r8 GENERATOR max_pool2d_indices
    PARAMS tiled=true vector_width=4 rows_per_task=8)
endif()
poolkit_halide_variant(ID max_pool2d_indices__tiled__v16_r8 GENERATOR max_pool2d_indices
  PARAMS tiled=true vector_width=16 rows_per_task=8 NATIVE_ONLY)
poolkit_halide_variant(ID max_pool2d_indices__generic__v16_r8 GENERATOR max_pool2d_indices
  PARAMS vector_width=16 rows_per_task=8)

poolkit_halide_variant(ID avg_pool2d__k2s2_inside__vsep_v16_r32 GENERATOR pool2d
  PARAMS op=avg vector_separable=true in_bounds=true kernel_h=2 kernel_w=2 stride_h=2 stride_w=2 vector_width=16 rows_per_task=32)
poolkit_halide_variant(ID avg_pool2d__k2s2_inside__v16_r8 GENERATOR pool2d
  PARAMS op=avg in_bounds=true kernel_h=2 kernel_w=2 stride_h=2 stride_w=2 vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID avg_pool2d__k2s2__v16_r8 GENERATOR pool2d
  PARAMS op=avg kernel_h=2 kernel_w=2 stride_h=2 stride_w=2 vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID avg_pool2d__generic__v16_r8 GENERATOR pool2d
  PARAMS op=avg vector_width=16 rows_per_task=8)
# Autoscheduled (see the max_pool2d rows): P3's shape.
poolkit_halide_autoscheduled(PREFIX avg_pool2d__k2s2 GENERATOR pool2d
  PARAMS op=avg kernel_h=2 kernel_w=2 stride_h=2 stride_w=2
  MIN_OUTPUT 112 112 64)

poolkit_halide_variant(ID lp_pool2d__generic__v16_r8 GENERATOR pool2d
  PARAMS op=lp vector_width=16 rows_per_task=8)

# ---- global pooling ----------------------------------------------------------------------------
poolkit_halide_variant(ID global_max_pool__generic__v16 GENERATOR global_pool PARAMS op=max vector_width=16)
if(EMSCRIPTEN)
  # wasm: 8 lanes (2 simd128 vectors) per plane beat 16 (P4, node, 1 thread, 2026-11-22: 8.1 vs 9.2 us).
  # lane_tree: the lane sums added as whole vectors, then 4 lanes one by one, and 7x7 planes
  # unrolled: kernel alone on 1x1024x7x7 in node (--no-liftoff, 3 runs) 4.05 -> 3.06 us; 16 lanes
  # 3.13, 4 lanes 3.43; unrolling alone 3.58; 4 or 8 planes per vector with a transpose (no
  # horizontal sum) 4.06-4.46 (session 4, web/BENCH.md).
  poolkit_halide_variant(ID global_avg_pool__generic__v8_tree GENERATOR global_pool PARAMS op=avg vector_width=8 lane_tree=true)
endif()
poolkit_halide_variant(ID global_avg_pool__generic__v16 GENERATOR global_pool PARAMS op=avg vector_width=16
  NATIVE_ONLY)
poolkit_halide_variant(ID global_lp_pool__generic__v16 GENERATOR global_pool PARAMS op=lp vector_width=16)

# ---- convolution and the fused blocks ----------------------------------------------------------
# Winograd F(2x2, 3x3) (common/conv2d_winograd.h): the planner's default from 32 input channels
# (engine/src/backends/halide/conv_family.cpp, conv_default_cost), direct below (C1 0.61 vs 0.98
# ms; F2's 3-channel conv 0.64 vs 0.37 ms, 1 thread, harness medians, 2026-11-22). A GEMM block is
# 16 tiles x co_block=16 output channels (16 accumulators); band_rows=4 rows of tiles per task:
# C1's rows of 28 tiles make whole vectors in bands of 4 (112 tiles). Bands of 14 rows: C1 in 2
# tasks instead of 7 — 0.36 vs 0.41 ms on 2 threads, 0.70 vs 0.68 on 1 (poolkit bench, 3
# alternating rounds, 2026-11-22); conv_default_cost weighs recomputation and idle threads.
if(EMSCRIPTEN)
  # wasm (V8 on x86-64: 16 xmm registers, no FMA in simd128): Winograd GEMM blocks of 8 tiles x 4
  # channels (8 simd128 accumulators), C1 3.2 ms against 5.1 ms for the v16_co16 row below (64
  # accumulators), node, 1 thread, kernel alone, 2026-11-22; and direct blocks of 2 x 4 x 4
  # vectors, best of 18 shapes (C1 6.2 ms against 7.2 for the AVX-512 row).
  poolkit_halide_variant(ID conv2d__k3__winograd_v8_co4_b4 GENERATOR conv2d
    PARAMS kernel=3 winograd=2 vector_width=8 co_block=4 band_rows=4)
  poolkit_halide_variant(ID conv2d__k3__v8_co4_r4 GENERATOR conv2d
    PARAMS kernel=3 vector_width=8 co_block=4 row_block=4)
  poolkit_halide_variant(ID conv2d_relu__k3__winograd_v8_co4_b4 GENERATOR conv2d
    PARAMS relu=true kernel=3 winograd=2 vector_width=8 co_block=4 band_rows=4)
  poolkit_halide_variant(ID conv2d_relu__k3__v8_co4_r4 GENERATOR conv2d
    PARAMS relu=true kernel=3 vector_width=8 co_block=4 row_block=4)
endif()
poolkit_halide_variant(ID conv2d__k3__winograd_v16_co16_b4 GENERATOR conv2d
  PARAMS kernel=3 winograd=2 vector_width=16 co_block=16 band_rows=4
  NATIVE_ONLY)
poolkit_halide_variant(ID conv2d__k3__winograd_v16_co16_b14 GENERATOR conv2d
  PARAMS kernel=3 winograd=2 vector_width=16 co_block=16 band_rows=14
  NATIVE_ONLY)
poolkit_halide_variant(ID conv2d__k3__v16_co8_r2 GENERATOR conv2d
  PARAMS kernel=3 vector_width=16 co_block=8 row_block=2
  NATIVE_ONLY)
poolkit_halide_variant(ID conv2d__generic__v16_co8_r2 GENERATOR conv2d
  PARAMS vector_width=16 co_block=8 row_block=2)
# Autoscheduled (see the max_pool2d rows): the direct algorithm, C1's shape (the generator's estimates).
poolkit_halide_autoscheduled(PREFIX conv2d__k3 GENERATOR conv2d
  PARAMS kernel=3
  MIN_OUTPUT 56 56 64)
poolkit_halide_variant(ID conv2d_relu__k3__winograd_v16_co16_b4 GENERATOR conv2d
  PARAMS relu=true kernel=3 winograd=2 vector_width=16 co_block=16 band_rows=4
  NATIVE_ONLY)
poolkit_halide_variant(ID conv2d_relu__k3__winograd_v16_co16_b14 GENERATOR conv2d
  PARAMS relu=true kernel=3 winograd=2 vector_width=16 co_block=16 band_rows=14
  NATIVE_ONLY)
poolkit_halide_variant(ID conv2d_relu__k3__v16_co8_r2 GENERATOR conv2d
  PARAMS relu=true kernel=3 vector_width=16 co_block=8 row_block=2
  NATIVE_ONLY)
poolkit_halide_variant(ID conv2d_relu__generic__v16_co8_r2 GENERATOR conv2d
  PARAMS relu=true vector_width=16 co_block=8 row_block=2)
# Fused conv -> relu -> max pool: the planner's default for a chain whose pool window equals its
# stride (engine/src/backends/halide/conv_family.cpp, fused_default_cost: least recomputation,
# then table order). vector_width = pooled columns per block, so the conv block is
# 2*vector_width columns x 2 rows x co_block channels (16 zmm accumulators either way).
# v16_co4 first: F2 (pooled 112 wide, both fit) 0.356 vs 0.40 ms for v8_co8; v8_co8 for F1's
# 56 pooled columns: 3.58 ms vs 4.05 for v16_co4 (1 thread, harness medians, 2026-11-22).
# Winograd F(2x2, 3x3): each tile of 2x2 conv outputs is one pool window; the default from 16
# input channels (F1 2.4 vs 3.6 ms; 16: 0.40 vs 0.47; see conv_family.cpp). Bands of 2 rows of
# F1's 56 tiles = 112 tiles, whole vectors of 16.
poolkit_halide_variant(ID conv2d_relu_max_pool2d__k3p2__winograd_v16_co16_b2 GENERATOR conv2d_relu_max_pool2d
  PARAMS kernel=3 pool_kernel=2 winograd=2 vector_width=16 co_block=16 band_rows=2)
# Winograd F(2, 3) along rows, direct down columns: the default below 16 input channels (F2's 3:
# 0.30 vs 0.35 ms direct, 0.29 once the input transform shared its loads; 8: 0.75 vs 0.93;
# 1: equal). Blocks of 16 tiles x 4 components x 2 rows x co_block=2 (16 accumulators).
poolkit_halide_variant(ID conv2d_relu_max_pool2d__k3p2__winograd_rows_v16_co2 GENERATOR conv2d_relu_max_pool2d
  PARAMS kernel=3 pool_kernel=2 winograd=1 vector_width=16 co_block=2 rows_per_task=4)
poolkit_halide_variant(ID conv2d_relu_max_pool2d__k3p2__v16_co4 GENERATOR conv2d_relu_max_pool2d
  PARAMS kernel=3 pool_kernel=2 vector_width=16 co_block=4 rows_per_task=4)
poolkit_halide_variant(ID conv2d_relu_max_pool2d__k3p2__v8_co8 GENERATOR conv2d_relu_max_pool2d
  PARAMS kernel=3 pool_kernel=2 vector_width=8 co_block=8 rows_per_task=4)
# Run-time pool window (any kernel, stride): only on request (--variant), see above.
poolkit_halide_variant(ID conv2d_relu_max_pool2d__generic__v16_co8 GENERATOR conv2d_relu_max_pool2d
  PARAMS vector_width=16 co_block=8 rows_per_task=4)
# Autoscheduled (see the max_pool2d rows): the direct fused algorithm (window baked in, as the
# _k3p2__v16_co4 / _v8_co8 rows), F1's shape (the generator's estimates).
poolkit_halide_autoscheduled(PREFIX conv2d_relu_max_pool2d__k3p2 GENERATOR conv2d_relu_max_pool2d
  PARAMS kernel=3 pool_kernel=2
  MIN_OUTPUT 56 56 64)

# ---- elementwise -------------------------------------------------------------------------------
poolkit_halide_variant(ID relu__generic__v16 GENERATOR relu PARAMS vector_width=16)

# ---- adaptive, fractional, stochastic pooling and unpooling -----------------------------------
# Generic (run-time window) variants: these ops are not among the benchmark workloads, and their
# windows are data- or size-dependent, so taps are gathers whatever is baked in. One row per
# function signature / mode (with_indices, with_samples and training change what the kernel
# computes, not just its schedule). vector_width=16: one AVX-512 vector, as pool2d. Variants
# with indices run planes in parallel (rows in order) and take no rows_per_task.
poolkit_halide_variant(ID adaptive_max_pool2d__generic__v16_r8 GENERATOR adaptive_pool2d
  PARAMS op=max with_indices=false vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID adaptive_max_pool2d_indices__generic__v16 GENERATOR adaptive_pool2d
  PARAMS op=max with_indices=true vector_width=16)
poolkit_halide_variant(ID adaptive_avg_pool2d__generic__v16_r8 GENERATOR adaptive_pool2d
  PARAMS op=avg with_indices=false vector_width=16 rows_per_task=8)

poolkit_halide_variant(ID fractional_max_pool2d__seed__v16_r8 GENERATOR fractional_max_pool2d
  PARAMS with_samples=false with_indices=false vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID fractional_max_pool2d__samples__v16_r8 GENERATOR fractional_max_pool2d
  PARAMS with_samples=true with_indices=false vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID fractional_max_pool2d_indices__seed__v16 GENERATOR fractional_max_pool2d
  PARAMS with_samples=false with_indices=true vector_width=16)
poolkit_halide_variant(ID fractional_max_pool2d_indices__samples__v16 GENERATOR fractional_max_pool2d
  PARAMS with_samples=true with_indices=true vector_width=16)

poolkit_halide_variant(ID stochastic_pool2d_training__generic__v16_r8 GENERATOR stochastic_pool2d
  PARAMS training=true vector_width=16 rows_per_task=8)
poolkit_halide_variant(ID stochastic_pool2d_inference__generic__v16_r8 GENERATOR stochastic_pool2d
  PARAMS training=false vector_width=16 rows_per_task=8)

poolkit_halide_variant(ID max_unpool2d__generic__v16 GENERATOR max_unpool2d PARAMS vector_width=16)
