# Runs at install time (install(SCRIPT), from installer/Install.cmake): copies the shared libraries
# that the installed programs load from outside the system's library folders (LibTorch, and the
# CUDA libraries a CUDA LibTorch was built with) into the private library folder, and their
# licence files into the documentation folder.
#
# Set by Install.cmake before this runs:
#   QAT_BUNDLE_EXECUTABLES  the programs as built (their build RUNPATH finds LibTorch)
#   QAT_BUNDLE_EXTRA        libraries LibTorch loads with dlopen() to bundle as well when they lie
#                           beside a bundled one (file names, e.g. libtorch_cuda_linalg.so)
#   QAT_BUNDLE_LIBDIR       the private library folder, relative to the prefix (lib/qat-studio)
#   QAT_BUNDLE_DOCDIR       the documentation folder, relative to the prefix (share/doc/qat-studio)
#   QAT_BUNDLE_TMPDIR       a folder of the build tree for the list of bundled libraries
#
# Libraries resolved in /lib, /lib64, /usr/lib and /usr/lib64 belong to Debian packages: they are
# not copied (dpkg-shlibdeps turns them into package dependencies). Everything else is, under its
# soname (the file a symlink chain ends in, renamed), readable and not executable.

cmake_policy(VERSION 3.25) # install scripts run without the project's policies (IN_LIST …)

set(_system "^/lib/" "^/lib64/" "^/usr/lib/" "^/usr/lib64/")
set(_prefix "${CMAKE_INSTALL_PREFIX}")
set(_libdir "${_prefix}/${QAT_BUNDLE_LIBDIR}")

# The dlopen()ed extras: looked for in the folders the programs' RUNPATH names.
set(_extra_files "")
foreach(_exe IN LISTS QAT_BUNDLE_EXECUTABLES)
  file(READ_ELF "${_exe}" RUNPATH _runpath RPATH _rpath)
  string(REPLACE ":" ";" _dirs "${_runpath};${_rpath}")
  foreach(_dir IN LISTS _dirs)
    foreach(_name IN LISTS QAT_BUNDLE_EXTRA)
      if(_dir AND EXISTS "${_dir}/${_name}" AND NOT "${_dir}/${_name}" IN_LIST _extra_files)
        list(APPEND _extra_files "${_dir}/${_name}")
      endif()
    endforeach()
  endforeach()
endforeach()

file(GET_RUNTIME_DEPENDENCIES
  EXECUTABLES ${QAT_BUNDLE_EXECUTABLES}
  LIBRARIES ${_extra_files}
  RESOLVED_DEPENDENCIES_VAR _resolved
  UNRESOLVED_DEPENDENCIES_VAR _unresolved
  CONFLICTING_DEPENDENCIES_PREFIX _conflict
  POST_EXCLUDE_REGEXES ${_system})
if(_unresolved)
  message(FATAL_ERROR "qat-studio: libraries the programs need were not found: ${_unresolved}")
endif()
# The same soname in two folders (libcudart in the CUDA toolkit and in the torch wheel's nvidia
# folders): the first one the loader would find is taken.
foreach(_name IN LISTS _conflict_FILENAMES)
  list(GET _conflict_${_name} 0 _first)
  if(NOT _first MATCHES "^(/lib/|/lib64/|/usr/lib/|/usr/lib64/)")
    list(APPEND _resolved "${_first}")
  endif()
endforeach()
list(APPEND _resolved ${_extra_files})
list(REMOVE_DUPLICATES _resolved)
list(SORT _resolved)

# Licence files: the Python distribution (*.dist-info, as pip installs the torch wheel and the
# NVIDIA wheels, or the CUDA toolkit's dist-info folder) whose RECORD lists the library.
function(_qat_find_dist_info library out)
  get_filename_component(_dir "${library}" DIRECTORY)
  get_filename_component(_name "${library}" NAME)
  set(${out} "" PARENT_SCOPE)
  while(NOT _dir STREQUAL "/" AND NOT _dir STREQUAL "")
    file(GLOB _records "${_dir}/*.dist-info/RECORD" "${_dir}/dist-info/*.dist-info/RECORD")
    foreach(_record IN LISTS _records)
      file(STRINGS "${_record}" _hit REGEX "(^|/)${_name}," LIMIT_COUNT 1)
      if(_hit)
        get_filename_component(_info "${_record}" DIRECTORY)
        set(${out} "${_info}" PARENT_SCOPE)
        return()
      endif()
    endforeach()
    get_filename_component(_dir "${_dir}" DIRECTORY)
  endwhile()
endfunction()

set(_doc "${_prefix}/${QAT_BUNDLE_DOCDIR}")
set(_listing "Libraries bundled in ${CMAKE_INSTALL_PREFIX}/${QAT_BUNDLE_LIBDIR} (file, size in bytes, where it comes from):\n\n")
set(_total 0)
set(_infos "")
foreach(_lib IN LISTS _resolved)
  get_filename_component(_name "${_lib}" NAME)
  get_filename_component(_real "${_lib}" REALPATH)
  file(SIZE "${_real}" _size)
  math(EXPR _total "${_total} + ${_size}")
  file(INSTALL DESTINATION "${_libdir}" TYPE FILE FILES "${_real}" RENAME "${_name}"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  _qat_find_dist_info("${_real}" _info)
  if(_info)
    get_filename_component(_dist "${_info}" NAME)
    string(REGEX REPLACE "\\.dist-info$" "" _dist "${_dist}")
    list(APPEND _infos "${_info}")
    string(APPEND _listing "${_name}  ${_size}  ${_dist} (licence: licenses/${_dist}/)\n")
  else()
    message(WARNING "qat-studio: no licence found for the bundled ${_real}: add it to ${_doc}/licenses by hand")
    string(APPEND _listing "${_name}  ${_size}  ${_real} (no licence file found)\n")
  endif()
endforeach()
math(EXPR _total_mib "${_total} / 1048576")
string(APPEND _listing "\n${_total} bytes (${_total_mib} MiB) in all.\n")

list(REMOVE_DUPLICATES _infos)
foreach(_info IN LISTS _infos)
  get_filename_component(_dist "${_info}" NAME)
  string(REGEX REPLACE "\\.dist-info$" "" _dist "${_dist}")
  if(IS_DIRECTORY "${_info}/licenses")
    file(INSTALL DESTINATION "${_doc}/licenses/${_dist}" TYPE DIRECTORY FILES "${_info}/licenses/"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  else()
    # No licence files: METADATA names the licence (License: / Classifier: License ::).
    file(INSTALL DESTINATION "${_doc}/licenses/${_dist}" TYPE FILE FILES "${_info}/METADATA"
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endif()
endforeach()

file(WRITE "${QAT_BUNDLE_TMPDIR}/BUNDLED-LIBRARIES.txt" "${_listing}")
file(INSTALL DESTINATION "${_doc}" TYPE FILE FILES "${QAT_BUNDLE_TMPDIR}/BUNDLED-LIBRARIES.txt"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
message(STATUS "qat-studio: bundled ${_total_mib} MiB of libraries into ${_libdir}")
