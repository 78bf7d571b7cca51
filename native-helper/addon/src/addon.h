// Shared pieces of the postern_tun addon (Linux only).
#pragma once

#include <napi.h>

#include <memory>
#include <string>

namespace postern {

class DataKey;

// The C++ key behind a JS DataKey object; nullptr when `value` is not one.
std::shared_ptr<DataKey> DataKeyFromJs(Napi::Value value);

// Node's name for an errno value ('ECONNREFUSED'), as in error.code.
std::string ErrnoName(int err);

// A JS Error shaped like Node's own system errors (code 'EPERM', errno -1, syscall),
// so the helper can switch on `code` the same way it does for fs/net errors.
Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& what);

// Reads an integer argument that must lie in [min, max]; throws a TypeError/RangeError
// naming the argument otherwise (our own caller's bug, so a plain exception).
int64_t IntArg(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min, int64_t max);

// Registers the TunReader class on the module exports.
void InitTunReader(Napi::Env env, Napi::Object exports);

// Registers the UdpSocket class (batched, connected UDP to the VPN server).
void InitUdpSocket(Napi::Env env, Napi::Object exports);

// Registers the AeadKey class (the data channel's AEAD with a reusable OpenSSL context).
void InitAeadKey(Napi::Env env, Napi::Object exports);

// Registers the DataKey class (a whole classic-format AEAD data packet for one key_id),
// and with it dataKeyBench (its native seal/open loop, for `npm run bench` only).
void InitDataKey(Napi::Env env, Napi::Object exports);
void InitDataKeyBench(Napi::Env env, Napi::Object exports);

// Registers the DataPlane class (one tunnel's hot loop on a native thread).
void InitDataPlane(Napi::Env env, Napi::Object exports);

// Registers loadOpenSslProvider / openSslProviderAvailable (OpenSSL 3 providers by name).
void InitOpenSslProvider(Napi::Env env, Napi::Object exports);

// Registers releaseStartupPages (the Node binary's start-up pages handed back to the kernel).
void InitPageRelease(Napi::Env env, Napi::Object exports);

}  // namespace postern
