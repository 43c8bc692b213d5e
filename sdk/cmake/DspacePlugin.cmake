# dspace_add_plugin(<target> KIND flavour|migrator|snapshotter NAME <name> SOURCES <files...>)
#
# Builds a dspace plugin: a MODULE library named dspace_<kind>_<name>, with
# hidden visibility, linked only to the header-only SDK (never to the core). NAME and KIND are
# passed to the compiler, so DSPACE_PLUGIN(...) fails to compile when it declares another name or kind.
function(dspace_add_plugin target)
  cmake_parse_arguments(P "" "KIND;NAME;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT P_KIND MATCHES "^(flavour|migrator|snapshotter)$")
    message(FATAL_ERROR "dspace_add_plugin(${target}): KIND must be flavour, migrator or snapshotter, not '${P_KIND}'")
  endif()
  if(NOT P_NAME MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "dspace_add_plugin(${target}): NAME must be lower-case letters, digits and _, not '${P_NAME}'")
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE dspace::sdk)
  # The name and kind are declared here once: DSPACE_PLUGIN(...) static_asserts that it says the same.
  string(TOUPPER "${P_KIND}" kind_upper)
  target_compile_definitions(${target} PRIVATE
    DSPACE_PLUGIN_BUILD_NAME="${P_NAME}" DSPACE_PLUGIN_BUILD_KIND=DSPACE_KIND_${kind_upper})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "dspace_${P_KIND}_${P_NAME}"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIRECTORY}")
  endif()
  if(DEFINED DSPACE_SDK_CXX_COMPILER_ID AND NOT CMAKE_CXX_COMPILER_ID STREQUAL DSPACE_SDK_CXX_COMPILER_ID)
    message(WARNING "dspace was built with ${DSPACE_SDK_CXX_COMPILER_ID}, this plugin with ${CMAKE_CXX_COMPILER_ID}: the ABI-tag check may reject it")
  endif()
endfunction()

# The script dspace_add_bundle runs at build time (installed beside this file); a global property, because
# variables stay in the directory that included this file.
set_property(GLOBAL PROPERTY DSPACE_PACK_BUNDLE_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/DspacePackBundle.cmake")

# dspace_add_bundle(<target> NAME <name> VERSION <version> PLUGINS <plugin targets...> [OUTPUT_DIRECTORY <dir>])
#
# Packs an org bundle at build time: <dir>/<name>-<version>.tar.zst (default dir: the current binary directory)
# holding each plugin target's file and bundle.json (name, version, and each file's SHA-256). Install it with
# `dspace plugins install <name>-<version>.tar.zst`. The target is built by default (ALL).
function(dspace_add_bundle target)
  cmake_parse_arguments(B "" "NAME;VERSION;OUTPUT_DIRECTORY" "PLUGINS" ${ARGN})
  if(NOT B_NAME MATCHES "^[a-z0-9][a-z0-9_.-]*$")
    message(FATAL_ERROR "dspace_add_bundle(${target}): NAME must be lower-case letters, digits, _, - and ., not '${B_NAME}'")
  endif()
  if(NOT B_VERSION MATCHES "^[A-Za-z0-9][A-Za-z0-9._+-]*$")
    message(FATAL_ERROR "dspace_add_bundle(${target}): VERSION must be letters, digits, ., _, + and -, not '${B_VERSION}'")
  endif()
  if(NOT B_PLUGINS)
    message(FATAL_ERROR "dspace_add_bundle(${target}): PLUGINS lists at least one dspace_add_plugin() target")
  endif()
  if(NOT B_OUTPUT_DIRECTORY)
    set(B_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  get_property(script GLOBAL PROPERTY DSPACE_PACK_BUNDLE_SCRIPT)
  set(archive "${B_OUTPUT_DIRECTORY}/${B_NAME}-${B_VERSION}.tar.zst")
  set(files "")
  foreach(plugin IN LISTS B_PLUGINS)
    if(NOT TARGET ${plugin})
      message(FATAL_ERROR "dspace_add_bundle(${target}): '${plugin}' is not a target")
    endif()
    list(APPEND files "$<TARGET_FILE:${plugin}>")
  endforeach()
  string(REPLACE ";" "|" files "${files}")
  add_custom_command(OUTPUT "${archive}"
    COMMAND "${CMAKE_COMMAND}" "-DDSPACE_BUNDLE_NAME=${B_NAME}" "-DDSPACE_BUNDLE_VERSION=${B_VERSION}"
      "-DDSPACE_BUNDLE_FILES=${files}" "-DDSPACE_BUNDLE_ARCHIVE=${archive}" -P "${script}"
    DEPENDS ${B_PLUGINS} "${script}"
    COMMENT "Packing dspace bundle ${B_NAME}-${B_VERSION}.tar.zst"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS "${archive}")
  set_target_properties(${target} PROPERTIES DSPACE_BUNDLE_FILE "${archive}")
endfunction()
