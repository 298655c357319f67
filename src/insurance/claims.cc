// Claims: status, amounts, adjustment codes; one at a time or from CSV.
#include <map>

#include "audit/trail.h"
#include "core/csv.h"
#include "core/strings.h"
#include "http/json.h"
#include "insurance/claims_csv.h"
#include "insurance/internal.h"
#include "insurance/service.h"

namespace ck::insurance {
namespace {

using namespace internal;

// A curated subset of the X12 claim adjustment reason codes (CARC) and
// remittance advice remark codes (RARC) case managers meet most, described in
// our own words (the code lists themselves are maintained by X12 and CMS).
const std::map<std::string, std::string>& AdjustmentCodes() {
  static const std::map<std::string, std::string> kCodes = {
      {"CARC:1", "Deductible amount"},
      {"CARC:2", "Coinsurance amount"},
      {"CARC:3", "Co-payment amount"},
      {"CARC:4", "Procedure code inconsistent with the modifier, or a modifier is missing"},
      {"CARC:5", "Procedure code or bill type inconsistent with the place of service"},
      {"CARC:11", "Diagnosis inconsistent with the procedure"},
      {"CARC:15", "Authorization number missing or invalid"},
      {"CARC:16", "Claim lacks information or has billing errors"},
      {"CARC:18", "Exact duplicate claim or service"},
      {"CARC:22", "May be covered by another payer (coordination of benefits)"},
      {"CARC:23", "Impact of prior payer adjudication"},
      {"CARC:26", "Expenses incurred before coverage began"},
      {"CARC:27", "Expenses incurred after coverage ended"},
      {"CARC:29", "Time limit for filing has expired"},
      {"CARC:31", "Patient cannot be identified as our insured"},
      {"CARC:45", "Charge exceeds the fee schedule or maximum allowable"},
      {"CARC:50", "Not deemed a medical necessity by the payer"},
      {"CARC:55", "Procedure or treatment deemed experimental or investigational"},
      {"CARC:96", "Non-covered charge"},
      {"CARC:97", "Included in the payment for another service already adjudicated"},
      {"CARC:109", "Not covered by this payer or contractor"},
      {"CARC:119", "Benefit maximum for this period has been reached"},
      {"CARC:151", "Payer deems the information does not support this many services"},
      {"CARC:167", "This diagnosis is not covered"},
      {"CARC:197", "Precertification, authorization or notification absent"},
      {"CARC:198", "Precertification, notification or authorization exceeded"},
      {"CARC:204", "Service not covered under the patient's current benefit plan"},
      {"CARC:242", "Services not provided by network or primary care providers"},
      {"CARC:252", "An attachment or other documentation is required"},
      {"RARC:M127", "Missing patient medical record for this service"},
      {"RARC:MA04", "Secondary payment cannot be considered without the primary payer's"},
      {"RARC:MA130", "Claim has incomplete or invalid information; resubmit as a new claim"},
      {"RARC:N4", "Missing or incomplete prior insurance carrier remittance advice"},
      {"RARC:N54", "Claim information inconsistent with pre-certified or authorized services"},
      {"RARC:N115", "Decision based on a local coverage determination"},
      {"RARC:N130", "Consult plan benefit documents for coverage information"},
      {"RARC:N386", "Decision based on a national coverage determination"},
      {"RARC:N657", "Should be billed with the appropriate code for these services"},
  };
  return kCodes;
}

// "CARC:50 RARC:N115" (also CO-50 style group prefixes and commas): normalised
// and each one checked for its form.
Result<std::string> NormalizeCodes(std::string_view text, const std::string& field) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == ';')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != ',' && text[j] != ';') ++j;
    if (j == i) break;
    std::string token(text.substr(i, j - i));
    i = j;
    for (char& ch : token) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    // "CO-50" / "PR-1": a group code and a CARC.
    for (const char* group : {"CO-", "PR-", "OA-", "PI-", "CR-"})
      if (token.rfind(group, 0) == 0) token = "CARC:" + token.substr(3);
    std::string set = token.substr(0, token.find(':'));
    std::string code =
        token.find(':') == std::string::npos ? "" : token.substr(token.find(':') + 1);
    bool ok = false;
    if (set == "CARC")
      ok = !code.empty() && code.size() <= 4 && std::all_of(code.begin(), code.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch));
      });
    if (set == "RARC")
      ok = code.size() >= 2 && code.size() <= 6 &&
           std::isalpha(static_cast<unsigned char>(code[0])) &&
           std::all_of(code.begin(), code.end(),
                       [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)); });
    if (!ok)
      return InvalidArgument("'" + token + "' is not CARC:n or RARC:xn (e.g. CARC:50 RARC:N115)",
                             field);
    out += (out.empty() ? "" : " ") + set + ":" + code;
  }
  return out;
}

