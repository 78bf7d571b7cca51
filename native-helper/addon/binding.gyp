# The helper's N-API addon: TUN open/ioctl, a batching packet reader, batched UDP, the data channel's AEAD, OpenSSL providers by name, handing back start-up pages, SO_PEERCRED/SO_PEERGROUPS, flock.
# Built by scripts/build-addon.mjs (node-gyp rebuild); output in build/ (git-ignored).
# Linux only for now: other platforms get their own sources when they get a TunDevice.
{
  "targets": [
    {
      "target_name": "postern_tun",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["src/tun_addon.cc", "src/readable_poll.cc", "src/tun_reader.cc", "src/udp_socket.cc", "src/aead_key.cc", "src/data_key.cc", "src/data_key_addon.cc", "src/data_key_bench.cc", "src/mss_clamp.cc", "src/framing.cc", "src/data_plane.cc", "src/data_plane_send.cc", "src/data_plane_receive.cc", "src/data_plane_addon.cc", "src/openssl_provider.cc", "src/page_release.cc"],
        }],
      ],
      # node_addon_api_except: C++ exceptions on, so errors are `throw ErrnoError(...)`
      # instead of checking env.IsExceptionPending() after every call.
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      # Node-API 8 is in every Node >= 12.22 and in Electron, so one binary serves both.
      "defines": ["NAPI_VERSION=8"],
      # Debian's hardening (a root process reading network input): fortified libc calls, stack
      # protector, and relocations resolved then made read-only at load (lintian checks them).
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2", "-D_FORTIFY_SOURCE=2", "-fstack-protector-strong"],
      "ldflags": ["-Wl,-z,relro", "-Wl,-z,now"],
    }
  ]
}
