// Insurance work, tracked to its deadlines: eligibility checks on coverages,
// prior authorizations (requested services, status workflow, the payer's
// decision due time from the payer rules, units used from claims and
// appointments), appeals by level with filing and decision deadlines, claims
// with their adjustment codes. Reads return JSON documents (docs/insurance.md).
//
//   insurance::Service insurance(db, clock, deadlines, PayerRules::Builtin(), {});
//   CK_ASSIGN_OR_RETURN(Json pa, insurance.CreateAuthorization(who, actor, patient_id, body));
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"
#include "insurance/claims_csv.h"
#include "insurance/deadlines.h"
#include "insurance/rules.h"

namespace ck::insurance {

using Json = nlohmann::json;

class Service {
 public:
  struct Options {
    int renewal_days_before = 14;
    int renewal_units_percent = 80;
    int eligibility_max_age_days = 30;
    int coverage_ending_days = 30;
  };
  Service(db::Database& db, const Clock& clock, const Deadlines& deadlines, const PayerRules& rules,
          Options options)
      : db_(db), clock_(clock), deadlines_(deadlines), rules_(rules), options_(options) {}

  // Eligibility: {"coverage_id","result","method","reference"?,"note"?,"checked_at"?}.
  Result<Json> RecordEligibility(const auth::Principal& who, const auth::Actor& actor,
                                 int64_t patient_id, const Json& body);
  // The patient's coverages, each with its latest eligibility check and whether
  // it needs re-verification.
  Result<Json> Coverages(const auth::Actor& actor, int64_t patient_id);

  // Prior authorizations. Body: coverage_id*, urgency*, requesting_provider*,
  // servicing_provider, diagnosis_codes*, services* [{code, code_system?,
  // description?, units, service_from, service_to}], clinical_summary,
  // case_id, submit (bool), received_at.
  Result<Json> CreateAuthorization(const auth::Principal& who, const auth::Actor& actor,
                                   int64_t patient_id, const Json& body);
  Result<Json> GetAuthorization(const auth::Actor& actor, int64_t id);
  Result<Json> AuthorizationsOf(const auth::Actor& actor, int64_t patient_id);
  // A workflow action: {"action": submit | pend | approve | partially_approve |
  // deny | withdraw | expire | extend, ...its fields, "version"}.
  // FailedPrecondition for an action the status does not allow.
  Result<Json> ActOnAuthorization(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                                  const Json& body);

  // Appeals of a denied (or partly denied) authorization or claim. Body:
  // level*, urgency, kind, notice_date, notice_received_on, argument.
  Result<Json> OpenAppeal(const auth::Principal& who, const auth::Actor& actor,
                          std::optional<int64_t> authorization_id, std::optional<int64_t> claim_id,
                          const Json& body);
  Result<Json> GetAppeal(const auth::Actor& actor, int64_t id);
  // {"action": file | decide | withdraw | evidence, ...}: evidence sets the
  // packet's items [{"kind": condition | note | assessment | document, "id"}].
  Result<Json> ActOnAppeal(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                           const Json& body);
  // Everything the appeal packet shows (patient, coverage, request, denial,
  // timeline, the selected evidence), for the PDF.
  Result<Json> PacketContent(const auth::Actor& actor, int64_t appeal_id);

  // Claims: one claim (upsert by payer and claim number), or a payer's CSV extract.
  Result<Json> RecordClaim(const auth::Principal& who, const auth::Actor& actor, int64_t patient_id,
                           const Json& body);
  Result<Json> ClaimsOf(const auth::Actor& actor, int64_t patient_id);
  Result<ClaimImport> ImportClaims(const auth::Actor& actor, std::string_view csv) {
    return ImportClaimsCsv(db_, clock_, actor, csv);
  }

  // Renewal tasks for approvals ending or running out of units, and tasks for
  // coverages ending or unverified; approvals past their dates expire. `serve`
  // runs it every insurance.check_minutes. Returns the tasks made.
  Result<int> CheckRenewals();

  // Prior authorization and appeal figures over [from, to) (docs/insurance.md).
  Result<Json> Report(const auth::Actor& actor, Timestamp from, Timestamp to);

  const PayerRules& rules() const { return rules_; }

 private:
  db::Database& db_;
  const Clock& clock_;
  const Deadlines& deadlines_;
  const PayerRules& rules_;
  Options options_;
};

// "CPT 99213", "HCPCS J9271": the code system of a procedure code by its
// format (CPT: five digits, or four and F/T; HCPCS Level II: a letter A-V and
// four digits); nullopt for neither.
std::optional<std::string> ProcedureCodeSystem(std::string_view code);

// A short description of a claim adjustment code ("CARC:50", "RARC:N115").
std::optional<std::string> AdjustmentCodeDescription(std::string_view code);

}  // namespace ck::insurance
