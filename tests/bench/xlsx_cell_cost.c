/* What libxlsxwriter itself costs on this machine (a benchmark, not a test).
 *
 * The combined summary.xlsx of a bulk run holds one row per report with every
 * template cell as a number (about 200 per report), written by the runner in
 * constant-memory mode. This program measures that row's cost with nothing of
 * docpipe around it, and the fixed cost of a small per-report workbook:
 *
 *   cc -O2 tests/bench/xlsx_cell_cost.c -lxlsxwriter -o /tmp/xlsx_cell_cost
 *   LD_PRELOAD=libjemalloc.so.2 /tmp/xlsx_cell_cost [TMPDIR]
 *
 * (docpipe links jemalloc, hence the preload; TMPDIR defaults to /dev/shm.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xlsxwriter.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  char *tmpdir = argc > 1 ? argv[1] : "/dev/shm";
  char path[4096];
  enum { rows = 10000, columns = 200, workbooks = 500 };

  /* The summary sheet: rows x columns small integers, constant memory. */
  snprintf(path, sizeof path, "%s/xlsx_cell_cost.xlsx", tmpdir);
  lxw_workbook_options opt = {0};
  opt.constant_memory = LXW_TRUE;
  opt.tmpdir = tmpdir;
  lxw_workbook *wb = workbook_new_opt(path, &opt);
  if (wb == NULL) return 2;
  lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
  const double t0 = now();
  for (lxw_row_t r = 0; r < rows; ++r)
    for (lxw_col_t c = 0; c < columns; ++c) worksheet_write_number(ws, r, c, (double)((r * 7 + c) % 13), NULL);
  const double t1 = now();
  if (workbook_close(wb) != LXW_NO_ERROR) return 2;
  const double t2 = now();
  remove(path);
  const double cells = (double)rows * columns;
  printf("summary row of %d numbers, constant memory: %.3f us a cell (%.3f writing, %.3f at close), %.3f ms a row\n",
         columns, (t2 - t0) / cells * 1e6, (t1 - t0) / cells * 1e6, (t2 - t1) / cells * 1e6,
         (t2 - t0) / rows * 1e3);

  /* The fixed cost of a workbook: three sheets holding one cell each. */
  const double t3 = now();
  for (int k = 0; k < workbooks; ++k) {
    snprintf(path, sizeof path, "%s/xlsx_cell_cost_%d.xlsx", tmpdir, k % 8);
    lxw_workbook_options o = {0};
    o.tmpdir = tmpdir;
    lxw_workbook *w = workbook_new_opt(path, &o);
    if (w == NULL) return 2;
    for (int s = 0; s < 3; ++s) worksheet_write_number(workbook_add_worksheet(w, NULL), 0, 0, 1, NULL);
    if (workbook_close(w) != LXW_NO_ERROR) return 2;
  }
  const double t4 = now();
  for (int k = 0; k < 8; ++k) {
    snprintf(path, sizeof path, "%s/xlsx_cell_cost_%d.xlsx", tmpdir, k);
    remove(path);
  }
  printf("workbook of 3 one-cell sheets: %.3f ms\n", (t4 - t3) / workbooks * 1e3);
  return 0;
}
