// DataPlane (see data_plane.h). One thread polls the TUN fd, the UDP socket and an
// eventfd that stops it. Everything a batch needs is allocated once, up front.
#include "data_plane.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <system_error>

#include "addon.h"
#include "mss_clamp.h"

namespace postern {

namespace {

constexpr uint8_t kDataV1 = 6;
constexpr uint8_t kDataV2 = 9;
constexpr size_t kMagicBytes = 16;
// core/data/constants.ts PING_MAGIC and OCC_MAGIC (ovpn:ping.c, occ.h).
constexpr uint8_t kPingMagic[kMagicBytes] = {0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb, 0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48};
constexpr uint8_t kOccMagic[kMagicBytes] = {0x28, 0x7f, 0x34, 0x6b, 0xd4, 0xef, 0x7a, 0x81, 0x2d, 0x56, 0xb8, 0xd3, 0xaf, 0xc5, 0x45, 0x9c};
// A full send queue gets this long to drain once before the rest of the batch is dropped:
// waiting a little loses fewer TCP segments than dropping at once (JS's path cannot wait).
constexpr int kSendWaitMs = 5;
// UDP GSO limits: at most 64 segments per send (the kernel's limit before 2024, which
// userspace cannot query), and the payload of one IPv4 UDP datagram.
constexpr size_t kMaxGsoSegments = 64;
constexpr size_t kMaxGsoBytes = 65507;

int Dup(int fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) throw std::system_error(errno, std::generic_category(), "DataPlane: dup");
  return copy;
}

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

DataPlane::DataPlane(const PlaneOptions& options, UpSink up) : options_(options), up_(std::move(up)) {
  options_.tunFd = Dup(options.tunFd);
  try {
    options_.udpFd = Dup(options.udpFd);
  } catch (...) {
    close(options_.tunFd);
    throw;
  }
  stopFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stopFd_ < 0) {
    int err = errno;
    close(options_.tunFd);
    close(options_.udpFd);
    throw std::system_error(err, std::generic_category(), "DataPlane: eventfd");
  }
  // +1: the swap framing appends a byte; the headroom takes the other framings' prefix.
  inSlot_ = kFramingHeadroom + options_.mtu + 1;
  outSlot_ = inSlot_ + DataKey::OverheadBytes(options_.peerId);
  // A data packet of this tunnel is at most MTU + framing + overhead; control packets are
  // smaller still. Anything longer is nobody's and is dropped as oversized.
  rxSlot_ = std::max<size_t>(options_.mtu + 256, 2048);
  size_t batch = options_.maxBatch;
  tunIn_.reset(new uint8_t[batch * inSlot_]);
  sealed_.reset(new uint8_t[batch * outSlot_]);
  received_.reset(new uint8_t[batch * rxSlot_]);
  opened_.reset(new uint8_t[batch * rxSlot_]);
  sealedLengths_.resize(batch);
  // Offered by the kernel when getsockopt knows the option (4.18+); EIO on a route without
  // checksum offload turns it off at the first send.
  int segment = 0;
  socklen_t size = sizeof segment;
  gso_ = options_.udpGso && getsockopt(options_.udpFd, SOL_UDP, UDP_SEGMENT, &segment, &size) == 0;
}

DataPlane::~DataPlane() {
  Stop();
  close(stopFd_);
}

void DataPlane::SetKeys(std::vector<PlaneKey> keys) {
  std::lock_guard<std::mutex> lock(keysMutex_);
  keys_ = std::move(keys);
}

std::vector<PlaneKey> DataPlane::KeysNow() {
  std::lock_guard<std::mutex> lock(keysMutex_);
  return keys_;
}

void DataPlane::Start() {
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void DataPlane::Stop() {
  if (!started_) {
    if (options_.tunFd >= 0) close(options_.tunFd);
    if (options_.udpFd >= 0) close(options_.udpFd);
    options_.tunFd = options_.udpFd = -1;
    return;
  }
  started_ = false;
  uint64_t one = 1;
  (void)!write(stopFd_, &one, sizeof one);
  thread_.join();
  close(options_.tunFd);
  close(options_.udpFd);
  options_.tunFd = options_.udpFd = -1;
}

int64_t DataPlane::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void DataPlane::Run() {
  pollfd fds[3] = {{options_.tunFd, POLLIN, 0}, {options_.udpFd, POLLIN, 0}, {stopFd_, POLLIN, 0}};
  for (;;) {
    int ready = poll(fds, 3, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[2].revents != 0) break;
    if (fds[1].revents & (POLLIN | POLLERR)) HandleUdp();
    if (fds[0].revents & POLLIN) HandleTun();
    // A deleted device or a closed socket would wake us forever: stop watching it; JS
    // learns of it from its own side (the TUN write fails, the link times out).
    if (fds[0].revents & (POLLHUP | POLLNVAL | POLLERR)) fds[0].fd = -1;
    if (fds[1].revents & (POLLHUP | POLLNVAL)) fds[1].fd = -1;
    FlushUp();
  }
  FlushUp();
}

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
    // The kernel refused this message (a route gone, an ICMP error pending): the rest may go.
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

void DataPlane::Up(UpKind kind, const uint8_t* bytes, size_t length) {
  if (!pending_) pending_.reset(new UpBatch());
  pending_->bytes.insert(pending_->bytes.end(), bytes, bytes + length);
  pending_->lengths.push_back(static_cast<uint32_t>(length));
  pending_->kinds.push_back(static_cast<uint8_t>(kind));
  upPackets_.fetch_add(1, std::memory_order_relaxed);
}

void DataPlane::FlushUp() {
  if (!pending_ || pending_->lengths.empty()) return;
  upBatches_.fetch_add(1, std::memory_order_relaxed);
  up_(std::move(pending_));
}

PlaneCounters DataPlane::Counters() const {
  PlaneCounters c;
  c.packetsIn = packetsIn_.load();
  c.bytesIn = bytesIn_.load();
  c.packetsOut = packetsOut_.load();
  c.bytesOut = bytesOut_.load();
  c.tunPacketsIn = tunPacketsIn_.load();
  c.tunBytesIn = tunBytesIn_.load();
  c.tunPacketsOut = tunPacketsOut_.load();
  c.tunBytesOut = tunBytesOut_.load();
  c.pingsIn = pingsIn_.load();
  c.upBatches = upBatches_.load();
  c.upPackets = upPackets_.load();
  c.tunBatches = tunBatches_.load();
  c.sendCalls = sendCalls_.load();
  c.receiveCalls = receiveCalls_.load();
  for (size_t i = 0; i < c.drops.size(); i++) c.drops[i] = drops_[i].load();
  int64_t now = NowMs();
  int64_t received = lastReceivedMs_.load();
  int64_t sent = lastSentMs_.load();
  c.msSinceReceived = received < 0 ? -1 : now - received;
  c.msSinceSent = sent < 0 ? -1 : now - sent;
  c.udpGso = gso_.load();
  return c;
}

}  // namespace postern
