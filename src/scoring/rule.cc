#include "scoring/rule.h"

#include <algorithm>

namespace ck::scoring {
namespace {

bool SameValue(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a == b;
}

}  // namespace

Result<Rule> Rule::Parse(const Json& j, const std::string& where,
                         const std::vector<std::string>& allowed_kinds) {
  if (!j.is_object() || j.empty()) return InvalidArgument("must be a rule object", where);
  Rule r;
  for (auto [key, op] : {std::pair{"all", Op::kAll}, {"any", Op::kAny}}) {
    if (!j.contains(key)) continue;
    if (j.size() != 1 || !j[key].is_array() || j[key].empty())
      return InvalidArgument(std::string(key) + " must be the only key, with a list of rules",
                             where);
    r.op_ = op;
    for (size_t i = 0; i < j[key].size(); ++i) {
      CK_ASSIGN_OR_RETURN(
          Rule child,
          Parse(j[key][i], where + "." + key + "[" + std::to_string(i) + "]", allowed_kinds));
      r.children_.push_back(std::move(child));
    }
    return r;
  }
  if (j.contains("not")) {
    if (j.size() != 1) return InvalidArgument("not must be the only key", where);
    r.op_ = Op::kNot;
    CK_ASSIGN_OR_RETURN(Rule child, Parse(j["not"], where + ".not", allowed_kinds));
    r.children_.push_back(std::move(child));
    return r;
  }
  if (j.size() != 2) return InvalidArgument("must have a reference and one operator", where);
  for (const std::string& kind : allowed_kinds) {
    if (j.contains(kind)) {
      if (!j[kind].is_string() || j[kind].get<std::string>().empty())
        return InvalidArgument(kind + " must name something", where);
      r.kind_ = kind;
      r.name_ = j[kind].get<std::string>();
    }
  }
  if (r.kind_.empty()) return InvalidArgument("needs a reference (item, score or fact)", where);
  static const std::pair<const char*, Op> kOps[] = {{"eq", Op::kEq},
                                                    {"ne", Op::kNe},
                                                    {"gt", Op::kGt},
                                                    {"gte", Op::kGte},
                                                    {"lt", Op::kLt},
                                                    {"lte", Op::kLte},
                                                    {"in", Op::kIn},
                                                    {"contains_any", Op::kContainsAny},
                                                    {"answered", Op::kAnswered}};
  for (const auto& [name, op] : kOps) {
    if (!j.contains(name)) continue;
    r.op_ = op;
    r.operand_ = j[name];
    bool numeric = op == Op::kGt || op == Op::kGte || op == Op::kLt || op == Op::kLte;
    if (numeric && !r.operand_.is_number())
      return InvalidArgument(std::string(name) + " needs a number", where);
    if ((op == Op::kIn || op == Op::kContainsAny) && (!r.operand_.is_array() || r.operand_.empty()))
      return InvalidArgument(std::string(name) + " needs a list of values", where);
    if (op == Op::kAnswered && !r.operand_.is_boolean())
      return InvalidArgument("answered needs true or false", where);
    if ((op == Op::kEq || op == Op::kNe) && !r.operand_.is_primitive())
      return InvalidArgument(std::string(name) + " needs a number, string or boolean", where);
    return r;
  }
  return InvalidArgument("unknown operator", where);
}

bool Rule::Holds(const Lookup& lookup) const {
  switch (op_) {
    case Op::kAll:
      return std::all_of(children_.begin(), children_.end(),
                         [&](const Rule& c) { return c.Holds(lookup); });
    case Op::kAny:
      return std::any_of(children_.begin(), children_.end(),
                         [&](const Rule& c) { return c.Holds(lookup); });
    case Op::kNot:
      return !children_[0].Holds(lookup);
    default:
      break;
  }
  const Json* v = lookup(kind_, name_);
  bool has = v != nullptr && !v->is_null();
  if (op_ == Op::kAnswered) return has == operand_.get<bool>();
  if (!has) return false;
  switch (op_) {
    case Op::kEq:
      return SameValue(*v, operand_);
    case Op::kNe:
      return !SameValue(*v, operand_);
    case Op::kGt:
    case Op::kGte:
    case Op::kLt:
    case Op::kLte: {
      if (!v->is_number()) return false;
      double a = v->get<double>(), b = operand_.get<double>();
      if (op_ == Op::kGt) return a > b;
      if (op_ == Op::kGte) return a >= b;
      if (op_ == Op::kLt) return a < b;
      return a <= b;
    }
    case Op::kIn:
      return std::any_of(operand_.begin(), operand_.end(),
                         [&](const Json& x) { return SameValue(*v, x); });
    case Op::kContainsAny: {
      if (!v->is_array()) return false;
      for (const Json& have : *v)
        for (const Json& want : operand_)
          if (SameValue(have, want)) return true;
      return false;
    }
    default:
      return false;
  }
}

void Rule::References(std::vector<std::pair<std::string, std::string>>& out) const {
  if (!kind_.empty()) out.emplace_back(kind_, name_);
  for (const Rule& c : children_) c.References(out);
}

}  // namespace ck::scoring
