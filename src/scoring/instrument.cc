#include "scoring/instrument.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace ck::scoring {
namespace {

bool IsIndex(const std::string& s) {
  return !s.empty() && s.size() < 6 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

Status Bad(const std::string& where, const std::string& message) {
  return InvalidArgument(message, "definition." + where);
}

Result<std::string> Str(const Json& obj, const char* key, const std::string& where,
                        bool required = true) {
  std::string name = where.empty() ? std::string(key) : where + "." + key;
  if (!obj.is_object()) return Bad(where, "must be an object");
  if (!obj.contains(key)) {
    if (required) return Bad(name, "is required");
    return std::string();
  }
  if (!obj[key].is_string() || obj[key].get<std::string>().empty())
    return Bad(name, "must be a non-empty string");
  return obj[key].get<std::string>();
}

Result<double> Num(const Json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key) || !obj[key].is_number())
    return Bad(where + "." + key, "must be a number");
  return obj[key].get<double>();
}

Result<std::vector<std::string>> ParsePath(const std::string& text, const std::string& where) {
  if (text.size() < 2 || text[0] != '/') return Bad(where, "must be a path such as /items/0");
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    if (slash == std::string::npos) slash = text.size();
    std::string seg = text.substr(start, slash - start);
    if (seg.empty()) return Bad(where, "has an empty segment");
    out.push_back(seg);
    start = slash + 1;
  }
  if (IsIndex(out[0])) return Bad(where, "must start with a field name");
  return out;
}

Json NumberJson(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return Json(static_cast<int64_t>(v));
  return Json(v);
}

const Json* At(const Json& answers, const std::vector<std::string>& path) {
  const Json* cur = &answers;
  for (const std::string& seg : path) {
    if (cur->is_object()) {
      auto it = cur->find(seg);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array() && IsIndex(seg)) {
      size_t i = std::stoul(seg);
      if (i >= cur->size()) return nullptr;
      cur = &(*cur)[i];
    } else {
      return nullptr;
    }
  }
  return cur->is_null() ? nullptr : cur;
}

}  // namespace

std::string FieldName(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& seg : path) {
    if (IsIndex(seg))
      out += "[" + seg + "]";
    else
      out += (out.empty() ? "" : ".") + seg;
  }
  return out;
}

