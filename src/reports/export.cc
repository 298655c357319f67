#include "reports/export.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace ck::reports {
namespace {

using Json = nlohmann::json;

bool IsRateKey(const std::string& key) {
  auto ends = [&](std::string_view s) {
    return key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0;
  };
  return ends("_rate") || ends("_share") || key == "rate" || key == "share";
}

Kind KindOf(const std::string& key, const Json& v) {
  if (v.is_number_integer() || v.is_number_unsigned())
    return IsRateKey(key) ? Kind::kRate : Kind::kInteger;
  if (v.is_number_float()) return IsRateKey(key) ? Kind::kRate : Kind::kNumber;
  return Kind::kText;
}

Cell CellOf(const Json& v) {
  if (v.is_null()) return std::monostate{};
  if (v.is_boolean()) return std::string(v.get<bool>() ? "yes" : "no");
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_unsigned()) return static_cast<int64_t>(v.get<uint64_t>());
  if (v.is_number_float()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  // A list of words or numbers reads as a list ("Ana Silva; Ben Ode"), an empty one as nothing.
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](const Json& x) {
        return x.is_string() || x.is_number() || x.is_boolean();
      })) {
    if (v.empty()) return std::monostate{};
    std::string out;
    for (const Json& x : v)
      out += (out.empty() ? "" : "; ") + (x.is_string() ? x.get<std::string>() : x.dump());
    return out;
  }
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A column's kind from every row's value: a number column stays a number when
// some rows are null; mixed integers and fractions are numbers.
void Widen(Column& col, const Json& v) {
  if (v.is_null()) return;
  Kind k = KindOf(col.key, v);
  if (col.kind == k) return;
  if (col.kind == Kind::kText && v.is_number()) {
    col.kind = k;
  } else if (col.kind == Kind::kInteger && k == Kind::kNumber) {
    col.kind = Kind::kNumber;
  } else if (!v.is_number()) {
    col.kind = Kind::kText;
  }
}

bool IsRows(const Json& v) {
  if (!v.is_array()) return false;
  return std::all_of(v.begin(), v.end(), [](const Json& x) { return x.is_object(); });
}

bool IsKeyedRows(const Json& v) {
  if (!v.is_object() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const Json& x) { return x.is_object(); });
}

// Rows from objects: the columns in first-seen order across all of them.
Table FromObjects(const std::string& name, const std::vector<std::pair<std::string, Json>>& rows,
                  const std::string& key_column) {
  Table t;
  t.name = name;
  std::vector<std::string> keys;
  std::set<std::string> seen;
  if (!key_column.empty()) {
    keys.push_back(key_column);
    seen.insert(key_column);
  }
  for (const auto& [_, obj] : rows)
    for (const auto& [k, v] : obj.items())
      if (seen.insert(k).second) keys.push_back(k);
  for (const std::string& k : keys) t.columns.push_back({k, LabelOf(k), Kind::kText});
  for (const auto& [row_key, obj] : rows) {
    std::vector<Cell> row;
    for (Column& col : t.columns) {
      if (!key_column.empty() && col.key == key_column) {
        row.emplace_back(row_key);
        continue;
      }
      const Json v = obj.contains(col.key) ? obj.at(col.key) : Json(nullptr);
      Widen(col, v);
      row.push_back(CellOf(v));
    }
    t.rows.push_back(std::move(row));
  }
  // A text column holds numbers written as text only when some value was not a number.
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (t.columns[c].kind != Kind::kText) continue;
    for (auto& row : t.rows) {
      if (std::holds_alternative<int64_t>(row[c])) {
        row[c] = std::to_string(std::get<int64_t>(row[c]));
      } else if (std::holds_alternative<double>(row[c])) {
        row[c] = Json(std::get<double>(row[c])).dump();
      }
    }
  }
  // JSON objects keep their keys sorted, so the row's names (text) lead, then the
  // figures; a column empty in every row is left out.
  std::vector<size_t> order;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    bool empty = !t.rows.empty() && std::all_of(t.rows.begin(), t.rows.end(), [&](const auto& r) {
      return std::holds_alternative<std::monostate>(r[i]);
    });
    if (!empty || t.columns[i].key == key_column) order.push_back(i);
  }
  std::stable_partition(order.begin(), order.end(),
                        [&](size_t i) { return t.columns[i].kind == Kind::kText; });
  Table sorted{t.name, {}, {}};
  for (size_t i : order) sorted.columns.push_back(t.columns[i]);
  for (const auto& row : t.rows) {
    std::vector<Cell> r;
    for (size_t i : order) r.push_back(row[i]);
    sorted.rows.push_back(std::move(r));
  }
  return sorted;
}

