#include "social/resources.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "audit/trail.h"
#include "core/csv.h"
#include "core/strings.h"
#include "social/domains.h"

namespace ck::social {
namespace {

constexpr const char* kColumns =
    "id, organization, service, description, eligibility, languages, hours, phone, email, "
    "website, address_line, city, state, postal_code, latitude, longitude, capacity, "
    "capacity_note, capacity_updated_at, active, created_at, updated_at, version";

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// "a; b, c" → {"a", "b", "c"}, empty parts dropped.
std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == ';' || ch == ',') {
      if (std::string t = Trim(cur); !t.empty()) out.push_back(t);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (std::string t = Trim(cur); !t.empty()) out.push_back(t);
  return out;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ";") + s;
  return out;
}

// The five-digit ZIP code of "43205" or "43205-1234"; empty when it is neither.
std::string Zip5(std::string_view s) {
  std::string t = Trim(s);
  if (t.size() != 5 && t.size() != 10) return {};
  for (size_t i = 0; i < t.size(); ++i) {
    if (i == 5) {
      if (t[i] != '-') return {};
    } else if (!std::isdigit(static_cast<unsigned char>(t[i]))) {
      return {};
    }
  }
  return t.substr(0, 5);
}

Resource FromRow(const db::Row& r) {
  Resource x;
  x.id = r.Int(0);
  x.organization = r.Text(1);
  x.service = r.Text(2);
  x.description = r.OptText(3);
  x.eligibility = r.OptText(4);
  x.languages = SplitList(r.Text(5));
  x.hours = r.OptText(6);
  x.phone = r.OptText(7);
  x.email = r.OptText(8);
  x.website = r.OptText(9);
  x.address_line = r.OptText(10);
  x.city = r.OptText(11);
  x.state = r.OptText(12);
  x.postal_code = r.OptText(13);
  if (!r.IsNull(14)) x.latitude = r.Real(14);
  if (!r.IsNull(15)) x.longitude = r.Real(15);
  x.capacity = r.Text(16);
  x.capacity_note = r.OptText(17);
  x.capacity_updated_at = r.OptInt(18);
  x.active = r.Int(19) != 0;
  x.created_at = r.Int(20);
  x.updated_at = r.Int(21);
  x.version = static_cast<int>(r.Int(22));
  return x;
}

Status LoadDomains(db::Connection& c, std::vector<Resource*> rs) {
  std::map<int64_t, Resource*> by_id;
  for (Resource* r : rs) {
    r->domains.clear();
    by_id[r->id] = r;
  }
  // In chunks, so that a long list stays within the backends' parameter limits.
  std::vector<int64_t> ids;
  for (const auto& [id, _] : by_id) ids.push_back(id);
  for (size_t at = 0; at < ids.size(); at += 500) {
    size_t n = std::min<size_t>(500, ids.size() - at);
    std::string in = "(";
    db::Params p;
    for (size_t i = 0; i < n; ++i) {
      in += i ? ", ?" : "?";
      p.emplace_back(ids[at + i]);
    }
    CK_RETURN_IF_ERROR(c.ForEachRow(
        "SELECT resource_id, domain FROM community_resource_domains WHERE resource_id IN " + in +
            ") ORDER BY resource_id, domain",
        p, [&](const db::Row& r) {
          by_id.at(r.Int(0))->domains.push_back(r.Text(1));
          return Status::Ok();
        }));
  }
  return Status::Ok();
}

Result<std::optional<std::pair<double, double>>> Centroid(db::Connection& c,
                                                          const std::string& zip) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT latitude, longitude FROM zip_centroids WHERE postal_code = ?", {zip}));
  if (rows.empty()) return std::optional<std::pair<double, double>>();
  return std::optional<std::pair<double, double>>(
      std::make_pair(rows.at(0).Real(0), rows.at(0).Real(1)));
}

