# Run after a test executable links (kakehashi_gtest_suites in
# tests/CMakeLists.txt): asks it for its tests and writes one ctest per
# GoogleTest suite, `<Suite>` running `--gtest_filter=<Suite>.*`.
#   -D EXECUTABLE=... -D CTEST_FILE=... -D WORKING_DIRECTORY=... -D PROPERTIES=<key;value;...>
execute_process(COMMAND "${EXECUTABLE}" --gtest_list_tests
  OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE result TIMEOUT 60)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} --gtest_list_tests failed (${result}):\n${listing}${errors}")
endif()
set(properties "")
foreach(p IN LISTS PROPERTIES)
  string(APPEND properties " [==[${p}]==]")
endforeach()
string(REPLACE "\n" ";" lines "${listing}")
set(content "")
foreach(line IN LISTS lines)
  # A suite's line is its name and a dot (and a type parameter comment, for
  # a typed suite); its tests follow, indented.
  if(line MATCHES "^([^ #][^ ]*)\\.( .*)?$")
    set(suite "${CMAKE_MATCH_1}")
    string(APPEND content
      "add_test([=[${suite}]=] [==[${EXECUTABLE}]==] [==[--gtest_filter=${suite}.*]==])\n"
      "set_tests_properties([=[${suite}]=] PROPERTIES"
      " WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==]${properties})\n")
  endif()
endforeach()
file(WRITE "${CTEST_FILE}" "${content}")
