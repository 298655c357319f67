#include "scoring/catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ck::scoring {

Status Catalog::Add(const Json& definition, const std::string& source, bool replaces) {
  // Parse checks every type before reading a value; this catches what slips through.
  Result<Instrument> parsed = InvalidArgument("unreadable definition", "definition");
  try {
    parsed = Instrument::Parse(definition);
  } catch (const std::exception& e) {
    return InvalidArgument(source + ": malformed definition (" + e.what() + ")", "definition");
  }
  if (!parsed.ok())
    return InvalidArgument(source + ": " + parsed.status().message(), parsed.status().field());
  auto in = std::make_unique<Instrument>(std::move(*parsed));
  if (Find(in->id(), in->version()))
    return InvalidArgument(source + ": " + in->id() + " version " + in->version() +
                               " is already defined; give a changed definition a new version",
                           "version");
  auto cur = std::find_if(current_.begin(), current_.end(),
                          [&](const auto& c) { return c.first == in->id(); });
  if (cur == current_.end()) {
    current_.emplace_back(in->id(), in.get());
  } else {
    if (!replaces) return InvalidArgument(source + ": a second definition of " + in->id(), "id");
    cur->second = in.get();
  }
  all_.push_back(std::move(in));
  return Status::Ok();
}

Status Catalog::AddArchived(const Json& definition, const std::string& source) {
  Result<Instrument> parsed = InvalidArgument("unreadable definition", "definition");
  try {
    parsed = Instrument::Parse(definition);
  } catch (const std::exception& e) {
    return InvalidArgument(source + ": malformed definition (" + e.what() + ")", "definition");
  }
  if (!parsed.ok())
    return InvalidArgument(source + ": " + parsed.status().message(), parsed.status().field());
  if (Find(parsed->id(), parsed->version())) return Status::Ok();
  all_.push_back(std::make_unique<Instrument>(std::move(*parsed)));
  return Status::Ok();
}

Result<std::unique_ptr<Catalog>> Catalog::Load(const std::string& custom_dir) {
  auto catalog = std::unique_ptr<Catalog>(new Catalog());
  for (const auto& [name, text] : BuiltinInstrumentSources()) {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded()) return Internal("built-in instrument " + name + " is not JSON");
    CK_RETURN_IF_ERROR(catalog->Add(j, "built-in " + name, false));
  }
  if (!custom_dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(custom_dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".json") files.push_back(it->path());
    if (ec)
      return InvalidArgument("cannot read " + custom_dir + ": " + ec.message(),
                             "assessments.instruments_dir");
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::ifstream in(f);
      std::stringstream buf;
      buf << in.rdbuf();
      Json j = Json::parse(buf.str(), nullptr, false);
      if (!in || j.is_discarded())
        return InvalidArgument(f.string() + ": not a JSON file", "assessments.instruments_dir");
      CK_RETURN_IF_ERROR(catalog->Add(j, f.string(), true));
    }
  }
  return catalog;
}

const Instrument* Catalog::Current(std::string_view id) const {
  for (const auto& [cid, in] : current_)
    if (cid == id) return in;
  return nullptr;
}

const Instrument* Catalog::Find(std::string_view id, std::string_view version) const {
  for (const auto& in : all_)
    if (in->id() == id && in->version() == version) return in.get();
  return nullptr;
}

std::vector<const Instrument*> Catalog::CurrentAll() const {
  std::vector<const Instrument*> out;
  for (const auto& [_, in] : current_) out.push_back(in);
  std::sort(out.begin(), out.end(),
            [](const Instrument* a, const Instrument* b) { return a->id() < b->id(); });
  return out;
}

}  // namespace ck::scoring