Result<Instrument> Instrument::Parse(const Json& def) {
  if (!def.is_object()) return Bad("", "must be an object");
  Instrument in;
  in.definition_ = def;
  CK_ASSIGN_OR_RETURN(in.id_, Str(def, "id", ""));
  for (char c : in.id_)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return Bad("id", "may hold letters, digits, - and _ only");
  CK_ASSIGN_OR_RETURN(in.version_, Str(def, "version", ""));
  CK_ASSIGN_OR_RETURN(in.title_, Str(def, "title", ""));
  static const std::set<std::string> kTopKeys = {
      "id",       "version", "title", "description", "source",           "domains",
      "sections", "scores",  "bands", "flags",       "positive_domains", "output"};
  for (auto it = def.begin(); it != def.end(); ++it)
    if (!kTopKeys.count(it.key())) return Bad(it.key(), "unknown key");

  std::set<std::string> names;  // items, scores, bands, flags share one namespace
  auto unique = [&](const std::string& id, const std::string& where) -> Status {
    if (!names.insert(id).second) return Bad(where, "duplicate id " + id);
    return Status::Ok();
  };

  if (def.contains("domains")) {
    if (!def["domains"].is_array()) return Bad("domains", "must be a list");
    for (size_t i = 0; i < def["domains"].size(); ++i) {
      std::string w = "domains[" + std::to_string(i) + "]";
      CK_ASSIGN_OR_RETURN(std::string id, Str(def["domains"][i], "id", w));
      CK_ASSIGN_OR_RETURN(std::string label, Str(def["domains"][i], "label", w));
      in.domains_.emplace_back(id, label);
    }
  }

  if (!def.contains("sections") || !def["sections"].is_array() || def["sections"].empty())
    return Bad("sections", "must be a non-empty list");
  for (size_t s = 0; s < def["sections"].size(); ++s) {
    const Json& sj = def["sections"][s];
    std::string sw = "sections[" + std::to_string(s) + "]";
    Section section;
    CK_ASSIGN_OR_RETURN(section.id, Str(sj, "id", sw));
    CK_ASSIGN_OR_RETURN(section.label, Str(sj, "label", sw, false));
    for (const Section& other : in.sections_)
      if (other.id == section.id) return Bad(sw + ".id", "duplicate section " + section.id);
    if (!sj.contains("items") || !sj["items"].is_array() || sj["items"].empty())
      return Bad(sw + ".items", "must be a non-empty list");
    for (size_t k = 0; k < sj["items"].size(); ++k) {
      const Json& ij = sj["items"][k];
      std::string w = sw + ".items[" + std::to_string(k) + "]";
      Item item;
      item.section = section.id;
      CK_ASSIGN_OR_RETURN(item.id, Str(ij, "id", w));
      CK_RETURN_IF_ERROR(unique(item.id, w + ".id"));
      CK_ASSIGN_OR_RETURN(item.label, Str(ij, "label", w));
      CK_ASSIGN_OR_RETURN(std::string path, Str(ij, "path", w, false));
      if (path.empty()) path = "/" + item.id;
      CK_ASSIGN_OR_RETURN(item.path, ParsePath(path, w + ".path"));
      CK_ASSIGN_OR_RETURN(std::string type, Str(ij, "type", w));
      if (type == "integer" || type == "number") {
        item.type = type == "integer" ? Item::Type::kInteger : Item::Type::kNumber;
        CK_ASSIGN_OR_RETURN(item.min, Num(ij, "min", w));
        CK_ASSIGN_OR_RETURN(item.max, Num(ij, "max", w));
        if (item.min > item.max) return Bad(w + ".max", "must not be below min");
        if (ij.contains("scored") && !ij["scored"].is_boolean())
          return Bad(w + ".scored", "must be true or false");
        item.scored = ij.contains("scored") && ij["scored"].get<bool>();
      } else if (type == "boolean" || type == "choice" || type == "multi_choice") {
        item.type = type == "boolean"  ? Item::Type::kBoolean
                    : type == "choice" ? Item::Type::kChoice
                                       : Item::Type::kMultiChoice;
        if (!ij.contains("options") || !ij["options"].is_array() || ij["options"].empty())
          return Bad(w + ".options", "must be a non-empty list");
        for (size_t o = 0; o < ij["options"].size(); ++o) {
          const Json& oj = ij["options"][o];
          std::string ow = w + ".options[" + std::to_string(o) + "]";
          if (!oj.is_object() || !oj.contains("value")) return Bad(ow, "needs a value");
          AnswerOption opt;
          opt.value = oj["value"];
          bool want_bool = item.type == Item::Type::kBoolean;
          if (want_bool ? !opt.value.is_boolean()
                        : !(opt.value.is_string() && !opt.value.get<std::string>().empty()))
            return Bad(ow + ".value", want_bool ? "must be true or false" : "must be a string");
          for (const AnswerOption& other : item.options)
            if (other.value == opt.value) return Bad(ow + ".value", "duplicate option");
          CK_ASSIGN_OR_RETURN(opt.label, Str(oj, "label", ow, false));
          if (oj.contains("points")) {
            CK_ASSIGN_OR_RETURN(opt.points, Num(oj, "points", ow));
            item.scored = true;
          }
          item.options.push_back(std::move(opt));
        }
        if (item.type == Item::Type::kBoolean && item.options.size() != 2)
          return Bad(w + ".options", "a boolean item lists true and false");
      } else if (type == "text") {
        item.type = Item::Type::kText;
        if (ij.contains("max_length")) {
          if (!ij["max_length"].is_number_unsigned() || ij["max_length"].get<size_t>() == 0)
            return Bad(w + ".max_length", "must be a positive integer");
          item.max_length = ij["max_length"].get<size_t>();
        }
      } else {
        return Bad(w + ".type", "must be integer, number, boolean, choice, multi_choice or text");
      }
      if (ij.contains("when")) {
        CK_ASSIGN_OR_RETURN(Rule r, Rule::Parse(ij["when"], "definition." + w + ".when", {"item"}));
        std::vector<std::pair<std::string, std::string>> refs;
        r.References(refs);
        for (const auto& [kind, name] : refs) {
          bool earlier = std::any_of(in.items_.begin(), in.items_.end(),
                                     [&](const Item& x) { return x.id == name; });
          if (!earlier) return Bad(w + ".when", "may only refer to earlier items, not " + name);
        }
        item.when = std::move(r);
      }
      section.items.push_back(in.items_.size());
      in.items_.push_back(std::move(item));
    }
    in.sections_.push_back(std::move(section));
  }

  // The answer shape: every path a leaf, containers consistent, no path a prefix of another.
  for (size_t i = 0; i < in.items_.size(); ++i) {
    const Item& item = in.items_[i];
    std::string w = "items." + item.id + ".path";
    Shape* node = &in.shape_;
    for (size_t d = 0; d < item.path.size(); ++d) {
      const std::string& seg = item.path[d];
      if (node->item >= 0) return Bad(w, "lies inside another item's answer");
      bool index = IsIndex(seg);
      if (d > 0) {
        bool fresh = node->fields.empty() && node->elements.empty();
        if (fresh) node->is_array = index;
        if (node->is_array != index) return Bad(w, "mixes list indexes and field names");
      }
      if (index) {
        size_t k = std::stoul(seg);
        if (node->elements.size() <= k) node->elements.resize(k + 1);
        node = &node->elements[k];
      } else {
        node = &node->fields[seg];
      }
    }
    if (node->item >= 0 || !node->fields.empty() || !node->elements.empty())
      return Bad(w, "is used by another item");
    node->item = static_cast<int>(i);
  }
  std::function<Status(const Shape&, const std::string&)> dense = [&](const Shape& s,
                                                                      const std::string& w) {
    for (size_t k = 0; k < s.elements.size(); ++k) {
      const Shape& e = s.elements[k];
      if (e.item < 0 && e.fields.empty() && e.elements.empty())
        return Bad(w, "leaves list entry " + std::to_string(k) + " without an item");
      CK_RETURN_IF_ERROR(dense(e, w));
    }
    for (const auto& [_, f] : s.fields) CK_RETURN_IF_ERROR(dense(f, w));
    return Status::Ok();
  };
  CK_RETURN_IF_ERROR(dense(in.shape_, "sections"));

  auto item_index = [&](const std::string& id) -> std::optional<size_t> {
    for (size_t i = 0; i < in.items_.size(); ++i)
      if (in.items_[i].id == id) return i;
    return std::nullopt;
  };

  if (def.contains("scores")) {
    if (!def["scores"].is_array()) return Bad("scores", "must be a list");
    for (size_t s = 0; s < def["scores"].size(); ++s) {
      const Json& sj = def["scores"][s];
      std::string w = "scores[" + std::to_string(s) + "]";
      ScoreDef sd;
      CK_ASSIGN_OR_RETURN(sd.id, Str(sj, "id", w));
      CK_RETURN_IF_ERROR(unique(sd.id, w + ".id"));
      if (!sj.contains("sum") || !sj["sum"].is_array() || sj["sum"].empty())
        return Bad(w + ".sum", "must list the items added up");
      for (const Json& ref : sj["sum"]) {
        auto idx = ref.is_string() ? item_index(ref.get<std::string>()) : std::nullopt;
        if (!idx || !in.items_[*idx].scored)
          return Bad(w + ".sum", "must name scored items: " + ref.dump());
        sd.items.push_back(*idx);
      }
      in.scores_.push_back(std::move(sd));
    }
  }
  auto score_exists = [&](const std::string& id) {
    return std::any_of(in.scores_.begin(), in.scores_.end(),
                       [&](const ScoreDef& s) { return s.id == id; });
  };

  if (def.contains("bands")) {
    if (!def["bands"].is_array()) return Bad("bands", "must be a list");
    for (size_t b = 0; b < def["bands"].size(); ++b) {
      const Json& bj = def["bands"][b];
      std::string w = "bands[" + std::to_string(b) + "]";
      BandDef bd;
      CK_ASSIGN_OR_RETURN(bd.id, Str(bj, "id", w));
      CK_RETURN_IF_ERROR(unique(bd.id, w + ".id"));
      CK_ASSIGN_OR_RETURN(bd.score, Str(bj, "score", w));
      if (!score_exists(bd.score)) return Bad(w + ".score", "names no score");
      if (!bj.contains("ranges") || !bj["ranges"].is_array() || bj["ranges"].empty())
        return Bad(w + ".ranges", "must be a non-empty list");
      for (size_t r = 0; r < bj["ranges"].size(); ++r) {
        const Json& rj = bj["ranges"][r];
        std::string rw = w + ".ranges[" + std::to_string(r) + "]";
        Band band;
        CK_ASSIGN_OR_RETURN(band.label, Str(rj, "label", rw));
        CK_ASSIGN_OR_RETURN(band.min, Num(rj, "min", rw));
        if (rj.contains("max") && !rj["max"].is_number())
          return Bad(rw + ".max", "must be a number");
        band.max = rj.contains("max") ? rj["max"].get<double>() : HUGE_VAL;
        if (band.max < band.min) return Bad(rw + ".max", "must not be below min");
        if (!bd.ranges.empty() && band.min <= bd.ranges.back().max)
          return Bad(rw + ".min", "ranges must ascend without overlap");
        bd.ranges.push_back(std::move(band));
      }
      in.bands_.push_back(std::move(bd));
    }
  }

  auto check_refs = [&](const Rule& r, const std::string& w) -> Status {
    std::vector<std::pair<std::string, std::string>> refs;
    r.References(refs);
    for (const auto& [kind, name] : refs) {
      if (kind == "item" && !item_index(name)) return Bad(w, "names no item " + name);
      if (kind == "score" && !score_exists(name)) return Bad(w, "names no score " + name);
    }
    return Status::Ok();
  };

  if (def.contains("flags")) {
    if (!def["flags"].is_array()) return Bad("flags", "must be a list");
    for (size_t f = 0; f < def["flags"].size(); ++f) {
      const Json& fj = def["flags"][f];
      std::string w = "flags[" + std::to_string(f) + "]";
      CK_ASSIGN_OR_RETURN(std::string id, Str(fj, "id", w));
      CK_RETURN_IF_ERROR(unique(id, w + ".id"));
      if (!fj.contains("when")) return Bad(w + ".when", "is required");
      CK_ASSIGN_OR_RETURN(Rule when,
                          Rule::Parse(fj["when"], "definition." + w + ".when", {"item", "score"}));
      CK_RETURN_IF_ERROR(check_refs(when, w + ".when"));
      FlagDef fd{id, std::move(when), std::nullopt};
      if (fj.contains("alert")) {
        const Json& aj = fj["alert"];
        Alert a;
        CK_ASSIGN_OR_RETURN(a.kind, Str(aj, "kind", w + ".alert"));
        CK_ASSIGN_OR_RETURN(a.severity, Str(aj, "severity", w + ".alert"));
        if (a.severity != "crisis" && a.severity != "high" && a.severity != "routine")
          return Bad(w + ".alert.severity", "must be crisis, high or routine");
        CK_ASSIGN_OR_RETURN(a.reason, Str(aj, "reason", w + ".alert"));
        fd.alert = std::move(a);
      }
      in.flags_.push_back(std::move(fd));
    }
  }

  if (def.contains("positive_domains")) {
    if (!def["positive_domains"].is_array()) return Bad("positive_domains", "must be a list");
    for (size_t d = 0; d < def["positive_domains"].size(); ++d) {
      const Json& dj = def["positive_domains"][d];
      std::string w = "positive_domains[" + std::to_string(d) + "]";
      CK_ASSIGN_OR_RETURN(std::string domain, Str(dj, "domain", w));
      bool known = std::any_of(in.domains_.begin(), in.domains_.end(),
                               [&](const auto& x) { return x.first == domain; });
      if (!known) return Bad(w + ".domain", "names no domain " + domain);
      if (!dj.contains("when")) return Bad(w + ".when", "is required");
      CK_ASSIGN_OR_RETURN(Rule when,
                          Rule::Parse(dj["when"], "definition." + w + ".when", {"item", "score"}));
      CK_RETURN_IF_ERROR(check_refs(when, w + ".when"));
      in.positive_domains_.push_back({domain, std::move(when)});
    }
  }

  if (!def.contains("output") || !def["output"].is_array() || def["output"].empty())
    return Bad("output", "must list the result keys");
  for (const Json& o : def["output"]) {
    if (!o.is_string()) return Bad("output", "must list names");
    std::string key = o.get<std::string>();
    bool known = key == "positive_domains" ? true : names.count(key) && !item_index(key);
    if (!known) return Bad("output", "names no score, band or flag: " + key);
    in.output_.push_back(key);
  }
  return in;
}

