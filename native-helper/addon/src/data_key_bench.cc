// dataKeyBench: the native data plane's per-packet crypto timed in C++, for `npm run bench`
// only (never a test's timing). The plane never crosses into JS per packet, so a loop
// driven from JS measures N-API calls more than the data path; this one seals a batch of
// packets with one DataKey and opens them with the peer's (replay window included), the
// very calls data_plane_send.cc / data_plane_receive.cc make, and times each side apart.
//
// Two baselines run the same shape without DataKey, to say where a gap to `openssl speed`
// lies: "evp" is the bare per-packet AEAD (nonce, AAD, update, final, tag: what DataKey
// cannot avoid), "evp-stream" is what `openssl speed -evp` itself measures (one running
// EVP update per block, no per-packet nonce or tag).
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "addon.h"
#include "aead_cipher.h"
#include "data_key.h"

namespace postern {

namespace {

// As many packets per batch as the plane reads per burst (native-data-plane.ts's MAX_BATCH).
constexpr size_t kBatch = 64;
constexpr int64_t kMaxPacketBytes = 64 * 1024;
// Below one key's 2^32 packet ids, and an hour's run at a generous rate.
constexpr int64_t kMaxPackets = 1000 * 1000 * 1000;
constexpr int64_t kMaxDurationMs = 60 * 1000;
constexpr int kNonceBytes = 12;
constexpr int kKeyId = 0;
// The baselines lay a packet out as DATA_V2 does: 8 authenticated bytes (header and
// packet id), the tag, the ciphertext.
constexpr size_t kAadBytes = 8;
constexpr size_t kTextOffset = kAadBytes + DataKey::kTagBytes;

enum class Loop { kDataKey, kEvp, kEvpStream };

struct BenchOptions {
  std::string algorithm;
  const EVP_CIPHER* cipher = nullptr;
  size_t packetBytes = 0;
  int32_t peerId = -1;  // DATA_V1
  int64_t packets = kMaxPackets;
  int64_t durationNs = 0;  // 0: until `packets`
  Loop loop = Loop::kDataKey;
};

struct BenchFigures {
  int64_t packets = 0;
  int64_t sealNs = 0;
  int64_t openNs = 0;
  int64_t failures = 0;
};

int64_t NowNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// Buffers for one batch, allocated once: what the plane has too (tunIn_, sealed_, opened_).
struct Slots {
  explicit Slots(size_t packetBytes)
      : plainSlot(packetBytes), sealedSlot(packetBytes + DataKey::OverheadBytes(0)),
        plain(kBatch * plainSlot), sealed(kBatch * sealedSlot), opened(kBatch * plainSlot) {}
  size_t plainSlot, sealedSlot;
  std::vector<uint8_t> plain, sealed, opened;
  size_t sealedLengths[kBatch] = {};
  size_t openedLengths[kBatch] = {};
  bool openedOk[kBatch] = {};
};

// Counts the packets of a batch that did not come back as they were sealed (untimed).
int64_t CountFailures(const Slots& slots, size_t count, size_t packetBytes) {
  int64_t failures = 0;
  for (size_t i = 0; i < count; i++) {
    const uint8_t* plain = slots.plain.data() + i * slots.plainSlot;
    const uint8_t* opened = slots.opened.data() + i * slots.plainSlot;
    if (!slots.openedOk[i] || slots.openedLengths[i] != packetBytes || memcmp(plain, opened, packetBytes) != 0) failures++;
  }
  return failures;
}

// Runs batches until the packet count or the duration is reached; `seal` and `open`
// do one batch each and record per-packet success in the slots.
template <typename Seal, typename Open>
BenchFigures RunBatches(const BenchOptions& options, Slots& slots, Seal seal, Open open) {
  BenchFigures figures;
  int64_t start = NowNs();
  while (figures.packets < options.packets && (options.durationNs == 0 || NowNs() - start < options.durationNs)) {
    size_t count = static_cast<size_t>(std::min<int64_t>(kBatch, options.packets - figures.packets));
    int64_t t0 = NowNs();
    seal(count);
    int64_t t1 = NowNs();
    open(count);
    int64_t t2 = NowNs();
    figures.sealNs += t1 - t0;
    figures.openNs += t2 - t1;
    figures.failures += CountFailures(slots, count, options.packetBytes);
    figures.packets += static_cast<int64_t>(count);
  }
  return figures;
}

// Fresh keys, ivs and plaintext: the figures must not depend on lucky bytes.
void Randomize(uint8_t* bytes, size_t length) {
  if (RAND_bytes(bytes, static_cast<int>(length)) != 1) throw std::runtime_error("dataKeyBench: RAND_bytes failed");
}

struct KeyMaterial {
  uint8_t clientKey[EVP_MAX_KEY_LENGTH], serverKey[EVP_MAX_KEY_LENGTH];
  uint8_t clientIv[DataKey::kImplicitIvBytes], serverIv[DataKey::kImplicitIvBytes];
  size_t keyBytes;
  explicit KeyMaterial(const EVP_CIPHER* cipher) : keyBytes(static_cast<size_t>(EVP_CIPHER_key_length(cipher))) {
    Randomize(clientKey, sizeof clientKey);
    Randomize(serverKey, sizeof serverKey);
    Randomize(clientIv, sizeof clientIv);
    Randomize(serverIv, sizeof serverIv);
  }
};

// The plane's calls: the client's key seals, the server's key (its keys crossed) opens.
BenchFigures RunDataKey(const BenchOptions& options, Slots& slots) {
  KeyMaterial keys(options.cipher);
  std::string error;
  std::shared_ptr<DataKey> client = DataKey::Create(options.algorithm, keys.clientKey, keys.clientIv, keys.serverKey,
                                                    keys.serverIv, keys.keyBytes, 1, &error);
  std::shared_ptr<DataKey> server = DataKey::Create(options.algorithm, keys.serverKey, keys.serverIv, keys.clientKey,
                                                    keys.clientIv, keys.keyBytes, 1, &error);
  if (!client || !server) throw std::runtime_error("dataKeyBench: " + error);
  auto seal = [&](size_t count) {
    for (size_t i = 0; i < count; i++) {
      ssize_t sealed = client->Encrypt(slots.plain.data() + i * slots.plainSlot, options.packetBytes, kKeyId, options.peerId,
                                       slots.sealed.data() + i * slots.sealedSlot);
      slots.sealedLengths[i] = sealed < 0 ? 0 : static_cast<size_t>(sealed);
    }
  };
  auto open = [&](size_t count) {
    for (size_t i = 0; i < count; i++) {
      DropCode drop = server->Decrypt(slots.sealed.data() + i * slots.sealedSlot, slots.sealedLengths[i],
                                      slots.opened.data() + i * slots.plainSlot, &slots.openedLengths[i]);
      slots.openedOk[i] = drop == DropCode::kNone;
    }
  };
  return RunBatches(options, slots, seal, open);
}

struct Contexts {
  EVP_CIPHER_CTX* seal = nullptr;
  EVP_CIPHER_CTX* open = nullptr;
  ~Contexts() {
    EVP_CIPHER_CTX_free(seal);
    EVP_CIPHER_CTX_free(open);
  }
};

void MakeContexts(const EVP_CIPHER* cipher, const uint8_t* key, const uint8_t* iv, Contexts* contexts) {
  contexts->seal = EVP_CIPHER_CTX_new();
  contexts->open = EVP_CIPHER_CTX_new();
  if (contexts->seal == nullptr || contexts->open == nullptr ||
      EVP_CipherInit_ex(contexts->seal, cipher, nullptr, key, iv, 1) != 1 ||
      EVP_CipherInit_ex(contexts->open, cipher, nullptr, key, iv, 0) != 1) {
    throw std::runtime_error("dataKeyBench: OpenSSL refused to set up the cipher");
  }
}

// DataKey's OpenSSL calls alone: no lock, no header, no replay window.
BenchFigures RunEvp(const BenchOptions& options, Slots& slots) {
  KeyMaterial keys(options.cipher);
  uint8_t nonce[kNonceBytes] = {};
  memcpy(nonce + 4, keys.clientIv, DataKey::kImplicitIvBytes);
  Contexts contexts;
  MakeContexts(options.cipher, keys.clientKey, nonce, &contexts);
  uint32_t sealCounter = 0;
  uint32_t openCounter = 0;
  // The 8 bytes DATA_V2 authenticates; the tag and ciphertext go where DataKey puts them.
  auto seal = [&](size_t count) {
    for (size_t i = 0; i < count; i++) {
      uint8_t* out = slots.sealed.data() + i * slots.sealedSlot;
      memcpy(nonce, &++sealCounter, 4);
      memcpy(out, nonce, kAadBytes);
      int written = 0;
      bool ok = EVP_CipherInit_ex(contexts.seal, nullptr, nullptr, nullptr, nonce, 1) == 1 &&
                EVP_CipherUpdate(contexts.seal, nullptr, &written, out, kAadBytes) == 1 &&
                EVP_CipherUpdate(contexts.seal, out + kTextOffset, &written, slots.plain.data() + i * slots.plainSlot,
                                 static_cast<int>(options.packetBytes)) == 1 &&
                EVP_CipherFinal_ex(contexts.seal, out + kTextOffset + written, &written) == 1 &&
                EVP_CIPHER_CTX_ctrl(contexts.seal, EVP_CTRL_AEAD_GET_TAG, DataKey::kTagBytes, out + kAadBytes) == 1;
      slots.sealedLengths[i] = ok ? kTextOffset + options.packetBytes : 0;
    }
  };
  auto open = [&](size_t count) {
    for (size_t i = 0; i < count; i++) {
      uint8_t* packet = slots.sealed.data() + i * slots.sealedSlot;
      uint8_t* out = slots.opened.data() + i * slots.plainSlot;
      memcpy(nonce, &++openCounter, 4);
      int written = 0;
      int tail = 0;
      bool ok = slots.sealedLengths[i] == kTextOffset + options.packetBytes &&
                EVP_CipherInit_ex(contexts.open, nullptr, nullptr, nullptr, nonce, 0) == 1 &&
                EVP_CipherUpdate(contexts.open, nullptr, &written, packet, kAadBytes) == 1 &&
                EVP_CipherUpdate(contexts.open, out, &written, packet + kTextOffset, static_cast<int>(options.packetBytes)) == 1 &&
                EVP_CIPHER_CTX_ctrl(contexts.open, EVP_CTRL_AEAD_SET_TAG, DataKey::kTagBytes, packet + kAadBytes) == 1 &&
                EVP_CipherFinal_ex(contexts.open, out + written, &tail) == 1;
      slots.openedLengths[i] = static_cast<size_t>(written + tail);
      slots.openedOk[i] = ok;
    }
  };
  return RunBatches(options, slots, seal, open);
}

// What `openssl speed -evp` times: one EVP update per block on a running stream. Both
// sides start a fresh nonce each batch (the counter of one nonce is not unbounded), so
// the opened stream equals the sealed one and can be checked like the others.
BenchFigures RunEvpStream(const BenchOptions& options, Slots& slots) {
  KeyMaterial keys(options.cipher);
  uint8_t nonce[kNonceBytes] = {};
  Contexts contexts;
  MakeContexts(options.cipher, keys.clientKey, nonce, &contexts);
  uint32_t batches = 0;
  auto seal = [&](size_t count) {
    memcpy(nonce, &++batches, 4);
    bool ok = EVP_CipherInit_ex(contexts.seal, nullptr, nullptr, nullptr, nonce, 1) == 1;
    for (size_t i = 0; i < count; i++) {
      int written = 0;
      ok = EVP_CipherUpdate(contexts.seal, slots.sealed.data() + i * slots.sealedSlot, &written,
                            slots.plain.data() + i * slots.plainSlot, static_cast<int>(options.packetBytes)) == 1 && ok;
      slots.sealedLengths[i] = ok ? static_cast<size_t>(written) : 0;
    }
  };
  auto open = [&](size_t count) {
    bool ok = EVP_CipherInit_ex(contexts.open, nullptr, nullptr, nullptr, nonce, 0) == 1;
    for (size_t i = 0; i < count; i++) {
      int written = 0;
      ok = EVP_CipherUpdate(contexts.open, slots.opened.data() + i * slots.plainSlot, &written,
                            slots.sealed.data() + i * slots.sealedSlot, static_cast<int>(slots.sealedLengths[i])) == 1 && ok;
      slots.openedLengths[i] = static_cast<size_t>(written);
      slots.openedOk[i] = ok;
    }
  };
  return RunBatches(options, slots, seal, open);
}

// Reads an optional integer property in [min, max]; TypeError / RangeError otherwise.
int64_t IntProperty(Napi::Object object, const char* name, int64_t min, int64_t max, int64_t absent) {
  Napi::Env env = object.Env();
  Napi::Value value = object.Get(name);
  if (value.IsUndefined()) return absent;
  if (!value.IsNumber()) throw Napi::TypeError::New(env, std::string("dataKeyBench: ") + name + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (number != static_cast<double>(static_cast<int64_t>(number)) || number < min || number > max) {
    throw Napi::RangeError::New(env, std::string("dataKeyBench: ") + name + " must be an integer in [" + std::to_string(min) +
                                         ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(number);
}

BenchOptions ReadOptions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "dataKeyBench: options must be an object");
  Napi::Object object = info[0].As<Napi::Object>();
  BenchOptions options;
  Napi::Value algorithm = object.Get("algorithm");
  if (!algorithm.IsString()) throw Napi::TypeError::New(env, "dataKeyBench: algorithm must be a string");
  options.algorithm = algorithm.As<Napi::String>();
  options.cipher = AeadCipherByName(options.algorithm);
  if (options.cipher == nullptr) throw Napi::RangeError::New(env, "dataKeyBench: unsupported AEAD algorithm '" + options.algorithm + "'");
  Napi::Value packetBytes = object.Get("packetBytes");
  if (packetBytes.IsUndefined()) throw Napi::TypeError::New(env, "dataKeyBench: packetBytes must be a number");
  options.packetBytes = static_cast<size_t>(IntProperty(object, "packetBytes", 1, kMaxPacketBytes, 0));
  options.peerId = static_cast<int32_t>(IntProperty(object, "peerId", -1, 0xffffff, -1));
  options.packets = IntProperty(object, "packets", 1, kMaxPackets, kMaxPackets);
  options.durationNs = IntProperty(object, "durationMs", 1, kMaxDurationMs, 0) * 1000000;
  if (object.Get("packets").IsUndefined() && options.durationNs == 0) {
    throw Napi::TypeError::New(env, "dataKeyBench: give packets, durationMs or both");
  }
  Napi::Value loop = object.Get("loop");
  std::string loopName = loop.IsUndefined() ? "data-key" : loop.IsString() ? std::string(loop.As<Napi::String>()) : "";
  if (loopName == "data-key") options.loop = Loop::kDataKey;
  else if (loopName == "evp") options.loop = Loop::kEvp;
  else if (loopName == "evp-stream") options.loop = Loop::kEvpStream;
  else throw Napi::RangeError::New(env, "dataKeyBench: loop must be 'data-key', 'evp' or 'evp-stream'");
  return options;
}

// dataKeyBench({ algorithm, packetBytes, peerId?, packets?, durationMs?, loop? }): runs on
// the calling thread until `packets` or `durationMs`, whichever comes first.
Napi::Value DataKeyBench(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BenchOptions options = ReadOptions(info);
  Slots slots(options.packetBytes);
  BenchFigures figures;
  try {
    Randomize(slots.plain.data(), slots.plain.size());
    figures = options.loop == Loop::kDataKey ? RunDataKey(options, slots)
              : options.loop == Loop::kEvp   ? RunEvp(options, slots)
                                             : RunEvpStream(options, slots);
  } catch (const std::runtime_error& error) {
    throw Napi::Error::New(env, error.what());
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("packets", Napi::Number::New(env, static_cast<double>(figures.packets)));
  result.Set("bytes", Napi::Number::New(env, static_cast<double>(figures.packets) * static_cast<double>(options.packetBytes)));
  result.Set("sealNs", Napi::Number::New(env, static_cast<double>(figures.sealNs)));
  result.Set("openNs", Napi::Number::New(env, static_cast<double>(figures.openNs)));
  result.Set("roundTripNs", Napi::Number::New(env, static_cast<double>(figures.sealNs + figures.openNs)));
  result.Set("failures", Napi::Number::New(env, static_cast<double>(figures.failures)));
  return result;
}

}  // namespace

void InitDataKeyBench(Napi::Env env, Napi::Object exports) {
  exports.Set("dataKeyBench", Napi::Function::New<DataKeyBench>(env, "dataKeyBench"));
}

}  // namespace postern
