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
