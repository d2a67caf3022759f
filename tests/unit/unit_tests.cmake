# Unit tests of the file formats (safetensors header, config.json, text data) and of model
# loading. Included from tests/unit/CMakeLists.txt.

qat_add_test(TestSafeTensorsHeader SOURCES TestSafeTensorsHeader.cpp LABELS unit LIBS qat_formats)
qat_add_test(TestModelConfig SOURCES TestModelConfig.cpp LABELS unit LIBS qat_formats)
qat_add_test(TestTextData SOURCES TestTextData.cpp LABELS unit LIBS qat_formats)
# Loads real weights through the engine (torch), but needs no GPU and only the 1 MB demo model.
qat_add_test(TestModelLoading SOURCES TestModelLoading.cpp LABELS unit LIBS qat_core TIMEOUT 300)
