#include "assessments/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "assessments/alerts.h"
#include "audit/trail.h"
#include "events/outbox.h"
#include "social/service.h"

namespace ck::assessments {
namespace {

constexpr const char* kColumns =
    "id, patient_id, case_id, instrument_id, instrument_version, status, answers, result, score, "
    "band, started_by, started_at, completed_by, completed_at, error_reason, updated_at, version";

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

Result<Assessment> Load(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kColumns + " FROM assessments WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no such assessment");
  const db::Row& r = rows.at(0);
  Assessment a;
  a.id = r.Int(0);
  a.patient_id = r.Int(1);
  a.case_id = r.Int(2);
  a.instrument_id = r.Text(3);
  a.instrument_version = r.Text(4);
  a.status = r.Text(5);
  a.answers = Json::parse(r.Text(6), nullptr, false);
  a.result = r.IsNull(7) ? Json() : Json::parse(r.Text(7), nullptr, false);
  if (!r.IsNull(8)) a.score = r.Real(8);
  a.band = r.OptText(9);
  a.started_by = r.Int(10);
  a.started_at = r.Int(11);
  a.completed_by = r.OptInt(12);
  a.completed_at = r.OptInt(13);
  a.error_reason = r.OptText(14);
  a.updated_at = r.Int(15);
  a.version = static_cast<int>(r.Int(16));
  CK_ASSIGN_OR_RETURN(auto stamps,
                      c.Query("SELECT section_id, completed_by, completed_at FROM "
                              "assessment_sections WHERE assessment_id = ? ORDER BY id",
                              {id}));
  for (const db::Row& s : stamps) a.sections.push_back({s.Text(0), s.Int(1), s.Int(2)});
  CK_ASSIGN_OR_RETURN(auto concl,
                      c.Query("SELECT id, domain, conclusion, recorded_by, recorded_at FROM "
                              "assessment_conclusions WHERE assessment_id = ? ORDER BY id",
                              {id}));
  for (const db::Row& s : concl)
    a.conclusions.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4)});
  CK_ASSIGN_OR_RETURN(auto alerts,
                      c.Query("SELECT id FROM alerts WHERE assessment_id = ? ORDER BY id", {id}));
  for (const db::Row& s : alerts) a.alert_ids.push_back(s.Int(0));
  return a;
}

Result<int64_t> OpenCasePatient(db::Connection& c, int64_t case_id) {
  CK_ASSIGN_OR_RETURN(auto rows,
                      c.Query("SELECT patient_id, status FROM cases WHERE id = ?", {case_id}));
  if (rows.empty()) return NotFound("no such case");
  if (rows.at(0).Text(1) == "closed")
    return FailedPrecondition("the case is closed; reopen it or refer the patient again");
  return rows.at(0).Int(0);
}

Status CheckVersion(const Assessment& a, int expected) {
  if (a.version == expected) return Status::Ok();
  return Conflict("changed since version " + std::to_string(expected) + " (now " +
                      std::to_string(a.version) + "); reload and apply again",
                  "version");
}

// Stamps each section that is complete now and was not, or whose answers changed.
Status StampSections(db::Connection& c, const scoring::Instrument& in, const Assessment& a,
                     const Json& before, const Json& after,
                     const std::vector<std::string>& complete_now, int64_t user, Timestamp now) {
  for (const std::string& section : complete_now) {
    bool stamped = std::any_of(a.sections.begin(), a.sections.end(),
                               [&](const SectionStamp& s) { return s.section_id == section; });
    if (stamped && in.SectionAnswers(before, section) == in.SectionAnswers(after, section))
      continue;
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO assessment_sections (assessment_id, section_id, "
                              "completed_by, completed_at) VALUES (?, ?, ?, ?)",
                              {a.id, section, user, now})
                           .status());
  }
  return Status::Ok();
}

Status CheckAnswersObject(const Json& answers) {
  if (!answers.is_object()) return InvalidArgument("must be an object", "answers");
  if (answers.dump().size() > 64 * 1024) return InvalidArgument("is larger than 64 KiB", "answers");
  return Status::Ok();
}

// Answer errors name the answer inside "answers".
Result<scoring::Evaluation> InAnswers(Result<scoring::Evaluation> r) {
  if (r.ok() || r.status().code() != ErrorCode::kInvalidArgument) return r;
  const std::string& field = r.status().field();
  return InvalidArgument(r.status().message(),
                         field.empty() || field == "body" ? "answers" : "answers." + field);
}

}  // namespace

