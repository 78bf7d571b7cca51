// UdpSocket: the helper's connected UDP socket to the VPN server, with batched I/O.
//
// node:dgram costs one JS callback, one Buffer and one rinfo object per datagram received,
// and one send request per datagram sent; at tunnel rates that was about half of the
// helper's CPU (profiled). Here a wake-up drains up to maxBatch datagrams with ONE
// recvmmsg() and calls JS ONCE, with the same (buffer, lengths, count) shape as
// TunReader; and sendBatch() hands a whole burst to ONE sendmmsg(). The socket is
// connect()ed, so the kernel drops datagrams from anyone but the server, and ICMP errors
// come back as errno on the next call (ECONNREFUSED: nothing listens on that port).
// A connected socket also keeps the source address chosen at connect time: when that
// address goes away, sends fail (ENETUNREACH) until reconnect() connects it again.
#include "addon.h"
#include "readable_poll.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace postern {

namespace {

// 4 MiB each way, as the dgram link asked for: bursts of a fast download must not
// overflow the receive queue while JS is busy with the previous batch.
constexpr int kSocketBufferBytes = 4 * 1024 * 1024;

void SetBufferSize(int fd, int forced, int plain) {
  // As root, *FORCE may exceed net.core.[rw]mem_max; otherwise the plain option (capped).
  int bytes = kSocketBufferBytes;
  if (setsockopt(fd, SOL_SOCKET, forced, &bytes, sizeof bytes) < 0) setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof bytes);
}

