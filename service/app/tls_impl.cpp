// Asio's TLS implementation (BOOST_ASIO_SEPARATE_COMPILATION), compiled once
// here: only webhook deliveries (app/delivery.cpp) speak TLS.
#include <boost/asio/ssl/impl/src.hpp>
