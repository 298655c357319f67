#include "social/service.h"

#include <nlohmann/json.hpp>

#include "audit/trail.h"
#include "auth/crypto.h"
#include "core/strings.h"
#include "patients/consent.h"
#include "social/domains.h"
#include "social/resources.h"

namespace ck::social {
namespace {

using Json = nlohmann::json;

constexpr const char* kBarrierColumns =
    "id, patient_id, case_id, domain, severity, status, source, assessment_id, problem_id, "
    "description, outcome, identified_by, identified_at, closed_at, updated_at, version";

constexpr const char* kReferralColumns =
    "f.id, f.patient_id, f.case_id, f.barrier_id, f.resource_id, b.domain, r.organization, "
    "r.service, f.status, f.note, f.share_address, f.decline_reason, f.outcome_note, "
    "f.service_date, f.consent_id, f.created_by, f.created_at, f.sent_at, f.answer_due_at, "
    "f.answered_at, f.closed_at, f.link_expires_at, f.updated_at, f.version";

constexpr const char* kReferralFrom =
    " FROM resource_referrals f JOIN barriers b ON b.id = f.barrier_id JOIN community_resources "
    "r ON r.id = f.resource_id";

bool Open(const std::string& barrier_status) {
  return barrier_status == "identified" || barrier_status == "in_progress";
}

Barrier BarrierFrom(const db::Row& r) {
  Barrier b;
  b.id = r.Int(0);
  b.patient_id = r.Int(1);
  b.case_id = r.Int(2);
  b.domain = r.Text(3);
  b.severity = r.Text(4);
  b.status = r.Text(5);
  b.source = r.Text(6);
  b.assessment_id = r.OptInt(7);
  b.problem_id = r.OptInt(8);
  b.description = r.OptText(9);
  b.outcome = r.OptText(10);
  b.identified_by = r.OptInt(11);
  b.identified_at = r.Int(12);
  b.closed_at = r.OptInt(13);
  b.updated_at = r.Int(14);
  b.version = static_cast<int>(r.Int(15));
  return b;
}

Referral ReferralFrom(const db::Row& r, Timestamp now) {
  Referral f;
  f.id = r.Int(0);
  f.patient_id = r.Int(1);
  f.case_id = r.Int(2);
  f.barrier_id = r.Int(3);
  f.resource_id = r.Int(4);
  f.barrier_domain = r.Text(5);
  f.organization = r.Text(6);
  f.service = r.Text(7);
  f.status = r.Text(8);
  f.note = r.OptText(9);
  f.share_address = r.Int(10) != 0;
  f.decline_reason = r.OptText(11);
  f.outcome_note = r.OptText(12);
  f.service_date = r.OptText(13);
  f.consent_id = r.OptInt(14);
  f.created_by = r.OptInt(15);
  f.created_at = r.Int(16);
  f.sent_at = r.OptInt(17);
  f.answer_due_at = r.OptInt(18);
  f.answered_at = r.OptInt(19);
  f.closed_at = r.OptInt(20);
  f.link_expires_at = r.OptInt(21);
  f.updated_at = r.Int(22);
  f.version = static_cast<int>(r.Int(23));
  f.overdue = f.status == "sent" && f.answer_due_at && *f.answer_due_at < now;
  return f;
}

Status AddBarrierEvent(db::Connection& c, int64_t barrier_id, const std::string& kind,
                       const std::optional<std::string>& detail, std::optional<int64_t> by,
                       Timestamp now, bool partner = false) {
  return c
      .Exec(
          "INSERT INTO barrier_events (barrier_id, kind, detail, by_user_id, by_partner, at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {barrier_id, kind, detail, by, partner ? 1 : 0, now})
      .status();
}

Status AddReferralEvent(db::Connection& c, int64_t referral_id, const std::string& kind,
                        const std::optional<std::string>& detail, std::optional<int64_t> by,
                        bool partner, Timestamp now) {
  return c
      .Exec(
          "INSERT INTO resource_referral_events (referral_id, kind, detail, by_user_id, "
          "by_partner, at) VALUES (?, ?, ?, ?, ?, ?)",
          {referral_id, kind, detail, by, partner ? 1 : 0, now})
      .status();
}

Result<Barrier> LoadBarrier(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kBarrierColumns + " FROM barriers WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no barrier " + std::to_string(id));
  Barrier b = BarrierFrom(rows.at(0));
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT kind, detail, by_user_id, by_partner, at FROM barrier_events WHERE barrier_id = ? "
      "ORDER BY id",
      {id}, [&](const db::Row& r) {
        b.history.push_back({r.Text(0), r.OptText(1), r.OptInt(2), r.Int(3) != 0, r.Int(4)});
        return Status::Ok();
      }));
  return b;
}

