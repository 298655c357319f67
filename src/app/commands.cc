#include "app/commands.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/routes.h"
#include "assessments/service.h"
#include "audit/trail.h"
#include "auth/accounts.h"
#include "auth/authenticator.h"
#include "auth/authorizer.h"
#include "auth/crypto.h"
#include "cases/service.h"
#include "core/business_calendar.h"
#include "core/config.h"
#include "core/log.h"
#include "core/periodic.h"
#include "core/time_zone.h"
#include "db/copy.h"
#include "db/migrations.h"
#include "demo/demo_data.h"
#include "http/server.h"
#include "http/static_files.h"
#include "interop/fhir/exporter.h"
#include "interop/fhir/importer.h"
#include "interop/hl7v2/adt.h"
#include "interop/hl7v2/inbox.h"
#include "interop/hl7v2/listener.h"
#include "patients/service.h"
#include "programs/engine.h"
#include "risk/routes.h"
#include "risk/scheduler.h"
#include "risk/stratify.h"
#include "scoring/calculate.h"
#include "tasks/service.h"
#include "transitions/readmissions.h"
#include "transitions/service.h"

namespace ck::app {
namespace {

using Json = nlohmann::json;

int Fail(const Status& st) {
  Json err = {{"error", st.message()},
              {"code", std::string(ErrorCodeName(st.code()))},
              {"field", st.field().empty() ? Json(nullptr) : Json(st.field())}};
  std::cerr << err.dump(-1, ' ', false, Json::error_handler_t::replace) << std::endl;
  return st.code() == ErrorCode::kInvalidArgument ? 2 : 1;
}

Result<Config> LoadWithFlags(const CommonFlags& common, char** env) {
  CK_ASSIGN_OR_RETURN(Config cfg, LoadConfig(common.config_path, env));
  if (!common.db.empty()) cfg.db.path = common.db;
  CK_RETURN_IF_ERROR(InitLogging(cfg.log.level));
  CK_RETURN_IF_ERROR(auth::InitCrypto());
  return cfg;
}

db::Database::Options DbOptions(const Config& cfg) {
  db::Database::Options o;
  o.path = cfg.db.path;
  o.readers = cfg.db.readers;
  o.busy_timeout_ms = cfg.db.busy_timeout_ms;
  o.synchronous_full = cfg.db.synchronous == "full";
  return o;
}

Result<auth::PasswordCost> CostOf(const Config& cfg) {
  return auth::ParsePasswordCost(cfg.auth.password_cost);
}

BusinessCalendar CalendarOf(const Config& cfg, Timestamp now) {
  BusinessCalendar::Options o;
  o.holidays = cfg.calendar.holidays;
  if (cfg.calendar.us_federal_holidays) {
    int year = static_cast<int>(DateOf(now).year());
    for (int y = year - 1; y <= year + 2; ++y) {
      auto h = UsFederalHolidays(y);
      o.holidays.insert(o.holidays.end(), h.begin(), h.end());
    }
  }
  return BusinessCalendar(o);
}

}  // namespace

int RunServe(const CommonFlags& common, const ServeFlags& flags, char** env) {
  auto cfg_or = LoadWithFlags(common, env);
  if (!cfg_or.ok()) return Fail(cfg_or.status());
  Config cfg = *cfg_or;
  if (!flags.http.empty()) cfg.http.listen = flags.http;
  if (!flags.tls_cert.empty()) cfg.http.tls_cert = flags.tls_cert;
  if (!flags.tls_key.empty()) cfg.http.tls_key = flags.tls_key;
  if (!flags.mllp.empty()) cfg.mllp.listen = flags.mllp;
  auto listen = ParseHostPort(cfg.http.listen, "http.listen");
  if (!listen.ok()) return Fail(listen.status());
  auto cost = CostOf(cfg);
  if (!cost.ok()) return Fail(cost.status());

  auto db_or = db::OpenDatabase(DbOptions(cfg));
  if (!db_or.ok()) return Fail(db_or.status());
  db::Database& db = **db_or;

  SystemClock clock;
  BusinessCalendar calendar = CalendarOf(cfg, clock.Now());
  auth::Authenticator authenticator(
      db, clock,
      {.session_idle = cfg.auth.session_idle_minutes * kMillisPerMinute,
       .session_max = cfg.auth.session_max_hours * kMillisPerHour,
       .lockout_threshold = cfg.auth.lockout_threshold,
       .lockout_duration = cfg.auth.lockout_minutes * kMillisPerMinute,
       .password_cost = *cost});
  auth::Accounts accounts(db, clock, &authenticator, *cost);
  auth::Authorizer authorizer(clock);
  patients::Service patient_service(db, clock, authorizer,
                                    {.break_glass_max_minutes = cfg.auth.break_glass_max_minutes});
  auto catalog = scoring::Catalog::Load(cfg.assessments.instruments_dir);
  if (!catalog.ok()) return Fail(catalog.status());
  if (Status st = assessments::SyncDefinitions(db, **catalog, clock.Now()); !st.ok())
    return Fail(st);

  cases::Service case_service(db, clock, calendar, authorizer);
  case_service.set_unable_to_reach_attempts(cfg.tasks.unable_to_reach_attempts);
  tasks::Service task_service(
      db, clock, calendar,
      {.escalation_margin_hours = cfg.tasks.escalation_margin_hours,
       .urgent_escalation_margin_hours = cfg.tasks.urgent_escalation_margin_hours,
       .unable_to_reach_attempts = cfg.tasks.unable_to_reach_attempts});
  careplans::Service care_plans(db, clock);
  auto time_zone = TimeZone::Load(cfg.calendar.time_zone);
  if (!time_zone.ok()) return Fail(time_zone.status());
  // A snooze is for days or weeks; longer hides work that should be re-planned.
  if (cfg.worklist.snooze_max_days > 90)
    return Fail(InvalidArgument("must be at most 90", "worklist.snooze_max_days"));
  worklist::Worklist worklist(db, clock, {.snooze_max_days = cfg.worklist.snooze_max_days},
                              &*time_zone);
  scheduling::Service appointments(db, clock, calendar);
  education::Service education(db, clock, calendar,
                               {.unable_to_reach_attempts = cfg.tasks.unable_to_reach_attempts});
  auto payer_rules = insurance::PayerRules::Load(cfg.insurance.rules_file);
  if (!payer_rules.ok()) return Fail(payer_rules.status());
  insurance::Deadlines deadlines(*time_zone, calendar);
  insurance::Service insurance_service(
      db, clock, deadlines, *payer_rules,
      {.renewal_days_before = cfg.insurance.renewal_days_before,
       .renewal_units_percent = cfg.insurance.renewal_units_percent,
       .eligibility_max_age_days = cfg.insurance.eligibility_max_age_days,
       .coverage_ending_days = cfg.insurance.coverage_ending_days});
  social::Service social_service(db, clock, calendar,
                                 {.answer_business_days = cfg.social.referral_answer_business_days,
                                  .link_days = cfg.social.referral_link_days,
                                  .time_zone = &*time_zone});
  social::Directory resources(db, clock);
  auto program_catalog = programs::ProgramCatalog::Load(cfg.programs.dir);
  if (!program_catalog.ok()) return Fail(program_catalog.status());
  programs::Engine program_engine(db, clock, calendar, *program_catalog);
  cases::Directory directory(db, clock);
  cases::Documents documents(db, clock, cfg.http.max_body_bytes);
  // Hand-entered and HL7 encounters keep the readmission flags current.
  transitions::ReadmissionFlags readmission_flags(*time_zone);
  patient_service.set_encounter_observer(&readmission_flags);
  transitions::Service transitions_service(db, clock, *time_zone);
  outcomes::Outcomes outcome_reports(db, clock, calendar, *time_zone);
  auto assessment_rules =
      supervision::ParseAssessmentRules(cfg.compliance.assessments, "compliance.assessments");
  if (!assessment_rules.ok()) return Fail(assessment_rules.status());
  for (const auto& [instrument, days] : *assessment_rules)
    if (!(*catalog)->Current(instrument))
      return Fail(InvalidArgument(
          "no instrument " + instrument + " is loaded (see GET /api/v1/instruments)",
          "compliance.assessments"));
  supervision::Supervision supervision(
      db, clock, *time_zone,
      {.note_sign_hours = cfg.compliance.note_sign_hours,
       .lookback_days = cfg.compliance.lookback_days,
       .assessments = *assessment_rules,
       .assessment_grace_days = cfg.compliance.assessment_grace_days});
  patients::ClinicalRecords clinical(db, clock, &readmission_flags);
  patients::Consents consents(db, clock);
  assessments::Service assessment_service(db, clock, **catalog);
  assessments::Alerts alerts(db, clock);
  auto tier_rules = risk::TierRules::Load(cfg.risk.rules_file);
  if (!tier_rules.ok()) return Fail(tier_rules.status());
  if (flags.demo) {
    auto has_users = demo::HasUsers(db);
    if (!has_users.ok()) return Fail(has_users.status());
    if (!*has_users) {
      auto seeded = demo::Seed(db, accounts, clock, {});
      if (!seeded.ok()) return Fail(seeded.status());
      if (Status st = demo::SeedAssessments(db, assessment_service); !st.ok()) return Fail(st);
      if (Status st = demo::SeedInsurance(db, insurance_service, clock); !st.ok()) return Fail(st);
      if (Status st = demo::SeedSocial(db, social_service, resources, clock); !st.ok())
        return Fail(st);
      if (Status st = demo::SeedTransitions(db, transitions_service, clinical, clock); !st.ok())
        return Fail(st);
      if (Status st = demo::SeedHistory(db, clock, *time_zone); !st.ok()) return Fail(st);
      auto run = risk::Stratify(db, clock, *tier_rules, {.trigger = "demo"});
      if (!run.ok()) return Fail(run.status());
      if (Status st = demo::SeedSnoozes(db, worklist, clock, *time_zone); !st.ok()) return Fail(st);
      spdlog::info("demo data created; {} patients stratified", run->patients);
    }
  }
  auto nightly_at = risk::ParseDailyTime(cfg.risk.nightly_at);
  if (!nightly_at.ok()) return Fail(nightly_at.status());

  http::Metrics metrics;
  http::Router router(authenticator, authorizer, db, clock);
  Services services{db,
                    clock,
                    authenticator,
                    accounts,
                    patient_service,
                    case_service,
                    directory,
                    documents,
                    clinical,
                    consents,
                    assessment_service,
                    alerts,
                    *tier_rules,
                    task_service,
                    care_plans,
                    worklist,
                    appointments,
                    education,
                    insurance_service,
                    social_service,
                    resources,
                    cfg.social.partner_url,
                    transitions_service,
                    outcome_reports,
                    supervision,
                    &readmission_flags,
                    metrics,
                    *time_zone};
  MountRoutes(router, services);
  http::ServerOptions so;
  so.host = listen->host;
  so.port = listen->port;
  so.io_threads = cfg.http.io_threads;
  so.worker_threads = cfg.http.worker_threads;
  so.max_body_bytes = cfg.http.max_body_bytes;
  so.max_bundle_bytes = cfg.http.max_bundle_bytes;
  so.max_connections = cfg.http.max_connections;
  so.tls_cert = cfg.http.tls_cert;
  so.tls_key = cfg.http.tls_key;
  so.allow_plaintext_non_loopback = cfg.http.allow_plaintext_non_loopback;
  so.shutdown_grace_ms = cfg.http.shutdown_grace_ms;
  so.access_log = cfg.log.access_log;
  auto server = http::Server::Create(so, router, metrics);
  if (!server.ok()) return Fail(server.status());
  // After the server exists, so that a bad TLS file is the only thing on stderr.
  std::unique_ptr<http::StaticFiles> web_app;
  if (!cfg.web.root.empty()) {
    auto web = http::StaticFiles::Load(cfg.web.root);
    if (web.ok()) {
      web_app = std::move(*web);
      router.SetFallback(
          &http::StaticFiles::Serves,
          [&web_app](http::Request& req) -> Result<http::Response> { return web_app->Serve(req); });
      spdlog::info("serving the web app from {} ({} files)", cfg.web.root, web_app->file_count());
    } else {
      spdlog::warn("web app not served: {}", web.status().ToString());
    }
  }

  hl7::AdtMapping adt(&readmission_flags);
  hl7::Inbox inbox(db, clock, {&adt});
  std::unique_ptr<hl7::MllpListener> mllp;
  if (!cfg.mllp.listen.empty()) {
    auto where = ParseHostPort(cfg.mllp.listen, "mllp.listen");
    if (!where.ok()) return Fail(where.status());
    hl7::MllpOptions mo;
    mo.host = where->host;
    mo.port = where->port;
    mo.max_frame_bytes = static_cast<size_t>(cfg.mllp.max_frame_bytes);
    mo.idle_timeout_seconds = cfg.mllp.idle_timeout_seconds;
    mo.max_connections = cfg.mllp.max_connections;
    mo.allow_non_loopback = cfg.mllp.allow_non_loopback;
    auto listener = hl7::MllpListener::Create((*server)->io_context(), mo, inbox);
    if (!listener.ok()) return Fail(listener.status());
    mllp = std::move(*listener);
    mllp->Start();
  }

  std::string scheme = (*server)->tls() ? "https" : "http";
  std::string host = so.host.find(':') != std::string::npos ? "[" + so.host + "]" : so.host;
  std::cout << "casekeeper " << CK_VERSION << " listening on " << scheme << "://" << host << ":"
            << (*server)->port() << "\n";
  if (mllp)
    std::cout << "MLLP listening on " << cfg.mllp.listen.substr(0, cfg.mllp.listen.rfind(':'))
              << ":" << mllp->port() << "\n";
  if (flags.demo) {
    std::cout << "demo logins (password \"" << demo::kDemoPassword << "\"):";
    for (const auto& l : demo::DemoLogins())
      std::cout << " " << l.username << " (" << l.role << ")";
    std::cout << "\n";
  }
  std::cout << std::flush;
  std::optional<risk::NightlyStratification> nightly;
  if (nightly_at->has_value()) nightly.emplace(db, clock, *tier_rules, **nightly_at);
  Periodic escalation(
      [&task_service] {
        auto n = task_service.EscalateOverdue();
        if (!n.ok())
          spdlog::error("task escalation failed: {}", n.status().ToString());
        else if (*n > 0)
          spdlog::info("escalated {} overdue task(s)", *n);
      },
      cfg.tasks.escalation_check_minutes * kMillisPerMinute);
  Periodic program_events(
      [&program_engine] {
        auto n = program_engine.ProcessPending();
        if (!n.ok())
          spdlog::error("programs: events not processed: {}", n.status().ToString());
        else if (*n > 0)
          spdlog::info("programs created {} task(s)", *n);
      },
      cfg.programs.poll_seconds * 1000);
  Periodic renewals(
      [&insurance_service] {
        auto n = insurance_service.CheckRenewals();
        if (!n.ok())
          spdlog::error("insurance renewals failed: {}", n.status().ToString());
        else if (*n > 0)
          spdlog::info("insurance: {} renewal or verification task(s)", *n);
      },
      cfg.insurance.check_minutes * kMillisPerMinute);
  (*server)->Run();
  renewals.Stop();
  mllp.reset();  // stops, and waits for messages being stored
  nightly.reset();
  escalation.Stop();
  program_events.Stop();
  spdlog::info("server stopped; closing the database");
  db.Close();
  FlushLogging();
  std::cout << "casekeeper stopped cleanly" << std::endl;
  return 0;
}

int RunUserAdd(const CommonFlags& common, const UserAddFlags& flags, char** env, std::istream& in) {
  auto cfg = LoadWithFlags(common, env);
  if (!cfg.ok()) return Fail(cfg.status());
  auto role = auth::ParseRole(flags.role);
  if (!role.ok()) return Fail(role.status());
  auto cost = CostOf(*cfg);
  if (!cost.ok()) return Fail(cost.status());
  std::string password;
  std::getline(in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto db = db::OpenDatabase(DbOptions(*cfg));
  if (!db.ok()) return Fail(db.status());
  SystemClock clock;
  auth::Accounts accounts(**db, clock, nullptr, *cost);
  auth::Actor actor;
  actor.request_id = "cli-user-add";
  auth::NewUser nu{flags.username, flags.display_name, *role, std::nullopt, password};
  if (!flags.team.empty()) {
    auto teams = accounts.ListTeams();
    if (!teams.ok()) return Fail(teams.status());
    for (const auto& t : *teams) {
      if (t.name == flags.team) nu.team_id = t.id;
    }
    if (!nu.team_id) {
      auto t = accounts.AddTeam(actor, flags.team);
      if (!t.ok()) return Fail(t.status());
      nu.team_id = t->id;
    }
  }
  auto user = accounts.AddUser(actor, nu);
  if (!user.ok()) return Fail(user.status());
  std::cout << Json{{"id", user->id}, {"username", user->username}, {"role", flags.role}}.dump()
            << std::endl;
  return 0;
}

// An existing database as it is: no creation, no migration (tools that inspect).
Result<std::unique_ptr<db::Database>> OpenExisting(const CommonFlags& common, char** env) {
  CK_ASSIGN_OR_RETURN(Config cfg, LoadWithFlags(common, env));
  auto opts = DbOptions(cfg);
  opts.migrate = false;
  opts.create = false;
  opts.readers = 1;
  return db::OpenDatabase(opts);
}

int RunBackup(const CommonFlags& common, const BackupFlags& flags, char** env) {
  auto db = OpenExisting(common, env);
  if (!db.ok()) return Fail(db.status());
  Status st = (*db)->Backup(flags.out);
  if (!st.ok()) return Fail(st);
  std::cout << Json{{"backup", flags.out}}.dump() << std::endl;
  return 0;
}

int RunAuditVerify(const CommonFlags& common, char** env) {
  auto db = OpenExisting(common, env);
  if (!db.ok()) return Fail(db.status());
  auto report = audit::Verify(**db);
  if (!report.ok()) return Fail(report.status());
  Json out = {
      {"intact", report->intact},
      {"records", report->records},
      {"first_broken_id", report->first_broken_id ? Json(*report->first_broken_id) : Json(nullptr)},
      {"problem", report->problem},
      {"head_hash", report->head_hash}};
  std::cout << out.dump() << std::endl;
  return report->intact ? 0 : 1;
}

int RunMigrate(const CommonFlags& common, char** env) {
  auto cfg = LoadWithFlags(common, env);
  if (!cfg.ok()) return Fail(cfg.status());
  auto opts = DbOptions(*cfg);
  opts.migrate = false;
  auto db = db::OpenDatabase(opts);
  if (!db.ok()) return Fail(db.status());
  std::vector<int> applied;
  Status st = db::Migrate(**db, db::BuiltinMigrations(), &applied);
  if (!st.ok()) return Fail(st);
  auto version = db::SchemaVersion(**db);
  if (!version.ok()) return Fail(version.status());
  std::cout << Json{{"applied", applied}, {"schema_version", *version}}.dump() << std::endl;
  return 0;
}

int RunCopy(const CopyFlags& flags, char** env) {
  CommonFlags none;
  auto cfg = LoadWithFlags(none, env);
  if (!cfg.ok()) return Fail(cfg.status());
  auto location = [](std::string s) { return s.starts_with("sqlite:") ? s.substr(7) : s; };
  std::string from = location(flags.from), to = location(flags.to);
  if (from == to) return Fail(InvalidArgument("source and target are the same", "to"));
  auto from_opts = DbOptions(*cfg);
  from_opts.path = from;
  from_opts.migrate = false;
  from_opts.create = false;
  from_opts.readers = 2;
  auto source = db::OpenDatabase(from_opts);
  if (!source.ok()) return Fail(source.status());
  auto version = db::SchemaVersion(**source);
  if (!version.ok()) return Fail(version.status());
  // The target gets exactly the source's schema version, then its rows.
  auto to_opts = DbOptions(*cfg);
  to_opts.path = to;
  to_opts.migrate = false;
  to_opts.readers = 2;
  auto target = db::OpenDatabase(to_opts);
  if (!target.ok()) return Fail(target.status());
  std::vector<db::Migration> upto;
  for (const auto& m : db::BuiltinMigrations()) {
    if (m.version <= *version) upto.push_back(m);
  }
  Status migrated = db::Migrate(**target, upto, nullptr);
  if (!migrated.ok()) return Fail(migrated);
  auto report = db::CopyDatabase(**source, **target);
  if (!report.ok()) return Fail(report.status());
  Json tables = Json::array();
  for (const auto& t : report->tables) {
    tables.push_back(
        {{"table", t.table},
         {"source_rows", t.source.rows},
         {"target_rows", t.target.rows},
         {"source_checksum", t.source.checksum},
         {"target_checksum", t.target.checksum},
         {"match", t.source.rows == t.target.rows && t.source.checksum == t.target.checksum}});
  }
  std::cout << Json{{"verified", report->verified},
                    {"schema_version", *version},
                    {"tables", tables}}
                   .dump()
            << std::endl;
  return report->verified ? 0 : 1;
}

int RunScore(const CommonFlags& common, const ScoreFlags& flags, char** env, std::istream& in,
             std::ostream& out) {
  auto cfg = LoadConfig(common.config_path, env);
  if (!cfg.ok()) return Fail(cfg.status());
  auto catalog = scoring::Catalog::Load(cfg->assessments.instruments_dir);
  if (!catalog.ok()) return Fail(catalog.status());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Json input = Json::parse(text, nullptr, false);
  if (input.is_discarded()) return Fail(InvalidArgument("stdin must hold one JSON object", "body"));
  auto result = scoring::CalculateScore(**catalog, flags.instrument, input);
  if (!result.ok()) return Fail(result.status());
  out << result->dump(-1, ' ', false, Json::error_handler_t::replace) << std::endl;
  return 0;
}

int RunStratify(const CommonFlags& common, const StratifyFlags& flags, char** env) {
  auto cfg = LoadWithFlags(common, env);
  if (!cfg.ok()) return Fail(cfg.status());
  auto rules = risk::TierRules::Load(flags.rules.empty() ? cfg->risk.rules_file : flags.rules);
  if (!rules.ok()) return Fail(rules.status());
  auto db = db::OpenDatabase(DbOptions(*cfg));
  if (!db.ok()) return Fail(db.status());
  SystemClock clock;
  risk::StratifyOptions options;
  options.trigger = "cli";
  if (isatty(STDERR_FILENO)) {
    options.progress = [](const char* phase, int64_t done, int64_t total) {
      constexpr int kWidth = 30;
      if (total > 0) {
        int filled = static_cast<int>(kWidth * done / total);
        std::fprintf(stderr, "\r%-12s [%s%s] %3d%% %lld/%lld   ", phase,
                     std::string(static_cast<size_t>(filled), '#').c_str(),
                     std::string(static_cast<size_t>(kWidth - filled), ' ').c_str(),
                     static_cast<int>(100 * done / total), static_cast<long long>(done),
                     static_cast<long long>(total));
      } else {
        std::fprintf(stderr, "\r%-12s %lld rows read%*s", phase, static_cast<long long>(done), 30,
                     "");
      }
      if (total > 0 && done == total) std::fprintf(stderr, "\n");
      std::fflush(stderr);
    };
  }
  auto run = risk::Stratify(**db, clock, *rules, options);
  if (!run.ok()) return Fail(run.status());
  (*db)->Close();
  Json out = {{"run_id", run->run_id},
              {"patients", run->patients},
              {"changed", run->changed},
              {"tiers",
               {{"1", run->tier_counts[1]},
                {"2", run->tier_counts[2]},
                {"3", run->tier_counts[3]},
                {"4", run->tier_counts[4]}}},
              {"seconds", static_cast<double>(run->finished_at - run->started_at) / 1000.0}};
  std::cout << out.dump() << std::endl;
  return 0;
}

namespace {

void ProgressBar(const char* label, int64_t done, int64_t total, const std::string& extra) {
  constexpr int kWidth = 30;
  int filled = total > 0 ? static_cast<int>(kWidth * std::min(done, total) / total) : 0;
  std::fprintf(stderr, "\r%-8s [%s%s] %3d%% %s   ", label,
               std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(kWidth - filled), ' ').c_str(),
               total > 0 ? static_cast<int>(100 * std::min(done, total) / total) : 0,
               extra.c_str());
  std::fflush(stderr);
}

}  // namespace

int RunImportFhir(const CommonFlags& common, const ImportFhirFlags& flags, char** env) {
  auto cfg = LoadWithFlags(common, env);
  if (!cfg.ok()) return Fail(cfg.status());
  std::vector<std::string> files;
  for (const std::string& path : flags.files) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
        std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".json" || ext == ".ndjson" || ext == ".jsonl"))
          found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(path, ec)) {
      files.push_back(path);
    } else {
      return Fail(InvalidArgument("no such file or directory: " + path, "files"));
    }
  }
  auto db = db::OpenDatabase(DbOptions(*cfg));
  if (!db.ok()) return Fail(db.status());
  SystemClock clock;
  fhir::Importer::Options options;
  options.batch_size = flags.batch;
  int64_t total_bytes = 0, done_bytes = 0;
  for (const std::string& f : files) {
    std::error_code ec;
    total_bytes += static_cast<int64_t>(std::filesystem::file_size(f, ec));
  }
  int64_t file_base = 0, last_file_bytes = 0;
  bool tty = isatty(STDERR_FILENO);
  if (tty) {
    options.progress = [&](const fhir::ImportProgress& p) {
      if (p.bytes_read < last_file_bytes) file_base += last_file_bytes;  // a new file began
      last_file_bytes = p.bytes_read;
      done_bytes = file_base + p.bytes_read;
      ProgressBar("import", done_bytes, total_bytes, std::to_string(p.resources) + " resources");
    };
  }
  fhir::Importer importer(**db, clock, options);
  auto started = std::chrono::steady_clock::now();
  Status st = importer.ImportFiles(files);
  if (tty) std::fprintf(stderr, "\n");
  if (!st.ok()) return Fail(st);
  // Imported encounters become stays with their readmission flags.
  auto time_zone = TimeZone::Load(cfg->calendar.time_zone);
  if (!time_zone.ok()) return Fail(time_zone.status());
  if (auto n = transitions::RecomputeAllStays(**db, *time_zone, clock.Now()); !n.ok())
    return Fail(n.status());
  (*db)->Close();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const fhir::ImportReport& report = importer.report();
  for (const auto& e : report.errors) {
    Json line = {{"where", e.where},
                 {"resource_type", e.resource_type},
                 {"id", e.id},
                 {"field", e.field},
                 {"error", e.message}};
    std::cerr << line.dump() << "\n";
  }
  Json out = report.ToJson(0);
  out.erase("errors");
  out.erase("warnings");
  out["files"] = files.size();
  out["seconds"] = seconds;
  std::cout << out.dump() << std::endl;
  return report.errors.empty() ? 0 : 3;
}

int RunExportFhir(const CommonFlags& common, const ExportFhirFlags& flags, char** env) {
  auto cfg = LoadWithFlags(common, env);
  if (!cfg.ok()) return Fail(cfg.status());
  auto db = db::OpenDatabase(DbOptions(*cfg));
  if (!db.ok()) return Fail(db.status());
  bool tty = isatty(STDERR_FILENO);
  std::function<void(const std::string&, int64_t)> progress;
  if (tty)
    progress = [](const std::string& type, int64_t n) {
      std::fprintf(stderr, "\rexport   %-20s %lld   ", type.c_str(), static_cast<long long>(n));
      std::fflush(stderr);
    };
  auto started = std::chrono::steady_clock::now();
  auto report = fhir::ExportNdjson(**db, flags.out, progress);
  if (tty) std::fprintf(stderr, "\n");
  if (!report.ok()) return Fail(report.status());
  (*db)->Close();
  Json out = {{"types", report->counts},
              {"files", report->files},
              {"seconds",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}};
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace ck::app
