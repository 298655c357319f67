// Helpers shared by the insurance service's files; not an API.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/clock.h"
#include "db/database.h"

namespace ck::insurance::internal {

using Json = nlohmann::json;

inline Json Opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
inline Json OptInt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
inline Json OptTime(const std::optional<int64_t>& v) {
  return v ? Json(FormatTimestamp(*v)) : Json(nullptr);
}

// An integer member from `lo` to `hi` (InvalidArgument naming it otherwise);
// the strings, times and versions use http/json.h.
Result<std::optional<int64_t>> OptInteger(const Json& body, const char* field, int64_t lo,
                                          int64_t hi);
Result<std::optional<Date>> OptDate(const Json& body, const char* field);

// "CARC:50 RARC:N115" as [{"code", "description"}].
Json AdjustmentCodesJson(const std::string& codes);

// The authorization as a document: its columns, services, units used, history and appeals.
Result<Json> LoadAuthorization(db::Connection& c, int64_t id);
Status AuthorizationEvent(db::Connection& c, int64_t authorization_id, int64_t patient_id,
                          const std::string& kind, const std::optional<std::string>& from,
                          const std::optional<std::string>& to,
                          const std::optional<std::string>& detail, std::optional<int64_t> by,
                          Timestamp now);
Result<Json> LoadAppeal(db::Connection& c, int64_t id);
Status AppealEvent(db::Connection& c, int64_t appeal_id, int64_t patient_id,
                   const std::string& kind, const std::optional<std::string>& detail,
                   std::optional<int64_t> by, Timestamp now);

// A task about the patient's case (its case manager, else the case managers'
// queue); nullopt when the patient has no open case.
Result<std::optional<int64_t>> CaseTask(db::Connection& c, int64_t patient_id,
                                        std::optional<int64_t> case_id, const std::string& title,
                                        const std::string& type, const std::string& priority,
                                        Timestamp due, const std::string& rule, Timestamp now);

}  // namespace ck::insurance::internal