Result<Referral> LoadReferral(db::Connection& c, int64_t id, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kReferralColumns + kReferralFrom + " WHERE f.id = ?", {id}));
  if (rows.empty()) return NotFound("no referral " + std::to_string(id));
  Referral f = ReferralFrom(rows.at(0), now);
  CK_RETURN_IF_ERROR(c.ForEachRow(
      "SELECT kind, detail, by_user_id, by_partner, at FROM "
      "resource_referral_events WHERE referral_id = ? ORDER BY id",
      {id}, [&](const db::Row& r) {
        f.history.push_back({r.Text(0), r.OptText(1), r.OptInt(2), r.Int(3) != 0, r.Int(4)});
        return Status::Ok();
      }));
  return f;
}

// The problem must be on a care plan of this case.
Status CheckProblem(db::Connection& c, int64_t case_id, int64_t problem_id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT p.id FROM care_plan_problems p JOIN care_plans "
                                         "cp ON cp.id = p.care_plan_id WHERE p.id = ? AND "
                                         "cp.case_id = ?",
                                         {problem_id, case_id}));
  if (rows.empty())
    return InvalidArgument("must be a problem on this case's care plan", "problem_id");
  return Status::Ok();
}

// The severity a screening gives each domain: safety and losing one's home first.
std::string ScreeningSeverity(const std::string& domain) {
  if (domain == "interpersonal_safety") return "urgent";
  if (domain == "housing_instability" || domain == "food_insecurity") return "high";
  return "moderate";
}

std::string DomainLabel(const std::string& d) {
  std::string s = d;
  for (char& ch : s)
    if (ch == '_') ch = ' ';
  return s;
}

// Moves the barrier to `to` (with `outcome` where it closes), its event and version.
Status MoveBarrier(db::Connection& c, const Barrier& b, const std::string& to,
                   const std::optional<std::string>& outcome, std::optional<int64_t> by,
                   Timestamp now) {
  bool closing = to == "resolved" || to == "unable_to_resolve";
  CK_ASSIGN_OR_RETURN(
      int64_t n,
      c.Exec("UPDATE barriers SET status = ?, outcome = COALESCE(?, outcome), closed_at = ?, "
             "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
             {to, outcome, closing ? db::Value(now) : db::Value(), now, b.id, b.version}));
  if (n != 1) return Conflict("the barrier changed meanwhile; reload", "version");
  Json detail = {{"from", b.status}, {"to", to}};
  if (outcome) detail["outcome"] = *outcome;
  return AddBarrierEvent(c, b.id, "status", detail.dump(), by, now);
}

Status ValidateDate(const std::optional<std::string>& d, const char* field) {
  if (d && !ParseDate(*d).ok()) return InvalidArgument("must be a date YYYY-MM-DD", field);
  return Status::Ok();
}

Status CheckText(const std::optional<std::string>& v, const char* field, size_t max) {
  if (v && (v->empty() || v->size() > max))
    return InvalidArgument("must be 1 to " + std::to_string(max) + " bytes", field);
  return Status::Ok();
}

// Whether the patient has agreed to share with `organization` today (an active
// information-sharing consent naming it), and which consent.
Result<std::optional<int64_t>> SharingConsent(db::Connection& c, int64_t patient_id,
                                              const std::string& organization, Date today) {
  std::string day = FormatDate(today);
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT id FROM consents WHERE patient_id = ? AND kind = 'information_sharing' AND "
              "LOWER(party_name) = LOWER(?) AND revoked_at IS NULL AND granted_on <= ? AND "
              "(expires_on IS NULL OR expires_on >= ?) ORDER BY id DESC LIMIT 1",
              {patient_id, organization, day, day}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows.at(0).Int(0));
}

// Issues a fresh link for referral `id` (replacing any earlier one).
Result<SentLink> IssueLink(db::Connection& c, int64_t id, Timestamp now, int days) {
  SentLink link;
  link.token = auth::RandomToken(32);
  link.expires_at = now + static_cast<Timestamp>(days) * kMillisPerDay;
  CK_RETURN_IF_ERROR(c.Exec("UPDATE resource_referrals SET link_token_hash = ?, link_expires_at "
                            "= ? WHERE id = ?",
                            {auth::Sha256Hex(link.token), link.expires_at, id})
                         .status());
  return link;
}

// The moves a referral may make, and who may make them.
bool StaffMayMove(const std::string& from, const std::string& to) {
  if (to == "closed") return from != "closed";
  if (to == "sent") return from == "draft" || from == "sent";  // sent again: a new link
  if (to == "accepted") return from == "sent" || from == "no_show";
  if (to == "declined") return from == "sent";
  if (to == "service_delivered" || to == "no_show") return from == "accepted";
  return false;
}

std::vector<std::string> PartnerMoves(const std::string& from) {
  if (from == "sent") return {"accepted", "declined"};
  if (from == "accepted") return {"service_delivered", "no_show"};
  if (from == "no_show") return {"accepted", "service_delivered"};
  return {};
}

