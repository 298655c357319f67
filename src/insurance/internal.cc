#include "insurance/internal.h"

#include "core/strings.h"
#include "tasks/service.h"

namespace ck::insurance::internal {

Result<std::optional<int64_t>> OptInteger(const Json& body, const char* field, int64_t lo,
                                          int64_t hi) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<int64_t>();
  if (!body[field].is_number_integer() || body[field].get<int64_t>() < lo ||
      body[field].get<int64_t>() > hi)
    return InvalidArgument(
        "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi), field);
  return std::optional<int64_t>(body[field].get<int64_t>());
}

Result<std::optional<Date>> OptDate(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<Date>();
  if (!body[field].is_string()) return InvalidArgument("must be a date YYYY-MM-DD", field);
  CK_ASSIGN_OR_RETURN(Date d, ParseDate(body[field].get<std::string>(), field));
  return std::optional<Date>(d);
}

Result<Json> LoadAuthorization(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT id, patient_id, case_id, coverage_id, payer, product_type, urgency, status, "
              "requesting_provider, servicing_provider, diagnosis_codes, clinical_summary, "
              "payer_reference, submitted_at, received_at, decision_due_at, decision_due_rule, "
              "extended, decided_at, decided_within_time, denial_reason, denial_code, "
              "approved_from, approved_to, approved_on_appeal, appeal_deadline, created_at, "
              "updated_at, version, clock_paused_at FROM prior_authorizations WHERE id = ?",
              {id}));
  if (rows.empty()) return NotFound("no authorization " + std::to_string(id), "authorization_id");
  const db::Row& r = rows.at(0);
  Json dx = Json::array();
  std::string all = r.Text(10);
  for (size_t s = 0; s < all.size();) {
    size_t comma = all.find(',', s);
    if (comma == std::string::npos) comma = all.size();
    dx.push_back(all.substr(s, comma - s));
    s = comma + 1;
  }
  Json a = {{"id", r.Int(0)},
            {"patient_id", r.Int(1)},
            {"case_id", OptInt(r.OptInt(2))},
            {"coverage_id", r.Int(3)},
            {"payer", r.Text(4)},
            {"product_type", r.Text(5)},
            {"urgency", r.Text(6)},
            {"status", r.Text(7)},
            {"requesting_provider", r.Text(8)},
            {"servicing_provider", Opt(r.OptText(9))},
            {"diagnosis_codes", dx},
            {"clinical_summary", Opt(r.OptText(11))},
            {"payer_reference", Opt(r.OptText(12))},
            {"submitted_at", OptTime(r.OptInt(13))},
            {"received_at", OptTime(r.OptInt(14))},
            {"decision_due_at", OptTime(r.OptInt(15))},
            {"decision_due_rule", Opt(r.OptText(16))},
            {"extended", r.Int(17) != 0},
            {"decided_at", OptTime(r.OptInt(18))},
            {"decided_within_time", r.IsNull(19) ? Json(nullptr) : Json(r.Int(19) != 0)},
            {"denial_reason", Opt(r.OptText(20))},
            {"denial_code", Opt(r.OptText(21))},
            {"approved_from", Opt(r.OptText(22))},
            {"approved_to", Opt(r.OptText(23))},
            {"approved_on_appeal", r.Int(24) != 0},
            {"appeal_deadline", OptTime(r.OptInt(25))},
            {"created_at", FormatTimestamp(r.Int(26))},
            {"updated_at", FormatTimestamp(r.Int(27))},
            {"version", r.Int(28)},
            {"clock_paused_at", OptTime(r.OptInt(29))}};
  // Units used: claims against the authorization (not denied or voided), and
  // completed appointments it covers that no claim covers yet.
  Json services = Json::array();
  int64_t requested = 0, approved = 0;
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id, code_system, code, description, units_requested, units_approved, service_from, "
      "service_to FROM authorization_services WHERE authorization_id = ? ORDER BY id",
      {id}, [&](const db::Row& s) {
        requested += s.Int(4);
        approved += s.IsNull(5) ? 0 : s.Int(5);
        services.push_back({{"id", s.Int(0)},
                            {"code_system", s.Text(1)},
                            {"code", s.Text(2)},
                            {"description", Opt(s.OptText(3))},
                            {"units_requested", s.Int(4)},
                            {"units_approved", OptInt(s.OptInt(5))},
                            {"service_from", s.Text(6)},
                            {"service_to", s.Text(7)}});
        return Status::Ok();
      }));
  // The appointment dates are compared one by one (dates are local YYYY-MM-DD).
  CK_ASSIGN_OR_RETURN(
      auto claim_units,
      c.Query("SELECT COALESCE(SUM(units), 0) FROM claims WHERE authorization_id = ? AND status "
              "NOT IN ('denied', 'voided')",
              {id}));
  int64_t units_used = claim_units.at(0).Int(0);
  CK_ASSIGN_OR_RETURN(auto visits, c.Query("SELECT starts_at FROM appointments WHERE "
                                           "authorization_id = ? AND status = 'completed'",
                                           {id}));
  CK_ASSIGN_OR_RETURN(auto claimed, c.Query("SELECT service_from, service_to FROM claims WHERE "
                                            "authorization_id = ? AND status NOT IN ('denied', "
                                            "'voided')",
                                            {id}));
  for (const db::Row& v : visits) {
    std::string day = FormatDate(DateOf(v.Int(0)));
    bool billed = false;
    for (const db::Row& k : claimed) billed = billed || (k.Text(0) <= day && day <= k.Text(1));
    if (!billed) ++units_used;
  }
  a["services"] = services;
  a["units_requested"] = requested;
  a["units_approved"] = approved;
  a["units_used"] = units_used;
  Json history = Json::array();
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT kind, from_status, to_status, detail, by_user_id, at FROM authorization_events "
      "WHERE authorization_id = ? ORDER BY id",
      {id}, [&](const db::Row& e) {
        history.push_back({{"kind", e.Text(0)},
                           {"from", Opt(e.OptText(1))},
                           {"to", Opt(e.OptText(2))},
                           {"detail", Opt(e.OptText(3))},
                           {"by_user_id", OptInt(e.OptInt(4))},
                           {"at", FormatTimestamp(e.Int(5))}});
        return Status::Ok();
      }));
  a["history"] = history;
  Json documents = Json::array();
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT d.id, d.title, d.doc_type, x.added_at FROM authorization_documents x JOIN documents "
      "d ON d.id = x.document_id WHERE x.authorization_id = ? ORDER BY x.added_at, d.id",
      {id}, [&](const db::Row& d) {
        documents.push_back({{"id", d.Int(0)},
                             {"title", d.Text(1)},
                             {"doc_type", d.Text(2)},
                             {"added_at", FormatTimestamp(d.Int(3))}});
        return Status::Ok();
      }));
  a["documents"] = documents;
  Json appeals = Json::array();
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT id, level, level_name, status, outcome, filing_deadline, decision_due_at FROM "
      "appeals WHERE authorization_id = ? ORDER BY id",
      {id}, [&](const db::Row& p) {
        appeals.push_back({{"id", p.Int(0)},
                           {"level", p.Text(1)},
                           {"level_name", p.Text(2)},
                           {"status", p.Text(3)},
                           {"outcome", Opt(p.OptText(4))},
                           {"filing_deadline", OptTime(p.OptInt(5))},
                           {"decision_due_at", OptTime(p.OptInt(6))}});
        return Status::Ok();
      }));
  a["appeals"] = appeals;
  return a;
}

