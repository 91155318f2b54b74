#include <unicode/ucnv.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <docpipe/sdk/charset.hpp>
#include <memory>
#include <stdexcept>

namespace docpipe::sdk {

bool convert_strict(std::string_view charset, std::string_view bytes, std::string &utf8) {
  const std::string name(charset);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(name.c_str(), &status), &ucnv_close);
  if (U_FAILURE(status)) throw std::invalid_argument("ICU has no converter for charset '" + name + "'");
  // ICU's default callback would silently substitute U+FFFD.
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::u16string u16(bytes.size() + 1, u'\0');
  status = U_ZERO_ERROR;
  const int32_t len = ucnv_toUChars(conv.get(), reinterpret_cast<UChar *>(u16.data()), static_cast<int32_t>(u16.size()),
                                    bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) return false;
  u16.resize(static_cast<size_t>(len));
  utf8.clear();
  utf8.reserve(u16.size() * 3);
  for (size_t i = 0; i < u16.size();) {
    UChar32 c;
    U16_NEXT(u16.data(), i, u16.size(), c);
    if (U_IS_SURROGATE(c)) return false;  // unpaired surrogate: not text
    uint8_t buf[4];
    int32_t k = 0;
    [[maybe_unused]] UBool err = false;
    U8_APPEND(buf, k, 4, c, err);
    utf8.append(reinterpret_cast<char *>(buf), static_cast<size_t>(k));
  }
  return true;
}

}  // namespace docpipe::sdk
