// The data channel's replay window for one key and direction, with exactly core's
// semantics (core/data/replay-window.ts; 2.x `replay-window 64`): an id above the highest
// seen is fresh, one within 64 below it is fresh if not seen, older ones are refused, and
// id 0 is never valid. Test and Commit are separate so that only packets whose tag
// verified move the window. Not thread-safe: its owner (DataKey) holds the lock.
#pragma once

#include <cstdint>

#include "drop_code.h"

namespace postern {

class ReplayWindow {
 public:
  static constexpr uint64_t kWindow = 64;

  DropCode Test(uint64_t id) const {
    if (id == 0) return DropCode::kBadPacketId;
    if (id > highest_) return DropCode::kNone;
    if (highest_ - id >= kWindow) return DropCode::kReplayWindow;
    return IsSet(id) ? DropCode::kReplay : DropCode::kNone;
  }

  void Commit(uint64_t id) {
    if (id > highest_) {
      // A ring of 4 × 32 bits: one block more than the window, so advancing clears whole blocks.
      uint64_t from = highest_ / kBlockBits;
      uint64_t to = id / kBlockBits;
      uint64_t clear = to - from < kBlocks ? to - from : kBlocks;
      for (uint64_t i = 1; i <= clear; i++) bits_[(from + i) % kBlocks] = 0;
      highest_ = id;
    }
    uint64_t bit = id % (kBlockBits * kBlocks);
    bits_[bit / kBlockBits] |= 1u << (bit % kBlockBits);
  }

  uint64_t highest() const { return highest_; }

 private:
  static constexpr uint64_t kBlockBits = 32;
  static constexpr uint64_t kBlocks = 4;

  bool IsSet(uint64_t id) const {
    uint64_t bit = id % (kBlockBits * kBlocks);
    return ((bits_[bit / kBlockBits] >> (bit % kBlockBits)) & 1u) == 1u;
  }

  uint64_t highest_ = 0;
  uint32_t bits_[kBlocks] = {0, 0, 0, 0};
};

}  // namespace postern