Status CheckStep(const std::string& to, const std::optional<std::string>& reason,
                 const std::optional<std::string>& outcome_note,
                 const std::optional<std::string>& service_date) {
  CK_RETURN_IF_ERROR(CheckText(reason, "reason", 1000));
  CK_RETURN_IF_ERROR(CheckText(outcome_note, "outcome_note", 2000));
  CK_RETURN_IF_ERROR(ValidateDate(service_date, "service_date"));
  if ((to == "declined" || to == "closed") && !reason) return InvalidArgument("say why", "reason");
  if (to == "service_delivered" && !service_date)
    return InvalidArgument("give the date the service was delivered", "service_date");
  return Status::Ok();
}

// Applies `to` on referral `f` (already checked as allowed): its columns, its
// history, and the outcome carried back onto the barrier.
Status ApplyStep(db::Connection& c, const Referral& f, const std::string& to,
                 const std::optional<std::string>& reason,
                 const std::optional<std::string>& outcome_note,
                 const std::optional<std::string>& service_date, std::optional<int64_t> by,
                 bool partner, Timestamp now,
                 const std::optional<std::string>& responder = std::nullopt) {
  bool answer = f.status == "sent" && (to == "accepted" || to == "declined");
  CK_ASSIGN_OR_RETURN(
      int64_t n,
      c.Exec("UPDATE resource_referrals SET status = ?, decline_reason = CASE WHEN ? = 'declined' "
             "THEN ? ELSE decline_reason END, outcome_note = COALESCE(?, outcome_note), "
             "service_date = COALESCE(?, service_date), answered_at = CASE WHEN ? = 1 THEN ? "
             "ELSE answered_at END, closed_at = CASE WHEN ? = 'closed' THEN ? ELSE closed_at "
             "END, link_token_hash = CASE WHEN ? = 'closed' THEN NULL ELSE link_token_hash END, "
             "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
             {to, to, reason, outcome_note, service_date, answer ? 1 : 0, now, to, now, to, now,
              f.id, f.version}));
  if (n != 1) return Conflict("the referral changed meanwhile; reload", "version");
  Json detail = {{"from", f.status}, {"to", to}};
  if (reason) detail["reason"] = *reason;
  if (outcome_note) detail["outcome_note"] = *outcome_note;
  if (service_date) detail["service_date"] = *service_date;
  if (responder) detail["responder"] = *responder;
  CK_RETURN_IF_ERROR(AddReferralEvent(c, f.id, "status", detail.dump(), by, partner, now));
  // The outcome, on the barrier's record too.
  if (OneOf(to, {"accepted", "declined", "service_delivered", "no_show"})) {
    Json outcome = {{"referral_id", f.id},
                    {"organization", f.organization},
                    {"service", f.service},
                    {"status", to}};
    if (reason) outcome["reason"] = *reason;
    if (outcome_note) outcome["outcome_note"] = *outcome_note;
    if (service_date) outcome["service_date"] = *service_date;
    if (responder) outcome["responder"] = *responder;
    CK_RETURN_IF_ERROR(
        AddBarrierEvent(c, f.barrier_id, "referral_" + to, outcome.dump(), by, now, partner));
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE barriers SET updated_at = ? WHERE id = ?", {now, f.barrier_id}).status());
  }
  return Status::Ok();
}

auth::Actor PartnerActor(const std::string& organization, const std::string& request_id) {
  auth::Actor a;
  a.username = "partner:" + organization.substr(0, 80);
  a.role = "partner";
  a.request_id = request_id;
  return a;
}

}  // namespace

Result<std::vector<int64_t>> OpenBarriersFromScreening(db::Connection& c, int64_t patient_id,
                                                       int64_t case_id, int64_t assessment_id,
                                                       const std::vector<std::string>& domains,
                                                       std::optional<int64_t> by, Timestamp now) {
  std::vector<int64_t> opened;
  for (const std::string& d : domains) {
    if (!IsBarrierDomain(d)) continue;
    CK_ASSIGN_OR_RETURN(auto open, c.Query("SELECT id FROM barriers WHERE case_id = ? AND domain "
                                           "= ? AND status IN ('identified', 'in_progress')",
                                           {case_id, d}));
    if (!open.empty()) {
      CK_RETURN_IF_ERROR(AddBarrierEvent(c, open.at(0).Int(0), "screened_again",
                                         Json({{"assessment_id", assessment_id}}).dump(), by, now));
      continue;
    }
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO barriers (patient_id, case_id, domain, severity, status, source, "
                "assessment_id, identified_by, identified_at, created_at, updated_at) VALUES (?, "
                "?, ?, ?, 'identified', 'screening', ?, ?, ?, ?, ?) RETURNING id",
                {patient_id, case_id, d, ScreeningSeverity(d), assessment_id, by, now, now, now}));
    int64_t id = rows.at(0).Int(0);
    CK_RETURN_IF_ERROR(AddBarrierEvent(
        c, id, "identified",
        Json({{"source", "screening"}, {"assessment_id", assessment_id}}).dump(), by, now));
    opened.push_back(id);
  }
  return opened;
}

