// Social needs on a case: barriers to care (by domain, with severity and
// status, opened by a positive screening or by hand, linked to care-plan
// problems) and closed-loop referrals from a barrier to a community resource
// (draft → sent → accepted / declined → service delivered / no-show → closed).
// A sent referral carries a single-referral secure link for the organisation:
// an unguessable token (only its hash is stored) that expires, shows the
// minimum necessary, and lets them accept, decline, record the outcome and
// update their capacity; every use is audited. A referral unanswered after N
// business days is a worklist item (docs/social_needs.md).
//
//   social::Service social(db, clock, calendar, {});
//   CK_ASSIGN_OR_RETURN(auto b, social.Identify(who, actor, case_id, {.domain =
//   "transportation"}));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/business_calendar.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"

namespace ck::social {

struct HistoryEvent {
  std::string kind;
  std::optional<std::string> detail;  // JSON or plain text
  std::optional<int64_t> by_user_id;
  bool by_partner = false;  // the organisation, through its referral link
  Timestamp at = 0;
};

struct Barrier {
  int64_t id = 0;
  int64_t patient_id = 0;
  int64_t case_id = 0;
  std::string domain;
  std::string severity = "moderate";  // low | moderate | high | urgent
  std::string status = "identified";  // identified | in_progress | resolved | unable_to_resolve
  std::string source = "manual";      // screening | manual
  std::optional<int64_t> assessment_id, problem_id;
  std::optional<std::string> description, outcome;
  std::optional<int64_t> identified_by;
  Timestamp identified_at = 0;
  std::optional<Timestamp> closed_at;
  Timestamp updated_at = 0;
  int version = 1;
  std::vector<HistoryEvent> history;
};

struct NewBarrier {
  std::string domain;
  std::string severity = "moderate";
  std::optional<std::string> description;
  std::optional<int64_t> problem_id;  // a problem on the case's care plan
};

// A change to a barrier; absent fields stay.
struct BarrierChange {
  std::optional<std::string> severity, description;
  std::optional<int64_t> problem_id;
  bool unlink_problem = false;
  std::optional<std::string> status;   // in_progress | resolved | unable_to_resolve | identified
  std::optional<std::string> outcome;  // required to resolve, give up, or reopen
};

struct Referral {
  int64_t id = 0;
  int64_t patient_id = 0, case_id = 0, barrier_id = 0, resource_id = 0;
  std::string barrier_domain;
  std::string organization, service;
  std::string status = "draft";     // draft | sent | accepted | declined | service_delivered |
                                    // no_show | closed
  std::optional<std::string> note;  // for the organisation: what the patient needs
  bool share_address = false;       // the link shows the patient's street address
  std::optional<std::string> decline_reason, outcome_note, service_date;
  std::optional<int64_t> consent_id, created_by;
  Timestamp created_at = 0;
  std::optional<Timestamp> sent_at, answer_due_at, answered_at, closed_at, link_expires_at;
  bool overdue = false;  // sent, and the answer is past due
  Timestamp updated_at = 0;
  int version = 1;
  std::vector<HistoryEvent> history;
};

struct NewReferral {
  int64_t resource_id = 0;
  std::optional<std::string> note;
  bool share_address = false;
  bool send = false;
  // Recorded with the referral when the patient agrees now (else an active
  // information-sharing consent naming the organisation must exist to send).
  std::optional<std::string> consent_method;  // verbal | written | electronic
};

// What the referral's sender receives once: the link for the organisation.
struct SentLink {
  std::string token;  // shown once; only its hash is stored
  Timestamp expires_at = 0;
};

// A staff member's (or the organisation's) step on a referral.
struct ReferralStep {
  std::string to;  // sent | accepted | declined | service_delivered | no_show | closed
  std::optional<std::string> reason;        // declined: why; closed: why
  std::optional<std::string> outcome_note;  // service delivered / no-show
  std::optional<std::string> service_date;  // YYYY-MM-DD of the service
  std::optional<std::string> consent_method;
};

// What the organisation sees through the link: the minimum necessary.
struct PartnerView {
  int64_t referral_id = 0;
  std::string status;
  std::string organization, service;
  std::string need;         // in plain words: "Food"
  std::string need_domain;  // food_insecurity
  std::string patient_name, patient_phone, preferred_language;
  std::optional<std::string> patient_address;  // only when the sender chose to share it
  std::optional<std::string> patient_city_zip;
  std::optional<std::string> note;
  std::string referred_by;
  Timestamp sent_at = 0;
  std::optional<Timestamp> answer_due_at;
  Timestamp link_expires_at = 0;
  std::string capacity;
  std::vector<std::string> allowed;  // the steps the organisation may take now
  std::string today;  // the organisation's today (YYYY-MM-DD): the latest service date
};

struct PartnerStep {
  std::optional<std::string> to;  // accepted | declined | service_delivered | no_show
  std::optional<std::string> reason, outcome_note, service_date;
  std::optional<std::string> capacity;  // open | waitlist | full
  std::optional<std::string> capacity_note;
  std::optional<std::string> responder;  // the name of who answers, for the record
};

class Service {
 public:
  struct Options {
    int answer_business_days = 3;  // a sent referral unanswered after this many: worklist
    int link_days = 30;            // the organisation's link expires after this many days
    // The organisation's, for its days (a service date is not after its today); UTC when absent.
    const TimeZone* time_zone = nullptr;
  };
  Service(db::Database& db, const Clock& clock, const BusinessCalendar& calendar, Options options)
      : db_(db), clock_(clock), calendar_(calendar), options_(options) {}

