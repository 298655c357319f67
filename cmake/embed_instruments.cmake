# Generates a C++ file holding every instruments/*.json definition as a string.
# Inputs: INSTRUMENTS_DIR, OUTPUT.
file(GLOB files "${INSTRUMENTS_DIR}/*.json")
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" text)
  string(APPEND body "      {\"${name}\", R\"ck_json(${text})ck_json\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from src/scoring/instruments by cmake/embed_instruments.cmake.
#include \"scoring/catalog.h\"

namespace ck::scoring {
const std::vector<std::pair<std::string, std::string>>& BuiltinInstrumentSources() {
  static const std::vector<std::pair<std::string, std::string>> kAll = {
${body}  };
  return kAll;
}
}  // namespace ck::scoring
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
