#include "risk/stratify.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "audit/trail.h"
#include "events/outbox.h"

namespace ck::risk {
namespace {

// "1950-02-03" → completed years on `today` without a date library round trip.
std::optional<int> AgeOn(const std::string& birth, int y, int m, int d) {
  if (birth.size() != 10) return std::nullopt;
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (birth[i] - '0');
    return v;
  };
  int by = num(0, 4), bm = num(5, 2), bd = num(8, 2);
  int age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
  return age < 0 ? std::nullopt : std::optional<int>(age);
}

struct Today {
  int y, m, d;
  explicit Today(Timestamp now) {
    Date t = DateOf(now);
    y = static_cast<int>(t.year());
    m = static_cast<int>(static_cast<unsigned>(t.month()));
    d = static_cast<int>(static_cast<unsigned>(t.day()));
  }
};

LatestAssessment AssessmentFrom(const db::Row& r, size_t first) {
  LatestAssessment a;
  a.completed_at = r.Int(first);
  a.score = r.IsNull(first + 1) ? 0 : r.Real(first + 1);
  a.band = r.IsNull(first + 2) ? "" : r.Text(first + 2);
  a.flags = r.IsNull(first + 3) ? "" : r.Text(first + 3);
  a.positive_domains = r.IsNull(first + 4) ? "" : r.Text(first + 4);
  return a;
}

std::optional<LatestAssessment>* SlotFor(PatientFacts& f, const std::string& instrument) {
  if (instrument == "phq9") return &f.phq9;
  if (instrument == "gad7") return &f.gad7;
  if (instrument == "ahc-hrsn") return &f.ahc;
  if (instrument == "morse") return &f.morse;
  return nullptr;
}

// The instruments whose latest result is a fact (SlotFor has a place for them).
bool IsTracked(const std::string& instrument) {
  return instrument == "phq9" || instrument == "gad7" || instrument == "ahc-hrsn" ||
         instrument == "morse";
}

void KeepLatest(std::optional<LatestAssessment>& slot, LatestAssessment a) {
  if (!slot || a.completed_at >= slot->completed_at) slot = std::move(a);
}

// On a patient's first stratification, tiers up to this one raise risk.tier_changed.
constexpr int kFirstRunEventTier = 2;

constexpr const char* kConditionsSql =
    "SELECT patient_id, code FROM conditions WHERE status <> 'entered_in_error' AND code_system = "
    "'icd10cm'";
constexpr const char* kEncountersSql =
    "SELECT patient_id, encounter_class, admitted_at, discharged_at, admission_type, diagnoses, id "
    "FROM encounters WHERE status NOT IN ('cancelled', 'entered_in_error')";
constexpr const char* kAssessmentsSql =
    "SELECT patient_id, instrument_id, completed_at, score, band, flags, positive_domains "
    "FROM assessments WHERE status = 'completed' AND completed_at >= ?";
constexpr const char* kHospitalSql =
    "SELECT patient_id, score, computed_at FROM risk_scores WHERE kind = 'hospital' AND "
    "computed_at >= ?";
constexpr const char* kCrisisSql =
    "SELECT patient_id, COUNT(*) FROM alerts WHERE status <> 'resolved' AND severity = 'crisis' "
    "GROUP BY patient_id";

// Feeds one encounter row (columns 1..6 of kEncountersSql) into `f`.
void AddEncounter(PatientFacts& f, const db::Row& r, Timestamp now, Timestamp window_start) {
  const std::string& klass = r.Text(1);
  if (klass == "emergency") {
    f.ed_visits.push_back(r.Int(2));
    return;
  }
  if (klass != "inpatient" || r.IsNull(3)) return;
  Timestamp discharged = r.Int(3);
  if (discharged > now || discharged < window_start) return;
  if (f.last_stay && f.last_stay->discharged_at >= discharged) return;
  f.last_stay = Stay{r.Int(6), r.Int(2), discharged, r.IsNull(4) ? "" : r.Text(4),
                     r.IsNull(5) ? "" : r.Text(5)};
}

}  // namespace

