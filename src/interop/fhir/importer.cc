#include "interop/fhir/importer.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <unordered_map>

#include "audit/trail.h"
#include "auth/crypto.h"
#include "interop/fhir/codes.h"
#include "interop/fhir/resources.h"
#include "patients/clinical.h"
#include "patients/store.h"
#include "patients/validation.h"

namespace ck::fhir {
namespace {

namespace fs = std::filesystem;

// One resource to import, with where it came from.
struct Entry {
  Json resource;
  std::string full_url;
  std::string where;
  std::string if_none_exist;  // request.ifNoneExist: "identifier=system|value"
  size_t index = 0;           // position in a posted Bundle
};

enum class Outcome { kCreated, kUpdated, kUnchanged };

const char* OutcomeStatus(Outcome o) {
  switch (o) {
    case Outcome::kCreated:
      return "201 Created";
    case Outcome::kUpdated:
      return "200 OK";
    case Outcome::kUnchanged:
      return "200 OK";
  }
  return "200 OK";
}

struct Done {
  size_t entry;  // index into the batch
  Target target;
  Outcome outcome;
  std::string fhir_id;  // the id the resource answers to from now on
};

struct Failed {
  size_t entry;
  std::string field, message;
};

// What one batch transaction did; built afresh on every attempt (Write may retry).
struct BatchWork {
  std::vector<Done> done;
  std::vector<Failed> failed;
  std::vector<size_t> deferred;  // unresolved urn:uuid references: later in the bundle
  std::vector<ImportIssue> warnings;
  std::unordered_map<std::string, Target> refs;  // resolved in this batch
  std::map<int64_t, int> per_patient;            // resources written per patient, for audit
  int directory_entries = 0;
};

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

int64_t ImportReport::Imported() const {
  int64_t n = 0;
  for (const auto& [_, c] : imported) n += c.created + c.updated + c.unchanged;
  return n;
}

nlohmann::json ImportReport::ToJson(size_t max_issues) const {
  auto issues = [&](const std::vector<ImportIssue>& list) {
    Json out = Json::array();
    for (size_t i = 0; i < list.size() && i < max_issues; ++i) {
      const ImportIssue& e = list[i];
      out.push_back({{"where", e.where},
                     {"resource_type", e.resource_type},
                     {"id", e.id},
                     {"field", e.field},
                     {"message", e.message}});
    }
    return out;
  };
  Json types = Json::object();
  for (const auto& [t, c] : imported)
    types[t] = {{"created", c.created},
                {"updated", c.updated},
                {"unchanged", c.unchanged},
                {"failed", c.failed}};
  return {{"resources_read", resources_read},
          {"imported", Imported()},
          {"types", types},
          {"not_supported", not_supported},
          {"errors", issues(errors)},
          {"error_count", errors.size()},
          {"warnings", issues(warnings)},
          {"warning_count", warnings.size()}};
}

struct Importer::State {
  db::Database& db;
  const Clock& clock;
  Options options;
  ImportReport report;
  // Committed reference resolutions: fullUrls of the current bundle and
  // Type/id or conditional references seen before.
  std::unordered_map<std::string, Target> refs;
  std::optional<std::string> own_source;

  State(db::Database& d, const Clock& c, Options o) : db(d), clock(c), options(std::move(o)) {}

  Status LoadOwnSource() {
    if (own_source) return Status::Ok();
    std::string source;
    CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
      CK_ASSIGN_OR_RETURN(source, InstallationSource(c));
      return Status::Ok();
    }));
    own_source = source;
    return Status::Ok();
  }

  // Runs one transaction over `batch`; with `final`, unresolved references are
  // errors, otherwise their entries come back in `carry` for a later batch.
  // With `atomic`, the first error fails the whole transaction.
  Status RunBatch(std::vector<Entry>& batch, bool final, bool atomic, std::vector<Entry>& carry,
                  std::vector<Done>* done_out = nullptr);
};

namespace {

// Maps one resource inside the batch transaction.
class Applier final : public ResourceWriter {
 public:
  Applier(db::Connection& c, const std::unordered_map<std::string, Target>& committed,
          BatchWork& work, const std::string& own_source, Timestamp now, bool may_defer)
      : c_(c),
        committed_(committed),
        work_(work),
        own_source_(own_source),
        now_(now),
        may_defer_(may_defer) {}

  db::Connection& conn() override { return c_; }
  Timestamp now() const override { return now_; }

