// The text of a PDF as poppler's pdftotext extracts it (-layout), for tests
// that check what a generated document says.
//
//   CK_ASSIGN_OR_RETURN(std::string text, testing::PdfText(response.body));
#pragma once

#include <string>

#include "core/status.h"

namespace ck::testing {

// FailedPrecondition when pdftotext (poppler-utils) is missing or fails.
Result<std::string> PdfText(const std::string& pdf);

}  // namespace ck::testing
