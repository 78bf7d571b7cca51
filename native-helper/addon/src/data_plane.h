// DataPlane: one tunnel's hot loop on a thread of its own, so that no JavaScript runs
// per packet (issue 18). TUN batch → mssfix → framing → encrypt with the send key →
// sendmmsg; recvmmsg → decrypt with the packet's key id → replay → pings counted →
// unframe → mssfix → TUN. What it cannot handle (control packets, key ids it does not
// hold, OCC messages, socket errors) goes up to JS in batches.
//
// JS stays in charge of keys: SetKeys installs the session's key list (newest first) and
// the send key is chosen per batch with core's rule (core/session/key-selection.ts).
// Keys are DataKeys shared with JS, so packet ids are never reused between the two paths.
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "data_key.h"
#include "drop_code.h"
#include "framing.h"

namespace postern {

struct PlaneOptions {
  int tunFd = -1;  // the plane keeps dup()s: its fds stay valid until Stop, whoever closes theirs
  int udpFd = -1;
  uint32_t maxBatch = 64;
  size_t mtu = 1500;
  int maxMss = -1;  // mssfix off when < 0
  Framing framing = Framing::kNone;
  int32_t peerId = -1;  // DATA_V1 when < 0
  bool udpGso = true;   // UDP_SEGMENT on send while the kernel takes it
};

struct PlaneKey {
  int keyId = 0;
  std::shared_ptr<DataKey> key;  // null: a negotiation without data keys yet (still counts as newer)
  std::chrono::steady_clock::time_point encryptNotBefore;
  bool peerSendsWithKey = false;  // core already saw the server use it
};

// What goes up to JS.
enum class UpKind : uint8_t {
  kDatagram = 0,   // a datagram as received, for core's receive()
  kPlaintext = 1,  // an unframed data-channel message that is not IP (OCC)
  kSocketError = 2,  // recvmmsg failed, or a send met ECONNREFUSED or a lost source address: the payload is the errno as text
};

struct UpBatch {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> lengths;
  std::vector<uint8_t> kinds;
};

struct PlaneCounters {
  uint64_t packetsIn = 0, bytesIn = 0, packetsOut = 0, bytesOut = 0;
  uint64_t tunPacketsIn = 0, tunBytesIn = 0, tunPacketsOut = 0, tunBytesOut = 0;
  uint64_t pingsIn = 0, upBatches = 0, upPackets = 0, tunBatches = 0, sendCalls = 0, receiveCalls = 0;
  std::array<uint64_t, static_cast<size_t>(DropCode::kCount)> drops{};
  int64_t msSinceReceived = -1;  // -1: nothing authenticated yet
  int64_t msSinceSent = -1;
  bool udpGso = false;
};

class DataPlane {
 public:
  using UpSink = std::function<void(std::unique_ptr<UpBatch>)>;

  // Throws std::system_error when the fds cannot be duplicated or the eventfd made.
  DataPlane(const PlaneOptions& options, UpSink up);
  ~DataPlane();
  DataPlane(const DataPlane&) = delete;
  DataPlane& operator=(const DataPlane&) = delete;

  void SetKeys(std::vector<PlaneKey> keys);
  void Start();
  // Synchronous: the thread has ended and the plane's fds are closed when it returns.
  void Stop();
  PlaneCounters Counters() const;

 private:
  void Run();
  void HandleTun();
  void HandleUdp();
  void ReceiveData(uint8_t* packet, size_t length, const std::vector<PlaneKey>& keys, std::vector<uint8_t*>& tunOut, std::vector<size_t>& tunLengths);
  // Sends the sealed datagrams [from, count).
  void SendDatagrams(size_t from, size_t count);
  void WriteTun(const std::vector<uint8_t*>& packets, const std::vector<size_t>& lengths);
  void Up(UpKind kind, const uint8_t* bytes, size_t length);
  void FlushUp();
  void Drop(DropCode code, uint64_t count = 1) { drops_[static_cast<size_t>(code)].fetch_add(count, std::memory_order_relaxed); }
  std::vector<PlaneKey> KeysNow();
  static int64_t NowMs();

  PlaneOptions options_;
  UpSink up_;
  int stopFd_ = -1;
  std::thread thread_;
  bool started_ = false;

  std::mutex keysMutex_;
  std::vector<PlaneKey> keys_;

  // Thread-owned buffers: TUN reads (with framing headroom), sealed datagrams, received datagrams.
  size_t inSlot_ = 0, outSlot_ = 0, rxSlot_ = 0;
  std::unique_ptr<uint8_t[]> tunIn_, sealed_, received_, opened_;
  std::vector<size_t> sealedLengths_;
  std::unique_ptr<UpBatch> pending_;
  std::atomic<bool> gso_{false};  // written by the plane's thread after Start

  std::atomic<uint64_t> packetsIn_{0}, bytesIn_{0}, packetsOut_{0}, bytesOut_{0};
  std::atomic<uint64_t> tunPacketsIn_{0}, tunBytesIn_{0}, tunPacketsOut_{0}, tunBytesOut_{0};
  std::atomic<uint64_t> pingsIn_{0}, upBatches_{0}, upPackets_{0}, tunBatches_{0}, sendCalls_{0}, receiveCalls_{0};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(DropCode::kCount)> drops_{};
  std::atomic<int64_t> lastReceivedMs_{-1}, lastSentMs_{-1};
  // When a lost source address was last passed up (plane thread only): at most one per
  // kSourceLostUpMs, so a network that is gone for a while does not flood JS.
  int64_t sourceLostUpMs_ = -1;
};

}  // namespace postern
