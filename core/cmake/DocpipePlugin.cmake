# docpipe_add_plugin(NAME SOURCES src... [LIBRARIES lib...])
# Builds a plugin as a MODULE library named docpipe-NAME.so (target
# docpipe-plugin-NAME) with hidden visibility, linked to docpipe::sdk, into the
# folder where the docpipe executable looks for plugins (lib/docpipe/plugins
# beside bin/), and installs it there.
#
# The same function serves the docpipe tree and plugins built out of tree
# against an installed docpipe (find_package(docpipe CONFIG) includes this
# file). Out of tree, the plugin is built into
# ${CMAKE_BINARY_DIR}/lib/docpipe/plugins (point DOCPIPE_PLUGIN_PATH there to
# try it) and installed to ${CMAKE_INSTALL_PREFIX}/lib/docpipe/plugins.
# DOCPIPE_PLUGIN_BUILD_DIR and DOCPIPE_PLUGIN_INSTALL_DIR override both.
function(docpipe_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(build_dir "${DOCPIPE_PLUGIN_BUILD_DIR}")
  if(NOT build_dir)
    set(build_dir "${CMAKE_BINARY_DIR}/lib/docpipe/plugins")
  endif()
  set(install_dir "${DOCPIPE_PLUGIN_INSTALL_DIR}")
  if(NOT install_dir)
    set(install_dir "lib/docpipe/plugins")
  endif()
  set(target docpipe-plugin-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "docpipe-${name}"
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${build_dir}")
  # Installed, the plugin finds libdocpipe_sdk two folders up (lib/), unless
  # the project sets its own install RPATH (the docpipe tree does).
  if(NOT CMAKE_INSTALL_RPATH)
    set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/../..")
  endif()
  target_link_libraries(${target} PRIVATE docpipe::sdk ${ARG_LIBRARIES})
  install(TARGETS ${target} LIBRARY DESTINATION "${install_dir}")
endfunction()
