// migsim._native: the Python module's C++ side (pybind11). JSON text in, JSON text
// out, over the same library calls as the commands (`predict --json`, `run --json`,
// `batch --json`, `sweep --out`, `validate report --json`); python/migsim/__init__.py is the Python interface. Every
// request is one JSON object of the call's arguments, read as strictly as the
// commands read their files: an InputError becomes a ValueError with the same
// text. The GIL is released while a request is read and simulated.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/batch_job.hpp"
#include "experiments/cluster_job.hpp"
#include "experiments/prediction_batch.hpp"
#include "models/model_registry.hpp"
#include "models/model_selection.hpp"
#include "models/prediction_document.hpp"
#include "models/scenario_json.hpp"
#include "sim/input_bounds.hpp"
#include "sim/input_error.hpp"
#include "sim/json_input.hpp"
#include "traces/record_writer.hpp"
#include "validation/report_document.hpp"

namespace py = pybind11;
using nlohmann::json;

namespace migsim::python {

namespace {

// Runs `work` without the GIL; bad input comes back as ValueError, a failed
// environment as RuntimeError (everything else as pybind11 translates it).
template <class Work>
std::string call(Work&& work) {
  try {
    py::gil_scoped_release nogil;
    return work();
  } catch (const InputError& e) {
    throw py::value_error(e.what());
  }
}

// The keys of `doc` named in `keys`, moved out of it into an object of their own.
json take(json& doc, std::initializer_list<const char*> keys) {
  json out = json::object();
  for (const char* k : keys) {
    auto it = doc.find(k);
    if (it == doc.end()) continue;
    out[k] = std::move(*it);
    doc.erase(it);
  }
  return out;
}

// predict(**case): {"model", "baselines", "detail", "profile" (a file; an object is
// the case's own profile key), <the keys of a `predict --batch` case>}.
std::string predict(const std::string& request) {
  json doc = parse_json_text(request, "predict");
  if (!doc.is_object()) throw InputError("predict: expected keyword arguments, got " + json_snippet(doc));
  json opts = take(doc, {"model", "baselines", "detail"});
  if (doc.contains("profile") && doc["profile"].is_string()) opts["profile"] = doc["profile"];
  if (opts.contains("profile")) doc.erase("profile");
  JsonObject o(opts, "predict");
  const std::string model = o.string("model", models::kDefaultModel);
  const bool detail = o.boolean("detail", true);
  const std::string profile = o.string("profile", "");
  std::vector<std::string> extra;
  if (o.has("baselines")) {
    const json& b = o.raw("baselines");
    if (b.is_boolean() || b.is_null()) {
      if (b.is_boolean() && b.get<bool>()) extra = models::predictor_names();
    } else if (b.is_array()) {
      for (const auto& n : b) {
        if (!n.is_string()) {
          throw InputError(o.path("baselines") + ": expected model names, got " + json_snippet(n));
        }
        extra.push_back(n.get<std::string>());
      }
    } else {
      throw InputError(o.path("baselines") + ": expected true, false or a list of model names, got " +
                       json_snippet(b));
    }
  }
  o.finish();
  models::MigrationScenario base;
  if (!profile.empty()) base.host = models::read_host_profile_file(profile);
  models::MigrationScenario sc = models::scenario_from_case(doc, "predict", base);
  sc.options.record_iterations = detail;
  auto ms = models::models_named(o.path("model"), model);
  for (const auto& name : extra) {
    bool have = false;
    for (const auto& m : ms) have = have || m->name() == name;
    if (have) continue;
    for (auto& m : models::models_named(o.path("baselines"), name)) ms.push_back(std::move(m));
  }
  return models::prediction_document(sc, ms).dump();
}

traces::RecordFormat format_of(JsonObject& o) {
  return traces::parse_record_format(o.path("format"), o.string("format", "csv"));
}

// A file name or a document given whole ("<name>" in messages).
void document_or_path(JsonObject& o, const char* key, const char* name, std::string& path,
                      std::optional<json>& doc) {
  const json& v = o.raw(key);
  if (v.is_string()) {
    path = v.get<std::string>();
  } else if (v.is_object()) {
    path = std::string("<") + name + ">";
    doc = v;
  } else {
    throw InputError(o.path(key) + ": expected a file name or a dict, got " + json_snippet(v));
  }
}

// run(scenario, traces, policy, param, seed, out_dir, format): the summary of `run --json`.
std::string run(const std::string& request) {
  const json doc = parse_json_text(request, "run");
  JsonObject o(doc, "run");
  experiments::ClusterRunRequest req;
  document_or_path(o, "scenario", "scenario", req.scenario_path, req.scenario_doc);
  req.traces_dir = o.string("traces", "");
  req.policy = o.string("policy", "");
  if (o.has("param")) req.parameter = o.number("param");
  if (o.has("seed")) req.seed = static_cast<std::uint64_t>(o.integer("seed", bounds::kSeed));
  experiments::ClusterJobOptions options;
  options.out_dir = o.string("out_dir", "");
  options.format = format_of(o);
  options.out_dir_flag = o.path("out_dir");
  o.finish();
  return experiments::run_cluster_job(req, options).summary.dump();
}

// batch(spec, schedule, profile, out, out_dir, format): the document of `batch --json`.
std::string batch(const std::string& request) {
  const json doc = parse_json_text(request, "batch");
  JsonObject o(doc, "batch");
  experiments::BatchJobRequest req;
  document_or_path(o, "batch", "batch", req.path, req.doc);
  if (o.has("schedule")) {
    const json& s = o.raw("schedule");
    req.schedule = s.is_string() ? s.get<std::string>() : s.dump();
  }
  req.schedule_flag = o.path("schedule");
  req.profile_path = o.string("profile", "");
  req.out = o.string("out", "");
  req.out_dir = o.string("out_dir", "");
  req.format = format_of(o);
  req.out_dir_flag = o.path("out_dir");
  o.finish();
  return experiments::run_batch_job(req).summary.dump();
}

// A list of strings (file names) under `key`; a single string is a list of one.
std::vector<std::string> file_list(JsonObject& o, const char* key) {
  std::vector<std::string> out;
  if (!o.has(key)) return out;
  const json& v = o.raw(key);
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array()) throw InputError(o.path(key) + ": expected a file name or a list of them, got " + json_snippet(v));
  for (const auto& f : v) {
    if (!f.is_string()) throw InputError(o.path(key) + ": expected file names, got " + json_snippet(f));
    out.push_back(f.get<std::string>());
  }
  return out;
}

// sweep(spec, model, profile, jobs): the JSON lines of `sweep SPEC --out F`, one per
// point and model, in point order.
std::string sweep(const std::string& request) {
  const json doc = parse_json_text(request, "sweep");
  JsonObject o(doc, "sweep");
  std::string where;
  std::optional<json> given;
  document_or_path(o, "spec", "spec", where, given);
  const std::string model = o.string("model", models::kDefaultModel);
  const std::string profile = o.string("profile", "");
  unsigned jobs = static_cast<unsigned>(o.integer("jobs", 0, bounds::kJobs));  // 0: one per core
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  o.finish();
  const json spec = given ? *given : read_json_file(where);
  models::MigrationScenario defaults;
  if (!profile.empty()) defaults.host = models::read_host_profile_file(profile);
  const experiments::PredictionSweep points(spec, where, defaults, jobs);
  const auto ms = models::models_named(o.path("model"), model);
  std::vector<const models::MigrationModel*> used;
  for (const auto& m : ms) used.push_back(m.get());
  experiments::SweepOutputOptions out;
  out.json = true;
  out.jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, points.size())));
  std::string lines;
  experiments::predict_sweep(points, used, out, [&](std::string_view s) { lines.append(s); });
  return lines;
}

