// The data channel's AEAD ciphers by the names core uses (core/data/aead-provider.ts's
// AeadAlgorithm); nullptr for any other name. Shared by aead_key.cc and data_key.cc.
#pragma once

#include <openssl/evp.h>

#include <string>

namespace postern {

inline const EVP_CIPHER* AeadCipherByName(const std::string& name) {
  if (name == "aes-128-gcm") return EVP_aes_128_gcm();
  if (name == "aes-192-gcm") return EVP_aes_192_gcm();
  if (name == "aes-256-gcm") return EVP_aes_256_gcm();
  if (name == "chacha20-poly1305") return EVP_chacha20_poly1305();
  return nullptr;
}

}  // namespace postern
