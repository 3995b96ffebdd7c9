// How a request body is read: in pieces of 64 KiB, not of 512 bytes.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <string>

#include "http/server.hpp"

namespace kakehashi::http {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;

// A buffer as a header's read leaves it: a few hundred bytes of room, the
// body's first bytes still in it.
beast::flat_buffer after_a_header() {
  beast::flat_buffer buffer;
  const std::string header(400, 'h');
  buffer.commit(net::buffer_copy(buffer.prepare(header.size()), net::buffer(header)));
  buffer.consume(300);
  return buffer;
}

TEST(BodyReads, ALargeBodyIsReadSixtyFourKibibytesAtATime) {
  constexpr std::size_t kMost = 65'536;  // Beast's own cap per read
  auto buffer = after_a_header();
  // Without room Beast reads 512 bytes a system call: 41,000 for a 21 MB file.
  ASSERT_EQ(beast::read_size(buffer, kMost), 512U);
  EXPECT_TRUE(make_room_for_body(buffer, 21'000'000));
  EXPECT_EQ(beast::read_size(buffer, kMost), kMost);
  EXPECT_EQ(buffer.size(), 100U);  // the body's first bytes are kept

  auto chunked = after_a_header();  // no length: perhaps large
  EXPECT_TRUE(make_room_for_body(chunked, std::nullopt));
  EXPECT_EQ(beast::read_size(chunked, kMost), kMost);
}

TEST(BodyReads, RoomIsMadeWithinTheBuffersBound) {
  // A connection's buffer is bounded (kMaxBuffered): room for a body stays
  // within it, and a read never asks for more than fits.
  beast::flat_buffer bounded(kMaxBuffered);
  const std::string header(400, 'h');
  bounded.commit(net::buffer_copy(bounded.prepare(header.size()), net::buffer(header)));
  EXPECT_TRUE(make_room_for_body(bounded, 21'000'000));
  EXPECT_EQ(bounded.capacity(), kMaxBuffered);
  EXPECT_EQ(beast::read_size(bounded, 65'536), kMaxBuffered - header.size());
}

TEST(BodyReads, ASmallBodyLeavesTheBufferAsItIs) {
  auto buffer = after_a_header();
  const auto capacity = buffer.capacity();
  EXPECT_FALSE(make_room_for_body(buffer, 2'000));
  EXPECT_FALSE(make_room_for_body(buffer, 65'536));
  EXPECT_EQ(buffer.capacity(), capacity);
}

}  // namespace
}  // namespace kakehashi::http
