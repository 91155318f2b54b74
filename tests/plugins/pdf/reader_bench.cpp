// Per-file time of the pdf reader alone (MuPDF extraction and layout, no
// process start, no template stage): the median of N runs of each file, as
// wall time and as the thread's CPU time (which a loaded machine disturbs
// less).
//   build/bin/pdf_reader_bench [-n RUNS] FILE.pdf...
// A benchmark, not a test: nothing here is timed in the suite.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <docpipe/sdk/plugin.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reader.hpp"

int main(int argc, char **argv) {
  int runs = 9, first = 1;
  if (argc > 2 && std::string(argv[1]) == "-n") runs = std::max(1, std::atoi(argv[2])), first = 3;
  for (int a = first; a < argc; ++a) {
    std::ifstream in(argv[a], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    std::vector<double> ms, cpu;
    auto cpu_ms = [] {
      timespec t{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
    };
    size_t cells = 0;
    for (int i = 0; i < runs; ++i) {
      docpipe::sdk::RawDocument doc;
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_ms();
      try {
        docpipe::pdf::read(bytes, doc);
      } catch (const docpipe::sdk::Error &e) {
        std::fprintf(stderr, "%s: %s\n", argv[a], e.what());
        break;
      }
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      cpu.push_back(cpu_ms() - c0);
      cells = 0;
      for (const auto &b : doc.blocks())
        for (const auto &r : b.table.rows) cells += r.cells.size();
    }
    if (ms.empty()) continue;
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%s\t%.2f ms\t%.2f ms CPU\t(%zu bytes, %zu raw cells, median of %d)\n", argv[a], ms[ms.size() / 2],
                cpu[cpu.size() / 2], bytes.size(), cells, runs);
  }
}
