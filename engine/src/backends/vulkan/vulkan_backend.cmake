# The Vulkan backend (included by engine/CMakeLists.txt when POOLKIT_WITH_VULKAN): its sources,
# the shaders' generated headers (shaders/CMakeLists.txt, build tree) and the Vulkan loader.
find_package(Vulkan REQUIRED)
file(GLOB POOLKIT_VULKAN_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/backends/vulkan/*.cpp)
target_sources(poolkit_engine PRIVATE ${POOLKIT_VULKAN_SOURCES})
target_include_directories(poolkit_engine PRIVATE ${POOLKIT_SHADER_SOURCE_DIR} ${POOLKIT_SHADER_BINARY_DIR})
target_link_libraries(poolkit_engine PRIVATE Vulkan::Vulkan)
add_dependencies(poolkit_engine poolkit_shaders)
list(APPEND POOLKIT_BACKENDS vulkan)
