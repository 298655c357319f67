// The XLSX writer: the only file that includes <xlsxwriter.h>. libxlsxwriter
// 1.1 writes to a file, so the workbook goes to a private temporary file that
// is read back and removed.
#include <stdlib.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "reports/export.h"

namespace ck::reports {
namespace {

std::string SheetName(std::string name, std::set<std::string>& used) {
  for (char& ch : name)
    if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos) ch = '_';
  if (name.empty()) name = "Sheet";
  name = name.substr(0, 28);
  std::string candidate = name;
  for (int i = 2; used.count(candidate); ++i) candidate = name + "_" + std::to_string(i);
  used.insert(candidate);
  return candidate;
}

size_t WidthOf(const Cell& c) {
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c).size();
  if (std::holds_alternative<int64_t>(c)) return std::to_string(std::get<int64_t>(c)).size();
  if (std::holds_alternative<double>(c)) return 10;
  return 0;
}

}  // namespace

Result<std::string> ToXlsx(const std::vector<Table>& tables) {
  // A directory only this process's user can read (mkdtemp makes it 0700).
  std::string dir_template = (std::filesystem::temp_directory_path() / "casekeeper-xlsx-XXXXXX");
  if (!mkdtemp(dir_template.data())) return Internal("could not make a temporary directory");
  const std::filesystem::path dir = dir_template;
  const std::filesystem::path path = dir / "report.xlsx";
  struct RemoveDir {
    std::filesystem::path p;
    ~RemoveDir() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{dir};
  lxw_workbook_options options = {};
  options.constant_memory = LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (!wb) return Internal("could not start the workbook");
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_bottom(header, LXW_BORDER_THIN);
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.0%");
  lxw_format* number = workbook_add_format(wb);
  format_set_num_format(number, "0.00");
  std::set<std::string> used;
  std::vector<Table> list = tables;
  if (list.empty()) list.push_back({"report", {{"empty", "No data", Kind::kText}}, {}});
  for (const Table& t : list) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, SheetName(t.name, used).c_str());
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const Column& col = t.columns[c];
      auto cc = static_cast<lxw_col_t>(c);
      worksheet_write_string(ws, 0, cc, col.label.c_str(), header);
      size_t width = col.label.size();
      lxw_format* fmt = col.kind == Kind::kRate     ? percent
                        : col.kind == Kind::kNumber ? number
                                                    : nullptr;
      for (size_t r = 0; r < t.rows.size(); ++r) {
        const Cell& cell = t.rows[r][c];
        auto rr = static_cast<lxw_row_t>(r + 1);
        width = std::max(width, WidthOf(cell));
        if (std::holds_alternative<std::string>(cell)) {
          worksheet_write_string(ws, rr, cc, std::get<std::string>(cell).c_str(), nullptr);
        } else if (std::holds_alternative<int64_t>(cell)) {
          worksheet_write_number(ws, rr, cc, static_cast<double>(std::get<int64_t>(cell)), fmt);
        } else if (std::holds_alternative<double>(cell)) {
          worksheet_write_number(ws, rr, cc, std::get<double>(cell), fmt);
        }
      }
      worksheet_set_column(ws, cc, cc, static_cast<double>(std::min<size_t>(width, 60) + 2),
                           nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
  }
  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    return Internal(std::string("could not write the workbook: ") + lxw_strerror(err));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace ck::reports
