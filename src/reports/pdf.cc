#include "reports/pdf.h"

#include <hpdf.h>

#include <filesystem>
#include <vector>

namespace ck::reports {

// The built-in PDF fonts speak WinAnsi: characters outside it become '?'.
std::string ToWinAnsi(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    if (len > 1 && i + len <= utf8.size()) {
      cp = c & (0xFF >> (len + 1));
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    }
    i += len;
    if (cp == '\t') cp = ' ';
    if (cp < 0x20 && cp != '\n') continue;
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
      out += static_cast<char>(cp);
    } else if (cp == 0x2014 || cp == 0x2013) {
      out += '-';
    } else if (cp == 0x2019 || cp == 0x2018) {
      out += '\'';
    } else if (cp == 0x201C || cp == 0x201D) {
      out += '"';
    } else {
      out += '?';
    }
  }
  return out;
}

struct PdfDocument::Impl {
  static constexpr float kMargin = 56, kWidth = 612, kHeight = 792;

  Impl(std::string header)
      : doc(HPDF_New(nullptr, nullptr), HPDF_Free), page_header(std::move(header)) {
    if (!doc) return;
    HPDF_SetCompressionMode(doc.get(), HPDF_COMP_ALL);
    // Liberation Sans (Debian's fonts-liberation), embedded, speaks UTF-8: names in
    // every Latin, Greek and Cyrillic script print. Without it, the built-in
    // Helvetica and WinAnsi.
    const std::string dir = "/usr/share/fonts/truetype/liberation/";
    const std::string regular = dir + "LiberationSans-Regular.ttf",
                      strong = dir + "LiberationSans-Bold.ttf";
    std::error_code ec;
    if (std::filesystem::exists(regular, ec) && std::filesystem::exists(strong, ec) &&
        HPDF_UseUTFEncodings(doc.get()) == HPDF_OK) {
      const char* r = HPDF_LoadTTFontFromFile(doc.get(), regular.c_str(), HPDF_TRUE);
      const char* b = r ? HPDF_LoadTTFontFromFile(doc.get(), strong.c_str(), HPDF_TRUE) : nullptr;
      if (r && b) {
        font = HPDF_GetFont(doc.get(), r, "UTF-8");
        bold = HPDF_GetFont(doc.get(), b, "UTF-8");
        utf8 = font && bold;
      }
      if (!utf8) HPDF_ResetError(doc.get());
    }
    if (!utf8) {
      font = HPDF_GetFont(doc.get(), "Helvetica", "WinAnsiEncoding");
      bold = HPDF_GetFont(doc.get(), "Helvetica-Bold", "WinAnsiEncoding");
    }
  }

  // Text as the fonts speak it: UTF-8 without control characters, or WinAnsi.
  std::string Encode(const std::string& text) const {
    if (!utf8) return ToWinAnsi(text);
    std::string out;
    for (size_t i = 0; i < text.size();) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
      bool valid = len > 0 && i + len <= text.size();
      for (size_t k = 1; valid && k < len; ++k)
        valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      if (!valid) {
        out += '?';
        ++i;
        continue;
      }
      if (len == 1 && c < 0x20 && c != '\n') {
        out += c == '\t' ? ' ' : '?';
      } else if (len == 4) {
        out += '?';  // outside the Basic Multilingual Plane: not in the font
      } else {
        out.append(text, i, len);
      }
      i += len;
    }
    return out;
  }
  // Where a line may be cut: not inside a UTF-8 sequence.
  size_t Boundary(const std::string& s, size_t n) const {
    while (utf8 && n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return n == 0 ? 1 : n;
  }

  void NewPage() {
    page = HPDF_AddPage(doc.get());
    HPDF_Page_SetWidth(page, kWidth);
    HPDF_Page_SetHeight(page, kHeight);
    pages.push_back(page);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, bold, 8);
    HPDF_Page_TextOut(page, kMargin, kHeight - 30, Encode(page_header).c_str());
    HPDF_Page_EndText(page);
    y = kHeight - 56;
  }

  // Wrapped to the page width, and at explicit newlines.
  void Paragraph(const std::string& text, HPDF_Font f, float size) {
    std::string win = Encode(text);
    size_t start = 0;
    while (start <= win.size()) {
      size_t nl = win.find('\n', start);
      std::string part =
          win.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (!page) NewPage();
      HPDF_Page_SetFontAndSize(page, f, size);
      if (part.empty()) LineRaw("", f, size);
      while (!part.empty()) {
        HPDF_REAL used = 0;
        HPDF_UINT fits =
            HPDF_Page_MeasureText(page, part.c_str(), kWidth - 2 * kMargin, HPDF_TRUE, &used);
        if (fits == 0)
          fits = HPDF_Page_MeasureText(page, part.c_str(), kWidth - 2 * kMargin, HPDF_FALSE, &used);
        if (fits == 0) fits = 1;
        fits = static_cast<HPDF_UINT>(Boundary(part, fits));
        LineRaw(part.substr(0, fits), f, size);
        part = part.substr(fits);
        while (!part.empty() && part.front() == ' ') part.erase(0, 1);
      }
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  void LineRaw(const std::string& win, HPDF_Font f, float size) {
    if (!page || y < 60) NewPage();
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, f, size);
    HPDF_Page_TextOut(page, kMargin, y, win.c_str());
    HPDF_Page_EndText(page);
    y -= size + 4;
  }
  // Keeps a heading with at least a few lines of what follows it.
  void KeepWithNext(float points) {
    if (page && y - points < 60) NewPage();
  }

  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> doc;
  std::string page_header;
  HPDF_Font font = nullptr, bold = nullptr;
  bool utf8 = false;
  HPDF_Page page = nullptr;
  std::vector<HPDF_Page> pages;
  float y = 0;
};