Status AuthorizationEvent(db::Connection& c, int64_t authorization_id, int64_t patient_id,
                          const std::string& kind, const std::optional<std::string>& from,
                          const std::optional<std::string>& to,
                          const std::optional<std::string>& detail, std::optional<int64_t> by,
                          Timestamp now) {
  return c
      .Exec(
          "INSERT INTO authorization_events (authorization_id, patient_id, kind, from_status, "
          "to_status, detail, by_user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {authorization_id, patient_id, kind, from, to, detail, by, now})
      .status();
}

Result<Json> LoadAppeal(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT id, patient_id, authorization_id, claim_id, product_type, level, "
              "level_name, kind, urgency, status, notice_date, notice_received_on, "
              "filing_deadline, filing_deadline_rule, filed_at, filed_late_reason, "
              "decision_due_at, decision_due_rule, decided_at, outcome, outcome_note, evidence, "
              "argument, created_at, updated_at, version FROM appeals WHERE id = ?",
              {id}));
  if (rows.empty()) return NotFound("no appeal " + std::to_string(id), "appeal_id");
  const db::Row& r = rows.at(0);
  Json p = {{"id", r.Int(0)},
            {"patient_id", r.Int(1)},
            {"authorization_id", OptInt(r.OptInt(2))},
            {"claim_id", OptInt(r.OptInt(3))},
            {"product_type", r.Text(4)},
            {"level", r.Text(5)},
            {"level_name", r.Text(6)},
            {"kind", r.Text(7)},
            {"urgency", r.Text(8)},
            {"status", r.Text(9)},
            {"notice_date", r.Text(10)},
            {"notice_received_on", Opt(r.OptText(11))},
            {"filing_deadline", OptTime(r.OptInt(12))},
            {"filing_deadline_rule", Opt(r.OptText(13))},
            {"filed_at", OptTime(r.OptInt(14))},
            {"filed_late_reason", Opt(r.OptText(15))},
            {"decision_due_at", OptTime(r.OptInt(16))},
            {"decision_due_rule", Opt(r.OptText(17))},
            {"decided_at", OptTime(r.OptInt(18))},
            {"outcome", Opt(r.OptText(19))},
            {"outcome_note", Opt(r.OptText(20))},
            {"evidence", Json::parse(r.Text(21), nullptr, false)},
            {"argument", Opt(r.OptText(22))},
            {"created_at", FormatTimestamp(r.Int(23))},
            {"updated_at", FormatTimestamp(r.Int(24))},
            {"version", r.Int(25)}};
  Json history = Json::array();
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT kind, detail, by_user_id, at FROM appeal_events WHERE appeal_id = ? ORDER BY id",
      {id}, [&](const db::Row& e) {
        history.push_back({{"kind", e.Text(0)},
                           {"detail", Opt(e.OptText(1))},
                           {"by_user_id", OptInt(e.OptInt(2))},
                           {"at", FormatTimestamp(e.Int(3))}});
        return Status::Ok();
      }));
  p["history"] = history;
  return p;
}

