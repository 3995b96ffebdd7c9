// A trainee from one record of an import's CSV. The record's meaning is a
// document (csv_document: the JSON a single create takes), validated by
// parse_trainee; a record the quick reading accepts (every field as a valid
// row has it) is read straight from its fields into the same TraineeInput,
// without the document. Any doubt, and every invalid record, takes the
// document's path, so the errors are exactly a single create's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/api_context.hpp"
#include "api/trainee_input.hpp"
#include "http/problem.hpp"

namespace kakehashi::api {

// Whether an import's header may name this column: the columns read below.
bool is_csv_column(std::string_view name);
// The columns an import takes, in the template's order.
std::vector<std::string> csv_columns();

// One CSV record as the JSON document a single create takes.
nlohmann::json csv_document(const std::vector<std::string>& header,
                            const std::vector<std::string>& values);

class CsvTraineeReader {
 public:
  // `header`: the file's columns (known, distinct: checked before).
  CsvTraineeReader(const std::vector<std::string>& header, const ApiContext& api);
  ~CsvTraineeReader();
  CsvTraineeReader(const CsvTraineeReader&) = delete;
  CsvTraineeReader& operator=(const CsvTraineeReader&) = delete;

  // The record's trainee, or nullopt with its errors appended (as
  // parse_trainee(csv_document(…)) would).
  std::optional<TraineeInput> read(const std::vector<std::string>& values,
                                   std::vector<http::FieldError>& errors) const;
  // The quick reading alone: the trainee if every field is as a valid row
  // has it, otherwise nullopt (the record may still be valid). For tests.
  std::optional<TraineeInput> quick(const std::vector<std::string>& values) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  const std::vector<std::string>& header_;
  const ApiContext& api_;
};

}  // namespace kakehashi::api
