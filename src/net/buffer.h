#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace lumadb::net {

// A growable byte buffer with a read position: bytes are appended at the end
// and consumed from the front. Compacts instead of growing when it can.
class Buffer {
 public:
  std::string_view Readable() const { return std::string_view(data_.get() + begin_, end_ - begin_); }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Returns a writable region of at least `n` bytes; call Commit with what was written.
  char* PrepareWrite(size_t n) {
    if (cap_ - end_ < n) Reserve(n);
    return data_.get() + end_;
  }
  size_t WritableSize() const { return cap_ - end_; }
  void Commit(size_t n) { end_ += n; }
  void Append(std::string_view s) {
    memcpy(PrepareWrite(s.size()), s.data(), s.size());
    Commit(s.size());
  }
  void Clear() { begin_ = end_ = 0; }
  size_t capacity() const { return cap_; }
  // Frees memory when the buffer is empty and has grown large.
  void ShrinkIfIdle(size_t keep) {
    if (empty() && cap_ > keep) {
      data_.reset();
      cap_ = 0;
      begin_ = end_ = 0;
    }
  }

 private:
  void Reserve(size_t n) {
    size_t used = end_ - begin_;
    if (begin_ > 0 && cap_ - used >= n && used < cap_ / 2) {
      memmove(data_.get(), data_.get() + begin_, used);
    } else {
      size_t cap = cap_ == 0 ? 16384 : cap_;
      while (cap - used < n) cap *= 2;
      std::unique_ptr<char[]> d(new char[cap]);
      if (used) memcpy(d.get(), data_.get() + begin_, used);
      data_ = std::move(d);
      cap_ = cap;
    }
    begin_ = 0;
    end_ = used;
  }

  std::unique_ptr<char[]> data_;
  size_t cap_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace lumadb::net