Result<Barrier> Service::Identify(const auth::Principal& who, const auth::Actor& actor,
                                  int64_t case_id, const NewBarrier& n) {
  if (!IsBarrierDomain(n.domain))
    return InvalidArgument("unknown barrier domain (see docs/social_needs.md)", "domain");
  if (!OneOf(n.severity, {"low", "moderate", "high", "urgent"}))
    return InvalidArgument("must be low, moderate, high or urgent", "severity");
  CK_RETURN_IF_ERROR(CheckText(n.description, "description", 2000));
  Timestamp now = clock_.Now();
  int64_t id = 0;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto k,
                        c.Query("SELECT patient_id, status FROM cases WHERE id = ?", {case_id}));
    if (k.empty()) return NotFound("no case " + std::to_string(case_id));
    if (k.at(0).Text(1) == "closed")
      return FailedPrecondition("the case is closed; barriers are recorded on open cases");
    int64_t patient = k.at(0).Int(0);
    if (n.problem_id) CK_RETURN_IF_ERROR(CheckProblem(c, case_id, *n.problem_id));
    CK_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM barriers WHERE case_id = ? AND domain = "
                                          "? AND status IN ('identified', 'in_progress')",
                                          {case_id, n.domain}));
    if (!dup.empty())
      return Conflict("this case already has an open " + DomainLabel(n.domain) + " barrier (" +
                          std::to_string(dup.at(0).Int(0)) + ")",
                      "domain");
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO barriers (patient_id, case_id, domain, severity, status, source, "
                "problem_id, description, identified_by, identified_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, 'identified', 'manual', ?, ?, ?, ?, ?, ?) RETURNING id",
                {patient, case_id, n.domain, n.severity, n.problem_id, n.description, who.user_id,
                 now, now, now}));
    id = rows.at(0).Int(0);
    CK_RETURN_IF_ERROR(AddBarrierEvent(c, id, "identified", Json({{"source", "manual"}}).dump(),
                                       who.user_id, now));
    return audit::Append(c, audit::EventBy(actor, now, "barrier.identify", "barrier",
                                           std::to_string(id), patient, n.domain));
  }));
  return GetBarrier(actor, id);
}

Result<std::vector<Barrier>> Service::ForPatient(const auth::Actor& actor, int64_t patient_id,
                                                 std::optional<int64_t> case_id) {
  std::vector<Barrier> out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    std::string sql = std::string("SELECT id FROM barriers WHERE patient_id = ?");
    db::Params p{patient_id};
    if (case_id) {
      sql += " AND case_id = ?";
      p.emplace_back(*case_id);
    }
    // Open ones first, the most severe first.
    sql +=
        " ORDER BY CASE WHEN status IN ('identified', 'in_progress') THEN 0 ELSE 1 END, CASE "
        "severity WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'moderate' THEN 2 ELSE 3 END, id";
    CK_ASSIGN_OR_RETURN(auto ids, c.Query(sql, p));
    for (const db::Row& r : ids) {
      CK_ASSIGN_OR_RETURN(Barrier b, LoadBarrier(c, r.Int(0)));
      out.push_back(std::move(b));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, audit::EventBy(actor, now, "barrier.list", "patient",
                                                          std::to_string(patient_id), patient_id)));
  return out;
}

Result<Barrier> Service::GetBarrier(const auth::Actor& actor, int64_t id) {
  Barrier out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadBarrier(c, id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "barrier.read", "barrier",
                                           std::to_string(id), out.patient_id)));
  return out;
}

