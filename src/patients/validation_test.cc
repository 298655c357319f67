#include "patients/validation.h"

#include <gtest/gtest.h>

#include "patients/store.h"

namespace ck::patients {
namespace {

TEST(SearchKey, FoldsAccentsCaseAndPunctuation) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"García", "garcia"},
      {"O'Brien", "obrien"},
      {"Nguyễn", "nguyn"},
      {"Łukasz", "lukasz"},
      {"Strauß", "strauss"},
      {"de la Cruz", "delacruz"},
      {"MÜLLER-Lüdenscheidt", "mullerludenscheidt"},
      {"Ærøskøbing", "aeroskobing"},
      {"Zoë", "zoe"},
      {"", ""},
      {"\xff\xfe bad", "bad"},
      {"ça va 2", "cava2"},
      {"\xc3", ""},  // truncated UTF-8 sequence
  };
  for (const Case& c : cases) EXPECT_EQ(SearchKey(c.in), c.want) << c.in;
}

TEST(PrefixRange, UpperBoundsStayInsideTheKeyAlphabet) {
  EXPECT_EQ(PrefixRange("gar"), (std::pair<std::string, std::string>{"gar", "gas"}));
  EXPECT_EQ(PrefixRange("gaz"), (std::pair<std::string, std::string>{"gaz", "gb"}));
  EXPECT_EQ(PrefixRange("a9"), (std::pair<std::string, std::string>{"a9", "aa"}));
  EXPECT_EQ(PrefixRange("zz"), (std::pair<std::string, std::string>{"zz", ""}));
}

TEST(NormalizePhone, AcceptsCommonFormats) {
  for (const char* in :
       {"(555) 010-4477", "555.010.4477", "1 555 010 4477", "+1 555 010 4477", "5550104477"})
    EXPECT_EQ(*NormalizePhone(in, "phone"), "+15550104477") << in;
  EXPECT_EQ(*NormalizePhone("+44 20 7946 0958", "phone"), "+442079460958");
  EXPECT_EQ(*NormalizePhone("0044 20 7946 0958", "phone"), "+442079460958");
}

TEST(NormalizePhone, RejectsNamingTheField) {
  for (const char* in : {"", "555-0104", "call me", "+1234", "12345678901234567", "+0123456789"}) {
    auto r = NormalizePhone(in, "phones");
    ASSERT_FALSE(r.ok()) << in;
    EXPECT_EQ(r.status().field(), "phones");
  }
}

TEST(Formats, EmailAndLanguage) {
  EXPECT_TRUE(ValidateEmail("ana.lima@example.org", "email").ok());
  for (const char* bad : {"", "ana", "@example.org", "ana@", "ana@example", "a b@example.org",
                          "a@b@example.org", "ana@example.org."})
    EXPECT_FALSE(ValidateEmail(bad, "email").ok()) << bad;
  for (const char* ok : {"en", "es", "zh-Hant", "pt-BR", "yue"})
    EXPECT_TRUE(ValidateLanguageTag(ok, "l").ok()) << ok;
  for (const char* bad : {"", "e", "EN", "english", "en-", "en_US"})
    EXPECT_FALSE(ValidateLanguageTag(bad, "l").ok()) << bad;
}

TEST(Demographics, EachFieldIsCheckedAndNamed) {
  Date today = *ParseDate("2026-11-27");
  NewPatient good{"Ana", "Lima", "1950-02-03", "female"};
  good.address.state = "OH";
  good.address.postal_code = "43210-1234";
  good.races = {"white", "asian"};
  ASSERT_TRUE(ValidateDemographics(good, today).ok());
  struct Case {
    std::function<void(NewPatient&)> change;
    const char* field;
  } cases[] = {
      {[](NewPatient& p) { p.given_name = ""; }, "given_name"},
      {[](NewPatient& p) { p.birth_date = "2027-01-01"; }, "birth_date"},
      {[](NewPatient& p) { p.administrative_sex = "F"; }, "administrative_sex"},
      {[](NewPatient& p) { p.gender_identity = "maybe"; }, "gender_identity"},
      {[](NewPatient& p) { p.preferred_language = "Spanish"; }, "preferred_language"},
      {[](NewPatient& p) { p.races = {"martian"}; }, "races"},
      {[](NewPatient& p) { p.ethnicity = "latino"; }, "ethnicity"},
      {[](NewPatient& p) { p.address.state = "Ohio"; }, "address.state"},
      {[](NewPatient& p) { p.address.postal_code = "4321"; }, "address.postal_code"},
      {[](NewPatient& p) { p.address.country = "usa"; }, "address.country"},
      {[](NewPatient& p) { p.email = "nope"; }, "email"},
      {[](NewPatient& p) { p.preferred_contact_method = "pigeon"; }, "preferred_contact_method"},
      {[](NewPatient& p) {
         p.phones = {{"+15550104477", "satellite", false}};
       },
       "phones"},
      {[](NewPatient& p) {
         p.identifiers = {{0, "has space", "1", "MR"}};
       },
       "identifiers"},
      {[](NewPatient& p) {
         p.identifiers = {{0, "urn:mrn", "1", "XX"}};
       },
       "identifiers"},
  };
  for (const Case& c : cases) {
    NewPatient p = good;
    c.change(p);
    Status st = ValidateDemographics(p, today);
    EXPECT_EQ(st.field(), c.field) << st.ToString();
  }
  NewPatient abroad = good;
  abroad.address = {"1 High St", std::nullopt, "Leeds", "West Yorkshire", "LS1 1AA", "GB"};
  EXPECT_TRUE(ValidateDemographics(abroad, today).ok())
      << "non-US addresses keep their own formats";
}

}  // namespace
}  // namespace ck::patients
