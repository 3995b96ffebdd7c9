// The tz database's compiled files as the service reads them: real files from
// /usr/share/zoneinfo (Debian's tzdata, the ones PostgreSQL uses), DST
// included, and the POSIX rule after the files' last transition.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "domain/zone_rules.hpp"
#include "store/timezones.hpp"

namespace kakehashi::domain {
namespace {

ZoneRules load(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rules = ZoneRules::parse(bytes);
  EXPECT_TRUE(rules) << name;
  return rules ? *rules : ZoneRules::fixed(0);
}

// Seconds since the epoch of a UTC date at noon.
std::int64_t noon(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (era * 146097 + static_cast<std::int64_t>(doe) - 719468) * 86400 + 12 * 3600;
}

TEST(ZoneRules, BerlinKeepsCentralEuropeanTimeInWinterAndSummerTimeInSummer) {
  const auto berlin = load("Europe/Berlin");
  EXPECT_EQ(berlin.offset_at(noon(2027, 1, 15)), 3600);
  EXPECT_EQ(berlin.offset_at(noon(2027, 7, 15)), 7200);
  // 2027's changes: 28 March and 31 October (last Sundays).
  EXPECT_EQ(berlin.offset_at(noon(2027, 3, 27)), 3600);
  EXPECT_EQ(berlin.offset_at(noon(2027, 3, 28)), 7200);
  EXPECT_EQ(berlin.offset_at(noon(2027, 10, 30)), 7200);
  EXPECT_EQ(berlin.offset_at(noon(2027, 10, 31)), 3600);
  // Beyond the file's table (2037), the footer's rule still says it.
  EXPECT_EQ(berlin.offset_at(noon(2045, 7, 1)), 7200);
  EXPECT_EQ(berlin.offset_at(noon(2045, 12, 1)), 3600);
}

TEST(ZoneRules, OffsetsBetweenTwoDatesNameEachOffsetInForce) {
  const auto berlin = load("Europe/Berlin");
  EXPECT_EQ(berlin.offsets_between(noon(2027, 1, 4), noon(2027, 2, 26)), std::vector<int>{3600});
  EXPECT_EQ(berlin.offsets_between(noon(2027, 2, 1), noon(2027, 5, 1)),
            (std::vector<int>{3600, 7200}));
  const auto dhaka = load("Asia/Dhaka");
  EXPECT_EQ(dhaka.offsets_between(noon(2027, 1, 1), noon(2027, 12, 31)), std::vector<int>{21600});
  EXPECT_EQ(load("Asia/Tokyo").offset_at(noon(2027, 7, 1)), 32400);
  // A southern zone changes the other way round.
  const auto sydney = load("Australia/Sydney");
  EXPECT_EQ(sydney.offset_at(noon(2027, 1, 15)), 39600);
  EXPECT_EQ(sydney.offset_at(noon(2027, 7, 15)), 36000);
}

TEST(ZoneRules, BytesThatAreNoTzifFileAreRefused) {
  EXPECT_FALSE(ZoneRules::parse(""));
  EXPECT_FALSE(ZoneRules::parse("TZif2"));
  EXPECT_FALSE(ZoneRules::parse(std::string(64, 'x')));
  std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::size_t cut : {45UL, 100UL, bytes.size() / 2}) {
    // Truncated files are refused or parsed without reading past the end (ASan checks).
    (void)ZoneRules::parse(bytes.substr(0, cut));
  }
}

// The service's loader reads a file that several names share (links) once
// and keeps its rules once: every name still gets rules equal to its own
// file's, in the names' order, and linked names share one entry; a file of
// the same bytes that is no link is an entry of its own; a name that could
// leave the directory, a directory and a missing file are left out. The
// directory is made here (a symbolic and a hard link), not the host's.
TEST(ZoneRules, TheLoaderGivesEveryNameItsFilesRulesOnceForLinkedNames) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("kh_zones_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "Asia");
  fs::create_directories(dir / "Europe");
  fs::create_directories(dir / "posix/Asia");
  for (const char* zone : {"Asia/Tokyo", "Asia/Dhaka", "Europe/Berlin"}) {
    fs::copy_file(fs::path("/usr/share/zoneinfo") / zone, dir / zone);
  }
  fs::create_symlink("Asia/Tokyo", dir / "Japan");
  fs::create_hard_link(dir / "Asia/Tokyo", dir / "posix/Asia/Tokyo");
  fs::copy_file(dir / "Asia/Tokyo", dir / "Asia/Tokyo_copy");
  const std::vector<std::string> names = {
      "Asia/Tokyo", "Europe/Berlin", "Japan",      "posix/Asia/Tokyo", "../zoneinfo/Asia/Tokyo",
      "Asia",       "No/Such_Zone",  "Asia/Dhaka", "Europe/Berlin",    "Asia/Tokyo_copy"};
  const auto loaded = store::load_zone_rules(names, dir.string());
  fs::remove_all(dir);

  std::vector<std::string> got;
  std::vector<std::size_t> entries;
  for (const auto& [name, entry] : loaded.names) {
    got.push_back(name);
    entries.push_back(entry);
  }
  EXPECT_EQ(got,
            (std::vector<std::string>{"Asia/Tokyo", "Europe/Berlin", "Japan", "posix/Asia/Tokyo",
                                      "Asia/Dhaka", "Europe/Berlin", "Asia/Tokyo_copy"}));
  // Tokyo (three names, one file), Berlin (asked twice), Dhaka, Tokyo's copy.
  EXPECT_EQ(entries, (std::vector<std::size_t>{0, 1, 0, 0, 2, 1, 3}));
  ASSERT_EQ(loaded.rules.size(), 4U);
  const std::vector<std::int64_t> instants = {noon(1940, 6, 1), noon(1951, 7, 1), noon(2027, 1, 15),
                                              noon(2027, 7, 15), noon(2045, 7, 1)};
  for (const auto& [name, entry] : loaded.names) {
    ASSERT_LT(entry, loaded.rules.size());
    const auto& rules = loaded.rules[entry];
    const auto own = load(name == "Japan" || name == "posix/Asia/Tokyo" || name == "Asia/Tokyo_copy"
                              ? "Asia/Tokyo"
                              : name);
    for (const auto at : instants) EXPECT_EQ(rules.offset_at(at), own.offset_at(at)) << name;
    EXPECT_EQ(rules.offsets_between(instants.front(), instants.back()),
              own.offsets_between(instants.front(), instants.back()))
        << name;
  }
}

}  // namespace
}  // namespace kakehashi::domain