std::string CsvField(const Cell& cell) {
  std::string s;
  if (std::holds_alternative<std::string>(cell)) {
    s = std::get<std::string>(cell);
    if (!s.empty() &&
        (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
      s = "'" + s;
  } else if (std::holds_alternative<int64_t>(cell)) {
    s = std::to_string(std::get<int64_t>(cell));
  } else if (std::holds_alternative<double>(cell)) {
    s = Json(std::get<double>(cell)).dump();
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

}  // namespace

std::string LabelOf(const std::string& key) {
  static const std::set<std::string> kUpper = {"cms", "id",  "ed",    "trc", "phq9", "hba1c",
                                               "csv", "zip", "icd10", "pa",  "ire"};
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string w = word;
    if (kUpper.count(w)) {
      for (char& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    if (out.empty()) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    out += (out.empty() ? "" : " ") + w;
    word.clear();
  };
  for (char ch : key) {
    if (ch == '_' || ch == '.' || ch == ' ')
      flush();
    else
      word += ch;
  }
  flush();
  return out;
}

std::vector<Table> TablesOf(const Json& report, const std::string& name) {
  std::vector<Table> out;
  if (IsRows(report)) {
    std::vector<std::pair<std::string, Json>> rows;
    for (const Json& r : report) rows.emplace_back("", r);
    out.push_back(FromObjects(name, rows, ""));
    return out;
  }
  if (!report.is_object()) return out;
  // The scalars (and objects of scalars, flattened as parent.child) first, as one summary.
  std::vector<std::pair<std::string, Json>> summary;
  std::vector<Table> nested;
  for (const auto& [key, v] : report.items()) {
    if (IsRows(v) && (!v.empty() || key == "items")) {
      std::vector<std::pair<std::string, Json>> rows;
      for (const Json& r : v) rows.emplace_back("", r);
      // A list answer ({"items": [...]}) is the report itself.
      nested.push_back(FromObjects(key == "items" ? name : key, rows, ""));
    } else if (IsKeyedRows(v)) {
      std::vector<std::pair<std::string, Json>> rows;
      for (const auto& [k, r] : v.items()) rows.emplace_back(k, r);
      nested.push_back(FromObjects(key, rows, "group"));
    } else if (v.is_object()) {
      for (const auto& [k, x] : v.items()) summary.emplace_back(key + "." + k, x);
    } else if (!v.is_array()) {
      summary.emplace_back(key, v);
    }
  }
  // A list answer ({"items": [...]}) is the report itself: the first table,
  // the one a CSV gives by default, its scalars (a period) a "summary" after it.
  const bool list_answer = report.contains("items") && IsRows(report["items"]);
  if (list_answer) {
    auto items =
        std::find_if(nested.begin(), nested.end(), [&](const Table& t) { return t.name == name; });
    if (items != nested.end()) {
      out.push_back(std::move(*items));
      nested.erase(items);
    }
  }
  if (!summary.empty()) {
    Table t;
    t.name = list_answer ? "summary" : name;
    t.columns = {{"measure", "Measure", Kind::kText}, {"value", "Value", Kind::kText}};
    for (const auto& [k, v] : summary) {
      Cell c = CellOf(v);
      // One value column of mixed kinds: rates as percentages in words.
      if (IsRateKey(k) && v.is_number())
        c = Json(static_cast<double>(static_cast<int64_t>(v.get<double>() * 1000 + 0.5)) / 10)
                .dump() +
            " %";
      t.rows.push_back({LabelOf(k), c});
    }
    out.push_back(std::move(t));
  }
  for (Table& t : nested) out.push_back(std::move(t));
  return out;
}

std::string ToCsv(const Table& table) {
  std::string out;
  for (size_t i = 0; i < table.columns.size(); ++i)
    out += (i ? "," : "") + CsvField(table.columns[i].label);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + CsvField(row[i]);
    out += "\r\n";
  }
  return out;
}

}  // namespace ck::reports
