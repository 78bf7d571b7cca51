// The compression framings a client that never compresses sends, on the native data
// plane (core/data/compression.ts is the reference; protocol.md §8). Decompression
// stays on core's path: the plane is not used when the server may send compressed data.
#pragma once

#include <cstddef>
#include <cstdint>

#include "drop_code.h"

namespace postern {

enum class Framing : uint8_t { kNone, kLzo, kSwap, kSwapLz4, kV2, kV2Lz4 };

// Bytes of headroom Frame may need before the packet.
constexpr size_t kFramingHeadroom = 2;

// Frames packet[0, length) in place; *start may move back by up to kFramingHeadroom (the
// buffer must have that much room before it) and the length may grow by one at the end
// (swap). Returns the framed length; empty packets pass unframed, as in core.
size_t Frame(Framing framing, uint8_t** start, size_t length);

// Unframes a decrypted plaintext in place: *start may move forward. Returns kNone, or
// core's drop code (compressed data is never allowed where the plane runs).
DropCode Unframe(Framing framing, uint8_t** start, size_t* length);

}  // namespace postern