// Money as "1234.56", "1,234.56", "$1234" → cents.
Result<std::optional<int64_t>> Cents(const Json& body, const char* field) {
  if (!body.contains(field) || body[field].is_null()) return std::optional<int64_t>();
  const Json& v = body[field];
  if (v.is_number_integer()) return std::optional<int64_t>(v.get<int64_t>() * 100);
  std::string s = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
  std::string digits;
  int decimals = -1;
  for (char ch : s) {
    if (ch == '$' || ch == ',' || ch == ' ') continue;
    if (ch == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (ch < '0' || ch > '9' || decimals >= 2 || digits.size() > 12)
      return InvalidArgument("must be an amount such as 1234.56", field);
    digits += ch;
    if (decimals >= 0) ++decimals;
  }
  if (digits.empty()) return InvalidArgument("must be an amount such as 1234.56", field);
  int64_t cents = std::stoll(digits);
  for (int d = std::max(decimals, 0); d < 2; ++d) cents *= 10;
  return std::optional<int64_t>(cents);
}

Json ClaimJson(const db::Row& r) {
  auto money = [](const std::optional<int64_t>& c) {
    return c ? Json(static_cast<double>(*c) / 100.0) : Json(nullptr);
  };
  return {{"id", r.Int(0)},
          {"patient_id", r.Int(1)},
          {"coverage_id", OptInt(r.OptInt(2))},
          {"authorization_id", OptInt(r.OptInt(3))},
          {"payer", r.Text(4)},
          {"claim_number", r.Text(5)},
          {"service_from", r.Text(6)},
          {"service_to", r.Text(7)},
          {"service_code", Opt(r.OptText(8))},
          {"units", r.Int(9)},
          {"billed", money(r.OptInt(10))},
          {"allowed", money(r.OptInt(11))},
          {"paid", money(r.OptInt(12))},
          {"adjustment_codes", AdjustmentCodesJson(r.Text(13))},
          {"status", r.Text(14)},
          {"updated_at", FormatTimestamp(r.Int(15))},
          {"version", r.Int(16)}};
}

constexpr const char* kClaimColumns =
    "id, patient_id, coverage_id, authorization_id, payer, claim_number, service_from, "
    "service_to, service_code, units, billed_cents, allowed_cents, paid_cents, "
    "adjustment_codes, status, updated_at, version";

// Validates and upserts one claim in the caller's transaction; returns its id.
Result<int64_t> UpsertClaim(db::Connection& c, int64_t patient_id, const Json& body,
                            Timestamp now) {
  CK_RETURN_IF_ERROR(http::RejectUnknownFields(
      body, {"claim_number", "payer", "coverage_id", "authorization_id", "service_from",
             "service_to", "service_code", "units", "billed", "allowed", "paid", "status",
             "adjustment_codes", "member_id", "payer_reference"}));
  CK_ASSIGN_OR_RETURN(std::string number, http::RequiredString(body, "claim_number", 50));
  CK_ASSIGN_OR_RETURN(std::string payer, http::RequiredString(body, "payer", 200));
  CK_ASSIGN_OR_RETURN(auto coverage, OptInteger(body, "coverage_id", 1, INT64_MAX));
  CK_ASSIGN_OR_RETURN(auto auth, OptInteger(body, "authorization_id", 1, INT64_MAX));
  CK_ASSIGN_OR_RETURN(auto from, OptDate(body, "service_from"));
  if (!from) return InvalidArgument("is required (YYYY-MM-DD)", "service_from");
  CK_ASSIGN_OR_RETURN(auto to, OptDate(body, "service_to"));
  if (to && *to < *from) return InvalidArgument("is before service_from", "service_to");
  CK_ASSIGN_OR_RETURN(auto code, http::OptionalString(body, "service_code", 5));
  if (code && !ProcedureCodeSystem(*code))
    return InvalidArgument("is not a CPT or HCPCS code", "service_code");
  CK_ASSIGN_OR_RETURN(auto units, OptInteger(body, "units", 0, 10000));
  CK_ASSIGN_OR_RETURN(auto billed, Cents(body, "billed"));
  if (!billed) return InvalidArgument("is required", "billed");
  CK_ASSIGN_OR_RETURN(auto allowed, Cents(body, "allowed"));
  CK_ASSIGN_OR_RETURN(auto paid, Cents(body, "paid"));
  if (paid && allowed && *paid > *allowed) return InvalidArgument("exceeds allowed", "paid");
  if (allowed && *allowed > *billed) return InvalidArgument("exceeds billed", "allowed");
  CK_ASSIGN_OR_RETURN(std::string status, http::RequiredString(body, "status", 20));
  if (!OneOf(status,
             {"received", "pending", "paid", "partially_paid", "denied", "adjusted", "voided"}))
    return InvalidArgument(
        "must be received, pending, paid, partially_paid, denied, adjusted or voided", "status");
  CK_ASSIGN_OR_RETURN(auto codes_text, http::OptionalString(body, "adjustment_codes", 500));
  CK_ASSIGN_OR_RETURN(std::string codes,
                      NormalizeCodes(codes_text.value_or(""), "adjustment_codes"));
  if (status == "denied" && codes.empty())
    return InvalidArgument("a denied claim carries its CARC code", "adjustment_codes");
  if (coverage) {
    CK_ASSIGN_OR_RETURN(auto k,
                        c.Query("SELECT patient_id FROM coverages WHERE id = ?", {*coverage}));
    if (k.empty() || k.at(0).Int(0) != patient_id)
      return InvalidArgument("is not a coverage of this patient", "coverage_id");
  }
  if (auth) {
    CK_ASSIGN_OR_RETURN(
        auto k, c.Query("SELECT patient_id FROM prior_authorizations WHERE id = ?", {*auth}));
    if (k.empty() || k.at(0).Int(0) != patient_id)
      return InvalidArgument("is not an authorization of this patient", "authorization_id");
  }
  CK_ASSIGN_OR_RETURN(auto existing, c.Query("SELECT id, patient_id FROM claims WHERE payer = ? "
                                             "AND claim_number = ?",
                                             {payer, number}));
  db::Params values{coverage,
                    auth,
                    FormatDate(*from),
                    FormatDate(to.value_or(*from)),
                    code,
                    units.value_or(0),
                    *billed,
                    allowed,
                    paid,
                    status,
                    codes,
                    now};
  if (!existing.empty()) {
    if (existing.at(0).Int(1) != patient_id)
      return InvalidArgument("this claim number belongs to another patient", "claim_number");
    values.push_back(existing.at(0).Int(0));
    CK_RETURN_IF_ERROR(c.Exec("UPDATE claims SET coverage_id = ?, authorization_id = ?, "
                              "service_from = ?, service_to = ?, service_code = ?, units = ?, "
                              "billed_cents = ?, allowed_cents = ?, paid_cents = ?, status = ?, "
                              "adjustment_codes = ?, updated_at = ?, version = version + 1 WHERE "
                              "id = ?",
                              values)
                           .status());
    return existing.at(0).Int(0);
  }
  values.insert(values.begin(), {patient_id, payer, number});
  values.push_back(now);
  values.push_back(now);
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO claims (patient_id, payer, claim_number, coverage_id, "
              "authorization_id, service_from, service_to, service_code, units, billed_cents, "
              "allowed_cents, paid_cents, status, adjustment_codes, updated_at, received_at, "
              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
              values));
  return rows.at(0).Int(0);
}

}  // namespace

