// The one visible list of everything casekeeper serves over HTTP.
#pragma once

#include "assessments/alerts.h"
#include "assessments/service.h"
#include "auth/accounts.h"
#include "auth/authenticator.h"
#include "careplans/service.h"
#include "cases/directory.h"
#include "cases/documents.h"
#include "cases/service.h"
#include "core/clock.h"
#include "core/time_zone.h"
#include "db/database.h"
#include "education/service.h"
#include "http/metrics.h"
#include "http/router.h"
#include "insurance/service.h"
#include "outcomes/measures.h"
#include "patients/clinical.h"
#include "patients/consent.h"
#include "patients/service.h"
#include "risk/rules.h"
#include "scheduling/service.h"
#include "social/resources.h"
#include "social/service.h"
#include "supervision/supervision.h"
#include "tasks/service.h"
#include "transitions/service.h"
#include "worklist/worklist.h"

namespace ck::app {

struct Services {
  db::Database& db;
  const Clock& clock;
  auth::Authenticator& authenticator;
  auth::Accounts& accounts;
  patients::Service& patients;
  cases::Service& cases;
  cases::Directory& directory;
  cases::Documents& documents;
  patients::ClinicalRecords& clinical;
  patients::Consents& consents;
  assessments::Service& assessments;
  assessments::Alerts& alerts;
  const risk::TierRules& tier_rules;
  tasks::Service& tasks;
  careplans::Service& care_plans;
  worklist::Worklist& worklist;
  scheduling::Service& appointments;
  education::Service& education;
  insurance::Service& insurance;
  social::Service& social;
  social::Directory& resources;
  std::string partner_url;
  transitions::Service& transitions;
  outcomes::Outcomes& outcomes;
  supervision::Supervision& supervision;
  patients::EncounterObserver* encounter_observer;  // the readmission flags
  http::Metrics& metrics;
  const TimeZone& time_zone;  // the organisation's
};

void MountRoutes(http::Router& router, Services& services);

}  // namespace ck::app
