#include "validation/ipv4_prefix.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "sim/input_error.hpp"

namespace migsim::validation {

std::uint32_t parse_ipv4(const std::string& where, const std::string& text) {
  in_addr a{};
  // inet_pton accepts exactly four decimal parts (no "127.1", no octal, no host names).
  if (text.empty() || ::inet_pton(AF_INET, text.c_str(), &a) != 1) {
    throw InputError(where + ": not an IPv4 address (A.B.C.D), got '" + text + "'");
  }
  return ntohl(a.s_addr);
}

Ipv4Prefix parse_ipv4_prefix(const std::string& where, const std::string& text) {
  const auto slash = text.find('/');
  Ipv4Prefix p;
  p.network = parse_ipv4(where, text.substr(0, slash));
  if (slash != std::string::npos) {
    const std::string len = text.substr(slash + 1);
    int v = -1;
    const auto r = std::from_chars(len.data(), len.data() + len.size(), v);
    if (len.empty() || r.ec != std::errc() || r.ptr != len.data() + len.size() || v < 0 || v > 32) {
      throw InputError(where + ": prefix length must be 0-32, got '" + text + "'");
    }
    p.length = v;
  }
  const std::uint32_t mask = p.length == 0 ? 0u : ~0u << (32 - p.length);
  if ((p.network & ~mask) != 0) {
    throw InputError(where + ": bits set past the prefix length, got '" + text + "'");
  }
  return p;
}

bool contains(const Ipv4Prefix& p, std::uint32_t address) {
  const std::uint32_t mask = p.length == 0 ? 0u : ~0u << (32 - p.length);
  return (address & mask) == p.network;
}

bool any_contains(std::span<const Ipv4Prefix> prefixes, std::uint32_t address) {
  for (const auto& p : prefixes) {
    if (contains(p, address)) return true;
  }
  return false;
}

std::string ipv4_text(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255u) + "." +
         std::to_string((address >> 8) & 255u) + "." + std::to_string(address & 255u);
}

std::string to_string(const Ipv4Prefix& p) { return ipv4_text(p.network) + "/" + std::to_string(p.length); }

}  // namespace migsim::validation
