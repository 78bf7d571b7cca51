// releaseStartupPages(): hands back the pages of the Node binary that start-up touched and
// the running helper no longer needs, with madvise(MADV_PAGEOUT) (Linux 5.4+).
//
// Why: an idle Node process holds about 30 MB of its own executable (V8's snapshot, ICU
// data, the code that parsed and compiled the bundle), almost all of it touched once while
// starting. Those are clean file pages: dropping them costs nothing but a page fault if one
// is needed again, and what the data path really uses comes back on its own. Only the
// executable's read-only mappings are advised (never its writable data, never the heap), and
// the kernel skips pages another process maps too, so a node running elsewhere loses nothing.
#include "addon.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

namespace postern {

namespace {

// The advised byte count, 0 when the kernel has no MADV_PAGEOUT (EINVAL before 5.4).
Napi::Value ReleaseStartupPages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char exe[PATH_MAX];
  ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (length <= 0) throw ErrnoError(env, errno, "readlink", "/proc/self/exe");
  exe[length] = '\0';
  FILE* maps = fopen("/proc/self/maps", "re");
  if (maps == nullptr) throw ErrnoError(env, errno, "fopen", "/proc/self/maps");
  double advised = 0;
  char line[PATH_MAX + 128];
  while (fgets(line, sizeof(line), maps) != nullptr) {
    unsigned long start = 0, end = 0;
    char perms[5] = {0};
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3 || path_at == 0) continue;
    std::string path(line + path_at);
    if (!path.empty() && path.back() == '\n') path.pop_back();
    if (path != exe || perms[1] == 'w') continue;
    if (madvise(reinterpret_cast<void*>(start), end - start, MADV_PAGEOUT) == 0) {
      advised += static_cast<double>(end - start);
    } else if (errno == EINVAL) {
      break;  // no MADV_PAGEOUT on this kernel: nothing to hand back, and nothing wrong
    }
  }
  fclose(maps);
  return Napi::Number::New(env, advised);
}

}  // namespace

void InitPageRelease(Napi::Env env, Napi::Object exports) {
  exports.Set("releaseStartupPages", Napi::Function::New(env, ReleaseStartupPages, "releaseStartupPages"));
}

}  // namespace postern
