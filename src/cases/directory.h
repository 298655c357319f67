// The directory of providers, facilities, insurers and agencies, and each
// case's team drawn from it, from the patient's own people and from staff.
//
//   Directory dir(db, clock);
//   Result<DirectoryEntry> e = dir.Add(actor, {.kind = "provider", .name = "Dr. Ada Osei", ...});
//   Result<TeamMember> m = dir.AddToCase(who, actor, case_id, {.directory_entry_id = e->id},
//   "cardiologist");
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::cases {

struct DirectoryEntry {
  int64_t id = 0;
  std::string kind;  // provider | facility | insurer | agency | pharmacy | other
  std::string name;
  std::optional<std::string> role;  // "cardiologist", "utilization review"
  std::optional<std::string> organisation;
  std::optional<std::string> phone, fax;  // E.164
  std::optional<std::string> email;
  std::optional<std::string> secure_message_address;  // Direct address
  bool active = true;
  int version = 1;
};

// A member of a case's team. Staff come from the patient's care team (they
// are what grants access); others are a directory entry or a relationship.
struct TeamMember {
  std::optional<int64_t> id;  // absent for staff (managed through assignment and the care team)
  std::string kind;           // staff | directory | relationship
  std::string name;
  std::string role;
  std::optional<int64_t> user_id, directory_entry_id, relationship_id;
  std::optional<std::string> phone;
};

struct TeamAddition {
  std::optional<int64_t> directory_entry_id;
  std::optional<int64_t> relationship_id;
};

class Directory {
 public:
  Directory(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // InvalidArgument naming the field (kind, name, phones, e-mail).
  Result<DirectoryEntry> Add(const auth::Actor& actor, DirectoryEntry e);
  Result<DirectoryEntry> Change(const auth::Actor& actor, DirectoryEntry e, int expected_version);
  Result<DirectoryEntry> Get(int64_t id);
  // Name prefix (accent- and case-insensitive), optional kind; active entries only.
  Result<std::vector<DirectoryEntry>> Search(const std::optional<std::string>& name,
                                             const std::optional<std::string>& kind, int limit);

  Result<std::vector<TeamMember>> Team(const auth::Actor& actor, int64_t case_id);
  Result<TeamMember> AddToCase(const auth::Principal& who, const auth::Actor& actor,
                               int64_t case_id, const TeamAddition& who_joins,
                               const std::string& role);
  Status RemoveFromCase(const auth::Actor& actor, int64_t case_id, int64_t member_id);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace ck::cases
