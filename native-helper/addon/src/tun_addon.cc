// postern_tun: the few syscalls the privileged helper cannot make from Node.
// Addresses, routes and DNS are NOT here: the helper runs iproute2 for those, so this
// file stays small enough to audit. Everything is synchronous and non-blocking.
#include "addon.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <vector>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

namespace postern {

std::string ErrnoName(int err) {
  // libuv's names match Node's error codes; it lacks a few Linux-only ones (EBADFD),
  // for which glibc's own name is the best we have.
  char name[64];
  uv_err_name_r(-err, name, sizeof name);
  if (strncmp(name, "Unknown", 7) == 0) {
    const char* glibc = strerrorname_np(err);
    snprintf(name, sizeof name, "%s", glibc != nullptr ? glibc : "EUNKNOWN");
  }
  return name;
}

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& what) {
  std::string name = ErrnoName(err);
  Napi::Error error = Napi::Error::New(env, what + ": " + strerror(err) + " (" + name + ")");
  error.Set("code", Napi::String::New(env, name));
  error.Set("errno", Napi::Number::New(env, -err));  // negative, as in Node's fs/net errors
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

int64_t IntArg(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min, int64_t max) {
  Napi::Value value = info[index];
  if (!value.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (number != static_cast<double>(static_cast<int64_t>(number)) || number < min || number > max) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer in [" +
                                                std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(number);
}

namespace {

// Interface names are at most IFNAMSIZ-1 bytes; '' lets the kernel pick tunN.
std::string InterfaceNameArg(const Napi::CallbackInfo& info, bool allowEmpty) {
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "name must be a string");
  std::string name = info[0].As<Napi::String>();
  if (name.size() >= IFNAMSIZ || (!allowEmpty && name.empty()) || name.find('\0') != std::string::npos) {
    throw Napi::RangeError::New(info.Env(), std::string(allowEmpty ? "interface name must be at most 15 bytes" : "interface name must be 1-15 bytes") + ": '" + name + "'");
  }
  return name;
}

// openTun(name, tap?) -> { fd, name }. The device is not persistent: it disappears when the
// last fd closes, so a crashed helper never leaves a stale tun behind. tap=true makes a
// layer-2 device (Ethernet frames, the kernel's ARP on it; '' lets the kernel pick tapN).
// Neither kind asks for IFF_VNET_HDR: every read is one whole packet or frame, no offloads.
Napi::Value OpenTun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = InterfaceNameArg(info, true);
  if (!info[1].IsUndefined() && !info[1].IsBoolean()) throw Napi::TypeError::New(env, "tap must be a boolean");
  bool tap = info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw ErrnoError(env, errno, "open", "openTun: cannot open /dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  // No 4-byte packet-info prefix: bare IP packets (tun) or bare Ethernet frames (tap).
  ifr.ifr_flags = (tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI;
  memcpy(ifr.ifr_name, name.data(), name.size());
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    throw ErrnoError(env, err, "ioctl", "openTun: TUNSETIFF '" + name + "' failed");
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("fd", Napi::Number::New(env, fd));
  result.Set("name", Napi::String::New(env, ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ)));
  return result;
}

// SIOCSIFMTU/SIOCSIFFLAGS need some socket to ride on; a throwaway AF_INET datagram
// socket is the conventional one (it acts on the caller's network namespace).
class IoctlSocket {
 public:
  explicit IoctlSocket(Napi::Env env) : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw ErrnoError(env, errno, "socket", "cannot open an ioctl socket");
  }
  ~IoctlSocket() { close(fd_); }
  int fd() const { return fd_; }

 private:
  int fd_;
};

Napi::Value SetMtu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = InterfaceNameArg(info, false);
  int mtu = static_cast<int>(IntArg(info, 1, "mtu", 68, 65535));  // 68: IPv4 minimum
  IoctlSocket sock(env);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name.data(), name.size());
  ifr.ifr_mtu = mtu;
  if (ioctl(sock.fd(), SIOCSIFMTU, &ifr) < 0) throw ErrnoError(env, errno, "ioctl", "setMtu: SIOCSIFMTU '" + name + "' failed");
  return env.Undefined();
}

Napi::Value SetUp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = InterfaceNameArg(info, false);
  if (!info[1].IsBoolean()) throw Napi::TypeError::New(env, "up must be a boolean");
  bool up = info[1].As<Napi::Boolean>();
  IoctlSocket sock(env);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name.data(), name.size());
  // Read-modify-write: the other flags (NOARP, POINTOPOINT, ...) must survive.
  if (ioctl(sock.fd(), SIOCGIFFLAGS, &ifr) < 0) throw ErrnoError(env, errno, "ioctl", "setUp: SIOCGIFFLAGS '" + name + "' failed");
  ifr.ifr_flags = up ? (ifr.ifr_flags | IFF_UP) : (ifr.ifr_flags & ~IFF_UP);
  if (ioctl(sock.fd(), SIOCSIFFLAGS, &ifr) < 0) throw ErrnoError(env, errno, "ioctl", "setUp: SIOCSIFFLAGS '" + name + "' failed");
  return env.Undefined();
}

// One write() is one packet on a TUN fd (writev would glue buffers into ONE packet).
// Returns 1 written, 0 dropped (queue full or the kernel refused this packet);
// throws only when the fd itself is unusable.
int WriteOne(Napi::Env env, int fd, const uint8_t* data, size_t length) {
  for (;;) {
    if (write(fd, data, length) >= 0) return 1;
    int err = errno;
    if (err == EINTR) continue;
    if (err == EBADF || err == EBADFD) throw ErrnoError(env, err, "write", "TUN write failed");
    // Queue full: -1 tells writePackets to stop, the rest would fail the same way.
    // Anything else (EINVAL for a non-IP packet on tun, or a frame shorter than an Ethernet
    // header on tap, ...) drops just this packet.
    return (err == EAGAIN || err == ENOBUFS) ? -1 : 0;
  }
}

