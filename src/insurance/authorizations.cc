// Eligibility, prior authorizations and their renewals.
#include <algorithm>

#include "audit/trail.h"
#include "core/strings.h"
#include "http/json.h"
#include "insurance/internal.h"
#include "insurance/service.h"
#include "patients/clinical.h"

namespace ck::insurance {
namespace {

using namespace internal;

bool Digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// The decision clock of a request received at `received`.
struct Due {
  Timestamp at;
  std::string rule;
};

Result<Due> DecisionDue(const Deadlines& clocks, const ProductRules& p, const std::string& urgency,
                        Timestamp received) {
  const Span& span = urgency == "expedited" ? *p.expedited_decision : *p.standard_decision;
  return Due{clocks.After(received, span),
             span.Describe() + " from receipt (" + p.name + ", " + urgency + ")"};
}

}  // namespace

std::optional<std::string> ProcedureCodeSystem(std::string_view code) {
  if (code.size() != 5) return std::nullopt;
  if (Digits(code)) return "cpt";
  if (Digits(code.substr(0, 4)) && (code[4] == 'F' || code[4] == 'T')) return "cpt";
  if (code[0] >= 'A' && code[0] <= 'V' && Digits(code.substr(1))) return "hcpcs";
  return std::nullopt;
}

Result<Json> Service::RecordEligibility(const auth::Principal& who, const auth::Actor& actor,
                                        int64_t patient_id, const Json& body) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body, {"coverage_id", "result", "method", "reference", "note", "checked_at"}));
  CK_ASSIGN_OR_RETURN(auto coverage, OptInteger(body, "coverage_id", 1, INT64_MAX));
  if (!coverage) return InvalidArgument("is required", "coverage_id");
  CK_ASSIGN_OR_RETURN(std::string result, http::RequiredString(body, "result", 20));
  if (!OneOf(result, {"eligible", "not_eligible", "pending", "error"}))
    return InvalidArgument("must be eligible, not_eligible, pending or error", "result");
  CK_ASSIGN_OR_RETURN(std::string method, http::RequiredString(body, "method", 20));
  if (!OneOf(method, {"portal", "phone", "x12_270_271", "other"}))
    return InvalidArgument("must be portal, phone, x12_270_271 or other", "method");
  CK_ASSIGN_OR_RETURN(auto reference, http::OptionalString(body, "reference", 100));
  CK_ASSIGN_OR_RETURN(auto note, http::OptionalString(body, "note", 1000));
  CK_ASSIGN_OR_RETURN(auto checked, http::OptionalTime(body, "checked_at"));
  Timestamp now = clock_.Now();
  if (checked && *checked > now) return InvalidArgument("is in the future", "checked_at");
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto cov,
                        c.Query("SELECT patient_id FROM coverages WHERE id = ?", {*coverage}));
    if (cov.empty() || cov.at(0).Int(0) != patient_id)
      return InvalidArgument("is not a coverage of this patient", "coverage_id");
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO eligibility_checks (coverage_id, patient_id, checked_at, result, "
                "method, reference, note, verified_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                "?, ?) RETURNING id",
                {*coverage, patient_id, checked.value_or(now), result, method, reference, note,
                 who.user_id, now}));
    out = {{"id", rows.at(0).Int(0)},
           {"coverage_id", *coverage},
           {"checked_at", FormatTimestamp(checked.value_or(now))},
           {"result", result},
           {"method", method},
           {"reference", Opt(reference)},
           {"note", Opt(note)},
           {"verified_by", who.user_id}};
    return audit::Append(c, audit::EventBy(actor, now, "eligibility.record", "coverage",
                                           std::to_string(*coverage), patient_id, result));
  }));
  return out;
}

