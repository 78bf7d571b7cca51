// DataKey: the whole classic-format AEAD data packet for one key_id (both directions),
// in C++ so that the native data plane and JS share one packet-id counter and one
// replay window per key (core/data/aead-cipher.ts is the reference):
//
//   DATA_V2:  [0x48|kid][peer-id 3][packet-id 4][tag 16][ciphertext]   AAD = bytes 0-7
//   DATA_V1:  [0x30|kid][packet-id 4][tag 16][ciphertext]              AAD = packet-id
//   nonce = packet-id(4) ‖ implicit IV(8)
//
// Thread-safe: the JS thread (pings, OCC, the fallback path) and the plane's thread use
// the same key. One lock per direction, so sending and receiving never wait on each other.
#pragma once

#include <openssl/evp.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "drop_code.h"
#include "replay_window.h"

namespace postern {

class DataKey {
 public:
  static constexpr size_t kTagBytes = 16;
  static constexpr size_t kImplicitIvBytes = 8;
  static constexpr size_t kPacketIdBytes = 4;
  static constexpr uint64_t kPacketIdMax = 0xffffffffull;
  // Encrypt's results other than a length.
  static constexpr ssize_t kPacketIdsExhausted = -1;
  static constexpr ssize_t kCryptoFailed = -2;

  // nullptr with *error set when the algorithm is unknown or a key has the wrong length.
  // Keys are cipher-key bytes already cut to the algorithm's length; ivs are 8 bytes.
  static std::shared_ptr<DataKey> Create(const std::string& algorithm, const uint8_t* encryptKey, const uint8_t* encryptIv,
                                         const uint8_t* decryptKey, const uint8_t* decryptIv, size_t keyBytes,
                                         uint64_t initialPacketId, std::string* error);
  ~DataKey();
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;

  // Header + packet-id + tag: what a packet grows by. peerId < 0 means DATA_V1.
  static size_t OverheadBytes(int32_t peerId) { return (peerId < 0 ? 1 : 4) + kPacketIdBytes + kTagBytes; }

  // How long the plaintext of this packet is if it authenticates (0 when it cannot be a
  // data packet): the room Decrypt needs.
  static size_t PlaintextBytes(const uint8_t* packet, size_t length);

  // Writes the wire packet for `plain` into out (room for OverheadBytes + length); returns
  // its length, kPacketIdsExhausted (renegotiation was due long ago) or kCryptoFailed.
  ssize_t Encrypt(const uint8_t* plain, size_t length, int keyId, int32_t peerId, uint8_t* out);

  // Authenticates, decrypts and replay-checks a DATA_V1/V2 packet; the plaintext goes to
  // out (room for PlaintextBytes) and its length to *plainLength. Never reads past length.
  DropCode Decrypt(const uint8_t* packet, size_t length, uint8_t* out, size_t* plainLength);

  uint64_t NextSendPacketId();

  // True once a packet under this key authenticated: the server encrypts with it, so it
  // can decrypt with it too (core/session/key-selection.ts uses this to switch keys).
  bool PeerHasSent() const { return peer_has_sent_.load(std::memory_order_relaxed); }

 private:
  DataKey() = default;

  std::mutex send_mutex_;
  EVP_CIPHER_CTX* seal_ = nullptr;
  uint8_t send_nonce_[12] = {};
  uint64_t next_packet_id_ = 1;

  std::mutex receive_mutex_;
  EVP_CIPHER_CTX* open_ = nullptr;
  uint8_t receive_nonce_[12] = {};
  ReplayWindow replay_;
  std::atomic<bool> peer_has_sent_{false};
};

}  // namespace postern
