// mssfix on the native data plane: lowers the MSS option of TCP SYNs in an IP packet to
// maxMss, with exactly core's rules (core/data/mss-clamp.ts is the reference): whole
// unfragmented IPv4, IPv6 with TCP right after the fixed header (maxMss - 20 there), the
// checksum patched incrementally. Returns true when it changed the packet.
#pragma once

#include <cstddef>
#include <cstdint>

namespace postern {

bool ClampTcpMss(uint8_t* packet, size_t length, int maxMss);

}  // namespace postern