Result<Barrier> Service::ChangeBarrier(const auth::Principal& who, const auth::Actor& actor,
                                       int64_t id, const BarrierChange& ch, int expected_version) {
  if (ch.severity && !OneOf(*ch.severity, {"low", "moderate", "high", "urgent"}))
    return InvalidArgument("must be low, moderate, high or urgent", "severity");
  CK_RETURN_IF_ERROR(CheckText(ch.description, "description", 2000));
  CK_RETURN_IF_ERROR(CheckText(ch.outcome, "outcome", 2000));
  if (ch.status &&
      !OneOf(*ch.status, {"identified", "in_progress", "resolved", "unable_to_resolve"}))
    return InvalidArgument("must be identified, in_progress, resolved or unable_to_resolve",
                           "status");
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Barrier b, LoadBarrier(c, id));
    if (b.version != expected_version)
      return Conflict(
          "the barrier changed meanwhile (version " + std::to_string(b.version) + "); reload",
          "version");
    if (ch.problem_id) CK_RETURN_IF_ERROR(CheckProblem(c, b.case_id, *ch.problem_id));
    bool details = ch.severity || ch.description || ch.problem_id || ch.unlink_problem;
    if (details) {
      if (!Open(b.status))
        return FailedPrecondition("the barrier is closed; reopen it to change it");
      Json detail = Json::object();
      if (ch.severity && *ch.severity != b.severity)
        detail["severity"] = {{"from", b.severity}, {"to", *ch.severity}};
      if (ch.description) detail["description"] = "changed";
      if (ch.problem_id || ch.unlink_problem)
        detail["problem_id"] = ch.problem_id ? Json(*ch.problem_id) : Json(nullptr);
      CK_ASSIGN_OR_RETURN(
          int64_t n,
          c.Exec("UPDATE barriers SET severity = COALESCE(?, severity), description = "
                 "COALESCE(?, description), problem_id = CASE WHEN ? = 1 THEN ? ELSE problem_id "
                 "END, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
                 {ch.severity, ch.description, (ch.problem_id || ch.unlink_problem) ? 1 : 0,
                  ch.problem_id, now, id, b.version}));
      if (n != 1) return Conflict("the barrier changed meanwhile; reload", "version");
      CK_RETURN_IF_ERROR(AddBarrierEvent(c, id, "changed", detail.dump(), who.user_id, now));
      ++b.version;
    }
    if (ch.status && *ch.status != b.status) {
      const std::string& to = *ch.status;
      bool closing = to == "resolved" || to == "unable_to_resolve";
      if (closing) {
        if (!Open(b.status)) return FailedPrecondition("the barrier is already closed");
        if (!ch.outcome) return InvalidArgument("say how it ended", "outcome");
        CK_ASSIGN_OR_RETURN(auto live, c.Query("SELECT id FROM resource_referrals WHERE "
                                               "barrier_id = ? AND status IN ('draft', 'sent', "
                                               "'accepted') ORDER BY id LIMIT 1",
                                               {id}));
        if (!live.empty())
          return FailedPrecondition("referral " + std::to_string(live.at(0).Int(0)) +
                                    " is still open; record its outcome or close it first");
      } else if (to == "in_progress") {
        if (b.status != "identified")
          return FailedPrecondition("only an identified barrier moves to in progress");
      } else {  // identified: reopening
        if (Open(b.status))
          return FailedPrecondition(
              "the barrier is open; it goes back to identified only when "
              "reopened after it was closed");
        if (!ch.outcome) return InvalidArgument("say why it is reopened", "outcome");
      }
      CK_RETURN_IF_ERROR(MoveBarrier(c, b, to, ch.outcome, who.user_id, now));
    } else if (!details) {
      return InvalidArgument("nothing to change", "body");
    }
    return audit::Append(
        c, audit::EventBy(actor, now, "barrier.update", "barrier", std::to_string(id), b.patient_id,
                          ch.status ? "status=" + *ch.status : ""));
  }));
  return GetBarrier(actor, id);
}

Status Service::Send(db::Connection& c, const Referral& f,
                     const std::optional<std::string>& consent_method, std::optional<int64_t> by,
                     const auth::Actor& actor, Timestamp now, SentLink* link) {
  // Sending shares the patient's details: their agreement first.
  CK_ASSIGN_OR_RETURN(auto consent,
                      SharingConsent(c, f.patient_id, f.organization, LocalDate(now)));
  if (!consent && !consent_method)
    return FailedPrecondition(
        "the patient has not agreed to share with " + f.organization +
            ": record their consent (consent_method) or an information-sharing consent first",
        "consent_method");
  if (!consent) {
    patients::Consent k;
    k.patient_id = f.patient_id;
    k.kind = "information_sharing";
    k.party_name = f.organization;
    k.scope = "community referral: contact details and the need";
    k.method = *consent_method;
    k.granted_on = FormatDate(LocalDate(now));
    k.recorded_by = by;
    CK_ASSIGN_OR_RETURN(patients::Consent made, patients::InsertConsent(c, k, now));
    consent = made.id;
  }
  Timestamp due = calendar_.AddBusinessDays(now, options_.answer_business_days);
  CK_ASSIGN_OR_RETURN(int64_t n,
                      c.Exec("UPDATE resource_referrals SET status = 'sent', sent_at = ?, "
                             "answer_due_at = ?, consent_id = ?, updated_at = ?, version = "
                             "version + 1 WHERE id = ? AND version = ?",
                             {now, due, *consent, now, f.id, f.version}));
  if (n != 1) return Conflict("the referral changed meanwhile; reload", "version");
  CK_ASSIGN_OR_RETURN(SentLink l, IssueLink(c, f.id, now, options_.link_days));
  if (link) *link = l;
  CK_RETURN_IF_ERROR(AddReferralEvent(c, f.id, f.status == "sent" ? "resent" : "status",
                                      Json({{"from", f.status}, {"to", "sent"}}).dump(), by, false,
                                      now));
  CK_ASSIGN_OR_RETURN(Barrier b, LoadBarrier(c, f.barrier_id));
  if (b.status == "identified")
    CK_RETURN_IF_ERROR(MoveBarrier(c, b, "in_progress", std::nullopt, by, now));
  return audit::Append(c, audit::EventBy(actor, now, "referral.send", "resource_referral",
                                         std::to_string(f.id), f.patient_id, f.organization));
}