  void Warn(const std::string& field, const std::string& message) override {
    work_.warnings.push_back({where_, type_, id_, field, message});
  }

  Result<std::optional<Target>> Resolve(const Json& reference, std::string_view expected_type,
                                        const std::string& field, bool required) override {
    std::optional<Target> found;
    std::string ref;
    if (reference.is_object()) {
      auto r = reference.find("reference");
      if (r != reference.end() && r->is_string()) ref = r->get<std::string>();
    }
    if (!ref.empty()) {
      CK_ASSIGN_OR_RETURN(found, Lookup(ref, field));
      if (!found && ref.rfind("urn:uuid:", 0) == 0 && may_defer_) {
        deferred_ = true;
        return NotFound("refers to " + ref + ", not seen yet", field);
      }
      if (found && !expected_type.empty() && found->type != expected_type)
        return InvalidArgument(
            "must refer to a " + std::string(expected_type) + ", not a " + found->type, field);
    }
    if (!found && required) {
      if (ref.empty()) return InvalidArgument("is required", field);
      return NotFound("refers to " + ref + ", which is not imported", field);
    }
    if (!found && !ref.empty()) Warn(field, "refers to " + ref + ", which is not imported");
    return found;
  }

  bool deferred() const { return deferred_; }
  // The FHIR id of what Apply() wrote or found (its own when imported under one).
  std::string fhir_id(const Target& t) const {
    return fhir_id_.empty() ? std::to_string(t.local_id) : fhir_id_;
  }

  Result<std::pair<Target, Outcome>> Apply(const Entry& e) {
    const Json& r = e.resource;
    type_ = r.value("resourceType", "");
    id_ = r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "";
    where_ = e.where;
    const ResourceMapping* mapping = FindMapping(type_);
    if (!mapping)
      return InvalidArgument("is not a resource type casekeeper imports", "resourceType");
    std::string key = id_;
    if (key.empty() && e.full_url.rfind("urn:uuid:", 0) == 0) key = e.full_url.substr(9);
    if (!key.empty() && !IsDigits(key)) fhir_id_ = key;
    if (!key.empty() && (key.size() > 64 || key.find_first_of(" /?#|") != std::string::npos))
      return InvalidArgument("must be a FHIR id (at most 64 letters, digits, '-' and '.')",
                             type_ + ".id");

    // Conditional create: an existing match is left as it is.
    if (!e.if_none_exist.empty()) {
      CK_ASSIGN_OR_RETURN(auto match, Lookup(type_ + "?" + e.if_none_exist, "request.ifNoneExist"));
      if (match) return std::make_pair(*match, Outcome::kUnchanged);  // NOLINT
    }

    std::optional<int64_t> existing;
    std::string hash = auth::Sha256Hex(r.dump());
    const Json* meta = r.contains("meta") ? &r["meta"] : nullptr;
    own_ = meta && meta->is_object() && meta->value("source", "") == own_source_;
    bool native_id = own_ && IsDigits(key);  // this installation's own row id
    if (native_id) {
      CK_ASSIGN_OR_RETURN(auto version, RowVersion(c_, *mapping, std::stoll(key)));
      if (version) existing = std::stoll(key);
    } else if (!key.empty()) {
      CK_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT local_id, content_hash FROM fhir_resources "
                                              "WHERE resource_type = ? AND fhir_id = ?",
                                              {type_, key}));
      if (!rows.empty()) {
        existing = rows.at(0).Int(0);
        if (!own_ && rows.at(0).Text(1) == hash)
          return std::make_pair(Target{type_, *existing}, Outcome::kUnchanged);
      }
    }
    if (own_ && existing) {
      // Our own export: unchanged while the version it was exported at is current.
      CK_ASSIGN_OR_RETURN(auto version, RowVersion(c_, *mapping, *existing));
      if (version && meta->value("versionId", "") == std::to_string(*version))
        return std::make_pair(Target{type_, *existing}, Outcome::kUnchanged);
    }
    if (!existing) {
      CK_ASSIGN_OR_RETURN(existing, mapping->match(*this, r));
    }