Status Instrument::CheckShape(const Json& v, const Shape& shape, const std::string& field) const {
  if (shape.item >= 0 || v.is_null()) return Status::Ok();
  if (shape.is_array) {
    if (!v.is_array() || v.size() != shape.elements.size())
      return InvalidArgument(
          "must be a list of " + std::to_string(shape.elements.size()) + " answers", field);
    for (size_t i = 0; i < v.size(); ++i)
      CK_RETURN_IF_ERROR(
          CheckShape(v[i], shape.elements[i], field + "[" + std::to_string(i) + "]"));
    return Status::Ok();
  }
  if (!v.is_object()) return InvalidArgument("must be an object", field.empty() ? "body" : field);
  for (auto it = v.begin(); it != v.end(); ++it) {
    std::string name = field.empty() ? it.key() : field + "." + it.key();
    auto f = shape.fields.find(it.key());
    if (f == shape.fields.end()) return InvalidArgument("unknown field", name);
    CK_RETURN_IF_ERROR(CheckShape(it.value(), f->second, name));
  }
  return Status::Ok();
}

Result<Evaluation> Instrument::Evaluate(const Json& answers, Mode mode) const {
  CK_RETURN_IF_ERROR(CheckShape(answers, shape_, ""));
  Evaluation e;
  std::map<std::string, Json> values;  // applicable answered items
  std::map<std::string, bool> section_done;
  for (const Section& s : sections_) section_done[s.id] = true;

  auto lookup = [&](const std::string& kind, const std::string& name) -> const Json* {
    if (kind == "item") {
      auto it = values.find(name);
      return it == values.end() ? nullptr : &it->second;
    }
    return nullptr;
  };

  for (const Item& item : items_) {
    std::string field = FieldName(item.path);
    const Json* v = At(answers, item.path);
    bool applies = !item.when || item.when->Holds(lookup);
    if (!applies) {
      if (v) return InvalidArgument("does not apply given the earlier answers", field);
      continue;
    }
    if (!v) {
      if (mode == Mode::kComplete) return InvalidArgument("is required", field);
      section_done[item.section] = false;
      continue;
    }
    double points = 0;
    switch (item.type) {
      case Item::Type::kInteger:
      case Item::Type::kNumber: {
        bool ok = item.type == Item::Type::kInteger ? v->is_number_integer() : v->is_number();
        double x = ok ? v->get<double>() : 0;
        if (!ok || x < item.min || x > item.max) {
          std::string kind = item.type == Item::Type::kInteger ? "an integer" : "a number";
          return InvalidArgument("must be " + kind + " from " + NumberJson(item.min).dump() +
                                     " to " + NumberJson(item.max).dump(),
                                 field);
        }
        points = x;
        break;
      }
      case Item::Type::kBoolean:
      case Item::Type::kChoice: {
        auto opt = std::find_if(item.options.begin(), item.options.end(),
                                [&](const AnswerOption& o) { return o.value == *v; });
        if (opt == item.options.end()) {
          if (item.type == Item::Type::kBoolean)
            return InvalidArgument("must be true or false", field);
          std::string list;
          for (const AnswerOption& o : item.options)
            list += (list.empty() ? "" : "|") + o.value.get<std::string>();
          return InvalidArgument("must be one of " + list, field);
        }
        points = opt->points;
        break;
      }
      case Item::Type::kMultiChoice: {
        std::string list;
        for (const AnswerOption& o : item.options)
          list += (list.empty() ? "" : ", ") + o.value.get<std::string>();
        if (!v->is_array()) return InvalidArgument("must be a list of any of " + list, field);
        std::set<std::string> seen;
        for (const Json& x : *v) {
          auto opt = std::find_if(item.options.begin(), item.options.end(),
                                  [&](const AnswerOption& o) { return o.value == x; });
          if (opt == item.options.end())
            return InvalidArgument("must be a list of any of " + list, field);
          if (!seen.insert(x.get<std::string>()).second)
            return InvalidArgument("lists " + x.get<std::string>() + " twice", field);
          points += opt->points;
        }
        break;
      }
      case Item::Type::kText:
        if (!v->is_string() || v->get<std::string>().empty() ||
            v->get<std::string>().size() > item.max_length)
          return InvalidArgument(
              "must be text of 1 to " + std::to_string(item.max_length) + " bytes", field);
        break;
    }
    values[item.id] = *v;
    if (item.scored) e.item_points[item.id] = points;
  }
  for (const Section& s : sections_)
    if (section_done[s.id]) e.complete_sections.push_back(s.id);
  e.complete = e.complete_sections.size() == sections_.size();
  if (!e.complete) return e;

  std::map<std::string, Json> computed;
  for (const ScoreDef& s : scores_) {
    double total = 0;
    for (size_t i : s.items) {
      auto it = e.item_points.find(items_[i].id);
      if (it != e.item_points.end()) total += it->second;
    }
    e.scores[s.id] = total;
    computed[s.id] = NumberJson(total);
  }
  auto full_lookup = [&](const std::string& kind, const std::string& name) -> const Json* {
    const auto& m = kind == "item" ? values : computed;
    auto it = m.find(name);
    return it == m.end() ? nullptr : &it->second;
  };
  for (const BandDef& b : bands_) {
    double x = e.scores[b.score];
    // The last range starting at or below the score: a fractional score between
    // one range's max and the next one's min belongs to the lower range.
    auto r = b.ranges.end();
    for (auto it = b.ranges.begin(); it != b.ranges.end(); ++it)
      if (x >= it->min) r = it;
    if (r == b.ranges.end())
      return Internal("instrument " + id_ + " has no " + b.id + " band for score " +
                      NumberJson(x).dump());
    e.bands[b.id] = r->label;
  }
  for (const FlagDef& f : flags_) {
    bool on = f.when.Holds(full_lookup);
    e.flags[f.id] = on;
    if (on && f.alert) e.alerts.push_back(*f.alert);
  }
  for (const DomainRule& d : positive_domains_)
    if (d.when.Holds(full_lookup) && std::find(e.positive_domains.begin(), e.positive_domains.end(),
                                               d.domain) == e.positive_domains.end())
      e.positive_domains.push_back(d.domain);

  e.output = Json::object();
  for (const std::string& key : output_) {
    if (key == "positive_domains")
      e.output[key] = e.positive_domains;
    else if (e.scores.count(key))
      e.output[key] = NumberJson(e.scores[key]);
    else if (e.bands.count(key))
      e.output[key] = e.bands[key];
    else
      e.output[key] = e.flags[key];
  }
  if (!scores_.empty()) e.primary_score = e.scores[scores_.front().id];
  if (!bands_.empty()) e.primary_band = e.bands[bands_.front().id];
  return e;
}

Json Instrument::SectionAnswers(const Json& answers, const std::string& section_id) const {
  Json out = Json::array();
  for (const Section& s : sections_) {
    if (s.id != section_id) continue;
    for (size_t i : s.items) {
      const Json* v = At(answers, items_[i].path);
      out.push_back(v ? *v : Json());
    }
  }
  return out;
}

Json Evaluation::ToJson() const {
  Json j = {{"complete", complete}, {"complete_sections", complete_sections}};
  Json points = Json::object();
  for (const auto& [k, v] : item_points) points[k] = NumberJson(v);
  j["item_points"] = points;
  if (!complete) return j;
  Json scores_json = Json::object();
  for (const auto& [k, v] : scores) scores_json[k] = NumberJson(v);
  j["scores"] = scores_json;
  j["bands"] = bands;
  j["flags"] = flags;
  j["positive_domains"] = positive_domains;
  Json alerts_json = Json::array();
  for (const Alert& a : alerts)
    alerts_json.push_back({{"kind", a.kind}, {"severity", a.severity}, {"reason", a.reason}});
  j["alerts"] = alerts_json;
  j["output"] = output;
  return j;
}

}  // namespace ck::scoring