class UdpSocket : public Napi::ObjectWrap<UdpSocket> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "UdpSocket", {
      InstanceMethod<&UdpSocket::Start>("start"),
      InstanceMethod<&UdpSocket::Close>("close"),
      InstanceMethod<&UdpSocket::SendBatch>("sendBatch"),
      InstanceMethod<&UdpSocket::LastSendError>("lastSendError"),
      InstanceMethod<&UdpSocket::Reconnect>("reconnect"),
      InstanceMethod<&UdpSocket::Stats>("stats"),
      InstanceMethod<&UdpSocket::Pause>("pause"),
      InstanceMethod<&UdpSocket::Fd>("fd"),
    });
    exports.Set("UdpSocket", ctor);
  }

  // new UdpSocket(family 4|6, address, port, onPackets, { maxBatch, maxPacket }, onError)
  // Throws a system error when the socket cannot be made or connected (ENETUNREACH, ...).
  explicit UdpSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UdpSocket>(info) {
    Napi::Env env = info.Env();
    int family = static_cast<int>(IntArg(info, 0, "family", 4, 6));
    if (family != 4 && family != 6) throw Napi::RangeError::New(env, "family must be 4 or 6");
    if (!info[1].IsString()) throw Napi::TypeError::New(env, "address must be a string");
    std::string address = info[1].As<Napi::String>();
    int port = static_cast<int>(IntArg(info, 2, "port", 1, 65535));
    if (!info[3].IsFunction()) throw Napi::TypeError::New(env, "onPackets must be a function");
    if (!info[4].IsObject()) throw Napi::TypeError::New(env, "options must be an object");
    if (!info[5].IsFunction()) throw Napi::TypeError::New(env, "onError must be a function");
    Napi::Object options = info[4].As<Napi::Object>();
    maxBatch_ = static_cast<uint32_t>(OptionInt(env, options, "maxBatch", 1, 1024));
    slotBytes_ = static_cast<size_t>(OptionInt(env, options, "maxPacket", 64, 65535));

    sockaddr_storage peer{};
    socklen_t peerLength = 0;
    if (family == 4) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&peer);
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<uint16_t>(port));
      if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) != 1) throw Napi::RangeError::New(env, "not an IPv4 address: '" + address + "'");
      peerLength = sizeof(sockaddr_in);
    } else {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&peer);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<uint16_t>(port));
      if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) != 1) throw Napi::RangeError::New(env, "not an IPv6 address: '" + address + "'");
      peerLength = sizeof(sockaddr_in6);
    }
    fd_ = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw ErrnoError(env, errno, "socket", "UdpSocket: cannot open a socket");
    SetBufferSize(fd_, SO_RCVBUFFORCE, SO_RCVBUF);
    SetBufferSize(fd_, SO_SNDBUFFORCE, SO_SNDBUF);
    peer_ = peer;
    peerLength_ = peerLength;
    if (connect(fd_, reinterpret_cast<sockaddr*>(&peer), peerLength) < 0) {
      int err = errno;
      close(fd_);
      fd_ = -1;
      throw ErrnoError(env, err, "connect", "UdpSocket: cannot reach " + address);
    }

    // Not zeroed: a page is committed only when a datagram lands in it, so the 64 slots
    // of 64 KiB cost about one page each in RSS, not 4 MiB.
    slab_.reset(new uint8_t[static_cast<size_t>(maxBatch_) * slotBytes_]);
    iovecs_.resize(maxBatch_);
    messages_.resize(maxBatch_);
    onPackets_ = Napi::Persistent(info[3].As<Napi::Function>());
    onError_ = Napi::Persistent(info[5].As<Napi::Function>());
    lengths_ = Napi::Persistent(Napi::Uint32Array::New(env, maxBatch_));
    context_ = std::make_unique<Napi::AsyncContext>(env, "PosternUdpSocket", Value());
  }

  ~UdpSocket() override {
    poll_.Close();  // before the fd goes: epoll must not be left watching a closed number
    if (fd_ >= 0) close(fd_);
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (poll_.active() || fd_ < 0) return info.Env().Undefined();
    poll_.Start(info.Env(), fd_, this, OnReadable, "UdpSocket.start");
    Ref();  // polled sockets must outlive their JS wrapper's last reference
    return info.Env().Undefined();
  }

  // Stops polling but keeps the fd: the native data plane receives on it meanwhile
  // (start() resumes). Synchronous: no callback after it returns.
  Napi::Value Pause(const Napi::CallbackInfo& info) {
    StopPolling();
    return info.Env().Undefined();
  }

  // The socket's fd (-1 once closed), for the data plane, which keeps a dup of it.
  Napi::Value Fd(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), fd_);
  }

  // Synchronous and idempotent: no callback after it returns, and the fd is closed.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    StopPolling();
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
    return info.Env().Undefined();
  }

  // sendBatch(packets: Buffer[], start) -> how many of packets[start..] were sent, in
  // order, before the first one the kernel refused (see lastSendError for why).
  Napi::Value SendBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "packets must be an array of Buffers");
    Napi::Array packets = info[0].As<Napi::Array>();
    uint32_t total = packets.Length();
    uint32_t start = static_cast<uint32_t>(IntArg(info, 1, "start", 0, total));
    if (fd_ < 0) {
      lastSendError_ = EBADF;
      return Napi::Number::New(env, 0);
    }
    uint32_t sent = 0;
    while (start + sent < total) {
      uint32_t count = std::min(total - start - sent, maxBatch_);
      std::vector<mmsghdr>& headers = sendHeaders_;
      std::vector<iovec>& vectors = sendVectors_;
      headers.assign(count, mmsghdr{});
      vectors.resize(count);
      for (uint32_t i = 0; i < count; i++) {
        Napi::Value item = packets[start + sent + i];
        if (!item.IsBuffer()) throw Napi::TypeError::New(env, "packets[" + std::to_string(start + sent + i) + "] is not a Buffer");
        Napi::Buffer<uint8_t> packet = item.As<Napi::Buffer<uint8_t>>();
        vectors[i] = iovec{packet.Data(), packet.Length()};
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
      }
      int n = sendmmsg(fd_, headers.data(), count, MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        lastSendError_ = n < 0 ? errno : EAGAIN;
        break;
      }
      sent += static_cast<uint32_t>(n);
      sendCalls_++;
      // Fewer than asked: the next call reports the error that stopped this one.
    }
    datagramsOut_ += sent;
    return Napi::Number::New(env, sent);
  }

  // reconnect() -> '' once connected again, else the errno's name ('ENETUNREACH': no route
  // yet; the socket is then unconnected and sends fail with EDESTADDRREQ until it works).
  // A second connect() alone keeps the old source address; AF_UNSPEC first forgets it
  // (and the port: the kernel binds a fresh one), so the route of now picks the source.
  Napi::Value Reconnect(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (fd_ < 0) return Napi::String::New(env, ErrnoName(EBADF));
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    connect(fd_, &unspec, sizeof unspec);  // cannot fail on a UDP socket that is open
    int rc;
    do {
      rc = connect(fd_, reinterpret_cast<sockaddr*>(&peer_), peerLength_);
    } while (rc < 0 && errno == EINTR);
    return Napi::String::New(env, rc < 0 ? ErrnoName(errno) : "");
  }

  Napi::Value LastSendError(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), ErrnoName(lastSendError_));
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object stats = Napi::Object::New(env);
    stats.Set("receiveBatches", Napi::Number::New(env, static_cast<double>(receiveBatches_)));
    stats.Set("datagramsIn", Napi::Number::New(env, static_cast<double>(datagramsIn_)));
    stats.Set("oversized", Napi::Number::New(env, static_cast<double>(oversized_)));
    stats.Set("sendCalls", Napi::Number::New(env, static_cast<double>(sendCalls_)));
    stats.Set("datagramsOut", Napi::Number::New(env, static_cast<double>(datagramsOut_)));
    return stats;
  }

  void StopPolling() {
    if (!poll_.active()) return;
    poll_.Close();
    Unref();
  }

  static void OnReadable(void* owner, int status) {
    auto* self = static_cast<UdpSocket*>(owner);
    Napi::HandleScope scope(self->Env());
    if (status < 0) return self->OnSocketError();
    self->Drain();
  }

  // libuv turns EPOLLERR into UV_EBADF and stops the handle; on a UDP socket EPOLLERR
  // usually means an ICMP error is pending, so we ask the socket which one it is.
  void OnSocketError() {
    int err = 0;
    socklen_t length = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &length) < 0) err = errno;
    if (err != 0 && IsFatal(err)) return Report(err, "uv_poll", true);
    int rc = poll_.Restart();
    if (rc != 0) return Report(-rc, "uv_poll_start", true);
    if (err != 0) Report(err, "uv_poll", false);
  }

  // ECONNREFUSED: an ICMP port unreachable, nothing listens there: the link is over.
  // Host or network unreachable can pass (a roaming laptop, a route flapping): the
  // session's keepalive decides whether the server is gone.
  static bool IsFatal(int err) {
    return err != EHOSTUNREACH && err != ENETUNREACH && err != EHOSTDOWN && err != ENETDOWN && err != EMSGSIZE && err != ENOBUFS && err != ENOMEM;
  }

  void Drain() {
    for (uint32_t i = 0; i < maxBatch_; i++) {
      iovecs_[i] = iovec{slab_.get() + static_cast<size_t>(i) * slotBytes_, slotBytes_};
      messages_[i] = mmsghdr{};
      messages_[i].msg_hdr.msg_iov = &iovecs_[i];
      messages_[i].msg_hdr.msg_iovlen = 1;
    }
    int n;
    do {
      n = recvmmsg(fd_, messages_.data(), maxBatch_, MSG_DONTWAIT, nullptr);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno == EAGAIN) return;
      // The pending error is consumed by this call, so level-triggered polling does not spin.
      int err = errno;
      return Report(err, "recvmmsg", IsFatal(err));
    }
    if (n == 0) return;
    uint32_t* lengths = Lengths();
    size_t total = 0;
    uint32_t count = 0;
    for (int i = 0; i < n; i++) {
      // MSG_TRUNC: the datagram was longer than a slot, so we hold only part of it.
      if (messages_[i].msg_hdr.msg_flags & MSG_TRUNC) {
        oversized_++;
        continue;
      }
      lengths[count++] = messages_[i].msg_len;
      total += messages_[i].msg_len;
    }
    receiveBatches_++;
    datagramsIn_ += count;
    if (count == 0) return;
    // One exactly-sized Buffer per batch, packed back to back: JS may keep any packet.
    Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::New(Env(), total);
    size_t used = 0;
    uint32_t next = 0;
    for (int i = 0; i < n; i++) {
      if (messages_[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
      memcpy(buffer.Data() + used, iovecs_[i].iov_base, lengths[next]);
      used += lengths[next++];
    }
    Call(onPackets_, {buffer, lengths_.Value(), Napi::Number::New(Env(), count)});
  }

  uint32_t* Lengths() {
    if (lengths_.Value().ElementLength() != maxBatch_) lengths_ = Napi::Persistent(Napi::Uint32Array::New(Env(), maxBatch_));
    return lengths_.Value().Data();
  }

  void Report(int err, const char* syscall, bool fatal) {
    Napi::Env env = Env();
    Napi::Error error = ErrnoError(env, err, syscall, fatal ? "UdpSocket stopped" : "UdpSocket receive error");
    if (fatal) StopPolling();
    Call(onError_, {error.Value(), Napi::Boolean::New(env, fatal)});
  }

  void Call(Napi::FunctionReference& fn, const std::initializer_list<napi_value>& args) {
    CallFromLoop(Env(), fn, Value(), *context_, args);
  }

  int fd_ = -1;
  sockaddr_storage peer_{};
  socklen_t peerLength_ = 0;
  uint32_t maxBatch_ = 0;
  size_t slotBytes_ = 0;
  std::unique_ptr<uint8_t[]> slab_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> messages_;
  std::vector<mmsghdr> sendHeaders_;
  std::vector<iovec> sendVectors_;
  int lastSendError_ = 0;
  Napi::Reference<Napi::Uint32Array> lengths_;
  Napi::FunctionReference onPackets_;
  Napi::FunctionReference onError_;
  std::unique_ptr<Napi::AsyncContext> context_;
  ReadablePoll poll_;
  uint64_t receiveBatches_ = 0;
  uint64_t datagramsIn_ = 0;
  uint64_t oversized_ = 0;
  uint64_t sendCalls_ = 0;
  uint64_t datagramsOut_ = 0;
};

}  // namespace

void InitUdpSocket(Napi::Env env, Napi::Object exports) { UdpSocket::Init(env, exports); }

}  // namespace postern
