#include "patients/timeline.h"

#include <algorithm>

#include "audit/trail.h"

namespace ck::patients {
namespace {

// One SELECT per event type, each giving (at, type, summary, case_id, ref_kind,
// ref_id) for patient `?`. Text is assembled here, not in SQL, to stay portable.
struct Source {
  const char* type;
  const char* sql;
};

constexpr Source kSources[] = {
    {"case_status",
     "SELECT s.changed_at, s.from_status, s.to_status, s.reason, s.case_id, s.case_id, s.id FROM "
     "case_status_changes s "
     "WHERE s.patient_id = ?"},
    {"assignment",
     "SELECT a.assigned_at, u.display_name, a.reason, NULL, a.case_id, a.case_id, a.id FROM "
     "case_assignments a "
     "JOIN users u ON u.id = a.user_id WHERE a.patient_id = ?"},
    {"note",
     "SELECT COALESCE(n.signed_at, n.created_at), n.note_type, n.status, NULL, n.case_id, n.id, "
     "n.id "
     "FROM case_notes n "
     "WHERE n.patient_id = ?"},
    {"contact",
     "SELECT c.contact_at, c.method, c.outcome, c.party, c.case_id, c.id, c.id FROM case_contacts "
     "c "
     "WHERE c.patient_id = ?"},
    // With its status and, for an acute inpatient admission, its 30-day
    // readmission flag (transitions' acute_stays).
    {"admission",
     "SELECT e.admitted_at, e.encounter_class, e.facility, NULL, NULL, e.id, e.id, e.status, "
     "s.days_after_discharge, s.counted FROM encounters e LEFT JOIN acute_stays s ON "
     "s.first_encounter_id = e.id AND s.readmission_of IS NOT NULL "
     "WHERE e.patient_id = ? "
     "AND e.status <> 'entered_in_error'"},
    {"discharge",
     "SELECT e.discharged_at, e.encounter_class, e.facility, e.discharge_disposition, NULL, e.id, "
     "e.id "
     "FROM encounters e "
     "WHERE e.patient_id = ? AND e.discharged_at IS NOT NULL AND e.status <> 'entered_in_error'"},
    {"condition",
     "SELECT c.created_at, c.code, c.description, c.status, NULL, c.id, c.id FROM conditions c "
     "WHERE "
     "c.patient_id = ? AND "
     "c.status <> 'entered_in_error'"},
    {"assessment",
     "SELECT a.completed_at, a.instrument_id, a.band, a.score, a.case_id, a.id, a.id FROM "
     "assessments a WHERE a.patient_id = ? AND a.status = 'completed'"},
    {"alert",
     "SELECT a.raised_at, a.kind, a.severity, a.status, a.case_id, a.id, a.id FROM alerts a "
     "WHERE a.patient_id = ?"},
};

std::string Text(const db::Row& r, size_t i) { return r.IsNull(i) ? "" : r.Text(i); }

std::string Summarise(std::string_view type, const db::Row& r) {
  if (type == "case_status") {
    std::string s =
        r.IsNull(1) ? "Case opened: " + Text(r, 2) : "Case " + Text(r, 1) + " → " + Text(r, 2);
    return r.IsNull(3) ? s : s + " (" + Text(r, 3) + ")";
  }
  if (type == "assignment")
    return "Assigned to " + Text(r, 1) + (r.IsNull(2) ? "" : " (" + Text(r, 2) + ")");
  if (type == "note") return (Text(r, 2) == "signed" ? "Signed " : "Draft ") + Text(r, 1) + " note";
  if (type == "contact") return Text(r, 1) + " with " + Text(r, 3) + ": " + Text(r, 2);
  if (type == "admission") {
    std::string s = Text(r, 1) + " admission at " + Text(r, 2);
    if (Text(r, 7) == "cancelled") return s + " (cancelled)";
    if (Text(r, 7) == "planned") return s + " (planned)";
    if (!r.IsNull(8))
      s += std::string(r.Int(9) != 0 ? " — readmission " : " — planned readmission ") +
           std::to_string(r.Int(8)) + " days after the last discharge";
    return s;
  }
  if (type == "discharge")
    return "Discharged from " + Text(r, 2) + (r.IsNull(3) ? "" : " to " + Text(r, 3));
  if (type == "condition")
    return "Condition " + Text(r, 1) + (r.IsNull(2) ? "" : " " + Text(r, 2)) + " (" + Text(r, 3) +
           ")";
  if (type == "assessment") {
    std::string score;
    if (!r.IsNull(3)) {
      double v = r.Real(3);
      score = "score " + (v == static_cast<double>(static_cast<int64_t>(v))
                              ? std::to_string(static_cast<int64_t>(v))
                              : std::to_string(v));
    }
    std::string band = Text(r, 2);
    std::string detail = band.empty() ? score : score.empty() ? band : band + ", " + score;
    return "Assessment " + Text(r, 1) + " completed" + (detail.empty() ? "" : ": " + detail);
  }
  if (type == "alert") return Text(r, 2) + " alert: " + Text(r, 1) + " (" + Text(r, 3) + ")";
  return std::string(type);
}

const char* RefKind(std::string_view type) {
  if (type == "case_status" || type == "assignment") return "case";
  if (type == "admission" || type == "discharge") return "encounter";
  if (type == "note") return "note";
  if (type == "contact") return "contact";
  if (type == "assessment") return "assessment";
  if (type == "alert") return "alert";
  return "condition";
}

}  // namespace

// Timeline order: newest first; ties by type, then by id (newest first).
bool Before(const TimelineEvent& a, const TimelineEvent& b) {
  if (a.at != b.at) return a.at > b.at;
  if (a.type != b.type) return a.type < b.type;
  return a.seq > b.seq;
}

std::string CursorOf(const TimelineEvent& e) {
  return std::to_string(e.at) + "." + e.type + "." + std::to_string(e.seq);
}

Result<TimelineEvent> ParseCursor(const std::string& cursor) {
  size_t a = cursor.find('.'), b = cursor.rfind('.');
  if (a == std::string::npos || b == a)
    return InvalidArgument("is not a cursor this server gave", "cursor");
  TimelineEvent e;
  try {
    e.at = std::stoll(cursor.substr(0, a));
    e.seq = std::stoll(cursor.substr(b + 1));
  } catch (const std::exception&) {
    return InvalidArgument("is not a cursor this server gave", "cursor");
  }
  e.type = cursor.substr(a + 1, b - a - 1);
  return e;
}

const std::vector<std::string>& TimelineTypes() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> v;
    for (const Source& s : kSources) v.emplace_back(s.type);
    return v;
  }();
  return types;
}

