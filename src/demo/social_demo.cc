// The demo's social needs: a synthetic community resource directory around
// Columbus, Ohio (invented organisations, 555 phone numbers, rounded ZIP
// centroids), imported through the directory's CSV import as an administrator
// would, and referrals from the barriers the demo's AHC screens opened, in
// every state: a draft, one sent today, one unanswered past its due date (a
// worklist item), one accepted, one declined, and one delivered whose
// barrier was resolved.
#include "demo/demo_data.h"
#include "social/resources.h"
#include "social/service.h"

namespace ck::demo {
namespace {

constexpr const char* kZipCentroids =
    "postal_code,latitude,longitude\n"
    "43205,39.957,-82.964\n"
    "43211,40.011,-82.972\n"
    "43213,39.972,-82.869\n"
    "43068,39.956,-82.804\n"
    "43123,39.880,-83.085\n"
    "43081,40.111,-82.917\n"
    "43215,39.962,-83.004\n"
    "43206,39.942,-82.973\n"
    "43219,40.005,-82.925\n"
    "43209,39.955,-82.930\n"
    "43223,39.935,-83.040\n";

constexpr const char* kDirectory =
    "organization,service,domains,description,eligibility,languages,hours,phone,address_line,"
    "city,state,postal_code,capacity,capacity_note\n"
    "Eastside Rides,Medical appointment rides,transportation,Door-to-door rides to medical "
    "appointments; wheelchair vans,Adults 60+ or with a disability,en;es,Mon-Fri 7-18,"
    "614-555-0110,410 Parsons Ave,Columbus,OH,43205,open,\n"
    "Whitehall Wheels,Pharmacy and clinic trips,transportation,Volunteer drivers for short trips,"
    "Whitehall residents,en;so,Mon-Sat 8-17,614-555-0111,22 Main St,Whitehall,OH,43213,waitlist,"
    "About two weeks for new riders\n"
    "Grove City Van Line,Dialysis transport,transportation,Three-times-weekly dialysis runs,"
    "On dialysis,en,Mon-Sat 5-20,614-555-0112,9 Broadway,Grove City,OH,43123,open,\n"
    "Northland Bus Pass Fund,Bus passes,transportation;financial_strain,Monthly bus passes for "
    "medical visits,Income under 200% FPL,en;es;ne,Tue-Thu 10-16,614-555-0113,1800 Morse Rd,"
    "Columbus,OH,43211,open,\n"
    "Mid-Ohio Neighbour Pantry,Groceries,food_insecurity,Weekly groceries including fresh "
    "produce,Franklin County residents,en;es;so,Wed 10-18; Sat 9-12,614-555-0120,"
    "1250 E Main St,Columbus,OH,43205,open,\n"
    "Heart Smart Meals,Medically tailored meals,food_insecurity,Low-sodium meals delivered after "
    "a hospital stay,Heart failure or diabetes; referral needed,en;es,Mon-Fri 9-17,"
    "614-555-0121,77 Hamilton Rd,Reynoldsburg,OH,43068,waitlist,New clients start on Mondays\n"
    "Westerville Food Share,Food pantry and SNAP help,food_insecurity;financial_strain,Pantry and "
    "help applying for SNAP,Any household,en;ne,Mon-Thu 9-15,614-555-0122,30 S State St,"
    "Westerville,OH,43081,open,\n"
    "Southside Housing Help,Rent and eviction help,housing_instability;financial_strain,"
    "Emergency rent help and court advocacy,Eviction notice or behind on rent,en;es,"
    "Mon-Fri 9-17,614-555-0130,900 Parsons Ave,Columbus,OH,43206,open,\n"
    "Safe Home Repairs,Home repairs,housing_quality,Heat; leaks; mould; smoke alarms for "
    "homeowners,Homeowners 60+ or with a disability,en,Mon-Fri 8-16,614-555-0131,"
    "55 Livingston Ave,Columbus,OH,43215,full,Taking names for spring\n"
    "Shelter Now,Emergency shelter line,housing_instability,24-hour shelter placement,"
    "Anyone without a safe place tonight,en;es;so;ar,24 hours,614-555-0132,,Columbus,OH,43215,"
    "open,\n"
    "Warm Homes Fund,Utility shut-off help,utilities;financial_strain,Pays overdue gas and "
    "electric bills once a year,Shut-off notice; income under 175% FPL,en;es,Mon-Fri 9-16,"
    "614-555-0140,3400 E Broad St,Columbus,OH,43213,open,\n"
    "Northeast Energy Assistance,Winter heating help,utilities,Winter crisis programme and "
    "payment plans,Ohio residents,en,Mon-Fri 8-17,614-555-0141,4100 Cleveland Ave,Columbus,OH,"
    "43219,open,\n"
    "Harbour House,Domestic violence hotline and shelter,interpersonal_safety,Confidential "
    "24-hour hotline; safety planning; shelter,Anyone experiencing abuse,en;es;so;ar;ne,"
    "24 hours,614-555-0150,,Columbus,OH,43215,open,\n"
    "Franklin Money Coaches,Benefits check-up,financial_strain,Screening for benefits and free "
    "tax help,Any household,en;es,Mon-Fri 9-17,614-555-0160,250 E Town St,Columbus,OH,43215,"
    "open,\n"
    "Friendly Callers,Daily check-in calls,social_isolation,A volunteer calls every day,"
    "Adults 60+ living alone,en;es,Daily 9-12,614-555-0170,,Columbus,OH,43211,open,\n"
    "Reynoldsburg Senior Centre,Lunch club and activities,social_isolation;food_insecurity,"
    "Weekday lunch; exercise; cards,Adults 55+,en,Mon-Fri 9-15,614-555-0171,1520 Davidson Dr,"
    "Reynoldsburg,OH,43068,open,\n"
    "Plain Words Clinic,Health literacy coaching,health_literacy,One-to-one help reading "
    "medicine labels and letters,Any adult,en;es,Tue and Thu 10-16,614-555-0180,1 Nationwide "
    "Plz,Columbus,OH,43215,open,\n"
    "Language Bridge,Medical interpreting volunteers,language,Volunteer interpreters for "
    "appointments,Limited English proficiency,so;ar;ne;es;vi,Mon-Sat 8-18,614-555-0181,,"
    "Columbus,OH,43211,waitlist,Book a week ahead\n"
    "Carers Together,Caregiver respite and support group,caregiver_support,Respite hours and a "
    "weekly support group,Unpaid family caregivers,en,Mon-Fri 9-17,614-555-0190,600 E Broad St,"
    "Columbus,OH,43215,open,\n"
    "Open Door Counselling,Sliding-scale counselling,behavioral_health,Therapy within two weeks; "
    "sliding-scale fees,Any adult,en;es,Mon-Fri 8-20,614-555-0195,2400 E Main St,Columbus,OH,"
    "43209,open,\n"
    "Recovery Road,Addiction recovery support,substance_use,Peer recovery coaches and "
    "medication for opioid use disorder referrals,Any adult,en;es,24 hours,614-555-0196,"
    "1100 Sullivant Ave,Columbus,OH,43223,open,\n";

// Backdates a referral's send (and answer due) time: the demo's history.
Status Backdate(db::Database& db, int64_t referral_id, Timestamp sent, Timestamp due) {
  return db.Write([&](db::Connection& c) {
    return c
        .Exec(
            "UPDATE resource_referrals SET sent_at = ?, answer_due_at = ?, created_at = ? "
            "WHERE id = ?",
            {sent, due, sent, referral_id})
        .status();
  });
}

}  // namespace

Status SeedSocial(db::Database& db, social::Service& social, social::Directory& directory,
                  const Clock& clock) {
  auth::Actor admin;
  admin.username = "demo-seed";
  admin.request_id = "demo-seed";
  CK_ASSIGN_OR_RETURN(auto zips, directory.ImportZipCentroids(admin, kZipCentroids));
  CK_ASSIGN_OR_RETURN(auto imported, directory.ImportCsv(admin, kDirectory));
  if (!zips.errors.empty() || !imported.errors.empty())
    return Internal(
        "the demo directory has a bad row (line " +
        std::to_string(imported.errors.empty() ? zips.errors[0].line : imported.errors[0].line) +
        ")");

  // The open barriers the screens opened, with their case manager.
  struct Open {
    int64_t barrier, user;
    std::string username, domain;
  };
  std::vector<Open> open;
  CK_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    return c.ForEachRow(
        "SELECT b.id, u.id, u.username, b.domain FROM barriers b JOIN cases k ON k.id = "
        "b.case_id JOIN users u ON u.id = k.assigned_user_id WHERE b.status = 'identified' "
        "ORDER BY b.id",
        {}, [&](const db::Row& r) {
          open.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3)});
          return Status::Ok();
        });
  }));
  const Timestamp now = clock.Now();
  int made = 0;
  for (const Open& b : open) {
    if (made >= 12) break;
    auth::Principal who;
    who.user_id = b.user;
    who.username = b.username;
    who.role = auth::Role::kCaseManager;
    auth::Actor actor = auth::Actor::From(who, "demo-seed");
    CK_ASSIGN_OR_RETURN(auto hits, directory.Search({.domain = b.domain}));
    if (hits.items.empty()) continue;
    const int64_t resource = hits.items[static_cast<size_t>(made) % hits.items.size()].resource.id;
    const int kind = made++ % 6;
    social::NewReferral n{.resource_id = resource,
                          .note = "Referred from the social needs screen",
                          .send = kind != 0,
                          .consent_method = "verbal"};
    CK_ASSIGN_OR_RETURN(social::Referral f, social.Refer(who, actor, b.barrier, n, nullptr));
    if (kind == 2) {  // sent a week ago, never answered: on the worklist
      CK_RETURN_IF_ERROR(Backdate(db, f.id, now - 7 * kMillisPerDay, now - 2 * kMillisPerDay));
    } else if (kind == 3) {
      CK_RETURN_IF_ERROR(
          social.Step(who, actor, f.id, {.to = "accepted"}, f.version, nullptr).status());
    } else if (kind == 4) {
      CK_RETURN_IF_ERROR(social
                             .Step(who, actor, f.id,
                                   {.to = "declined", .reason = "Outside our service area"},
                                   f.version, nullptr)
                             .status());
    } else if (kind == 5) {  // sent four days ago, the service given yesterday
      CK_RETURN_IF_ERROR(Backdate(db, f.id, now - 4 * kMillisPerDay, now - kMillisPerDay));
      CK_ASSIGN_OR_RETURN(f, social.Step(who, actor, f.id, {.to = "accepted"}, f.version, nullptr));
      CK_ASSIGN_OR_RETURN(f, social.Step(who, actor, f.id,
                                         {.to = "service_delivered",
                                          .outcome_note = "Enrolled; first service given",
                                          .service_date = FormatDate(DateOf(now - kMillisPerDay))},
                                         f.version, nullptr));
      CK_ASSIGN_OR_RETURN(social::Barrier barrier, social.GetBarrier(actor, b.barrier));
      CK_RETURN_IF_ERROR(social
                             .ChangeBarrier(who, actor, b.barrier,
                                            {.status = "resolved",
                                             .outcome = "Need met through the community referral"},
                                            barrier.version)
                             .status());
      CK_RETURN_IF_ERROR(social
                             .Step(who, actor, f.id,
                                   {.to = "closed", .reason = "Service delivered"}, f.version,
                                   nullptr)
                             .status());
    }
  }
  return Status::Ok();
}

}  // namespace ck::demo
