#include "patients/validation.h"

#include <algorithm>
#include <chrono>

#include "core/strings.h"

namespace ck::patients {
namespace {

// ASCII folding of U+00C0..U+017F (Latin-1 Supplement and Latin Extended-A).
constexpr const char* kLatinFold[] = {
    // U+00C0
    "a",
    "a",
    "a",
    "a",
    "a",
    "a",
    "ae",
    "c",
    "e",
    "e",
    "e",
    "e",
    "i",
    "i",
    "i",
    "i",
    // U+00D0
    "d",
    "n",
    "o",
    "o",
    "o",
    "o",
    "o",
    "",
    "o",
    "u",
    "u",
    "u",
    "u",
    "y",
    "th",
    "ss",
    // U+00E0
    "a",
    "a",
    "a",
    "a",
    "a",
    "a",
    "ae",
    "c",
    "e",
    "e",
    "e",
    "e",
    "i",
    "i",
    "i",
    "i",
    // U+00F0
    "d",
    "n",
    "o",
    "o",
    "o",
    "o",
    "o",
    "",
    "o",
    "u",
    "u",
    "u",
    "u",
    "y",
    "th",
    "y",
    // U+0100
    "a",
    "a",
    "a",
    "a",
    "a",
    "a",
    "c",
    "c",
    "c",
    "c",
    "c",
    "c",
    "c",
    "c",
    "d",
    "d",
    // U+0110
    "d",
    "d",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "e",
    "g",
    "g",
    "g",
    "g",
    // U+0120
    "g",
    "g",
    "g",
    "g",
    "h",
    "h",
    "h",
    "h",
    "i",
    "i",
    "i",
    "i",
    "i",
    "i",
    "i",
    "i",
    // U+0130
    "i",
    "i",
    "ij",
    "ij",
    "j",
    "j",
    "k",
    "k",
    "k",
    "l",
    "l",
    "l",
    "l",
    "l",
    "l",
    "l",
    // U+0140
    "l",
    "l",
    "l",
    "n",
    "n",
    "n",
    "n",
    "n",
    "n",
    "n",
    "n",
    "n",
    "o",
    "o",
    "o",
    "o",
    // U+0150
    "o",
    "o",
    "oe",
    "oe",
    "r",
    "r",
    "r",
    "r",
    "r",
    "r",
    "s",
    "s",
    "s",
    "s",
    "s",
    "s",
    // U+0160
    "s",
    "s",
    "t",
    "t",
    "t",
    "t",
    "t",
    "t",
    "u",
    "u",
    "u",
    "u",
    "u",
    "u",
    "u",
    "u",
    // U+0170
    "u",
    "u",
    "u",
    "u",
    "w",
    "w",
    "y",
    "y",
    "y",
    "z",
    "z",
    "z",
    "z",
    "z",
    "z",
    "s",
};

std::string ListOf(std::initializer_list<std::string_view> allowed) {
  std::string out;
  for (auto a : allowed) out += (out.empty() ? "" : ", ") + std::string(a);
  return out;
}

Status CheckCoded(const std::optional<std::string>& v, std::string_view field,
                  std::initializer_list<std::string_view> allowed) {
  if (!v || OneOf(*v, allowed)) return Status::Ok();
  return InvalidArgument("must be one of " + ListOf(allowed), std::string(field));
}

Status CheckText(const std::optional<std::string>& v, std::string_view field, size_t max) {
  if (!v) return Status::Ok();
  if (v->empty())
    return InvalidArgument("must not be empty (omit or send null instead)", std::string(field));
  if (v->size() > max)
    return InvalidArgument("must be at most " + std::to_string(max) + " bytes", std::string(field));
  return Status::Ok();
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string SearchKey(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z')
        out += static_cast<char>(c - 'A' + 'a');
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        out += static_cast<char>(c);
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence; malformed bytes are skipped.
    uint32_t cp = 0;
    size_t len = 0;
    if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      ++i;
      continue;
    }
    if (i + len > s.size()) break;
    bool ok = true;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    i += ok ? len : 1;
    if (ok && cp >= 0xC0 && cp <= 0x17F) out += kLatinFold[cp - 0xC0];
  }
  return out;
}

Result<std::string> NormalizePhone(std::string_view text, std::string_view field) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return InvalidArgument("must be a phone number, e.g. +1 555 010 4477", std::string(field));
    }
  }
  if (!plus && digits.starts_with("00")) {
    plus = true;
    digits = digits.substr(2);
  }
  if (!plus) {
    if (digits.size() == 11 && digits[0] == '1') digits = digits.substr(1);
    if (digits.size() != 10)
      return InvalidArgument("a US number has 10 digits", std::string(field));
    return "+1" + digits;
  }
  if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0')
    return InvalidArgument("an international number has 8 to 15 digits", std::string(field));
  return "+" + digits;
}

