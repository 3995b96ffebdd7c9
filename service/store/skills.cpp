#include "store/skills.hpp"

#include <string>

#include <pqxx/pqxx>

#include "store/sql_util.hpp"

namespace kakehashi::store {
namespace {

// Aliases and relations folded into text: "alias\nalias", "other:0.8,other:0.5".
constexpr const char* kSelectSkills =
    "SELECT s.id, s.name, s.name_ja, s.category, s.version, "
    " coalesce((SELECT string_agg(a.alias, E'\\n' ORDER BY a.alias) FROM skill_aliases a "
    "           WHERE a.skill_id = s.id), '') AS aliases, "
    " coalesce((SELECT string_agg(CASE WHEN r.skill_a = s.id THEN r.skill_b ELSE r.skill_a END "
    "                             || ':' || r.similarity, ',') FROM skill_relations r "
    "           WHERE r.skill_a = s.id OR r.skill_b = s.id), '') AS related "
    "FROM skills s ORDER BY s.id";

constexpr const char* kInsertSkill =
    "INSERT INTO skills (name, category, name_ja) VALUES ($1, $2, $3) RETURNING id";
constexpr const char* kUpdateSkill =
    "UPDATE skills SET name = $2, category = $3, name_ja = $5, version = version + 1, "
    " updated_at = now() WHERE id = $1 AND ($4::bigint IS NULL OR version = $4) RETURNING id";
constexpr const char* kDeleteAliases = "DELETE FROM skill_aliases WHERE skill_id = $1";
constexpr const char* kDeleteRelations =
    "DELETE FROM skill_relations WHERE skill_a = $1 OR skill_b = $1";
// lower() as the table's check has it (Unicode letters too; the service
// folds ASCII and full-width forms).
constexpr const char* kInsertAlias =
    "INSERT INTO skill_aliases (alias, skill_id) VALUES (lower($1), $2)";
constexpr const char* kUpsertRelation =
    "INSERT INTO skill_relations (skill_a, skill_b, similarity) VALUES "
    "(least($1::int, $2::int), greatest($1::int, $2::int), $3) "
    "ON CONFLICT (skill_a, skill_b) DO UPDATE SET similarity = excluded.similarity";
// Names and aliases share one namespace, which no single index covers.
constexpr const char* kNameOfAnother =
    "SELECT id FROM skills WHERE (lower(name) = $1 OR lower(name_ja) = $1) AND id <> $2";
constexpr const char* kJapaneseNameOfAnother =
    "SELECT id FROM skills WHERE (lower(name_ja) = lower($1) OR lower(name) = lower($1)) "
    " AND id <> $2";
constexpr const char* kAliasOfAnother =
    "SELECT skill_id FROM skill_aliases WHERE alias = lower($1) AND skill_id <> $2";

SkillRow skill_from(const pqxx::row& r) {
  SkillRow s;
  s.id = r["id"].as<int>();
  s.name = r["name"].as<std::string>();
  s.category = r["category"].as<std::string>();
  s.name_ja = opt<std::string>(r["name_ja"]);
  s.version = r["version"].as<std::int64_t>();
  s.aliases = split(r["aliases"].as<std::string>(), '\n');
  for (const auto& item : split(r["related"].as<std::string>(), ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) continue;
    s.related.emplace_back(std::stoi(item.substr(0, colon)), std::stod(item.substr(colon + 1)));
  }
  return s;
}

// Writes the skill's own row and clears what the rest of save_skill writes
// again. Returns nullopt on a stale version. The unique indexes these
// statements can violate are skills_name_key (the name is taken) and, in a
// race with another writer, skills_name_ja_key.
std::optional<int> write_skill_row(pqxx::transaction_base& tx, std::optional<int> id,
                                   std::optional<std::int64_t> expected_version,
                                   const SkillRow& s) {
  // Japanese names share the namespace of names and aliases.
  if (s.name_ja && (!exec_params(tx, kJapaneseNameOfAnother, *s.name_ja, id.value_or(0)).empty() ||
                    !exec_params(tx, kAliasOfAnother, *s.name_ja, id.value_or(0)).empty())) {
    throw Conflict{"the Japanese name already names another skill", "/name_ja"};
  }
  try {
    if (!id) return exec_params1(tx, kInsertSkill, s.name, s.category, s.name_ja)["id"].as<int>();
    if (exec_params(tx, kUpdateSkill, *id, s.name, s.category, expected_version, s.name_ja)
            .empty()) {
      return std::nullopt;
    }
  } catch (const pqxx::unique_violation&) {
    // skills_name_key, or skills_name_ja_key when another writer took the
    // Japanese name after the check above.
    throw Conflict{"a skill with this name exists", "/name"};
  }
  exec_params(tx, kDeleteAliases, *id);
  exec_params(tx, kDeleteRelations, *id);
  return id;
}

// A unique violation on kInsertAlias can only be the alias's primary key:
// another skill has it (this skill's own were deleted first).
void write_aliases(pqxx::transaction_base& tx, int id, const std::vector<std::string>& aliases) {
  for (const auto& alias : aliases) {
    if (!exec_params(tx, kNameOfAnother, alias, id).empty()) {
      throw Conflict{"alias '" + alias + "' is another skill's name", "/aliases"};
    }
    try {
      exec_params(tx, kInsertAlias, alias, id);
    } catch (const pqxx::unique_violation&) {
      throw Conflict{"alias '" + alias + "' is already taken", "/aliases"};
    }
  }
}

}  // namespace

std::vector<SkillRow> load_skills(Tx& t) {
  std::vector<SkillRow> out;
  for (const auto& r : exec(t.sql(), kSelectSkills)) out.push_back(skill_from(r));
  return out;
}

std::optional<int> save_skill(Tx& t, std::optional<int> id,
                              std::optional<std::int64_t> expected_version, const SkillRow& s) {
  auto& tx = t.sql();
  id = write_skill_row(tx, id, expected_version, s);
  if (!id) return std::nullopt;
  write_aliases(tx, *id, s.aliases);
  for (const auto& [other, similarity] : s.related) {
    exec_params(tx, kUpsertRelation, *id, other, similarity);
  }
  if (!exec_params(tx, kAliasOfAnother, s.name, *id).empty()) {
    throw Conflict{"the name is another skill's alias", "/name"};
  }
  if (!exec_params(tx, kJapaneseNameOfAnother, s.name, *id).empty()) {
    throw Conflict{"the name is another skill's Japanese name", "/name"};
  }
  t.taxonomy_changed();
  return id;
}

}  // namespace kakehashi::store
