// The DataPlane class for JS (data_plane.h does the work). What the plane sends up
// arrives on the JS thread through a thread-safe function, one call per batch.
#include <system_error>

#include "addon.h"
#include "data_plane.h"
#include "readable_poll.h"

namespace postern {

namespace {

Framing FramingByName(Napi::Env env, const std::string& name) {
  if (name == "none") return Framing::kNone;
  if (name == "lzo") return Framing::kLzo;
  if (name == "stub") return Framing::kSwap;
  if (name == "lz4") return Framing::kSwapLz4;
  if (name == "stub-v2") return Framing::kV2;
  if (name == "lz4-v2") return Framing::kV2Lz4;
  throw Napi::RangeError::New(env, "unknown framing '" + name + "'");
}

class DataPlaneWrap : public Napi::ObjectWrap<DataPlaneWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "DataPlane", {
      InstanceMethod<&DataPlaneWrap::Start>("start"),
      InstanceMethod<&DataPlaneWrap::Stop>("stop"),
      InstanceMethod<&DataPlaneWrap::SetKeys>("setKeys"),
      InstanceMethod<&DataPlaneWrap::Stats>("stats"),
    });
    exports.Set("DataPlane", ctor);
  }

  // new DataPlane(tunFd, udpFd, { maxBatch, mtu, maxMss, framing, peerId }, onUp)
  // onUp(buffer, lengths: Uint32Array, kinds: Uint8Array, count): items back to back.
  explicit DataPlaneWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DataPlaneWrap>(info) {
    Napi::Env env = info.Env();
    PlaneOptions options;
    options.tunFd = static_cast<int>(IntArg(info, 0, "tunFd", 0, 1 << 30));
    options.udpFd = static_cast<int>(IntArg(info, 1, "udpFd", 0, 1 << 30));
    if (!info[2].IsObject()) throw Napi::TypeError::New(env, "options must be an object");
    if (!info[3].IsFunction()) throw Napi::TypeError::New(env, "onUp must be a function");
    Napi::Object given = info[2].As<Napi::Object>();
    options.maxBatch = static_cast<uint32_t>(OptionInt(env, given, "maxBatch", 1, 1024));
    options.mtu = static_cast<size_t>(OptionInt(env, given, "mtu", 576, 9000));
    options.maxMss = static_cast<int>(OptionInt(env, given, "maxMss", -1, 65535));
    options.peerId = static_cast<int32_t>(OptionInt(env, given, "peerId", -1, 0xffffff));
    Napi::Value gso = given.Get("udpGso");
    options.udpGso = gso.IsUndefined() || gso.ToBoolean().Value();
    Napi::Value framing = given.Get("framing");
    if (!framing.IsString()) throw Napi::TypeError::New(env, "framing must be a string");
    options.framing = FramingByName(env, framing.As<Napi::String>());
    up_ = Napi::ThreadSafeFunction::New(env, info[3].As<Napi::Function>(), "PosternDataPlane", 0, 1);
    try {
      Napi::ThreadSafeFunction up = up_;
      plane_ = std::make_unique<DataPlane>(options, [up](std::unique_ptr<UpBatch> batch) mutable {
        UpBatch* raw = batch.release();
        if (up.NonBlockingCall(raw, Deliver) != napi_ok) delete raw;  // released: JS is gone
      });
    } catch (const std::system_error& error) {
      up_.Release();
      throw ErrnoError(env, error.code().value(), "dup", "DataPlane");
    }
  }

  ~DataPlaneWrap() override {
    if (plane_) plane_->Stop();
    if (!released_) up_.Release();
  }

 private:
  static void Deliver(Napi::Env env, Napi::Function onUp, UpBatch* batch) {
    std::unique_ptr<UpBatch> owned(batch);
    if (env == nullptr || onUp.IsEmpty()) return;
    size_t count = owned->lengths.size();
    Napi::Buffer<uint8_t> bytes = Napi::Buffer<uint8_t>::Copy(env, owned->bytes.data(), owned->bytes.size());
    Napi::Uint32Array lengths = Napi::Uint32Array::New(env, count);
    Napi::Uint8Array kinds = Napi::Uint8Array::New(env, count);
    for (size_t i = 0; i < count; i++) {
      lengths[i] = owned->lengths[i];
      kinds[i] = owned->kinds[i];
    }
    onUp.Call({bytes, lengths, kinds, Napi::Number::New(env, static_cast<double>(count))});
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (plane_ && !released_) plane_->Start();
    return info.Env().Undefined();
  }

  // Synchronous and idempotent: the thread has ended and its fds are closed when it returns.
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (plane_) plane_->Stop();
    if (!released_) {
      released_ = true;
      up_.Release();
    }
    return info.Env().Undefined();
  }

  // setKeys([{ keyId, key: DataKey | null, encryptNotBeforeInMs, peerSendsWithKey }]), newest first.
  Napi::Value SetKeys(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "keys must be an array");
    Napi::Array given = info[0].As<Napi::Array>();
    std::vector<PlaneKey> keys;
    auto now = std::chrono::steady_clock::now();
    for (uint32_t i = 0; i < given.Length(); i++) {
      Napi::Value item = given.Get(i);
      if (!item.IsObject()) throw Napi::TypeError::New(env, "each key must be an object");
      Napi::Object entry = item.As<Napi::Object>();
      PlaneKey key;
      key.keyId = static_cast<int>(OptionInt(env, entry, "keyId", 0, 7));
      Napi::Value dataKey = entry.Get("key");
      if (!dataKey.IsNull() && !dataKey.IsUndefined()) {
        key.key = DataKeyFromJs(dataKey);
        if (!key.key) throw Napi::TypeError::New(env, "key must be a DataKey or null");
      }
      int64_t delayMs = OptionInt(env, entry, "encryptNotBeforeInMs", -(int64_t{1} << 40), int64_t{1} << 40);
      key.encryptNotBefore = now + std::chrono::milliseconds(delayMs);
      key.peerSendsWithKey = entry.Get("peerSendsWithKey").ToBoolean().Value();
      keys.push_back(std::move(key));
    }
    plane_->SetKeys(std::move(keys));
    return env.Undefined();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PlaneCounters c = plane_->Counters();
    Napi::Object stats = Napi::Object::New(env);
    auto set = [&](const char* name, double value) { stats.Set(name, Napi::Number::New(env, value)); };
    set("packetsIn", static_cast<double>(c.packetsIn));
    set("bytesIn", static_cast<double>(c.bytesIn));
    set("packetsOut", static_cast<double>(c.packetsOut));
    set("bytesOut", static_cast<double>(c.bytesOut));
    set("tunPacketsIn", static_cast<double>(c.tunPacketsIn));
    set("tunBytesIn", static_cast<double>(c.tunBytesIn));
    set("tunPacketsOut", static_cast<double>(c.tunPacketsOut));
    set("tunBytesOut", static_cast<double>(c.tunBytesOut));
    set("pingsIn", static_cast<double>(c.pingsIn));
    set("upBatches", static_cast<double>(c.upBatches));
    set("upPackets", static_cast<double>(c.upPackets));
    set("tunBatches", static_cast<double>(c.tunBatches));
    set("sendCalls", static_cast<double>(c.sendCalls));
    set("receiveCalls", static_cast<double>(c.receiveCalls));
    set("udpGso", c.udpGso ? 1 : 0);
    set("msSinceReceived", static_cast<double>(c.msSinceReceived));
    set("msSinceSent", static_cast<double>(c.msSinceSent));
    Napi::Object drops = Napi::Object::New(env);
    for (size_t i = 1; i < c.drops.size(); i++) {
      if (c.drops[i] > 0) drops.Set(DropCodeName(static_cast<DropCode>(i)), Napi::Number::New(env, static_cast<double>(c.drops[i])));
    }
    stats.Set("drops", drops);
    return stats;
  }

  std::unique_ptr<DataPlane> plane_;
  Napi::ThreadSafeFunction up_;
  bool released_ = false;
};

}  // namespace

void InitDataPlane(Napi::Env env, Napi::Object exports) { DataPlaneWrap::Init(env, exports); }

}  // namespace postern
