// DataPlane (see data_plane.h): setup, the thread's loop, keys, what goes up, counters.
// One thread polls the TUN fd, the UDP socket and an eventfd that stops it; everything a
// batch needs is allocated once, up front. The two directions: data_plane_send.cc and
// data_plane_receive.cc.
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


namespace postern {

namespace {

int Dup(int fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) throw std::system_error(errno, std::generic_category(), "DataPlane: dup");
  return copy;
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
