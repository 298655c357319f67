#include "transitions/readmissions.h"

#include <algorithm>
#include <chrono>

namespace ck::transitions {
namespace {

int DaysBetween(Date from, Date to) {
  return static_cast<int>((std::chrono::sys_days{to} - std::chrono::sys_days{from}).count());
}

constexpr const char* kStayColumns =
    "first_encounter_id, last_encounter_id, patient_id, encounter_count, facility, admitted_at, "
    "admission_date, discharged_at, discharge_date, discharge_disposition, index_discharge, "
    "readmission_of, days_after_discharge, planned, planned_basis, counted, readmitted_by";

Result<Stay> StayFromRow(const db::Row& r) {
  Stay s;
  s.first_encounter_id = r.Int(0);
  s.last_encounter_id = r.Int(1);
  s.patient_id = r.Int(2);
  s.encounter_count = static_cast<int>(r.Int(3));
  s.facility = r.Text(4);
  s.admitted_at = r.Int(5);
  CK_ASSIGN_OR_RETURN(s.admission_date, ParseDate(r.Text(6), "admission_date"));
  s.discharged_at = r.OptInt(7);
  if (!r.IsNull(8)) {
    CK_ASSIGN_OR_RETURN(s.discharge_date, ParseDate(r.Text(8), "discharge_date"));
  }
  s.discharge_disposition = r.OptText(9);
  s.index_discharge = r.Int(10) != 0;
  s.readmission_of = r.OptInt(11);
  if (!r.IsNull(12)) s.days_after_discharge = static_cast<int>(r.Int(12));
  s.planned = r.Int(13) != 0;
  s.planned_basis = r.OptText(14);
  s.counted = r.Int(15) != 0;
  s.readmitted_by = r.OptInt(16);
  return s;
}

}  // namespace

std::vector<Stay> FlagStays(std::vector<EncounterFacts> encounters, const TimeZone& tz) {
  // Acute inpatient admissions that happened: cancelled, entered-in-error and
  // preadmitted ("planned" status) encounters never count and never index.
  encounters.erase(std::remove_if(encounters.begin(), encounters.end(),
                                  [](const EncounterFacts& e) {
                                    return e.encounter_class != "inpatient" ||
                                           (e.status != "in_progress" && e.status != "finished");
                                  }),
                   encounters.end());
  std::sort(encounters.begin(), encounters.end(),
            [](const EncounterFacts& a, const EncounterFacts& b) {
              return a.admitted_at != b.admitted_at ? a.admitted_at < b.admitted_at : a.id < b.id;
            });
  std::vector<Stay> stays;
  const EncounterFacts* last = nullptr;  // the last encounter of stays.back()
  for (const EncounterFacts& e : encounters) {
    Date admitted = tz.LocalDate(e.admitted_at);
    bool transfer = false;
    if (last && last->discharged_at && last->discharge_disposition == "transferred" &&
        *last->discharged_at <= e.admitted_at) {
      int gap = DaysBetween(tz.LocalDate(*last->discharged_at), admitted);
      transfer = gap == 0 || gap == 1;
    }
    if (transfer) {
      Stay& s = stays.back();
      s.last_encounter_id = e.id;
      ++s.encounter_count;
      s.discharged_at = e.discharged_at;
      s.discharge_disposition = e.discharge_disposition;
      last = &e;
      continue;
    }
    Stay s;
    s.first_encounter_id = e.id;
    s.last_encounter_id = e.id;
    s.patient_id = e.patient_id;
    s.facility = e.facility;
    s.admitted_at = e.admitted_at;
    s.admission_date = admitted;
    s.discharged_at = e.discharged_at;
    s.discharge_disposition = e.discharge_disposition;
    if (e.planned_flag) {
      s.planned = *e.planned_flag;
      if (s.planned) s.planned_basis = "flagged";
    } else if (e.admission_type == "elective") {
      s.planned = true;
      s.planned_basis = "elective";
    }
    stays.push_back(std::move(s));
    last = &e;
  }
  for (Stay& s : stays) {
    if (s.discharged_at) s.discharge_date = tz.LocalDate(*s.discharged_at);
    s.index_discharge = s.discharged_at.has_value() && s.discharge_disposition != "expired";
  }
  // Each stay against the latest earlier discharge that opened a window.
  for (size_t k = 1; k < stays.size(); ++k) {
    Stay& s = stays[k];
    Stay* index = nullptr;
    for (size_t j = 0; j < k; ++j) {
      Stay& p = stays[j];
      if (!p.index_discharge || *p.discharged_at > s.admitted_at) continue;
      if (!index || *p.discharged_at >= *index->discharged_at) index = &p;
    }
    if (!index) continue;
    int days = DaysBetween(*index->discharge_date, s.admission_date);
    if (days < 0 || days > kReadmissionWindowDays) continue;
    s.readmission_of = index->first_encounter_id;
    s.days_after_discharge = days;
    s.counted = !s.planned;
    if (s.counted && !index->readmitted_by) index->readmitted_by = s.first_encounter_id;
  }
  return stays;
}

Status RecomputeStays(db::Connection& c, int64_t patient_id, const TimeZone& tz, Timestamp now) {
  std::vector<EncounterFacts> facts;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT e.id, e.patient_id, e.encounter_class, e.status, e.facility, e.admitted_at, "
      "e.discharged_at, e.admission_type, e.discharge_disposition, p.planned FROM encounters e "
      "LEFT JOIN admission_planning p ON p.encounter_id = e.id WHERE e.patient_id = ? AND "
      "e.encounter_class = 'inpatient'",
      {patient_id}, [&](const db::Row& r) {
        EncounterFacts f;
        f.id = r.Int(0);
        f.patient_id = r.Int(1);
        f.encounter_class = r.Text(2);
        f.status = r.Text(3);
        f.facility = r.Text(4);
        f.admitted_at = r.Int(5);
        f.discharged_at = r.OptInt(6);
        f.admission_type = r.OptText(7);
        f.discharge_disposition = r.OptText(8);
        if (!r.IsNull(9)) f.planned_flag = r.Int(9) != 0;
        facts.push_back(std::move(f));
        return Status::Ok();
      }));
  // Rows of encounters that moved to another patient (a merge) go too.
  CK_RETURN_IF_ERROR(c.Exec("DELETE FROM acute_stays WHERE patient_id = ? OR first_encounter_id "
                            "IN (SELECT id FROM encounters WHERE patient_id = ?)",
                            {patient_id, patient_id})
                         .status());
  std::vector<Stay> stays = FlagStays(std::move(facts), tz);
  // Readmissions point at earlier stays: insert in order, the references after.
  for (const Stay& s : stays) {
    db::Value discharged = s.discharged_at ? db::Value(*s.discharged_at) : db::Value();
    db::Value discharge_date =
        s.discharge_date ? db::Value(FormatDate(*s.discharge_date)) : db::Value();
    db::Value days = s.days_after_discharge
                         ? db::Value(static_cast<int64_t>(*s.days_after_discharge))
                         : db::Value();
    CK_RETURN_IF_ERROR(
        c.Exec("INSERT INTO acute_stays (first_encounter_id, last_encounter_id, patient_id, "
               "encounter_count, facility, admitted_at, admission_date, discharged_at, "
               "discharge_date, discharge_disposition, index_discharge, days_after_discharge, "
               "planned, planned_basis, counted, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
               "?, ?, ?, ?, ?, ?, ?)",
               {s.first_encounter_id, s.last_encounter_id, patient_id,
                static_cast<int64_t>(s.encounter_count), s.facility, s.admitted_at,
                FormatDate(s.admission_date), discharged, discharge_date, s.discharge_disposition,
                s.index_discharge, days, s.planned, s.planned_basis, s.counted, now})
            .status());
  }
  for (const Stay& s : stays) {
    if (!s.readmission_of && !s.readmitted_by) continue;
    CK_RETURN_IF_ERROR(c.Exec("UPDATE acute_stays SET readmission_of = ?, readmitted_by = ? "
                              "WHERE first_encounter_id = ?",
                              {s.readmission_of, s.readmitted_by, s.first_encounter_id})
                           .status());
  }
  return Status::Ok();
}

