#include "demo/education_library.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ck::demo {
namespace {

struct Material {
  const char* code;
  const char* topic;
  int reading_level;
  const char* format;
  std::vector<const char*> conditions;
  std::vector<const char*> barriers;
  std::vector<const char*> points;
  std::vector<std::pair<const char*, const char*>> titles;  // language, title
};

// Synthetic teaching sheets written for the demo (not copied from any publisher).
const std::vector<Material>& Library() {
  static const std::vector<Material> kLibrary = {
      {"hf-daily-weights",
       "Heart failure: daily weights",
       5,
       "handout",
       {"I50", "I11.0", "I13.0", "I13.2"},
       {},
       {"Weigh every morning after using the toilet, before breakfast",
        "Write the number down every day",
        "Call the nurse if up 2-3 pounds in a day or 5 pounds in a week"},
       {{"en", "Weigh yourself every morning"},
        {"es", "Pésese todas las mañanas"},
        {"vi", "Cân mỗi buổi sáng"}}},
      {"hf-warning-zones",
       "Heart failure: warning signs",
       4,
       "handout",
       {"I50"},
       {},
       {"Green, yellow and red zone symptoms", "Who to call for yellow, 911 for red"},
       {{"en", "Heart failure zones: green, yellow, red"},
        {"es", "Zonas de la insuficiencia cardiaca: verde, amarilla, roja"},
        {"ar", "مناطق قصور القلب: الأخضر والأصفر والأحمر"}}},
      {"hf-low-salt",
       "Heart failure: diet",
       6,
       "video",
       {"I50", "I11.0"},
       {"food_insecurity"},
       {"Read the sodium line on food labels", "Name three high-salt foods to avoid"},
       {{"en", "Eating less salt"}, {"es", "Comer con menos sal"}}},
      {"dm-a1c",
       "Diabetes: HbA1c",
       6,
       "handout",
       {"E10", "E11"},
       {},
       {"What the A1C number measures", "Their own A1C goal"},
       {{"en", "What your A1C number means"}, {"es", "Qué significa su número de A1C"}}},
      {"dm-low-sugar",
       "Diabetes: low blood sugar",
       5,
       "handout",
       {"E10", "E11"},
       {},
       {"Signs of low blood sugar", "The 15-15 rule"},
       {{"en", "Low blood sugar: the 15-15 rule"},
        {"es", "Azúcar baja en la sangre: la regla 15-15"}}},
      {"dm-foot-care",
       "Diabetes: foot care",
       4,
       "handout",
       {"E10", "E11"},
       {},
       {"Check both feet every day", "When to call about a sore"},
       {{"en", "Check your feet every day"},
        {"es", "Revise sus pies todos los días"},
        {"so", "Hubi cagahaaga maalin kasta"}}},
      {"copd-inhaler",
       "COPD: inhaler technique",
       5,
       "video",
       {"J44", "J43"},
       {},
       {"Shake, breathe out, seal, press and breathe in slowly, hold 10 seconds",
        "Rinse the mouth after a steroid inhaler"},
       {{"en", "Using your inhaler the right way"},
        {"es", "Cómo usar bien su inhalador"},
        {"ne", "इन्हेलर सही तरिकाले प्रयोग गर्ने"}}},
      {"copd-action-plan",
       "COPD: action plan",
       6,
       "handout",
       {"J44"},
       {},
       {"What to do on a bad breathing day", "When to use the rescue inhaler"},
       {{"en", "Your COPD action plan"}}},
      {"bp-home-monitoring",
       "High blood pressure: home readings",
       6,
       "interactive",
       {"I10", "I11", "I12", "I13"},
       {},
       {"Sit quietly 5 minutes, arm at heart level", "Which readings to call about"},
       {{"en", "Checking your blood pressure at home"}, {"es", "Cómo medir su presión en casa"}}},
      {"depression-what-helps",
       "Depression: what helps",
       7,
       "handout",
       {"F32", "F33"},
       {"behavioral_health"},
       {"Medicines take weeks to work", "Who to call in a crisis (988)"},
       {{"en", "Depression: what helps"}, {"es", "Depresión: qué ayuda"}}},
      {"falls-home-safety",
       "Falls: home safety",
       5,
       "handout",
       {"G30", "M17", "R26"},
       {"caregiver_support"},
       {"Clear paths and rugs", "Night lights and grab bars"},
       {{"en", "Preventing falls at home"}, {"es", "Cómo evitar caídas en casa"}}},
      {"ckd-kidney-diet",
       "Chronic kidney disease: diet",
       8,
       "handout",
       {"N18"},
       {"food_insecurity"},
       {"Foods high in potassium and phosphorus"},
       {{"en", "Kidney-friendly eating"}}},
      {"med-list",
       "Medications: keeping a list",
       4,
       "handout",
       {},
       {"health_literacy", "language"},
       {"Bring the list to every visit", "Add new medicines the same day"},
       {{"en", "Keep an up-to-date medication list"},
        {"es", "Mantenga una lista de sus medicinas"},
        {"vi", "Giữ danh sách thuốc luôn cập nhật"},
        {"ar", "احتفظ بقائمة محدثة لأدويتك"},
        {"so", "Hay liis daawooyinkaaga oo cusub"},
        {"ne", "औषधिको अद्यावधिक सूची राख्नुहोस्"}}},
  };
  return kLibrary;
}

}  // namespace

Status SeedEducationLibrary(db::Connection& c, Timestamp now) {
  for (const Material& m : Library()) {
    for (const auto& [language, title] : m.titles) {
      nlohmann::json points = nlohmann::json::array();
      for (const char* p : m.points) points.push_back(p);
      CK_ASSIGN_OR_RETURN(
          auto rows,
          c.Query("INSERT INTO education_materials (code, language, title, topic, reading_level, "
                  "format, url, teach_back_points, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?) RETURNING id",
                  {m.code, language, title, m.topic, m.reading_level, m.format,
                   std::string("https://education.example.org/") + m.code + "/" + language,
                   points.dump(), now, now}));
      int64_t id = rows.at(0).Int(0);
      for (const char* code : m.conditions)
        CK_RETURN_IF_ERROR(c.Exec("INSERT INTO education_material_links (material_id, kind, "
                                  "code) VALUES (?, 'condition', ?)",
                                  {id, code})
                               .status());
      for (const char* b : m.barriers)
        CK_RETURN_IF_ERROR(c.Exec("INSERT INTO education_material_links (material_id, kind, "
                                  "code) VALUES (?, 'barrier', ?)",
                                  {id, b})
                               .status());
    }
  }
  return Status::Ok();
}

}  // namespace ck::demo
