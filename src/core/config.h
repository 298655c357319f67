// Configuration: defaults, then a TOML file, then CASEKEEPER_* environment
// variables, then command-line flags (applied by the caller).
//
//   Result<Config> cfg = LoadConfig("casekeeper.toml", environ);
//
// Environment variables are named CASEKEEPER_<SECTION>_<KEY>, upper case, e.g.
// CASEKEEPER_HTTP_LISTEN=127.0.0.1:9000 or CASEKEEPER_AUTH_SESSION_IDLE_MINUTES=5.
// Unknown keys in the file are an error (a typo must not silently weaken security).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace ck {

struct Config {
  struct Db {
    std::string path = "casekeeper.db";  // a file path (SQLite) or postgresql:// URL
    int readers = 4;                     // reader connections in the pool
    int busy_timeout_ms = 5000;
    std::string synchronous = "normal";  // SQLite PRAGMA synchronous: normal | full
  } db;
  struct Http {
    std::string listen = "127.0.0.1:8080";
    int io_threads = 2;
    int worker_threads = 4;  // database work runs here, never on the I/O threads
    int64_t max_body_bytes = 1 << 20;
    int64_t max_bundle_bytes = 64 << 20;  // POST /fhir/R4: a patient's whole history
    int max_connections = 10000;
    std::string tls_cert;  // PEM paths; both set turns TLS on
    std::string tls_key;
    // Plain HTTP is refused on non-loopback addresses unless this is true.
    bool allow_plaintext_non_loopback = false;
    int shutdown_grace_ms = 10000;
  } http;
  struct Auth {
    int session_idle_minutes = 15;
    int session_max_hours = 12;
    int lockout_threshold = 5;  // failed sign-ins in a row before a lock
    int lockout_minutes = 15;
    int break_glass_max_minutes = 240;
    // libsodium argon2id cost; "interactive" (default), "moderate" or "sensitive".
    std::string password_cost = "interactive";
  } auth;
  struct Calendar {
    std::vector<Date> holidays;
    bool us_federal_holidays = true;  // add US federal holidays for nearby years
    // Where calendar-day and business-day deadlines end (at local midnight): an
    // IANA name (from the system's tzdata) or a POSIX TZ rule.
    std::string time_zone = "America/New_York";
  } calendar;
  struct Mllp {
    std::string listen;  // HOST:PORT for HL7 v2 over MLLP; empty: no listener
    int64_t max_frame_bytes = 1 << 20;
    int idle_timeout_seconds = 300;
    int max_connections = 1000;
    // Plain MLLP off loopback carries patient data in clear text; refused unless true
    // (run it behind a TLS tunnel or VPN, as hospital interfaces usually are).
    bool allow_non_loopback = false;
  } mllp;
  struct Assessments {
    // Extra instrument definitions (*.json); a file may replace a built-in with a new version.
    std::string instruments_dir;
  } assessments;
  struct Risk {
    std::string rules_file;            // stratification rules (JSON); empty: the built-in rules
    std::string nightly_at = "02:00";  // UTC "HH:MM" when `serve` stratifies; "off" disables
  } risk;
  struct Tasks {
    int escalation_margin_hours = 24;        // overdue by this much: the supervisor is told
    int urgent_escalation_margin_hours = 2;  // urgent and crisis tasks
    int unable_to_reach_attempts = 3;        // failed outreach in a row before closure is proposed
    int escalation_check_minutes = 5;        // how often `serve` looks for overdue tasks
  } tasks;
  struct Programs {
    std::string dir;       // extra program definitions (*.json); see docs/programs.md
    int poll_seconds = 5;  // how often `serve` applies programs to new events
  } programs;
  struct Insurance {
    std::string rules_file;  // payer rules (JSON, docs/insurance.md); empty: the built-in rules
    int renewal_days_before = 14;       // an approval ending within this many days: renewal task
    int renewal_units_percent = 80;     // or this share of its approved units used
    int eligibility_max_age_days = 30;  // older checks need re-verification
    int coverage_ending_days = 30;      // coverage ending within this many days: a task
    int check_minutes = 60;             // how often `serve` looks for these
  } insurance;
  struct Social {
    int referral_answer_business_days = 3;  // a sent referral unanswered after this: worklist
    int referral_link_days = 30;            // the organisation's link expires after this
    // The web app's page for organisations; links are <partner_url>#token=... Set
    // the full address (https://casekeeper.example.org/partner) so links work in email.
    std::string partner_url = "/partner";
  } social;
  struct Compliance {          // the supervisors' documentation checklist (docs/supervision.md)
    int note_sign_hours = 24;  // a reached contact needs a note signed within this
    int lookback_days = 30;    // contacts this recent are checked
    // Assessments kept current on established cases: instrument:days, comma-separated.
    std::string assessments = "phq9:365";
    int assessment_grace_days = 30;  // cases referred more recently are not yet due
  } compliance;
  struct Worklist {
    int snooze_max_days = 30;  // a worklist item is snoozed at most this far ahead
  } worklist;
  struct Web {
    // The built web app (index.html and assets/); a relative path is taken from the
    // working directory. Missing: the API is served without the app.
    std::string root = "web/dist";
  } web;
  struct Log {
    std::string level = "info";  // trace | debug | info | warn | error | off
    bool access_log = true;
  } log;
};

// Loads `path` (empty: no file) over the defaults, then applies `env`
// (a NULL-terminated environ-style array; may be null). InvalidArgument names the
// offending key, e.g. field "http.max_body_bytes".
Result<Config> LoadConfig(const std::string& path, char** env);

// Parses "host:port" or "[v6]:port". Port 0 asks the OS for a free port.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> ParseHostPort(std::string_view text, std::string_view field);

}  // namespace ck