Result<std::optional<int>> PatientAge(db::Connection& c, int64_t patient_id, Timestamp now) {
  Today today(now);
  CK_ASSIGN_OR_RETURN(auto p,
                      c.Query("SELECT birth_date FROM patients WHERE id = ?", {patient_id}));
  if (p.empty()) return NotFound("no such patient");
  if (p.at(0).IsNull(0)) return std::optional<int>();
  return AgeOn(p.at(0).Text(0), today.y, today.m, today.d);
}

Result<PatientFacts> FactsForPatient(db::Connection& c, int64_t patient_id, Timestamp now,
                                     const TierRules& rules) {
  PatientFacts f;
  CK_ASSIGN_OR_RETURN(f.age, PatientAge(c, patient_id, now));
  db::Params one{patient_id};
  CK_RETURN_IF_ERROR(
      c.ForEachRow(std::string(kConditionsSql) + " AND patient_id = ?", one, [&](const db::Row& r) {
        f.conditions |= ConditionsOfStoredCode(r.Text(1));
        return Status::Ok();
      }));
  Timestamp window = now - rules.lookback_days() * kMillisPerDay;
  CK_RETURN_IF_ERROR(
      c.ForEachRow(std::string(kEncountersSql) + " AND patient_id = ?", one, [&](const db::Row& r) {
        AddEncounter(f, r, now, window);
        return Status::Ok();
      }));
  Timestamp max_age = now - rules.assessment_max_age_days() * kMillisPerDay;
  CK_RETURN_IF_ERROR(c.ForEachRow(std::string(kAssessmentsSql) + " AND patient_id = ?",
                                  {max_age, patient_id}, [&](const db::Row& r) {
                                    if (auto* slot = SlotFor(f, r.Text(1)))
                                      KeepLatest(*slot, AssessmentFrom(r, 2));
                                    return Status::Ok();
                                  }));
  CK_RETURN_IF_ERROR(c.ForEachRow(std::string(kHospitalSql) + " AND patient_id = ?",
                                  {window, patient_id}, [&](const db::Row& r) {
                                    if (!f.hospital || r.Int(2) >= f.hospital->second)
                                      f.hospital = {static_cast<int>(r.Int(1)), r.Int(2)};
                                    return Status::Ok();
                                  }));
  CK_ASSIGN_OR_RETURN(auto crisis,
                      c.Query("SELECT COUNT(*) FROM alerts WHERE status <> 'resolved' AND "
                              "severity = 'crisis' AND patient_id = ?",
                              one));
  f.open_crisis_alerts = static_cast<int>(crisis.at(0).Int(0));
  return f;
}

namespace {

// A dotted code of up to 8 bytes packed into an integer, for a cheap cache key.
std::optional<uint64_t> PackCode(const std::string& code) {
  if (code.size() > 8) return std::nullopt;
  uint64_t v = 0;
  for (char c : code) v = (v << 8) | static_cast<unsigned char>(c);
  return v | (static_cast<uint64_t>(code.size()) << 60);
}

uint64_t HashOf(int tier, std::string_view reasons, std::string_view scores) {
  std::hash<std::string_view> h;
  return h(reasons) * 31 + h(scores) * 7 + static_cast<uint64_t>(tier);
}

}  // namespace