Result<Json> Service::Coverages(const auth::Actor& actor, int64_t patient_id) {
  Timestamp now = clock_.Now();
  Json out = Json::array();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out = Json::array();
    return c.ForEachRow(
        "SELECT v.id, v.payer, v.plan, v.product_type, v.member_id, v.effective_from, "
        "v.effective_to, v.priority, v.status, v.version, e.checked_at, e.result, e.method, "
        "e.verified_by, e.id, e.reference, e.note FROM coverages v LEFT JOIN eligibility_checks e "
        "ON e.id = (SELECT "
        "MAX(x.id) FROM eligibility_checks x WHERE x.coverage_id = v.id) WHERE v.patient_id = ? "
        "AND v.status <> 'entered_in_error' ORDER BY v.priority, v.id",
        {patient_id}, [&](const db::Row& r) {
          Json latest = nullptr;
          bool stale = true;
          if (!r.IsNull(10)) {
            latest = {{"id", r.Int(14)},
                      {"checked_at", FormatTimestamp(r.Int(10))},
                      {"result", r.Text(11)},
                      {"method", r.Text(12)},
                      {"reference", Opt(r.OptText(15))},
                      {"note", Opt(r.OptText(16))},
                      {"verified_by", OptInt(r.OptInt(13))}};
            stale = now - r.Int(10) >
                    static_cast<Timestamp>(options_.eligibility_max_age_days) * kMillisPerDay;
          }
          out.push_back({{"id", r.Int(0)},
                         {"payer", r.Text(1)},
                         {"plan", Opt(r.OptText(2))},
                         {"product_type", r.Text(3)},
                         {"member_id", r.Text(4)},
                         {"effective_from", r.Text(5)},
                         {"effective_to", Opt(r.OptText(6))},
                         {"priority", r.Text(7)},
                         {"status", r.Text(8)},
                         {"version", r.Int(9)},
                         {"latest_eligibility", latest},
                         {"needs_verification", stale}});
          return Status::Ok();
        });
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, audit::EventBy(actor, now, "coverage.list", "patient",
                                                          std::to_string(patient_id), patient_id)));
  return out;
}

