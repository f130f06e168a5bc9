#pragma once
// The record of one real web run (issue 12): a stream of HTTP requests against a web
// application in a guest, with or without a live migration of that guest during it. Written by
// `migsim validate record-web` (one JSON object per line), read by `migsim validate report` for
// web datasets and by the application-impact model's validation. This header is the contract
// between the two; the writer and the reader live in their own files.
//
// A line, all times in seconds from the send time of the first request ("load time"):
// {
//   "format": "migsim-web-run/1",
//   "run": "w-bw200-dl100",                 // unique in a dataset
//   "split": "train" | "report",            // fitted on train, reported on report
//   "scenario": "none" | "migrate" | "auto-converge" | "policy",
//   "app": {                                // what the guest served and how it was asked
//     "arrival_rps": 50.0,                  // open-loop request rate
//     "service_ms": 4.0,                    // median latency measured before the migration
//     "slo_ms": 100.0,                      // requests slower than this are over the SLO
//     "timeout_ms": 5000.0,                 // a request unanswered by then is a timeout
//     "work": { ... }                       // the guest app's own knobs (CPU work, memory written)
//   },
//   "load": { "duration_s": 20.0, "requests": 1000, "migration_at_s": 5.0 | null },
//   "migration": null | {                   // null for scenario "none"
//     "start_s": 5.02, "end_s": 9.81,       // migrate issued / status completed (load time)
//     "record": { ... }                     // a "migsim-validation/1" record (validation_dataset),
//   },                                      // readable by measured_from_record()
//   "windows": [                            // 0.1 s windows, models::request_windows()
//     { "t_s", "sent", "completed", "errors", "timeouts", "p50_ms", "p99_ms", "max_ms",
//       "throughput_rps", "host_cpu_pct" }  // host_cpu_pct: whole host, null if unmeasured
//   ],
//   "summary": { ...models::to_json(RequestSummary) with "p99_during_ms" over
//                [migration.start_s, migration.end_s] ... },
//   "env": { "recorded_at", "host_cpus", "host_load_1min_start", "host_load_1min_end",
//            "foreign_cpu_cores", "kernel_version", "qemu_version", "image_id" }
// }
// The full per-request log (send_s, done_s, outcome) goes to a separate file per run when asked
// (`--requests-dir`), not into the dataset.

namespace migsim::validation {

inline constexpr const char* kWebRecordFormat = "migsim-web-run/1";

}  // namespace migsim::validation
