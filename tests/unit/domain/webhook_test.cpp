// Endpoint URLs and the addresses a delivery may reach.
#include "domain/webhook.hpp"

#include <gtest/gtest.h>

namespace kakehashi::domain {
namespace {

TEST(WebhookUrl, SplitsAnHttpUrl) {
  WebhookUrl u;
  ASSERT_FALSE(parse_webhook_url("http://hooks.example.co.jp:8443/k/in?x=1", u));
  EXPECT_EQ(u.host, "hooks.example.co.jp");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.authority, "hooks.example.co.jp:8443");
  EXPECT_EQ(u.target, "/k/in?x=1");
  ASSERT_FALSE(parse_webhook_url("http://[2001:db8::1]", u));
  EXPECT_EQ(u.host, "2001:db8::1");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.target, "/");
  ASSERT_FALSE(parse_webhook_url("http://example.com?q", u));
  EXPECT_EQ(u.target, "/?q");
  EXPECT_FALSE(u.tls);
  ASSERT_FALSE(parse_webhook_url("https://hooks.example.com/in", u));
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.port, 443);
}

TEST(WebhookUrl, RefusesWhatItCannotDeliverTo) {
  WebhookUrl u;
  for (const char* bad :
       {"", "example.com", "ftp://example.com/", "HTTP://example.com/", "HTTPS://example.com/",
        "http://user:pw@example.com/", "http://example.com/a b", "http://example.com/#frag",
        "http://:80/", "http://example.com:0/", "http://example.com:65536/", "http://exa mple.com/",
        "http://[::1/", "http://[nope]/", "http://ex\xc3\xa4mple.com/", "http://example.com/\n"}) {
    EXPECT_TRUE(parse_webhook_url(bad, u).has_value()) << bad;
  }
  EXPECT_TRUE(parse_webhook_url("http://e.com/" + std::string(2000, 'a'), u).has_value());
}

TEST(WebhookAddress, PrivateLoopbackAndSpecialRangesAreRefused) {
  for (const char* host :
       {"127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
        "::1", "::", "fc00::1", "fd12::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "::ffff:0:7f00:1", "2001::7f00:1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2", "64:ff9b:1::808:808", "2001:db8::1", "localhost",
        // special-purpose IPv6 blocks and addresses outside global unicast
        "5f00::1", "3fff::1", "3fff:fff::1", "2001:2::1", "2001:20::1", "2001:1ff::1",
        "64:ff9b:2::808:808", "4000::1", "e000::1", "192.88.99.1", "LOCALHOST", "api.localhost",
        // the same, disguised: the resolver reads these as
        // addresses (or as localhost)
        "localhost.", "api.localhost.", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1",
        "0", "10.1", "0xa9fea9fe"}) {
    EXPECT_TRUE(is_private_literal_host(host)) << host;
  }
  for (const char* host :
       {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2a00:1450::1", "::ffff:8.8.8.8",
        "2001:200::1", "64:ff9b::808:808", "3fff:1000::1", "2400:cb00::1", "::ffff:0:808:808",
        "2002:0808:0808::", "example.com", "134744072", "0x8080808", "example.com.",
        "localhost.example", "1e100.net"}) {
    EXPECT_FALSE(is_private_literal_host(host)) << host;
  }
}

TEST(EventType, NamesAreTheDatabases) {
  EXPECT_EQ(enum_name(EventType::kOfferReceived), "offer.received");
  EXPECT_EQ(parse_enum<EventType>("round.completed"), EventType::kRoundCompleted);
  EXPECT_FALSE(parse_enum<EventType>("Round.Completed"));
}

}  // namespace
}  // namespace kakehashi::domain
