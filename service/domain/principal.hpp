// Who is calling: the organization and its role, and either the person
// signed in (a session) or the API key (a machine client). Pure data, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kakehashi::domain {

enum class Role { kAdmin, kTrainingOrg, kFirm };

inline std::string_view role_name(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kTrainingOrg:
      return "training_org";
    case Role::kFirm:
      return "firm";
  }
  return "unknown";
}

inline std::optional<Role> parse_role(std::string_view s) {
  if (s == "admin") return Role::kAdmin;
  if (s == "training_org") return Role::kTrainingOrg;
  if (s == "firm") return Role::kFirm;
  return std::nullopt;
}

// The role an organization's keys carry.
inline std::optional<Role> role_for_kind(std::string_view kind) {
  if (kind == "programme_office") return Role::kAdmin;
  if (kind == "training_provider") return Role::kTrainingOrg;
  if (kind == "firm") return Role::kFirm;
  return std::nullopt;
}

// A person's role inside their organization. The programme office's people
// are administrators; in other organizations owners manage the people,
// members work, and viewers only read.
enum class PersonRole { kAdmin, kOwner, kMember, kViewer };

inline std::string_view person_role_name(PersonRole r) {
  switch (r) {
    case PersonRole::kAdmin:
      return "admin";
    case PersonRole::kOwner:
      return "owner";
    case PersonRole::kMember:
      return "member";
    case PersonRole::kViewer:
      return "viewer";
  }
  return "unknown";
}

inline std::optional<PersonRole> parse_person_role(std::string_view s) {
  if (s == "admin") return PersonRole::kAdmin;
  if (s == "owner") return PersonRole::kOwner;
  if (s == "member") return PersonRole::kMember;
  if (s == "viewer") return PersonRole::kViewer;
  return std::nullopt;
}

// The person behind a session.
struct Person {
  std::string id;
  std::string name;
  std::string email;
  PersonRole role = PersonRole::kViewer;
};

struct Principal {
  std::string key_id;  // empty for a person
  std::string organization_id;
  Role role = Role::kFirm;
  std::optional<Person> person;  // set for a session, not for an API key
  // What the audit trail calls this caller: the person's name, or the key's label.
  std::string label;
  // The session's CSRF token, for a person signed in by cookie.
  std::string csrf_token;
  std::string session_expires_at;

  // The person's id, or the key's: whose idempotency keys and rate limit.
  const std::string& actor_id() const { return person ? person->id : key_id; }
  bool is_viewer() const { return person && person->role == PersonRole::kViewer; }
  // May this caller manage the people of `org_id` (invite, change roles,
  // remove)? Administrators anywhere, owners in their organization; an
  // administrator's API key too (it creates organizations and keys already).
  bool manages_people_of(std::string_view org_id) const {
    if (is_admin()) return true;
    return person && person->role == PersonRole::kOwner && org_id == organization_id;
  }

  bool is_admin() const { return role == Role::kAdmin; }
  // May this principal see an object owned by `owner_organization_id`?
  bool owns(std::string_view owner_organization_id) const {
    return is_admin() || owner_organization_id == organization_id;
  }
};

}  // namespace kakehashi::domain
