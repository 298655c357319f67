// Appeals: levels by product type, filing and decision deadlines, evidence,
// outcomes carried back to the authorization.
#include "audit/trail.h"
#include "core/strings.h"
#include "http/json.h"
#include "insurance/internal.h"
#include "insurance/service.h"

namespace ck::insurance {
namespace {

using namespace internal;

const std::vector<std::string> kLevelOrder = {"peer_to_peer", "first_level_internal",
                                              "second_level_internal", "external_review",
                                              "state_fair_hearing"};

// The decision clock of a filed appeal by its kind and urgency.
std::optional<Span> DecisionSpan(const AppealLevel& l, const std::string& kind,
                                 const std::string& urgency) {
  if (urgency == "expedited") return l.expedited;
  if (kind == "post_service" && l.post_service) return l.post_service;
  if (kind == "part_b_drug" && l.part_b_drug) return l.part_b_drug;
  return l.standard;
}

}  // namespace

Result<Json> Service::OpenAppeal(const auth::Principal& who, const auth::Actor& actor,
                                 std::optional<int64_t> authorization_id,
                                 std::optional<int64_t> claim_id, const Json& body) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body, {"level", "urgency", "kind", "notice_date", "notice_received_on", "argument"}));
  CK_ASSIGN_OR_RETURN(std::string level, http::RequiredString(body, "level", 40));
  CK_ASSIGN_OR_RETURN(auto urgency_in, http::OptionalString(body, "urgency", 20));
  std::string urgency = urgency_in.value_or("standard");
  if (!OneOf(urgency, {"expedited", "standard"}))
    return InvalidArgument("must be expedited or standard", "urgency");
  CK_ASSIGN_OR_RETURN(auto kind_in, http::OptionalString(body, "kind", 20));
  std::string kind = kind_in.value_or(claim_id ? "post_service" : "pre_service");
  if (!OneOf(kind, {"pre_service", "post_service", "part_b_drug"}))
    return InvalidArgument("must be pre_service, post_service or part_b_drug", "kind");
  if (kind == "post_service" && urgency == "expedited")
    return InvalidArgument("a payment appeal is never expedited", "urgency");
  CK_ASSIGN_OR_RETURN(auto notice, OptDate(body, "notice_date"));
  CK_ASSIGN_OR_RETURN(auto received, OptDate(body, "notice_received_on"));
  CK_ASSIGN_OR_RETURN(auto argument, http::OptionalString(body, "argument", 8000));
  Timestamp now = clock_.Now();
  Date today = deadlines_.time_zone().LocalDate(now);
  if (notice && *notice > today) return InvalidArgument("is in the future", "notice_date");
  if (received && *received > today)
    return InvalidArgument("is in the future", "notice_received_on");
  if (received && notice && *received < *notice)
    return InvalidArgument("is before the notice date", "notice_received_on");
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    int64_t patient = 0;
    std::string product;
    std::optional<Timestamp> decided;
    std::string owner_sql;
    if (authorization_id) {
      CK_ASSIGN_OR_RETURN(Json a, LoadAuthorization(c, *authorization_id));
      std::string status = a["status"];
      bool appealable = status == "denied" || status == "partially_approved" ||
                        (level == "peer_to_peer" && status == "pended");
      if (!appealable)
        return FailedPrecondition(
            "only a denied or partially approved request is appealed (this "
            "one is " +
            status + ")");
      patient = a["patient_id"];
      product = a["product_type"];
      if (!a["decided_at"].is_null()) decided = *ParseTimestamp(a["decided_at"].get<std::string>());
      owner_sql = "authorization_id = ?";
    } else {
      CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT k.patient_id, COALESCE(g.product_type, "
                                          "'other'), k.status, k.updated_at FROM claims k LEFT "
                                          "JOIN coverages g ON g.id = k.coverage_id WHERE k.id = ?",
                                          {*claim_id}));
      if (k.empty()) return NotFound("no claim " + std::to_string(*claim_id), "claim_id");
      if (!OneOf(k.at(0).Text(2), {"denied", "partially_paid", "adjusted"}))
        return FailedPrecondition("only a denied or reduced claim is appealed (this one is " +
                                  k.at(0).Text(2) + ")");
      patient = k.at(0).Int(0);
      product = k.at(0).Text(1);
      decided = k.at(0).Int(3);
      owner_sql = "claim_id = ?";
    }
    const ProductRules* rules = rules_.Find(product);
    if (!rules) return FailedPrecondition("no appeal rules for product type " + product);
    const AppealLevel* l = rules->Level(level);
    if (!l) {
      std::string levels;
      for (const AppealLevel& x : rules->appeals) levels += (levels.empty() ? "" : ", ") + x.level;
      return InvalidArgument(rules->name + " appeals are " + levels, "level");
    }
    int64_t owner = authorization_id ? *authorization_id : *claim_id;
    CK_ASSIGN_OR_RETURN(auto prior, c.Query("SELECT level, status, outcome FROM appeals WHERE " +
                                                owner_sql + " ORDER BY id",
                                            {owner}));
    for (const db::Row& r : prior) {
      if (OneOf(r.Text(1), {"draft", "filed"}))
        return FailedPrecondition("appeal at level " + r.Text(0) + " is still open");
      if (r.Text(0) == level && r.Text(1) != "withdrawn")
        return FailedPrecondition("this level was appealed already");
    }
    // Levels go up: no first-level appeal after a second-level one.
    auto rank = [](const std::string& x) {
      return std::find(kLevelOrder.begin(), kLevelOrder.end(), x) - kLevelOrder.begin();
    };
    for (const db::Row& r : prior)
      if (r.Text(1) == "decided" && rank(r.Text(0)) > rank(level))
        return FailedPrecondition("a higher level (" + r.Text(0) + ") was decided already");
    Date notice_date =
        notice.value_or(decided ? deadlines_.time_zone().LocalDate(*decided) : today);
    auto deadline = deadlines_.FilingDeadline(*l, notice_date, received);
    std::optional<Timestamp> filing;
    std::optional<std::string> filing_rule;
    if (deadline) {
      filing = deadline->at;
      filing_rule = deadline->rule;
    }
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO appeals (patient_id, authorization_id, claim_id, product_type, "
                "level, level_name, kind, urgency, status, notice_date, notice_received_on, "
                "filing_deadline, filing_deadline_rule, argument, created_by, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                {patient, authorization_id, claim_id, product, level, l->name, kind, urgency,
                 FormatDate(notice_date), received ? db::Value(FormatDate(*received)) : db::Value(),
                 filing, filing_rule, argument, who.user_id, now, now}));
    int64_t id = rows.at(0).Int(0);
    CK_RETURN_IF_ERROR(AppealEvent(c, id, patient, "opened", filing_rule, who.user_id, now));
    if (authorization_id)
      CK_RETURN_IF_ERROR(AuthorizationEvent(c, *authorization_id, patient, "appeal_opened",
                                            std::nullopt, std::nullopt, l->name, who.user_id, now));
    CK_ASSIGN_OR_RETURN(out, LoadAppeal(c, id));
    return audit::Append(
        c, audit::EventBy(actor, now, "appeal.open", "appeal", std::to_string(id), patient, level));
  }));
  return out;
}

