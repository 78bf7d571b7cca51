#include "readable_poll.h"

#include <string>

#include "addon.h"

namespace postern {

namespace {

void FreeHandle(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

}  // namespace

void ReadablePoll::Start(Napi::Env env, int fd, void* owner, Callback callback, const char* who) {
  if (handle_ != nullptr) return;
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, std::string(who) + ": no event loop");
  auto* handle = new uv_poll_t;
  int rc = uv_poll_init(loop, handle, fd);
  if (rc != 0) {
    delete handle;
    throw ErrnoError(env, -rc, "uv_poll_init", std::string(who) + " failed");
  }
  rc = uv_poll_start(handle, UV_READABLE, OnEvent);
  if (rc != 0) {
    // An initialised handle must go through uv_close before it is freed.
    uv_close(reinterpret_cast<uv_handle_t*>(handle), FreeHandle);
    throw ErrnoError(env, -rc, "uv_poll_start", std::string(who) + " failed");
  }
  handle->data = this;
  handle_ = handle;
  owner_ = owner;
  callback_ = callback;
}

int ReadablePoll::Restart() {
  return handle_ == nullptr ? UV_EBADF : uv_poll_start(handle_, UV_READABLE, OnEvent);
}

void ReadablePoll::Close() {
  if (handle_ == nullptr) return;
  uv_poll_stop(handle_);
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), FreeHandle);
  handle_ = nullptr;
}

void ReadablePoll::OnEvent(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = static_cast<ReadablePoll*>(handle->data);
  if (self == nullptr) return;
  self->callback_(self->owner_, status);
}

void CallFromLoop(Napi::Env env, Napi::FunctionReference& fn, Napi::Object receiver, Napi::AsyncContext& context,
                  const std::initializer_list<napi_value>& args) {
  try {
    fn.MakeCallback(receiver, args, context);
  } catch (const Napi::Error& error) {
    napi_fatal_exception(env, error.Value());
  }
}

int64_t OptionInt(Napi::Env env, Napi::Object options, const char* key, int64_t min, int64_t max) {
  Napi::Value value = options.Get(key);
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (number != static_cast<double>(static_cast<int64_t>(number)) || number < min || number > max) {
    throw Napi::RangeError::New(env, std::string("options.") + key + " must be an integer in [" +
                                         std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(number);
}

}  // namespace postern
