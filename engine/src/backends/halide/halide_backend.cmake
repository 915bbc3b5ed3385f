# The `cpu` backend: Halide AOT kernels (halide_generators/) behind the engine's Backend API.
file(GLOB POOLKIT_HALIDE_BACKEND_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
target_sources(poolkit_engine PRIVATE ${POOLKIT_HALIDE_BACKEND_SOURCES})
if(EMSCRIPTEN)
  # The kernels are wasm simd128 code already; the glue may vectorize too (e.g. conv's finiteness
  # scan before a Winograd variant). The reference backend stays scalar: it is the oracle.
  set_source_files_properties(${POOLKIT_HALIDE_BACKEND_SOURCES} PROPERTIES COMPILE_OPTIONS -msimd128)
endif()
target_link_libraries(poolkit_engine PRIVATE poolkit_halide_kernels)
list(APPEND POOLKIT_BACKENDS cpu)
