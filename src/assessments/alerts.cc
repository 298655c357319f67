#include "assessments/alerts.h"

#include <spdlog/spdlog.h>

#include "audit/trail.h"

namespace ck::assessments {
namespace {

constexpr const char* kAlertColumns =
    "id, patient_id, case_id, assessment_id, kind, severity, reason, status, raised_at, "
    "acknowledged_by, acknowledged_at, resolved_by, resolved_at, resolution, version";

AlertRecord AlertFrom(const db::Row& r) {
  AlertRecord a;
  a.id = r.Int(0);
  a.patient_id = r.Int(1);
  a.case_id = r.OptInt(2);
  a.assessment_id = r.OptInt(3);
  a.kind = r.Text(4);
  a.severity = r.Text(5);
  a.reason = r.Text(6);
  a.status = r.Text(7);
  a.raised_at = r.Int(8);
  a.acknowledged_by = r.OptInt(9);
  a.acknowledged_at = r.OptInt(10);
  a.resolved_by = r.OptInt(11);
  a.resolved_at = r.OptInt(12);
  a.resolution = r.OptText(13);
  a.version = static_cast<int>(r.Int(14));
  return a;
}

Result<AlertRecord> GetAlert(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no such alert");
  return AlertFrom(rows.at(0));
}

// Crisis first, then high, then routine; oldest first within a severity.
constexpr const char* kAlertOrder =
    " ORDER BY CASE severity WHEN 'crisis' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, raised_at, id";

}  // namespace

Result<int64_t> RaiseAlert(db::Connection& c, const AlertRecord& a, int64_t raised_by,
                           Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO alerts (patient_id, case_id, assessment_id, kind, severity, reason, "
              "status, raised_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id",
              {a.patient_id, a.case_id, a.assessment_id, a.kind, a.severity, a.reason, now}));
  int64_t alert_id = rows.at(0).Int(0);

  std::optional<int64_t> assigned;
  if (a.case_id) {
    CK_ASSIGN_OR_RETURN(auto k,
                        c.Query("SELECT assigned_user_id FROM cases WHERE id = ?", {*a.case_id}));
    if (!k.empty()) assigned = k.at(0).OptInt(0);
  }
  int64_t responsible = assigned.value_or(raised_by);
  CK_ASSIGN_OR_RETURN(
      auto to, c.Query("SELECT s.id FROM users s JOIN users r ON r.team_id = s.team_id "
                       "WHERE r.id = ? AND s.role = 'supervisor' AND s.active = 1 ORDER BY s.id",
                       {responsible}));
  std::vector<int64_t> recipients;
  for (const db::Row& r : to) recipients.push_back(r.Int(0));
  if (recipients.empty()) {
    // No supervisor on the responsible team: those of the patient's care team's teams.
    CK_ASSIGN_OR_RETURN(
        auto wider,
        c.Query("SELECT DISTINCT s.id FROM care_team_members m JOIN users u ON u.id = m.user_id "
                "JOIN users s ON s.team_id = u.team_id WHERE m.patient_id = ? AND m.removed_at "
                "IS NULL AND s.role = 'supervisor' AND s.active = 1 ORDER BY s.id",
                {a.patient_id}));
    for (const db::Row& r : wider) recipients.push_back(r.Int(0));
  }
  if (assigned && *assigned != raised_by) recipients.push_back(*assigned);
  std::string message = a.severity + " alert (" + a.kind + ") raised: " + a.reason;
  bool told_someone = false;
  for (int64_t user : recipients) {
    if (user == raised_by) continue;
    told_someone = true;
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO notifications (user_id, kind, message, patient_id, "
                              "alert_id, created_at) VALUES (?, 'alert', ?, ?, ?, ?)",
                              {user, message, a.patient_id, alert_id, now})
                           .status());
  }
  if (!told_someone)
    spdlog::warn("{} alert {} raised with no supervisor to notify; check team assignments",
                 a.severity, alert_id);
  return alert_id;
}

Result<int64_t> PatientOfAlert(db::Connection& c, int64_t alert_id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT patient_id FROM alerts WHERE id = ?", {alert_id}));
  if (rows.empty()) return NotFound("no such alert");
  return rows.at(0).Int(0);
}

