#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace ck::blackbox {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempPath(const std::string& stem) {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("ck-bb-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + "-" + stem))
      .string();
}

// Spawns the binary with stdio redirected to files; returns the pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& in_path,
            const std::string& out_path, const std::string& err_path,
            const std::vector<std::string>& extra_env) {
  std::vector<std::string> argv_s = {CK_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    // The test decides the configuration, not the developer's shell.
    if (std::string_view(*e).starts_with("CASEKEEPER_")) continue;
    env_s.emplace_back(*e);
  }
  env_s.insert(env_s.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, CK_BINARY, &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

int WaitPid(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -2;
}

template <typename Stream>
HttpResponse Exchange(Stream& stream, const std::string& method, const std::string& target,
                      const std::string& body, const std::map<std::string, std::string>& headers,
                      int port) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() && headers.find("Content-Type") == headers.end())
    req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buf, parser);
  auto res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  return out;
}

}  // namespace

CommandResult RunCli(const std::vector<std::string>& args, const std::string& stdin_text,
                     const std::vector<std::string>& extra_env) {
  std::string in = TempPath("in"), out = TempPath("out"), err = TempPath("err");
  std::ofstream(in) << stdin_text;
  CommandResult r;
  pid_t pid = Spawn(args, in, out, err, extra_env);
  if (pid > 0) r.exit_code = WaitPid(pid, 60000);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

ServerProcess::ServerProcess(const std::string& db_path, std::vector<std::string> extra_args,
                             std::vector<std::string> extra_env) {
  stdout_path_ = TempPath("server-out");
  stderr_path_ = TempPath("server-err");
  std::string in = TempPath("server-in");
  std::ofstream(in).flush();
  std::vector<std::string> args = {"serve", "--db", db_path};
  bool has_http = false;
  for (const auto& a : extra_args) has_http |= a == "--http";
  if (!has_http) {
    args.push_back("--http");
    args.push_back("127.0.0.1:0");
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = Spawn(args, in, stdout_path_, stderr_path_, extra_env);
  std::regex listening(R"(listening on https?://[^ ]*:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    std::string out = ReadFile(stdout_path_);
    std::smatch m;
    if (std::regex_search(out, m, listening)) {
      port_ = std::stoi(m[1]);
      banner_ = out;
      break;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::filesystem::remove(in);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove(stdout_path_);
  std::filesystem::remove(stderr_path_);
}

void ServerProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int ServerProcess::Wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  int rc = WaitPid(pid_, timeout_ms);
  if (rc != -2) pid_ = -1;
  return rc;
}

std::string ServerProcess::Stderr() { return ReadFile(stderr_path_); }

HttpResponse Http(int port, const std::string& method, const std::string& target,
                  const std::string& body, const std::map<std::string, std::string>& headers,
                  bool tls) {
  net::io_context ioc;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  if (tls) {
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.set_verify_mode(net::ssl::verify_none);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).connect(ep);
    stream.handshake(net::ssl::stream_base::client);
    return Exchange(stream, method, target, body, headers, port);
  }
  beast::tcp_stream stream(ioc);
  stream.connect(ep);
  return Exchange(stream, method, target, body, headers, port);
}

std::string RawExchange(int port, const std::string& bytes, int timeout_ms) {
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  boost::system::error_code ec;
  net::write(sock, net::buffer(bytes), ec);
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  sock.non_blocking(true);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    size_t n = sock.read_some(net::buffer(buf), ec);
    if (ec == net::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

int ServerProcess::mllp_port() const {
  std::regex mllp(R"(MLLP listening on [^ ]*:(\d+))");
  std::smatch m;
  return std::regex_search(banner_, m, mllp) ? std::stoi(m[1]) : 0;
}

struct MllpClient::Impl {
  net::io_context ioc;
  tcp::socket sock{ioc};
};

MllpClient::MllpClient(int port) : impl_(std::make_unique<Impl>()) {
  boost::system::error_code ec;
  impl_->sock.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
  connected_ = !ec;
  if (connected_) impl_->sock.non_blocking(true, ec);
}

MllpClient::~MllpClient() = default;

void MllpClient::Send(const std::string& message) {
  std::string frame = "\x0b" + message + "\x1c\r";
  size_t sent = 0;
  while (sent < frame.size()) {
    boost::system::error_code ec;
    size_t n = impl_->sock.write_some(net::buffer(frame.data() + sent, frame.size() - sent), ec);
    if (ec == net::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (ec) {
      closed_ = true;
      return;
    }
    sent += n;
  }
}

std::optional<std::string> MllpClient::ReadAck(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  for (;;) {
    size_t start = buffer_.find('\x0b');
    size_t end = start == std::string::npos ? start : buffer_.find("\x1c\r", start);
    if (end != std::string::npos) {
      std::string ack = buffer_.substr(start + 1, end - start - 1);
      buffer_.erase(0, end + 2);
      return ack;
    }
    if (closed_ || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    boost::system::error_code ec;
    size_t n = impl_->sock.read_some(net::buffer(buf), ec);
    if (ec == net::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (ec) {
      closed_ = true;
      continue;
    }
    buffer_.append(buf, n);
  }
}

std::string Login(int port, const std::string& username, const std::string& password) {
  nlohmann::json body = {{"username", username}, {"password", password}};
  HttpResponse r = Http(port, "POST", "/api/v1/auth/login", body.dump());
  if (r.status != 200) return {};
  return nlohmann::json::parse(r.body).value("token", "");
}

}  // namespace ck::blackbox