Result<int64_t> RecomputeAllStays(db::Database& db, const TimeZone& tz, Timestamp now) {
  std::vector<int64_t> patients;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) {
    patients.clear();
    return c.ForEachRow(
        "SELECT DISTINCT patient_id FROM encounters WHERE encounter_class = 'inpatient' ORDER BY "
        "patient_id",
        {}, [&](const db::Row& r) {
          patients.push_back(r.Int(0));
          return Status::Ok();
        });
  }));
  CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
    for (int64_t p : patients) CK_RETURN_IF_ERROR(RecomputeStays(c, p, tz, now));
    return Status::Ok();
  }));
  return static_cast<int64_t>(patients.size());
}

Result<ReadmissionCounts> CountReadmissions(db::Connection& c, Date from, Date to, Date today) {
  if (std::chrono::sys_days{to} < std::chrono::sys_days{from})
    return InvalidArgument("must not be before from", "to");
  ReadmissionCounts n;
  n.from = from;
  n.to = to;
  // The last discharge date whose 30 days have all passed by yesterday.
  Date closed(std::chrono::sys_days{today} - std::chrono::days{kReadmissionWindowDays + 1});
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT COUNT(*), "
              "SUM(CASE WHEN i.readmitted_by IS NOT NULL THEN 1 ELSE 0 END), "
              "SUM(CASE WHEN i.readmitted_by IS NULL AND EXISTS (SELECT 1 FROM acute_stays r "
              "WHERE r.readmission_of = i.first_encounter_id AND r.planned = 1) THEN 1 ELSE 0 "
              "END), "
              "SUM(CASE WHEN i.discharge_date > ? THEN 1 ELSE 0 END) "
              "FROM acute_stays i WHERE i.index_discharge = 1 AND i.discharge_date >= ? AND "
              "i.discharge_date <= ?",
              {FormatDate(closed), FormatDate(from), FormatDate(to)}));
  const db::Row& r = rows.at(0);
  n.index_discharges = r.Int(0);
  n.readmissions = r.IsNull(1) ? 0 : r.Int(1);
  n.planned_readmissions = r.IsNull(2) ? 0 : r.Int(2);
  n.window_open = r.IsNull(3) ? 0 : r.Int(3);
  n.rate = n.index_discharges == 0
               ? 0.0
               : static_cast<double>(n.readmissions) / static_cast<double>(n.index_discharges);
  return n;
}

