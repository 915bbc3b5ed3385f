# cmake -DPOOLKIT_BUILD_DIR=... -DEXAMPLE_SOURCE_DIR=... -DWORK_DIR=... -DIMAGE=... -P install_test.cmake
# Installs the poolkit build to WORK_DIR/prefix, builds the example against it with
# find_package(poolkit), runs it on IMAGE and checks that it wrote its output.
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${POOLKIT_BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${EXAMPLE_SOURCE_DIR} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/vulkan_pool_image ${IMAGE} ${WORK_DIR}/pooled.png 4)
if(NOT EXISTS ${WORK_DIR}/pooled.png)
  message(FATAL_ERROR "the example wrote no ${WORK_DIR}/pooled.png")
endif()
message(STATUS "installed, built against find_package(poolkit), ran: ${WORK_DIR}/pooled.png")
