# Unit tests of the file formats (safetensors header, config.json, text data) and of model
# loading. Included from tests/unit/CMakeLists.txt.

qat_add_test(TestSafeTensorsHeader SOURCES TestSafeTensorsHeader.cpp LABELS unit LIBS qat_formats)
qat_add_test(TestModelConfig SOURCES TestModelConfig.cpp LABELS unit LIBS qat_formats)
qat_add_test(TestTextData SOURCES TestTextData.cpp LABELS unit LIBS qat_formats)
# Loads real weights through the engine (torch), but needs no GPU and only the 1 MB demo model.
qat_add_test(TestModelLoading SOURCES TestModelLoading.cpp LABELS unit LIBS qat_core TIMEOUT 300)
# The EfficientQAT fake-quant (fused autograd vs composition and finite differences) and quantized linears.
qat_add_test(TestFakeQuant SOURCES TestFakeQuant.cpp LABELS unit LIBS qat_core TORCH)
# LR-QAT: the symmetric quantizer and its Lp search, int8 fixed-point Φ0, the LR-QAT linear and its merge.
qat_add_test(TestLrQat SOURCES TestLrQat.cpp LABELS unit LIBS qat_core TORCH)
# Run folders (run.json, metrics.jsonl, checkpoints found for resume) and progress events as JSON.
qat_add_test(TestRunDirectory SOURCES TestRunDirectory.cpp LABELS unit LIBS qat_core TIMEOUT 120)
# The job settings table (run.json / presets in and out, defaults, ranges) and the name tables.
qat_add_test(TestJobSettings SOURCES TestJobSettings.cpp LABELS unit LIBS qat_core)
# Reading run folders back (RunFolder): fields, sessions from events, malformed files named.
qat_add_test(TestRunFolder SOURCES TestRunFolder.cpp LABELS unit LIBS qat_core TIMEOUT 120)
# Calibration windows from text / JSONL and self-generated documents (stories260K).
qat_add_test(TestCalibration SOURCES TestCalibration.cpp LABELS unit LIBS qat_core TIMEOUT 300)
# tokenizer.json (tests/unit/tokenizer_tests.cmake): recorded cases, Llama-2 against sentencepiece,
# malformed files, each component against Hugging Face tokenizers.
include(tokenizer_tests.cmake)
# The rope settings of config.json: rope_parameters (transformers >= 5) and rope_theta + rope_scaling.
qat_add_test(TestRopeConfig SOURCES TestRopeConfig.cpp LABELS unit LIBS qat_formats)
# Zero-shot task files (../shared/data/zeroshot): the shared splits, --tasks, malformed lines named.
qat_add_test(TestTaskFile SOURCES TestTaskFile.cpp LABELS unit LIBS qat_core)
