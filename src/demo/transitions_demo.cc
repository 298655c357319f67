// The demo's transitions of care: a heart-failure patient in hospital now
// with a discharge plan under way, one discharged five days ago whose TRC is
// partly met, and one readmitted 12 days after a discharge. All synthetic.
#include "demo/demo_data.h"
#include "transitions/readmissions.h"

namespace ck::demo {
namespace {

struct OpenCase {
  int64_t case_id, patient_id, user_id;
  std::string username;
};

}  // namespace

Status SeedTransitions(db::Database& db, transitions::Service& transitions,
                       patients::ClinicalRecords& clinical, const Clock& clock) {
  Timestamp now = clock.Now();
  // The stays Seed() wrote directly get their flags first.
  CK_RETURN_IF_ERROR(transitions::RecomputeAllStays(db, transitions.time_zone(), now).status());
  std::vector<OpenCase> open;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    open.clear();
    return c.ForEachRow(
        "SELECT k.id, k.patient_id, u.id, u.username FROM cases k JOIN users u ON u.id = "
        "k.assigned_user_id WHERE k.status IN ('assessment', 'planning', 'active', "
        "'transition') AND NOT EXISTS (SELECT 1 FROM encounters e WHERE e.patient_id = "
        "k.patient_id) ORDER BY k.id LIMIT 3",
        {}, [&](const db::Row& r) {
          open.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3)});
          return Status::Ok();
        });
  }));
  if (open.size() < 3) return Status::Ok();  // a tiny demo caseload: nothing to tell
  const patients::RecordKind& encounters = *patients::FindRecordKind("encounters");
  auto as = [](const OpenCase& k) {
    auth::Principal who;
    who.user_id = k.user_id;
    who.username = k.username;
    who.role = auth::Role::kCaseManager;
    return who;
  };
  // Noon on the organisation's day so many days ago: the stays' local days (and
  // so the 12 days between discharge and readmission) do not depend on the
  // hour the demo is made, nor on a daylight-saving change in between.
  const TimeZone& tz = transitions.time_zone();
  auto noon = [&](int days_ago) {
    return tz.FromLocal(AddDays(tz.LocalDate(now), -days_ago), 12 * kMillisPerHour);
  };
  auto stay = [&](const OpenCase& k, const auth::Actor& actor, int admitted_days_ago,
                  std::optional<int> discharged_days_ago, const char* disposition,
                  const std::string& visit) -> Result<patients::Record> {
    std::map<std::string, db::Value> f = {
        {"encounter_class", std::string("inpatient")},
        {"facility", std::string("Riverside General Hospital")},
        {"visit_number", visit},
        {"admitted_at", noon(admitted_days_ago)},
        {"admission_type", std::string("emergency")},
        {"diagnoses", std::string("I50.23")},
        {"status", std::string(discharged_days_ago ? "finished" : "in_progress")}};
    if (discharged_days_ago) {
      f["discharged_at"] = noon(*discharged_days_ago);
      f["discharge_disposition"] = std::string(disposition);
    }
    return clinical.Create(actor, k.patient_id, encounters, f);
  };
  const Date today = transitions.time_zone().LocalDate(now);
  auto day = [&](int offset) {
    return FormatDate(Date(std::chrono::sys_days{today} + std::chrono::days{offset}));
  };

  // 1. In hospital since two days ago, going home with home health tomorrow.
  {
    const OpenCase& k = open[0];
    auth::Principal who = as(k);
    auth::Actor actor = auth::Actor::From(who, "demo-seed");
    CK_ASSIGN_OR_RETURN(patients::Record e, stay(k, actor, 2, std::nullopt, "", "RGH-D-1001"));
    transitions::NewPlan n;
    n.disposition = "home_health";
    n.expected_discharge_date = day(1);
    n.case_id = k.case_id;
    n.note = "Goes home to her daughter's; home health for daily weights and diuretic checks.";
    transitions::ItemChange dme;
    dme.item = "dme";
    dme.status = "in_progress";
    dme.set_responsible = true;
    dme.responsible_name = "Pat Lee";
    dme.responsible_role = "hospital discharge planner";
    dme.note = "Shower chair and scale ordered";
    transitions::ItemChange caregiver;
    caregiver.item = "caregiver_briefed";
    caregiver.status = "done";
    caregiver.set_responsible = true;
    caregiver.responsible_user_id = k.user_id;
    n.items = {dme, caregiver};
    CK_RETURN_IF_ERROR(transitions.CreatePlan(who, actor, e.id, n).status());
  }
  // 2. Discharged home five days ago: notified of the admission and the
  // discharge information received; the call and the reconciliation are due.
  {
    const OpenCase& k = open[1];
    auth::Principal who = as(k);
    auth::Actor actor = auth::Actor::From(who, "demo-seed");
    CK_ASSIGN_OR_RETURN(patients::Record e, stay(k, actor, 9, 5, "home", "RGH-D-1002"));
    CK_RETURN_IF_ERROR(transitions
                           .DocumentTrc(who, actor, e.id,
                                        {"admission_notification", now - 8 * kMillisPerDay,
                                         "Riverside General case management",
                                         "Phone call from the hospital the morning after"})
                           .status());
    CK_RETURN_IF_ERROR(transitions
                           .DocumentTrc(who, actor, e.id,
                                        {"discharge_information", noon(5) + 2 * kMillisPerHour,
                                         std::nullopt, "Discharge summary received by fax"})
                           .status());
  }
  // 3. Readmitted 12 days after a discharge.
  {
    const OpenCase& k = open[2];
    auth::Principal who = as(k);
    auth::Actor actor = auth::Actor::From(who, "demo-seed");
    CK_RETURN_IF_ERROR(stay(k, actor, 40, 35, "home", "RGH-D-1003").status());
    CK_RETURN_IF_ERROR(stay(k, actor, 23, 19, "home_health", "RGH-D-1004").status());
  }
  return Status::Ok();
}

}  // namespace ck::demo
