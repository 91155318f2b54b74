#include "extract.hpp"

#include <algorithm>
#include <cmath>
#include <docpipe/sdk/plugin.hpp>
#include <memory>
#include <new>

extern "C" {
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
}

// MuPDF reports errors with setjmp/longjmp (fz_try/fz_catch). A longjmp
// must never cross a C++ frame that owns something, so every MuPDF call that
// may throw sits in a small function whose locals are plain pointers, and
// the device callbacks that MuPDF calls never throw (nor call MuPDF back).

namespace docpipe::pdf {
namespace {

[[noreturn]] void bad_input(const std::string &why) { throw sdk::Error(DOCPIPE_ERR_INPUT, why); }

constexpr size_t kStoreBytes = 64u << 20;  // MuPDF's cache of decoded resources
// A stroke or a filled rectangle this thin, and this much longer than thick,
// is a rule; wider filled rectangles are shading (cell backgrounds).
constexpr float kMaxRuleThickness = 3.0f;

struct Warnings {
  bool repaired = false;
  std::string first;
};

void on_warning(void *user, const char *message) {
  auto *w = static_cast<Warnings *>(user);
  const std::string_view m(message);
  if (m.find("repair") != std::string_view::npos) w->repaired = true;
  if (w->first.empty()) {
    try {
      w->first = message;
    } catch (...) {
    }
  }
}
void on_error(void *, const char *) {}  // errors are reported through fz_caught_message

// ---- the drawing collector ----

bool invisible(fz_colorspace *cs, const float *color, float alpha) {
  if (alpha <= 0.05f || color == nullptr || cs == nullptr) return alpha <= 0.05f;
  const int n = fz_colorspace_n(nullptr, cs);
  if (n == 1) return color[0] > 0.92f;                                                              // grey
  if (n == 3) return color[0] > 0.92f && color[1] > 0.92f && color[2] > 0.92f;                      // RGB
  if (n == 4) return color[0] < 0.08f && color[1] < 0.08f && color[2] < 0.08f && color[3] < 0.08f;  // CMYK
  return false;
}

struct Subpaths {
  fz_matrix ctm;
  std::vector<std::vector<fz_point>> paths;
  std::vector<bool> closed;
  bool failed = false;
  void point(float x, float y, bool start) {
    try {
      const fz_point p = fz_transform_point(fz_make_point(x, y), ctm);
      if (start || paths.empty()) {
        paths.emplace_back();
        closed.push_back(false);
      }
      paths.back().push_back(p);
    } catch (...) {
      failed = true;
    }
  }
};

void w_moveto(fz_context *, void *a, float x, float y) { static_cast<Subpaths *>(a)->point(x, y, true); }
void w_lineto(fz_context *, void *a, float x, float y) { static_cast<Subpaths *>(a)->point(x, y, false); }
// A curve is not a rule: it breaks the straight run of its subpath.
void w_curveto(fz_context *, void *a, float, float, float, float, float x3, float y3) {
  static_cast<Subpaths *>(a)->point(x3, y3, true);
}
void w_closepath(fz_context *, void *a) {
  auto *s = static_cast<Subpaths *>(a);
  if (!s->closed.empty()) s->closed.back() = true;
}
void w_rectto(fz_context *, void *a, float x0, float y0, float x1, float y1) {
  auto *s = static_cast<Subpaths *>(a);
  s->point(x0, y0, true);
  s->point(x1, y0, false);
  s->point(x1, y1, false);
  s->point(x0, y1, false);
  w_closepath(nullptr, a);
}

const fz_path_walker kWalker = {w_moveto, w_lineto, w_curveto, w_closepath, nullptr, nullptr, nullptr, w_rectto};

struct Collector {
  std::vector<Rule> *rules;
  int *images;
  bool failed = false;