Result<Json> Service::CreateAuthorization(const auth::Principal& who, const auth::Actor& actor,
                                          int64_t patient_id, const Json& body) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body, {"coverage_id", "case_id", "urgency", "requesting_provider", "servicing_provider",
             "diagnosis_codes", "services", "clinical_summary", "submit", "received_at"}));
  CK_ASSIGN_OR_RETURN(auto coverage, OptInteger(body, "coverage_id", 1, INT64_MAX));
  if (!coverage) return InvalidArgument("is required", "coverage_id");
  CK_ASSIGN_OR_RETURN(auto case_id, OptInteger(body, "case_id", 1, INT64_MAX));
  CK_ASSIGN_OR_RETURN(std::string urgency, http::RequiredString(body, "urgency", 20));
  if (!OneOf(urgency, {"expedited", "standard"}))
    return InvalidArgument("must be expedited or standard", "urgency");
  CK_ASSIGN_OR_RETURN(std::string requesting,
                      http::RequiredString(body, "requesting_provider", 200));
  CK_ASSIGN_OR_RETURN(auto servicing, http::OptionalString(body, "servicing_provider", 200));
  CK_ASSIGN_OR_RETURN(auto summary, http::OptionalString(body, "clinical_summary", 4000));
  if (!body.contains("diagnosis_codes") || !body["diagnosis_codes"].is_array() ||
      body["diagnosis_codes"].empty() || body["diagnosis_codes"].size() > 12)
    return InvalidArgument("give 1 to 12 ICD-10-CM codes", "diagnosis_codes");
  std::string dx;
  for (const Json& d : body["diagnosis_codes"]) {
    if (!d.is_string()) return InvalidArgument("must be ICD-10-CM codes", "diagnosis_codes");
    CK_ASSIGN_OR_RETURN(std::string code,
                        patients::NormalizeIcd10(d.get<std::string>(), "diagnosis_codes"));
    dx += (dx.empty() ? "" : ",") + code;
  }
  if (!body.contains("services") || !body["services"].is_array() || body["services"].empty() ||
      body["services"].size() > 25)
    return InvalidArgument("give 1 to 25 services", "services");
  struct Svc {
    std::string system, code;
    std::optional<std::string> description;
    int64_t units;
    std::string from, to;
  };
  std::vector<Svc> services;
  for (size_t i = 0; i < body["services"].size(); ++i) {
    const Json& s = body["services"][i];
    std::string f = "services[" + std::to_string(i) + "]";
    if (!s.is_object()) return InvalidArgument("must be an object", f);
    Svc v;
    if (!s.contains("code") || !s["code"].is_string())
      return InvalidArgument("is required", f + ".code");
    v.code = s["code"];
    auto system = ProcedureCodeSystem(v.code);
    if (!system)
      return InvalidArgument("'" + v.code +
                                 "' is not a CPT (five digits, or four and F/T) or HCPCS Level "
                                 "II (a letter A-V and four digits) code",
                             f + ".code");
    std::string given = s.value("code_system", *system);
    if (given != *system)
      return InvalidArgument("the code " + v.code + " is " + *system, f + ".code_system");
    v.system = *system;
    if (s.contains("description") && s["description"].is_string())
      v.description = s["description"].get<std::string>().substr(0, 300);
    if (!s.contains("units") || !s["units"].is_number_integer() || s["units"].get<int64_t>() < 1 ||
        s["units"].get<int64_t>() > 10000)
      return InvalidArgument("must be 1 to 10000", f + ".units");
    v.units = s["units"];
    for (auto [key, into] :
         {std::pair<const char*, std::string*>{"service_from", &v.from}, {"service_to", &v.to}}) {
      if (!s.contains(key) || !s[key].is_string())
        return InvalidArgument("is required (YYYY-MM-DD)", f + "." + key);
      CK_RETURN_IF_ERROR(ParseDate(s[key].get<std::string>(), f + "." + key).status());
      *into = s[key];
    }
    if (v.to < v.from) return InvalidArgument("is before service_from", f + ".service_to");
    services.push_back(std::move(v));
  }
  bool submit = body.value("submit", false);
  CK_ASSIGN_OR_RETURN(auto received, http::OptionalTime(body, "received_at"));
  Timestamp now = clock_.Now();
  if (received && *received > now) return InvalidArgument("is in the future", "received_at");
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto cov, c.Query("SELECT patient_id, payer, product_type, status FROM "
                                          "coverages WHERE id = ?",
                                          {*coverage}));
    if (cov.empty() || cov.at(0).Int(0) != patient_id)
      return InvalidArgument("is not a coverage of this patient", "coverage_id");
    if (cov.at(0).Text(3) != "active")
      return InvalidArgument("the coverage is " + cov.at(0).Text(3), "coverage_id");
    std::string product = cov.at(0).Text(2);
    const ProductRules* rules = rules_.Find(product);
    if (rules && !rules->prior_auth)
      return InvalidArgument(rules->name + " coverage has no prior authorization", "coverage_id");
    if (case_id) {
      CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT patient_id FROM cases WHERE id = ?", {*case_id}));
      if (k.empty() || k.at(0).Int(0) != patient_id)
        return InvalidArgument("is not a case of this patient", "case_id");
    }
    std::optional<Timestamp> submitted, receipt, due;
    std::optional<std::string> due_rule;
    if (submit) {
      submitted = now;
      receipt = received.value_or(now);
      if (rules) {
        CK_ASSIGN_OR_RETURN(Due d, DecisionDue(deadlines_, *rules, urgency, *receipt));
        due = d.at;
        due_rule = d.rule;
      } else {
        due_rule = "no regulatory clock for product type " + product;
      }
    }
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO prior_authorizations (patient_id, case_id, coverage_id, payer, "
                "product_type, urgency, status, requesting_provider, servicing_provider, "
                "diagnosis_codes, clinical_summary, submitted_at, received_at, decision_due_at, "
                "decision_due_rule, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {patient_id, case_id, *coverage, cov.at(0).Text(1), product, urgency,
                 submit ? "submitted" : "draft", requesting, servicing, dx, summary, submitted,
                 receipt, due, due_rule, who.user_id, now, now}));
    int64_t id = rows.at(0).Int(0);
    for (const Svc& s : services)
      CK_RETURN_IF_ERROR(
          c.Exec("INSERT INTO authorization_services (authorization_id, "
                 "patient_id, code_system, code, description, units_requested, "
                 "service_from, service_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 {id, patient_id, s.system, s.code, s.description, s.units, s.from, s.to})
              .status());
    CK_RETURN_IF_ERROR(AuthorizationEvent(c, id, patient_id, "created", std::nullopt,
                                          submit ? "submitted" : "draft", due_rule, who.user_id,
                                          now));
    CK_ASSIGN_OR_RETURN(out, LoadAuthorization(c, id));
    return audit::Append(c, audit::EventBy(actor, now, "authorization.create", "authorization",
                                           std::to_string(id), patient_id, urgency));
  }));
  return out;
}

