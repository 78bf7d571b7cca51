// The DataKey class for JS: core's DataCipher for classic-format AEAD keys is a thin
// TypeScript wrapper around it (native-helper/crypto/native-data-cipher.ts), and the
// native data plane takes the same object, so both use one packet-id counter and one
// replay window per key.
#include "addon.h"
#include "data_key.h"

namespace postern {

namespace {

// Marks our objects so that DataKeyFromJs never unwraps somebody else's (napi_type_tag).
constexpr napi_type_tag kDataKeyTag = {0x706f737465726e2dull, 0x646174616b657931ull};

class DataKeyWrap : public Napi::ObjectWrap<DataKeyWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "DataKey", {
      InstanceMethod<&DataKeyWrap::Encrypt>("encrypt"),
      InstanceMethod<&DataKeyWrap::Decrypt>("decrypt"),
      InstanceMethod<&DataKeyWrap::NextSendPacketId>("nextSendPacketId"),
      InstanceMethod<&DataKeyWrap::PeerHasSent>("peerHasSent"),
    });
    exports.Set("DataKey", ctor);
  }

  // new DataKey(algorithm, encryptKey, encryptImplicitIv, decryptKey, decryptImplicitIv, initialPacketId)
  explicit DataKeyWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DataKeyWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "algorithm must be a string");
    std::string algorithm = info[0].As<Napi::String>();
    Napi::Buffer<uint8_t> encryptKey = BufferArg(info, 1, "encryptKey");
    Napi::Buffer<uint8_t> encryptIv = BufferArg(info, 2, "encryptImplicitIv");
    Napi::Buffer<uint8_t> decryptKey = BufferArg(info, 3, "decryptKey");
    Napi::Buffer<uint8_t> decryptIv = BufferArg(info, 4, "decryptImplicitIv");
    int64_t initialPacketId = IntArg(info, 5, "initialPacketId", 1, static_cast<int64_t>(DataKey::kPacketIdMax) + 1);
    if (encryptKey.Length() != decryptKey.Length()) throw Napi::RangeError::New(env, "both keys must have the same length");
    if (encryptIv.Length() != DataKey::kImplicitIvBytes || decryptIv.Length() != DataKey::kImplicitIvBytes) {
      throw Napi::RangeError::New(env, "implicit IVs must be 8 bytes");
    }
    std::string error;
    key_ = DataKey::Create(algorithm, encryptKey.Data(), encryptIv.Data(), decryptKey.Data(), decryptIv.Data(),
                           encryptKey.Length(), static_cast<uint64_t>(initialPacketId), &error);
    if (!key_) throw Napi::RangeError::New(env, "DataKey: " + error);
    napi_type_tag_object(env, info.This(), &kDataKeyTag);
  }

  std::shared_ptr<DataKey> key() const { return key_; }

 private:
  static Napi::Buffer<uint8_t> BufferArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
    if (!info[index].IsBuffer()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Buffer");
    return info[index].As<Napi::Buffer<uint8_t>>();
  }

  // encrypt(plaintext, keyId, peerId | undefined, out) -> the wire packet's length in out
  // (room for the overhead + plaintext; the caller allocates, from Node's pool), or -1 once
  // the packet ids are exhausted (core throws its BugError then: renegotiation was due).
  Napi::Value Encrypt(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Buffer<uint8_t> plaintext = BufferArg(info, 0, "plaintext");
    int keyId = static_cast<int>(IntArg(info, 1, "keyId", 0, 7));
    int32_t peerId = info[2].IsUndefined() ? -1 : static_cast<int32_t>(IntArg(info, 2, "peerId", 0, 0xffffff));
    Napi::Buffer<uint8_t> out = BufferArg(info, 3, "out");
    if (out.Length() < DataKey::OverheadBytes(peerId) + plaintext.Length()) throw Napi::RangeError::New(env, "out is too short");
    ssize_t written = key_->Encrypt(plaintext.Data(), plaintext.Length(), keyId, peerId, out.Data());
    if (written == DataKey::kPacketIdsExhausted) return Napi::Number::New(env, -1);
    if (written < 0) throw Napi::Error::New(env, "DataKey.encrypt: OpenSSL failed");
    return Napi::Number::New(env, static_cast<double>(written));
  }

  // decrypt(packet, out) -> the plaintext's length in out (room for plaintextBytes(packet)),
  // or core's drop code as a string.
  Napi::Value Decrypt(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Buffer<uint8_t> packet = BufferArg(info, 0, "packet");
    Napi::Buffer<uint8_t> out = BufferArg(info, 1, "out");
    if (out.Length() < DataKey::PlaintextBytes(packet.Data(), packet.Length())) throw Napi::RangeError::New(env, "out is too short");
    size_t plainLength = 0;
    DropCode drop = key_->Decrypt(packet.Data(), packet.Length(), out.Data(), &plainLength);
    if (drop != DropCode::kNone) return Napi::String::New(env, DropCodeName(drop));
    return Napi::Number::New(env, static_cast<double>(plainLength));
  }

  Napi::Value NextSendPacketId(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(key_->NextSendPacketId()));
  }

  Napi::Value PeerHasSent(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), key_->PeerHasSent());
  }

  std::shared_ptr<DataKey> key_;
};

}  // namespace

std::shared_ptr<DataKey> DataKeyFromJs(Napi::Value value) {
  if (!value.IsObject()) return nullptr;
  bool tagged = false;
  if (napi_check_object_type_tag(value.Env(), value, &kDataKeyTag, &tagged) != napi_ok || !tagged) return nullptr;
  return DataKeyWrap::Unwrap(value.As<Napi::Object>())->key();
}

// The bench registers here, beside the class it measures, so module init stays as it is.
void InitDataKey(Napi::Env env, Napi::Object exports) {
  DataKeyWrap::Init(env, exports);
  InitDataKeyBench(env, exports);
}

}  // namespace postern
