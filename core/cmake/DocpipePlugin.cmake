# docpipe_add_plugin(NAME SOURCES src... [LIBRARIES lib...])
# Builds a plugin as a MODULE library named docpipe-NAME.so with hidden
# visibility, into the folder where the docpipe executable looks for plugins
# (lib/docpipe/plugins beside bin/), and installs it there.
function(docpipe_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target docpipe-plugin-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "docpipe-${name}"
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${DOCPIPE_PLUGIN_BUILD_DIR}")
  target_link_libraries(${target} PRIVATE docpipe::sdk ${ARG_LIBRARIES})
  install(TARGETS ${target} LIBRARY DESTINATION "${DOCPIPE_PLUGIN_INSTALL_DIR}")
endfunction()
