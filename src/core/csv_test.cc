#include "core/csv.h"

#include <gtest/gtest.h>

namespace ck {
namespace {

TEST(Csv, QuotesLineBreaksAndLineNumbers) {
  std::vector<int> lines;
  auto rows = ParseCsv(
      "a,b,c\r\n"
      "1,\"two, with comma\",3\r\n"
      "\"multi\nline\",\"say \"\"hi\"\"\",\n"
      "\n"
      "last,,x",
      &lines);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "two, with comma", "3"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"multi\nline", "say \"hi\"", ""}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"last", "", "x"}));
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 3, 6}));  // the blank line 5 is skipped
  EXPECT_TRUE(ParseCsv("", nullptr).empty());
}

}  // namespace
}  // namespace ck