Status ValidateEmail(std::string_view email, std::string_view field) {
  size_t at = email.find('@');
  bool ok = email.size() <= 254 && at != std::string_view::npos && at > 0 &&
            email.find('@', at + 1) == std::string_view::npos &&
            email.find('.', at + 2) != std::string_view::npos && email.back() != '.' &&
            email.find_first_of(" \t\r\n<>,;") == std::string_view::npos;
  return ok ? Status::Ok() : InvalidArgument("must be an e-mail address", std::string(field));
}

Status ValidateLanguageTag(std::string_view tag, std::string_view field) {
  auto bad = [&] {
    return InvalidArgument("must be a language tag such as en, es or zh-Hant", std::string(field));
  };
  size_t dash = tag.find('-');
  std::string_view primary = tag.substr(0, dash);
  if (primary.size() < 2 || primary.size() > 3) return bad();
  for (char c : primary) {
    if (c < 'a' || c > 'z') return bad();
  }
  while (dash != std::string_view::npos) {
    size_t next = tag.find('-', dash + 1);
    std::string_view sub =
        tag.substr(dash + 1, next == std::string_view::npos ? next : next - dash - 1);
    if (sub.empty() || sub.size() > 8) return bad();
    for (char c : sub) {
      if (!std::isalnum(static_cast<unsigned char>(c))) return bad();
    }
    dash = next;
  }
  return Status::Ok();
}

Status ValidateIdentifier(const Identifier& id, std::string_view field) {
  std::string f(field);
  if (id.system.empty() || id.system.size() > 200 ||
      id.system.find_first_of(" \t\r\n") != std::string::npos)
    return InvalidArgument("system must be a URI or OID naming the issuer, without spaces", f);
  if (id.value.empty() || id.value.size() > 100)
    return InvalidArgument("value must be 1 to 100 bytes", f);
  if (!OneOf(id.kind, {"MR", "MB", "PI", "SN", "DL", "other"}))
    return InvalidArgument(
        "kind must be one of MR (medical record), MB (plan member), PI, SN, DL, other", f);
  return Status::Ok();
}

