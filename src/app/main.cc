// casekeeper: the server and the administrator's commands. Wiring only.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"

extern char** environ;

int main(int argc, char** argv) {
  using ck::app::CommonFlags;
  CLI::App app{"casekeeper: medical case management"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CK_VERSION);

  CommonFlags common;
  auto add_common = [&common](CLI::App* cmd) {
    cmd->add_option("--config", common.config_path, "TOML configuration file");
    cmd->add_option("--db", common.db, "SQLite database file");
  };

  ck::app::ServeFlags serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the HTTP server");
  add_common(serve_cmd);
  serve_cmd->add_option("--http", serve.http, "HOST:PORT to listen on (port 0: any free port)");
  serve_cmd->add_option("--mllp", serve.mllp, "HOST:PORT for HL7 v2 ADT over MLLP (port 0: any)");
  serve_cmd->add_flag("--demo", serve.demo, "Fill a new database with synthetic demo data");
  serve_cmd->add_option("--tls-cert", serve.tls_cert, "PEM certificate chain (turns TLS on)");
  serve_cmd->add_option("--tls-key", serve.tls_key, "PEM private key");

  CLI::App* user_cmd = app.add_subcommand("user", "Manage users");
  user_cmd->require_subcommand(1);
  ck::app::UserAddFlags user_add;
  CLI::App* user_add_cmd =
      user_cmd->add_subcommand("add", "Add a user; the password is read from stdin");
  add_common(user_add_cmd);
  user_add_cmd->add_option("--username", user_add.username, "Login name")->required();
  user_add_cmd
      ->add_option("--role", user_add.role,
                   "case_manager | supervisor | auditor | admin | integration")
      ->required();
  user_add_cmd->add_option("--display-name", user_add.display_name, "Name shown in the app");
  user_add_cmd->add_option("--team", user_add.team, "Team name (created if missing)");

  ck::app::BackupFlags backup;
  CLI::App* backup_cmd = app.add_subcommand("backup", "Take a consistent online backup");
  add_common(backup_cmd);
  backup_cmd->add_option("--out", backup.out, "Backup file to write")->required();

  CLI::App* audit_cmd = app.add_subcommand("audit", "Audit trail tools");
  audit_cmd->require_subcommand(1);
  CLI::App* verify_cmd = audit_cmd->add_subcommand("verify", "Verify the audit hash chain");
  add_common(verify_cmd);

  CLI::App* migrate_cmd = app.add_subcommand("migrate", "Apply pending schema migrations");
  add_common(migrate_cmd);

  ck::app::CopyFlags copy;
  CLI::App* copy_cmd = app.add_subcommand(
      "copy",
      "Copy a whole database into a new one (e.g. SQLite to PostgreSQL), verified per table");
  copy_cmd->add_option("--from", copy.from, "sqlite:PATH or postgresql://...")->required();
  copy_cmd->add_option("--to", copy.to, "sqlite:PATH or postgresql://... (must be empty)")
      ->required();

  ck::app::StratifyFlags stratify;
  CLI::App* stratify_cmd = app.add_subcommand(
      "stratify", "Compute every patient's risk scores and tier now (also nightly in serve)");
  add_common(stratify_cmd);
  stratify_cmd->add_option("--rules", stratify.rules,
                           "Tier rules JSON file (else risk.rules_file)");

  ck::app::ImportFhirFlags import_fhir;
  CLI::App* import_cmd = app.add_subcommand("import", "Import data from other systems");
  import_cmd->require_subcommand(1);
  CLI::App* import_fhir_cmd = import_cmd->add_subcommand(
      "fhir", "Import FHIR R4 Bundles and NDJSON files (or directories of them)");
  add_common(import_fhir_cmd);
  import_fhir_cmd->add_option("files", import_fhir.files, "Files or directories")->required();
  import_fhir_cmd->add_option("--batch", import_fhir.batch, "Resources per transaction")
      ->check(CLI::Range(1, 100000));

  ck::app::ExportFhirFlags export_fhir;
  CLI::App* export_cmd = app.add_subcommand("export", "Export data for other systems");
  export_cmd->require_subcommand(1);
  CLI::App* export_fhir_cmd = export_cmd->add_subcommand(
      "fhir", "Export FHIR R4 NDJSON (Bulk Data format), one file per resource type");
  add_common(export_fhir_cmd);
  export_fhir_cmd->add_option("--out", export_fhir.out, "Directory to write")->required();

  ck::app::ScoreFlags score;
  CLI::App* score_cmd = app.add_subcommand(
      "score", "Score an instrument: one JSON object on stdin, one JSON object on stdout");
  score_cmd->add_option("--config", common.config_path, "TOML configuration file");
  score_cmd
      ->add_option("instrument", score.instrument,
                   "phq9 | phq2 | gad7 | morse | ahc-hrsn | charlson | lace | hospital | custom")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    nlohmann::json err = {{"error", e.what()}, {"field", "arguments"}};
    std::cerr << err.dump() << "\n";
    return 2;
  }

  if (serve_cmd->parsed()) return ck::app::RunServe(common, serve, environ);
  if (user_add_cmd->parsed()) return ck::app::RunUserAdd(common, user_add, environ, std::cin);
  if (backup_cmd->parsed()) return ck::app::RunBackup(common, backup, environ);
  if (verify_cmd->parsed()) return ck::app::RunAuditVerify(common, environ);
  if (migrate_cmd->parsed()) return ck::app::RunMigrate(common, environ);
  if (copy_cmd->parsed()) return ck::app::RunCopy(copy, environ);
  if (stratify_cmd->parsed()) return ck::app::RunStratify(common, stratify, environ);
  if (import_fhir_cmd->parsed()) return ck::app::RunImportFhir(common, import_fhir, environ);
  if (export_fhir_cmd->parsed()) return ck::app::RunExportFhir(common, export_fhir, environ);
  if (score_cmd->parsed()) return ck::app::RunScore(common, score, environ, std::cin, std::cout);
  return 2;
}
