# qat-studio: the desktop application (main() only; everything else is in ui/qat_ui).
# Included from app/CMakeLists.txt when QAT_BUILD_GUI is ON.
qt_add_executable(qat-studio WIN32 "${CMAKE_CURRENT_LIST_DIR}/qat-studio/main.cpp")
target_link_libraries(qat-studio PRIVATE qat_ui)
set_target_properties(qat-studio PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}")
