#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "support/paths.hpp"

namespace kakehashi::store {
namespace {

TEST(Migrations, NamesMustBeNumberedLowerCaseSql) {
  EXPECT_NO_THROW(make_migration("0001_init.sql", "SELECT 1"));
  EXPECT_THROW(make_migration("1_init.sql", ""), MigrationError);
  EXPECT_THROW(make_migration("0001-init.sql", ""), MigrationError);
  EXPECT_THROW(make_migration("0001_Init.sql", ""), MigrationError);
  EXPECT_THROW(make_migration("0001_init.txt", ""), MigrationError);
}

TEST(Migrations, ChecksumFollowsContent) {
  EXPECT_EQ(make_migration("0001_a.sql", "x").checksum, make_migration("0002_b.sql", "x").checksum);
  EXPECT_NE(make_migration("0001_a.sql", "x").checksum, make_migration("0001_a.sql", "y").checksum);
}

// The build embeds an explicit list of files; this catches a file added to
// migrations/ but not to that list.
TEST(Migrations, EmbeddedSetEqualsSourceDirectory) {
  const auto on_disk = load_migrations(testing::source_path("migrations"));
  const auto& embedded = embedded_migrations();
  ASSERT_EQ(on_disk.size(), embedded.size());
  for (std::size_t i = 0; i < on_disk.size(); ++i) {
    EXPECT_EQ(on_disk[i].name, embedded[i].name);
    EXPECT_EQ(on_disk[i].checksum, embedded[i].checksum);
  }
}

TEST(Migrations, LoadSortsAndRejectsRepeatedNumbers) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kh_mig_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "0002_b.sql") << "SELECT 2";
  std::ofstream(dir / "0001_a.sql") << "SELECT 1";
  std::ofstream(dir / "README") << "ignored";
  auto loaded = load_migrations(dir);
  ASSERT_EQ(loaded.size(), 2U);
  EXPECT_EQ(loaded[0].name, "0001_a.sql");
  std::ofstream(dir / "0002_c.sql") << "SELECT 3";
  EXPECT_THROW(load_migrations(dir), MigrationError);
  std::filesystem::remove_all(dir);
  EXPECT_THROW(load_migrations(dir), MigrationError);
}

}  // namespace
}  // namespace kakehashi::store