Result<Resource> LoadResource(db::Connection& c, int64_t id) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query(std::string("SELECT ") + kColumns + " FROM community_resources WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("no community resource " + std::to_string(id));
  Resource r = FromRow(rows.at(0));
  CK_RETURN_IF_ERROR(LoadDomains(c, {&r}));
  return r;
}

db::Value Opt(const std::optional<std::string>& v) { return v ? db::Value(*v) : db::Value(); }
db::Value Opt(const std::optional<double>& v) { return v ? db::Value(*v) : db::Value(); }

Status WriteDomains(db::Connection& c, int64_t id, const std::vector<std::string>& domains) {
  CK_RETURN_IF_ERROR(
      c.Exec("DELETE FROM community_resource_domains WHERE resource_id = ?", {id}).status());
  std::set<std::string> unique(domains.begin(), domains.end());
  for (const std::string& d : unique)
    CK_RETURN_IF_ERROR(
        c.Exec("INSERT INTO community_resource_domains (resource_id, domain) VALUES (?, ?)",
               {id, d})
            .status());
  return Status::Ok();
}

Result<int64_t> InsertResource(db::Connection& c, const Resource& r, Timestamp now) {
  CK_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("INSERT INTO community_resources (organization, service, description, eligibility, "
              "languages, hours, phone, email, website, address_line, city, state, postal_code, "
              "latitude, longitude, capacity, capacity_note, capacity_updated_at, active, "
              "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?, ?, ?) RETURNING id",
              {r.organization,
               r.service,
               Opt(r.description),
               Opt(r.eligibility),
               JoinList(r.languages),
               Opt(r.hours),
               Opt(r.phone),
               Opt(r.email),
               Opt(r.website),
               Opt(r.address_line),
               Opt(r.city),
               Opt(r.state),
               Opt(r.postal_code),
               Opt(r.latitude),
               Opt(r.longitude),
               r.capacity,
               Opt(r.capacity_note),
               r.capacity != "unknown" ? db::Value(now) : db::Value(),
               r.active ? 1 : 0,
               now,
               now}));
  int64_t id = rows.at(0).Int(0);
  CK_RETURN_IF_ERROR(WriteDomains(c, id, r.domains));
  return id;
}

// Writes `r` over row `id` if its version is still `version`; Conflict otherwise.
Status UpdateResource(db::Connection& c, int64_t id, const Resource& r, const Resource& before,
                      int version, Timestamp now) {
  bool capacity_changed = r.capacity != before.capacity || r.capacity_note != before.capacity_note;
  CK_ASSIGN_OR_RETURN(
      int64_t n,
      c.Exec(
          "UPDATE community_resources SET organization = ?, service = ?, description = ?, "
          "eligibility = ?, languages = ?, hours = ?, phone = ?, email = ?, website = ?, "
          "address_line = ?, city = ?, state = ?, postal_code = ?, latitude = ?, longitude = "
          "?, capacity = ?, capacity_note = ?, capacity_updated_at = ?, active = ?, "
          "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
          {r.organization,
           r.service,
           Opt(r.description),
           Opt(r.eligibility),
           JoinList(r.languages),
           Opt(r.hours),
           Opt(r.phone),
           Opt(r.email),
           Opt(r.website),
           Opt(r.address_line),
           Opt(r.city),
           Opt(r.state),
           Opt(r.postal_code),
           Opt(r.latitude),
           Opt(r.longitude),
           r.capacity,
           Opt(r.capacity_note),
           capacity_changed ? db::Value(now)
                            : (before.capacity_updated_at ? db::Value(*before.capacity_updated_at)
                                                          : db::Value()),
           r.active ? 1 : 0,
           now,
           id,
           version}));
  if (n != 1) return Conflict("the resource changed meanwhile; reload", "version");
  return WriteDomains(c, id, r.domains);
}