Status ValidateDemographics(const NewPatient& p, Date today) {
  auto name = [](const std::string& s, const char* field) -> Status {
    if (s.empty()) return InvalidArgument("is required", field);
    if (s.size() > 100) return InvalidArgument("must be at most 100 bytes", field);
    return Status::Ok();
  };
  CK_RETURN_IF_ERROR(name(p.given_name, "given_name"));
  CK_RETURN_IF_ERROR(name(p.family_name, "family_name"));
  CK_ASSIGN_OR_RETURN(Date birth, ParseDate(p.birth_date, "birth_date"));
  if (std::chrono::sys_days{birth} > std::chrono::sys_days{today})
    return InvalidArgument("must not be in the future", "birth_date");
  if (static_cast<int>(birth.year()) < 1900)
    return InvalidArgument("must be after 1900", "birth_date");
  CK_RETURN_IF_ERROR(CheckCoded(p.administrative_sex, "administrative_sex",
                                {"female", "male", "other", "unknown"}));
  CK_RETURN_IF_ERROR(CheckText(p.middle_name, "middle_name", 100));
  CK_RETURN_IF_ERROR(CheckText(p.name_suffix, "name_suffix", 20));
  CK_RETURN_IF_ERROR(CheckText(p.preferred_name, "preferred_name", 100));
  CK_RETURN_IF_ERROR(CheckCoded(p.gender_identity, "gender_identity",
                                {"female", "male", "transgender_female", "transgender_male",
                                 "non_binary", "other", "declined", "unknown"}));
  if (p.preferred_language)
    CK_RETURN_IF_ERROR(ValidateLanguageTag(*p.preferred_language, "preferred_language"));
  for (const std::string& r : p.races) {
    if (std::find(kRaces().begin(), kRaces().end(), r) == kRaces().end())
      return InvalidArgument(
          "each must be one of american_indian_or_alaska_native, asian, "
          "black_or_african_american, native_hawaiian_or_other_pacific_islander, "
          "white, other, declined, unknown",
          "races");
  }
  CK_RETURN_IF_ERROR(
      CheckCoded(p.ethnicity, "ethnicity",
                 {"hispanic_or_latino", "not_hispanic_or_latino", "declined", "unknown"}));
  const Address& a = p.address;
  CK_RETURN_IF_ERROR(CheckText(a.line1, "address.line1", 200));
  CK_RETURN_IF_ERROR(CheckText(a.line2, "address.line2", 200));
  CK_RETURN_IF_ERROR(CheckText(a.city, "address.city", 100));
  CK_RETURN_IF_ERROR(CheckText(a.country, "address.country", 2));
  bool us = !a.country || *a.country == "US";
  if (a.country &&
      (a.country->size() != 2 || !std::isupper(static_cast<unsigned char>((*a.country)[0])) ||
       !std::isupper(static_cast<unsigned char>((*a.country)[1]))))
    return InvalidArgument("must be an ISO 3166 two-letter country code such as US",
                           "address.country");
  if (a.state && us &&
      (a.state->size() != 2 || !std::isupper(static_cast<unsigned char>((*a.state)[0])) ||
       !std::isupper(static_cast<unsigned char>((*a.state)[1]))))
    return InvalidArgument("must be a two-letter US state code such as OH", "address.state");
  CK_RETURN_IF_ERROR(CheckText(a.state, "address.state", 50));
  if (a.postal_code && us) {
    const std::string& z = *a.postal_code;
    bool zip5 = z.size() == 5 && AllDigits(z);
    bool zip9 =
        z.size() == 10 && z[5] == '-' && AllDigits(z.substr(0, 5)) && AllDigits(z.substr(6));
    if (!zip5 && !zip9)
      return InvalidArgument("must be a ZIP code such as 43210 or 43210-1234",
                             "address.postal_code");
  }
  CK_RETURN_IF_ERROR(CheckText(a.postal_code, "address.postal_code", 20));
  if (p.email) CK_RETURN_IF_ERROR(ValidateEmail(*p.email, "email"));
  CK_RETURN_IF_ERROR(CheckCoded(p.preferred_contact_method, "preferred_contact_method",
                                {"phone", "sms", "email", "mail", "portal", "in_person"}));
  CK_RETURN_IF_ERROR(CheckText(p.preferred_contact_times, "preferred_contact_times", 200));
  if (p.phones.size() > 10) return InvalidArgument("at most 10 numbers", "phones");
  for (const Phone& ph : p.phones) {
    if (!OneOf(ph.use, {"mobile", "home", "work", "other"}))
      return InvalidArgument("use must be one of mobile, home, work, other", "phones");
  }
  if (p.identifiers.size() > 20) return InvalidArgument("at most 20 identifiers", "identifiers");
  for (const Identifier& id : p.identifiers)
    CK_RETURN_IF_ERROR(ValidateIdentifier(id, "identifiers"));
  return Status::Ok();
}

}  // namespace ck::patients
