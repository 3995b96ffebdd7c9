// Large values freed on a background thread instead of on a request's path:
// a bulk import's parsed rows, kept rows and published records (100k
// profiles of strings and vectors) took about a tenth of the import's
// service CPU to free, after the commit and before the answer went out.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace kakehashi::util {

// Releases `value` on the disposal thread (started on first use, joined at
// exit); here when no thread can be started.
void dispose_later(std::shared_ptr<void> value);

// Moves `value` into a box that dispose_later frees: the caller's variable is
// left empty (moved from) and cheap to destroy.
template <class T>
void dispose_later(T&& value) {
  static_assert(!std::is_lvalue_reference_v<T>, "move the value in");
  dispose_later(std::shared_ptr<void>(std::make_shared<std::decay_t<T>>(std::forward<T>(value))));
}

}  // namespace kakehashi::util