bool SameContent(const Resource& a, const Resource& b) {
  std::set<std::string> da(a.domains.begin(), a.domains.end()),
      db_(b.domains.begin(), b.domains.end());
  return a.organization == b.organization && a.service == b.service && da == db_ &&
         a.description == b.description && a.eligibility == b.eligibility &&
         a.languages == b.languages && a.hours == b.hours && a.phone == b.phone &&
         a.email == b.email && a.website == b.website && a.address_line == b.address_line &&
         a.city == b.city && a.state == b.state && a.postal_code == b.postal_code &&
         a.latitude == b.latitude && a.longitude == b.longitude && a.capacity == b.capacity &&
         a.capacity_note == b.capacity_note && a.active == b.active;
}

Result<double> ParseNumber(const std::string& s, const char* field) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v)) return InvalidArgument("must be a number", field);
    return v;
  } catch (...) {
    return InvalidArgument("must be a number", field);
  }
}

}  // namespace

double DistanceMiles(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusMiles = 3958.8;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRad) *
                                                           std::cos(lat2 * kRad) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusMiles * std::asin(std::min(1.0, std::sqrt(a)));
}

Status ValidateResource(const Resource& r) {
  auto text = [](const std::optional<std::string>& v, const char* field, size_t max) -> Status {
    if (v && (v->empty() || v->size() > max))
      return InvalidArgument("must be 1 to " + std::to_string(max) + " bytes", field);
    return Status::Ok();
  };
  if (r.organization.empty() || r.organization.size() > 200)
    return InvalidArgument("must be 1 to 200 bytes", "organization");
  if (r.service.empty() || r.service.size() > 200)
    return InvalidArgument("must be 1 to 200 bytes", "service");
  if (r.domains.empty()) return InvalidArgument("name at least one need it meets", "domains");
  for (const std::string& d : r.domains)
    if (!IsBarrierDomain(d))
      return InvalidArgument("unknown need " + d + " (see docs/social_needs.md)", "domains");
  if (r.languages.empty()) return InvalidArgument("name at least one language", "languages");
  for (const std::string& l : r.languages)
    if (l.size() < 2 || l.size() > 3 ||
        !std::all_of(l.begin(), l.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }))
      return InvalidArgument("must be language codes such as en, es, so", "languages");
  CK_RETURN_IF_ERROR(text(r.description, "description", 2000));
  CK_RETURN_IF_ERROR(text(r.eligibility, "eligibility", 1000));
  CK_RETURN_IF_ERROR(text(r.hours, "hours", 300));
  CK_RETURN_IF_ERROR(text(r.address_line, "address_line", 200));
  CK_RETURN_IF_ERROR(text(r.city, "city", 100));
  CK_RETURN_IF_ERROR(text(r.capacity_note, "capacity_note", 500));
  if (r.phone) {
    int digits = 0;
    for (char ch : *r.phone) {
      if (std::isdigit(static_cast<unsigned char>(ch)))
        ++digits;
      else if (!OneOf(std::string_view(&ch, 1), {" ", "-", "(", ")", "+", "."}))
        return InvalidArgument("must be a phone number (digits, spaces, - ( ) + .)", "phone");
    }
    if (digits < 7 || digits > 15 || r.phone->size() > 30)
      return InvalidArgument("must be a phone number of 7 to 15 digits", "phone");
  }
  if (r.email && (r.email->find('@') == std::string::npos || r.email->size() > 200))
    return InvalidArgument("must be an email address", "email");
  if (r.website && (r.website->size() > 300 ||
                    (r.website->rfind("https://", 0) != 0 && r.website->rfind("http://", 0) != 0)))
    return InvalidArgument("must be an http(s) address", "website");
  if (r.state &&
      (r.state->size() != 2 || !std::isupper(static_cast<unsigned char>((*r.state)[0])) ||
       !std::isupper(static_cast<unsigned char>((*r.state)[1]))))
    return InvalidArgument("must be a two-letter state code", "state");
  if (r.postal_code && Zip5(*r.postal_code).empty())
    return InvalidArgument("must be a ZIP code (12345 or 12345-6789)", "postal_code");
  if (r.latitude.has_value() != r.longitude.has_value())
    return InvalidArgument("give both latitude and longitude, or neither",
                           r.latitude ? "longitude" : "latitude");
  if (r.latitude && (*r.latitude < -90 || *r.latitude > 90))
    return InvalidArgument("must be -90 to 90", "latitude");
  if (r.longitude && (*r.longitude < -180 || *r.longitude > 180))
    return InvalidArgument("must be -180 to 180", "longitude");
  if (!OneOf(r.capacity, {"open", "waitlist", "full", "unknown"}))
    return InvalidArgument("must be open, waitlist, full or unknown", "capacity");
  return Status::Ok();
}

