// The HTTP(S) server on Boost.Beast/Asio. I/O threads parse and write; every
// route that touches the database runs on a separate worker pool, never on an
// I/O thread. The same io_context will carry the MLLP listener.
//
//   auto server = Server::Create(options, router, metrics);
//   (*server)->Run();  // until SIGTERM/SIGINT or Shutdown(); then drains
//
// Shutdown: stop accepting, close idle keep-alive connections, let requests
// already being read or processed finish (their responses say
// "Connection: close"), then stop after the last one or the grace period.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/metrics.h"
#include "http/router.h"

namespace boost::asio {
class io_context;
}

namespace ck::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see Server::port())
  int io_threads = 2;
  int worker_threads = 4;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_bundle_bytes = 64 << 20;  // POST /fhir/R4 (Bundle import)
  int max_connections = 10000;
  std::string tls_cert;  // PEM certificate chain; with tls_key turns TLS on
  std::string tls_key;
  bool allow_plaintext_non_loopback = false;
  int shutdown_grace_ms = 10000;
  bool access_log = true;
  int read_timeout_seconds = 30;  // a request must arrive whole within this
  int idle_timeout_seconds = 75;  // keep-alive connections idle longer are closed
};

class Server {
 public:
  // FailedPrecondition for plain HTTP on a non-loopback address without
  // allow_plaintext_non_loopback; InvalidArgument for unreadable TLS files;
  // Unavailable when the address cannot be bound.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options, const Router& router,
                                                Metrics& metrics);
  virtual ~Server() = default;

  virtual uint16_t port() const = 0;
  virtual bool tls() const = 0;
  virtual boost::asio::io_context& io_context() = 0;
  // Serves on the calling thread plus io_threads-1 more until shut down and drained.
  virtual void Run() = 0;
  // Thread-safe and idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace ck::http
