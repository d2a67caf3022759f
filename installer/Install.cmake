# Install rules and packaging (CPack). Included from the top-level CMakeLists.txt.
#
#   cmake --install BUILD --prefix P    the programs, their data, docs and (QAT_BUNDLE_LIBTORCH)
#                                       LibTorch in P/lib/qat-studio
#   installer/package.sh                the Debian package (cpack -G DEB), tested by
#                                       installer/test-package.sh
#
# Layout under the prefix (/usr in the package):
#   bin/qat-studio, bin/qat-cli         RUNPATH $ORIGIN/../lib/qat-studio
#   lib/qat-studio/                     LibTorch and, for a CUDA LibTorch, the CUDA libraries it was
#                                       built with (installer/BundleLibraries.cmake); Debian's own
#                                       libraries (Qt 6, QCustomPlot, sentencepiece, PCRE2, ICU …)
#                                       are package dependencies instead (dpkg-shlibdeps)
#   share/qat-studio/demo, presets      the demo model and text, the run presets (the app finds them
#                                       relative to its executable: ui/Application.h, dataPath())
#   share/applications, share/icons     the desktop entry and the hicolor icons
#   share/man/man1                      man pages made from --help (target `man`, help2man)
#   share/doc/qat-studio                README, copyright, the bundled libraries and their licences
# The translations are compiled into the program (ui/CMakeLists.txt, :/i18n).
include(GNUInstallDirs)

option(QAT_BUNDLE_LIBTORCH "Install LibTorch's libraries (and a CUDA LibTorch's CUDA libraries) with the programs" ON)
set(QAT_BUNDLE_EXTRA_LIBRARIES "libtorch_cuda_linalg.so" CACHE STRING
    "Libraries LibTorch loads with dlopen() to install as well where they lie beside LibTorch (GPTQ's Cholesky on CUDA needs libtorch_cuda_linalg.so)")
