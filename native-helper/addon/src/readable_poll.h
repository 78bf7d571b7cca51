// ReadablePoll: one fd watched for readability on Node's event loop, shared by the
// TUN reader and the UDP socket.
#pragma once

#include <napi.h>
#include <uv.h>

#include <initializer_list>

namespace postern {

class ReadablePoll {
 public:
  // status < 0 is libuv's error for the fd (it reports EPOLLERR as UV_EBADF, and stops
  // the poll: Restart() resumes it).
  using Callback = void (*)(void* owner, int status);

  ReadablePoll() = default;
  ReadablePoll(const ReadablePoll&) = delete;
  ReadablePoll& operator=(const ReadablePoll&) = delete;
  ~ReadablePoll() { Close(); }

  // Level-triggered, libuv's epoll default: with data left after a batch we are called
  // again on the next loop turn, after timers and sockets had theirs. Throws ErrnoError.
  void Start(Napi::Env env, int fd, void* owner, Callback callback, const char* who);
  // Resumes after libuv stopped the poll on an error; returns libuv's code (0 = ok).
  int Restart();
  // Synchronous: no callback after it returns (uv_poll_stop removes the fd from epoll at
  // once), so the caller may close the fd right after. The handle is freed later by libuv.
  void Close();
  bool active() const { return handle_ != nullptr; }

 private:
  static void OnEvent(uv_poll_t* handle, int status, int events);

  uv_poll_t* handle_ = nullptr;
  void* owner_ = nullptr;
  Callback callback_ = nullptr;
};

// Calls a JS callback from a libuv callback. MakeCallback, not Call: it runs the
// microtask queue and keeps the async_hooks context, as any libuv-driven call into JS
// must. A throw inside the callback becomes an uncaught exception, like one in an event
// handler.
void CallFromLoop(Napi::Env env, Napi::FunctionReference& fn, Napi::Object receiver, Napi::AsyncContext& context,
                  const std::initializer_list<napi_value>& args);

// Reads options[key], which must be an integer in [min, max]; a RangeError names it otherwise.
int64_t OptionInt(Napi::Env env, Napi::Object options, const char* key, int64_t min, int64_t max);

}  // namespace postern
