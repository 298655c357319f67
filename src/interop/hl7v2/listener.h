// The MLLP listener (`serve --mllp HOST:PORT`): on the server's Asio
// io_context, many concurrent connections, frames decoded as they arrive,
// the messages waiting on every connection stored together by one writer
// thread (one transaction, one commit), each ACK written back only after that
// commit. A connection's messages are
// handled in order, one at a time, as MLLP senders expect. A connection idle
// longer than the idle limit, or sending a frame over the size limit, is
// closed; so is one whose message could not be stored (no ACK: the sender
// retries, and the duplicate check makes that safe).
//
//   auto mllp = MllpListener::Create(server->io_context(), {.port = 2575}, inbox);
//   (*mllp)->Start();
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "interop/hl7v2/inbox.h"

namespace boost::asio {
class io_context;
}

namespace ck::hl7 {

struct MllpOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 2575;  // 0: any free port
  size_t max_frame_bytes = 1 << 20;
  int idle_timeout_seconds = 300;
  int max_connections = 1000;
  // Plain MLLP off loopback carries patient data in clear text: refused unless
  // set (a TLS tunnel or VPN in front, as hospital interfaces usually have).
  bool allow_non_loopback = false;
};

class MllpListener {
 public:
  // Unavailable when the address cannot be bound; InvalidArgument for a bad
  // host; FailedPrecondition for a non-loopback address without allow_non_loopback.
  static Result<std::unique_ptr<MllpListener>> Create(boost::asio::io_context& ioc,
                                                      const MllpOptions& options, Inbox& inbox);
  virtual ~MllpListener() = default;
  virtual uint16_t port() const = 0;
  virtual void Start() = 0;
  // Stops accepting and closes every connection; messages being stored finish.
  virtual void Stop() = 0;
};

}  // namespace ck::hl7
