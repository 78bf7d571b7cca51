// DataPlane's receive side (see data_plane.h): recvmmsg → decrypt and replay-check with the
// packet's key → pings counted → unframe → mssfix → TUN writes; the rest goes up to JS.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "addon.h"
#include "data_plane.h"
#include "mss_clamp.h"

namespace postern {

namespace {

constexpr uint8_t kDataV1 = 6;
constexpr uint8_t kDataV2 = 9;
constexpr size_t kMagicBytes = 16;
// core/data/constants.ts PING_MAGIC and OCC_MAGIC (ovpn:ping.c, occ.h).
constexpr uint8_t kPingMagic[kMagicBytes] = {0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb, 0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48};
constexpr uint8_t kOccMagic[kMagicBytes] = {0x28, 0x7f, 0x34, 0x6b, 0xd4, 0xef, 0x7a, 0x81, 0x2d, 0x56, 0xb8, 0xd3, 0xaf, 0xc5, 0x45, 0x9c};

}  // namespace

void DataPlane::HandleUdp() {
  size_t batch = options_.maxBatch;
  std::vector<iovec> iovecs(batch);
  std::vector<mmsghdr> messages(batch);
  for (size_t i = 0; i < batch; i++) {
    iovecs[i] = {received_.get() + i * rxSlot_, rxSlot_};
    messages[i] = {};
    messages[i].msg_hdr.msg_iov = &iovecs[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  int got = recvmmsg(options_.udpFd, messages.data(), static_cast<unsigned>(batch), MSG_DONTWAIT, nullptr);
  if (got < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    // ECONNREFUSED (nothing listens on the server's port) and the like: JS decides.
    std::string code = ErrnoName(errno);
    Up(UpKind::kSocketError, reinterpret_cast<const uint8_t*>(code.data()), code.size());
    return;
  }
  receiveCalls_.fetch_add(1, std::memory_order_relaxed);
  std::vector<PlaneKey> keys = KeysNow();
  std::vector<uint8_t*> tunOut;
  std::vector<size_t> tunLengths;
  tunOut.reserve(static_cast<size_t>(got));
  tunLengths.reserve(static_cast<size_t>(got));
  for (int i = 0; i < got; i++) {
    uint8_t* packet = received_.get() + static_cast<size_t>(i) * rxSlot_;
    size_t length = messages[i].msg_len;
    if (messages[i].msg_hdr.msg_flags & MSG_TRUNC) {
      Drop(DropCode::kOversized);
      continue;
    }
    if (length == 0) continue;  // core ignores empty datagrams too
    uint8_t opcode = packet[0] >> 3;
    int keyId = packet[0] & 0x07;
    bool held = false;
    if (opcode == kDataV1 || opcode == kDataV2) {
      for (const PlaneKey& key : keys) held = held || (key.keyId == keyId && key.key);
    }
    if (!held) {
      Up(UpKind::kDatagram, packet, length);
      continue;
    }
    ReceiveData(packet, length, keys, tunOut, tunLengths);
  }
  if (!tunOut.empty()) WriteTun(tunOut, tunLengths);
}

void DataPlane::ReceiveData(uint8_t* packet, size_t length, const std::vector<PlaneKey>& keys, std::vector<uint8_t*>& tunOut,
                            std::vector<size_t>& tunLengths) {
  packetsIn_.fetch_add(1, std::memory_order_relaxed);
  bytesIn_.fetch_add(length, std::memory_order_relaxed);
  int keyId = packet[0] & 0x07;
  const PlaneKey* key = nullptr;
  for (const PlaneKey& candidate : keys) {
    if (candidate.keyId == keyId && candidate.key) {
      key = &candidate;
      break;
    }
  }
  // The plaintext goes to the same slot index in opened_ (it is never longer).
  uint8_t* out = opened_.get() + static_cast<size_t>(packet - received_.get());
  size_t plainLength = 0;
  DropCode drop = key->key->Decrypt(packet, length, out, &plainLength);
  if (drop != DropCode::kNone) return Drop(drop);
  lastReceivedMs_.store(NowMs(), std::memory_order_relaxed);
  uint8_t* ip = out;
  drop = Unframe(options_.framing, &ip, &plainLength);
  if (drop != DropCode::kNone) return Drop(drop);
  if (plainLength == kMagicBytes && memcmp(ip, kPingMagic, kMagicBytes) == 0) {
    pingsIn_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (plainLength > kMagicBytes && memcmp(ip, kOccMagic, kMagicBytes) == 0) return Up(UpKind::kPlaintext, ip, plainLength);
  if (plainLength == 0) return;
  if (options_.maxMss >= 0) ClampTcpMss(ip, plainLength, options_.maxMss);
  tunPacketsIn_.fetch_add(1, std::memory_order_relaxed);
  tunBytesIn_.fetch_add(plainLength, std::memory_order_relaxed);
  tunOut.push_back(ip);
  tunLengths.push_back(plainLength);
}

void DataPlane::WriteTun(const std::vector<uint8_t*>& packets, const std::vector<size_t>& lengths) {
  for (size_t i = 0; i < packets.size(); i++) {
    ssize_t wrote;
    do {
      wrote = write(options_.tunFd, packets[i], lengths[i]);
    } while (wrote < 0 && errno == EINTR);
    // A full device queue (EAGAIN) drops, as the JS path's tun.write does.
    if (wrote < 0) Drop(DropCode::kTunWriteDropped);
  }
}

}  // namespace postern