Result<RunSummary> Stratify(db::Database& db, const Clock& clock, const TierRules& rules,
                            const StratifyOptions& options) {
  static std::mutex one_run;
  std::unique_lock<std::mutex> running(one_run, std::try_to_lock);
  if (!running.owns_lock()) return FailedPrecondition("a stratification run is in progress");
  RunSummary summary;
  summary.started_at = clock.Now();
  const Timestamp now = summary.started_at;
  const Timestamp window = now - rules.lookback_days() * kMillisPerDay;
  const Timestamp max_age = now - rules.assessment_max_age_days() * kMillisPerDay;
  std::mutex progress_mu;
  auto progress = [&](const char* phase, int64_t done, int64_t total) {
    std::lock_guard<std::mutex> lock(progress_mu);
    if (options.progress) options.progress(phase, done, total);
  };
  Today today(now);

  // Dense per-patient columns for what every patient has; the rest (stays,
  // assessments, alerts) is sparse.
  std::vector<int64_t> ids;   // index → patient id
  std::vector<int16_t> ages;  // -1: unknown
  std::vector<scoring::ConditionSet> conditions;
  std::vector<int32_t> index_of;                // patient id → index (dense ids)
  std::unordered_map<int64_t, int32_t> sparse;  // when ids are not dense
  std::unordered_map<int32_t, PatientFacts> extra;
  std::vector<std::pair<int32_t, Timestamp>> ed_visits;
  struct Previous {
    int tier;
    Timestamp tier_since;
    uint64_t hash;
  };
  std::unordered_map<int32_t, Previous> previous;

  auto find = [&](int64_t id) -> int32_t {
    if (!index_of.empty())
      return id >= 0 && id < static_cast<int64_t>(index_of.size())
                 ? index_of[static_cast<size_t>(id)]
                 : -1;
    const auto& lookup = sparse;  // read concurrently by both scans
    auto it = lookup.find(id);
    return it == lookup.end() ? -1 : it->second;
  };

  CK_RETURN_IF_ERROR(db.Scan([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(auto n, c.Query("SELECT COUNT(*), MAX(id) FROM patients WHERE "
                                        "merged_into_id IS NULL"));
    int64_t count = n.at(0).Int(0), max_id = n.at(0).IsNull(1) ? 0 : n.at(0).Int(1);
    ids.reserve(static_cast<size_t>(count));
    ages.reserve(static_cast<size_t>(count));
    conditions.reserve(static_cast<size_t>(count));
    bool dense = max_id < 4 * count + 1000000;
    if (dense) index_of.assign(static_cast<size_t>(max_id + 1), -1);
    progress("patients", 0, count);
    CK_RETURN_IF_ERROR(
        c.ForEachRow("SELECT id, birth_date FROM patients WHERE merged_into_id IS NULL", {},
                     [&](const db::Row& r) {
                       int64_t id = r.Int(0);
                       auto idx = static_cast<int32_t>(ids.size());
                       if (dense && id >= 0 && id <= max_id)
                         index_of[static_cast<size_t>(id)] = idx;
                       else
                         sparse[id] = idx;
                       ids.push_back(id);
                       std::optional<int> age;
                       if (!r.IsNull(1)) age = AgeOn(r.Text(1), today.y, today.m, today.d);
                       ages.push_back(static_cast<int16_t>(age ? std::min(*age, 200) : -1));
                       conditions.push_back(0);
                       if (ids.size() % 100000 == 0)
                         progress("patients", static_cast<int64_t>(ids.size()), count);
                       return Status::Ok();
                     }));
    if (!dense) index_of.clear();
    progress("patients", count, count);
    return Status::Ok();
  }));

  // Conditions (the largest table) stream on a second thread while this one
  // reads the rest; each scan is one snapshot of its own, and a patient added
  // after the patient scan is simply left for the next run.
  Status conditions_status;
  std::thread conditions_scan([&] {
    conditions_status = db.Scan([&](db::Connection& c) -> Status {
      // Distinct codes are few; remember each one's conditions.
      std::unordered_map<uint64_t, scoring::ConditionSet> by_code;
      int64_t seen = 0;
      CK_RETURN_IF_ERROR(c.ForEachRow(kConditionsSql, {}, [&](const db::Row& r) {
        if (++seen % 500000 == 0) progress("conditions", seen, 0);
        int32_t i = find(r.Int(0));
        if (i < 0) return Status::Ok();
        const std::string& code = r.Text(1);
        scoring::ConditionSet set;
        if (auto key = PackCode(code)) {
          auto it = by_code.find(*key);
          if (it == by_code.end()) it = by_code.emplace(*key, ConditionsOfStoredCode(code)).first;
          set = it->second;
        } else {
          set = ConditionsOfStoredCode(code);
        }
        conditions[static_cast<size_t>(i)] |= set;
        return Status::Ok();
      }));
      return Status::Ok();
    });
  });
  Status rest = db.Scan([&](db::Connection& c) -> Status {
    int64_t seen = 0;
    CK_RETURN_IF_ERROR(c.ForEachRow(kEncountersSql, {}, [&](const db::Row& r) {
      if (++seen % 500000 == 0) progress("encounters", seen, 0);
      int32_t i = find(r.Int(0));
      if (i < 0) return Status::Ok();
      const std::string& klass = r.Text(1);
      if (klass == "emergency") {
        ed_visits.emplace_back(i, r.Int(2));
      } else if (klass == "inpatient" && !r.IsNull(3) && r.Int(3) <= now && r.Int(3) >= window) {
        AddEncounter(extra[i], r, now, window);
      }
      return Status::Ok();
    }));
    for (const auto& [i, at] : ed_visits) {
      auto it = extra.find(i);
      if (it != extra.end() && it->second.last_stay) it->second.ed_visits.push_back(at);
    }
    ed_visits = {};
    progress("assessments", 0, 0);
    CK_RETURN_IF_ERROR(c.ForEachRow(kAssessmentsSql, {max_age}, [&](const db::Row& r) {
      int32_t i = find(r.Int(0));
      if (i < 0) return Status::Ok();
      if (!IsTracked(r.Text(1))) return Status::Ok();
      KeepLatest(*SlotFor(extra[i], r.Text(1)), AssessmentFrom(r, 2));
      return Status::Ok();
    }));
    CK_RETURN_IF_ERROR(c.ForEachRow(kHospitalSql, {window}, [&](const db::Row& r) {
      int32_t i = find(r.Int(0));
      if (i < 0) return Status::Ok();
      auto& h = extra[i].hospital;
      if (!h || r.Int(2) >= h->second) h = {static_cast<int>(r.Int(1)), r.Int(2)};
      return Status::Ok();
    }));
    CK_RETURN_IF_ERROR(c.ForEachRow(kCrisisSql, {}, [&](const db::Row& r) {
      int32_t i = find(r.Int(0));
      if (i >= 0) extra[i].open_crisis_alerts = static_cast<int>(r.Int(1));
      return Status::Ok();
    }));
    return c.ForEachRow("SELECT patient_id, tier, reasons, scores, tier_since FROM patient_risk",
                        {}, [&](const db::Row& r) {
                          int32_t i = find(r.Int(0));
                          if (i >= 0) {
                            int tier = static_cast<int>(r.Int(1));
                            previous[i] = {tier, r.Int(4), HashOf(tier, r.Text(2), r.Text(3))};
                          }
                          return Status::Ok();
                        });
  });
  conditions_scan.join();
  CK_RETURN_IF_ERROR(conditions_status);
  CK_RETURN_IF_ERROR(rest);

  // Score every patient. Patients with nothing but an age and comorbidities
  // (most of a population) share results by (age, conditions).
  struct Outcome {
    int tier;
    std::string reasons, scores;
    uint64_t hash;
  };
  std::unordered_map<uint64_t, Outcome> simple;
  struct Change {
    int32_t index;
    int tier;
    std::string reasons, scores;
  };
  std::vector<Change> changes;
  const int64_t total = static_cast<int64_t>(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i % 100000 == 0) progress("scoring", static_cast<int64_t>(i), total);
    auto more = extra.find(static_cast<int32_t>(i));
    const Outcome* out = nullptr;
    Outcome computed;
    auto compute = [&](const PatientFacts& f) {
      Json facts_json = f.ToFacts();
      TierResult t = rules.Evaluate(facts_json);
      std::string reasons = Json(t.reasons).dump(), scores = facts_json.dump();
      uint64_t hash = HashOf(t.tier, reasons, scores);
      return Outcome{t.tier, std::move(reasons), std::move(scores), hash};
    };
    if (more == extra.end()) {
      uint64_t key = (static_cast<uint64_t>(ages[i] + 1) << 32) | conditions[i];
      auto it = simple.find(key);
      if (it == simple.end()) {
        PatientFacts f;
        if (ages[i] >= 0) f.age = ages[i];
        f.conditions = conditions[i];
        it = simple.emplace(key, compute(f)).first;
      }
      out = &it->second;
    } else {
      PatientFacts& f = more->second;
      if (ages[i] >= 0) f.age = ages[i];
      f.conditions = conditions[i];
      computed = compute(f);
      out = &computed;
    }
    summary.tier_counts[static_cast<size_t>(out->tier)]++;
    auto prev = previous.find(static_cast<int32_t>(i));
    if (prev != previous.end() && prev->second.hash == out->hash) continue;
    changes.push_back({static_cast<int32_t>(i), out->tier, out->reasons, out->scores});
  }
  extra.clear();
  summary.patients = total;
  summary.changed = static_cast<int64_t>(changes.size());
  progress("scoring", total, total);
  // Write changed rows in short transactions so the server keeps writing too.
  const size_t batch = static_cast<size_t>(std::max(1, options.write_batch));
  constexpr size_t kRowsPerStatement = 100;
  for (size_t start = 0; start < changes.size(); start += batch) {
    size_t end = std::min(changes.size(), start + batch);
    CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
      for (size_t s = start; s < end; s += kRowsPerStatement) {
        size_t e = std::min(end, s + kRowsPerStatement);
        std::string sql =
            "INSERT INTO patient_risk (patient_id, tier, reasons, scores, computed_at, tier_since, "
            "previous_tier, rules_version) VALUES ";
        db::Params params;
        params.reserve((e - s) * 8);
        for (size_t k = s; k < e; ++k) {
          const Change& ch = changes[k];
          auto prev = previous.find(ch.index);
          std::optional<int64_t> previous_tier;
          Timestamp since = now;
          if (prev != previous.end()) {
            previous_tier = prev->second.tier;
            if (prev->second.tier == ch.tier) since = prev->second.tier_since;
          }
          sql += k == s ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)";
          params.emplace_back(ids[static_cast<size_t>(ch.index)]);
          params.emplace_back(ch.tier);
          params.emplace_back(ch.reasons);
          params.emplace_back(ch.scores);
          params.emplace_back(now);
          params.emplace_back(since);
          params.emplace_back(previous_tier);
          params.emplace_back(rules.version());
        }
        sql +=
            " ON CONFLICT (patient_id) DO UPDATE SET tier = excluded.tier, reasons = "
            "excluded.reasons, scores = excluded.scores, computed_at = excluded.computed_at, "
            "tier_since = excluded.tier_since, previous_tier = excluded.previous_tier, "
            "rules_version = excluded.rules_version";
        CK_RETURN_IF_ERROR(c.Exec(sql, params).status());
      }
      // Patients who became riskier (a lower tier number), for programs to act
      // on; a first stratification raises them only for tiers 1 and 2.
      for (size_t k = start; k < end; ++k) {
        const Change& ch = changes[k];
        auto prev = previous.find(ch.index);
        std::optional<int> before;
        if (prev != previous.end()) before = prev->second.tier;
        bool riskier = before ? ch.tier < *before : ch.tier <= kFirstRunEventTier;
        if (!riskier) continue;
        nlohmann::json payload = {{"tier", ch.tier}};
        if (before) payload["previous_tier"] = *before;
        CK_RETURN_IF_ERROR(events::Raise(c,
                                         {.kind = "risk.tier_changed",
                                          .patient_id = ids[static_cast<size_t>(ch.index)],
                                          .entity_type = "patient_risk",
                                          .entity_id = ids[static_cast<size_t>(ch.index)],
                                          .payload = payload.dump()},
                                         now));
      }
      return Status::Ok();
    }));
    progress("writing", static_cast<int64_t>(end), static_cast<int64_t>(changes.size()));
  }

  CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) {
    return c
        .Exec(
            "DELETE FROM patient_risk WHERE patient_id IN (SELECT id FROM patients WHERE "
            "merged_into_id IS NOT NULL)")
        .status();
  }));
  summary.finished_at = clock.Now();
  Json counts = {{"1", summary.tier_counts[1]},
                 {"2", summary.tier_counts[2]},
                 {"3", summary.tier_counts[3]},
                 {"4", summary.tier_counts[4]}};
  CK_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
    CK_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO stratification_runs (trigger_kind, rules_version, started_at, "
                "finished_at, patients, changed, tier_counts) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                {options.trigger, rules.version(), summary.started_at, summary.finished_at,
                 summary.patients, summary.changed, counts.dump()}));
    summary.run_id = rows.at(0).Int(0);
    auth::Actor system;
    system.request_id = options.trigger;
    return audit::Append(
        c, audit::EventBy(system, summary.finished_at, "risk.stratify", "stratification_run",
                          std::to_string(summary.run_id), std::nullopt,
                          std::to_string(summary.patients) + " patients, " +
                              std::to_string(summary.changed) + " changed"));
  }));
  return summary;
}

}  // namespace ck::risk
