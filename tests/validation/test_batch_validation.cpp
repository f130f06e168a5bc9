// Batch validation (issue 11): the batch matrix is strict, a batch dataset is
// read back, and the report fits the link's goodput on the training batches and
// scores the engine and its baselines.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "sim/input_error.hpp"
#include "tests/support/temp_file.hpp"
#include "validation/batch_case.hpp"
#include "validation/batch_dataset.hpp"
#include "validation/batch_report.hpp"
#include "validation/batch_runner.hpp"
#include "validation/migration_runner.hpp"

namespace migsim::validation {
namespace {

using migsim::testing::write_temp;

std::string batch_matrix_error(const std::string& text) {
  try {
    read_batch_matrix_file(write_temp("batches.json", text));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kGuests = R"("guests": {"light": {"ram_mib": 192, "fill_mib": 24, "wss_mib": 8, "dirty_pages_per_sec": 1000}})";

TEST(BatchMatrix, ExpandsCountsAndTemplates) {
  const auto batches = read_batch_matrix_file(write_temp(
      "ok.json", std::string(R"({"defaults": {"horizon_s": 20}, )") + kGuests + R"(,
        "batches": [{"name": "b", "split": "train", "repeats": 2, "link_mbit": 300,
                     "migrations": [{"guest": "light", "count": 2}, {"guest": "light", "start_s": 4, "max_bandwidth_mibps": 15}]}]})"));
  ASSERT_EQ(batches.size(), 1u);
  const BatchCase& b = batches[0];
  EXPECT_EQ(b.repeats, 2);
  EXPECT_DOUBLE_EQ(b.link.rate_mbit, 300);
  ASSERT_EQ(b.migrations.size(), 3u);
  EXPECT_EQ(b.migrations[0].vm.name, "b.m1");
  EXPECT_EQ(b.migrations[2].vm.name, "b.m3");
  EXPECT_EQ(b.migrations[2].vm.split, "train");
  EXPECT_DOUBLE_EQ(b.migrations[2].start_s, 4);
  EXPECT_DOUBLE_EQ(b.migrations[2].vm.max_bandwidth_mibps, 15);
  EXPECT_DOUBLE_EQ(b.migrations[0].vm.ram_mib, 192);
  EXPECT_DOUBLE_EQ(b.migrations[0].vm.horizon_s, 20);
  EXPECT_EQ(b.migrations[0].vm.calc_dirty_rate_s, 0);  // batches start at once
  EXPECT_NE(b.migrations[0].vm.seed, b.migrations[1].vm.seed);
  EXPECT_DOUBLE_EQ(batch_memory_need_mib(b), 2 * 3 * 192 + 2 * 3 * 64);
}

TEST(BatchMatrix, RefusesBadBatchesNamingTheField) {
  const std::string g = std::string("{") + kGuests + ", ";
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "migrations": [{"guest": "light"}]}]})")
                .find("link_mbit"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 0.5, "migrations": [{"guest": "light"}]}]})")
                .find("batches[0] 'b'.link_mbit: 0.5 is outside 1..100000 Mbit/s"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 100, "migrations": [{"guest": "huge"}]}]})")
                .find("no guest template 'huge'"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 100, "migrations": [{"guest": "light", "count": 13}]}]})")
                .find("count: at most 12"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 100, "migrations": [{"guest": "light", "colour": 1}]}]})")
                .find("colour"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 100, "migrations": [{"guest": "light", "repeats": 2}]}]})")
                .find("repeats belong to the batch"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 100, "migrations": []}]})")
                .find("the batch has no migrations"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 100, "migrations": [{"guest": "light"}]},
                                                   {"name": "b", "link_mbit": 200, "migrations": [{"guest": "light"}]}]})")
                .find("duplicate batch name 'b'"), std::string::npos);
  EXPECT_NE(batch_matrix_error(g + R"("batches": [{"name": "b", "link_mbit": 100, "migrations": [{"guest": "light", "fill_mib": 150}]}]})")
                .find("migrations[0].fill_mib"), std::string::npos);
}

TEST(BatchMatrix, TheCommittedMatricesAreValid) {
  const auto full = read_batch_matrix_file(std::string(MIGSIM_SOURCE_DIR) + "/validation/matrix/shaped-batches.json");
  EXPECT_GE(full.size(), 24u);
  const auto smoke = read_batch_matrix_file(std::string(MIGSIM_SOURCE_DIR) + "/validation/matrix/ci-batch-smoke.json");
  EXPECT_EQ(smoke.size(), 1u);
}

