#pragma once
// IPv4 addresses and prefixes as the load generator's allow-list needs them: dotted-quad text
// only (no host names, no DNS), "A.B.C.D/LEN" prefixes, membership.
#include <cstdint>
#include <span>
#include <string>

namespace migsim::validation {

struct Ipv4Prefix {
  std::uint32_t network = 0;  // host byte order, the bits past `length` zero
  int length = 32;
};

// "10.233.0.7" -> host-order address; InputError "<where>: not an IPv4 address, got 'x'".
std::uint32_t parse_ipv4(const std::string& where, const std::string& text);
// "10.233.0.0/16" (or a bare address = /32); bits past the length must be zero.
Ipv4Prefix parse_ipv4_prefix(const std::string& where, const std::string& text);
bool contains(const Ipv4Prefix& p, std::uint32_t address);
bool any_contains(std::span<const Ipv4Prefix> prefixes, std::uint32_t address);
std::string to_string(const Ipv4Prefix& p);   // "10.233.0.0/16"
std::string ipv4_text(std::uint32_t address);  // "10.233.0.7"

}  // namespace migsim::validation