Result<Referral> Service::Refer(const auth::Principal& who, const auth::Actor& actor,
                                int64_t barrier_id, const NewReferral& n, SentLink* link) {
  CK_RETURN_IF_ERROR(CheckText(n.note, "note", 2000));
  if (n.consent_method && !OneOf(*n.consent_method, {"verbal", "written", "electronic"}))
    return InvalidArgument("must be verbal, written or electronic", "consent_method");
  Timestamp now = clock_.Now();
  int64_t id = 0;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Barrier b, LoadBarrier(c, barrier_id));
    if (!Open(b.status))
      return FailedPrecondition("the barrier is closed; reopen it to refer again");
    CK_ASSIGN_OR_RETURN(auto res, c.Query("SELECT organization, service, active FROM "
                                          "community_resources WHERE id = ?",
                                          {n.resource_id}));
    if (res.empty())
      return InvalidArgument("no community resource " + std::to_string(n.resource_id),
                             "resource_id");
    if (res.at(0).Int(2) == 0)
      return InvalidArgument("this service is no longer listed", "resource_id");
    const std::string organization = res.at(0).Text(0);
    CK_ASSIGN_OR_RETURN(auto live, c.Query("SELECT id FROM resource_referrals WHERE barrier_id = "
                                           "? AND resource_id = ? AND status IN ('draft', "
                                           "'sent', 'accepted')",
                                           {barrier_id, n.resource_id}));
    if (!live.empty())
      return Conflict(
          "referral " + std::to_string(live.at(0).Int(0)) + " to this service is still open",
          "resource_id");
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO resource_referrals (patient_id, case_id, barrier_id, resource_id, "
                "status, note, share_address, created_by, created_at, updated_at) VALUES (?, ?, "
                "?, ?, 'draft', ?, ?, ?, ?, ?) RETURNING id",
                {b.patient_id, b.case_id, barrier_id, n.resource_id, n.note,
                 n.share_address ? 1 : 0, who.user_id, now, now}));
    id = rows.at(0).Int(0);
    CK_RETURN_IF_ERROR(AddReferralEvent(c, id, "created", std::nullopt, who.user_id, false, now));
    CK_RETURN_IF_ERROR(AddBarrierEvent(
        c, barrier_id, "referral_created",
        Json({{"referral_id", id}, {"organization", organization}, {"service", res.at(0).Text(1)}})
            .dump(),
        who.user_id, now));
    CK_RETURN_IF_ERROR(
        audit::Append(c, audit::EventBy(actor, now, "referral.create", "resource_referral",
                                        std::to_string(id), b.patient_id)));
    if (!n.send) return Status::Ok();
    CK_ASSIGN_OR_RETURN(Referral f, LoadReferral(c, id, now));
    return Send(c, f, n.consent_method, who.user_id, actor, now, link);
  }));
  return GetReferral(actor, id);
}

Result<std::vector<Referral>> Service::ReferralsForPatient(const auth::Actor& actor,
                                                           int64_t patient_id) {
  std::vector<Referral> out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    CK_ASSIGN_OR_RETURN(auto ids, c.Query("SELECT id FROM resource_referrals WHERE patient_id = "
                                          "? ORDER BY id DESC",
                                          {patient_id}));
    for (const db::Row& r : ids) {
      CK_ASSIGN_OR_RETURN(Referral f, LoadReferral(c, r.Int(0), now));
      out.push_back(std::move(f));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(db_, audit::EventBy(actor, now, "referral.list", "patient",
                                                          std::to_string(patient_id), patient_id)));
  return out;
}

Result<Referral> Service::GetReferral(const auth::Actor& actor, int64_t id) {
  Referral out;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadReferral(c, id, now));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, now, "referral.read", "resource_referral",
                                           std::to_string(id), out.patient_id)));
  return out;
}

Date Service::LocalDate(Timestamp t) const {
  return options_.time_zone ? options_.time_zone->LocalDate(t) : DateOf(t);
}

