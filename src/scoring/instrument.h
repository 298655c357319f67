// Assessment instruments as data: a versioned definition (sections, items with
// their answer options, branching, scoring, bands, flags with alerts, positive
// domains) that the built-in instruments (PHQ-9, PHQ-2, GAD-7, AHC HRSN, Morse)
// use too, so an organisation adds its own intake assessment by configuration.
// The format is documented in docs/instruments.md.
//
//   CK_ASSIGN_OR_RETURN(Instrument phq9, Instrument::Parse(definition_json));
//   CK_ASSIGN_OR_RETURN(Evaluation e, phq9.Evaluate(answers, Instrument::Mode::kComplete));
//   e.output  // {"score": 11, "severity": "moderate", "suicide_risk": false}
//
// Answers are one JSON object whose shape the items' paths define (PHQ-9:
// {"items": [9 integers]}). Every applicable item is required when complete (no
// prorating); an item whose "when" rule is false must be absent.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scoring/rule.h"

namespace ck::scoring {

struct AnswerOption {
  Json value;  // string, or boolean for yes/no items
  std::string label;
  double points = 0;
};

struct Item {
  enum class Type { kInteger, kNumber, kBoolean, kChoice, kMultiChoice, kText };
  std::string id;
  std::string label;
  std::string section;
  std::vector<std::string> path;  // JSON object keys and array indexes
  Type type = Type::kInteger;
  double min = 0, max = 0;            // integer and number
  size_t max_length = 2000;           // text
  std::vector<AnswerOption> options;  // choice, multi_choice, boolean
  bool scored = false;
  std::optional<Rule> when;
};

struct Section {
  std::string id;
  std::string label;
  std::vector<size_t> items;
};

struct Alert {
  std::string kind;      // e.g. "suicide_risk"
  std::string severity;  // "crisis" | "high" | "routine"
  std::string reason;    // free of patient data: "PHQ-9 item 9 answered above zero"
};

struct Evaluation {
  bool complete = false;
  std::map<std::string, double> item_points;  // answered scored items
  std::vector<std::string> complete_sections;
  // Only when complete:
  std::map<std::string, double> scores;
  std::map<std::string, std::string> bands;
  std::map<std::string, bool> flags;
  std::vector<std::string> positive_domains;
  std::vector<Alert> alerts;
  Json output;  // the instrument's published result keys

  // Everything above as JSON, so a result keeps its components.
  Json ToJson() const;
  // The main score and band ("score", the first band) for lists and rules.
  std::optional<double> primary_score;
  std::optional<std::string> primary_band;
};

class Instrument {
 public:
  enum class Mode { kComplete, kDraft };

  // InvalidArgument naming the definition part at fault ("items[3].options").
  static Result<Instrument> Parse(const Json& definition);

  // InvalidArgument naming the answer at fault ("items[8]", "safety.insult")
  // for an unknown field, a wrong type, a value out of range, a missing item
  // (complete mode only) or an answer to an item that does not apply.
  Result<Evaluation> Evaluate(const Json& answers, Mode mode) const;

  // The answers of one section's items, in item order (null where unanswered),
  // to tell whether a section changed.
  Json SectionAnswers(const Json& answers, const std::string& section_id) const;

  const std::string& id() const { return id_; }
  const std::string& version() const { return version_; }
  const std::string& title() const { return title_; }
  const std::vector<Section>& sections() const { return sections_; }
  const std::vector<Item>& items() const { return items_; }
  const std::vector<std::pair<std::string, std::string>>& domains() const { return domains_; }
  const Json& definition() const { return definition_; }

 private:
  struct ScoreDef {
    std::string id;
    std::vector<size_t> items;
  };
  struct Band {
    double min, max;
    std::string label;
  };
  struct BandDef {
    std::string id;
    std::string score;
    std::vector<Band> ranges;
  };
  struct FlagDef {
    std::string id;
    Rule when;
    std::optional<Alert> alert;
  };
  struct DomainRule {
    std::string domain;
    Rule when;
  };
  struct Shape {
    bool is_array = false;
    int item = -1;  // a leaf
    std::map<std::string, Shape> fields;
    std::vector<Shape> elements;
  };

  Status CheckShape(const Json& v, const Shape& shape, const std::string& field) const;

  Json definition_;
  std::string id_, version_, title_;
  std::vector<Section> sections_;
  std::vector<Item> items_;
  std::vector<std::pair<std::string, std::string>> domains_;  // id, label
  std::vector<ScoreDef> scores_;
  std::vector<BandDef> bands_;
  std::vector<FlagDef> flags_;
  std::vector<DomainRule> positive_domains_;
  std::vector<std::string> output_;
  Shape shape_;
};

// "items[8]", "safety.insult": how errors name an answer.
std::string FieldName(const std::vector<std::string>& path);

}  // namespace ck::scoring