  // Barriers. InvalidArgument naming the field; FailedPrecondition for a closed
  // case or an illegal status move; Conflict on a stale version.
  Result<Barrier> Identify(const auth::Principal& who, const auth::Actor& actor, int64_t case_id,
                           const NewBarrier& n);
  Result<std::vector<Barrier>> ForPatient(const auth::Actor& actor, int64_t patient_id,
                                          std::optional<int64_t> case_id);
  Result<Barrier> GetBarrier(const auth::Actor& actor, int64_t id);
  Result<Barrier> ChangeBarrier(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                                const BarrierChange& change, int expected_version);

  // Referrals. Sending needs an active information-sharing consent naming the
  // organisation, or consent_method to record one now (FailedPrecondition
  // otherwise). `link` receives the organisation's link when the referral is sent.
  Result<Referral> Refer(const auth::Principal& who, const auth::Actor& actor, int64_t barrier_id,
                         const NewReferral& n, SentLink* link);
  Result<std::vector<Referral>> ReferralsForPatient(const auth::Actor& actor, int64_t patient_id);
  Result<Referral> GetReferral(const auth::Actor& actor, int64_t id);
  // A step recorded by staff (for an organisation that phoned, or to send,
  // resend or close). Sending again issues a new link and revokes the old.
  Result<Referral> Step(const auth::Principal& who, const auth::Actor& actor, int64_t id,
                        const ReferralStep& step, int expected_version, SentLink* link);

  // The organisation's side, by token. NotFound for an unknown or revoked
  // token, FailedPrecondition once it has expired or the referral is closed;
  // each use (and each refused token) is audited.
  Result<PartnerView> PartnerOpen(const std::string& token, const std::string& request_id);
  Result<PartnerView> PartnerAct(const std::string& token, const PartnerStep& step,
                                 const std::string& request_id);

 private:
  Date LocalDate(Timestamp t) const;  // the organisation's day at `t`
  // A service date is a day of the organisation's from the sending to today.
  Status CheckServiceDate(const Referral& f, const std::optional<std::string>& date,
                          Timestamp now) const;
  // Sends referral `f` (draft, or sent again): consent, answer due date, a new link.
  Status Send(db::Connection& c, const Referral& f,
              const std::optional<std::string>& consent_method, std::optional<int64_t> by,
              const auth::Actor& actor, Timestamp now, SentLink* link);

  db::Database& db_;
  const Clock& clock_;
  const BusinessCalendar& calendar_;
  Options options_;
};

// Opens a barrier (source "screening") on the case for each positive domain
// of a completed screening that has no open barrier of that domain there yet,
// in the caller's transaction. Returns the new barriers' ids.
Result<std::vector<int64_t>> OpenBarriersFromScreening(db::Connection& c, int64_t patient_id,
                                                       int64_t case_id, int64_t assessment_id,
                                                       const std::vector<std::string>& domains,
                                                       std::optional<int64_t> by, Timestamp now);

}  // namespace ck::social