Status Service::CheckServiceDate(const Referral& f, const std::optional<std::string>& date,
                                 Timestamp now) const {
  if (!date) return Status::Ok();
  const std::string today = FormatDate(LocalDate(now));
  if (*date > today)
    return InvalidArgument("must not be after today (" + today + ")", "service_date");
  if (f.sent_at) {
    const std::string sent = FormatDate(LocalDate(*f.sent_at));
    if (*date < sent)
      return InvalidArgument("must not be before the referral was sent (" + sent + ")",
                             "service_date");
  }
  return Status::Ok();
}

Result<Referral> Service::Step(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                               const ReferralStep& step, int expected_version, SentLink* link) {
  if (!OneOf(step.to, {"sent", "accepted", "declined", "service_delivered", "no_show", "closed"}))
    return InvalidArgument("must be sent, accepted, declined, service_delivered, no_show or closed",
                           "status");
  CK_RETURN_IF_ERROR(CheckStep(step.to, step.reason, step.outcome_note, step.service_date));
  if (step.consent_method && !OneOf(*step.consent_method, {"verbal", "written", "electronic"}))
    return InvalidArgument("must be verbal, written or electronic", "consent_method");
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Referral f, LoadReferral(c, id, now));
    if (f.version != expected_version)
      return Conflict(
          "the referral changed meanwhile (version " + std::to_string(f.version) + "); reload",
          "version");
    if (!StaffMayMove(f.status, step.to))
      return FailedPrecondition("a referral that is " + f.status + " cannot become " + step.to,
                                "status");
    if (step.to != "sent") {
      CK_RETURN_IF_ERROR(CheckServiceDate(f, step.service_date, now));
      CK_RETURN_IF_ERROR(ApplyStep(c, f, step.to, step.reason, step.outcome_note, step.service_date,
                                   who.user_id, false, now));
      return audit::Append(c, audit::EventBy(actor, now, "referral." + step.to, "resource_referral",
                                             std::to_string(id), f.patient_id));
    }
    return Send(c, f, step.consent_method, who.user_id, actor, now, link);
  }));
  return GetReferral(actor, id);
}

namespace {

// The referral a token opens, checked; the reason it is refused otherwise.
struct TokenCheck {
  std::optional<Referral> referral;
  Status refused = Status::Ok();
};

Result<TokenCheck> CheckToken(db::Connection& c, const std::string& token, Timestamp now) {
  TokenCheck out;
  if (token.size() < 20 || token.size() > 100) {
    out.refused = NotFound("this link is not valid");
    return out;
  }
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM resource_referrals WHERE "
                                         "link_token_hash = ?",
                                         {auth::Sha256Hex(token)}));
  if (rows.empty()) {
    out.refused = NotFound("this link is not valid (it may have been replaced by a newer one)");
    return out;
  }
  CK_ASSIGN_OR_RETURN(Referral f, LoadReferral(c, rows.at(0).Int(0), now));
  if (f.status == "closed") {
    out.refused = FailedPrecondition("this referral is closed", "token");
  } else if (!f.link_expires_at || *f.link_expires_at <= now) {
    out.refused =
        FailedPrecondition("this link has expired; ask the case manager for a new one", "token");
  }
  out.referral = std::move(f);
  return out;
}

Result<PartnerView> ViewOf(db::Connection& c, const Referral& f) {
  PartnerView v;
  v.referral_id = f.id;
  v.status = f.status;
  v.organization = f.organization;
  v.service = f.service;
  v.need = NeedLabel(f.barrier_domain);
  v.need_domain = f.barrier_domain;
  v.note = f.note;
  v.sent_at = f.sent_at.value_or(0);
  v.answer_due_at = f.answer_due_at;
  v.link_expires_at = f.link_expires_at.value_or(0);
  v.allowed = PartnerMoves(f.status);
  CK_ASSIGN_OR_RETURN(auto p,
                      c.Query("SELECT given_name, family_name, preferred_name, preferred_language, "
                              "address_line1, address_line2, address_city, address_state, "
                              "address_postal_code FROM patients WHERE id = ?",
                              {f.patient_id}));
  const db::Row& r = p.at(0);
  v.patient_name = r.OptText(2).value_or(r.Text(0)) + " " + r.Text(1);
  v.preferred_language = r.OptText(3).value_or("en");
  if (f.share_address && r.OptText(4)) {
    v.patient_address = *r.OptText(4) + (r.OptText(5) ? ", " + *r.OptText(5) : "");
  }
  if (r.OptText(6) || r.OptText(8))
    v.patient_city_zip = r.OptText(6).value_or("") + (r.OptText(7) ? ", " + *r.OptText(7) : "") +
                         (r.OptText(8) ? " " + *r.OptText(8) : "");
  CK_ASSIGN_OR_RETURN(auto phone, c.Query("SELECT number FROM patient_phones WHERE patient_id = "
                                          "? ORDER BY preferred DESC, CASE WHEN phone_use = "
                                          "'mobile' THEN 0 ELSE 1 END, id LIMIT 1",
                                          {f.patient_id}));
  if (!phone.empty()) v.patient_phone = phone.at(0).Text(0);
  CK_ASSIGN_OR_RETURN(auto by, c.Query("SELECT u.display_name FROM users u WHERE u.id = ?",
                                       {f.created_by.value_or(0)}));
  if (!by.empty()) v.referred_by = by.at(0).Text(0);
  CK_ASSIGN_OR_RETURN(
      auto cap, c.Query("SELECT capacity FROM community_resources WHERE id = ?", {f.resource_id}));
  v.capacity = cap.at(0).Text(0);
  return v;
}

}  // namespace

