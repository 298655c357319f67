# Generates a C++ file holding every migrations/NNNN_name.sql as a string.
# Inputs: MIGRATIONS_DIR, OUTPUT.
file(GLOB files "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(base "${f}" NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.+)$" _ "${base}")
  if(NOT CMAKE_MATCH_1)
    message(FATAL_ERROR "migration file name must be NNNN_name.sql: ${f}")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ "${f}" sql)
  string(APPEND body "      {${version}, \"${CMAKE_MATCH_2}\", R\"ck_sql(${sql})ck_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from src/db/migrations by cmake/embed_migrations.cmake.
#include \"db/migrations.h\"

namespace ck::db {
const std::vector<Migration>& BuiltinMigrations() {
  static const std::vector<Migration> kAll = {
${body}  };
  return kAll;
}
}  // namespace ck::db
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