    CK_ASSIGN_OR_RETURN(Written w, mapping->write(*this, r, existing));
    if (w.patient_id) ++work_.per_patient[*w.patient_id];
    if (w.directory_entry) ++work_.directory_entries;
    if (!native_id && !key.empty()) {
      CK_RETURN_IF_ERROR(
          c_.Exec("DELETE FROM fhir_resources WHERE resource_type = ? AND fhir_id = ?",
                  {type_, key})
              .status());
      CK_RETURN_IF_ERROR(c_.Exec("INSERT INTO fhir_resources (resource_type, fhir_id, local_id, "
                                 "content_hash, imported_at) VALUES (?, ?, ?, ?, ?)",
                                 {type_, key, w.local_id, hash, now_})
                             .status());
    }
    return std::make_pair(Target{type_, w.local_id},
                          existing ? Outcome::kUpdated : Outcome::kCreated);
  }

 private:
  // A reference already resolved in this batch or before, or found in the database.
  Result<std::optional<Target>> Lookup(const std::string& ref, const std::string& field) {
    // Native ids resolve only for this installation's own exports: cached apart.
    std::string key = own_ && ref.rfind("urn:", 0) != 0 ? "own:" + ref : ref;
    if (auto it = work_.refs.find(key); it != work_.refs.end()) return std::optional(it->second);
    if (auto it = committed_.find(key); it != committed_.end()) return std::optional(it->second);
    if (ref.rfind("urn:", 0) == 0) return std::optional<Target>();
    CK_ASSIGN_OR_RETURN(auto found, ResolveStored(*this, ref, own_, field));
    if (found) work_.refs[key] = *found;
    return found;
  }

  db::Connection& c_;
  const std::unordered_map<std::string, Target>& committed_;
  BatchWork& work_;
  const std::string& own_source_;
  Timestamp now_;
  bool may_defer_;
  bool deferred_ = false;
  bool own_ = false;  // exported by this installation (meta.source)
  std::string type_, id_, where_, fhir_id_;
};

}  // namespace

