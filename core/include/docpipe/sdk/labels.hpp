// Label keys: how a label in a report is compared with a template label, the
// same rule for the template stage and for every reader (docpipe_sdk).
// NFKC (folds full-width brackets and digits), then leading enumerators
// removed ("三、", "（三）", "(3)", "1.", "1、") at the start and after white
// space, then every white space and punctuation character removed. So
// "（三）不予公开 1. 属于国 家秘密" and "不予公开属于国家秘密" give the same key,
// and "危及“三安全一稳定”" equals "危及\"三安全一稳定\"".
#pragma once

#include <string>
#include <string_view>

namespace docpipe::sdk {

std::string label_key(std::string_view label);

}  // namespace docpipe::sdk