Napi::Value WritePackets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = static_cast<int>(IntArg(info, 0, "fd", 0, INT32_MAX));
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "packets must be an array of Buffers");
  Napi::Array packets = info[1].As<Napi::Array>();
  uint32_t written = 0;
  for (uint32_t i = 0; i < packets.Length(); i++) {
    Napi::Value item = packets[i];
    if (!item.IsBuffer()) throw Napi::TypeError::New(env, "packets[" + std::to_string(i) + "] is not a Buffer");
    Napi::Buffer<uint8_t> packet = item.As<Napi::Buffer<uint8_t>>();
    int result = WriteOne(env, fd, packet.Data(), packet.Length());
    if (result < 0) break;
    written += result;
  }
  return Napi::Number::New(env, written);
}

// writePacket(fd, buffer, offset, length) -> boolean: the single-packet path, no array.
Napi::Value WritePacket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = static_cast<int>(IntArg(info, 0, "fd", 0, INT32_MAX));
  if (!info[1].IsBuffer()) throw Napi::TypeError::New(env, "packet must be a Buffer");
  Napi::Buffer<uint8_t> buffer = info[1].As<Napi::Buffer<uint8_t>>();
  int64_t offset = IntArg(info, 2, "offset", 0, static_cast<int64_t>(buffer.Length()));
  int64_t length = IntArg(info, 3, "length", 0, static_cast<int64_t>(buffer.Length()) - offset);
  return Napi::Boolean::New(env, WriteOne(env, fd, buffer.Data() + offset, static_cast<size_t>(length)) > 0);
}

Napi::Array PeerGroups(Napi::Env env, int fd);

// The helper's IPC server decides who may drive it from the kernel's view of the peer.
Napi::Value GetPeerCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = static_cast<int>(IntArg(info, 0, "fd", 0, INT32_MAX));
  struct ucred cred;
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) < 0) {
    throw ErrnoError(env, errno, "getsockopt", "getPeerCredentials: SO_PEERCRED failed");
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("pid", Napi::Number::New(env, cred.pid));
  result.Set("uid", Napi::Number::New(env, cred.uid));
  result.Set("gid", Napi::Number::New(env, cred.gid));
  result.Set("groups", PeerGroups(env, fd));
  return result;
}

// SO_PEERGROUPS (Linux 4.13): the peer's supplementary groups as the kernel recorded them
// at connect(), so group membership is checked without trusting /proc of a pid that may
// already be gone or reused.
Napi::Array PeerGroups(Napi::Env env, int fd) {
  std::vector<gid_t> groups(64);
  socklen_t length = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &length) < 0) {
    if (errno != ERANGE) throw ErrnoError(env, errno, "getsockopt", "getPeerCredentials: SO_PEERGROUPS failed");
    // The kernel wrote the size it needs into length: ask once more with that much room.
    groups.resize(length / sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &length) < 0) {
      throw ErrnoError(env, errno, "getsockopt", "getPeerCredentials: SO_PEERGROUPS failed");
    }
  }
  size_t count = length / sizeof(gid_t);
  Napi::Array result = Napi::Array::New(env, count);
  for (size_t i = 0; i < count; i++) result.Set(static_cast<uint32_t>(i), Napi::Number::New(env, groups[i]));
  return result;
}

// An advisory lock the kernel drops when the holder dies, however it dies: the lock that
// keeps two Postern processes from configuring one network at once needs no stale-lock logic.
Napi::Value TryLockExclusive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = static_cast<int>(IntArg(info, 0, "fd", 0, INT32_MAX));
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return Napi::Boolean::New(env, true);
    if (errno == EWOULDBLOCK) return Napi::Boolean::New(env, false);
    if (errno != EINTR) throw ErrnoError(env, errno, "flock", "tryLockExclusive failed");
  }
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = static_cast<int>(IntArg(info, 0, "fd", 0, INT32_MAX));
  // On Linux the fd is released even when close() reports EINTR: never retry.
  if (close(fd) < 0 && errno != EINTR) throw ErrnoError(env, errno, "close", "close failed");
  return env.Undefined();
}

}  // namespace

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("openTun", Napi::Function::New(env, OpenTun, "openTun"));
  exports.Set("setMtu", Napi::Function::New(env, SetMtu, "setMtu"));
  exports.Set("setUp", Napi::Function::New(env, SetUp, "setUp"));
  exports.Set("writePackets", Napi::Function::New(env, WritePackets, "writePackets"));
  exports.Set("writePacket", Napi::Function::New(env, WritePacket, "writePacket"));
  exports.Set("getPeerCredentials", Napi::Function::New(env, GetPeerCredentials, "getPeerCredentials"));
  exports.Set("tryLockExclusive", Napi::Function::New(env, TryLockExclusive, "tryLockExclusive"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  InitTunReader(env, exports);
  InitUdpSocket(env, exports);
  InitAeadKey(env, exports);
  InitDataKey(env, exports);
  InitDataPlane(env, exports);
  InitOpenSslProvider(env, exports);
  InitPageRelease(env, exports);
  return exports;
}

}  // namespace postern

// The macro pastes the function name into an identifier, so it must be unqualified.
using postern::InitModule;
NODE_API_MODULE(postern_tun, InitModule)
