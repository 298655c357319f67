#include "audit/trail.h"

#include "auth/crypto.h"

namespace ck::audit {
namespace {

void Put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '|';
}

std::string OptString(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : std::string();
}

constexpr const char* kSelectColumns =
    "SELECT id, at, user_id, username, role, action, entity_type, entity_id, patient_id, "
    "outcome, request_id, detail, prev_hash, hash FROM audit_log";

Record FromRow(const db::Row& r) {
  Record rec;
  rec.id = r.Int(0);
  rec.at = r.Int(1);
  rec.user_id = r.OptInt(2);
  rec.username = r.Text(3);
  rec.role = r.Text(4);
  rec.action = r.Text(5);
  rec.entity_type = r.Text(6);
  rec.entity_id = r.Text(7);
  rec.patient_id = r.OptInt(8);
  rec.outcome = r.Text(9);
  rec.request_id = r.Text(10);
  rec.detail = r.Text(11);
  rec.prev_hash = r.Text(12);
  rec.hash = r.Text(13);
  return rec;
}

}  // namespace

std::string HashOf(int64_t id, const Event& e, const std::string& prev_hash) {
  std::string buf;
  buf.reserve(256);
  Put(buf, std::to_string(id));
  Put(buf, std::to_string(e.at));
  Put(buf, OptString(e.user_id));
  Put(buf, e.username);
  Put(buf, e.role);
  Put(buf, e.action);
  Put(buf, e.entity_type);
  Put(buf, e.entity_id);
  Put(buf, OptString(e.patient_id));
  Put(buf, e.outcome);
  Put(buf, e.request_id);
  Put(buf, e.detail);
  Put(buf, prev_hash);
  return auth::Sha256Hex(buf);
}

Event EventBy(const auth::Actor& actor, Timestamp at, std::string action, std::string entity_type,
              std::string entity_id, std::optional<int64_t> patient_id, std::string detail) {
  Event e;
  e.at = at;
  e.user_id = actor.user_id;
  e.username = actor.username;
  e.role = actor.role;
  e.action = std::move(action);
  e.entity_type = std::move(entity_type);
  e.entity_id = std::move(entity_id);
  e.patient_id = patient_id;
  e.outcome = "success";
  e.request_id = actor.request_id;
  if (!actor.access.empty())
    detail = "access=" + actor.access + (detail.empty() ? "" : "; " + detail);
  e.detail = std::move(detail);
  return e;
}

Status Append(db::Connection& conn, const Event& event) {
  // Claiming the next id updates the head row first, which also locks it until
  // commit on backends with row locks: concurrent appenders queue here.
  CK_ASSIGN_OR_RETURN(auto head, conn.Query("UPDATE audit_chain_head SET last_id = last_id + 1 "
                                            "WHERE singleton = 1 RETURNING last_id, last_hash"));
  if (head.empty()) return DataLoss("audit chain head is missing");
  int64_t id = head.at(0).Int(0);
  std::string prev = head.at(0).Text(1);
  std::string hash = HashOf(id, event, prev);
  auto ins = conn.Exec(
      "INSERT INTO audit_log (id, at, user_id, username, role, action, entity_type, entity_id, "
      "patient_id, outcome, request_id, detail, prev_hash, hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {id, event.at, event.user_id, event.username, event.role, event.action, event.entity_type,
       event.entity_id, event.patient_id, event.outcome, event.request_id, event.detail, prev,
       hash});
  if (!ins.ok()) return ins.status();
  return conn.Exec("UPDATE audit_chain_head SET last_hash = ? WHERE singleton = 1", {hash})
      .status();
}

