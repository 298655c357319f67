#include "testing/pdf_text.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ck::testing {

Result<std::string> PdfText(const std::string& pdf) {
  static int counter = 0;
  std::string path =
      (std::filesystem::temp_directory_path() /
       ("ck-pdf-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".pdf"))
          .string();
  std::ofstream(path, std::ios::binary) << pdf;
  std::string text;
  FILE* f = ::popen(("pdftotext -layout " + path + " - 2>/dev/null").c_str(), "r");
  if (!f) return FailedPrecondition("could not run pdftotext");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  int rc = ::pclose(f);
  std::filesystem::remove(path);
  if (rc != 0) return FailedPrecondition("pdftotext failed (is poppler-utils installed?)");
  return text;
}

}  // namespace ck::testing