# Debian keeps a program's private libraries in /usr/lib/<package>, not in the multiarch folder.
set(QAT_PRIVATE_LIBDIR "lib/qat-studio")
set(QAT_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/qat-studio")
set(QAT_INSTALL_DOCDIR "${CMAKE_INSTALL_DATADIR}/doc/qat-studio")

set(_qat_programs qat-cli)
if(TARGET qat-studio)
  list(APPEND _qat_programs qat-studio)
endif()
set(_qat_program_files "")
foreach(_program IN LISTS _qat_programs)
  list(APPEND _qat_program_files "$<TARGET_FILE:${_program}>")
endforeach()
set_target_properties(${_qat_programs} PROPERTIES INSTALL_RPATH "$ORIGIN/../${QAT_PRIVATE_LIBDIR}")
install(TARGETS ${_qat_programs} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

if(QAT_BUNDLE_LIBTORCH)
  install(CODE "
    set(QAT_BUNDLE_EXECUTABLES \"${_qat_program_files}\")
    set(QAT_BUNDLE_EXTRA \"${QAT_BUNDLE_EXTRA_LIBRARIES}\")
    set(QAT_BUNDLE_LIBDIR \"${QAT_PRIVATE_LIBDIR}\")
    set(QAT_BUNDLE_DOCDIR \"${QAT_INSTALL_DOCDIR}\")
    set(QAT_BUNDLE_TMPDIR \"${CMAKE_BINARY_DIR}\")")
  install(SCRIPT "${CMAKE_CURRENT_LIST_DIR}/BundleLibraries.cmake")
endif()

# Data: the demo (model and text) and the presets, as in resources/.
install(DIRECTORY "${CMAKE_SOURCE_DIR}/resources/demo" "${CMAKE_SOURCE_DIR}/resources/presets"
        DESTINATION "${QAT_INSTALL_DATADIR}")

if(TARGET qat-studio)
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/qat-studio.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
  foreach(_size 16 24 32 48 64 128 256)
    install(FILES "${CMAKE_SOURCE_DIR}/resources/icons/qat-studio-${_size}.png"
            DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps" RENAME qat-studio.png)
  endforeach()
  install(FILES "${CMAKE_SOURCE_DIR}/resources/icons/qat-studio.svg"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
endif()

# Man pages from the programs' --help (help2man, Debian package help2man): `cmake --build B --target
# man` (installer/package.sh does); installed when made.
find_program(QAT_HELP2MAN help2man DOC "help2man, for the man pages (target man)")
set(_qat_man_pages "")
foreach(_program IN LISTS _qat_programs)
  list(APPEND _qat_man_pages "${CMAKE_BINARY_DIR}/man/${_program}.1.gz")
endforeach()
if(QAT_HELP2MAN)
  add_custom_command(OUTPUT ${_qat_man_pages}
    COMMAND "${CMAKE_COMMAND}" -E env QT_QPA_PLATFORM=offscreen
            bash "${CMAKE_CURRENT_LIST_DIR}/make-man.sh" "${QAT_HELP2MAN}" "${CMAKE_BINARY_DIR}/man"
            ${_qat_program_files}
    DEPENDS ${_qat_programs} "${CMAKE_CURRENT_LIST_DIR}/make-man.sh"
    COMMENT "Man pages from --help (help2man)" VERBATIM)
  add_custom_target(man DEPENDS ${_qat_man_pages})
endif()
install(FILES ${_qat_man_pages} DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" OPTIONAL)

install(FILES "${CMAKE_SOURCE_DIR}/README.md" "${CMAKE_CURRENT_LIST_DIR}/copyright"
        DESTINATION "${QAT_INSTALL_DOCDIR}")
install(FILES "${CMAKE_SOURCE_DIR}/LICENSE" DESTINATION "${QAT_INSTALL_DOCDIR}/licenses/qat-studio")
install(FILES "${CMAKE_SOURCE_DIR}/resources/demo/stories260K/LICENSE.md"
        DESTINATION "${QAT_INSTALL_DOCDIR}/licenses/stories260K")

# The Debian package (cpack -G DEB, installer/package.sh). Its dependencies are computed by
# dpkg-shlibdeps from the programs and bundled libraries, plus what no library names: Qt's
# platform plugins (xcb, offscreen …).
set(CPACK_PACKAGE_NAME "qat-studio")
set(CPACK_PACKAGE_VENDOR "QAT Studio")
set(CPACK_PACKAGE_CONTACT "QAT Studio developers <qat-studio@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR "DEB" CACHE STRING "CPack generators (DEB; TGZ for a relocatable archive)")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES OFF) # Release binaries; LibTorch's libraries come stripped
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "usr/${QAT_PRIVATE_LIBDIR}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "hicolor-icon-theme, qt6-translations-l10n")
# zstd: fast enough for LibTorch's gigabytes on two cores (xz takes tens of minutes) and read by
# Debian 12's dpkg.
set(QAT_DEB_COMPRESSION "zstd" CACHE STRING "Compression of the Debian package (zstd, xz, gzip)")
set(CPACK_DEBIAN_COMPRESSION_TYPE "${QAT_DEB_COMPRESSION}")
set(CPACK_THREADS 1)
if(TARGET torch_cuda)
  set(_qat_torch_kind "with CUDA LibTorch (and the CUDA libraries it needs), bundled in\n/usr/lib/qat-studio: an NVIDIA GPU is used where its driver is installed,\nthe CPU otherwise.")
else()
  set(_qat_torch_kind "with CPU LibTorch, bundled in /usr/lib/qat-studio.")
endif()
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; CPack indents these lines and marks the empty one.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "QAT Studio quantizes Llama-family language models (Hugging Face folders)
to 2-4 bits with EfficientQAT (Block-AP, then E2E-QP), LR-QAT or round-to-nearest,
and exports packed models. qat-studio is the desktop application, qat-cli the
same engine on the command line. A 260K-parameter demo model, its text and run
presets are in /usr/share/qat-studio.

Built ${_qat_torch_kind}")
include(CPack)