  void segment(fz_point a, fz_point b) {
    const float dx = std::fabs(a.x - b.x), dy = std::fabs(a.y - b.y);
    if (dy <= 0.5f && dx > 1.0f) {
      const float y = (a.y + b.y) / 2;
      rules->push_back({std::min(a.x, b.x), y, std::max(a.x, b.x), y});
    } else if (dx <= 0.5f && dy > 1.0f) {
      const float x = (a.x + b.x) / 2;
      rules->push_back({x, std::min(a.y, b.y), x, std::max(a.y, b.y)});
    }
  }
  void stroke(const Subpaths &s) {
    for (size_t i = 0; i < s.paths.size(); ++i) {
      const auto &p = s.paths[i];
      for (size_t k = 1; k < p.size(); ++k) segment(p[k - 1], p[k]);
      if (s.closed[i] && p.size() > 2) segment(p.back(), p.front());
    }
  }
  // A filled subpath that is a thin axis-aligned box is a rule along its
  // long side; a larger box is a background and is left out.
  void fill(const Subpaths &s) {
    for (const auto &p : s.paths) {
      if (p.size() < 3 || p.size() > 5) continue;
      float x0 = p[0].x, x1 = p[0].x, y0 = p[0].y, y1 = p[0].y;
      bool axis = true;
      for (size_t k = 0; k < p.size(); ++k) {
        x0 = std::min(x0, p[k].x), x1 = std::max(x1, p[k].x);
        y0 = std::min(y0, p[k].y), y1 = std::max(y1, p[k].y);
        const fz_point &q = p[(k + 1) % p.size()];
        axis &= std::fabs(q.x - p[k].x) <= 0.5f || std::fabs(q.y - p[k].y) <= 0.5f;
      }
      if (!axis) continue;
      const float w = x1 - x0, h = y1 - y0;
      if (h <= kMaxRuleThickness && w > 2 * h && w > 1.0f)
        rules->push_back({x0, (y0 + y1) / 2, x1, (y0 + y1) / 2});
      else if (w <= kMaxRuleThickness && h > 2 * w && h > 1.0f)
        rules->push_back({(x0 + x1) / 2, y0, (x0 + x1) / 2, y1});
    }
  }
};

// Collects the rules itself and hands the text on to MuPDF's structured
// text device, so that each page is interpreted once.
struct RuleDevice {
  fz_device super;
  Collector *c;
  fz_device *text;
};

Collector &of(fz_device *d) { return *reinterpret_cast<RuleDevice *>(d)->c; }

void dev_fill_path(fz_context *ctx, fz_device *dev, const fz_path *path, int, fz_matrix ctm, fz_colorspace *cs,
                   const float *color, float alpha, fz_color_params) {
  if (invisible(cs, color, alpha)) return;
  Subpaths s{ctm, {}, {}, false};
  fz_walk_path(ctx, path, &kWalker, &s);
  try {
    if (!s.failed) of(dev).fill(s);
  } catch (...) {
    of(dev).failed = true;
  }
}

void dev_stroke_path(fz_context *ctx, fz_device *dev, const fz_path *path, const fz_stroke_state *, fz_matrix ctm,
                     fz_colorspace *cs, const float *color, float alpha, fz_color_params) {
  if (invisible(cs, color, alpha)) return;
  Subpaths s{ctm, {}, {}, false};
  fz_walk_path(ctx, path, &kWalker, &s);
  try {
    if (!s.failed) of(dev).stroke(s);
  } catch (...) {
    of(dev).failed = true;
  }
}

fz_device *text_of(fz_device *d) { return reinterpret_cast<RuleDevice *>(d)->text; }

// Text goes on to the structured text device (a MuPDF call: it may longjmp,
// which is safe here, as these frames own nothing).
void dev_fill_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm, fz_colorspace *cs,
                   const float *color, float alpha, fz_color_params params) {
  fz_fill_text(ctx, text_of(dev), text, ctm, cs, color, alpha, params);
}
void dev_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text, const fz_stroke_state *stroke, fz_matrix ctm,
                     fz_colorspace *cs, const float *color, float alpha, fz_color_params params) {
  fz_stroke_text(ctx, text_of(dev), text, stroke, ctm, cs, color, alpha, params);
}
// Text drawn as a clip (or invisible) is text all the same; the clip itself
// is left to MuPDF (the structured text device keeps no clip stack).
void dev_clip_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm, fz_rect) {
  fz_ignore_text(ctx, text_of(dev), text, ctm);
}
void dev_clip_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text, const fz_stroke_state *, fz_matrix ctm,
                          fz_rect) {
  fz_ignore_text(ctx, text_of(dev), text, ctm);
}
void dev_ignore_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm) {
  fz_ignore_text(ctx, text_of(dev), text, ctm);
}