Result<std::vector<TimelineEvent>> ReadTimeline(db::Database& db, const Clock& clock,
                                                const auth::Actor& actor, int64_t patient_id,
                                                const TimelineQuery& q) {
  for (const std::string& t : q.types) {
    if (std::find(TimelineTypes().begin(), TimelineTypes().end(), t) == TimelineTypes().end()) {
      std::string list;
      for (const auto& x : TimelineTypes()) list += (list.empty() ? "" : ", ") + x;
      return InvalidArgument("each must be one of " + list, "types");
    }
  }
  if (q.limit < 1 || q.limit > 500) return InvalidArgument("must be between 1 and 500", "limit");
  std::optional<TimelineEvent> after;
  if (q.cursor) {
    CK_ASSIGN_OR_RETURN(after, ParseCursor(*q.cursor));
  }
  std::vector<TimelineEvent> out;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    for (const Source& s : kSources) {
      if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), s.type) == q.types.end())
        continue;
      // One patient's events number in the hundreds: each source is read whole
      // (by its patient index), filtered and merged here.
      CK_RETURN_IF_ERROR(c.ForEachRow(s.sql, {patient_id}, [&](const db::Row& r) {
        Timestamp at = r.Int(0);
        if (q.from && at < *q.from) return Status::Ok();
        if (q.before && at >= *q.before) return Status::Ok();
        TimelineEvent e{at,       s.type,  Summarise(s.type, r), r.OptInt(4), RefKind(s.type),
                        r.Int(5), r.Int(6)};
        if (after && !Before(*after, e)) return Status::Ok();
        out.push_back(std::move(e));
        return Status::Ok();
      }));
    }
    return Status::Ok();
  }));
  std::sort(out.begin(), out.end(), Before);
  if (out.size() > static_cast<size_t>(q.limit)) out.resize(static_cast<size_t>(q.limit));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db, audit::EventBy(actor, clock.Now(), "timeline.read", "patient",
                                          std::to_string(patient_id), patient_id)));
  return out;
}

}  // namespace ck::patients
