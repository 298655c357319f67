// HTTP routes for social needs: barriers on cases, the community resource
// directory (search, upkeep, CSV import, ZIP centroids), referrals from a
// barrier to a resource, and the organisation's no-account link
// (POST /api/v1/partner/referral…, the token in the body, never in a URL the
// server sees). docs/api.md lists them; docs/social_needs.md explains them.
#pragma once

#include <string>

#include "http/router.h"
#include "social/resources.h"
#include "social/service.h"

namespace ck::social {

// `partner_url`: where the web app's page for organisations lives; links are
// `partner_url#token=...` (a fragment, so the token stays out of server logs).
void RegisterRoutes(http::Router& router, Service& social, Directory& directory,
                    std::string partner_url);

}  // namespace ck::social
