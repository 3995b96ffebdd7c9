#include "http/problem.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "support/paths.hpp"

namespace kakehashi::http {
namespace {

TEST(Problem, RendersRfc9457WithEveryFieldError) {
  Problem p{.status = 422, .detail = "invalid trainee"};
  p.errors = {
      {"/skills/2/level", FieldCode::kOutOfRange, "must be 1 to 5", {{"min", 1LL}, {"max", 5LL}}},
      {"/email", FieldCode::kRequired, "is required"},
      {"/japanese",
       FieldCode::kInvalidChoice,
       "must be one of: N2, N1",
       {{"allowed", std::vector<std::string>{"N2", "N1"}}},
       7}};
  auto r = problem_response(p, "/v1/trainees", "req-1");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["type"], "https://kakehashi.example/problems/validation");
  EXPECT_EQ(body["title"], "Unprocessable Content");
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["instance"], "/v1/trainees");
  EXPECT_EQ(body["request_id"], "req-1");
  ASSERT_EQ(body["errors"].size(), 3U);
  EXPECT_EQ(body["errors"][0]["pointer"], "/skills/2/level");
  EXPECT_EQ(body["errors"][0]["code"], "out_of_range");
  EXPECT_EQ(body["errors"][0]["params"], nlohmann::json({{"min", 1}, {"max", 5}}));
  EXPECT_EQ(body["errors"][1]["detail"], "is required");
  EXPECT_EQ(body["errors"][1]["code"], "required");
  EXPECT_FALSE(body["errors"][1].contains("params"));
  EXPECT_EQ(body["errors"][2]["params"]["allowed"], nlohmann::json({"N2", "N1"}));
  EXPECT_EQ(body["errors"][2]["line"], 7);
}

TEST(Problem, ANamedKindOverridesTheStatusDefault) {
  Problem p{.status = 409, .type = ProblemType::kSeatsFilled};
  auto body = nlohmann::json::parse(problem_response(p, "/x", "r").body);
  EXPECT_EQ(body["type"], "https://kakehashi.example/problems/seats-filled");
  p.type.reset();
  body = nlohmann::json::parse(problem_response(p, "/x", "r").body);
  EXPECT_EQ(body["type"], "https://kakehashi.example/problems/conflict");
}

TEST(Problem, EveryStatusTheServiceAnswersHasAKindOtherThanBlank) {
  for (int status :
       {400, 401, 403, 404, 405, 408, 409, 412, 413, 415, 422, 428, 429, 431, 500, 501, 503}) {
    const auto body = nlohmann::json::parse(problem_response({.status = status}, "", "").body);
    EXPECT_TRUE(body["type"].get<std::string>().starts_with("https://kakehashi.example/problems/"))
        << status;
  }
  EXPECT_EQ(default_problem_type(404), ProblemType::kNotFound);
  EXPECT_EQ(default_problem_type(422), ProblemType::kValidation);
  EXPECT_EQ(default_problem_type(500), ProblemType::kInternal);
  EXPECT_EQ(default_problem_type(502), ProblemType::kInternal);
}

TEST(Problem, KindsAndCodesHaveDistinctNames) {
  std::set<std::string_view> slugs;
  for (auto t : problem_types()) EXPECT_TRUE(slugs.insert(problem_type_slug(t)).second);
  EXPECT_EQ(slugs.size(), problem_types().size());
  std::set<std::string_view> codes;
  for (auto c : field_codes()) EXPECT_TRUE(codes.insert(field_code_name(c)).second);
  for (auto name : {"required", "too_long", "unknown_skill", "stale", "out_of_range",
                    "invalid_format", "invalid_choice"}) {
    EXPECT_TRUE(codes.count(name)) << name;
  }
}

// The spec lists every kind and every code with its meaning; a kind or a
// code added here without documentation fails.
TEST(Problem, TheSpecDocumentsEveryKindAndCode) {
  const auto path = testing::source_path("api-spec/openapi.yaml");
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const std::string spec((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto t : problem_types()) {
    EXPECT_NE(spec.find(problem_type_uri(t)), std::string::npos) << problem_type_uri(t);
  }
  for (auto c : field_codes()) {
    EXPECT_NE(spec.find("- `" + std::string(field_code_name(c)) + "`: "), std::string::npos)
        << field_code_name(c);
  }
}

TEST(JsonPointer, EscapesTildeBeforeSlash) {
  EXPECT_EQ(pointer_to("", "a/b"), "/a~1b");
  EXPECT_EQ(pointer_to("", "m~n"), "/m~0n");
  // "~1" in a key is a tilde then a one: "~01", never read back as "/".
  EXPECT_EQ(pointer_to("", "~1"), "/~01");
  EXPECT_EQ(pointer_to("/skills", "0"), "/skills/0");
  EXPECT_EQ(pointer_to("", ""), "/");
}

TEST(Problem, RetryAfterHeaderAndInvalidUtf8Survive) {
  Problem p{.status = 503, .detail = std::string("bad \xff byte"), .retry_after_seconds = 3};
  auto r = problem_response(p, "/x", "");
  EXPECT_EQ(r.header("Retry-After"), "3");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_FALSE(body.contains("request_id"));
  EXPECT_FALSE(body.contains("errors"));
}

}  // namespace
}  // namespace kakehashi::http
