// HTTP routes for sign-in (/api/v1/auth), users, teams and API tokens.
#pragma once

#include "auth/accounts.h"
#include "auth/authenticator.h"
#include "http/router.h"

namespace ck::auth {
void RegisterRoutes(http::Router& router, Authenticator& authenticator, Accounts& accounts);
}  // namespace ck::auth