Status SyncDefinitions(db::Database& db, scoring::Catalog& catalog, Timestamp now) {
  CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
    for (const auto& in : catalog.All()) {
      std::string text = in->definition().dump();
      CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT definition FROM instrument_definitions "
                                             "WHERE instrument_id = ? AND version = ?",
                                             {in->id(), in->version()}));
      if (rows.empty()) {
        CK_RETURN_IF_ERROR(c.Exec("INSERT INTO instrument_definitions (instrument_id, version, "
                                  "title, definition, first_loaded_at) VALUES (?, ?, ?, ?, ?)",
                                  {in->id(), in->version(), in->title(), text, now})
                               .status());
      } else if (Json::parse(rows.at(0).Text(0), nullptr, false) != in->definition()) {
        return FailedPrecondition("instrument " + in->id() + " version " + in->version() +
                                  " differs from the definition stored under that version; "
                                  "give the changed definition a new version");
      }
    }
    return Status::Ok();
  }));
  std::vector<std::pair<std::string, std::string>> stored;  // source, definition
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    return c.ForEachRow("SELECT instrument_id, version, definition FROM instrument_definitions", {},
                        [&](const db::Row& r) {
                          if (!catalog.Find(r.Text(0), r.Text(1)))
                            stored.emplace_back(r.Text(0) + " " + r.Text(1), r.Text(2));
                          return Status::Ok();
                        });
  }));
  for (const auto& [source, text] : stored) {
    Status st = catalog.AddArchived(Json::parse(text, nullptr, false), "stored " + source);
    if (!st.ok())  // assessments made with it cannot complete; everything else works
      spdlog::warn("instrument definition {} no longer loads: {}", source, st.ToString());
  }
  return Status::Ok();
}

Result<int64_t> PatientOfAssessment(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT patient_id FROM assessments WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no such assessment");
  return rows.at(0).Int(0);
}

Result<Assessment> Service::Finish(db::Connection& c, const auth::Principal& who,
                                   const auth::Actor& actor, Assessment a, Timestamp now) {
  const scoring::Instrument* in = catalog_.Find(a.instrument_id, a.instrument_version);
  if (!in)
    return Internal("instrument " + a.instrument_id + " " + a.instrument_version + " missing");
  CK_ASSIGN_OR_RETURN(scoring::Evaluation e,
                      InAnswers(in->Evaluate(a.answers, scoring::Instrument::Mode::kComplete)));
  CK_RETURN_IF_ERROR(
      StampSections(c, *in, a, a.answers, a.answers, e.complete_sections, who.user_id, now));
  std::vector<std::string> flags;
  for (const auto& [id, on] : e.flags)
    if (on) flags.push_back(id);
  CK_ASSIGN_OR_RETURN(
      int64_t n,
      c.Exec("UPDATE assessments SET status = 'completed', result = ?, score = ?, band = ?, "
             "flags = ?, positive_domains = ?, completed_by = ?, completed_at = ?, updated_at = ?, "
             "version = version + 1 WHERE id = ? AND version = ?",
             {e.ToJson().dump(), e.primary_score, e.primary_band, Join(flags),
              Join(e.positive_domains), who.user_id, now, now, a.id, a.version}));
  if (n != 1) return Conflict("the assessment changed meanwhile; reload", "version");
  for (const scoring::Alert& alert : e.alerts) {
    AlertRecord r;
    r.patient_id = a.patient_id;
    r.case_id = a.case_id;
    r.assessment_id = a.id;
    r.kind = alert.kind;
    r.severity = alert.severity;
    r.reason = alert.reason;
    CK_ASSIGN_OR_RETURN(int64_t alert_id, RaiseAlert(c, r, who.user_id, now));
    CK_RETURN_IF_ERROR(audit::Append(
        c, audit::EventBy(actor, now, "alert.raise", "alert", std::to_string(alert_id),
                          a.patient_id, alert.kind + " from assessment " + std::to_string(a.id))));
  }
  CK_RETURN_IF_ERROR(
      audit::Append(c, audit::EventBy(actor, now, "assessment.complete", "assessment",
                                      std::to_string(a.id), a.patient_id, a.instrument_id)));
  // A positive social-needs domain opens a barrier on the case.
  CK_ASSIGN_OR_RETURN(auto barriers,
                      social::OpenBarriersFromScreening(c, a.patient_id, a.case_id, a.id,
                                                        e.positive_domains, who.user_id, now));
  for (int64_t b : barriers)
    CK_RETURN_IF_ERROR(audit::Append(
        c, audit::EventBy(actor, now, "barrier.identify", "barrier", std::to_string(b),
                          a.patient_id, "from assessment " + std::to_string(a.id))));
  // For programs that act on results (a counselling referral when PHQ-9 >= 10).
  CK_RETURN_IF_ERROR(events::Raise(
      c,
      {.kind = "assessment.completed",
       .patient_id = a.patient_id,
       .entity_type = "assessment",
       .entity_id = a.id,
       .payload = nlohmann::json{{"instrument", a.instrument_id}, {"case_id", a.case_id}}.dump()},
      now));
  return Load(c, a.id);
}

