# Tests of the tokenizer layer (core/src/tokenizer). Included from unit_tests.cmake.
#
# Fixtures made at test time by the reference Python (QAT_BENCH_PYTHON, the venv with
# transformers / tokenizers / sentencepiece); without it they write a SKIP file saying why and
# the tests that need them skip (77).
set(QAT_TOKENIZER_FIXTURES "${CMAKE_BINARY_DIR}/tests/unit/tokenizer-fixtures")

# qat_tokenizer_fixture(NAME SCRIPT OUT_DIR ARGS...): runs the script with the reference Python,
# or writes OUT_DIR/SKIP when there is none.
function(qat_tokenizer_fixture name script out)
  if(QAT_BENCH_PYTHON)
    add_test(NAME ${name} COMMAND "${QAT_BENCH_PYTHON}" "${CMAKE_CURRENT_SOURCE_DIR}/${script}" ${ARGN} "${out}")
  else()
    add_test(NAME ${name} COMMAND "${CMAKE_COMMAND}" -DOUT=${out}
             "-DREASON=no reference Python (QAT_BENCH_PYTHON) to run ${script}"
             -P "${CMAKE_CURRENT_SOURCE_DIR}/WriteSkip.cmake")
  endif()
endfunction()

qat_tokenizer_fixture(TokenizerFixtureLlama2 make_llama2_tokenizer_json.py "${QAT_TOKENIZER_FIXTURES}/llama2"
                      "${QAT_SHARED_DIR}/tokenizers/llama2/tokenizer.model")
set_tests_properties(TokenizerFixtureLlama2 PROPERTIES FIXTURES_SETUP TokenizerLlama2 LABELS unit TIMEOUT 300)

# SmolLM2's recorded cases and special tokens.
qat_add_test(TestTokenizerJson SOURCES TestTokenizerJson.cpp LABELS unit LIBS qat_formats)

# A Llama-2 tokenizer.json against sentencepiece on every shared text file.
# Runs only where the fixture was made (77 otherwise, saying why).
qat_add_test(TestTokenizerLlama2 SOURCES TestTokenizerLlama2.cpp LABELS unit LIBS qat_formats TIMEOUT 900)
set_tests_properties(TestTokenizerLlama2 PROPERTIES FIXTURES_REQUIRED TokenizerLlama2)

# Each component against Hugging Face tokenizers (expectations made by tokenizers at test time).
qat_tokenizer_fixture(TokenizerFixtureComponents make_tokenizer_component_cases.py
                      "${QAT_TOKENIZER_FIXTURES}/components")
set_tests_properties(TokenizerFixtureComponents PROPERTIES FIXTURES_SETUP TokenizerComponents LABELS unit TIMEOUT 300)
qat_add_test(TestTokenizerComponents SOURCES TestTokenizerComponents.cpp LABELS unit LIBS qat_formats)
set_tests_properties(TestTokenizerComponents PROPERTIES FIXTURES_REQUIRED TokenizerComponents)

# Malformed files refused with the file and the field named.
qat_add_test(TestTokenizerJsonErrors SOURCES TestTokenizerJsonErrors.cpp LABELS unit LIBS qat_formats)
