# Writes a C++ source that returns api-spec/openapi.yaml, so the binary serves
# the contract it was built with:
#   cmake -DINPUT=openapi.yaml -DOUTPUT=openapi_spec.cpp -P embed_spec.cmake
file(READ "${INPUT}" text)
string(FIND "${text}" ")kh_spec\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the embedding delimiter")
endif()
set(content "// Generated from api-spec/openapi.yaml by embed_spec.cmake. Do not edit.\n")
string(APPEND content "#include <string_view>\n\nnamespace kakehashi::api {\n")
string(APPEND content "std::string_view openapi_yaml() {\n  static constexpr std::string_view kSpec = R\"kh_spec(${text})kh_spec\";\n  return kSpec;\n}\n}  // namespace kakehashi::api\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