Result<Assessment> Service::Start(const auth::Principal& who, const auth::Actor& actor,
                                  int64_t case_id, const std::string& instrument,
                                  const Json& answers, bool complete) {
  const scoring::Instrument* in = catalog_.Current(instrument);
  if (!in) return InvalidArgument("no such instrument", "instrument");
  CK_RETURN_IF_ERROR(CheckAnswersObject(answers));
  CK_ASSIGN_OR_RETURN(scoring::Evaluation draft,
                      InAnswers(in->Evaluate(answers, scoring::Instrument::Mode::kDraft)));
  Timestamp now = clock_.Now();
  Assessment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(int64_t patient, OpenCasePatient(c, case_id));
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(
            "INSERT INTO assessments (patient_id, case_id, instrument_id, instrument_version, "
            "status, answers, started_by, started_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'in_progress', ?, ?, ?, ?) RETURNING id",
            {patient, case_id, in->id(), in->version(), answers.dump(), who.user_id, now, now}));
    CK_ASSIGN_OR_RETURN(Assessment a, Load(c, rows.at(0).Int(0)));
    CK_RETURN_IF_ERROR(audit::Append(c, audit::EventBy(actor, now, "assessment.start", "assessment",
                                                       std::to_string(a.id), patient, in->id())));
    if (complete) {
      CK_ASSIGN_OR_RETURN(out, Finish(c, who, actor, a, now));
      return Status::Ok();
    }
    CK_RETURN_IF_ERROR(
        StampSections(c, *in, a, Json(), answers, draft.complete_sections, who.user_id, now));
    CK_ASSIGN_OR_RETURN(out, Load(c, a.id));
    return Status::Ok();
  }));
  return out;
}

Result<Assessment> Service::Answer(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                                   const Json& patch, int expected_version) {
  CK_RETURN_IF_ERROR(CheckAnswersObject(patch));
  Timestamp now = clock_.Now();
  Assessment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Assessment a, Load(c, id));
    CK_RETURN_IF_ERROR(CheckVersion(a, expected_version));
    if (a.status != "in_progress")
      return FailedPrecondition("the assessment is " + a.status + "; its answers cannot change");
    CK_RETURN_IF_ERROR(OpenCasePatient(c, a.case_id).status());
    const scoring::Instrument* in = catalog_.Find(a.instrument_id, a.instrument_version);
    if (!in) return Internal("instrument definition missing");
    Json merged = a.answers;
    merged.merge_patch(patch);
    CK_RETURN_IF_ERROR(CheckAnswersObject(merged));
    CK_ASSIGN_OR_RETURN(scoring::Evaluation draft,
                        InAnswers(in->Evaluate(merged, scoring::Instrument::Mode::kDraft)));
    CK_RETURN_IF_ERROR(c.Exec("UPDATE assessments SET answers = ?, updated_at = ?, version = "
                              "version + 1 WHERE id = ?",
                              {merged.dump(), now, id})
                           .status());
    CK_RETURN_IF_ERROR(
        StampSections(c, *in, a, a.answers, merged, draft.complete_sections, who.user_id, now));
    CK_RETURN_IF_ERROR(
        audit::Append(c, audit::EventBy(actor, now, "assessment.answer", "assessment",
                                        std::to_string(id), a.patient_id)));
    CK_ASSIGN_OR_RETURN(out, Load(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<Assessment> Service::Complete(const auth::Principal& who, const auth::Actor& actor,
                                     int64_t id, int expected_version) {
  Timestamp now = clock_.Now();
  Assessment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Assessment a, Load(c, id));
    CK_RETURN_IF_ERROR(CheckVersion(a, expected_version));
    if (a.status != "in_progress")
      return FailedPrecondition("the assessment is already " + a.status);
    CK_RETURN_IF_ERROR(OpenCasePatient(c, a.case_id).status());
    CK_ASSIGN_OR_RETURN(out, Finish(c, who, actor, a, now));
    return Status::Ok();
  }));
  return out;
}

