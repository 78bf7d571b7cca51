// DataPlane's send side (see data_plane.h): a TUN burst → mssfix → framing → encrypt with
// the send key core's rule picks → sendmmsg, runs of equal-sized datagrams as one UDP GSO send.
#include <errno.h>
#include <netinet/udp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "addon.h"
#include "data_plane.h"
#include "mss_clamp.h"

namespace postern {

namespace {

// A full send queue gets this long to drain once before the rest of the batch is dropped:
// waiting a little loses fewer TCP segments than dropping at once (JS's path cannot wait).
constexpr int kSendWaitMs = 5;
// A lost source address is passed up to JS at most this often (see SendDatagrams).
constexpr int64_t kSourceLostUpMs = 100;
// UDP GSO limits: at most 64 segments per send (the kernel's limit before 2024, which
// userspace cannot query), and the payload of one IPv4 UDP datagram.
constexpr size_t kMaxGsoSegments = 64;
constexpr size_t kMaxGsoBytes = 65507;

// core/session/key-selection.ts, over the plane's copy of the key list (newest first).
const PlaneKey* SelectSendKey(const std::vector<PlaneKey>& keys, std::chrono::steady_clock::time_point now) {
  const PlaneKey* fallback = nullptr;
  for (size_t index = 0; index < keys.size(); index++) {
    const PlaneKey& key = keys[index];
    if (!key.key) continue;
    if (fallback == nullptr) fallback = &key;
    bool superseded = index > 0;
    if (key.peerSendsWithKey || key.key->PeerHasSent() || now >= key.encryptNotBefore || superseded) return &key;
  }
  return fallback;
}

}  // namespace

void DataPlane::HandleTun() {
  std::vector<PlaneKey> keys = KeysNow();
  const PlaneKey* send = SelectSendKey(keys, std::chrono::steady_clock::now());
  size_t count = 0;
  size_t readMax = inSlot_ - kFramingHeadroom - 1;
  for (uint32_t i = 0; i < options_.maxBatch; i++) {
    uint8_t* packet = tunIn_.get() + count * inSlot_ + kFramingHeadroom;
    ssize_t got = read(options_.tunFd, packet, readMax);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: drained; anything else: the device is going away
    }
    if (got == 0) break;
    size_t length = static_cast<size_t>(got);
    if (send == nullptr) {
      Drop(DropCode::kNoSendKey);
      continue;
    }
    // Both directions, as 2.x does: the SYN leaving and the SYN-ACK coming back.
    if (options_.maxMss >= 0) ClampTcpMss(packet, length, options_.maxMss);
    uint8_t* start = packet;
    size_t framed = Frame(options_.framing, &start, length);
    ssize_t sealed = send->key->Encrypt(start, framed, send->keyId, options_.peerId, sealed_.get() + count * outSlot_);
    if (sealed < 0) {
      // Packet ids exhausted (core renegotiates long before) or OpenSSL failed: not sendable.
      Drop(DropCode::kNoSendKey);
      continue;
    }
    tunPacketsOut_.fetch_add(1, std::memory_order_relaxed);
    tunBytesOut_.fetch_add(length, std::memory_order_relaxed);
    sealedLengths_[count++] = static_cast<size_t>(sealed);
  }
  tunBatches_.fetch_add(1, std::memory_order_relaxed);
  if (count > 0) SendDatagrams(0, count);
}

