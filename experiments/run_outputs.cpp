#include "experiments/run_outputs.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "sim/input_error.hpp"

namespace migsim::experiments {

OutputFolder::OutputFolder(std::string dir, traces::RecordFormat format, std::string flag)
    : dir_(std::move(dir)), where_(flag + " " + dir_ + ": cannot write there: "), format_(format) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw InputError(where_ + ec.message());
  if (::access(dir_.c_str(), W_OK) != 0) throw InputError(where_ + std::strerror(errno));
}

namespace {
// "<path>: cannot create a temporary file: <reason>": the reason is what the user needs.
[[noreturn]] void rethrow_as_input(const EnvironmentError& e, const std::string& where) {
  const std::string what = e.what();
  const auto colon = what.rfind(": ");
  throw InputError(where + (colon == std::string::npos ? what : what.substr(colon + 2)));
}
}  // namespace

std::unique_ptr<traces::RecordWriter> OutputFolder::table(const std::string& name,
                                                          std::vector<std::string> columns) const {
  const std::string path = (std::filesystem::path(dir_) / (name + "." + traces::extension(format_))).string();
  try {
    return std::make_unique<traces::RecordWriter>(path, format_, std::move(columns));
  } catch (const EnvironmentError& e) {
    rethrow_as_input(e, where_);
  }
}

std::unique_ptr<traces::AtomicFileSink> OutputFolder::file(const std::string& name) const {
  try {
    return std::make_unique<traces::AtomicFileSink>((std::filesystem::path(dir_) / name).string());
  } catch (const EnvironmentError& e) {
    rethrow_as_input(e, where_);
  }
}

std::unique_ptr<traces::RecordWriter> OutputFolder::migrations(const std::vector<std::string>& extra_columns) const {
  std::vector<std::string> columns{"start_s", "end_s", "vm", "from_host", "to_host", "duration_s", "downtime_ms",
                                   "transferred_bytes", "converged", "cause"};
  columns.insert(columns.end(), extra_columns.begin(), extra_columns.end());
  return table("migrations", std::move(columns));
}

void OutputFolder::write(traces::RecordWriter& w, const Migration& m) {
  write_fields(w, m);
  w.end_record();
}

void OutputFolder::write_fields(traces::RecordWriter& w, const Migration& m) {
  w.number(m.start_s)
      .number(m.end_s)
      .text(m.vm)
      .integer(m.from)
      .integer(m.to)
      .number(m.duration_s)
      .number(m.downtime_ms)
      .number(m.transferred_bytes)
      .boolean(m.converged)
      .text(m.cause);
}

std::vector<std::string> RunOutputs::file_names(traces::RecordFormat format) {
  std::vector<std::string> names;
  for (const char* n : {"migrations", "cluster", "hosts"}) names.push_back(std::string(n) + "." + traces::extension(format));
  names.emplace_back("summary.json");
  return names;
}

RunOutputs::RunOutputs(const std::string& dir, traces::RecordFormat format, const std::string& flag,
                       const AppSlaAccounting* app)
    : app_(app) {
  const OutputFolder folder(dir, format, flag);
  migrations_ = app ? folder.migrations(AppSlaAccounting::columns()) : folder.migrations();
  cluster_ = folder.table("cluster", {"time_s", "active_hosts", "power_W", "energy_kWh", "cpu_utilization_frac",
                                      "migrations_in_flight", "migrations_started", "slatah_frac", "pdm_frac",
                                      "slav"});
  hosts_ = folder.table("hosts", {"time_s", "host", "vms", "cpu_utilization_frac", "power_W"});
  summary_ = folder.file("summary.json");
}

RunOutputs::~RunOutputs() = default;

void RunOutputs::run_begins(const sim::ConsolidationPolicy& policy, const sim::Placement& p) {
  policy_ = &policy;
  placement_ = &p;
}

void RunOutputs::migration_finished(const sim::MigrationFinished& m) {
  const std::string& given = placement_->vm(m.request.vm).name;
  const std::string vm = given.empty() ? "vm:" + std::to_string(m.request.vm) : given;
  const std::string cause = policy_->cause_name(m.cause);
  OutputFolder::write_fields(*migrations_, {m.start_s, m.end_s, vm, m.request.source_host, m.request.target_host,
                                            m.timing.duration_s, m.timing.downtime_s * 1000.0,
                                            m.timing.transferred_bytes, m.timing.converged, cause});
  if (app_) {
    const auto& a = app_->last();
    migrations_->integer(static_cast<long long>(a.requests))
        .integer(static_cast<long long>(a.over_slo))
        .number(a.p99_ms)
        .number(a.max_stall_ms);
  }
  migrations_->end_record();
}

void RunOutputs::step(const sim::StepView& s) {
  const sim::Placement& p = s.placement();
  const double t = s.t_s();
  long long active = 0;
  double watts = 0, used_mips = 0, active_mips = 0;
  for (int h = 0; h < p.host_count(); ++h) {
    if (!s.host_active(h)) continue;
    const double w = s.host_power_w(h);
    const double total = p.host(h).total_mips();
    const double used = p.utilization_mips(h);
    ++active;
    watts += w;
    used_mips += used;
    active_mips += total;
    hosts_->number(t)
        .integer(h)
        .integer(static_cast<long long>(p.vms_on(h).size()))
        .number(total > 0 ? used / total : 0.0)
        .number(w)
        .end_record();
  }
  const double slatah = s.slatah(), pdm = s.pdm();
  cluster_->number(t)
      .integer(active)
      .number(watts)
      .number(s.energy_kwh())
      .number(active_mips > 0 ? used_mips / active_mips : 0.0)
      .integer(s.migrations_in_flight())
      .integer(s.migrations_started())
      .number(slatah)
      .number(pdm)
      .number(slatah * pdm)
      .end_record();
}

void RunOutputs::commit(const nlohmann::json& summary) {
  summary_->write(summary.dump(2) + "\n");
  migrations_->commit();
  cluster_->commit();
  hosts_->commit();
  summary_->commit();
}

void write_batch_outputs(const OutputFolder& folder, const BatchResult& r, const nlohmann::json& summary) {
  const auto migrations = folder.migrations();
  const auto file = folder.file("summary.json");
  const std::string cause = "batch";
  for (const BatchOutcome& m : r.migrations) {
    OutputFolder::write(*migrations, {m.start_s, m.end_s, m.name, m.from, m.to, m.total_time_ms / 1000.0, m.downtime_ms,
                                      m.transferred_bytes, m.converged, cause});
  }
  file->write(summary.dump(2) + "\n");
  migrations->commit();
  file->commit();
}

}  // namespace migsim::experiments