Result<std::vector<Stay>> LoadStays(db::Connection& c, int64_t patient_id) {
  std::vector<Stay> out;
  CK_RETURN_IF_ERROR(c.ForEachRow(std::string("SELECT ") + kStayColumns +
                                      " FROM acute_stays WHERE patient_id = ? ORDER BY "
                                      "admitted_at, first_encounter_id",
                                  {patient_id}, [&](const db::Row& r) -> Status {
                                    CK_ASSIGN_OR_RETURN(Stay s, StayFromRow(r));
                                    out.push_back(std::move(s));
                                    return Status::Ok();
                                  }));
  return out;
}

Result<Stay> StayOfEncounter(db::Connection& c, int64_t encounter_id) {
  CK_ASSIGN_OR_RETURN(auto enc, c.Query("SELECT patient_id, admitted_at, encounter_class, status "
                                        "FROM encounters WHERE id = ?",
                                        {encounter_id}));
  if (enc.empty()) return NotFound("no encounter " + std::to_string(encounter_id), "encounter_id");
  auto not_a_stay = NotFound("encounter " + std::to_string(encounter_id) +
                                 " is not an acute inpatient stay (inpatient, admitted, not "
                                 "cancelled)",
                             "encounter_id");
  const std::string status = enc.at(0).Text(3);
  if (enc.at(0).Text(2) != "inpatient" || (status != "in_progress" && status != "finished"))
    return not_a_stay;
  Timestamp admitted = enc.at(0).Int(1);
  CK_ASSIGN_OR_RETURN(std::vector<Stay> stays, LoadStays(c, enc.at(0).Int(0)));
  for (const Stay& s : stays)
    if (s.first_encounter_id == encounter_id || s.last_encounter_id == encounter_id) return s;
  // A transfer in the middle of a stay.
  for (const Stay& s : stays)
    if (admitted >= s.admitted_at && (!s.discharged_at || admitted <= *s.discharged_at)) return s;
  return not_a_stay;
}

}  // namespace ck::transitions
