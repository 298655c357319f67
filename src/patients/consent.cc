#include "patients/consent.h"

#include "audit/trail.h"

namespace ck::patients {
namespace {

constexpr const char* kColumns =
    "id, patient_id, kind, relationship_id, party_name, scope, method, granted_on, expires_on, "
    "revoked_at, "
    "revocation_reason, recorded_by, created_at";

Consent FromRow(const db::Row& r, Date today) {
  Consent k;
  k.id = r.Int(0);
  k.patient_id = r.Int(1);
  k.kind = r.Text(2);
  k.relationship_id = r.OptInt(3);
  k.party_name = r.OptText(4);
  k.scope = r.OptText(5);
  k.method = r.Text(6);
  k.granted_on = r.Text(7);
  k.expires_on = r.OptText(8);
  k.revoked_at = r.OptInt(9);
  k.revocation_reason = r.OptText(10);
  k.recorded_by = r.OptInt(11);
  k.created_at = r.Int(12);
  std::string day = FormatDate(today);
  k.active = !k.revoked_at && k.granted_on <= day && (!k.expires_on || *k.expires_on >= day);
  return k;
}

}  // namespace

Result<bool> SharingConsented(db::Connection& c, int64_t patient_id, int64_t relationship_id,
                              Date today) {
  std::string day = FormatDate(today);
  CK_ASSIGN_OR_RETURN(
      auto rows, c.Query("SELECT 1 FROM consents WHERE patient_id = ? AND relationship_id = ? AND "
                         "kind = 'information_sharing' AND revoked_at IS NULL AND granted_on <= ? "
                         "AND (expires_on IS NULL OR expires_on >= ?) LIMIT 1",
                         {patient_id, relationship_id, day, day}));
  return !rows.empty();
}

Result<Consent> InsertConsent(db::Connection& c, const Consent& k, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(
          "INSERT INTO consents (patient_id, kind, relationship_id, party_name, scope, method, "
          "granted_on, expires_on, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "RETURNING id",
          {k.patient_id, k.kind, k.relationship_id, k.party_name, k.scope, k.method, k.granted_on,
           k.expires_on, k.recorded_by, now}));
  CK_ASSIGN_OR_RETURN(auto made,
                      c.Query(std::string("SELECT ") + kColumns + " FROM consents WHERE id = ?",
                              {rows.at(0).Int(0)}));
  return FromRow(made.at(0), DateOf(now));
}

Result<std::vector<Consent>> Consents::List(const auth::Actor& actor, int64_t patient_id) {
  std::vector<Consent> out;
  Date today = DateOf(clock_.Now());
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) {
    return c.ForEachRow(
        std::string("SELECT ") + kColumns + " FROM consents WHERE patient_id = ? ORDER BY id",
        {patient_id}, [&](const db::Row& r) {
          out.push_back(FromRow(r, today));
          return Status::Ok();
        });
  }));
  CK_RETURN_IF_ERROR(
      audit::AppendNow(db_, audit::EventBy(actor, clock_.Now(), "consent.list", "patient",
                                           std::to_string(patient_id), patient_id)));
  return out;
}

Result<Consent> Consents::Record(const auth::Principal& who, const auth::Actor& actor, Consent k) {
  if (k.kind != "case_management" && k.kind != "information_sharing")
    return InvalidArgument("must be case_management or information_sharing", "kind");
  if (k.method != "verbal" && k.method != "written" && k.method != "electronic")
    return InvalidArgument("must be verbal, written or electronic", "method");
  if (k.kind == "information_sharing" && !k.relationship_id && !k.party_name)
    return InvalidArgument("name the relationship or the organisation information may go to",
                           "relationship_id");
  if (k.kind == "case_management" && (k.relationship_id || k.party_name))
    return InvalidArgument("consent to case management names no other party", "relationship_id");
  if (k.party_name && (k.party_name->empty() || k.party_name->size() > 200))
    return InvalidArgument("must be 1 to 200 bytes", "party_name");
  if (k.scope && k.scope->size() > 1000)
    return InvalidArgument("must be at most 1000 bytes", "scope");
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(ParseDate(k.granted_on, "granted_on").status());
  if (k.granted_on > FormatDate(DateOf(now)))
    return InvalidArgument("must not be in the future", "granted_on");
  if (k.expires_on) {
    CK_RETURN_IF_ERROR(ParseDate(*k.expires_on, "expires_on").status());
    if (*k.expires_on < k.granted_on)
      return InvalidArgument("must not be before granted_on", "expires_on");
  }
  k.recorded_by = who.user_id;
  Consent out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    if (k.relationship_id) {
      CK_ASSIGN_OR_RETURN(
          auto rel, c.Query("SELECT 1 FROM patient_relationships WHERE id = ? AND patient_id = ?",
                            {*k.relationship_id, k.patient_id}));
      if (rel.empty())
        return InvalidArgument("no such relationship on this patient", "relationship_id");
    }
    CK_ASSIGN_OR_RETURN(out, InsertConsent(c, k, now));
    return audit::Append(c, audit::EventBy(actor, now, "consent.record", "consent",
                                           std::to_string(out.id), k.patient_id, k.kind));
  }));
  return out;
}

Result<Consent> Consents::Revoke(const auth::Actor& actor, int64_t patient_id, int64_t consent_id,
                                 const std::string& reason) {
  if (reason.empty() || reason.size() > 1000)
    return InvalidArgument("give a reason (up to 1000 bytes)", "reason");
  Timestamp now = clock_.Now();
  Date today = DateOf(now);
  Consent out;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        int64_t n,
        c.Exec("UPDATE consents SET revoked_at = ?, revocation_reason = ? WHERE id = ? AND "
               "patient_id = ? AND revoked_at IS NULL",
               {now, reason, consent_id, patient_id}));
    CK_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns +
                                               " FROM consents WHERE id = ? AND patient_id = ?",
                                           {consent_id, patient_id}));
    if (rows.empty())
      return NotFound("no consent " + std::to_string(consent_id) + " on this patient");
    if (n == 0) return FailedPrecondition("the consent was already revoked");
    out = FromRow(rows.at(0), today);
    if (out.relationship_id) {
      CK_ASSIGN_OR_RETURN(bool still, SharingConsented(c, patient_id, *out.relationship_id, today));
      if (!still) {
        CK_RETURN_IF_ERROR(
            c.Exec("UPDATE patient_relationships SET may_receive_information = 0, updated_at = ?, "
                   "version = version + 1 WHERE id = ?",
                   {now, *out.relationship_id})
                .status());
      }
    }
    return audit::Append(
        c, audit::EventBy(actor, now, "consent.revoke", "consent", std::to_string(consent_id),
                          patient_id, reason.substr(0, 200)));
  }));
  return out;
}

}  // namespace ck::patients
