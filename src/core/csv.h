// CSV as RFC 4180 writes it: fields separated by commas, quoted when they
// hold commas, quotes (doubled) or line breaks; records end with CR LF or LF.
//
//   std::vector<int> lines;
//   auto rows = ParseCsv(text, &lines);  // rows[0] is the header; lines[i] its line in the file
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ck {

// Every record's fields; the 1-based line each record starts on in `lines`.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text, std::vector<int>* lines);

}  // namespace ck