Result<Assessment> Service::MarkEnteredInError(const auth::Principal& who, const auth::Actor& actor,
                                               int64_t id, const std::string& reason,
                                               int expected_version) {
  if (reason.empty() || reason.size() > 1000)
    return InvalidArgument("say why (1 to 1000 bytes)", "reason");
  Timestamp now = clock_.Now();
  Assessment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Assessment a, Load(c, id));
    CK_RETURN_IF_ERROR(CheckVersion(a, expected_version));
    if (a.status == "entered_in_error") return FailedPrecondition("already entered in error");
    CK_RETURN_IF_ERROR(c.Exec("UPDATE assessments SET status = 'entered_in_error', error_reason "
                              "= ?, updated_at = ?, version = version + 1 WHERE id = ?",
                              {reason, now, id})
                           .status());
    CK_RETURN_IF_ERROR(
        c.Exec("UPDATE alerts SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
               "resolution = ?, version = version + 1 WHERE assessment_id = ? AND status <> "
               "'resolved'",
               {who.user_id, now, "assessment entered in error: " + reason, id})
            .status());
    CK_RETURN_IF_ERROR(
        audit::Append(c, audit::EventBy(actor, now, "assessment.entered_in_error", "assessment",
                                        std::to_string(id), a.patient_id)));
    CK_ASSIGN_OR_RETURN(out, Load(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<Assessment> Service::Conclude(const auth::Principal& who, const auth::Actor& actor,
                                     int64_t id, const std::string& domain,
                                     const std::string& conclusion) {
  if (conclusion.empty() || conclusion.size() > 5000)
    return InvalidArgument("must be 1 to 5000 bytes", "conclusion");
  Timestamp now = clock_.Now();
  Assessment out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Assessment a, Load(c, id));
    if (a.status != "completed")
      return FailedPrecondition("conclusions are recorded on completed assessments");
    const scoring::Instrument* in = catalog_.Find(a.instrument_id, a.instrument_version);
    if (!in) return Internal("instrument definition missing");
    bool known = std::any_of(in->domains().begin(), in->domains().end(),
                             [&](const auto& d) { return d.first == domain; });
    if (!known) {
      std::string list;
      for (const auto& d : in->domains()) list += (list.empty() ? "" : ", ") + d.first;
      return InvalidArgument("must be one of the instrument's domains: " + list, "domain");
    }
    CK_RETURN_IF_ERROR(c.Exec("INSERT INTO assessment_conclusions (assessment_id, domain, "
                              "conclusion, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)",
                              {id, domain, conclusion, who.user_id, now})
                           .status());
    CK_RETURN_IF_ERROR(
        audit::Append(c, audit::EventBy(actor, now, "assessment.conclude", "assessment",
                                        std::to_string(id), a.patient_id, domain)));
    CK_ASSIGN_OR_RETURN(out, Load(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<Assessment> Service::Get(const auth::Actor& actor, int64_t id) {
  Assessment out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, Load(c, id));
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "assessment.read", "assessment",
                                           std::to_string(id), out.patient_id)));
  return out;
}

Result<std::vector<Assessment>> Service::ListWhere(const auth::Actor& actor, const char* owner,
                                                   int64_t owner_id) {
  std::vector<Assessment> out;
  int64_t patient = owner_id;
  const std::string owner_column = std::string(owner) + "_id";
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    if (owner_column == "case_id") {
      CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT patient_id FROM cases WHERE id = ?", {owner_id}));
      if (k.empty()) return NotFound("no such case");
      patient = k.at(0).Int(0);
    }
    CK_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM assessments WHERE " + owner_column +
                                               " = ? ORDER BY id DESC LIMIT 500",
                                           {owner_id}));
    for (const db::Row& r : rows) {
      CK_ASSIGN_OR_RETURN(Assessment a, Load(c, r.Int(0)));
      out.push_back(std::move(a));
    }
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "assessment.list", owner,
                                           std::to_string(owner_id), patient)));
  return out;
}

Result<std::vector<Assessment>> Service::ForCase(const auth::Actor& actor, int64_t case_id) {
  return ListWhere(actor, "case", case_id);
}

Result<std::vector<Assessment>> Service::ForPatient(const auth::Actor& actor, int64_t patient_id) {
  return ListWhere(actor, "patient", patient_id);
}

}  // namespace ck::assessments