Result<Resource> Directory::Create(const auth::Actor& actor, Resource r) {
  CK_RETURN_IF_ERROR(ValidateResource(r));
  Timestamp now = clock_.Now();
  int64_t id = 0;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM community_resources WHERE organization "
                                          "= ? AND service = ?",
                                          {r.organization, r.service}));
    if (!dup.empty())
      return Conflict("this organisation already lists this service (resource " +
                          std::to_string(dup.at(0).Int(0)) + ")",
                      "service");
    CK_ASSIGN_OR_RETURN(id, InsertResource(c, r, now));
    return audit::Append(
        c, audit::EventBy(actor, now, "resource.create", "community_resource", std::to_string(id)));
  }));
  return Get(id);
}

Result<Resource> Directory::Update(const auth::Actor& actor, int64_t id, Resource r,
                                   int expected_version) {
  CK_RETURN_IF_ERROR(ValidateResource(r));
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(Resource before, LoadResource(c, id));
    CK_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM community_resources WHERE organization "
                                          "= ? AND service = ? AND id <> ?",
                                          {r.organization, r.service, id}));
    if (!dup.empty())
      return Conflict("this organisation already lists this service (resource " +
                          std::to_string(dup.at(0).Int(0)) + ")",
                      "service");
    CK_RETURN_IF_ERROR(UpdateResource(c, id, r, before, expected_version, now));
    return audit::Append(
        c, audit::EventBy(actor, now, "resource.update", "community_resource", std::to_string(id)));
  }));
  return Get(id);
}

Result<Resource> Directory::Get(int64_t id) {
  Resource out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(out, LoadResource(c, id));
    return Status::Ok();
  }));
  return out;
}