Result<PartnerView> Service::PartnerOpen(const std::string& token, const std::string& request_id) {
  Timestamp now = clock_.Now();
  PartnerView out;
  Status refused = Status::Ok();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(TokenCheck t, CheckToken(c, token, now));
    refused = t.refused;
    auth::Actor actor = PartnerActor(t.referral ? t.referral->organization : "unknown", request_id);
    if (!refused.ok()) {
      audit::Event e = audit::EventBy(
          actor, now, "referral.partner_open", "resource_referral",
          t.referral ? std::to_string(t.referral->id) : "",
          t.referral ? std::optional(t.referral->patient_id) : std::nullopt, refused.message());
      e.outcome = "denied";
      return audit::Append(c, e);
    }
    CK_ASSIGN_OR_RETURN(out, ViewOf(c, *t.referral));
    out.today = FormatDate(LocalDate(now));
    CK_RETURN_IF_ERROR(
        AddReferralEvent(c, t.referral->id, "link_opened", std::nullopt, std::nullopt, true, now));
    return audit::Append(c, audit::EventBy(actor, now, "referral.partner_open", "resource_referral",
                                           std::to_string(t.referral->id), t.referral->patient_id));
  }));
  CK_RETURN_IF_ERROR(refused);
  return out;
}

Result<PartnerView> Service::PartnerAct(const std::string& token, const PartnerStep& step,
                                        const std::string& request_id) {
  if (!step.to && !step.capacity)
    return InvalidArgument("give a status, a capacity or both", "status");
  if (step.to)
    CK_RETURN_IF_ERROR(CheckStep(*step.to, step.reason, step.outcome_note, step.service_date));
  CK_RETURN_IF_ERROR(CheckText(step.responder, "responder", 200));
  Timestamp now = clock_.Now();
  PartnerView out;
  Status refused = Status::Ok();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(TokenCheck t, CheckToken(c, token, now));
    refused = t.refused;
    auth::Actor actor = PartnerActor(t.referral ? t.referral->organization : "unknown", request_id);
    if (refused.ok() && step.to) {
      auto moves = PartnerMoves(t.referral->status);
      if (std::find(moves.begin(), moves.end(), *step.to) == moves.end())
        refused = FailedPrecondition(
            "a referral that is " + t.referral->status + " cannot become " + *step.to + " here",
            "status");
    }
    if (!refused.ok()) {
      audit::Event e = audit::EventBy(
          actor, now, "referral.partner_update", "resource_referral",
          t.referral ? std::to_string(t.referral->id) : "",
          t.referral ? std::optional(t.referral->patient_id) : std::nullopt, refused.message());
      e.outcome = "denied";
      return audit::Append(c, e);
    }
    const Referral& f = *t.referral;
    std::string detail;
    if (step.to) {
      CK_RETURN_IF_ERROR(CheckServiceDate(f, step.service_date, now));
      CK_RETURN_IF_ERROR(ApplyStep(c, f, *step.to, step.reason, step.outcome_note,
                                   step.service_date, std::nullopt, true, now, step.responder));
      detail = "status=" + *step.to;
    }
    if (step.capacity) {
      CK_RETURN_IF_ERROR(
          Directory::SetCapacity(c, f.resource_id, *step.capacity, step.capacity_note, now));
      CK_RETURN_IF_ERROR(AddReferralEvent(
          c, f.id, "capacity",
          Json({{"capacity", *step.capacity}, {"note", step.capacity_note.value_or("")}}).dump(),
          std::nullopt, true, now));
      detail += (detail.empty() ? "" : " ") + std::string("capacity=") + *step.capacity;
    }
    CK_ASSIGN_OR_RETURN(Referral after, LoadReferral(c, f.id, now));
    CK_ASSIGN_OR_RETURN(out, ViewOf(c, after));
    out.today = FormatDate(LocalDate(now));
    return audit::Append(c,
                         audit::EventBy(actor, now, "referral.partner_update", "resource_referral",
                                        std::to_string(f.id), f.patient_id, detail));
  }));
  CK_RETURN_IF_ERROR(refused);
  return out;
}

}  // namespace ck::social
