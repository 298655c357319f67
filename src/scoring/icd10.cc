#include "scoring/icd10.h"

#include <cctype>

namespace ck::scoring {

Result<std::string> CompactIcd10(std::string_view code, std::string_view field) {
  auto bad = [&] {
    return InvalidArgument("must be an ICD-10-CM code such as E11.9", std::string(field));
  };
  std::string s;
  bool dot_seen = false;
  for (char c : code) {
    if (c == '.') {
      if (dot_seen || s.size() != 3) return bad();
      dot_seen = true;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c))) return bad();
    s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  bool ok = s.size() >= 3 && s.size() <= 7 && std::isupper(static_cast<unsigned char>(s[0])) &&
            std::isdigit(static_cast<unsigned char>(s[1])) &&
            std::isalnum(static_cast<unsigned char>(s[2])) && !(dot_seen && s.size() == 3);
  if (!ok) return bad();
  return s;
}

std::string DottedIcd10(std::string_view compact) {
  if (compact.size() <= 3) return std::string(compact);
  return std::string(compact.substr(0, 3)) + "." + std::string(compact.substr(3));
}

}  // namespace ck::scoring
