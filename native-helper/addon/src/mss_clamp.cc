#include "mss_clamp.h"

namespace postern {

namespace {

constexpr uint8_t kTcp = 6;
constexpr size_t kTcpHeaderBytes = 20;
constexpr uint8_t kSyn = 0x02;
constexpr int kIpv6ExtraBytes = 20;

uint16_t Read16(const uint8_t* at) { return static_cast<uint16_t>((at[0] << 8) | at[1]); }
void Write16(uint8_t* at, uint16_t value) {
  at[0] = static_cast<uint8_t>(value >> 8);
  at[1] = static_cast<uint8_t>(value);
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').
void AdjustChecksum(uint8_t* at, uint16_t oldWord, uint16_t newWord) {
  uint32_t sum = static_cast<uint32_t>(~Read16(at) & 0xffff) + (~oldWord & 0xffff) + newWord;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  Write16(at, static_cast<uint16_t>(~sum & 0xffff));
}

bool ClampSegment(uint8_t* packet, size_t length, size_t tcpStart, int maxMss) {
  if (tcpStart > length || length - tcpStart < kTcpHeaderBytes || (packet[tcpStart + 13] & kSyn) == 0) return false;
  size_t tcpHeaderBytes = static_cast<size_t>(packet[tcpStart + 12] >> 4) * 4;
  if (tcpHeaderBytes <= kTcpHeaderBytes || tcpStart + tcpHeaderBytes > length) return false;
  bool changed = false;
  size_t offset = tcpStart + kTcpHeaderBytes;
  size_t end = tcpStart + tcpHeaderBytes;
  while (end - offset > 1) {
    uint8_t kind = packet[offset];
    if (kind == 0) break;  // end of options
    if (kind == 1) {       // no-op
      offset += 1;
      continue;
    }
    size_t optionBytes = packet[offset + 1];
    if (optionBytes < 2 || offset + optionBytes > end) break;  // malformed: leave the rest alone
    if (kind == 2 && optionBytes == 4) {
      uint16_t mss = Read16(packet + offset + 2);
      if (maxMss >= 0 && mss > maxMss) {
        Write16(packet + offset + 2, static_cast<uint16_t>(maxMss));
        AdjustChecksum(packet + tcpStart + 16, mss, static_cast<uint16_t>(maxMss));
        changed = true;
      }
    }
    offset += optionBytes;
  }
  return changed;
}

}  // namespace

bool ClampTcpMss(uint8_t* packet, size_t length, int maxMss) {
  if (length == 0) return false;
  int version = packet[0] >> 4;
  if (version == 4) {
    if (length < 20 || packet[9] != kTcp) return false;
    size_t headerBytes = static_cast<size_t>(packet[0] & 0x0f) * 4;
    size_t totalBytes = Read16(packet + 2);
    // Only whole, unfragmented packets: a later fragment has no TCP header at its start.
    if (totalBytes != length || (Read16(packet + 6) & 0x1fff) != 0 || headerBytes < 20) return false;
    return ClampSegment(packet, length, headerBytes, maxMss);
  }
  if (version == 6) {
    if (length < 40 || packet[6] != kTcp || static_cast<size_t>(Read16(packet + 4)) + 40 != length) return false;
    return ClampSegment(packet, length, 40, maxMss - kIpv6ExtraBytes);
  }
  return false;
}

}  // namespace postern
