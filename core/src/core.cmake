# docpipe_core: the engine (decode, plugin host, model, template stage,
# pipeline), used by the CLI and the tests.
add_library(docpipe_core SHARED
  ${CMAKE_CURRENT_SOURCE_DIR}/src/decode/decode.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/kind/kind.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plugin_host/registry.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/model/model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/engine/report_meta.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/engine/verdict.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/templates/labels.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/templates/values.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/templates/template.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/templates/mapper.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/templates/hints.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/templates/overrides.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/engine/engine.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/util/sha256.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/util/csv.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/across/agency.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/across/crossyear.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/across/shard.cpp)
add_library(docpipe::core ALIAS docpipe_core)
target_include_directories(docpipe_core PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
# Where the executable finds its plugins and data, relative to the prefix
# (the same in the build tree): lib/docpipe/plugins, or on a multiarch
# install (CMAKE_INSTALL_PREFIX=/usr) lib/x86_64-linux-gnu/docpipe/plugins.
target_compile_definitions(docpipe_core PUBLIC BOOST_DLL_USE_STD_FS PRIVATE DOCPIPE_VERSION="${PROJECT_VERSION}"
                           DOCPIPE_PLUGIN_RELDIR="${DOCPIPE_PLUGIN_INSTALL_DIR}"
                           DOCPIPE_DATA_RELDIR="${DOCPIPE_DATA_INSTALL_DIR}")
target_link_libraries(docpipe_core PUBLIC docpipe::sdk pugixml::pugixml ICU::uc ICU::i18n Boost::headers ${CMAKE_DL_LIBS}
                      PRIVATE OpenSSL::Crypto)
set_target_properties(docpipe_core PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION 0)
install(TARGETS docpipe_core LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

add_executable(docpipe ${CMAKE_CURRENT_SOURCE_DIR}/src/cli/main.cpp)
target_link_libraries(docpipe PRIVATE docpipe::core CLI11::CLI11)
target_compile_definitions(docpipe PRIVATE DOCPIPE_VERSION="${PROJECT_VERSION}")
install(TARGETS docpipe RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