Result<Json> Service::GetAuthorization(const auth::Actor& actor, int64_t id) {
  Json out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadAuthorization(c, id));
    return Status::Ok();
  }));
  int64_t patient = out["patient_id"];
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "authorization.read",
                                           "authorization", std::to_string(id), patient)));
  return out;
}

Result<Json> Service::AuthorizationsOf(const auth::Actor& actor, int64_t patient_id) {
  Json out = Json::array();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out = Json::array();
    CK_ASSIGN_OR_RETURN(auto ids, c.Query("SELECT id FROM prior_authorizations WHERE patient_id "
                                          "= ? ORDER BY id DESC",
                                          {patient_id}));
    for (const db::Row& r : ids) {
      CK_ASSIGN_OR_RETURN(Json a, LoadAuthorization(c, r.Int(0)));
      out.push_back(std::move(a));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "authorization.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<Json> Service::ActOnAuthorization(const auth::Principal& who, const auth::Actor& actor,
                                         int64_t id, const Json& body) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body,
      {"action", "version", "reason", "payer_reference", "denial_reason", "denial_code", "services",
       "approved_from", "approved_to", "decided_at", "received_at", "document_id"}));
  CK_ASSIGN_OR_RETURN(std::string action, http::RequiredString(body, "action", 30));
  if (!OneOf(action, {"submit", "pend", "approve", "partially_approve", "deny", "withdraw",
                      "expire", "extend", "pause_clock", "resume_clock", "attach_document"}))
    return InvalidArgument(
        "must be submit, pend, approve, partially_approve, deny, withdraw, expire, extend, "
        "pause_clock, resume_clock or attach_document",
        "action");
  CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
  CK_ASSIGN_OR_RETURN(auto reason, http::OptionalString(body, "reason", 2000));
  CK_ASSIGN_OR_RETURN(auto reference, http::OptionalString(body, "payer_reference", 100));
  CK_ASSIGN_OR_RETURN(auto denial_reason, http::OptionalString(body, "denial_reason", 2000));
  CK_ASSIGN_OR_RETURN(auto denial_code, http::OptionalString(body, "denial_code", 30));
  CK_ASSIGN_OR_RETURN(auto approved_from, OptDate(body, "approved_from"));
  CK_ASSIGN_OR_RETURN(auto approved_to, OptDate(body, "approved_to"));
  CK_ASSIGN_OR_RETURN(auto decided_at, http::OptionalTime(body, "decided_at"));
  CK_ASSIGN_OR_RETURN(auto received, http::OptionalTime(body, "received_at"));
  CK_ASSIGN_OR_RETURN(auto document, OptInteger(body, "document_id", 1, INT64_MAX));
  Timestamp now = clock_.Now();
  if (decided_at && *decided_at > now) return InvalidArgument("is in the future", "decided_at");
  if (received && *received > now) return InvalidArgument("is in the future", "received_at");
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Json a, LoadAuthorization(c, id));
    if (a["version"].get<int>() != version)
      return Status(
          ErrorCode::kConflict,
          "the authorization changed since version " + std::to_string(version) + "; reload",
          "version");
    int64_t patient = a["patient_id"];
    const std::string from = a["status"];
    std::string to = from;
    std::optional<std::string> detail = reason;
    std::vector<std::pair<std::string, db::Value>> set;  // column = value
    auto need = [&](std::initializer_list<std::string_view> allowed) -> Status {
      if (OneOf(from, allowed)) return Status::Ok();
      return FailedPrecondition("cannot " + action + " an authorization that is " + from);
    };
    const ProductRules* rules = rules_.Find(a["product_type"].get<std::string>());
    if (action == "submit") {
      CK_RETURN_IF_ERROR(need({"draft", "pended"}));
      to = "submitted";
      if (from == "draft") {
        Timestamp receipt = received.value_or(now);
        set.emplace_back("submitted_at", now);
        set.emplace_back("received_at", receipt);
        if (rules) {
          CK_ASSIGN_OR_RETURN(Due d, DecisionDue(deadlines_, *rules, a["urgency"], receipt));
          set.emplace_back("decision_due_at", d.at);
          set.emplace_back("decision_due_rule", d.rule);
          detail = d.rule;
        }
      } else if (!detail) {
        detail = "requested information sent";
      }
    } else if (action == "pend") {
      CK_RETURN_IF_ERROR(need({"submitted"}));
      if (!reason) return InvalidArgument("say what the payer asked for", "reason");
      to = "pended";
    } else if (action == "extend") {
      CK_RETURN_IF_ERROR(need({"submitted", "pended"}));
      if (!reason) return InvalidArgument("give the payer's reason for the extension", "reason");
      if (a["extended"].get<bool>())
        return FailedPrecondition("the decision clock was extended already");
      if (!rules || !rules->extension || a["decision_due_at"].is_null())
        return FailedPrecondition("the rules for this product allow no extension");
      Timestamp due = *ParseTimestamp(a["decision_due_at"].get<std::string>());
      Timestamp extended = deadlines_.After(due, *rules->extension);
      set.emplace_back("decision_due_at", extended);
      set.emplace_back("decision_due_rule", a["decision_due_rule"].get<std::string>() +
                                                ", extended " + rules->extension->Describe());
      set.emplace_back("extended", 1);
      detail = *reason + " (now due " + FormatTimestamp(extended) + ")";
    } else if (action == "pause_clock") {
      // Where the rules toll the clock (a plan waiting for information the
      // member must send, under ERISA): the time paused is added on resuming.
      CK_RETURN_IF_ERROR(need({"submitted", "pended"}));
      if (!reason) return InvalidArgument("say why the clock stops", "reason");
      if (!a["clock_paused_at"].is_null()) return FailedPrecondition("the clock is paused already");
      if (a["decision_due_at"].is_null()) return FailedPrecondition("there is no clock to pause");
      set.emplace_back("clock_paused_at", now);
    } else if (action == "resume_clock") {
      if (a["clock_paused_at"].is_null()) return FailedPrecondition("the clock is not paused");
      Timestamp paused = now - *ParseTimestamp(a["clock_paused_at"].get<std::string>());
      Timestamp due = *ParseTimestamp(a["decision_due_at"].get<std::string>()) + paused;
      set.emplace_back("clock_paused_at", db::Value());
      set.emplace_back("decision_due_at", due);
      set.emplace_back("decision_due_rule", a["decision_due_rule"].get<std::string>() +
                                                ", paused " +
                                                std::to_string(paused / kMillisPerHour) + " h");
      detail = (reason ? *reason + " " : std::string()) + "(now due " + FormatTimestamp(due) + ")";
    } else if (action == "attach_document") {
      if (!document) return InvalidArgument("is required", "document_id");
      CK_ASSIGN_OR_RETURN(
          auto d, c.Query("SELECT patient_id, title FROM documents WHERE id = ?", {*document}));
      if (d.empty() || d.at(0).Int(0) != patient)
        return InvalidArgument("is not a document of this patient", "document_id");
      for (const Json& x : a["documents"])
        if (x["id"] == *document)
          return Status(ErrorCode::kConflict, "attached already", "document_id");
      CK_RETURN_IF_ERROR(c.Exec("INSERT INTO authorization_documents (authorization_id, "
                                "document_id, added_at) VALUES (?, ?, ?)",
                                {id, *document, now})
                             .status());
      detail = d.at(0).Text(1);
    } else if (action == "withdraw") {
      CK_RETURN_IF_ERROR(need({"draft", "submitted", "pended"}));
      if (!reason) return InvalidArgument("say why it is withdrawn", "reason");
      to = "withdrawn";
    } else if (action == "expire") {
      CK_RETURN_IF_ERROR(need({"approved", "partially_approved"}));
      to = "expired";
    } else {  // a decision
      CK_RETURN_IF_ERROR(need({"submitted", "pended"}));
      Timestamp when = decided_at.value_or(now);
      set.emplace_back("decided_at", when);
      if (!a["decision_due_at"].is_null()) {
        Timestamp due = *ParseTimestamp(a["decision_due_at"].get<std::string>());
        if (!a["clock_paused_at"].is_null()) {  // decided while paused: the clock stops there
          Timestamp paused = *ParseTimestamp(a["clock_paused_at"].get<std::string>());
          due += std::max<Timestamp>(0, when - paused);
          set.emplace_back("clock_paused_at", db::Value());
        }
        set.emplace_back("decided_within_time", when <= due ? 1 : 0);
      }
      if (reference) set.emplace_back("payer_reference", *reference);
      if (action == "deny" || action == "partially_approve") {
        // The payer must say specifically why; "not medically necessary" alone is not enough.
        if (!denial_reason || denial_reason->size() < 20)
          return InvalidArgument("the payer's specific reason (at least 20 characters)",
                                 "denial_reason");
        set.emplace_back("denial_reason", *denial_reason);
        if (denial_code) set.emplace_back("denial_code", *denial_code);
        // The first appeal level's filing deadline, from the notice (the decision's day).
        if (rules) {
          for (const AppealLevel& l : rules->appeals) {
            if (l.level == "peer_to_peer") continue;
            auto deadline =
                deadlines_.FilingDeadline(l, deadlines_.time_zone().LocalDate(when), std::nullopt);
            if (!deadline) continue;
            set.emplace_back("appeal_deadline", deadline->at);
            break;
          }
        }
      }
      if (action == "deny") {
        to = "denied";
        CK_RETURN_IF_ERROR(c.Exec("UPDATE authorization_services SET units_approved = 0 WHERE "
                                  "authorization_id = ?",
                                  {id})
                               .status());
        detail = *denial_reason;
      } else {
        // Approved units per service: given, else (approve) all requested.
        std::map<int64_t, int64_t> approved;
        if (body.contains("services")) {
          if (!body["services"].is_array())
            return InvalidArgument("must be [{\"id\", \"units_approved\"}]", "services");
          for (const Json& s : body["services"]) {
            if (!s.is_object() || !s.contains("id") || !s["id"].is_number_integer() ||
                !s.contains("units_approved") || !s["units_approved"].is_number_integer() ||
                s["units_approved"].get<int64_t>() < 0)
              return InvalidArgument("must be [{\"id\", \"units_approved\"}]", "services");
            approved[s["id"].get<int64_t>()] = s["units_approved"].get<int64_t>();
          }
        }
        bool partial = false;
        int64_t total = 0;
        std::string first, last;
        for (const Json& s : a["services"]) {
          int64_t sid = s["id"], requested = s["units_requested"];
          auto it = approved.find(sid);
          int64_t units = it == approved.end() ? (action == "approve" ? requested : 0) : it->second;
          if (it != approved.end()) approved.erase(it);
          if (units > requested)
            return InvalidArgument("more units than requested for service " + std::to_string(sid),
                                   "services");
          partial = partial || units < requested;
          total += units;
          CK_RETURN_IF_ERROR(c.Exec("UPDATE authorization_services SET units_approved = ? WHERE "
                                    "id = ?",
                                    {units, sid})
                                 .status());
          if (first.empty() || s["service_from"].get<std::string>() < first)
            first = s["service_from"];
          if (last.empty() || s["service_to"].get<std::string>() > last) last = s["service_to"];
        }
        if (!approved.empty())
          return InvalidArgument(
              "service " + std::to_string(approved.begin()->first) + " is not part of this request",
              "services");
        if (action == "approve" && partial)
          return InvalidArgument("fewer units than requested: that is partially_approve",
                                 "services");
        if (action == "partially_approve" && !partial)
          return InvalidArgument("every unit approved: that is approve", "services");
        if (total == 0) return InvalidArgument("no unit approved: that is deny", "services");
        std::string from_date = approved_from ? FormatDate(*approved_from) : first;
        std::string to_date = approved_to ? FormatDate(*approved_to) : last;
        if (to_date < from_date) return InvalidArgument("is before approved_from", "approved_to");
        set.emplace_back("approved_from", from_date);
        set.emplace_back("approved_to", to_date);
        to = action == "approve" ? "approved" : "partially_approved";
        detail = "approved " + from_date + " to " + to_date + (reference ? ", " + *reference : "");
      }
    }
    std::string sql =
        "UPDATE prior_authorizations SET status = ?, updated_at = ?, version = "
        "version + 1";
    db::Params params{to, now};
    for (auto& [column, value] : set) {
      sql += ", " + column + " = ?";
      params.push_back(std::move(value));
    }
    sql += " WHERE id = ?";
    params.push_back(id);
    CK_RETURN_IF_ERROR(c.Exec(sql, params).status());
    CK_RETURN_IF_ERROR(
        AuthorizationEvent(c, id, patient, action, from, to, detail, who.user_id, now));
    CK_ASSIGN_OR_RETURN(out, LoadAuthorization(c, id));
    return audit::Append(c, audit::EventBy(actor, now, "authorization." + action, "authorization",
                                           std::to_string(id), patient, to));
  }));
  return out;
}

