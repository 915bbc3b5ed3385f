# The `cpu` backend: Halide AOT kernels (halide_generators/) behind the engine's Backend API.
file(GLOB POOLKIT_HALIDE_BACKEND_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
target_sources(poolkit_engine PRIVATE ${POOLKIT_HALIDE_BACKEND_SOURCES})
target_link_libraries(poolkit_engine PRIVATE poolkit_halide_kernels)
list(APPEND POOLKIT_BACKENDS cpu)