// A batch record whose "measurements" are what the engine predicts at a known
// goodput: the report must find that goodput and score the engine exactly.
nlohmann::json synthetic_record(const std::string& name, const std::string& split, double link_mbit,
                                const std::vector<double>& starts, double goodput, const TunedParameters& p) {
  MeasuredBatch b;
  b.name = name;
  b.split = split;
  b.link_mbit = link_mbit;
  b.start_s = starts;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    MeasuredMigration m;
    m.config.name = name + ".m" + std::to_string(i + 1);
    m.config.split = split;
    m.config.ram_mib = 192;
    m.config.fill_mib = 24;
    m.config.wss_mib = 8;
    m.config.dirty_pages_per_sec = 1000;
    m.config.max_bandwidth_mibps = i == 0 ? 1000 : 12;
    m.config.horizon_s = 30;
    b.migrations.push_back(m);
  }
  const BatchPrediction truth = predict_batch(b, kBatchModelName, p, goodput);
  nlohmann::json members = nlohmann::json::array();
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const models::Prediction& q = truth.migrations[i];
    members.push_back({{"format", kRecordFormat},
                       {"case", b.migrations[i].config.name},
                       {"repeat", 1},
                       {"split", split},
                       {"config", b.migrations[i].config.to_json()},
                       {"outcome", q.converged ? "completed" : "not-converged"},
                       {"qemu", {{"status", "completed"}, {"total-time", q.total_time_ms}, {"downtime", q.downtime_ms},
                                 {"ram", {{"transferred", q.transferred_bytes}, {"normal", 1}, {"duplicate", 1},
                                          {"dirty-sync-count", q.dirty_syncs}}}}},
                       {"env", {{"foreign_cpu_cores", 0.01}}},
                       {"start_s", starts[i]}});
  }
  return {{"format", kBatchRecordFormat}, {"batch", name}, {"repeat", 1}, {"split", split},
          {"config", nlohmann::json::object()}, {"link", {{"rate_mbit", link_mbit}}},
          {"env", {{"foreign_cpu_cores", 0.01}}}, {"makespan_s", truth.makespan_s}, {"migrations", members}};
}

TEST(BatchReport, FitsTheGoodputAndScoresTheEngineAgainstItsBaselines) {
  const std::string profile = std::string(MIGSIM_SOURCE_DIR) + "/validation/profiles/tcg-loopback.json";
  BatchReportSettings s;
  s.profile = profile;
  // Parameters as the report will load them.
  TunedParameters p = build_batch_report({{write_temp("seed.jsonl", synthetic_record("seed", "test", 100, {0}, 1.0, default_parameters()).dump() + "\n")}, {}, profile}).tuned;
  const double g = 0.9;
  std::string text;
  text += synthetic_record("t1", "train", 200, {0, 0}, g, p).dump() + "\n";
  text += synthetic_record("t2", "train", 100, {0, 3}, g, p).dump() + "\n";
  text += synthetic_record("r1", "test", 300, {0, 2, 2}, g, p).dump() + "\n";
  text += synthetic_record("r2", "test", 500, {0, 1}, g, p).dump() + "\n";
  s.datasets = {write_temp("batches.jsonl", text)};
  const BatchReport r = build_batch_report(s);
  EXPECT_EQ(r.training_batches, 2);
  EXPECT_NEAR(r.link_goodput, g, 1e-9);
  const BatchScore& engine = r.test.at(kBatchModelName);
  EXPECT_EQ(engine.batches, 2);
  EXPECT_EQ(engine.migrations.cases, 5);
  EXPECT_EQ(engine.migrations.convergence_correct, 5);
  EXPECT_LT(engine.makespan_mape_pct, 1e-6);
  ASSERT_TRUE(engine.migrations.total_time_mape_pct.has_value());
  EXPECT_LT(*engine.migrations.total_time_mape_pct, 1e-6);
  // Staggered and capped migrations: a rate fixed at start is wrong.
  for (const char* base : {"maxmin-fixed", "nic-split-fixed", "ram-over-bw"}) {
    const BatchScore& b = r.test.at(base);
    ASSERT_TRUE(b.migrations.total_time_mape_pct.has_value()) << base;
    EXPECT_GT(*b.migrations.total_time_mape_pct, 1.0) << base;
  }
  const nlohmann::json j = batch_accuracy_json(r);
  for (const char* k : {"batches", "migrations", "convergence_correct", "makespan_mape_pct", "total_time_mape_pct",
                        "bytes_mape_pct", "downtime_median_abs_err_ms", "downtime_median_rel_err_pct", "baselines"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(j["baselines"].size(), 3u);
  EXPECT_EQ(j["batches"], 2);
}

TEST(BatchDataset, RefusesABrokenRecordNamingTheLine) {
  const std::string path = write_temp("broken.jsonl", std::string(R"({"format": "migsim-validation-batch/1", "batch": "b", "repeat": 1, "split": "test", "makespan_s": 3, "link": {"rate_mbit": 100}, "env": {}, "config": {}, "migrations": []})") + "\n");
  try {
    read_batch_datasets({path});
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.jsonl:1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("migrations"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(is_batch_dataset(path));
}

}  // namespace
}  // namespace migsim::validation