Result<int> Service::CheckRenewals() {
  Timestamp now = clock_.Now();
  Date today = deadlines_.time_zone().LocalDate(now);
  std::string today_s = FormatDate(today);
  std::string soon = FormatDate(
      Date(std::chrono::sys_days{today} + std::chrono::days{options_.renewal_days_before}));
  int made = 0;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    made = 0;
    audit::Batch audit;
    auth::Actor system;
    system.username = "insurance";
    // Approvals past their last day expire.
    CK_ASSIGN_OR_RETURN(auto past, c.Query("SELECT id, patient_id, status FROM "
                                           "prior_authorizations WHERE status IN ('approved', "
                                           "'partially_approved') AND approved_to < ?",
                                           {today_s}));
    for (const db::Row& r : past) {
      CK_RETURN_IF_ERROR(c.Exec("UPDATE prior_authorizations SET status = 'expired', updated_at "
                                "= ?, version = version + 1 WHERE id = ?",
                                {now, r.Int(0)})
                             .status());
      CK_RETURN_IF_ERROR(AuthorizationEvent(c, r.Int(0), r.Int(1), "expire", r.Text(2), "expired",
                                            "approved dates ended", std::nullopt, now));
      CK_RETURN_IF_ERROR(
          audit.Add(audit::EventBy(system, now, "authorization.expire", "authorization",
                                   std::to_string(r.Int(0)), r.Int(1))));
    }
    // Approvals ending soon or mostly used: one renewal task each.
    // Units used, over-counted (visits a claim also covers count twice) so
    // that only the few near their limit need the exact count.
    CK_ASSIGN_OR_RETURN(
        auto live,
        c.Query("SELECT a.id, a.patient_id, a.case_id, a.approved_to, (SELECT "
                "COALESCE(SUM(s.units_approved), 0) FROM authorization_services s WHERE "
                "s.authorization_id = a.id), (SELECT COALESCE(SUM(k.units), 0) FROM claims k "
                "WHERE k.authorization_id = a.id AND k.status NOT IN ('denied', 'voided')) + "
                "(SELECT COUNT(*) FROM appointments p WHERE p.authorization_id = a.id AND "
                "p.status = 'completed') FROM prior_authorizations a WHERE a.status IN "
                "('approved', 'partially_approved') AND a.renewal_task_id IS NULL"));
    for (const db::Row& r : live) {
      int64_t approved = r.Int(4), used = r.Int(5);
      bool ending = r.Text(3) <= soon;
      auto near_limit = [&] {
        return approved > 0 && used * 100 >= approved * options_.renewal_units_percent;
      };
      if (!ending && near_limit()) {
        CK_ASSIGN_OR_RETURN(Json a, LoadAuthorization(c, r.Int(0)));
        used = a["units_used"];
      }
      bool used_up = near_limit();
      if (!ending && !used_up) continue;
      std::string why = ending ? "approval ends " + r.Text(3)
                               : std::to_string(used) + " of " + std::to_string(approved) +
                                     " approved units used";
      Timestamp due = std::min(now + 3 * kMillisPerDay,
                               deadlines_.time_zone().FromLocal(*ParseDate(r.Text(3)), 0));
      CK_ASSIGN_OR_RETURN(
          auto task, CaseTask(c, r.Int(1), r.OptInt(2),
                              "Renew authorization " + std::to_string(r.Int(0)) + ": " + why,
                              "authorization_follow_up", "high", std::max(due, now), why, now));
      if (!task) continue;
      CK_RETURN_IF_ERROR(c.Exec("UPDATE prior_authorizations SET renewal_task_id = ? WHERE id = ?",
                                {*task, r.Int(0)})
                             .status());
      CK_RETURN_IF_ERROR(AuthorizationEvent(c, r.Int(0), r.Int(1), "renewal_task", std::nullopt,
                                            std::nullopt, why, std::nullopt, now));
      ++made;
    }
    // Coverages ending soon, or not verified lately: one task each until done.
    Timestamp stale =
        now - static_cast<Timestamp>(options_.eligibility_max_age_days) * kMillisPerDay;
    std::string ending_by = FormatDate(
        Date(std::chrono::sys_days{today} + std::chrono::days{options_.coverage_ending_days}));
    CK_ASSIGN_OR_RETURN(
        auto covs,
        c.Query("SELECT v.id, v.patient_id, v.payer, v.effective_to, (SELECT MAX(e.checked_at) "
                "FROM eligibility_checks e WHERE e.coverage_id = v.id) FROM coverages v WHERE "
                "v.status = 'active' AND (v.renewal_task_id IS NULL OR EXISTS (SELECT 1 FROM "
                "tasks t WHERE t.id = v.renewal_task_id AND t.status IN ('done', 'cancelled') AND "
                "t.completed_at < ?)) AND ((v.effective_to IS NOT NULL AND v.effective_to <= ? "
                "AND v.effective_to >= ?) OR COALESCE((SELECT MAX(e.checked_at) FROM "
                "eligibility_checks e WHERE e.coverage_id = v.id), 0) < ?) AND EXISTS (SELECT 1 "
                "FROM cases k WHERE k.patient_id = v.patient_id AND k.status <> 'closed')",
                {stale, ending_by, today_s, stale}));
    for (const db::Row& r : covs) {
      bool ending = !r.IsNull(3) && r.Text(3) <= ending_by;
      std::string why = ending ? r.Text(2) + " coverage ends " + r.Text(3)
                               : r.Text(2) + " eligibility not verified in " +
                                     std::to_string(options_.eligibility_max_age_days) + " days";
      CK_ASSIGN_OR_RETURN(
          auto task, CaseTask(c, r.Int(1), std::nullopt,
                              ending ? "Coverage ending: " + why : "Verify eligibility: " + why,
                              "authorization_follow_up", ending ? "high" : "normal",
                              now + 2 * kMillisPerDay, why, now));
      if (!task) continue;
      CK_RETURN_IF_ERROR(
          c.Exec("UPDATE coverages SET renewal_task_id = ? WHERE id = ?", {*task, r.Int(0)})
              .status());
      ++made;
    }
    return audit.Flush(c);
  }));
  return made;
}

}  // namespace ck::insurance
