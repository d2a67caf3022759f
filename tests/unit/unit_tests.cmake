# Unit tests of the file formats (safetensors header, config.json, text data) and of model
# loading. Included from tests/unit/CMakeLists.txt.

qat_add_test(TestSafeTensorsHeader SOURCES TestSafeTensorsHeader.cpp LABELS unit LIBS qat_formats)
qat_add_test(TestModelConfig SOURCES TestModelConfig.cpp LABELS unit LIBS qat_formats)
qat_add_test(TestTextData SOURCES TestTextData.cpp LABELS unit LIBS qat_formats)
# Loads real weights through the engine (torch), but needs no GPU and only the 1 MB demo model.
qat_add_test(TestModelLoading SOURCES TestModelLoading.cpp LABELS unit LIBS qat_core TIMEOUT 300)
# The EfficientQAT fake-quant (fused autograd vs composition and finite differences) and quantized linears.
qat_add_test(TestFakeQuant SOURCES TestFakeQuant.cpp LABELS unit LIBS qat_core TORCH)
# GPTQ on one layer against the paper's algorithm in float64 (dead inputs, dampening retries).
qat_add_test(TestGptq SOURCES TestGptq.cpp LABELS unit LIBS qat_core TORCH)
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
# The ggml block codecs (Q4_0 … Q4_K, F16, BF16) against the gguf Python package, which
# ggml_reference.py runs on the test's bytes (QAT_BENCH_PYTHON, or $QAT_PYTHON; exits 77 without gguf).
qat_add_test(TestGgmlBlocks SOURCES TestGgmlBlocks.cpp LABELS unit LIBS qat_formats)
target_include_directories(TestGgmlBlocks PRIVATE "${CMAKE_SOURCE_DIR}/core/src")
target_compile_definitions(TestGgmlBlocks PRIVATE QAT_BENCH_PYTHON="${QAT_BENCH_PYTHON}")
# The GGUF container (core/src/formats/GgufFile): files written here read the same in llama.cpp's Python
# gguf package and the reverse (gguf_reference.py with QAT_BENCH_PYTHON, or $QAT_PYTHON; skipped
# without gguf), malformed files refused naming the field, the shared SmolLM2 Q4_1 file.
qat_add_test(TestGgufFile SOURCES TestGgufFile.cpp LABELS unit LIBS qat_formats TIMEOUT 300)
target_include_directories(TestGgufFile PRIVATE "${CMAKE_SOURCE_DIR}/core/src")
target_compile_definitions(TestGgufFile PRIVATE QAT_BENCH_PYTHON="${QAT_BENCH_PYTHON}")
