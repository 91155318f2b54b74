# docpipe_runner: bulk runs (pipelines, worker processes, the SQLite ledger,
# combined outputs). Included from core/CMakeLists.txt.
add_library(docpipe_runner STATIC
  ${CMAKE_CURRENT_LIST_DIR}/definition.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ledger.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cells.cpp
  ${CMAKE_CURRENT_LIST_DIR}/combined.cpp
  ${CMAKE_CURRENT_LIST_DIR}/corrections.cpp
  ${CMAKE_CURRENT_LIST_DIR}/review.cpp
  ${CMAKE_CURRENT_LIST_DIR}/events.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/out_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/result.cpp
  ${CMAKE_CURRENT_LIST_DIR}/worker_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/worker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/status.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../across/store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../across/merge.cpp)
set_target_properties(docpipe_runner PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_compile_definitions(docpipe_runner PRIVATE DOCPIPE_VERSION="${PROJECT_VERSION}")
# The CSV writer (one quoting and formula-guard rule) and the libxlsxwriter
# layer (one place for the workbook options) shared with the output plugins.
target_include_directories(docpipe_runner PRIVATE "${PROJECT_SOURCE_DIR}/plugins/output-support")
target_link_libraries(docpipe_runner PUBLIC docpipe::core SQLite::SQLite3 PkgConfig::XLSXWRITER Threads::Threads
                                     PRIVATE nlohmann_json::nlohmann_json)