PdfDocument::PdfDocument(std::string page_header)
    : impl_(std::make_unique<Impl>(std::move(page_header))) {}
PdfDocument::~PdfDocument() = default;

bool PdfDocument::ok() const { return impl_->doc && impl_->font && impl_->bold; }

void PdfDocument::Title(const std::string& text) {
  impl_->Paragraph(text, impl_->bold, 16);
  Space(4);
}
void PdfDocument::Heading(const std::string& text) {
  impl_->KeepWithNext(60);
  Space(10);
  impl_->Paragraph(text, impl_->bold, 13);
  Space(2);
}
void PdfDocument::Subheading(const std::string& text) {
  impl_->KeepWithNext(40);
  Space(4);
  impl_->Paragraph(text, impl_->bold, 10.5f);
}
void PdfDocument::Field(const std::string& label, const std::string& value) {
  impl_->Paragraph(label + ": " + value, impl_->font, 10);
}
void PdfDocument::Text(const std::string& text, bool strong) {
  impl_->Paragraph(text, strong ? impl_->bold : impl_->font, 10);
}
void PdfDocument::Small(const std::string& text) { impl_->Paragraph(text, impl_->font, 8); }
void PdfDocument::Space(float points) { impl_->y -= points; }

Result<std::string> PdfDocument::Finish(const std::string& title) {
  Impl& d = *impl_;
  if (!d.page) d.NewPage();
  HPDF_SetInfoAttr(d.doc.get(), HPDF_INFO_TITLE, ToWinAnsi(title).c_str());
  HPDF_SetInfoAttr(d.doc.get(), HPDF_INFO_CREATOR, "casekeeper");
  int n = 0;
  for (HPDF_Page p : d.pages) {
    ++n;
    HPDF_Page_BeginText(p);
    HPDF_Page_SetFontAndSize(p, d.font, 8);
    std::string footer = "Page " + std::to_string(n) + " of " + std::to_string(d.pages.size());
    HPDF_Page_TextOut(p, Impl::kMargin, 30, footer.c_str());
    HPDF_Page_EndText(p);
  }
  if (HPDF_SaveToStream(d.doc.get()) != HPDF_OK) return Internal("the PDF could not be written");
  HPDF_UINT32 size = HPDF_GetStreamSize(d.doc.get());
  std::string out(size, '\0');
  HPDF_UINT32 read = size;
  HPDF_ResetStream(d.doc.get());
  if (HPDF_ReadFromStream(d.doc.get(), reinterpret_cast<HPDF_BYTE*>(out.data()), &read) !=
          HPDF_OK &&
      read != size)
    return Internal("the PDF could not be read back");
  out.resize(read);
  return out;
}

}  // namespace ck::reports