Result<SearchResult> Directory::Search(const ResourceQuery& q) {
  if (q.domain && !IsBarrierDomain(*q.domain))
    return InvalidArgument("unknown need (see docs/social_needs.md)", "domain");
  if (q.latitude.has_value() != q.longitude.has_value())
    return InvalidArgument("give both latitude and longitude", "latitude");
  SearchResult out;
  CK_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    out = {};
    // Where from.
    std::optional<std::pair<double, double>> origin;
    if (q.latitude) {
      origin = std::make_pair(*q.latitude, *q.longitude);
      out.origin = "the given point";
    } else if (q.postal_code) {
      std::string zip = Zip5(*q.postal_code);
      if (zip.empty()) return InvalidArgument("must be a ZIP code", "postal_code");
      CK_ASSIGN_OR_RETURN(origin, Centroid(c, zip));
      if (!origin)
        return InvalidArgument(
            "no location is known for ZIP code " + zip + " (import ZIP centroids)", "postal_code");
      out.origin = "ZIP " + zip;
    } else if (q.patient_id) {
      CK_ASSIGN_OR_RETURN(auto p, c.Query("SELECT address_postal_code FROM patients WHERE id = ?",
                                          {*q.patient_id}));
      if (p.empty()) return NotFound("no patient " + std::to_string(*q.patient_id));
      if (std::string zip = Zip5(p.at(0).OptText(0).value_or("")); !zip.empty()) {
        CK_ASSIGN_OR_RETURN(origin, Centroid(c, zip));
        if (origin) out.origin = "the patient's home ZIP " + zip;
      }
    }
    if (q.within_miles && !origin)
      return InvalidArgument(
          "a distance limit needs a place to measure from (the patient's ZIP code is unknown)",
          "within_miles");

    std::string sql = std::string("SELECT ") + kColumns + " FROM community_resources r WHERE 1 = 1";
    db::Params p;
    if (!q.include_inactive) sql += " AND r.active = 1";
    if (q.domain) {
      sql +=
          " AND EXISTS (SELECT 1 FROM community_resource_domains d WHERE d.resource_id = r.id "
          "AND d.domain = ?)";
      p.emplace_back(*q.domain);
    }
    if (q.text && !q.text->empty()) {
      std::string like = "%";
      for (char ch : Lower(*q.text)) {
        if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
        like += ch;
      }
      like += "%";
      sql +=
          " AND (LOWER(r.organization) LIKE ? ESCAPE '\\' OR LOWER(r.service) LIKE ? ESCAPE '\\' "
          "OR LOWER(COALESCE(r.description, '')) LIKE ? ESCAPE '\\' OR "
          "LOWER(COALESCE(r.eligibility, '')) LIKE ? ESCAPE '\\')";
      for (int i = 0; i < 4; ++i) p.emplace_back(like);
    }
    if (!q.include_full) sql += " AND r.capacity <> 'full'";
    CK_ASSIGN_OR_RETURN(auto rows, c.Query(sql, p));
    std::vector<ResourceHit> hits;
    std::set<std::string> zips;
    for (const db::Row& r : rows) {
      Resource x = FromRow(r);
      if (q.language && std::find(x.languages.begin(), x.languages.end(), Lower(*q.language)) ==
                            x.languages.end())
        continue;
      if (!x.latitude && x.postal_code) zips.insert(Zip5(*x.postal_code));
      hits.push_back({std::move(x), std::nullopt});
    }
    std::map<std::string, std::pair<double, double>> centroids;
    if (origin) {
      for (const std::string& z : zips) {
        CK_ASSIGN_OR_RETURN(auto at, Centroid(c, z));
        if (at) centroids[z] = *at;
      }
    }
    std::vector<ResourceHit> kept;
    for (ResourceHit& h : hits) {
      if (origin) {
        std::optional<std::pair<double, double>> at;
        if (h.resource.latitude) {
          at = std::make_pair(*h.resource.latitude, *h.resource.longitude);
        } else if (h.resource.postal_code) {
          auto it = centroids.find(Zip5(*h.resource.postal_code));
          if (it != centroids.end()) at = it->second;
        }
        if (at)
          h.distance_miles = DistanceMiles(origin->first, origin->second, at->first, at->second);
      }
      if (q.within_miles && (!h.distance_miles || *h.distance_miles > *q.within_miles)) continue;
      kept.push_back(std::move(h));
    }
    std::stable_sort(kept.begin(), kept.end(), [](const ResourceHit& a, const ResourceHit& b) {
      bool full_a = a.resource.capacity == "full", full_b = b.resource.capacity == "full";
      if (full_a != full_b) return full_b;
      if (a.distance_miles.has_value() != b.distance_miles.has_value())
        return a.distance_miles.has_value();
      if (a.distance_miles && *a.distance_miles != *b.distance_miles)
        return *a.distance_miles < *b.distance_miles;
      if (a.resource.organization != b.resource.organization)
        return a.resource.organization < b.resource.organization;
      return a.resource.service < b.resource.service;
    });
    if (kept.size() > static_cast<size_t>(q.limit)) kept.resize(static_cast<size_t>(q.limit));
    std::vector<Resource*> ptrs;
    for (ResourceHit& h : kept) ptrs.push_back(&h.resource);
    CK_RETURN_IF_ERROR(LoadDomains(c, ptrs));
    out.items = std::move(kept);
    return Status::Ok();
  }));
  return out;
}