// validate_report(datasets, train_on, no_tune, profile, windows): `validate report --json` with
// the --cases-json document under "case_detail" (validation/report_document.hpp).
std::string validate_report(const std::string& request) {
  const json doc = parse_json_text(request, "validate_report");
  JsonObject o(doc, "validate_report");
  validation::ReportRequest q;
  q.datasets = file_list(o, "datasets");
  if (q.datasets.empty()) throw InputError(o.path("datasets") + ": expected at least one dataset file");
  q.train_on = file_list(o, "train_on");
  q.no_tune = o.boolean("no_tune", false);
  q.profile = o.string("profile", "");
  q.windows_csv = o.string("windows", "");
  o.finish();
  return validation::report_document(q).dump();
}

}  // namespace

}  // namespace migsim::python

PYBIND11_MODULE(_native, m) {
  using namespace migsim::python;
  m.doc() = "migsim's C++ side: JSON requests in, JSON documents out (use the migsim package).";
  m.attr("__version__") = MIGSIM_VERSION;
  m.def("predict", [](const std::string& r) { return call([&] { return predict(r); }); },
        "predict(request_json) -> JSON of `migsim predict --json`");
  m.def("run", [](const std::string& r) { return call([&] { return run(r); }); },
        "run(request_json) -> JSON of `migsim run --json`");
  m.def("batch", [](const std::string& r) { return call([&] { return batch(r); }); },
        "batch(request_json) -> JSON of `migsim batch --json`");
  m.def("sweep", [](const std::string& r) { return call([&] { return sweep(r); }); },
        "sweep(request_json) -> the JSON lines of `migsim sweep --out`");
  m.def("validate_report", [](const std::string& r) { return call([&] { return validate_report(r); }); },
        "validate_report(request_json) -> JSON of `migsim validate report --json`, plus \"case_detail\"");
  m.def("model_names", [] { return migsim::models::predictor_names(); },
        "The models predict(model=...) accepts, besides \"all\"");
}
