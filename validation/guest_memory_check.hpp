#pragma once
// The guest's check of its own memory after a migration: the harness writes "VERIFY" to the
// guest's control port (ttyS1), the dirtier checks every page of its fill (header, checksum,
// and the sequence of the last write, see validation/guest/dirtier.c) and prints
// "MIGSIM-VERIFY pages=N bad=K stale=S first_bad=I writes=W ms=T" on its console.
#include <string>

#include <nlohmann/json.hpp>

#include "validation/guest_vm.hpp"

namespace migsim::validation {

// The record's "guest_memory": {"verified", "where", "pages", "bad", "stale", "first_bad",
// "writes", "verify_ms"} from the guest's answer; {"verified": false, "where", "error"} when it
// gave none within `timeout_s` (or its console line is unreadable). verified = an answer with
// bad == 0.
nlohmann::json verify_guest_memory(GuestVm& vm, double timeout_s);

// Parses a MIGSIM-VERIFY line into the fields above (without "where"); InputError when the
// line is not one.
nlohmann::json parse_verify_line(const std::string& line);

// How long the guest may take to check `fill_mib` MiB (TCG checks ~0.5 GiB/s; generous).
double verify_timeout_s(double fill_mib);

// A record whose guest crashed after the migration (guest_alive_after.corruption_signs: a
// panic, an oops, a reboot) or whose guest memory was not verified becomes a failed migration
// ("guest crashed after the migration (...)") whatever QEMU
// said: "outcome": "failed" and "failure_reason" ("guest memory corrupted" when the guest
// found bad pages). Records with a verified guest are left as they are. Returns true when
// it marked the record failed.
bool fail_unless_memory_verified(nlohmann::json& rec);

}  // namespace migsim::validation