Result<ImportReport> Directory::ImportCsv(const auth::Actor& actor, std::string_view csv) {
  std::vector<int> lines;
  auto rows = ParseCsv(csv, &lines);
  if (rows.empty()) return InvalidArgument("the file is empty", "file");
  static const std::vector<std::string> kKnown = {
      "organization", "service",  "domains",       "description", "eligibility",
      "languages",    "hours",    "phone",         "email",       "website",
      "address_line", "city",     "state",         "postal_code", "latitude",
      "longitude",    "capacity", "capacity_note", "active"};
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    std::string name = Lower(Trim(rows[0][i]));
    if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end())
      return InvalidArgument("unknown column " + name, "file");
    if (columns.count(name)) return InvalidArgument("column " + name + " appears twice", "file");
    columns[name] = i;
  }
  for (const char* required : {"organization", "service", "domains"})
    if (!columns.count(required))
      return InvalidArgument(std::string("the header has no ") + required + " column", "file");
  ImportReport report;
  Timestamp now = clock_.Now();
  audit::Batch audit;
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    report = {};
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& row = rows[i];
      auto fail = [&](const std::string& field, const std::string& message) {
        report.errors.push_back({lines[i], field, message});
      };
      if (row.size() == 1 && Trim(row[0]).empty()) continue;  // a blank line
      if (row.size() != rows[0].size()) {
        fail("row", "has " + std::to_string(row.size()) + " fields, the header " +
                        std::to_string(rows[0].size()));
        continue;
      }
      auto cell = [&](const char* name) -> std::optional<std::string> {
        auto it = columns.find(name);
        if (it == columns.end()) return std::nullopt;
        std::string v = Trim(row[it->second]);
        if (v.empty()) return std::nullopt;
        return v;
      };
      Resource r;
      r.organization = cell("organization").value_or("");
      r.service = cell("service").value_or("");
      for (const std::string& d : SplitList(cell("domains").value_or("")))
        r.domains.push_back(Lower(d));
      r.description = cell("description");
      r.eligibility = cell("eligibility");
      if (auto l = cell("languages")) {
        r.languages.clear();
        for (const std::string& x : SplitList(*l)) r.languages.push_back(Lower(x));
      }
      r.hours = cell("hours");
      r.phone = cell("phone");
      r.email = cell("email");
      r.website = cell("website");
      r.address_line = cell("address_line");
      r.city = cell("city");
      r.state = cell("state");
      r.postal_code = cell("postal_code");
      bool bad = false;
      for (const char* f : {"latitude", "longitude"}) {
        if (auto v = cell(f)) {
          auto n = ParseNumber(*v, f);
          if (!n.ok()) {
            fail(f, n.status().message());
            bad = true;
            break;
          }
          (std::string_view(f) == "latitude" ? r.latitude : r.longitude) = *n;
        }
      }
      if (bad) continue;
      if (auto v = cell("capacity")) r.capacity = Lower(*v);
      r.capacity_note = cell("capacity_note");
      if (auto v = cell("active")) {
        std::string a = Lower(*v);
        if (!OneOf(a, {"true", "false", "yes", "no", "1", "0"})) {
          fail("active", "must be true or false");
          continue;
        }
        r.active = OneOf(a, {"true", "yes", "1"});
      }
      if (Status st = ValidateResource(r); !st.ok()) {
        fail(st.field(), st.message());
        continue;
      }
      CK_ASSIGN_OR_RETURN(auto existing, c.Query("SELECT id FROM community_resources WHERE "
                                                 "organization = ? AND service = ?",
                                                 {r.organization, r.service}));
      if (existing.empty()) {
        CK_ASSIGN_OR_RETURN(int64_t id, InsertResource(c, r, now));
        ++report.created;
        CK_RETURN_IF_ERROR(audit.Add(audit::EventBy(actor, now, "resource.import",
                                                    "community_resource", std::to_string(id))));
        continue;
      }
      int64_t id = existing.at(0).Int(0);
      CK_ASSIGN_OR_RETURN(Resource before, LoadResource(c, id));
      if (SameContent(before, r)) {
        ++report.unchanged;
        continue;
      }
      CK_RETURN_IF_ERROR(UpdateResource(c, id, r, before, before.version, now));
      ++report.updated;
      CK_RETURN_IF_ERROR(audit.Add(
          audit::EventBy(actor, now, "resource.import", "community_resource", std::to_string(id))));
    }
    return audit.Flush(c);
  }));
  return report;
}

