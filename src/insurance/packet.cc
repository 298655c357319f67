#include "insurance/packet.h"

#include <memory>
#include <vector>

#include "audit/trail.h"
#include "insurance/internal.h"
#include "insurance/service.h"
#include "reports/pdf.h"

namespace ck::insurance {
namespace {

using namespace internal;

std::string Str(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return "-";
  if (j[key].is_string()) return j[key].get<std::string>();
  return j[key].dump();
}

}  // namespace

Result<std::string> RenderPacketPdf(const Json& c) {
  reports::PdfDocument pdf(
      "CONFIDENTIAL - protected health information. Appeal packet prepared by casekeeper.");
  if (!pdf.ok()) return Internal("libharu could not start a document");
  const Json& appeal = c["appeal"];
  const Json& patient = c["patient"];
  pdf.Heading("Appeal: " + Str(appeal, "level_name") + " (" + Str(appeal, "urgency") + ")");
  pdf.Field("Appeal", Str(appeal, "id") + ", " + Str(appeal, "status"));
  pdf.Field("Filing deadline",
            Str(appeal, "filing_deadline") + " - " + Str(appeal, "filing_deadline_rule"));
  pdf.Field("Decision due", Str(appeal, "decision_due_at"));
  pdf.Heading("Patient");
  pdf.Field("Name", Str(patient, "name"));
  pdf.Field("Date of birth", Str(patient, "birth_date"));
  pdf.Field("Sex", Str(patient, "administrative_sex"));
  for (const Json& id : patient["identifiers"]) pdf.Field(Str(id, "system"), Str(id, "value"));
  if (c.contains("coverage") && !c["coverage"].is_null()) {
    const Json& v = c["coverage"];
    pdf.Heading("Coverage");
    pdf.Field("Payer", Str(v, "payer") + (v["plan"].is_null() ? "" : ", " + Str(v, "plan")));
    pdf.Field("Product", Str(v, "product_type"));
    pdf.Field("Member id", Str(v, "member_id"));
    pdf.Field("Effective", Str(v, "effective_from") + " to " + Str(v, "effective_to"));
  }
  if (c.contains("authorization") && !c["authorization"].is_null()) {
    const Json& a = c["authorization"];
    pdf.Heading("The request");
    pdf.Field("Authorization",
              Str(a, "id") + (a["payer_reference"].is_null()
                                  ? ""
                                  : " (payer reference " + Str(a, "payer_reference") + ")"));
    pdf.Field("Urgency", Str(a, "urgency"));
    pdf.Field("Requested by", Str(a, "requesting_provider"));
    pdf.Field("Servicing provider", Str(a, "servicing_provider"));
    std::string dx;
    for (const Json& d : a["diagnosis_codes"])
      dx += (dx.empty() ? "" : ", ") + d.get<std::string>();
    pdf.Field("Diagnoses", dx);
    for (const Json& s : a["services"])
      pdf.Text("- " + Str(s, "code_system") + " " + Str(s, "code") + " " + Str(s, "description") +
               ": " + Str(s, "units_requested") + " units, " + Str(s, "service_from") + " to " +
               Str(s, "service_to"));
    if (!a["clinical_summary"].is_null()) pdf.Field("Clinical summary", Str(a, "clinical_summary"));
    for (const Json& d : a["documents"])
      pdf.Text("Sent with the request: " + Str(d, "title") + " (" + Str(d, "doc_type") + ")");
    pdf.Heading("The denial");
    pdf.Field("Decision", Str(a, "status") + " on " + Str(a, "decided_at"));
    pdf.Field("Payer's reason", Str(a, "denial_reason"));
    if (!a["denial_code"].is_null()) pdf.Field("Code", Str(a, "denial_code"));
  }
  if (c.contains("claim") && !c["claim"].is_null()) {
    const Json& k = c["claim"];
    pdf.Heading("The claim");
    pdf.Field("Claim", Str(k, "claim_number") + ", " + Str(k, "status"));
    pdf.Field("Service", Str(k, "service_code") + " " + Str(k, "service_from") + " to " +
                             Str(k, "service_to"));
    pdf.Field("Billed / allowed / paid",
              Str(k, "billed") + " / " + Str(k, "allowed") + " / " + Str(k, "paid"));
    for (const Json& code : k["adjustment_codes"])
      pdf.Text("- " + Str(code, "code") + ": " + Str(code, "description"));
  }
  if (!appeal["argument"].is_null()) {
    pdf.Heading("Why the decision should change");
    pdf.Text(Str(appeal, "argument"));
  }
  pdf.Heading("Timeline");
  for (const Json& e : c["timeline"])
    pdf.Text(Str(e, "at") + "  " + Str(e, "what") +
             (e["detail"].is_null() ? "" : ": " + Str(e, "detail")));
  pdf.Heading("Clinical evidence");
  if (c["evidence"].empty()) pdf.Text("(none selected)");
  for (const Json& e : c["evidence"]) {
    pdf.Space(4);
    pdf.Text(Str(e, "title"), true);
    pdf.Text(Str(e, "text"));
  }
  return pdf.Finish("Appeal packet " + Str(appeal, "id"));
}

Result<Json> Service::PacketContent(const auth::Actor& actor, int64_t appeal_id) {
  Json out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Json appeal, LoadAppeal(c, appeal_id));
    int64_t patient = appeal["patient_id"];
    out = {{"appeal", appeal}, {"generated_at", FormatTimestamp(clock_.Now())}};
    CK_ASSIGN_OR_RETURN(auto p, c.Query("SELECT given_name, family_name, birth_date, "
                                        "administrative_sex FROM patients WHERE id = ?",
                                        {patient}));
    Json ids = Json::array();
    CK_RETURN_IF_ERROR(
        c.ForEachRow("SELECT system, value FROM patient_identifiers WHERE "
                     "patient_id = ? ORDER BY id",
                     {patient}, [&](const db::Row& r) {
                       ids.push_back({{"system", r.Text(0)}, {"value", r.Text(1)}});
                       return Status::Ok();
                     }));
    out["patient"] = {{"id", patient},
                      {"name", p.at(0).Text(0) + " " + p.at(0).Text(1)},
                      {"birth_date", p.at(0).Text(2)},
                      {"administrative_sex", p.at(0).Text(3)},
                      {"identifiers", ids}};
    Json timeline = Json::array();
    std::optional<int64_t> coverage;
    if (!appeal["authorization_id"].is_null()) {
      CK_ASSIGN_OR_RETURN(Json a, LoadAuthorization(c, appeal["authorization_id"].get<int64_t>()));
      coverage = a["coverage_id"].get<int64_t>();
      for (const Json& e : a["history"])
        timeline.push_back({{"at", e["at"]},
                            {"what", "request " + e["kind"].get<std::string>()},
                            {"detail", e["detail"]}});
      out["authorization"] = std::move(a);
    }
    if (!appeal["claim_id"].is_null()) {
      CK_ASSIGN_OR_RETURN(auto k, c.Query("SELECT claim_number, status, service_code, "
                                          "service_from, service_to, billed_cents, "
                                          "allowed_cents, paid_cents, adjustment_codes, "
                                          "coverage_id FROM claims WHERE id = ?",
                                          {appeal["claim_id"].get<int64_t>()}));
      const db::Row& r = k.at(0);
      auto money = [&](size_t i) {
        return r.IsNull(i) ? Json(nullptr) : Json(static_cast<double>(r.Int(i)) / 100.0);
      };
      out["claim"] = {{"claim_number", r.Text(0)},
                      {"status", r.Text(1)},
                      {"service_code", Opt(r.OptText(2))},
                      {"service_from", r.Text(3)},
                      {"service_to", r.Text(4)},
                      {"billed", money(5)},
                      {"allowed", money(6)},
                      {"paid", money(7)},
                      {"adjustment_codes", AdjustmentCodesJson(r.Text(8))}};
      coverage = r.OptInt(9);
    }
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT p.level_name, e.kind, e.detail, e.at FROM appeal_events e JOIN appeals p ON p.id "
        "= e.appeal_id WHERE p.patient_id = ? AND ((p.authorization_id IS NOT NULL AND "
        "p.authorization_id = ?) OR (p.claim_id IS NOT NULL AND p.claim_id = ?)) ORDER BY e.id",
        {patient,
         appeal["authorization_id"].is_null() ? int64_t{0}
                                              : appeal["authorization_id"].get<int64_t>(),
         appeal["claim_id"].is_null() ? int64_t{0} : appeal["claim_id"].get<int64_t>()},
        [&](const db::Row& r) {
          timeline.push_back({{"at", FormatTimestamp(r.Int(3))},
                              {"what", r.Text(0) + " " + r.Text(1)},
                              {"detail", Opt(r.OptText(2))}});
          return Status::Ok();
        }));
    std::stable_sort(timeline.begin(), timeline.end(), [](const Json& a, const Json& b) {
      return a["at"].get<std::string>() < b["at"].get<std::string>();
    });
    out["timeline"] = timeline;
    out["coverage"] = nullptr;
    if (coverage) {
      CK_ASSIGN_OR_RETURN(auto v,
                          c.Query("SELECT payer, plan, product_type, member_id, "
                                  "effective_from, effective_to FROM coverages WHERE id = ?",
                                  {*coverage}));
      if (!v.empty())
        out["coverage"] = {
            {"payer", v.at(0).Text(0)},          {"plan", Opt(v.at(0).OptText(1))},
            {"product_type", v.at(0).Text(2)},   {"member_id", v.at(0).Text(3)},
            {"effective_from", v.at(0).Text(4)}, {"effective_to", Opt(v.at(0).OptText(5))}};
    }
    Json evidence = Json::array();
    for (const Json& e : appeal["evidence"]) {
      std::string kind = e["kind"];
      int64_t id = e["id"];
      Json item = {{"kind", kind}, {"id", id}};
      if (kind == "condition") {
        CK_ASSIGN_OR_RETURN(auto r, c.Query("SELECT code, description, status, onset_date FROM "
                                            "conditions WHERE id = ?",
                                            {id}));
        item["title"] = "Condition " + r.at(0).Text(0);
        item["text"] = r.at(0).OptText(1).value_or("") + " (" + r.at(0).Text(2) +
                       (r.at(0).IsNull(3) ? "" : ", since " + r.at(0).Text(3)) + ")";
      } else if (kind == "note") {
        CK_ASSIGN_OR_RETURN(auto r, c.Query("SELECT note_type, body, status, signed_at, "
                                            "created_at FROM case_notes WHERE id = ?",
                                            {id}));
        item["title"] = "Case note (" + r.at(0).Text(0) + ", " +
                        (r.at(0).IsNull(3) ? "unsigned draft of " + FormatTimestamp(r.at(0).Int(4))
                                           : "signed " + FormatTimestamp(r.at(0).Int(3))) +
                        ")";
        item["text"] = r.at(0).Text(1);
      } else if (kind == "assessment") {
        CK_ASSIGN_OR_RETURN(auto r, c.Query("SELECT instrument_id, score, band, status, "
                                            "completed_at FROM assessments WHERE id = ?",
                                            {id}));
        item["title"] = "Assessment " + r.at(0).Text(0) +
                        (r.at(0).IsNull(4) ? "" : " completed " + FormatTimestamp(r.at(0).Int(4)));
        item["text"] =
            "Score " + (r.at(0).IsNull(1) ? std::string("-") : Json(r.at(0).Real(1)).dump()) +
            (r.at(0).IsNull(2) ? "" : ", " + r.at(0).Text(2)) + " (" + r.at(0).Text(3) + ")";
      } else if (kind == "document") {
        CK_ASSIGN_OR_RETURN(auto r, c.Query("SELECT title, doc_type, document_date, source, "
                                            "size_bytes, sha256 FROM documents WHERE id = ?",
                                            {id}));
        item["title"] = "Document: " + r.at(0).Text(0);
        item["text"] = r.at(0).Text(1) + (r.at(0).IsNull(2) ? "" : ", dated " + r.at(0).Text(2)) +
                       (r.at(0).IsNull(3) ? "" : ", from " + r.at(0).Text(3)) + "; enclosed (" +
                       std::to_string(r.at(0).Int(4)) + " bytes, SHA-256 " +
                       r.at(0).Text(5).substr(0, 16) + "...)";
      }
      evidence.push_back(std::move(item));
    }
    out["evidence"] = evidence;
    return Status::Ok();
  }));
  CK_RETURN_IF_ERROR(audit::AppendNow(
      db_, audit::EventBy(actor, clock_.Now(), "appeal.packet", "appeal", std::to_string(appeal_id),
                          out["patient"]["id"].get<int64_t>())));
  return out;
}

}  // namespace ck::insurance
