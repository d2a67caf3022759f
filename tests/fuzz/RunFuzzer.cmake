# cmake -DFUZZER=... -DCORPUS=... -DDICT=... -DWORK=... -DRUNS=... -DSECONDS=... -P RunFuzzer.cmake
# Runs the libFuzzer binary over a fresh copy of the seed corpus plus a bounded number of
# mutations. Fails when the fuzzer reports anything (crash, leak, timeout, sanitizer error).
if(NOT DEFINED MAX_LEN)
  set(MAX_LEN 4096)
endif()
foreach(_var FUZZER CORPUS DICT WORK RUNS SECONDS)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "RunFuzzer.cmake: ${_var} is not set")
  endif()
endforeach()
if(NOT EXISTS "${FUZZER}")
  message(FATAL_ERROR "${FUZZER} is missing: build its target (fuzz_safetensors_header, fuzz_tokenizer_json, fuzz_gguf)")
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
file(GLOB _seeds "${CORPUS}/*")
file(COPY ${_seeds} DESTINATION "${WORK}/corpus")

execute_process(
  COMMAND "${FUZZER}" "${WORK}/corpus" "-dict=${DICT}" "-runs=${RUNS}" "-max_total_time=${SECONDS}"
          -max_len=${MAX_LEN} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          "-artifact_prefix=${WORK}/artifacts/"
  RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  file(GLOB _artifacts "${WORK}/artifacts/*")
  message(FATAL_ERROR "the fuzzer failed (exit code ${_rc}); inputs: ${_artifacts}\n"
                      "Reproduce with: ${FUZZER} <input>; keep the input as corpus/regress-<name>.")
endif()