void dev_fill_image(fz_context *, fz_device *dev, fz_image *, fz_matrix, float, fz_color_params) { ++*of(dev).images; }
void dev_fill_image_mask(fz_context *, fz_device *dev, fz_image *, fz_matrix, fz_colorspace *, const float *, float,
                         fz_color_params) {
  ++*of(dev).images;
}

// ---- MuPDF calls, each behind fz_try ----

fz_document *open_document(fz_context *ctx, std::string_view bytes, const char **why) {
  fz_stream *stm = nullptr;
  fz_document *doc = nullptr;
  fz_var(stm);
  fz_var(doc);
  fz_try(ctx) {
    stm = fz_open_memory(ctx, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
    doc = &pdf_open_document_with_stream(ctx, stm)->super;
  }
  fz_always(ctx) { fz_drop_stream(ctx, stm); }
  fz_catch(ctx) {
    *why = fz_caught_message(ctx);
    return nullptr;
  }
  return doc;
}

int count_pages(fz_context *ctx, fz_document *doc, const char **why) {
  int n = -1;
  fz_var(n);
  fz_try(ctx) { n = fz_count_pages(ctx, doc); }
  fz_catch(ctx) { *why = fz_caught_message(ctx); }
  return n;
}

// The page's text (chars with quads) into `text`, its drawing into `dev`.
bool read_page(fz_context *ctx, fz_document *doc, int number, fz_device *dev, fz_stext_page **text, fz_rect *bounds,
               const char **why) {
  fz_page *page = nullptr;
  fz_device *tdev = nullptr;
  fz_var(page);
  fz_var(tdev);
  bool ok = true;
  fz_try(ctx) {
    page = fz_load_page(ctx, doc, number);
    *bounds = fz_bound_page(ctx, page);
    fz_stext_options opts{};
    opts.flags = FZ_STEXT_MEDIABOX_CLIP | FZ_STEXT_INHIBIT_SPACES;
    *text = fz_new_stext_page(ctx, *bounds);
    tdev = fz_new_stext_device(ctx, *text, &opts);
    reinterpret_cast<RuleDevice *>(dev)->text = tdev;
    fz_run_page(ctx, page, dev, fz_identity, nullptr);
    fz_close_device(ctx, dev);
    fz_close_device(ctx, tdev);
  }
  fz_always(ctx) {
    fz_drop_device(ctx, tdev);
    fz_drop_page(ctx, page);
  }
  fz_catch(ctx) {
    *why = fz_caught_message(ctx);
    ok = false;
  }
  return ok;
}

bool is_space(int c) { return c <= 0x20 || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B) || c == 0xFEFF; }

void take_glyphs(const fz_stext_page *text, Page &page) {
  for (const fz_stext_block *b = text->first_block; b != nullptr; b = b->next) {
    if (b->type != FZ_STEXT_BLOCK_TEXT) continue;
    for (const fz_stext_line *l = b->u.t.first_line; l != nullptr; l = l->next) {
      const bool upright = l->wmode == 0 && l->dir.x > 0.9f;
      for (const fz_stext_char *c = l->first_char; c != nullptr; c = c->next) {
        if (is_space(c->c) || c->c == 0xFFFD) continue;
        const fz_quad &q = c->quad;
        Glyph g;
        g.ch = static_cast<char32_t>(c->c);
        g.x0 = std::min({q.ll.x, q.lr.x, q.ul.x, q.ur.x});
        g.x1 = std::max({q.ll.x, q.lr.x, q.ul.x, q.ur.x});
        g.y0 = std::min({q.ll.y, q.lr.y, q.ul.y, q.ur.y});
        g.y1 = std::max({q.ll.y, q.lr.y, q.ul.y, q.ur.y});
        g.size = c->size;
        g.dx = upright ? 1.0f : l->dir.x;
        g.dy = upright ? 0.0f : l->dir.y;
        if (upright) {
          // Font metrics can make a quad much taller than the glyph: keep
          // the box around the baseline.
          g.y0 = std::max(g.y0, c->origin.y - c->size);
          g.y1 = std::min(g.y1, c->origin.y + 0.3f * c->size);
          if (g.y1 <= g.y0) g.y0 = c->origin.y - 0.8f * c->size, g.y1 = c->origin.y + 0.2f * c->size;
        }
        page.glyphs.push_back(g);
      }
    }
  }
}

