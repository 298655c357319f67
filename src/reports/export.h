// Reports as tables, and the tables as CSV, XLSX (libxlsxwriter) or JSON.
// A report is built once as JSON (what the API answers); TablesOf() reads its
// shape into tables: each array of objects is a table (one row per object),
// each object of objects a table keyed by the outer names, and the top-level
// scalars one "summary" table. So every report downloads as CSV (one table)
// and XLSX (one sheet per table) without code of its own.
//
//   std::vector<reports::Table> tables = reports::TablesOf(report_json, "insurance");
//   std::string csv = reports::ToCsv(tables[0]);
//   CK_ASSIGN_OR_RETURN(std::string xlsx, reports::ToXlsx(tables));
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"

namespace ck::reports {

enum class Kind { kText, kInteger, kNumber, kRate };

struct Column {
  std::string key;    // as in the JSON: "denial_rate"
  std::string label;  // for people: "Denial rate"
  Kind kind = Kind::kText;
};

using Cell = std::variant<std::monostate, std::string, int64_t, double>;

struct Table {
  std::string name;  // "by_payer": the CSV's table= parameter and the sheet's name
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
};

// "denial_rate" → "Denial rate"; "cms_0057_f" → "Cms 0057 f" is avoided by
// keeping digits-and-letters words as they are: "CMS 0057 F" for known acronyms.
std::string LabelOf(const std::string& key);

// The tables of a report's JSON (see above). Rates are numbers whose key ends
// in _rate or _share (fractions from 0 to 1). Nested arrays and objects inside
// a row are written as compact JSON text.
std::vector<Table> TablesOf(const nlohmann::json& report, const std::string& name);

// RFC 4180 with CR LF, a header row of labels. Text that a spreadsheet would
// take for a formula (starting with = + - @, tab or CR) is prefixed with an
// apostrophe (CSV injection).
std::string ToCsv(const Table& table);

// One worksheet per table (names made safe and unique, 31 characters at
// most): bold frozen header, rates as percentages, widths from the content.
// Internal when the workbook cannot be written.
Result<std::string> ToXlsx(const std::vector<Table>& tables);

}  // namespace ck::reports