Result<ImportReport> Directory::ImportZipCentroids(const auth::Actor& actor, std::string_view csv) {
  std::vector<int> lines;
  auto rows = ParseCsv(csv, &lines);
  if (rows.empty()) return InvalidArgument("the file is empty", "file");
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < rows[0].size(); ++i) columns[Lower(Trim(rows[0][i]))] = i;
  for (const char* required : {"postal_code", "latitude", "longitude"})
    if (!columns.count(required))
      return InvalidArgument(std::string("the header has no ") + required + " column", "file");
  ImportReport report;
  Timestamp now = clock_.Now();
  CK_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    report = {};
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& row = rows[i];
      if (row.size() == 1 && Trim(row[0]).empty()) continue;
      auto fail = [&](const std::string& field, const std::string& message) {
        report.errors.push_back({lines[i], field, message});
      };
      if (row.size() != rows[0].size()) {
        fail("row", "has " + std::to_string(row.size()) + " fields, the header " +
                        std::to_string(rows[0].size()));
        continue;
      }
      std::string zip = Zip5(row[columns["postal_code"]]);
      if (zip.empty()) {
        fail("postal_code", "must be a five-digit ZIP code");
        continue;
      }
      auto lat = ParseNumber(Trim(row[columns["latitude"]]), "latitude");
      auto lon = ParseNumber(Trim(row[columns["longitude"]]), "longitude");
      if (!lat.ok() || *lat < -90 || *lat > 90) {
        fail("latitude", "must be a number from -90 to 90");
        continue;
      }
      if (!lon.ok() || *lon < -180 || *lon > 180) {
        fail("longitude", "must be a number from -180 to 180");
        continue;
      }
      CK_ASSIGN_OR_RETURN(int64_t n, c.Exec("UPDATE zip_centroids SET latitude = ?, longitude = "
                                            "? WHERE postal_code = ?",
                                            {*lat, *lon, zip}));
      if (n == 0) {
        CK_RETURN_IF_ERROR(c.Exec("INSERT INTO zip_centroids (postal_code, latitude, longitude) "
                                  "VALUES (?, ?, ?)",
                                  {zip, *lat, *lon})
                               .status());
        ++report.created;
      } else {
        ++report.updated;
      }
    }
    return audit::Append(
        c, audit::EventBy(actor, now, "zip_centroids.import", "zip_centroids", "", std::nullopt,
                          std::to_string(report.created + report.updated) + " ZIP codes"));
  }));
  return report;
}

Status Directory::SetCapacity(db::Connection& c, int64_t resource_id, const std::string& capacity,
                              const std::optional<std::string>& note, Timestamp now) {
  if (!OneOf(capacity, {"open", "waitlist", "full"}))
    return InvalidArgument("must be open, waitlist or full", "capacity");
  if (note && (note->empty() || note->size() > 500))
    return InvalidArgument("must be 1 to 500 bytes", "capacity_note");
  return c
      .Exec(
          "UPDATE community_resources SET capacity = ?, capacity_note = ?, capacity_updated_at "
          "= ?, updated_at = ?, version = version + 1 WHERE id = ?",
          {capacity, note ? db::Value(*note) : db::Value(), now, now, resource_id})
      .status();
}

}  // namespace ck::social