std::optional<std::string> AdjustmentCodeDescription(std::string_view code) {
  auto it = AdjustmentCodes().find(std::string(code));
  if (it == AdjustmentCodes().end()) return std::nullopt;
  return it->second;
}

namespace internal {

Json AdjustmentCodesJson(const std::string& codes) {
  Json out = Json::array();
  for (size_t s = 0; s < codes.size();) {
    size_t sp = codes.find(' ', s);
    if (sp == std::string::npos) sp = codes.size();
    std::string code = codes.substr(s, sp - s);
    out.push_back({{"code", code}, {"description", Opt(AdjustmentCodeDescription(code))}});
    s = sp + 1;
  }
  return out;
}

}  // namespace internal

Result<Json> Service::RecordClaim(const auth::Principal& who, const auth::Actor& actor,
                                  int64_t patient_id, const Json& body) {
  (void)who;
  Timestamp now = clock_.Now();
  Json out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(int64_t id, UpsertClaim(c, patient_id, body, now));
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query(std::string("SELECT ") + kClaimColumns + " FROM claims WHERE id = ?", {id}));
    out = ClaimJson(rows.at(0));
    return audit::Append(
        c, audit::EventBy(actor, now, "claim.record", "claim", std::to_string(id), patient_id));
  }));
  return out;
}

