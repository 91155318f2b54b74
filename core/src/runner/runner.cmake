# docpipe_runner: bulk runs (pipelines, worker processes, the SQLite ledger,
# combined outputs). Included from core/CMakeLists.txt.
add_library(docpipe_runner STATIC
  ${CMAKE_CURRENT_LIST_DIR}/pipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ledger.cpp
  ${CMAKE_CURRENT_LIST_DIR}/combined.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../across/store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../across/merge.cpp)
set_target_properties(docpipe_runner PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_compile_definitions(docpipe_runner PRIVATE DOCPIPE_VERSION="${PROJECT_VERSION}")
# The CSV writer shared with the output plugins (one quoting and formula-guard rule).
target_include_directories(docpipe_runner PRIVATE "${PROJECT_SOURCE_DIR}/plugins/output-support")
target_link_libraries(docpipe_runner PUBLIC docpipe::core SQLite::SQLite3 PkgConfig::XLSXWRITER Threads::Threads
                                     PRIVATE nlohmann_json::nlohmann_json)
