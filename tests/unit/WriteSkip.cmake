# cmake -DOUT=DIR -DREASON=TEXT -P WriteSkip.cmake: writes DIR/SKIP, so that the tests that need
# a fixture from the reference Python exit 77 with REASON.
file(MAKE_DIRECTORY "${OUT}")
file(WRITE "${OUT}/SKIP" "${REASON}\n")
message(STATUS "SKIP: ${REASON}")
