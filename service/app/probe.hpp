// `kakehashi probe`: the container health check. A tiny HTTP/1.1 client
// (plain TCP, Boost.Asio) that asks one URL, by default the listen address's
// /readyz, so an image needs neither a shell nor curl to check itself.
#pragma once

#include <string>
#include <vector>

namespace kakehashi::app {

// kakehashi probe [--url http://HOST[:PORT]/PATH] [--timeout 2s]
// Exit status: 0 when the answer is 200; 1 when it is anything else (refused,
// no answer in time, another status), with one line on stderr saying why;
// 2 when the arguments (or KAKEHASHI_LISTEN) are wrong.
int probe(const std::vector<std::string>& args);

}  // namespace kakehashi::app
