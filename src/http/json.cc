#include "http/json.h"

#include <limits>

namespace ck::http {
namespace {

Status CheckDepth(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth)
        return InvalidArgument("JSON nested more than " + std::to_string(max_depth) + " levels",
                               "body");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Json> ParseJsonObject(const Request& req) {
  if (req.body.empty()) return InvalidArgument("a JSON object is required", "body");
  CK_RETURN_IF_ERROR(CheckDepth(req.body, 32));
  Json j;
  try {
    j = Json::parse(req.body);
  } catch (const Json::parse_error& e) {
    return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte), "body");
  }
  if (!j.is_object()) return InvalidArgument("must be a JSON object", "body");
  return j;
}

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Response JsonResponse(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = DumpJson(body);
  return r;
}

Result<std::string> RequiredString(const Json& obj, const char* field, size_t max_len) {
  CK_ASSIGN_OR_RETURN(auto v, OptionalString(obj, field, max_len));
  if (!v) return InvalidArgument("is required", field);
  return *v;
}

Result<std::optional<std::string>> OptionalString(const Json& obj, const char* field,
                                                  size_t max_len) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return InvalidArgument("must be a string", field);
  std::string s = it->get<std::string>();
  size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return InvalidArgument("must not be empty", field);
  s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
  if (s.size() > max_len)
    return InvalidArgument("must be at most " + std::to_string(max_len) + " bytes", field);
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t') return InvalidArgument("must not contain control characters", field);
  }
  return std::optional<std::string>(std::move(s));
}

Result<std::optional<int64_t>> OptionalInt(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return InvalidArgument("must be an integer", field);
  return std::optional<int64_t>(it->get<int64_t>());
}

Result<std::optional<bool>> OptionalBool(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return InvalidArgument("must be true or false", field);
  return std::optional<bool>(it->get<bool>());
}

Result<int> RequiredVersion(const Json& obj) {
  CK_ASSIGN_OR_RETURN(auto v, OptionalInt(obj, "version"));
  if (!v) return InvalidArgument("send the version you read", "version");
  if (*v < 1 || *v > std::numeric_limits<int>::max())
    return InvalidArgument("is not a version of this record", "version");
  return static_cast<int>(*v);
}

Status RejectUnknownFields(const Json& obj, std::initializer_list<const char*> allowed) {
  for (const auto& [key, _] : obj.items()) {
    bool known = false;
    for (const char* a : allowed) known |= key == a;
    if (!known) return InvalidArgument("unknown field", key);
  }
  return Status::Ok();
}

Result<std::optional<Timestamp>> OptionalTime(const Json& obj, const char* field) {
  CK_ASSIGN_OR_RETURN(auto text, OptionalString(obj, field, 40));
  if (!text) return std::optional<Timestamp>();
  CK_ASSIGN_OR_RETURN(Timestamp t, ParseTimestamp(*text, field));
  return std::optional<Timestamp>(t);
}

Result<std::vector<std::string>> OptionalStringList(const Json& obj, const char* field,
                                                    size_t max_len) {
  std::vector<std::string> out;
  if (!obj.contains(field) || obj[field].is_null()) return out;
  if (!obj[field].is_array()) return InvalidArgument("must be an array of strings", field);
  for (const auto& v : obj[field]) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
        v.get_ref<const std::string&>().size() > max_len)
      return InvalidArgument("must be an array of non-empty strings (each at most " +
                                 std::to_string(max_len) + " bytes)",
                             field);
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<Date> RequiredDateQuery(const Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v) return InvalidArgument("is required (a date YYYY-MM-DD)", name);
  return ParseDate(*v, name);
}

}  // namespace ck::http
