// Why the native data path dropped a packet: the same closed set of codes core counts
// (core/data/data-cipher.ts DataDrop, core/session/codes.ts), so the helper can add the
// native counts to core's without translating meanings.
#pragma once

#include <cstdint>

namespace postern {

enum class DropCode : uint8_t {
  kNone = 0,
  kBadPacketId,   // data.bad_packet_id: id 0
  kReplay,        // data.replay: seen already
  kReplayWindow,  // data.replay_window: older than the window
  kTruncated,     // data.truncated
  kBadOpcode,     // data.bad_opcode
  kAuthFailed,    // data.auth_failed
  // The data plane's own (data_plane.cc), also core's codes:
  kNoSendKey,              // data.no_send_key
  kBadCompressionHeader,   // data.bad_compression_header
  kCompressionNotAllowed,  // data.compression_not_allowed
  kSendQueueFull,          // udp.send_queue_full
  kSendFailed,             // udp.send_failed
  kTunWriteDropped,        // tun.write_dropped
  kOversized,              // udp.oversized: longer than any data packet of this tunnel
  kCount,
};

// core's code for it ("data.replay"); "" for kNone.
const char* DropCodeName(DropCode code);

}  // namespace postern