Result<Json> Service::ClaimsOf(const auth::Actor& actor, int64_t patient_id) {
  Json out = Json::array();
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out = Json::array();
    return c.ForEachRow(std::string("SELECT ") + kClaimColumns +
                            " FROM claims WHERE patient_id = ? ORDER BY service_from DESC, id DESC",
                        {patient_id}, [&](const db::Row& r) {
                          out.push_back(ClaimJson(r));
                          return Status::Ok();
                        });
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "claim.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<ClaimImport> ImportClaimsCsv(db::Database& db, const Clock& clock, const auth::Actor& actor,
                                    std::string_view csv) {
  std::vector<int> lines;
  auto rows = ParseCsv(csv, &lines);
  if (rows.empty()) return InvalidArgument("the file is empty", "file");
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    std::string name = rows[0][i];
    while (!name.empty() && name.back() == ' ') name.pop_back();
    columns[name] = i;
  }
  for (const char* required :
       {"claim_number", "payer", "member_id", "service_from", "billed", "status"})
    if (!columns.count(required))
      return InvalidArgument(std::string("the header has no ") + required + " column", "file");
  static const std::vector<std::string> kKnown = {
      "claim_number",   "payer",  "member_id", "service_from", "service_to", "service_code",
      "units",          "billed", "allowed",   "paid",         "status",     "adjustment_codes",
      "payer_reference"};
  for (const auto& [name, _] : columns)
    if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end())
      return InvalidArgument("unknown column " + name, "file");
  ClaimImport report;
  Timestamp now = clock.Now();
  audit::Batch audit;
  CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
    for (size_t r = 1; r < rows.size(); ++r) {
      const auto& row = rows[r];
      auto fail = [&](const std::string& field, const std::string& message) {
        report.errors.push_back({lines[r], field, message});
      };
      if (row.size() != rows[0].size()) {
        fail("row", "has " + std::to_string(row.size()) + " fields, the header " +
                        std::to_string(rows[0].size()));
        continue;
      }
      Json body = Json::object();
      for (const auto& [name, i] : columns)
        if (!row[i].empty()) body[name] = row[i];
      if (body.contains("units")) {
        const std::string& u = body["units"].get_ref<const std::string&>();
        if (u.empty() || u.size() > 6 ||
            !std::all_of(u.begin(), u.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
          fail("units", "must be a whole number");
          continue;
        }
        body["units"] = std::stoll(u);
      }
      // The patient: the coverage with this payer and member id.
      std::string member = body.value("member_id", "");
      CK_ASSIGN_OR_RETURN(auto cov, c.Query("SELECT id, patient_id FROM coverages WHERE payer = ? "
                                            "AND member_id = ? AND status <> 'entered_in_error' "
                                            "ORDER BY id DESC LIMIT 1",
                                            {body.value("payer", ""), member}));
      if (cov.empty()) {
        fail("member_id", "no coverage with this payer and member id");
        continue;
      }
      int64_t patient = cov.at(0).Int(1);
      body.erase("member_id");
      body["coverage_id"] = cov.at(0).Int(0);
      if (body.contains("payer_reference")) {
        CK_ASSIGN_OR_RETURN(auto pa,
                            c.Query("SELECT id FROM prior_authorizations WHERE "
                                    "patient_id = ? AND payer_reference = ?",
                                    {patient, body["payer_reference"].get<std::string>()}));
        if (!pa.empty()) body["authorization_id"] = pa.at(0).Int(0);
        body.erase("payer_reference");
      }
      // Each row alone: a bad one is rolled back without touching the others.
      CK_RETURN_IF_ERROR(c.Exec("SAVEPOINT claim_row").status());
      auto id = UpsertClaim(c, patient, body, now);
      if (!id.ok()) {
        CK_RETURN_IF_ERROR(c.Exec("ROLLBACK TO SAVEPOINT claim_row").status());
        CK_RETURN_IF_ERROR(c.Exec("RELEASE SAVEPOINT claim_row").status());
        if (id.status().code() != ErrorCode::kInvalidArgument) return id.status();
        fail(id.status().field(), id.status().message());
        continue;
      }
      CK_RETURN_IF_ERROR(c.Exec("RELEASE SAVEPOINT claim_row").status());
      ++report.imported;
      CK_RETURN_IF_ERROR(audit.Add(
          audit::EventBy(actor, now, "claim.import", "claim", std::to_string(*id), patient)));
    }
    return audit.Flush(c);
  }));
  return report;
}

}  // namespace ck::insurance
