#include "transitions/trc.h"

#include <algorithm>
#include <chrono>

namespace ck::transitions {
namespace {

bool InWindow(Date d, Date from, Date to) {
  return std::chrono::sys_days{d} >= std::chrono::sys_days{from} &&
         std::chrono::sys_days{d} <= std::chrono::sys_days{to};
}

}  // namespace

const std::vector<std::string>& TrcComponents() {
  static const std::vector<std::string> c = {"admission_notification", "discharge_information",
                                             "patient_engagement", "medication_reconciliation"};
  return c;
}

bool IsTrcComponent(std::string_view component) {
  const auto& all = TrcComponents();
  return std::find(all.begin(), all.end(), component) != all.end();
}

std::vector<TrcComponent> EvaluateTrc(const Stay& stay, const std::vector<TrcEvidence>& evidence,
                                      Date today, const TimeZone& tz) {
  std::vector<TrcEvidence> sorted = evidence;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TrcEvidence& a, const TrcEvidence& b) { return a.at < b.at; });
  std::vector<TrcComponent> out;
  for (const std::string& name : TrcComponents()) {
    TrcComponent c;
    c.component = name;
    if (name == "admission_notification") {
      c.window_from = stay.admission_date;
      c.window_to = AddDays(stay.admission_date, 2);
    } else if (stay.discharge_date) {
      Date d = *stay.discharge_date;
      int first = name == "patient_engagement" ? 1 : 0;
      int last = name == "discharge_information" ? 2 : 30;
      c.window_from = AddDays(d, first);
      c.window_to = AddDays(d, last);
    }
    if (!c.window_from) {
      c.status = "pending";  // opens at discharge
      out.push_back(std::move(c));
      continue;
    }
    for (const TrcEvidence& e : sorted) {
      if (e.component != name) continue;
      if (InWindow(tz.LocalDate(e.at), *c.window_from, *c.window_to)) {
        c.status = "met";
        c.at = e.at;
        c.source = e.source;
        c.ref_id = e.ref_id;
        c.by = e.by;
        break;
      }
      if (!c.outside_window_at) c.outside_window_at = e.at;
    }
    if (c.status.empty())
      c.status = std::chrono::sys_days{today} > std::chrono::sys_days{*c.window_to} ? "not_met"
                                                                                    : "pending";
    out.push_back(std::move(c));
  }
  return out;
}

std::string OverallTrcStatus(const std::vector<TrcComponent>& components) {
  bool all_met = !components.empty();
  for (const TrcComponent& c : components) {
    if (c.status == "not_met") return "not_met";
    if (c.status != "met") all_met = false;
  }
  return all_met ? "met" : "pending";
}

}  // namespace ck::transitions
