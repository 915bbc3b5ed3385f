// Shared by every shaders/*_interface.h: the scalar spellings that make one field list both a
// GLSL push-constant block and a C++ struct, so the two cannot drift (STYLE.md 6.2).
//
// Every field is a 4-byte scalar, so the std430 push-constant layout and the C++ layout agree
// without padding rules; each interface header static_asserts the size on the C++ side.
// Every push-constant block begins with PK_DISPATCH_BASE: the first invocation of a dispatch.
// The host splits a grid larger than maxComputeWorkGroupCount into several dispatches and
// rewrites these three words for each (see engine/src/backends/vulkan/recorder.cpp).
#ifndef POOLKIT_SHADERS_INTERFACE_COMMON_H
#define POOLKIT_SHADERS_INTERFACE_COMMON_H

#ifdef __cplusplus
#include <cstdint>
#define PK_U(n) uint32_t n;
#define PK_I(n) int32_t n;
#define PK_F(n) float n;
#else
#define PK_U(n) uint n;
#define PK_I(n) int n;
#define PK_F(n) float n;
#endif

#define PK_DISPATCH_BASE PK_U(base_x) PK_U(base_y) PK_U(base_z)

// Specialization constant ids 0..2 are the workgroup size in every shader
// (layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2)); families number
// theirs from PK_SC_FIRST_FAMILY.
#define PK_SC_WG_X 0
#define PK_SC_WG_Y 1
#define PK_SC_WG_Z 2
#define PK_SC_FIRST_FAMILY 3

// Error codes a shader may leave in the status buffer (word 0; words 1..3 carry details).
#define PK_STATUS_OK 0
#define PK_STATUS_UNPOOL_INDEX 1       // words 1, 2: the bad index (lo, hi); word 3: node
#define PK_STATUS_FRACTIONAL_SAMPLE 2  // word 1: the sample's bits; word 2: plane*2 + axis; 3: node

#endif
