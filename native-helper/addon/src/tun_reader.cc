// TunReader: reads packets from a non-blocking TUN fd in batches, on the event loop.
//
// uv_poll tells us the fd is readable; we then read() until EAGAIN or maxBatch packets,
// packed back to back into one slab, and call JS ONCE per batch with
//   onPackets(buffer, lengths: Uint32Array, count)
// so the per-packet cost on the JS side is one subarray, not one callback.
// Level-triggered polling (libuv's epoll default) brings us back next loop turn when
// more than maxBatch packets were waiting, so timers and sockets get their turn between
// batches: a flood never blocks the event loop for longer than one batch.
//
// Buffer ownership (two modes; measurements beside TunReaderOptions in tun-addon.ts):
//   lend=false (default): each batch is a fresh Buffer holding exactly the packed bytes;
//     JS owns it and may keep the packets. Cost: one allocation + memcpy per batch.
//   lend=true: the SAME Buffer is passed every time; its contents are valid only until
//     the callback returns. No allocation at all; the caller must copy what it keeps.
// The lengths Uint32Array is always reused: read it inside the callback.
#include "addon.h"
#include "readable_poll.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <memory>
#include <vector>

namespace postern {

namespace {

class TunReader : public Napi::ObjectWrap<TunReader> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "TunReader", {
      InstanceMethod<&TunReader::Start>("start"),
      InstanceMethod<&TunReader::Stop>("stop"),
      InstanceMethod<&TunReader::Stats>("stats"),
    });
    exports.Set("TunReader", ctor);
  }

  // new TunReader(fd, onPackets, { maxBatch, mtu, lend? }, onError?)
  explicit TunReader(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TunReader>(info) {
    Napi::Env env = info.Env();
    fd_ = static_cast<int>(IntArg(info, 0, "fd", 0, INT32_MAX));
    if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "onPackets must be a function");
    if (!info[2].IsObject()) throw Napi::TypeError::New(env, "options must be an object");
    Napi::Object options = info[2].As<Napi::Object>();
    maxBatch_ = static_cast<uint32_t>(OptionInt(env, options, "maxBatch", 1, 1024));
    // Without IFF_VNET_HDR (no GSO) a packet never exceeds the device MTU, so one slot of
    // mtu bytes would do -- but a read() into a short buffer silently TRUNCATES the packet
    // (measured on Linux 6.x). One spare byte makes that visible: a read that fills the
    // whole slot was longer than the MTU we were told (someone raised it behind our
    // back) and is dropped and counted, never delivered cut short.
    // On a tap device the caller passes the MTU plus the frame header (tun-device.ts
    // TAP_FRAME_EXTRA_BYTES), hence the 18 bytes above 65535.
    slotBytes_ = static_cast<size_t>(OptionInt(env, options, "mtu", 68, 65535 + 18)) + 1;
    lend_ = options.Get("lend").ToBoolean();
    onPackets_ = Napi::Persistent(info[1].As<Napi::Function>());
    if (info[3].IsFunction()) onError_ = Napi::Persistent(info[3].As<Napi::Function>());
    slabBytes_ = static_cast<size_t>(maxBatch_) * slotBytes_;
    if (!lend_) {
      scratch_.resize(slabBytes_);
      slab_ = scratch_.data();
    }
    lengths_ = Napi::Persistent(Napi::Uint32Array::New(env, maxBatch_));
    context_ = std::make_unique<Napi::AsyncContext>(env, "PosternTunReader", Value());
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (poll_.active()) return info.Env().Undefined();
    poll_.Start(info.Env(), fd_, this, OnReadable, "TunReader.start");
    Ref();  // an active reader must not be collected while the fd is being polled
    return info.Env().Undefined();
  }

  // Synchronous: once stop() returns, onPackets is never called again (uv_poll_stop
  // removes the fd from epoll at once), so the caller may close the fd right after.
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    StopPolling();
    return info.Env().Undefined();
  }

  void StopPolling() {
    if (!poll_.active()) return;
    poll_.Close();
    Unref();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object stats = Napi::Object::New(env);
    stats.Set("batches", Napi::Number::New(env, static_cast<double>(batches_)));
    stats.Set("packets", Napi::Number::New(env, static_cast<double>(packets_)));
    stats.Set("oversized", Napi::Number::New(env, static_cast<double>(oversized_)));
    stats.Set("readErrors", Napi::Number::New(env, static_cast<double>(readErrors_)));
    return stats;
  }

  static void OnReadable(void* owner, int status) {
    auto* self = static_cast<TunReader*>(owner);
    Napi::HandleScope scope(self->Env());
    // status < 0: epoll reported an error on the fd (e.g. the device was deleted).
    if (status < 0) return self->Fail(-status, "uv_poll");
    self->Drain();
  }

  void Drain() {
    if (lend_) slab_ = LentSlab();
    uint32_t* lengths = Lengths();
    uint32_t count = 0;
    size_t used = 0;
    int fatal = 0;
    // Bounded by maxBatch attempts, so a persistent per-packet error cannot spin here.
    for (uint32_t attempt = 0; attempt < maxBatch_; attempt++) {
      ssize_t n = read(fd_, slab_ + used, slotBytes_);
      if (static_cast<size_t>(n) == slotBytes_) {
        oversized_++;
        continue;
      }
      if (n > 0) {
        lengths[count++] = static_cast<uint32_t>(n);
        used += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) { attempt--; continue; }
      if (n == 0 || errno == EAGAIN) break;  // drained: the batch ends here
      readErrors_++;
      // EINVAL/EFAULT/EMSGSIZE concern one packet (e.g. larger than a slot): it is
      // consumed and counted; anything else means the fd is no longer usable.
      if (errno != EINVAL && errno != EFAULT && errno != EMSGSIZE) { fatal = errno; break; }
    }
    if (count > 0) Deliver(count, used);
    if (fatal != 0 && poll_.active()) Fail(fatal, "read");
  }

  // Re-read for the same reason as LentSlab: JS could have detached the array.
  uint32_t* Lengths() {
    if (lengths_.Value().ElementLength() != maxBatch_) lengths_ = Napi::Persistent(Napi::Uint32Array::New(Env(), maxBatch_));
    return lengths_.Value().Data();
  }

  // The lent Buffer is V8-owned (not external: Electron's memory cage forbids external
  // buffers, and the helper may run under Electron's node). Its address is re-read on
  // every wake-up, and a new one made if JS detached it (transferred its ArrayBuffer),
  // so we never write into memory someone else now owns.
  uint8_t* LentSlab() {
    if (lent_.IsEmpty() || lent_.Value().Length() != slabBytes_) {
      lent_ = Napi::Persistent(Napi::Buffer<uint8_t>::New(Env(), slabBytes_));
    }
    return lent_.Value().Data();
  }

  void Deliver(uint32_t count, size_t used) {
    Napi::Env env = Env();
    batches_++;
    packets_ += count;
    Napi::Value buffer = lend_ ? lent_.Value() : Napi::Buffer<uint8_t>::Copy(env, slab_, used).As<Napi::Value>();
    Call(onPackets_, {buffer, lengths_.Value(), Napi::Number::New(env, count)});
  }

  void Fail(int err, const char* syscall) {
    Napi::Env env = Env();
    // libuv reports EPOLLERR as EBADF; on a TUN fd it means the device is gone.
    Napi::Error error = ErrnoError(env, err, syscall,
                                   strcmp(syscall, "uv_poll") == 0 ? "TunReader stopped: the TUN fd reported an error (device deleted?)"
                                                                  : "TunReader stopped: read failed");
    StopPolling();
    if (!onError_.IsEmpty()) Call(onError_, {error.Value()});
  }

  void Call(Napi::FunctionReference& fn, const std::initializer_list<napi_value>& args) {
    CallFromLoop(Env(), fn, Value(), *context_, args);
  }

  int fd_ = -1;
  uint32_t maxBatch_ = 0;
  size_t slotBytes_ = 0;
  size_t slabBytes_ = 0;
  bool lend_ = false;
  uint8_t* slab_ = nullptr;
  std::vector<uint8_t> scratch_;
  Napi::Reference<Napi::Buffer<uint8_t>> lent_;
  Napi::Reference<Napi::Uint32Array> lengths_;
  Napi::FunctionReference onPackets_;
  Napi::FunctionReference onError_;
  std::unique_ptr<Napi::AsyncContext> context_;
  ReadablePoll poll_;
  uint64_t batches_ = 0;
  uint64_t packets_ = 0;
  uint64_t oversized_ = 0;
  uint64_t readErrors_ = 0;
};

}  // namespace

void InitTunReader(Napi::Env env, Napi::Object exports) { TunReader::Init(env, exports); }

}  // namespace postern
