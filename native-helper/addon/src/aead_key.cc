// AeadKey: one direction of the data channel's AEAD (AES-GCM, ChaCha20-Poly1305) with a
// key set once.
//
// node:crypto cannot change the IV of a cipher object, so core makes one per packet,
// and each one runs the AES key schedule and allocates an OpenSSL context again: about
// a fifth of the helper's CPU at tunnel rates (profiled). Here the context is made once
// per key and each packet only sets its nonce, as the C client does. The OpenSSL is
// Node's own (its headers ship with Node; its symbols are exported by the node binary).
#include "aead_cipher.h"
#include "addon.h"

#include <openssl/evp.h>

#include <string>

namespace postern {

namespace {

constexpr int kTagBytes = 16;
constexpr int kNonceBytes = 12;

class AeadKey : public Napi::ObjectWrap<AeadKey> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "AeadKey", {
      InstanceMethod<&AeadKey::Seal>("seal"),
      InstanceMethod<&AeadKey::Open>("open"),
    });
    exports.Set("AeadKey", ctor);
  }

  // new AeadKey(algorithm, key): the key is copied into OpenSSL's schedule at once.
  explicit AeadKey(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AeadKey>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "algorithm must be a string");
    if (!info[1].IsBuffer()) throw Napi::TypeError::New(env, "key must be a Buffer");
    std::string name = info[0].As<Napi::String>();
    const EVP_CIPHER* cipher = AeadCipherByName(name);
    if (cipher == nullptr) throw Napi::RangeError::New(env, "unsupported AEAD algorithm '" + name + "'");
    Napi::Buffer<uint8_t> key = info[1].As<Napi::Buffer<uint8_t>>();
    if (key.Length() != static_cast<size_t>(EVP_CIPHER_key_length(cipher))) {
      throw Napi::RangeError::New(env, name + " needs a " + std::to_string(EVP_CIPHER_key_length(cipher)) + "-byte key");
    }
    seal_ = MakeContext(env, cipher, key.Data(), 1);
    open_ = MakeContext(env, cipher, key.Data(), 0);
  }

  ~AeadKey() override {
    EVP_CIPHER_CTX_free(seal_);
    EVP_CIPHER_CTX_free(open_);
  }

 private:
  static EVP_CIPHER_CTX* MakeContext(Napi::Env env, const EVP_CIPHER* cipher, const uint8_t* key, int encrypt) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (ctx == nullptr || EVP_CipherInit_ex(ctx, cipher, nullptr, nullptr, nullptr, encrypt) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
        EVP_CipherInit_ex(ctx, nullptr, nullptr, key, nullptr, encrypt) != 1) {
      EVP_CIPHER_CTX_free(ctx);
      throw Napi::Error::New(env, "AeadKey: OpenSSL refused to set up the cipher");
    }
    return ctx;
  }

  static Napi::Buffer<uint8_t> BufferArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
    if (!info[index].IsBuffer()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Buffer");
    return info[index].As<Napi::Buffer<uint8_t>>();
  }

  static void Nonce(const Napi::CallbackInfo& info, const Napi::Buffer<uint8_t>& nonce) {
    if (nonce.Length() != kNonceBytes) throw Napi::RangeError::New(info.Env(), "nonce must be 12 bytes");
  }

  // seal(nonce, aad, plaintext, out, tagOffset, ciphertextOffset): writes the ciphertext
  // and the 16-byte tag into out, where the packet is being assembled (no copies after).
  Napi::Value Seal(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Buffer<uint8_t> nonce = BufferArg(info, 0, "nonce");
    Napi::Buffer<uint8_t> aad = BufferArg(info, 1, "aad");
    Napi::Buffer<uint8_t> plaintext = BufferArg(info, 2, "plaintext");
    Napi::Buffer<uint8_t> out = BufferArg(info, 3, "out");
    Nonce(info, nonce);
    int64_t length = static_cast<int64_t>(out.Length());
    int64_t tagOffset = IntArg(info, 4, "tagOffset", 0, length - kTagBytes);
    int64_t textOffset = IntArg(info, 5, "ciphertextOffset", 0, length - static_cast<int64_t>(plaintext.Length()));
    int written = 0;
    if (EVP_CipherInit_ex(seal_, nullptr, nullptr, nullptr, nonce.Data(), 1) != 1 ||
        EVP_CipherUpdate(seal_, nullptr, &written, aad.Data(), static_cast<int>(aad.Length())) != 1 ||
        EVP_CipherUpdate(seal_, out.Data() + textOffset, &written, plaintext.Data(), static_cast<int>(plaintext.Length())) != 1 ||
        EVP_CipherFinal_ex(seal_, out.Data() + textOffset + written, &written) != 1 ||
        EVP_CIPHER_CTX_ctrl(seal_, EVP_CTRL_AEAD_GET_TAG, kTagBytes, out.Data() + tagOffset) != 1) {
      throw Napi::Error::New(env, "AeadKey.seal: OpenSSL failed");
    }
    return env.Undefined();
  }

  // open(nonce, aad, tag, ciphertext) -> the plaintext in a new Buffer, or null when the
  // tag does not verify (a forged, corrupted or replayed-with-another-key packet).
  Napi::Value Open(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Buffer<uint8_t> nonce = BufferArg(info, 0, "nonce");
    Napi::Buffer<uint8_t> aad = BufferArg(info, 1, "aad");
    Napi::Buffer<uint8_t> tag = BufferArg(info, 2, "tag");
    Napi::Buffer<uint8_t> ciphertext = BufferArg(info, 3, "ciphertext");
    Nonce(info, nonce);
    if (tag.Length() != kTagBytes) throw Napi::RangeError::New(env, "tag must be 16 bytes");
    Napi::Buffer<uint8_t> plaintext = Napi::Buffer<uint8_t>::New(env, ciphertext.Length());
    int written = 0;
    if (EVP_CipherInit_ex(open_, nullptr, nullptr, nullptr, nonce.Data(), 0) != 1 ||
        EVP_CipherUpdate(open_, nullptr, &written, aad.Data(), static_cast<int>(aad.Length())) != 1 ||
        EVP_CipherUpdate(open_, plaintext.Data(), &written, ciphertext.Data(), static_cast<int>(ciphertext.Length())) != 1 ||
        EVP_CIPHER_CTX_ctrl(open_, EVP_CTRL_AEAD_SET_TAG, kTagBytes, tag.Data()) != 1) {
      throw Napi::Error::New(env, "AeadKey.open: OpenSSL failed");
    }
    if (EVP_CipherFinal_ex(open_, plaintext.Data() + written, &written) != 1) return env.Null();
    return plaintext;
  }

  EVP_CIPHER_CTX* seal_ = nullptr;
  EVP_CIPHER_CTX* open_ = nullptr;
};

}  // namespace

void InitAeadKey(Napi::Env env, Napi::Object exports) { AeadKey::Init(env, exports); }

}  // namespace postern
