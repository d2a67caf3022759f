# Tests of kernels/ (included from tests/unit/CMakeLists.txt; paths relative to tests/unit).
qat_add_test(TestPacking SOURCES TestPacking.cpp LABELS unit LIBS qat_kernels TORCH)
# PackedOps.h, the torch API of kernels/, is internal to kernels/src.
target_include_directories(TestPacking PRIVATE "${CMAKE_SOURCE_DIR}/kernels/src")

# The CUDA kernels against the CPU reference (label gpu). Built in every configuration: without
# CUDA kernels in the build or a CUDA device it QSKIPs in initTestCase, which CTest reports as a
# skip through the regular expression below (Qt Test exits 0 when everything is skipped).
qat_add_test(TestPackedCuda SOURCES TestPackedCuda.cpp LABELS gpu LIBS qat_kernels TORCH)
target_include_directories(TestPackedCuda PRIVATE "${CMAKE_SOURCE_DIR}/kernels/src")
set_tests_properties(TestPackedCuda PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP   : TestPackedCuda::initTestCase\\(\\)")
