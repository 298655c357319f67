// HTTP routes of the clinical background: for each record kind
// GET/POST /api/v1/patients/{patient_id}/<kind> and
// PATCH /api/v1/patients/{patient_id}/<kind>/{record_id}.
#include "http/json.h"
#include "patients/clinical.h"
#include "patients/routes.h"

namespace ck::patients {
namespace {

using http::Json;
using T = FieldSpec::Type;

Result<std::map<std::string, db::Value>> FieldsFromJson(const RecordKind& kind, const Json& body,
                                                        bool allow_version) {
  std::map<std::string, db::Value> out;
  for (const auto& [key, value] : body.items()) {
    if (allow_version && key == "version") continue;
    const FieldSpec* spec = nullptr;
    for (const FieldSpec& f : kind.fields) {
      if (key == f.name) spec = &f;
    }
    if (!spec) return InvalidArgument("unknown field", key);
    if (spec->derived) return InvalidArgument("is computed by casekeeper and cannot be set", key);
    if (value.is_null()) {
      out[key] = db::Value();
      continue;
    }
    if (spec->type == T::kIcd10List) {
      if (!value.is_array()) return InvalidArgument("must be an array of ICD-10-CM codes", key);
      std::string joined;
      for (const Json& code : value) {
        if (!code.is_string()) return InvalidArgument("must be an array of ICD-10-CM codes", key);
        joined += (joined.empty() ? "" : ",") + code.get<std::string>();
      }
      out[key] = joined.empty() ? db::Value() : db::Value(joined);
      continue;
    }
    if (spec->type == T::kInt) {
      if (!value.is_number_integer()) return InvalidArgument("must be an integer", key);
      out[key] = db::Value(value.get<int64_t>());
      continue;
    }
    if (!value.is_string()) return InvalidArgument("must be a string", key);
    if (spec->type == T::kTime) {
      CK_ASSIGN_OR_RETURN(Timestamp t, ParseTimestamp(value.get<std::string>(), key));
      out[key] = db::Value(t);
    } else {
      out[key] = db::Value(value.get<std::string>());
    }
  }
  return out;
}

Json ToJson(const RecordKind& kind, const Record& r) {
  Json j = {{"id", r.id}, {"patient_id", r.patient_id}};
  for (const FieldSpec& f : kind.fields) {
    const db::Value& v = r.fields.at(f.name);
    if (v.is_null()) {
      j[f.name] = f.type == T::kIcd10List ? Json::array() : Json(nullptr);
    } else if (f.type == T::kTime || f.type == T::kInt) {
      j[f.name] = f.type == T::kTime ? Json(FormatTimestamp(v.AsInt())) : Json(v.AsInt());
    } else if (f.type == T::kIcd10List) {
      Json codes = Json::array();
      std::string all = v.AsText();
      for (size_t start = 0; start <= all.size();) {
        size_t comma = all.find(',', start);
        if (comma == std::string::npos) comma = all.size();
        codes.push_back(all.substr(start, comma - start));
        start = comma + 1;
      }
      j[f.name] = codes;
    } else {
      j[f.name] = v.AsText();
    }
  }
  j["version"] = r.version;
  j["created_at"] = FormatTimestamp(r.created_at);
  j["updated_at"] = FormatTimestamp(r.updated_at);
  return j;
}

}  // namespace

void RegisterClinicalRoutes(http::Router& router, ClinicalRecords& records) {
  using P = auth::Permission;
  for (const RecordKind& kind : RecordKinds()) {
    const RecordKind* k = &kind;
    std::string base = std::string("/api/v1/patients/{patient_id}/") + kind.resource;
    router.Add(http::Method::kGet, base,
               {.permission = P::kReadPatient, .patient_param = "patient_id"},
               [&records, k](http::Request& req) -> Result<http::Response> {
                 CK_ASSIGN_OR_RETURN(auto list, records.List(req.Actor(), *req.patient_id, *k));
                 Json items = Json::array();
                 for (const Record& r : list) items.push_back(ToJson(*k, r));
                 return http::JsonResponse(200, {{"items", items}});
               });
    router.Add(http::Method::kPost, base,
               {.permission = P::kWritePatient, .patient_param = "patient_id"},
               [&records, k](http::Request& req) -> Result<http::Response> {
                 CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
                 CK_ASSIGN_OR_RETURN(auto fields, FieldsFromJson(*k, body, false));
                 CK_ASSIGN_OR_RETURN(
                     Record r, records.Create(req.Actor(), *req.patient_id, *k, std::move(fields)));
                 return http::JsonResponse(201, ToJson(*k, r));
               });
    router.Add(http::Method::kPatch, base + "/{record_id}",
               {.permission = P::kWritePatient, .patient_param = "patient_id"},
               [&records, k](http::Request& req) -> Result<http::Response> {
                 CK_ASSIGN_OR_RETURN(int64_t id, req.IdParam("record_id"));
                 CK_ASSIGN_OR_RETURN(Json body, http::ParseJsonObject(req));
                 CK_ASSIGN_OR_RETURN(int version, http::RequiredVersion(body));
                 CK_ASSIGN_OR_RETURN(auto changes, FieldsFromJson(*k, body, true));
                 CK_ASSIGN_OR_RETURN(Record r, records.Update(req.Actor(), *req.patient_id, *k, id,
                                                              changes, version));
                 return http::JsonResponse(200, ToJson(*k, r));
               });
  }
}

}  // namespace ck::patients
