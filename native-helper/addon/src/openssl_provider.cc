// loadOpenSslProvider(name): OSSL_PROVIDER_load(NULL, name) into the default library
// context, which is the one node:crypto fetches from. After `legacy` is loaded,
// createCipheriv('bf-cbc', ...) works in this process, as `openvpn --providers legacy
// default` makes BF-CBC work in 2.6 (shared/protocol-2.7.md §6). The OpenSSL is Node's
// own (its headers ship with Node; the node binary exports the symbols).
//
// The provider stays loaded for the life of the process: the handle is never unloaded,
// because ciphers fetched from it may live in node:crypto objects we cannot see. Only the
// providers built into Node's OpenSSL may be named (the caller checks the same list): any
// other name makes OpenSSL look for a shared library of that name, and a profile must
// never make this root process load a module of its choosing.
#include "addon.h"

#include <openssl/err.h>
#include <openssl/provider.h>

#include <string>

namespace postern {

namespace {

bool IsBuiltIn(const std::string& name) {
  return name == "default" || name == "legacy" || name == "base";
}

// The first queued OpenSSL error as text, and the queue emptied (node:crypto reads the same queue).
std::string TakeOpenSslError() {
  unsigned long code = ERR_get_error();
  std::string text = "unknown error";
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    text = buffer;
  }
  ERR_clear_error();
  return text;
}

Napi::Value LoadOpenSslProvider(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "name must be a string");
  std::string name = info[0].As<Napi::String>();
  if (!IsBuiltIn(name)) throw Napi::RangeError::New(env, "only the built-in providers default, legacy and base can be loaded");
  OSSL_PROVIDER* provider = OSSL_PROVIDER_load(nullptr, name.c_str());
  if (provider == nullptr) throw Napi::Error::New(env, "OpenSSL could not load the provider '" + name + "': " + TakeOpenSslError());
  return env.Undefined();
}

Napi::Value OpenSslProviderAvailable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "name must be a string");
  std::string name = info[0].As<Napi::String>();
  return Napi::Boolean::New(env, OSSL_PROVIDER_available(nullptr, name.c_str()) == 1);
}

}  // namespace

void InitOpenSslProvider(Napi::Env env, Napi::Object exports) {
  exports.Set("loadOpenSslProvider", Napi::Function::New(env, LoadOpenSslProvider, "loadOpenSslProvider"));
  exports.Set("openSslProviderAvailable", Napi::Function::New(env, OpenSslProviderAvailable, "openSslProviderAvailable"));
}

}  // namespace postern
