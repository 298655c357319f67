// StaticFiles: the built web app, served from memory by the router for GET
// requests no API route matches.
//
//   auto web = StaticFiles::Load("web/dist");   // reads every file once
//   router.SetFallback([&](Request& r) { return web->Serve(r); });
//
// Paths with an extension are files (404 if absent); other paths are the
// single-page app's own routes and get index.html. /api/ and /fhir/ never fall
// through to the app. The server's own security headers (a same-origin
// Content-Security-Policy, no framing) apply; hashed assets under /assets/ are
// cached for a year, everything else is revalidated by ETag.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/request.h"

namespace ck::http {

class StaticFiles {
 public:
  // NotFound when `root` has no index.html.
  static Result<std::unique_ptr<StaticFiles>> Load(const std::string& root);

  // Whether the path may be answered by the app (not /api/, /fhir/, ...).
  static bool Serves(const Request& req);

  Response Serve(const Request& req) const;
  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string etag;
  };
  std::map<std::string, File> files_;  // "/index.html", "/assets/app-1a2b.js", ...
};

}  // namespace ck::http
