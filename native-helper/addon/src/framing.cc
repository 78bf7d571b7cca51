#include "framing.h"

namespace postern {

namespace {

constexpr uint8_t kLzoCompressed = 0x66;
constexpr uint8_t kLz4Compressed = 0x69;
constexpr uint8_t kUncompressed = 0xfa;
constexpr uint8_t kUncompressedSwap = 0xfb;
constexpr uint8_t kV2Indicator = 0x50;
constexpr uint8_t kV2Uncompressed = 0;
constexpr uint8_t kV2Lz4 = 1;

}  // namespace

size_t Frame(Framing framing, uint8_t** start, size_t length) {
  uint8_t* packet = *start;
  if (length == 0) return 0;
  switch (framing) {
    case Framing::kNone:
      return length;
    case Framing::kLzo:
      *start = packet - 1;
      (*start)[0] = kUncompressed;
      return length + 1;
    case Framing::kSwap:
    case Framing::kSwapLz4:
      // The header takes byte 0's place; byte 0 moves to the end.
      packet[length] = packet[0];
      packet[0] = kUncompressedSwap;
      return length + 1;
    case Framing::kV2:
    case Framing::kV2Lz4:
      if (packet[0] != kV2Indicator) return length;
      *start = packet - 2;
      (*start)[0] = kV2Indicator;
      (*start)[1] = kV2Uncompressed;
      return length + 2;
  }
  return length;
}

DropCode Unframe(Framing framing, uint8_t** start, size_t* length) {
  uint8_t* plain = *start;
  if (*length == 0 || framing == Framing::kNone) return DropCode::kNone;
  switch (framing) {
    case Framing::kNone:
      return DropCode::kNone;
    case Framing::kLzo:
      if (plain[0] == kUncompressed) {
        *start = plain + 1;
        *length -= 1;
        return DropCode::kNone;
      }
      return plain[0] == kLzoCompressed ? DropCode::kCompressionNotAllowed : DropCode::kBadCompressionHeader;
    case Framing::kSwap:
    case Framing::kSwapLz4: {
      uint8_t head = plain[0];
      // Restored in place, as core does, even when the header turns out wrong.
      plain[0] = plain[*length - 1];
      *length -= 1;
      if (head == kUncompressedSwap) return DropCode::kNone;
      if (framing == Framing::kSwapLz4 && head == kLz4Compressed) return DropCode::kCompressionNotAllowed;
      return DropCode::kBadCompressionHeader;
    }
    case Framing::kV2:
    case Framing::kV2Lz4:
      if (plain[0] != kV2Indicator) return DropCode::kNone;
      if (*length < 2) return DropCode::kBadCompressionHeader;
      if (plain[1] == kV2Uncompressed) {
        *start = plain + 2;
        *length -= 2;
        return DropCode::kNone;
      }
      if (framing == Framing::kV2Lz4 && plain[1] == kV2Lz4) return DropCode::kCompressionNotAllowed;
      return DropCode::kBadCompressionHeader;
  }
  return DropCode::kNone;
}

}  // namespace postern
