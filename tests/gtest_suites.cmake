# Run after a test executable links: asks it for its tests and writes one
# ctest per GoogleTest suite, `<Suite>` running `--gtest_filter=<Suite>.*`
# (kakehashi_gtest_suites in tests/CMakeLists.txt, for unit tests).
#   -D EXECUTABLE=... -D CTEST_FILE=... -D WORKING_DIRECTORY=... -D PROPERTIES=<key;value;...>
#   [-D SERIAL_SUITES=<suite;...>]
# With -D MAX_TESTS=<n> (integration tests, tests/integration/CMakeLists.txt),
# a suite of more than n tests becomes ceil(tests / n) ctests of consecutive
# tests, `<Suite>/1`, `<Suite>/2`, ..., each naming its tests in the filter,
# so that no long suite runs as one serial tail beside an idle core.
cmake_policy(VERSION 3.25)
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
function(add_ctest name filter count)
  # With MAX_TESTS, a COST of the number of tests: a fresh clone's ctest (no
  # timings yet) starts the larger parts first.
  set(cost "")
  if(MAX_TESTS)
    set(cost " COST ${count}")
  endif()
  # -D SERIAL_SUITES=<suite;...>: these suites' ctests run with nothing beside them.
  string(REGEX REPLACE "/[0-9]+$" "" suite_of_name "${name}")
  if(suite_of_name IN_LIST SERIAL_SUITES)
    string(APPEND cost " RUN_SERIAL TRUE")
  endif()
  string(APPEND content
    "add_test([=[${name}]=] [==[${EXECUTABLE}]==] [==[--gtest_filter=${filter}]==])\n"
    "set_tests_properties([=[${name}]=] PROPERTIES"
    " WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==]${properties}${cost})\n")
  set(content "${content}" PARENT_SCOPE)
endfunction()
# The suites in order, and each suite's tests.
set(suites "")
foreach(line IN LISTS lines)
  # A suite's line is its name and a dot (and a type parameter comment, for
  # a typed suite); its tests follow, indented (and may carry a comment).
  if(line MATCHES "^([^ #][^ ]*)\\.( .*)?$")
    set(suite "${CMAKE_MATCH_1}")
    list(APPEND suites "${suite}")
    set(tests_of_${suite} "")
  elseif(line MATCHES "^  ([^ #]+)" AND DEFINED suite)
    list(APPEND tests_of_${suite} "${CMAKE_MATCH_1}")
  endif()
endforeach()
foreach(suite IN LISTS suites)
  list(LENGTH tests_of_${suite} count)
  if(NOT MAX_TESTS OR count LESS_EQUAL MAX_TESTS)
    add_ctest("${suite}" "${suite}.*" ${count})
    continue()
  endif()
  # Parts of nearly equal size: 20 tests at most 6 a part are 5+5+5+5.
  math(EXPR parts "(${count} + ${MAX_TESTS} - 1) / ${MAX_TESTS}")
  set(first 0)
  foreach(part RANGE 1 ${parts})
    math(EXPR last "${count} * ${part} / ${parts} - 1")
    set(filter "")
    foreach(i RANGE ${first} ${last})
      list(GET tests_of_${suite} ${i} test)
      list(APPEND filter "${suite}.${test}")
    endforeach()
    list(JOIN filter ":" filter)
    math(EXPR size "${last} - ${first} + 1")
    add_ctest("${suite}/${part}" "${filter}" ${size})
    math(EXPR first "${last} + 1")
  endforeach()
endforeach()
file(WRITE "${CTEST_FILE}" "${content}")
