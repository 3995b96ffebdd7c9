# Writes a C++ source holding the migration files, so the binary carries its
# schema with it. Invoked at build time:
#   cmake -DOUTPUT=... -DSOURCE_DIR=... -DFILES=0001_a.sql,0002_b.sql -P embed_migrations.cmake
set(content "// Generated from migrations/ by embed_migrations.cmake. Do not edit.\n")
string(APPEND content "#include \"store/migrations.hpp\"\n\nnamespace kakehashi::store {\n")
string(APPEND content "const std::vector<Migration>& embedded_migrations() {\n")
string(APPEND content "  static const std::vector<Migration> kMigrations = {\n")
string(REPLACE "," ";" FILES "${FILES}")
foreach(file IN LISTS FILES)
  file(READ "${SOURCE_DIR}/${file}" sql)
  string(FIND "${sql}" ")kh_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the embedding delimiter")
  endif()
  string(APPEND content "      make_migration(\"${file}\", R\"kh_sql(${sql})kh_sql\"),\n")
endforeach()
string(APPEND content "  };\n  return kMigrations;\n}\n}  // namespace kakehashi::store\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