Status AppendAll(db::Connection& conn, const std::vector<Event>& events) {
  if (events.empty()) return Status::Ok();
  if (events.size() == 1) return Append(conn, events[0]);
  const int64_t n = static_cast<int64_t>(events.size());
  CK_ASSIGN_OR_RETURN(auto head, conn.Query("UPDATE audit_chain_head SET last_id = last_id + ? "
                                            "WHERE singleton = 1 RETURNING last_id, last_hash",
                                            {n}));
  if (head.empty()) return DataLoss("audit chain head is missing");
  int64_t id = head.at(0).Int(0) - n + 1;
  std::string prev = head.at(0).Text(1);
  std::string sql =
      "INSERT INTO audit_log (id, at, user_id, username, role, action, entity_type, entity_id, "
      "patient_id, outcome, request_id, detail, prev_hash, hash) VALUES ";
  db::Params params;
  params.reserve(events.size() * 14);
  for (const Event& e : events) {
    std::string hash = HashOf(id, e, prev);
    sql += id == head.at(0).Int(0) - n + 1 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                           : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    params.insert(params.end(),
                  {id, e.at, e.user_id, e.username, e.role, e.action, e.entity_type, e.entity_id,
                   e.patient_id, e.outcome, e.request_id, e.detail, prev, hash});
    prev = std::move(hash);
    ++id;
  }
  CK_RETURN_IF_ERROR(conn.Exec(sql, params).status());
  return conn.Exec("UPDATE audit_chain_head SET last_hash = ? WHERE singleton = 1", {prev})
      .status();
}

Status AppendNow(db::Database& db, const Event& event) {
  return db.Write([&](db::Connection& c) { return Append(c, event); });
}

Result<VerifyReport> Verify(db::Database& db) {
  VerifyReport report;
  Status st = db.Read([&](db::Connection& c) -> Status {
    int64_t expected_id = 1;
    std::string prev;
    auto broken = [&](int64_t id, std::string problem) {
      if (!report.intact) return;
      report.intact = false;
      report.first_broken_id = id;
      report.problem = std::move(problem);
    };
    CK_RETURN_IF_ERROR(c.ForEachRow(
        std::string(kSelectColumns) + " ORDER BY id", {}, [&](const db::Row& row) -> Status {
          Record r = FromRow(row);
          ++report.records;
          if (r.id != expected_id) {
            broken(r.id, "records " + std::to_string(expected_id) + " to " +
                             std::to_string(r.id - 1) + " are missing");
          } else if (r.prev_hash != prev) {
            broken(r.id, "prev_hash does not match the record before it");
          } else if (HashOf(r.id, r, r.prev_hash) != r.hash) {
            broken(r.id, "contents do not match the record's hash (edited)");
          }
          expected_id = r.id + 1;
          prev = r.hash;
          return Status::Ok();
        }));
    CK_ASSIGN_OR_RETURN(
        auto head, c.Query("SELECT last_id, last_hash FROM audit_chain_head WHERE singleton = 1"));
    if (head.empty()) {
      broken(expected_id, "the audit chain head is missing");
    } else if (head.at(0).Int(0) != expected_id - 1 || head.at(0).Text(1) != prev) {
      int64_t last = head.at(0).Int(0);
      if (last >= expected_id) {
        broken(expected_id, "records " + std::to_string(expected_id) + " to " +
                                std::to_string(last) + " at the end of the chain are missing");
      } else {
        broken(last + 1, "the chain head does not match the newest record");
      }
    }
    report.head_hash = prev;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return report;
}

Result<std::vector<Record>> List(db::Connection& conn, const Query& q) {
  std::string sql = std::string(kSelectColumns) + " WHERE id > ?";
  db::Params params{q.after_id};
  if (q.patient_id) {
    sql += " AND patient_id = ?";
    params.emplace_back(*q.patient_id);
  }
  if (q.user_id) {
    sql += " AND user_id = ?";
    params.emplace_back(*q.user_id);
  }
  if (q.from) {
    sql += " AND at >= ?";
    params.emplace_back(*q.from);
  }
  if (q.to) {
    sql += " AND at < ?";
    params.emplace_back(*q.to);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(std::clamp(q.limit, 1, 1000)));
  std::vector<Record> out;
  CK_RETURN_IF_ERROR(conn.ForEachRow(sql, params, [&](const db::Row& r) {
    out.push_back(FromRow(r));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ck::audit