Status Importer::State::RunBatch(std::vector<Entry>& batch, bool final, bool atomic,
                                 std::vector<Entry>& carry, std::vector<Done>* done_out) {
  if (batch.empty()) return Status::Ok();
  CK_RETURN_IF_ERROR(LoadOwnSource());
  Timestamp now = clock.Now();
  BatchWork work;
  Status st = db.Write([&](db::Connection& c) -> Status {
    work = BatchWork{};
    // Two passes: entries referring to a later entry of the batch go again.
    std::vector<size_t> order(batch.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (int pass = 0; pass < 2; ++pass) {
      bool last_pass = pass == 1;
      std::vector<size_t> again;
      for (size_t i : order) {
        const Entry& e = batch[i];
        CK_RETURN_IF_ERROR(c.Exec("SAVEPOINT fhir_resource").status());
        Applier a(c, refs, work, *own_source, now, !(last_pass && final));
        auto r = a.Apply(e);
        if (r.ok()) {
          CK_RETURN_IF_ERROR(c.Exec("RELEASE SAVEPOINT fhir_resource").status());
          work.done.push_back({i, r->first, r->second, a.fhir_id(r->first)});
          if (!e.full_url.empty()) work.refs[e.full_url] = r->first;
          continue;
        }
        CK_RETURN_IF_ERROR(c.Exec("ROLLBACK TO SAVEPOINT fhir_resource").status());
        CK_RETURN_IF_ERROR(c.Exec("RELEASE SAVEPOINT fhir_resource").status());
        ErrorCode code = r.status().code();
        if (code != ErrorCode::kInvalidArgument && code != ErrorCode::kNotFound &&
            code != ErrorCode::kAlreadyExists && code != ErrorCode::kFailedPrecondition &&
            code != ErrorCode::kConflict)
          return r.status();  // the database, not the resource
        if (a.deferred()) {
          (last_pass ? work.deferred : again).push_back(i);
          continue;
        }
        if (atomic)
          return Status(r.status().code(), e.where + ": " + r.status().message(),
                        r.status().field());
        work.failed.push_back({i, r.status().field(), r.status().message()});
      }
      order = std::move(again);
      if (order.empty()) break;
    }
    if (options.encounter_observer &&
        std::any_of(work.done.begin(), work.done.end(),
                    [](const Done& d) { return d.target.type == "Encounter"; })) {
      for (const auto& [patient, n] : work.per_patient)
        CK_RETURN_IF_ERROR(options.encounter_observer->EncountersChanged(c, patient, now));
    }
    for (const auto& [patient, n] : work.per_patient) {
      CK_RETURN_IF_ERROR(audit::Append(
          c,
          audit::EventBy(options.actor, now, "patient.import", "patient", std::to_string(patient),
                         patient, "fhir: " + std::to_string(n) + " resources")));
    }
    if (work.directory_entries > 0)
      CK_RETURN_IF_ERROR(audit::Append(
          c, audit::EventBy(options.actor, now, "directory.import", "directory_entry", "", {},
                            "fhir: " + std::to_string(work.directory_entries) + " entries")));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  for (const Done& d : work.done) {
    TypeCounts& t = report.imported[d.target.type];
    (d.outcome == Outcome::kCreated   ? t.created
     : d.outcome == Outcome::kUpdated ? t.updated
                                      : t.unchanged)++;
  }
  for (const Failed& f : work.failed) {
    const Entry& e = batch[f.entry];
    std::string type = e.resource.value("resourceType", "");
    ++report.imported[type].failed;
    std::string id = e.resource.contains("id") && e.resource["id"].is_string()
                         ? e.resource["id"].get<std::string>()
                         : "";
    report.errors.push_back({e.where, type, id, f.field, f.message});
  }
  report.warnings.insert(report.warnings.end(), work.warnings.begin(), work.warnings.end());
  for (auto& [k, v] : work.refs) refs[k] = v;
  for (size_t i : work.deferred) carry.push_back(std::move(batch[i]));
  if (done_out) *done_out = work.done;
  return Status::Ok();
}

Importer::Importer(db::Database& db, const Clock& clock, Options options)
    : state_(std::make_unique<State>(db, clock, std::move(options))) {}
Importer::~Importer() = default;

const ImportReport& Importer::report() const { return state_->report; }

namespace {

// Collects resources into batches and runs them; unsupported types are counted.
class Feeder {
 public:
  Feeder(Importer::State& s, std::string file, int64_t bytes_total)
      : s_(s), file_(std::move(file)), bytes_total_(bytes_total) {}

  Status Add(Json resource, std::string full_url, std::string if_none_exist, std::string where) {
    ++s_.report.resources_read;
    std::string type = resource.is_object() ? resource.value("resourceType", "") : "";
    if (type.empty()) {
      s_.report.errors.push_back({where, "", "", "resourceType", "is required"});
      return Status::Ok();
    }
    if (!FindMapping(type)) {
      ++s_.report.not_supported[type];
      return Status::Ok();
    }
    batch_.push_back(
        {std::move(resource), std::move(full_url), std::move(where), std::move(if_none_exist), 0});
    if (static_cast<int>(batch_.size()) >= s_.options.batch_size) return Flush(false);
    return Status::Ok();
  }

  // With `end`, entries waiting for references get their last chance.
  Status Flush(bool end) {
    std::vector<Entry> carry;
    CK_RETURN_IF_ERROR(s_.RunBatch(batch_, false, false, carry));
    batch_.clear();
    for (Entry& e : carry) waiting_.push_back(std::move(e));
    if (end) {
      std::vector<Entry> still;
      CK_RETURN_IF_ERROR(s_.RunBatch(waiting_, true, false, still));
      waiting_.clear();
    }
    if (s_.options.progress)
      s_.options.progress({bytes_read_, bytes_total_, s_.report.resources_read});
    return Status::Ok();
  }

  void set_bytes_read(int64_t n) { bytes_read_ = n; }

 private:
  Importer::State& s_;
  std::string file_;
  int64_t bytes_total_;
  int64_t bytes_read_ = 0;
  std::vector<Entry> batch_, waiting_;
};

// A file read in large chunks behind an input iterator: what the JSON parser
// reads a Bundle through (a std::istream costs a virtual call per byte).
class ChunkedFile {
 public:
  explicit ChunkedFile(std::FILE* f) : f_(f), buf_(1 << 20) {}

  bool AtEnd() {
    if (pos_ < len_) return false;
    if (!f_) return true;
    consumed_ += static_cast<int64_t>(len_);
    len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
    pos_ = 0;
    return len_ == 0;
  }
  char Peek() const { return buf_[pos_]; }
  void Advance() { ++pos_; }
  int64_t consumed() const { return consumed_ + static_cast<int64_t>(pos_); }

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    explicit Iterator(ChunkedFile* file = nullptr) : file_(file) {}
    char operator*() const { return file_->Peek(); }
    Iterator& operator++() {
      file_->Advance();
      return *this;
    }
    // Only ever compared with the end iterator.
    bool operator==(const Iterator& other) const {
      bool end = !file_ || file_->AtEnd();
      bool other_end = !other.file_ || other.file_->AtEnd();
      return end == other_end && (end || file_ == other.file_);
    }
    bool operator!=(const Iterator& other) const { return !(*this == other); }

   private:
    ChunkedFile* file_;
  };

 private:
  std::FILE* f_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  int64_t consumed_ = 0;
};

constexpr size_t kMaxDepth = 128;                // deeper JSON is refused, never recursed into
constexpr uint64_t kWholeFileLimit = 256 << 20;  // larger Bundles stream (slower, flat memory)

// A simdjson element as the nlohmann JSON the mappings read. Depth is bounded
// by the parser (kMaxDepth).
Json ToJson(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::ARRAY: {
      Json a = Json::array();
      simdjson::dom::array array = e.get_array().value_unsafe();
      for (simdjson::dom::element x : array) a.push_back(ToJson(x));
      return a;
    }
    case T::OBJECT: {
      Json o = Json::object();
      simdjson::dom::object object = e.get_object().value_unsafe();
      for (simdjson::dom::key_value_pair kv : object) o[std::string(kv.key)] = ToJson(kv.value);
      return o;
    }
    case T::INT64:
      return e.get_int64().value_unsafe();
    case T::UINT64:
      return e.get_uint64().value_unsafe();
    case T::DOUBLE:
      return e.get_double().value_unsafe();
    case T::STRING:
      return std::string(e.get_string().value_unsafe());
    case T::BOOL:
      return e.get_bool().value_unsafe();
    case T::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

std::string_view StringAt(simdjson::dom::element e, const char* key) {
  std::string_view out;
  if (e.is_object() && !e[key].get(out)) return out;
  return {};
}

bool IsNdjson(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  return ext == ".ndjson" || ext == ".jsonl";
}

std::string FileName(const std::string& path) { return fs::path(path).filename().string(); }

}  // namespace

Status Importer::ImportFile(const std::string& path) {
  State& s = *state_;
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot open " + path, "file");
  std::error_code ec;
  int64_t total = static_cast<int64_t>(fs::file_size(path, ec));
  std::string name = FileName(path);
  Feeder feeder(s, name, ec ? 0 : total);
  s.refs.clear();  // fullUrls are scoped to their bundle

  simdjson::dom::parser parser(kWholeFileLimit);
  if (parser.allocate(1 << 16, kMaxDepth))
    return Status(ErrorCode::kResourceExhausted, "cannot allocate the JSON parser");
  if (IsNdjson(path)) {
    std::string line;
    int64_t line_no = 0, bytes = 0;
    while (std::getline(in, line)) {
      ++line_no;
      bytes += static_cast<int64_t>(line.size()) + 1;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string where = name + " line " + std::to_string(line_no);
      simdjson::dom::element doc;
      auto error = parser.parse(line).get(doc);
      if (error || !doc.is_object()) {
        ++s.report.resources_read;
        s.report.errors.push_back(
            {where, "", "", "",
             error ? std::string("is not JSON: ") + simdjson::error_message(error)
                   : "is not a JSON object"});
        continue;
      }
      std::string_view type = StringAt(doc, "resourceType");
      if (!type.empty() && !FindMapping(type)) {
        ++s.report.resources_read;
        ++s.report.not_supported[std::string(type)];
        continue;
      }
      Json r = ToJson(doc);
      feeder.set_bytes_read(bytes);
      CK_RETURN_IF_ERROR(feeder.Add(std::move(r), "", "", where));
    }
    feeder.set_bytes_read(bytes);
    return feeder.Flush(true);
  }

  // A Bundle, entry by entry: each entry is handed over and dropped as soon as
  // it is parsed, so memory stays flat however large the file.
  // Bundles up to kWholeFileLimit are parsed at once with simdjson; only the
  // resources casekeeper keeps become nlohmann JSON for the mappings.
  in.close();
  if (!ec && static_cast<uint64_t>(total) <= kWholeFileLimit) {
    simdjson::padded_string text;
    simdjson::dom::element root;
    if (!simdjson::padded_string::load(path).get(text) && !parser.parse(text).get(root)) {
      simdjson::dom::array entries;
      if (StringAt(root, "resourceType") != "Bundle") {
        if (!root.is_object()) {
          s.report.errors.push_back({name, "", "", "", "is not a FHIR resource or Bundle"});
          return Status::Ok();
        }
        CK_RETURN_IF_ERROR(feeder.Add(ToJson(root), "", "", name));
      } else if (!root["entry"].get(entries)) {
        size_t entry_no = 0;
        for (simdjson::dom::element entry : entries) {
          std::string where = name + " entry " + std::to_string(entry_no++);
          simdjson::dom::element resource;
          if (!entry.is_object() || entry["resource"].get(resource)) {
            ++s.report.resources_read;
            s.report.errors.push_back({where, "", "", "resource", "is required"});
            continue;
          }
          std::string_view type = StringAt(resource, "resourceType");
          if (!type.empty() && !FindMapping(type)) {
            ++s.report.resources_read;
            ++s.report.not_supported[std::string(type)];
            continue;
          }
          simdjson::dom::element request;
          std::string if_none;
          if (!entry["request"].get(request)) if_none = StringAt(request, "ifNoneExist");
          feeder.set_bytes_read(total * static_cast<int64_t>(entry_no) /
                                static_cast<int64_t>(std::max<size_t>(entries.size(), 1)));
          CK_RETURN_IF_ERROR(feeder.Add(ToJson(resource), std::string(StringAt(entry, "fullUrl")),
                                        if_none, where));
        }
      }
      feeder.set_bytes_read(total);
      return feeder.Flush(true);
    }
    // Not valid JSON: the streaming parser below says where.
  }
  // Streaming: resources of kinds casekeeper does not keep are not built at all.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return InvalidArgument("cannot open " + path, "file");
  ChunkedFile chunks(file.get());
  Status failure = Status::Ok();
  bool in_entries = false, in_resource = false, type_next = false, skip = false;
  size_t entry_no = 0;
  using E = Json::parse_event_t;
  Json::parser_callback_t on_event = [&](int depth, E event, Json& parsed) {
    if (depth > static_cast<int>(kMaxDepth)) {
      if (failure.ok()) failure = InvalidArgument("nests deeper than 128 levels", "file");
      return false;
    }
    if (depth == 1 && event == E::key) in_entries = parsed == "entry";
    if (!in_entries) return true;
    if (depth == 3 && event == E::key) {
      in_resource = parsed == "resource";
      skip = false;
    }
    if (in_resource && depth >= 4) {
      if (skip) return false;
      if (depth == 4 && event == E::key) {
        type_next = parsed == "resourceType";
      } else if (depth == 4 && event == E::value && type_next) {
        type_next = false;
        skip = parsed.is_string() && !FindMapping(parsed.get_ref<const std::string&>());
      }
    }
    if (depth == 2 && event == E::object_end) {
      in_resource = skip = false;
      if (failure.ok()) {
        std::string where = name + " entry " + std::to_string(entry_no++);
        Json resource = parsed.contains("resource") ? std::move(parsed["resource"]) : Json();
        std::string full_url = parsed.value("fullUrl", "");
        std::string if_none;
        if (parsed.contains("request") && parsed["request"].is_object())
          if_none = parsed["request"].value("ifNoneExist", "");
        feeder.set_bytes_read(chunks.consumed());
        failure = feeder.Add(std::move(resource), std::move(full_url), std::move(if_none), where);
      }
      return false;
    }
    return true;
  };
  Json root;
  try {
    root = Json::parse(ChunkedFile::Iterator(&chunks), ChunkedFile::Iterator(), on_event);
  } catch (const Json::parse_error& e) {
    CK_RETURN_IF_ERROR(failure);
    CK_RETURN_IF_ERROR(feeder.Flush(true));
    s.report.errors.push_back({name, "", "", "", std::string("is not valid JSON: ") + e.what()});
    return Status::Ok();
  }
  CK_RETURN_IF_ERROR(failure);
  if (root.is_object() && root.value("resourceType", "") != "Bundle") {
    // A single resource.
    CK_RETURN_IF_ERROR(feeder.Add(std::move(root), "", "", name));
  }
  return feeder.Flush(true);
}

std::vector<std::string> ImportOrder(std::vector<std::string> paths) {
  auto rank = [](const std::string& path) {
    std::string name = FileName(path);
    if (name.rfind("hospitalInformation", 0) == 0) return 0;
    if (name.rfind("practitionerInformation", 0) == 0) return 1;
    static const char* kOrder[] = {"Organization", "Location",  "Practitioner", "PractitionerRole",
                                   "Patient",      "Encounter", "Condition"};
    for (int i = 0; i < 7; ++i) {
      std::string t = kOrder[i];
      if (name.rfind(t + ".", 0) == 0 || name.rfind(t + "-", 0) == 0 || name.rfind(t + "_", 0) == 0)
        return 2 + i;
    }
    return 20;
  };
  std::stable_sort(paths.begin(), paths.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  return paths;
}

Status Importer::ImportFiles(std::vector<std::string> paths) {
  for (const std::string& path : ImportOrder(std::move(paths))) {
    Status st = ImportFile(path);
    if (st.code() == ErrorCode::kInvalidArgument) {
      state_->report.errors.push_back({FileName(path), "", "", "", st.message()});
      continue;
    }
    CK_RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

Result<nlohmann::json> Importer::ImportBundle(const nlohmann::json& bundle) {
  State& s = *state_;
  if (!bundle.is_object() || bundle.value("resourceType", "") != "Bundle")
    return InvalidArgument("must be a Bundle", "resourceType");
  std::string type = bundle.value("type", "");
  if (type != "transaction" && type != "batch")
    return InvalidArgument("must be transaction or batch", "Bundle.type");
  if (!bundle.contains("entry") || !bundle["entry"].is_array())
    return InvalidArgument("is required", "Bundle.entry");
  bool atomic = type == "transaction";
  s.refs.clear();

  std::vector<Entry> batch;
  Json responses = Json::array();
  std::vector<std::optional<Json>> slots(bundle["entry"].size());
  for (size_t i = 0; i < bundle["entry"].size(); ++i) {
    const Json& e = bundle["entry"][i];
    std::string where = "Bundle.entry[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("resource") || !e["resource"].is_object()) {
      if (atomic) return InvalidArgument("has no resource", where);
      slots[i] = {{"response", {{"status", "400 Bad Request"}}}};
      continue;
    }
    std::string method;
    if (e.contains("request") && e["request"].is_object())
      method = e["request"].value("method", "");
    if (!method.empty() && method != "POST" && method != "PUT") {
      if (atomic) return InvalidArgument("only POST and PUT entries are accepted", where);
      slots[i] = {{"response", {{"status", "405 Method Not Allowed"}}}};
      continue;
    }
    std::string rtype = e["resource"].value("resourceType", "");
    ++s.report.resources_read;
    if (!FindMapping(rtype)) {
      // Types casekeeper does not keep (claims, immunizations, ...) are passed
      // over, also in a transaction: the rest is applied all or nothing.
      ++s.report.not_supported[rtype];
      Json outcome = OperationOutcome(where, rtype + " is not kept by casekeeper", "not-supported");
      outcome["issue"][0]["severity"] = "warning";
      slots[i] = Json{{"response", {{"status", "422 Unprocessable Entity"}, {"outcome", outcome}}}};
      continue;
    }
    Entry en{e["resource"], e.value("fullUrl", ""), where, "", i};
    if (e.contains("request") && e["request"].is_object())
      en.if_none_exist = e["request"].value("ifNoneExist", "");
    batch.push_back(std::move(en));
  }
  std::vector<Entry> carry;
  std::vector<Done> done;
  size_t errors_before = s.report.errors.size();
  CK_RETURN_IF_ERROR(s.RunBatch(batch, true, atomic, carry, &done));
  for (const Done& d : done) {
    const Entry& en = batch[d.entry];
    slots[en.index] = Json{
        {"response",
         {{"status", OutcomeStatus(d.outcome)}, {"location", d.target.type + "/" + d.fhir_id}}}};
  }
  for (size_t i = errors_before; i < s.report.errors.size(); ++i) {
    const ImportIssue& issue = s.report.errors[i];
    for (const Entry& en : batch) {
      if (en.where != issue.where) continue;
      slots[en.index] = Json{{"response",
                              {{"status", "400 Bad Request"},
                               {"outcome", OperationOutcome(issue.field, issue.message)}}}};
    }
  }
  for (auto& slot : slots)
    responses.push_back(slot ? *slot : Json{{"response", {{"status", "200 OK"}}}});
  return Json{{"resourceType", "Bundle"},
              {"type", atomic ? "transaction-response" : "batch-response"},
              {"entry", responses}};
}

}  // namespace ck::fhir
