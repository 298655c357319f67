// Regulatory clocks: decision and filing deadlines for each product type and
// urgency, in hours, calendar days, business days and months, across
// weekends, holidays and daylight-saving changes in the organisation's zone.
#include "insurance/deadlines.h"

#include <gtest/gtest.h>

namespace ck::insurance {
namespace {

Timestamp At(const char* iso) { return *ParseTimestamp(iso); }

class DeadlinesTest : public ::testing::Test {
 protected:
  TimeZone tz_ = *TimeZone::Load("EST5EDT,M3.2.0,M11.1.0");  // America/New_York's rule
  BusinessCalendar calendar_{{.holidays = UsFederalHolidays(2026)}};
  Deadlines clocks_{tz_, calendar_};
  const PayerRules& rules_ = PayerRules::Builtin();

  std::string Decision(const char* product, bool expedited, const char* received) {
    const ProductRules* p = rules_.Find(product);
    EXPECT_NE(p, nullptr) << product;
    return FormatTimestamp(
        clocks_.After(At(received), expedited ? *p->expedited_decision : *p->standard_decision));
  }
};

TEST(TimeZoneTest, LocalDatesAndDaylightSaving) {
  auto tz = TimeZone::Load("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(tz.ok());
  EXPECT_EQ(tz->UtcOffsetMinutes(At("2026-07-01T12:00:00Z")), -240);
  EXPECT_EQ(tz->UtcOffsetMinutes(At("2026-12-01T12:00:00Z")), -300);
  // 01:30 UTC on 2 Nov is still 1 Nov in New York.
  EXPECT_EQ(FormatDate(tz->LocalDate(At("2026-11-02T01:30:00Z"))), "2026-11-01");
  // End of a summer day and of a winter day.
  EXPECT_EQ(FormatTimestamp(tz->EndOfLocalDay(*ParseDate("2026-07-01"))),
            "2026-07-02T03:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(tz->EndOfLocalDay(*ParseDate("2026-12-01"))),
            "2026-12-02T04:59:59.999Z");
  // The spring-forward gap (02:30 does not exist on 8 March) moves forward;
  // the repeated 01:30 on 1 November is the first one (EDT).
  EXPECT_EQ(FormatTimestamp(tz->FromLocal(*ParseDate("2026-03-08"), 150 * kMillisPerMinute)),
            "2026-03-08T07:30:00.000Z");
  EXPECT_EQ(FormatTimestamp(tz->FromLocal(*ParseDate("2026-11-01"), 90 * kMillisPerMinute)),
            "2026-11-01T05:30:00.000Z");
  EXPECT_FALSE(TimeZone::Load("Not/AZone").ok());
  EXPECT_EQ(TimeZone::Load("garbage rule 99").status().field(), "calendar.time_zone");
  EXPECT_EQ(TimeZone::Utc().UtcOffsetMinutes(0), 0);
}

TEST_F(DeadlinesTest, PriorAuthorizationDecisionsByProductAndUrgency) {
  // Received Friday 30 October 2026, 16:00 in New York (EDT); daylight saving
  // ends on Sunday 1 November.
  const char* received = "2026-10-30T20:00:00Z";
  // 72 hours are real hours, whatever the clocks on the wall do.
  EXPECT_EQ(Decision("medicare_advantage", true, received), "2026-11-02T20:00:00.000Z");
  // 7 calendar days: the end of Friday 6 November, local (EST by then).
  EXPECT_EQ(Decision("medicare_advantage", false, received), "2026-11-07T04:59:59.999Z");
  EXPECT_EQ(Decision("medicaid_managed_care", false, received), "2026-11-07T04:59:59.999Z");
  EXPECT_EQ(Decision("medicaid_ffs", false, received), "2026-11-07T04:59:59.999Z");
  // Commercial: 15 calendar days.
  EXPECT_EQ(Decision("commercial", false, received), "2026-11-15T04:59:59.999Z");
  EXPECT_EQ(Decision("commercial", true, received), "2026-11-02T20:00:00.000Z");
  // Original Medicare: 10 business days, skipping two weekends and Veterans
  // Day (Wednesday 11 November): Monday 16 November, end of day.
  EXPECT_EQ(Decision("medicare_ffs", false, received), "2026-11-17T04:59:59.999Z");
  // 2 business days over Thanksgiving: received Wednesday 25 November → Monday 30.
  EXPECT_EQ(Decision("medicare_ffs", true, "2026-11-25T15:00:00Z"), "2026-12-01T04:59:59.999Z");
  // Self-pay has no prior authorization.
  EXPECT_FALSE(rules_.Find("self_pay")->prior_auth);
  // Received at 22:30 local on a Saturday in March, the night before the
  // clocks go forward: 7 days end on Saturday 14 March, EDT.
  EXPECT_EQ(Decision("medicare_advantage", false, "2026-03-08T03:30:00Z"),
            "2026-03-15T03:59:59.999Z");
}

TEST_F(DeadlinesTest, AppealFilingDeadlinesFromTheNotice) {
  Date notice = *ParseDate("2026-11-02");
  auto filing = [&](const char* product, const char* level) {
    const AppealLevel* l = rules_.Find(product)->Level(level);
    EXPECT_NE(l, nullptr) << product << " " << level;
    return FormatTimestamp(clocks_.FilingDeadline(*l, notice, std::nullopt)->at);
  };
  // Medicare Advantage reconsideration: 60 days from receipt presumed 5 days
  // after the notice: notice + 65 = 6 January 2027.
  EXPECT_EQ(filing("medicare_advantage", "first_level_internal"), "2027-01-07T04:59:59.999Z");
  // Medicaid managed care: 60 days from the notice (1 January); fair hearing 120.
  EXPECT_EQ(filing("medicaid_managed_care", "first_level_internal"), "2027-01-02T04:59:59.999Z");
  EXPECT_EQ(filing("medicaid_managed_care", "state_fair_hearing"), "2027-03-03T04:59:59.999Z");
  // Original Medicare redetermination: 120 days from presumed receipt.
  EXPECT_EQ(filing("medicare_ffs", "first_level_internal"), "2027-03-08T04:59:59.999Z");
  // Commercial: 180 days internal; external review 4 months (to 2 March).
  EXPECT_EQ(filing("commercial", "first_level_internal"), "2027-05-02T03:59:59.999Z");
  EXPECT_EQ(filing("commercial", "external_review"), "2027-03-03T04:59:59.999Z");
  // An actual receipt replaces the presumed one, and the rule says which counted.
  auto actual =
      clocks_.FilingDeadline(*rules_.Find("medicare_advantage")->Level("first_level_internal"),
                             notice, *ParseDate("2026-11-12"));
  EXPECT_EQ(FormatTimestamp(actual->at), "2027-01-12T04:59:59.999Z");
  EXPECT_EQ(actual->rule, "60 calendar days from receipt on 2026-11-12 (Reconsideration)");
  // Medicare Advantage's independent review is forwarded: nothing to file.
  EXPECT_FALSE(clocks_.FilingDeadline(*rules_.Find("medicare_advantage")->Level("external_review"),
                                      notice, std::nullopt));
  // A month later than the 31st lands on the month's last day.
  EXPECT_EQ(FormatTimestamp(clocks_.AfterDate(*ParseDate("2026-10-31"), {Span::Unit::kMonths, 4})),
            "2027-03-01T04:59:59.999Z");
}

TEST_F(DeadlinesTest, AppealDecisionClocksByKind) {
  const AppealLevel* recon = rules_.Find("medicare_advantage")->Level("first_level_internal");
  Timestamp filed = At("2026-11-02T14:00:00Z");
  EXPECT_EQ(FormatTimestamp(clocks_.After(filed, *recon->standard)), "2026-12-03T04:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(clocks_.After(filed, *recon->post_service)),
            "2027-01-02T04:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(clocks_.After(filed, *recon->part_b_drug)), "2026-11-10T04:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(clocks_.After(filed, *recon->expedited)), "2026-11-05T14:00:00.000Z");
  EXPECT_EQ(recon->standard->Describe(), "30 calendar days");
}

TEST(PayerRulesTest, BadRulesNameThePart) {
  nlohmann::json good = {
      {"version", "x"},
      {"product_types",
       {{"commercial",
         {{"prior_auth", {{"expedited", {{"hours", 72}}}, {"standard", {{"calendar_days", 15}}}}},
          {"appeals",
           {{{"level", "first_level_internal"},
             {"filing", {{"calendar_days", 180}}},
             {"decision",
              {{"expedited", {{"hours", 72}}}, {"standard", {{"calendar_days", 30}}}}}}}}}}}}};
  ASSERT_TRUE(PayerRules::Parse(good).ok()) << PayerRules::Parse(good).status().ToString();
  auto bad = good;
  bad["product_types"]["commercial"]["prior_auth"]["standard"] = {{"fortnights", 1}};
  EXPECT_EQ(PayerRules::Parse(bad).status().field(),
            "product_types.commercial.prior_auth.standard");
  bad = good;
  bad["product_types"]["commercial"]["appeals"][0]["level"] = "supreme_court";
  EXPECT_EQ(PayerRules::Parse(bad).status().field(), "product_types.commercial.appeals[0].level");
  bad = good;
  bad["product_types"]["commercial"]["appeals"][0]["filing"] = {{"calendar_days", -3}};
  EXPECT_EQ(PayerRules::Parse(bad).status().field(),
            "product_types.commercial.appeals[0].filing.calendar_days");
  bad = good;
  bad["product_types"]["commercial"]["colour"] = "blue";
  EXPECT_EQ(PayerRules::Parse(bad).status().field(), "product_types.commercial.colour");
}

}  // namespace
}  // namespace ck::insurance
