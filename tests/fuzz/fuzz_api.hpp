// What the API fuzz targets share: an ApiContext whose database is never
// reachable (a connection attempt fails at once, as DatabaseUnavailable), a
// small taxonomy, a ready matching index with one open project, every /v1
// route of the real service, and a way to run one request through the real
// admission step and handler without a socket.
//
// A handler validates its input before it touches the database, so every
// byte of untrusted input is checked by the real code; a valid request then
// ends in DatabaseUnavailable, which the server would answer 503. Any other
// exception escaping a handler is a bug (the server would answer 500 to a
// client's input) and stops the fuzzer.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "api/common.hpp"
#include "api/routes.hpp"
#include "domain/principal.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "matching/live_index.hpp"
#include "store/database.hpp"
#include "util/cpu_pool.hpp"
#include "util/log.hpp"

namespace kakehashi::fuzz {

// Ids the fixture knows: the open project in the index, an organization of
// each kind.
inline constexpr std::string_view kProjectId = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b";
inline constexpr std::string_view kFirmId = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
inline constexpr std::string_view kTrainingOrgId = "1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d";
inline constexpr std::string_view kAdminOrgId = "9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b";

// KAKEHASHI_FUZZ_VERBOSE=1 prints each answer (to check that seeds get far).
inline bool verbose() {
  static const bool on = std::getenv("KAKEHASHI_FUZZ_VERBOSE") != nullptr;
  return on;
}

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::vector<domain::Skill> fuzz_skills() {
  return {{1, "Python", "language", {"py", "python3"}, {}, 1},
          {2, "PyTorch", "ml", {"torch"}, {{3, 0.7}}, 1},
          {3, "TensorFlow", "ml", {"tf"}, {{2, 0.7}}, 1},
          {4, "Java", "language", {}, {{5, 0.2}}, 1},
          {5, "JavaScript", "language", {"js", "ecmascript"}, {{4, 0.2}}, 1},
          {6, "C++", "language", {"cpp", "cplusplus"}, {}, 1},
          {7, "日本語ビジネス", "language", {"business japanese"}, {}, 1},
          {8, "Machine Learning", "ml", {"ml"}, {{2, 0.5}, {3, 0.5}}, 1}};
}

inline domain::Principal principal_for(domain::Role role) {
  switch (role) {
    case domain::Role::kAdmin:
      return {"a0000000-0000-4000-8000-000000000001", std::string(kAdminOrgId), role};
    case domain::Role::kTrainingOrg:
      return {"a0000000-0000-4000-8000-000000000002", std::string(kTrainingOrgId), role};
    case domain::Role::kFirm:
      return {"a0000000-0000-4000-8000-000000000003", std::string(kFirmId), role};
  }
  return {};
}

struct ApiFixture {
  ApiFixture() {
    util::set_log_enabled(false);
    api.taxonomy.load(fuzz_skills());
    for (const char* tz : {"Asia/Dhaka", "Asia/Tokyo", "Asia/Kolkata", "UTC"}) {
      api.timezones.insert(tz);
    }
    live = std::make_unique<matching::LiveIndex>(
        api.taxonomy,
        std::unordered_map<std::string, int>{{"Asia/Dhaka", 360}, {"Asia/Tokyo", 540}});
    domain::ProjectRecord project;
    project.id = std::string(kProjectId);
    project.seq = 1;
    project.organization_id = std::string(kFirmId);
    project.data.title = "Edge inference for parts inspection";
    project.data.skills = {{2, "PyTorch", 3, 5, true}, {1, "Python", 3, 3, false}};
    project.data.headcount = 2;
    project.data.start_date = "2026-04-01";
    project.data.duration_months = 6;
    project.data.status = "open";
    project.version = 1;
    live->rebuild({}, {project});
    api.live = live.get();
    api.trainee_documents.set_enabled(true);
    api::add_api_routes(router, api);
  }

  // Runs `request` as the server would once its header and body have
  // arrived: route match, admission (with `who` already authenticated), the
  // handler. nullopt: no route or the admission refused it.
  std::optional<http::Response> call(http::Request& request, const domain::Principal& who) {
    auto target = http::parse_target(request.target);
    if (!target) return std::nullopt;
    request.path = std::move(target->path);
    request.query = std::move(target->query);
    auto match = router.match(request.method, request.path);
    if (match.kind != http::RouteMatch::Kind::kFound) return std::nullopt;
    const http::Route& route = *match.route;
    http::RequestContext ctx{request, "fuzz-request", route.path_template, std::move(match.params)};
    ctx.principal = who;
    std::optional<http::Response> response;
    std::exception_ptr failure;
    boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<void> {
          auto refused = co_await api::admit(api, ctx, route);
          if (refused) {
            response = std::move(*refused);
            co_return;
          }
          response = co_await route.handler(ctx);
        },
        [&](std::exception_ptr e) { failure = e; });
    ioc.restart();
    ioc.run();
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const store::DatabaseUnavailable&) {
        if (verbose()) {
          std::fprintf(stderr, "%s %s -> (valid: went on to the database)\n",
                       request.method.c_str(), request.target.c_str());
        }
        return std::nullopt;  // valid input: the handler went on to the database
      } catch (const std::exception& e) {
        fail(std::string("a handler threw ") + typeid(e).name() + " (" + e.what() + ") for " +
             request.method + " " + request.target + " (the server would answer 500)");
      } catch (...) {
        fail("a handler threw a non-standard exception for " + request.target);
      }
    }
    if (verbose()) {
      std::fprintf(stderr, "%s %s -> %s\n", request.method.c_str(), request.target.c_str(),
                   response ? (std::to_string(response->status) + " " + response->body).c_str()
                            : "(no route, or refused)");
    }
    if (response && response->status >= 500 && response->status != 503) {
      fail("a handler answered " + std::to_string(response->status) + " for " + request.target);
    }
    return response;
  }

  // Never connects: libpq fails at once on a socket directory that does not exist.
  store::Database db{store::DatabaseOptions{.url = "host=/nonexistent/kakehashi-fuzz port=1",
                                            .pool_size = 1,
                                            .connect_timeout = std::chrono::seconds(1)}};
  util::CpuPool cpu{1};
  api::ApiContext api{db, cpu, {}, {}};
  std::unique_ptr<matching::LiveIndex> live;
  http::Router router;
  boost::asio::io_context ioc;
};

// The fixture lives for the whole process (libFuzzer never returns from main).
inline ApiFixture& fixture() {
  static auto* f = new ApiFixture();
  return *f;
}

}  // namespace kakehashi::fuzz