struct ContextDeleter {
  void operator()(fz_context *c) const { fz_drop_context(c); }
};

}  // namespace

Extracted extract(std::string_view bytes) {
  if (bytes.substr(0, 5) != "%PDF-" && bytes.substr(0, 1024).find("%PDF-") == std::string_view::npos)
    bad_input("not a PDF file (no %PDF- header)");
  // Declared before the context: dropping the context flushes its last
  // warnings into this.
  Warnings warnings;
  std::unique_ptr<fz_context, ContextDeleter> owner(fz_new_context(nullptr, nullptr, kStoreBytes));
  fz_context *ctx = owner.get();
  if (ctx == nullptr) throw std::bad_alloc();
  fz_set_warning_callback(ctx, on_warning, &warnings);
  fz_set_error_callback(ctx, on_error, nullptr);

  const char *why = nullptr;
  fz_document *doc = open_document(ctx, bytes, &why);
  if (doc == nullptr) bad_input(std::string("damaged PDF, MuPDF cannot open it: ") + (why ? why : "unknown error"));
  struct DocGuard {
    fz_context *ctx;
    fz_document *doc;
    ~DocGuard() { fz_drop_document(ctx, doc); }
  } guard{ctx, doc};

  if (fz_needs_password(ctx, doc) && !fz_authenticate_password(ctx, doc, ""))
    bad_input(
        "encrypted PDF: it needs a password to be opened; decrypt it first (qpdf --password=PASSWORD "
        "--decrypt IN.pdf OUT.pdf)");

  Extracted out;
  const int pages = count_pages(ctx, doc, &why);
  if (pages < 0) bad_input(std::string("damaged PDF, its pages cannot be counted: ") + (why ? why : "unknown error"));
  if (pages == 0) bad_input("damaged PDF: it has no pages");
  out.pages.reserve(static_cast<size_t>(pages));
  for (int i = 0; i < pages; ++i) {
    Page page;
    Collector collector{&page.rules, &page.images};
    auto *dev = reinterpret_cast<RuleDevice *>(fz_new_device_of_size(ctx, sizeof(RuleDevice)));
    dev->c = &collector;
    dev->super.fill_path = dev_fill_path;
    dev->super.stroke_path = dev_stroke_path;
    dev->super.fill_image = dev_fill_image;
    dev->super.fill_image_mask = dev_fill_image_mask;
    dev->super.fill_text = dev_fill_text;
    dev->super.stroke_text = dev_stroke_text;
    dev->super.clip_text = dev_clip_text;
    dev->super.clip_stroke_text = dev_clip_stroke_text;
    dev->super.ignore_text = dev_ignore_text;
    fz_stext_page *text = nullptr;
    fz_rect bounds{};
    const bool ok = read_page(ctx, doc, i, &dev->super, &text, &bounds, &why);
    fz_drop_device(ctx, &dev->super);
    if (!ok) {
      if (text != nullptr) fz_drop_stext_page(ctx, text);
      bad_input("damaged PDF, page " + std::to_string(i + 1) + " cannot be read: " + (why ? why : "unknown error"));
    }
    page.width = bounds.x1 - bounds.x0;
    page.height = bounds.y1 - bounds.y0;
    try {
      take_glyphs(text, page);
    } catch (...) {
      fz_drop_stext_page(ctx, text);
      throw;
    }
    fz_drop_stext_page(ctx, text);
    if (collector.failed) throw std::bad_alloc();
    out.pages.push_back(std::move(page));
  }
  fz_flush_warnings(ctx);
  pdf_document *pdf = pdf_document_from_fz_document(ctx, doc);
  out.repaired = warnings.repaired || (pdf != nullptr && pdf_was_repaired(ctx, pdf));
  return out;
}

}  // namespace docpipe::pdf
