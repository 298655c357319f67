// A plain paginated PDF document (libharu): headings, label-value fields,
// wrapped paragraphs, every page headed by a confidentiality line and footed
// with "Page n of N". Text is UTF-8, written with Liberation Sans embedded when
// fonts-liberation is installed (else Helvetica and WinAnsi); what the font
// cannot show becomes '?'. Used by the appeal packet and the confidential case file.
//
//   reports::PdfDocument pdf("CONFIDENTIAL - protected health information.");
//   pdf.Heading("Patient");
//   pdf.Field("Name", "Ana Lima");
//   CK_ASSIGN_OR_RETURN(std::string bytes, pdf.Finish("Case file 12"));
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace ck::reports {

class PdfDocument {
 public:
  explicit PdfDocument(std::string page_header);
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  // False when libharu could not start the document (out of memory).
  bool ok() const;

  void Title(const std::string& text);       // large, bold
  void Heading(const std::string& text);     // a section
  void Subheading(const std::string& text);  // within a section
  void Field(const std::string& label, const std::string& value);
  void Text(const std::string& text, bool strong = false);
  void Small(const std::string& text);  // 8 pt, for long lists (the access log)
  void Space(float points);

  // The document's bytes, with its title in the PDF's information.
  Result<std::string> Finish(const std::string& title);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// UTF-8 to WinAnsi (what the built-in fonts speak); exposed for tests.
std::string ToWinAnsi(const std::string& utf8);

}  // namespace ck::reports
