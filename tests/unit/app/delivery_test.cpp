// The parts of webhook delivery that need no network: the signature, the
// HMAC under it, the backoff, and a refused target refused before connecting.
#include "app/delivery.hpp"

#include <gtest/gtest.h>

#include "util/hmac.hpp"

namespace kakehashi::app {
namespace {

TEST(WebhookSignature, IsHmacSha256OverTimestampDotBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(util::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhook_signature("Jefe", 1'700'000'000, "{}"),
            "t=1700000000,v1=" + util::hmac_sha256_hex("Jefe", "1700000000.{}"));
  EXPECT_NE(webhook_signature("Jefe", 1'700'000'000, "{}"),
            webhook_signature("Jefe", 1'700'000'001, "{}"));
}

TEST(WebhookBackoff, DoublesUpToTheCapWithAtMostTenPercentJitter) {
  store::RetryPolicy p;
  p.backoff_seconds = 5;
  p.max_backoff_seconds = 60;
  EXPECT_DOUBLE_EQ(store::backoff_seconds(1, p, 0), 5);
  EXPECT_DOUBLE_EQ(store::backoff_seconds(2, p, 0), 10);
  EXPECT_DOUBLE_EQ(store::backoff_seconds(4, p, 0), 40);
  EXPECT_DOUBLE_EQ(store::backoff_seconds(5, p, 0), 60);
  EXPECT_DOUBLE_EQ(store::backoff_seconds(40, p, 0), 60);
  EXPECT_DOUBLE_EQ(store::backoff_seconds(1, p, 0.999), 5 * 1.0999);
  EXPECT_DOUBLE_EQ(store::backoff_seconds(1000, p, 2), 66);
}

TEST(WebhookPost, ALoopbackTargetIsRefusedUnlessAllowed) {
  store::ClaimedDelivery d;
  d.url = "http://127.0.0.1:9/hook";
  d.body = "{}";
  d.secret = "whsec_x";
  DeliveryOptions options;
  options.timeout = std::chrono::milliseconds(500);
  const auto refused = post_delivery(d, options);
  EXPECT_TRUE(refused.refused);
  EXPECT_FALSE(refused.status_code);
  ASSERT_TRUE(refused.error);
  EXPECT_NE(refused.error->find("refused"), std::string::npos);
  options.allow_private = true;
  const auto tried = post_delivery(d, options);  // port 9 (discard): nothing listens
  EXPECT_FALSE(tried.refused);
  EXPECT_FALSE(tried.status_code);
  d.url = "ftp://example.com/";
  EXPECT_NE(post_delivery(d, options).error->find("invalid URL"), std::string::npos);
}

}  // namespace
}  // namespace kakehashi::app
