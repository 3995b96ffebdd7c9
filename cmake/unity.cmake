# Unity builds for CI (-DKAKEHASHI_UNITY=ON; scripts/dev test sets it).
#
# kakehashi_unity(<target> [BATCH <n>]) compiles the target's own .cpp files in
# batches: one generated file per batch that #includes up to <n> of them. A
# cold build then parses Asio/Beast, nlohmann/json, libpqxx and GoogleTest, and
# instantiates their templates, once per batch rather than once per file.
#
# CMake's own UNITY_BUILD writes absolute paths into its batch files, so their
# text (and with it the compiler cache's key) differs in every clone, and a
# fresh clone would miss the cache for every batch. Here a batch names its
# files relative to the project root (found through a -I that ccache's
# CCACHE_BASEDIR turns into a relative path), so every clone generates the same
# bytes and hits the cache.
#
# Left out, each compiled on its own: generated sources, files with their own
# compile options or SKIP_PRECOMPILE_HEADERS, and files marked with the source
# property KAKEHASHI_NO_UNITY (names that would clash with another file's in one
# batch: two anonymous namespaces of one translation unit are one namespace).
# A target with the property KAKEHASHI_NO_UNITY is left as it is; one with the
# property KAKEHASHI_UNITY_BATCH=<n> has batches of up to <n> files instead of
# KAKEHASHI_UNITY_BATCH's.
option(KAKEHASHI_UNITY "Compile each library and test executable in batches (unity build)" OFF)
set(KAKEHASHI_UNITY_BATCH 8 CACHE STRING "Files per unity batch")

function(kakehashi_unity target)
  if(NOT KAKEHASHI_UNITY)
    return()
  endif()
  cmake_parse_arguments(ARG "" "BATCH" "" ${ARGN})
  set(batch_size ${KAKEHASHI_UNITY_BATCH})
  if(ARG_BATCH)
    set(batch_size ${ARG_BATCH})
  endif()
  get_target_property(no_unity ${target} KAKEHASHI_NO_UNITY)
  if(no_unity)
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  get_target_property(binary_dir ${target} BINARY_DIR)
  set(members "")
  set(cpp_count 0)
  foreach(source IN LISTS sources)
    if(NOT source MATCHES "\\.cpp$" OR source MATCHES "^\\$<")
      continue()
    endif()
    math(EXPR cpp_count "${cpp_count} + 1")
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir} NORMALIZE OUTPUT_VARIABLE path)
    get_source_file_property(generated ${path} TARGET_DIRECTORY ${target} GENERATED)
    get_source_file_property(options ${path} TARGET_DIRECTORY ${target} COMPILE_OPTIONS)
    get_source_file_property(skip_pch ${path} TARGET_DIRECTORY ${target} SKIP_PRECOMPILE_HEADERS)
    get_source_file_property(no_unity ${path} TARGET_DIRECTORY ${target} KAKEHASHI_NO_UNITY)
    cmake_path(IS_PREFIX PROJECT_SOURCE_DIR ${path} NORMALIZE in_tree)
    if(generated OR options OR skip_pch OR no_unity OR NOT in_tree)
      continue()
    endif()
    list(APPEND members ${path})
  endforeach()
  list(LENGTH members count)
  if(count LESS 2)
    return()
  endif()
  # As many batches as the batch size asks for, the files spread evenly over
  # them (in the order listed), so that no batch is much larger than another.
  math(EXPR batch_count "(${count} + ${batch_size} - 1) / ${batch_size}")
  set(batches "")
  math(EXPR last "${batch_count} - 1")
  foreach(index RANGE ${last})
    math(EXPR first "${index} * ${count} / ${batch_count}")
    math(EXPR end "(${index} + 1) * ${count} / ${batch_count}")
    set(content "")
    math(EXPR end_inclusive "${end} - 1")
    foreach(i RANGE ${first} ${end_inclusive})
      list(GET members ${i} path)
      cmake_path(RELATIVE_PATH path BASE_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE relative)
      string(APPEND content "#include \"${relative}\"\n")
    endforeach()
    set(file ${binary_dir}/unity/${target}_${index}.cpp)
    file(GENERATE OUTPUT ${file} CONTENT "${content}")
    list(APPEND batches ${file})
  endforeach()
  set_source_files_properties(${members} TARGET_DIRECTORY ${target} PROPERTIES HEADER_FILE_ONLY ON)
  # A precompiled header that one translation unit uses only costs: it parses
  # the same headers and then writes and reads them once more. (GCC builds
  # only; clang's are off: top-level CMakeLists.txt. In build/tsan, unit_tests
  # and concurrency_tests are one batch each.)
  math(EXPR alone "${cpp_count} - ${count}")  # files compiled outside the batches
  if(batch_count EQUAL 1 AND alone EQUAL 0)
    set_target_properties(${target} PROPERTIES DISABLE_PRECOMPILE_HEADERS ON)
  endif()
  target_sources(${target} PRIVATE ${batches})
  # GCC warns when a type with internal linkage (an anonymous namespace's) is
  # used by one defined outside the main file: in a batch, every member file
  # is outside it.
  set_source_files_properties(${batches} TARGET_DIRECTORY ${target} PROPERTIES
    COMPILE_OPTIONS "$<$<CXX_COMPILER_ID:GNU>:-Wno-subobject-linkage>")
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
endfunction()

# Every library and executable defined in <dir> and below (called once, at the
# end of the top-level CMakeLists.txt).
function(kakehashi_unity_directory dir)
  if(NOT KAKEHASHI_UNITY)
    return()
  endif()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
      get_target_property(batch ${target} KAKEHASHI_UNITY_BATCH)
      if(batch)
        kakehashi_unity(${target} BATCH ${batch})
      else()
        kakehashi_unity(${target})
      endif()
    endif()
  endforeach()
  get_property(subdirectories DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    kakehashi_unity_directory(${subdirectory})
  endforeach()
endfunction()
