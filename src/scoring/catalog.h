// The instruments an installation offers: the built-in definitions embedded in
// the binary, plus an organisation's own from a directory of *.json files
// (config assessments.instruments_dir). A file whose id matches a built-in
// replaces it as the current version (it must carry a different version); the
// built-in stays available by version, so older assessments still resolve.
//
//   CK_ASSIGN_OR_RETURN(auto catalog, Catalog::Load(cfg.assessments.instruments_dir));
//   const Instrument* phq9 = catalog->Current("phq9");
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scoring/instrument.h"

namespace ck::scoring {

const std::vector<std::pair<std::string, std::string>>& BuiltinInstrumentSources();

class Catalog {
 public:
  // InvalidArgument naming the file and the definition part for a bad
  // definition, a duplicate id+version, or an unreadable directory.
  static Result<std::unique_ptr<Catalog>> Load(const std::string& custom_dir = "");

  // Adds an older version kept only so that assessments completed or started
  // with it still resolve (loaded back from the database); never current. A
  // version already present is left as it is.
  Status AddArchived(const Json& definition, const std::string& source);

  // nullptr when unknown.
  const Instrument* Current(std::string_view id) const;
  const Instrument* Find(std::string_view id, std::string_view version) const;
  // The current version of each instrument, ordered by id.
  std::vector<const Instrument*> CurrentAll() const;
  // Every version, for storing the definitions an assessment refers to.
  const std::vector<std::unique_ptr<Instrument>>& All() const { return all_; }

 private:
  Status Add(const Json& definition, const std::string& source, bool replaces);
  std::vector<std::unique_ptr<Instrument>> all_;
  std::vector<std::pair<std::string, const Instrument*>> current_;
};

}  // namespace ck::scoring
