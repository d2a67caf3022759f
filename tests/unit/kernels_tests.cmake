# Tests of kernels/ (included from tests/unit/CMakeLists.txt; paths relative to tests/unit).
qat_add_test(TestPacking SOURCES TestPacking.cpp LABELS unit LIBS qat_kernels TORCH)

# The CUDA kernels against the CPU reference (label gpu). Built in every configuration: without
# CUDA kernels in the build or a CUDA device it QSKIPs in initTestCase, which CTest reports as a
# skip through the regular expression below (Qt Test exits 0 when everything is skipped).
# White-box: it calls the CUDA backend's own entries (kernels' internal src/cuda/CudaOps.h).
qat_add_test(TestPackedCuda SOURCES TestPackedCuda.cpp LABELS gpu LIBS qat_kernels_whitebox TORCH)
set_tests_properties(TestPackedCuda PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP   : TestPackedCuda::initTestCase\\(\\)")
