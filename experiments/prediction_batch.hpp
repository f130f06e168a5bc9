#pragma once
// Many independent pre-copy predictions in one process: the cases of a batch file
// (`migsim predict --batch`) and the points of a parameter sweep (`migsim sweep`).
// The cases are parsed and checked once, up front (a bad case fails before any
// output); the predictions then run on worker threads in blocks, and the output
// is formatted by the workers and handed to the sink in case order, so the bytes
// are the same whatever `jobs` is. The formats are those of the nlohmann::json
// documents the commands printed before (sorted keys; dump(2) for the batch's
// JSON, dump() per line for the sweep's), written directly without building them.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/migration_model.hpp"
#include "models/precopy_types.hpp"
#include "sim/sweep_expansion.hpp"

namespace migsim::experiments {

// Receives the output, in order, in pieces of any size.
using OutputSink = std::function<void(std::string_view)>;

// One case of a batch file.
struct PredictionCase {
  std::string name;
  std::string note;  // empty: none
  models::MigrationScenario scenario;
};

// Reads {"cases": [{"name": ..., "note": ..., <predict's keys with underscores>}, ...]}
// (`text` came from `where`). Every case is read by models::scenario_from_json over
// `defaults`; the errors are exactly those of reading the document whole (InputError
// naming the file, line:column for malformed JSON, or "where: cases[3].wss_mib").
// `jobs` threads parse the cases.
std::vector<PredictionCase> parse_prediction_cases(std::string_view text, const std::string& where,
                                                   const models::MigrationScenario& defaults,
                                                   unsigned jobs = 1);
namespace detail {
// What nlohmann::json::parse(text) gives (same values and number types), when the
// text is plain JSON (no escapes, ASCII strings, shallow); false otherwise (and for
// malformed text), leaving `out` unspecified. For the batch reader and its tests.
bool parse_plain_json(std::string_view text, nlohmann::json& out);
}  // namespace detail

std::vector<PredictionCase> read_prediction_cases(const std::string& path,
                                                  const models::MigrationScenario& defaults,
                                                  unsigned jobs = 1);

struct BatchOutputOptions {
  bool json = false;    // {"predictions": [...]} (dump(2)) instead of the table
  bool detail = true;   // json: each prediction's iteration_detail (else [])
  unsigned jobs = 1;    // worker threads
};

// Predicts every case with every model (case-major) and writes the table or the
// JSON document to `sink`. Returns the number of predictions (cases x models).
// `detail` also decides whether the models record their rounds.
std::size_t predict_cases(const std::vector<PredictionCase>& cases,
                          const std::vector<const models::MigrationModel*>& models,
                          const BatchOutputOptions& options, const OutputSink& sink);

// A sweep: one case whose list-valued fields are axes (sim/sweep_expansion.hpp),
// dirty_rate_series an axis only as a list of series. The points are not stored:
// each is built from the spec when it is predicted. Construction parses and checks
// every point (on `jobs` threads) and throws the first bad one's InputError,
// "where point 3 {coordinates}: field: ...", as reading them one by one does.
class PredictionSweep {
 public:
  // The scenarios the check reads are kept (not read again to predict) when there
  // are at most `keep_limit` points (~300 bytes each).
  PredictionSweep(const nlohmann::json& doc, const std::string& where,
                  const models::MigrationScenario& defaults, unsigned jobs = 1,
                  std::size_t max_points = 10'000'000, std::size_t keep_limit = 1u << 18);

  std::size_t size() const { return count_; }
  const std::string& where() const { return where_; }
  const std::vector<SweepAxis>& axes() const { return axes_; }
  // Point i's coordinates ({"wss_mib": 256, ...}) and scenario.
  nlohmann::json coordinates(std::size_t i) const;
  models::MigrationScenario scenario(std::size_t i) const;
  // "where point i {coordinates}", as messages name a point.
  std::string label(std::size_t i) const;

  // Builds consecutive points cheaply: the spec is kept and only the axes that
  // change are set again. Not thread-safe; one per thread.
  class Cursor {
   public:
    explicit Cursor(const PredictionSweep& sweep);
    // Point i's scenario (record_iterations off). Throws what scenario(i) throws.
    const models::MigrationScenario& at(std::size_t i);
    // The coordinates of the point at() built last, as the sweep prints them
    // (coordinates(i).dump(): compact, sorted keys).
    void append_coordinates(std::string& out) const;

   private:
    void set_point(std::size_t i);
    const PredictionSweep& sweep_;
    nlohmann::json spec_;
    std::vector<std::size_t> idx_;  // the axis values spec_ holds
    bool fresh_ = true;
    models::MigrationScenario scenario_;
  };

 private:
  friend class Cursor;
  std::vector<std::size_t> indices(std::size_t i) const;

  std::string where_;
  nlohmann::json spec_;  // without name and note
  std::vector<SweepAxis> axes_;
  std::size_t count_ = 1;
  models::MigrationScenario defaults_;
  // Each axis value dumped once; the coordinates' keys in sorted order with the
  // axis that sets each (the last one when two axes share a path).
  std::vector<std::vector<std::string>> value_text_;
  std::vector<std::pair<std::string, std::size_t>> coordinate_keys_;
  std::vector<models::MigrationScenario> kept_;  // empty: read each point again
};

struct SweepOutputOptions {
  bool json = false;  // JSON lines (one per point and model) instead of the table
  unsigned jobs = 1;
  // Called from the writing thread after each block: points written so far.
  std::function<void(std::size_t)> progress;
};

// Predicts every point with every model and writes the JSON lines or the table.
// Returns the number of predictions. A model that throws stops the sweep with the
// point's label ("where point 3 {...}: ...").
std::size_t predict_sweep(const PredictionSweep& sweep,
                          const std::vector<const models::MigrationModel*>& models,
                          const SweepOutputOptions& options, const OutputSink& sink);

}  // namespace migsim::experiments
