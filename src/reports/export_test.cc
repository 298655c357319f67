// Reports as tables: the shapes of report JSON read into tables, CSV quoting
// and formula-injection guarding, and XLSX workbooks with one sheet per table.
#include "reports/export.h"

#include <gtest/gtest.h>

namespace ck::reports {
namespace {

using Json = nlohmann::json;

TEST(ReportExport, TablesFollowTheShapeOfTheReport) {
  Json report = {{"from", "2026-11-01T00:00:00.000Z"},
                 {"totals", {{"decided", 10}, {"denial_rate", 0.25}}},
                 {"by_payer",
                  {{{"payer", "Buckeye Health"}, {"decided", 6}, {"denial_rate", 0.5}},
                   {{"payer", "Ohio Care"}, {"decided", 4}, {"denial_rate", 0}, {"note", "new"}}}},
                 {"by_urgency",
                  {{"expedited", {{"decided", 3}, {"median_hours", 20.5}}},
                   {"standard", {{"decided", 7}, {"median_hours", nullptr}}}}},
                 {"empty_list", Json::array()}};
  auto tables = TablesOf(report, "insurance");
  ASSERT_EQ(tables.size(), 3u);
  // The scalars, with objects of scalars flattened, as measures.
  EXPECT_EQ(tables[0].name, "insurance");
  ASSERT_EQ(tables[0].rows.size(), 3u);
  EXPECT_EQ(std::get<std::string>(tables[0].rows[0][0]), "From");
  EXPECT_EQ(std::get<std::string>(tables[0].rows[2][0]), "Totals denial rate");
  EXPECT_EQ(std::get<std::string>(tables[0].rows[2][1]), "25.0 %");
  // Arrays of objects: columns in first-seen order, kinds from the values.
  const Table& payers = tables[1];
  EXPECT_EQ(payers.name, "by_payer");
  ASSERT_EQ(payers.columns.size(), 4u);
  // Text first (JSON objects come sorted), then the figures.
  EXPECT_EQ(payers.columns[0].label, "Payer");
  EXPECT_EQ(payers.columns[1].label, "Note");
  EXPECT_EQ(payers.columns[3].label, "Denial rate");
  EXPECT_EQ(payers.columns[3].kind, Kind::kRate);
  EXPECT_EQ(payers.columns[2].kind, Kind::kInteger);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(payers.rows[0][1]));
  // Objects of objects: keyed by the outer name.
  const Table& urgency = tables[2];
  EXPECT_EQ(urgency.columns[0].label, "Group");
  EXPECT_EQ(std::get<std::string>(urgency.rows[1][0]), "standard");
  EXPECT_EQ(urgency.columns[2].kind, Kind::kNumber);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(urgency.rows[1][2]));
  // A list answer is the report itself, even when empty.
  auto list = TablesOf({{"items", Json::array()}}, "caseloads");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "caseloads");
  // With scalars too (a period), the list still comes first under the report's
  // name, and the scalars follow as the summary: two tables, two names.
  auto team = TablesOf({{"from", "2026-11-01"},
                        {"to", "2026-11-30"},
                        {"items", {{{"user_id", 3}, {"open_cases", 7}}}}},
                       "team");
  ASSERT_EQ(team.size(), 2u);
  EXPECT_EQ(team[0].name, "team");
  EXPECT_EQ(team[0].rows.size(), 1u);
  EXPECT_EQ(team[1].name, "summary");
  // A list of words in a cell reads as a list; an empty one is an empty cell.
  auto covering = TablesOf({{"items",
                             {{{"user_id", 3}, {"covering_for", {"Ana Silva", "Ben Ode"}}},
                              {{"user_id", 4}, {"covering_for", Json::array()}}}}},
                           "team");
  ASSERT_EQ(covering.size(), 1u);
  EXPECT_EQ(std::get<std::string>(covering[0].rows[0][0]), "Ana Silva; Ben Ode");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(covering[0].rows[1][0]));
}

TEST(ReportExport, CsvQuotesAndDisarmsFormulas) {
  Table t{"x",
          {{"name", "Name", Kind::kText}, {"n", "Count", Kind::kInteger}},
          {{std::string("Smith, \"Jo\""), int64_t{3}},
           {std::string("=HYPERLINK(\"http://evil\")"), int64_t{-2}},
           {std::string("line\nbreak"), std::monostate{}},
           {std::string("@SUM(A1)"), 1.5}}};
  EXPECT_EQ(ToCsv(t),
            "Name,Count\r\n"
            "\"Smith, \"\"Jo\"\"\",3\r\n"
            "\"'=HYPERLINK(\"\"http://evil\"\")\",-2\r\n"
            "\"line\nbreak\",\r\n"
            "'@SUM(A1),1.5\r\n");
}

TEST(ReportExport, XlsxHasOneSheetPerTable) {
  Json report = {{"from", "2026-11-01"},
                 {"by_payer", {{{"payer", "A"}, {"denial_rate", 0.5}}}},
                 {"by_service", {{{"code", "J9271"}, {"decided", 2}}}}};
  auto xlsx = ToXlsx(TablesOf(report, "insurance"));
  ASSERT_TRUE(xlsx.ok()) << xlsx.status().ToString();
  ASSERT_GT(xlsx->size(), 1000u);
  EXPECT_EQ(xlsx->substr(0, 4), std::string("PK\x03\x04", 4));  // a ZIP container
  // File names sit uncompressed in the ZIP directory: three sheets.
  EXPECT_NE(xlsx->find("xl/worksheets/sheet3.xml"), std::string::npos);
  EXPECT_EQ(xlsx->find("xl/worksheets/sheet4.xml"), std::string::npos);
  // No table at all still makes a valid workbook.
  auto none = ToXlsx({});
  ASSERT_TRUE(none.ok());
  EXPECT_NE(none->find("xl/worksheets/sheet1.xml"), std::string::npos);
}

TEST(ReportExport, LabelsReadAsWords) {
  EXPECT_EQ(LabelOf("denial_rate"), "Denial rate");
  EXPECT_EQ(LabelOf("cms_0057_f"), "CMS 0057 f");
  EXPECT_EQ(LabelOf("ed_visits_per_1000"), "ED visits per 1000");
}

}  // namespace
}  // namespace ck::reports
