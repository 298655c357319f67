// The OpenAPI 3 description of the routes a router serves, generated from the
// routes themselves so it cannot drift from them: paths, methods, path
// parameters, the permission each needs, authentication, and the error shape.
// Served at GET /api/v1/openapi.json; docs/api.md explains each endpoint.
#pragma once

#include <string>

#include "http/router.h"

namespace ck::http {
std::string OpenApiDocument(const Router& router, const std::string& version);
}  // namespace ck::http
