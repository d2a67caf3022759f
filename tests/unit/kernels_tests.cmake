# Tests of kernels/ (included from tests/unit/CMakeLists.txt; paths relative to tests/unit).
qat_add_test(TestPacking SOURCES TestPacking.cpp LABELS unit LIBS qat_kernels TORCH)
# PackedOps.h, the torch API of kernels/, is internal to kernels/src.
target_include_directories(TestPacking PRIVATE "${CMAKE_SOURCE_DIR}/kernels/src")
