// Black-box test support: runs the real casekeeper binary as a child process
// on a free loopback port, and talks HTTP(S) to it.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it
#include <vector>

namespace ck::blackbox {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `casekeeper args...` to completion with `stdin_text` on its stdin.
CommandResult RunCli(const std::vector<std::string>& args, const std::string& stdin_text = "",
                     const std::vector<std::string>& extra_env = {});

class ServerProcess {
 public:
  // Starts `casekeeper serve --db db_path --http 127.0.0.1:0 extra...` and waits
  // for its "listening on" line. Check started() before use.
  ServerProcess(const std::string& db_path, std::vector<std::string> extra_args = {},
                std::vector<std::string> extra_env = {});
  ~ServerProcess();  // SIGKILL if still running

  bool started() const { return port_ != 0; }
  int port() const { return port_; }
  const std::string& banner() const { return banner_; }
  // The MLLP port from the banner (serve --mllp HOST:0), 0 when not listening.
  int mllp_port() const;
  void Signal(int sig);
  // Waits for exit; returns the exit status (or -1 on timeout / signal).
  int Wait(int timeout_ms);
  std::string Stderr();  // what it printed to stderr so far (files are read back)

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string banner_;
  std::string stdout_path_, stderr_path_;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request on a new connection (or TLS connection when tls is true).
HttpResponse Http(int port, const std::string& method, const std::string& target,
                  const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}, bool tls = false);

// Sends raw bytes and returns whatever comes back before the server closes or
// `timeout_ms` passes.
std::string RawExchange(int port, const std::string& bytes, int timeout_ms = 2000);

// A minimal MLLP sender for tests: frames out, ACK frames in.
class MllpClient {
 public:
  explicit MllpClient(int port);
  ~MllpClient();
  bool connected() const { return connected_; }
  void Send(const std::string& message);  // adds the MLLP framing
  // The next ACK (frame content) within timeout_ms; nullopt on timeout or close.
  std::optional<std::string> ReadAck(int timeout_ms = 5000);
  bool closed() const { return closed_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool connected_ = false;
  bool closed_ = false;
  std::string buffer_;
};

// Signs in and returns the bearer token (empty on failure).
std::string Login(int port, const std::string& username, const std::string& password);

}  // namespace ck::blackbox