Result<Json> Service::GetAppeal(const auth::Actor& actor, int64_t id) {
  Json out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadAppeal(c, id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "appeal.read", "appeal",
                                           std::to_string(id), out["patient_id"].get<int64_t>())));
  return out;
}

Result<Json> Service::ActOnAppeal(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                                  const Json& body) {
  CK_RETURN_IF_ERROR(
      http::RejectUnknownFields(body, {"action", "version", "filed_at", "late_reason", "outcome",
                                       "note", "evidence", "argument", "decided_at"}));
  CK_ASSIGN_OR_RETURN(std::string action, http::RequiredString(body, "action", 20));
  if (!OneOf(action, {"file", "decide", "withdraw", "evidence"}))
    return InvalidArgument("must be file, decide, withdraw or evidence", "action");
  CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
  CK_ASSIGN_OR_RETURN(auto filed_at, http::OptionalTime(body, "filed_at"));
  CK_ASSIGN_OR_RETURN(auto decided_at, http::OptionalTime(body, "decided_at"));
  CK_ASSIGN_OR_RETURN(auto late_reason, http::OptionalString(body, "late_reason", 2000));
  CK_ASSIGN_OR_RETURN(auto outcome, http::OptionalString(body, "outcome", 30));
  CK_ASSIGN_OR_RETURN(auto note, http::OptionalString(body, "note", 4000));
  CK_ASSIGN_OR_RETURN(auto argument, http::OptionalString(body, "argument", 8000));
  Timestamp now = clock_.Now();
  if (filed_at && *filed_at > now) return InvalidArgument("is in the future", "filed_at");
  if (decided_at && *decided_at > now) return InvalidArgument("is in the future", "decided_at");
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Json p, LoadAppeal(c, id));
    if (p["version"].get<int>() != version)
      return Status(ErrorCode::kConflict,
                    "the appeal changed since version " + std::to_string(version) + "; reload",
                    "version");
    int64_t patient = p["patient_id"];
    std::string status = p["status"];
    std::optional<int64_t> auth_id;
    if (!p["authorization_id"].is_null()) auth_id = p["authorization_id"].get<int64_t>();
    const ProductRules* rules = rules_.Find(p["product_type"].get<std::string>());
    const AppealLevel* level = rules ? rules->Level(p["level"]) : nullptr;
    std::string detail;
    if (action == "evidence") {
      if (!OneOf(status, {"draft", "filed"})) return FailedPrecondition("the appeal is " + status);
      if (!body.contains("evidence") || !body["evidence"].is_array() ||
          body["evidence"].size() > 100)
        return InvalidArgument("must be a list of {\"kind\", \"id\"} (at most 100)", "evidence");
      Json evidence = Json::array();
      for (const Json& e : body["evidence"]) {
        if (!e.is_object() || !e.contains("kind") || !e["kind"].is_string() || !e.contains("id") ||
            !e["id"].is_number_integer())
          return InvalidArgument("must be a list of {\"kind\", \"id\"}", "evidence");
        std::string kind = e["kind"];
        static const std::map<std::string, std::string> kTables = {{"condition", "conditions"},
                                                                   {"note", "case_notes"},
                                                                   {"assessment", "assessments"},
                                                                   {"document", "documents"}};
        auto table = kTables.find(kind);
        if (table == kTables.end())
          return InvalidArgument("kind must be condition, note, assessment or document",
                                 "evidence");
        CK_ASSIGN_OR_RETURN(auto found,
                            c.Query("SELECT patient_id FROM " + table->second + " WHERE id = ?",
                                    {e["id"].get<int64_t>()}));
        if (found.empty() || found.at(0).Int(0) != patient)
          return InvalidArgument(
              kind + " " + std::to_string(e["id"].get<int64_t>()) + " is not this patient's",
              "evidence");
        evidence.push_back({{"kind", kind}, {"id", e["id"]}});
      }
      CK_RETURN_IF_ERROR(c.Exec("UPDATE appeals SET evidence = ?, argument = COALESCE(?, "
                                "argument), updated_at = ?, version = version + 1 WHERE id = ?",
                                {evidence.dump(), argument, now, id})
                             .status());
      detail = std::to_string(evidence.size()) + " items";
    } else if (action == "file") {
      if (status != "draft") return FailedPrecondition("the appeal is " + status);
      Timestamp when = filed_at.value_or(now);
      bool late = !p["filing_deadline"].is_null() &&
                  when > *ParseTimestamp(p["filing_deadline"].get<std::string>());
      if (late && !late_reason)
        return InvalidArgument("filed after the deadline: give the good cause", "late_reason");
      std::optional<Timestamp> due;
      std::optional<std::string> due_rule;
      if (level) {
        auto span = DecisionSpan(*level, p["kind"], p["urgency"]);
        if (span) {
          due = deadlines_.After(when, *span);
          due_rule = span->Describe() + " from filing (" + level->name + ", " +
                     p["urgency"].get<std::string>() + ")";
        }
      }
      CK_RETURN_IF_ERROR(c.Exec("UPDATE appeals SET status = 'filed', filed_at = ?, "
                                "filed_late_reason = ?, decision_due_at = ?, decision_due_rule = "
                                "?, updated_at = ?, version = version + 1 WHERE id = ?",
                                {when, late_reason, due, due_rule, now, id})
                             .status());
      detail = due_rule.value_or("filed") + (late ? " (late: " + *late_reason + ")" : "");
    } else if (action == "withdraw") {
      if (!OneOf(status, {"draft", "filed"})) return FailedPrecondition("the appeal is " + status);
      CK_RETURN_IF_ERROR(c.Exec("UPDATE appeals SET status = 'withdrawn', outcome = "
                                "'withdrawn', outcome_note = ?, decided_at = ?, updated_at = ?, "
                                "version = version + 1 WHERE id = ?",
                                {note, now, now, id})
                             .status());
      detail = note.value_or("withdrawn");
    } else {  // decide
      if (status != "filed") return FailedPrecondition("only a filed appeal is decided");
      if (!outcome || !OneOf(*outcome, {"overturned", "partially_overturned", "upheld"}))
        return InvalidArgument("must be overturned, partially_overturned or upheld", "outcome");
      Timestamp when = decided_at.value_or(now);
      CK_RETURN_IF_ERROR(c.Exec("UPDATE appeals SET status = 'decided', outcome = ?, "
                                "outcome_note = ?, decided_at = ?, updated_at = ?, version = "
                                "version + 1 WHERE id = ?",
                                {*outcome, note, when, now, id})
                             .status());
      detail = *outcome + (note ? ": " + *note : "");
      if (auth_id && *outcome != "upheld") {
        // The request is approved after all: in full, or as the payer says.
        CK_ASSIGN_OR_RETURN(Json a, LoadAuthorization(c, *auth_id));
        std::string to = *outcome == "overturned" ? "approved" : "partially_approved";
        if (*outcome == "overturned")
          CK_RETURN_IF_ERROR(c.Exec("UPDATE authorization_services SET units_approved = "
                                    "units_requested WHERE authorization_id = ?",
                                    {*auth_id})
                                 .status());
        std::string first, last;
        for (const Json& s : a["services"]) {
          if (first.empty() || s["service_from"].get<std::string>() < first)
            first = s["service_from"];
          if (last.empty() || s["service_to"].get<std::string>() > last) last = s["service_to"];
        }
        CK_RETURN_IF_ERROR(
            c.Exec("UPDATE prior_authorizations SET status = ?, approved_on_appeal = 1, "
                   "approved_from = COALESCE(approved_from, ?), approved_to = COALESCE("
                   "approved_to, ?), updated_at = ?, version = version + 1 WHERE id = ?",
                   {to, first, last, now, *auth_id})
                .status());
        CK_RETURN_IF_ERROR(AuthorizationEvent(
            c, *auth_id, patient, "approved_on_appeal", a["status"].get<std::string>(), to,
            p["level_name"].get<std::string>() + ": " + *outcome, who.user_id, now));
      }
      // Medicare Advantage sends an upheld reconsideration to the independent
      // review entity by itself: the next level opens as filed.
      if (*outcome == "upheld" && rules && p["level"] == "first_level_internal") {
        const AppealLevel* next = rules->Level("external_review");
        if (next && !next->filing) {
          auto span = DecisionSpan(*next, p["kind"], p["urgency"]);
          std::optional<Timestamp> due;
          if (span) due = deadlines_.After(when, *span);
          CK_ASSIGN_OR_RETURN(
              auto rows,
              c.Query("INSERT INTO appeals (patient_id, authorization_id, claim_id, "
                      "product_type, level, level_name, kind, urgency, status, notice_date, "
                      "filed_at, decision_due_at, decision_due_rule, evidence, argument, "
                      "created_by, created_at, updated_at) SELECT patient_id, authorization_id, "
                      "claim_id, product_type, 'external_review', ?, kind, urgency, 'filed', ?, "
                      "?, ?, ?, evidence, argument, ?, ?, ? FROM appeals WHERE id = ? RETURNING id",
                      {next->name, FormatDate(deadlines_.time_zone().LocalDate(when)), when, due,
                       span ? db::Value(span->Describe() + " from forwarding (" + next->name + ")")
                            : db::Value(),
                       who.user_id, now, now, id}));
          CK_RETURN_IF_ERROR(AppealEvent(
              c, rows.at(0).Int(0), patient, "forwarded",
              "forwarded by the plan after the upheld " + p["level_name"].get<std::string>(),
              std::nullopt, now));
        }
      }
    }
    CK_RETURN_IF_ERROR(AppealEvent(c, id, patient, action, detail, who.user_id, now));
    CK_ASSIGN_OR_RETURN(out, LoadAppeal(c, id));
    return audit::Append(c, audit::EventBy(actor, now, "appeal." + action, "appeal",
                                           std::to_string(id), patient, detail.substr(0, 100)));
  }));
  return out;
}

}  // namespace ck::insurance