Status AppealEvent(db::Connection& c, int64_t appeal_id, int64_t patient_id,
                   const std::string& kind, const std::optional<std::string>& detail,
                   std::optional<int64_t> by, Timestamp now) {
  return c
      .Exec(
          "INSERT INTO appeal_events (appeal_id, patient_id, kind, detail, by_user_id, at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {appeal_id, patient_id, kind, detail, by, now})
      .status();
}

Result<std::optional<int64_t>> CaseTask(db::Connection& c, int64_t patient_id,
                                        std::optional<int64_t> case_id, const std::string& title,
                                        const std::string& type, const std::string& priority,
                                        Timestamp due, const std::string& rule, Timestamp now) {
  std::string sql =
      "SELECT id, assigned_user_id FROM cases WHERE patient_id = ? AND status <> 'closed'";
  db::Params params{patient_id};
  if (case_id) {
    sql += " AND id = ?";
    params.push_back(*case_id);
  }
  CK_ASSIGN_OR_RETURN(auto k, c.Query(sql + " ORDER BY id DESC LIMIT 1", params));
  if (k.empty()) return std::optional<int64_t>();
  tasks::Task t;
  t.case_id = k.at(0).Int(0);
  t.patient_id = patient_id;
  t.title = title;
  t.task_type = type;
  t.priority = priority;
  t.due_at = due;
  t.due_rule = rule;
  t.source = "system";
  if (!k.at(0).IsNull(1))
    t.owner_user_id = k.at(0).Int(1);
  else
    t.queue_role = "case_manager";
  CK_ASSIGN_OR_RETURN(tasks::Task made, tasks::InsertTask(c, t, now));
  return std::optional<int64_t>(made.id);
}

}  // namespace ck::insurance::internal
