// Claims from a payer's CSV extract: one row per claim, matched to the patient
// by the coverage's payer and member id; bad rows are reported with their line
// numbers and the good ones kept (docs/insurance.md gives the columns).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/model.h"
#include "core/clock.h"
#include "db/database.h"

namespace ck::insurance {

struct ClaimImport {
  int imported = 0;
  struct Error {
    int line = 0;  // in the file, 1-based (the header is line 1)
    std::string field;
    std::string message;
  };
  std::vector<Error> errors;
};

// InvalidArgument (field "file") when the header lacks a required column.
Result<ClaimImport> ImportClaimsCsv(db::Database& db, const Clock& clock, const auth::Actor& actor,
                                    std::string_view csv);

}  // namespace ck::insurance
