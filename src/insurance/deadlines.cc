#include "insurance/deadlines.h"

namespace ck::insurance {
namespace {

Date AddMonths(Date d, int months) {
  std::chrono::year_month ym =
      std::chrono::year_month(d.year(), d.month()) + std::chrono::months(months);
  auto last = std::chrono::year_month_day_last(ym.year(), std::chrono::month_day_last(ym.month()));
  std::chrono::day day = d.day() > last.day() ? last.day() : d.day();
  return Date(ym.year(), ym.month(), day);
}

}  // namespace

Timestamp Deadlines::After(Timestamp start, const Span& span) const {
  if (span.unit == Span::Unit::kHours)
    return start + static_cast<Timestamp>(span.amount) * kMillisPerHour;
  return AfterDate(tz_.LocalDate(start), span);
}

Timestamp Deadlines::AfterDate(Date start, const Span& span) const {
  switch (span.unit) {
    case Span::Unit::kHours:
      return tz_.FromLocal(start, 0) + static_cast<Timestamp>(span.amount) * kMillisPerHour;
    case Span::Unit::kCalendarDays:
      return tz_.EndOfLocalDay(AddDays(start, span.amount));
    case Span::Unit::kBusinessDays:
      return tz_.EndOfLocalDay(calendar_.AddBusinessDays(start, span.amount));
    case Span::Unit::kMonths:
      return tz_.EndOfLocalDay(AddMonths(start, span.amount));
  }
  return 0;
}

std::optional<Deadlines::Due> Deadlines::FilingDeadline(const AppealLevel& level, Date notice,
                                                        std::optional<Date> received) const {
  if (!level.filing) return std::nullopt;
  Date from = notice;
  std::string basis = "the notice of " + FormatDate(notice);
  if (level.filing_from == "receipt") {
    if (received) {
      from = *received;
      basis = "receipt on " + FormatDate(*received);
    } else {
      from = AddDays(notice, level.presumed_receipt_days);
      basis = "receipt presumed " + std::to_string(level.presumed_receipt_days) +
              " days after the notice of " + FormatDate(notice);
    }
  }
  return Due{AfterDate(from, *level.filing),
             level.filing->Describe() + " from " + basis + " (" + level.name + ")"};
}

}  // namespace ck::insurance
