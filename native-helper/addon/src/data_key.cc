// DataKey (see data_key.h): OpenSSL contexts made once per key; each packet sets only its
// nonce, as aead_key.cc does for core's per-call provider.
#include "data_key.h"

#include "aead_cipher.h"

#include <cstring>

namespace postern {

namespace {

constexpr int kNonceBytes = 12;
constexpr uint8_t kDataV1 = 6;
constexpr uint8_t kDataV2 = 9;

EVP_CIPHER_CTX* MakeContext(const EVP_CIPHER* cipher, const uint8_t* key, int encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr || EVP_CipherInit_ex(ctx, cipher, nullptr, nullptr, nullptr, encrypt) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_CipherInit_ex(ctx, nullptr, nullptr, key, nullptr, encrypt) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

void WriteU32(uint8_t* at, uint32_t value) {
  at[0] = static_cast<uint8_t>(value >> 24);
  at[1] = static_cast<uint8_t>(value >> 16);
  at[2] = static_cast<uint8_t>(value >> 8);
  at[3] = static_cast<uint8_t>(value);
}

uint32_t ReadU32(const uint8_t* at) {
  return (static_cast<uint32_t>(at[0]) << 24) | (static_cast<uint32_t>(at[1]) << 16) | (static_cast<uint32_t>(at[2]) << 8) | at[3];
}

}  // namespace

std::shared_ptr<DataKey> DataKey::Create(const std::string& algorithm, const uint8_t* encryptKey, const uint8_t* encryptIv,
                                         const uint8_t* decryptKey, const uint8_t* decryptIv, size_t keyBytes,
                                         uint64_t initialPacketId, std::string* error) {
  const EVP_CIPHER* cipher = AeadCipherByName(algorithm);
  if (cipher == nullptr) {
    *error = "unsupported AEAD algorithm '" + algorithm + "'";
    return nullptr;
  }
  if (keyBytes != static_cast<size_t>(EVP_CIPHER_key_length(cipher))) {
    *error = algorithm + " needs a " + std::to_string(EVP_CIPHER_key_length(cipher)) + "-byte key";
    return nullptr;
  }
  std::shared_ptr<DataKey> key(new DataKey());
  key->seal_ = MakeContext(cipher, encryptKey, 1);
  key->open_ = MakeContext(cipher, decryptKey, 0);
  if (key->seal_ == nullptr || key->open_ == nullptr) {
    *error = "OpenSSL refused to set up the cipher";
    return nullptr;
  }
  memcpy(key->send_nonce_ + kPacketIdBytes, encryptIv, kImplicitIvBytes);
  memcpy(key->receive_nonce_ + kPacketIdBytes, decryptIv, kImplicitIvBytes);
  key->next_packet_id_ = initialPacketId;
  return key;
}

DataKey::~DataKey() {
  EVP_CIPHER_CTX_free(seal_);
  EVP_CIPHER_CTX_free(open_);
}

ssize_t DataKey::Encrypt(const uint8_t* plain, size_t length, int keyId, int32_t peerId, uint8_t* out) {
  std::lock_guard<std::mutex> lock(send_mutex_);
  if (next_packet_id_ > kPacketIdMax) return kPacketIdsExhausted;
  uint32_t packetId = static_cast<uint32_t>(next_packet_id_++);
  size_t header;
  if (peerId < 0) {
    out[0] = static_cast<uint8_t>((kDataV1 << 3) | keyId);
    header = 1;
  } else {
    WriteU32(out, (static_cast<uint32_t>((kDataV2 << 3) | keyId) << 24) | static_cast<uint32_t>(peerId));
    header = 4;
  }
  WriteU32(out + header, packetId);
  size_t pidEnd = header + kPacketIdBytes;
  WriteU32(send_nonce_, packetId);
  // V2 authenticates opcode, peer-id and packet-id; V1 only the packet-id.
  const uint8_t* aad = peerId < 0 ? out + header : out;
  int aadLength = static_cast<int>(peerId < 0 ? kPacketIdBytes : pidEnd);
  uint8_t* text = out + pidEnd + kTagBytes;
  int written = 0;
  if (EVP_CipherInit_ex(seal_, nullptr, nullptr, nullptr, send_nonce_, 1) != 1 ||
      EVP_CipherUpdate(seal_, nullptr, &written, aad, aadLength) != 1 ||
      EVP_CipherUpdate(seal_, text, &written, plain, static_cast<int>(length)) != 1 ||
      EVP_CipherFinal_ex(seal_, text + written, &written) != 1 ||
      EVP_CIPHER_CTX_ctrl(seal_, EVP_CTRL_AEAD_GET_TAG, kTagBytes, out + pidEnd) != 1) {
    return kCryptoFailed;
  }
  return static_cast<ssize_t>(pidEnd + kTagBytes + length);
}

// DATA_V1/V2 header length of a packet, 0 for any other opcode.
static size_t HeaderBytes(const uint8_t* packet, size_t length) {
  if (length == 0) return 0;
  uint8_t opcode = packet[0] >> 3;
  if (opcode == kDataV2) return 4;
  if (opcode == kDataV1) return 1;
  return 0;
}

size_t DataKey::PlaintextBytes(const uint8_t* packet, size_t length) {
  size_t header = HeaderBytes(packet, length);
  size_t overhead = header + kPacketIdBytes + kTagBytes;
  return header == 0 || length < overhead ? 0 : length - overhead;
}

DropCode DataKey::Decrypt(const uint8_t* packet, size_t length, uint8_t* out, size_t* plainLength) {
  *plainLength = 0;
  size_t header = HeaderBytes(packet, length);
  if (header == 0) return DropCode::kBadOpcode;
  size_t pidEnd = header + kPacketIdBytes;
  if (length < pidEnd + kTagBytes) return DropCode::kTruncated;
  uint32_t packetId = ReadU32(packet + header);
  const uint8_t* aad = header == 1 ? packet + header : packet;
  int aadLength = static_cast<int>(header == 1 ? kPacketIdBytes : pidEnd);
  const uint8_t* text = packet + pidEnd + kTagBytes;
  size_t textLength = length - pidEnd - kTagBytes;

  std::lock_guard<std::mutex> lock(receive_mutex_);
  DropCode replay = replay_.Test(packetId);
  if (replay != DropCode::kNone) return replay;
  WriteU32(receive_nonce_, packetId);
  int written = 0;
  int tail = 0;
  // The tag is passed through a copy: OpenSSL's ctrl takes a non-const pointer.
  uint8_t tag[kTagBytes];
  memcpy(tag, packet + pidEnd, kTagBytes);
  if (EVP_CipherInit_ex(open_, nullptr, nullptr, nullptr, receive_nonce_, 0) != 1 ||
      EVP_CipherUpdate(open_, nullptr, &written, aad, aadLength) != 1 ||
      EVP_CipherUpdate(open_, out, &written, text, static_cast<int>(textLength)) != 1 ||
      EVP_CIPHER_CTX_ctrl(open_, EVP_CTRL_AEAD_SET_TAG, kTagBytes, tag) != 1 ||
      EVP_CipherFinal_ex(open_, out + written, &tail) != 1) {
    return DropCode::kAuthFailed;
  }
  replay_.Commit(packetId);
  peer_has_sent_.store(true, std::memory_order_relaxed);
  *plainLength = static_cast<size_t>(written + tail);
  return DropCode::kNone;
}

uint64_t DataKey::NextSendPacketId() {
  std::lock_guard<std::mutex> lock(send_mutex_);
  return next_packet_id_;
}

const char* DropCodeName(DropCode code) {
  switch (code) {
    case DropCode::kNone: return "";
    case DropCode::kBadPacketId: return "data.bad_packet_id";
    case DropCode::kReplay: return "data.replay";
    case DropCode::kReplayWindow: return "data.replay_window";
    case DropCode::kTruncated: return "data.truncated";
    case DropCode::kBadOpcode: return "data.bad_opcode";
    case DropCode::kAuthFailed: return "data.auth_failed";
    case DropCode::kNoSendKey: return "data.no_send_key";
    case DropCode::kBadCompressionHeader: return "data.bad_compression_header";
    case DropCode::kCompressionNotAllowed: return "data.compression_not_allowed";
    case DropCode::kSendQueueFull: return "udp.send_queue_full";
    case DropCode::kSendFailed: return "udp.send_failed";
    case DropCode::kTunWriteDropped: return "tun.write_dropped";
    case DropCode::kOversized: return "udp.oversized";
    case DropCode::kCount: break;
  }
  return "data.unknown";
}

}  // namespace postern