// Groups sealed datagrams for one sendmmsg: with UDP GSO, a run of equal-length datagrams
// (the last may be shorter, and ends the run) becomes one message the kernel segments
// (UDP_SEGMENT, platform.md §3): one trip through the stack for up to kMaxGsoSegments.
void DataPlane::SendDatagrams(size_t from, size_t count) {
  struct Group {
    size_t first, count, bytes;
  };
  std::vector<Group> groups;
  for (size_t i = from; i < count;) {
    Group group{i, 1, sealedLengths_[i]};
    size_t segment = sealedLengths_[i];
    while (gso_ && group.first + group.count < count && group.count < kMaxGsoSegments) {
      size_t next = sealedLengths_[group.first + group.count];
      if (next > segment || group.bytes + next > kMaxGsoBytes) break;
      group.count++;
      group.bytes += next;
      if (next < segment) break;  // a shorter one ends the run
    }
    groups.push_back(group);
    i += group.count;
  }
  std::vector<iovec> iovecs(count);
  std::vector<mmsghdr> messages(groups.size());
  constexpr size_t kControlBytes = CMSG_SPACE(sizeof(uint16_t));
  std::vector<uint64_t> controls((groups.size() * kControlBytes + 7) / 8 + 1);
  for (size_t i = from; i < count; i++) iovecs[i] = {sealed_.get() + i * outSlot_, sealedLengths_[i]};
  for (size_t g = 0; g < groups.size(); g++) {
    messages[g] = {};
    msghdr& header = messages[g].msg_hdr;
    header.msg_iov = &iovecs[groups[g].first];
    header.msg_iovlen = groups[g].count;
    if (groups[g].count > 1) {
      header.msg_control = reinterpret_cast<uint8_t*>(controls.data()) + g * kControlBytes;
      header.msg_controllen = kControlBytes;
      cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
      cmsg->cmsg_level = SOL_UDP;
      cmsg->cmsg_type = UDP_SEGMENT;
      cmsg->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      uint16_t segment = static_cast<uint16_t>(sealedLengths_[groups[g].first]);
      memcpy(CMSG_DATA(cmsg), &segment, sizeof segment);
    }
  }
  size_t sent = 0;
  bool waited = false;
  while (sent < groups.size()) {
    int done = sendmmsg(options_.udpFd, messages.data() + sent, static_cast<unsigned>(groups.size() - sent), 0);
    sendCalls_.fetch_add(1, std::memory_order_relaxed);
    if (done > 0) {
      for (int i = 0; i < done; i++) {
        bytesOut_.fetch_add(groups[sent + i].bytes, std::memory_order_relaxed);
        packetsOut_.fetch_add(groups[sent + i].count, std::memory_order_relaxed);
      }
      sent += static_cast<size_t>(done);
      lastSentMs_.store(NowMs(), std::memory_order_relaxed);
      continue;
    }
    int err = errno;
    if (err == EINTR) continue;
    if ((err == EIO || err == EINVAL) && groups[sent].count > 1) {
      // No checksum offload on this route (EIO), or a kernel without GSO: as wireguard-go
      // does, send without segmentation from now on; this batch goes out unsegmented.
      gso_ = false;
      return SendDatagrams(groups[sent].first, count);
    }
    if ((err == EAGAIN || err == ENOBUFS) && !waited) {
      waited = true;
      pollfd writable = {options_.udpFd, POLLOUT, 0};
      poll(&writable, 1, kSendWaitMs);
      continue;
    }
    if (err == EAGAIN || err == ENOBUFS) {
      size_t left = 0;
      for (size_t g = sent; g < groups.size(); g++) left += groups[g].count;
      Drop(DropCode::kSendQueueFull, left);
      return;
    }
    if (err == ENETUNREACH || err == EADDRNOTAVAIL || err == EINVAL) {
      // Our source address went away (moved to another network): JS connects the socket
      // again for the route of now (NativeUdpLink, the same socket as this dup), and the
      // server floats the session to the new address by its peer-id. What is left of this
      // burst is dropped, counted as what it was; the next burst leaves from the new address.
      size_t left = 0;
      for (size_t g = sent; g < groups.size(); g++) left += groups[g].count;
      Drop(DropCode::kSendFailed, left);
      int64_t now = NowMs();
      if (sourceLostUpMs_ < 0 || now - sourceLostUpMs_ >= kSourceLostUpMs) {
        sourceLostUpMs_ = now;
        std::string code = ErrnoName(err);
        Up(UpKind::kSocketError, reinterpret_cast<const uint8_t*>(code.data()), code.size());
      }
      return;
    }
    // The kernel refused this message (an ICMP error pending): the rest may go.
    Drop(DropCode::kSendFailed, groups[sent].count);
    sent++;
    // Nothing listens on the server's port: this send consumed the socket's pending error,
    // so JS hears it from here, as its own sends would have told it (the attempt ends now).
    if (err == ECONNREFUSED) {
      std::string code = ErrnoName(err);
      Up(UpKind::kSocketError, reinterpret_cast<const uint8_t*>(code.data()), code.size());
      return;
    }
  }
}

}  // namespace postern
