// The shape hints (formats/HINTS.md): what the loaded templates declare about
// the official tables, as the <shape-hints> document the host passes to input
// plugins that want it (ABI 1.2, parse_hinted).
#pragma once

#include <string>
#include <vector>

#include "templates/template.hpp"

namespace docpipe::templates {

std::string shape_hints_xml(const std::vector<Template> &templates);

}  // namespace docpipe::templates