Result<std::vector<AlertRecord>> Alerts::ForPatient(const auth::Actor& actor, int64_t patient_id) {
  std::vector<AlertRecord> out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kAlertColumns +
                                               " FROM alerts WHERE patient_id = ?" + kAlertOrder,
                                           {patient_id}));
    for (const db::Row& r : rows) out.push_back(AlertFrom(r));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "alert.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<std::vector<AlertRecord>> Alerts::Open(const auth::Principal& who,
                                              const auth::Actor& actor) {
  std::string scope;
  db::Params params;
  if (who.role == auth::Role::kSupervisor) {
    if (!who.team_id) return std::vector<AlertRecord>{};
    scope =
        "SELECT m.patient_id FROM care_team_members m JOIN users u ON u.id = m.user_id "
        "WHERE u.team_id = ? AND m.removed_at IS NULL";
    params.push_back(*who.team_id);
  } else {
    scope = "SELECT patient_id FROM care_team_members WHERE user_id = ? AND removed_at IS NULL";
    params.push_back(who.user_id);
  }
  std::vector<AlertRecord> out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    out.clear();  // a retried write starts again
    CK_ASSIGN_OR_RETURN(auto rows,
                        c.Query(std::string("SELECT ") + kAlertColumns +
                                    " FROM alerts WHERE status <> 'resolved' AND patient_id IN (" +
                                    scope + ")" + kAlertOrder + " LIMIT 500",
                                params));
    for (const db::Row& r : rows) {
      out.push_back(AlertFrom(r));
      CK_RETURN_IF_ERROR(
          audit::Append(c, audit::EventBy(actor, now, "alert.worklist", "alert",
                                          std::to_string(out.back().id), out.back().patient_id)));
    }
    return Status::Ok();
  }));
  return out;
}

Result<AlertRecord> Alerts::Acknowledge(const auth::Principal& who, const auth::Actor& actor,
                                        int64_t alert_id, int expected_version) {
  Timestamp now = clock_.Now();
  AlertRecord out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(AlertRecord a, GetAlert(c, alert_id));
    if (a.version != expected_version)
      return Conflict("the alert changed since version " + std::to_string(expected_version),
                      "version");
    if (a.status != "open") return FailedPrecondition("the alert is already " + a.status);
    CK_RETURN_IF_ERROR(c.Exec("UPDATE alerts SET status = 'acknowledged', acknowledged_by = ?, "
                              "acknowledged_at = ?, version = version + 1 WHERE id = ?",
                              {who.user_id, now, alert_id})
                           .status());
    CK_ASSIGN_OR_RETURN(out, GetAlert(c, alert_id));
    return audit::Append(c, audit::EventBy(actor, now, "alert.acknowledge", "alert",
                                           std::to_string(alert_id), a.patient_id));
  }));
  return out;
}

Result<AlertRecord> Alerts::Resolve(const auth::Principal& who, const auth::Actor& actor,
                                    int64_t alert_id, const std::string& resolution,
                                    int expected_version) {
  if (resolution.empty() || resolution.size() > 2000)
    return InvalidArgument("say what was done (1 to 2000 bytes)", "resolution");
  Timestamp now = clock_.Now();
  AlertRecord out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(AlertRecord a, GetAlert(c, alert_id));
    if (a.version != expected_version)
      return Conflict("the alert changed since version " + std::to_string(expected_version),
                      "version");
    if (a.status == "resolved") return FailedPrecondition("the alert is already resolved");
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE alerts SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
               "resolution = ?, acknowledged_by = COALESCE(acknowledged_by, ?), "
               "acknowledged_at = COALESCE(acknowledged_at, ?), version = version + 1 WHERE id = ?",
               {who.user_id, now, resolution, who.user_id, now, alert_id})
            .status());
    CK_ASSIGN_OR_RETURN(out, GetAlert(c, alert_id));
    return audit::Append(c, audit::EventBy(actor, now, "alert.resolve", "alert",
                                           std::to_string(alert_id), a.patient_id));
  }));
  return out;
}

Result<std::vector<Notification>> Alerts::Notifications(const auth::Principal& who,
                                                        const auth::Actor& actor,
                                                        bool unread_only) {
  std::vector<Notification> out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    out.clear();  // a retried write starts again
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT id, kind, message, patient_id, alert_id, created_at, read_at "
                            "FROM notifications WHERE user_id = ?") +
                    (unread_only ? " AND read_at IS NULL" : "") + " ORDER BY id DESC LIMIT 200",
                {who.user_id}));
    for (const db::Row& r : rows) {
      out.push_back(
          {r.Int(0), r.Text(1), r.Text(2), r.OptInt(3), r.OptInt(4), r.Int(5), r.OptInt(6)});
      if (out.back().patient_id)  // a notification names a patient: a disclosure
        CK_RETURN_IF_ERROR(
            audit::Append(c, audit::EventBy(actor, now, "notification.list", "notification",
                                            std::to_string(out.back().id), out.back().patient_id)));
    }
    return Status::Ok();
  }));
  return out;
}

Status Alerts::MarkRead(const auth::Principal& who, int64_t id) {
  Timestamp now = clock_.Now();
  return db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(int64_t n, c.Exec("UPDATE notifications SET read_at = COALESCE(read_at, ?) "
                                          "WHERE id = ? AND user_id = ?",
                                          {now, id, who.user_id}));
    if (n == 0) return NotFound("no such notification");
    return Status::Ok();
  });
}

}  // namespace ck::assessments
