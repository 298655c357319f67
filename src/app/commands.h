// The subcommands. Each returns the process exit code: 0 success, 2 bad input
// (with a one-line JSON error on stderr), 1 any other failure.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace ck::app {

struct CommonFlags {
  std::string config_path;
  std::string db;  // overrides db.path
};

struct ServeFlags {
  std::string http;  // overrides http.listen
  std::string mllp;  // overrides mllp.listen
  bool demo = false;
  std::string tls_cert;
  std::string tls_key;
};

struct UserAddFlags {
  std::string username;
  std::string role;
  std::string display_name;
  std::string team;
};

struct BackupFlags {
  std::string out;
};

struct CopyFlags {
  std::string from;  // sqlite:PATH, PATH, or postgresql://...
  std::string to;
};

struct StratifyFlags {
  std::string rules;  // overrides risk.rules_file
};

struct ImportFhirFlags {
  std::vector<std::string> files;  // files or directories (*.json, *.ndjson)
  int batch = 1000;
};

struct ExportFhirFlags {
  std::string out;
};

struct ScoreFlags {
  std::string instrument;
};

int RunServe(const CommonFlags& common, const ServeFlags& flags, char** env);
int RunUserAdd(const CommonFlags& common, const UserAddFlags& flags, char** env, std::istream& in);
int RunBackup(const CommonFlags& common, const BackupFlags& flags, char** env);
int RunAuditVerify(const CommonFlags& common, char** env);
int RunMigrate(const CommonFlags& common, char** env);
int RunCopy(const CopyFlags& flags, char** env);
// Stratifies every patient; a progress bar on stderr when it is a terminal.
int RunStratify(const CommonFlags& common, const StratifyFlags& flags, char** env);
// Imports FHIR Bundles and NDJSON; prints the report as JSON, each skipped
// resource on stderr; exit 3 when some resources were skipped.
int RunImportFhir(const CommonFlags& common, const ImportFhirFlags& flags, char** env);
// Writes one NDJSON file per resource type into flags.out.
int RunExportFhir(const CommonFlags& common, const ExportFhirFlags& flags, char** env);
// Reads one JSON object from `in`, prints the result as one JSON line to `out`.
int RunScore(const CommonFlags& common, const ScoreFlags& flags, char** env, std::istream& in,
             std::ostream& out);

}  // namespace ck::app
