#include "http/static_files.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/errors.h"

namespace ck::http {
namespace {

constexpr size_t kMaxFileBytes = 16 << 20;
constexpr size_t kMaxFiles = 2000;

std::string ContentTypeOf(const std::filesystem::path& p) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string EtagOf(const std::string& body) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(body.data()),
                     body.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char b : hash) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out + "\"";
}

}  // namespace

Result<std::unique_ptr<StaticFiles>> StaticFiles::Load(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(root) / "index.html", ec))
    return NotFound("no index.html in the web app directory (build it with scripts/run.sh)",
                    "web.root");
  auto out = std::unique_ptr<StaticFiles>(new StaticFiles());
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (out->files_.size() >= kMaxFiles)
      return InvalidArgument("more than 2000 files in the web app directory", "web.root");
    if (it->file_size(ec) > kMaxFileBytes) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in && !in.eof()) return Internal("cannot read " + it->path().string());
    std::string rel = "/" + fs::relative(it->path(), root, ec).generic_string();
    File f{ContentTypeOf(it->path()), body.str(), {}};
    f.etag = EtagOf(f.body);
    out->files_.emplace(std::move(rel), std::move(f));
  }
  if (ec) return Internal("cannot list the web app directory: " + ec.message());
  return out;
}

bool StaticFiles::Serves(const Request& req) {
  if (req.method != Method::kGet && req.method != Method::kHead) return false;
  const std::string& p = req.path;
  for (const char* prefix : {"/api/", "/fhir/", "/metrics", "/healthz"})
    if (p.rfind(prefix, 0) == 0) return false;
  return p != "/api" && p != "/fhir";
}

Response StaticFiles::Serve(const Request& req) const {
  std::string path = req.path;
  size_t last_slash = path.rfind('/');
  bool has_extension =
      path.find('.', last_slash == std::string::npos ? 0 : last_slash) != std::string::npos;
  if (path.find("..") != std::string::npos)
    return ErrorResponse(404, "no such file", "path", req.request_id);
  auto it = files_.end();
  if (has_extension) {
    it = files_.find(path);
    if (it == files_.end()) return ErrorResponse(404, "no such file", "path", req.request_id);
  } else {
    it = files_.find("/index.html");
  }
  const File& f = it->second;
  Response r;
  r.headers.emplace_back("ETag", f.etag);
  bool hashed_asset = path.rfind("/assets/", 0) == 0;
  r.headers.emplace_back("Cache-Control",
                         hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  if (req.Header("if-none-match") == f.etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = f.content_type;
  r.body = f.body;
  return r;
}

}  // namespace ck::http
