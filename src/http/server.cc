#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <random>
#include <thread>
#include <unordered_map>

#include "http/errors.h"

namespace ck::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'";

Method MethodOf(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 0; i < 16; ++i) id[i] = kHex[(v >> (i * 4)) & 0xf];
  return id;
}

bool AcceptableRequestId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// State shared by the listener and every connection.
struct Shared {
  Shared(const ServerOptions& o, const Router& r, Metrics& m)
      : options(o), router(r), metrics(m), workers(static_cast<size_t>(o.worker_threads)) {}
  const ServerOptions options;
  const Router& router;
  Metrics& metrics;
  net::thread_pool workers;
  std::atomic<bool> shutting_down{false};
  std::atomic<int> connections{0};
  std::mutex mu;
  std::unordered_map<uint64_t, std::function<void()>> on_shutdown CK_GUARDED_BY(mu);
  uint64_t next_id CK_GUARDED_BY(mu) = 0;
};

template <typename Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(Stream stream, std::shared_ptr<Shared> shared)
      : stream_(std::move(stream)), shared_(std::move(shared)) {
    shared_->connections.fetch_add(1);
    shared_->metrics.ConnectionOpened();
  }
  ~Connection() {
    {
      std::lock_guard lock(shared_->mu);
      shared_->on_shutdown.erase(id_);
    }
    shared_->metrics.ConnectionClosed();
    shared_->connections.fetch_sub(1);
  }

  void Start() {
    {
      std::lock_guard lock(shared_->mu);
      id_ = ++shared_->next_id;
      std::weak_ptr<Connection> weak = this->shared_from_this();
      shared_->on_shutdown[id_] = [weak] {
        if (auto self = weak.lock()) {
          net::post(self->stream_.get_executor(), [self] { self->OnShutdown(); });
        }
      };
    }
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(
          std::chrono::seconds(shared_->options.read_timeout_seconds));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->ReadRequest();
                              });
    } else {
      net::dispatch(stream_.get_executor(),
                    [self = this->shared_from_this()] { self->ReadRequest(); });
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void ReadRequest() {
    if (shared_->shutting_down.load() && buffer_.size() == 0) return Close();
    parser_.emplace();
    // The header is checked against the larger limit; ReadBody() applies the route's.
    body_limit_ = std::max(shared_->options.max_body_bytes, shared_->options.max_bundle_bytes);
    parser_->body_limit(static_cast<uint64_t>(body_limit_));
    parser_->header_limit(16 * 1024);
    int timeout = requests_served_ == 0 ? shared_->options.read_timeout_seconds
                                        : shared_->options.idle_timeout_seconds;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(timeout));
    reading_ = true;
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) {
                               if (ec) return self->OnRead(ec);
                               self->ReadBody();
                             });
  }

  // FHIR Bundles posted for import may be larger than other bodies.
  void ReadBody() {
    auto target = parser_->get().target();
    bool bundle = parser_->get().method() == bhttp::verb::post &&
                  std::string_view(target.data(), target.size()).rfind("/fhir/R4", 0) == 0;
    body_limit_ = bundle ? shared_->options.max_bundle_bytes : shared_->options.max_body_bytes;
    auto length = parser_->content_length();
    if (length && *length > static_cast<uint64_t>(body_limit_))
      return OnRead(bhttp::error::body_limit);
    parser_->body_limit(static_cast<uint64_t>(body_limit_));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  // Runs on the connection's strand when the server starts shutting down.
  void OnShutdown() {
    if (reading_ && buffer_.size() == 0 && parser_ && !parser_->got_some()) {
      // Idle keep-alive connection: nothing in flight, close it now.
      beast::error_code ignored;
      beast::get_lowest_layer(stream_).socket().cancel(ignored);
    }
  }

  void OnRead(beast::error_code ec) {
    reading_ = false;
    started_ = std::chrono::steady_clock::now();
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      Request req;
      req.request_id = NewRequestId();
      req.route = "body_too_large";
      return Send(
          req,
          ErrorResponse(413, "request body larger than " + std::to_string(body_limit_) + " bytes",
                        "body", req.request_id),
          /*keep_alive=*/false, /*head=*/false);
    }
    if (ec == bhttp::error::header_limit) {
      Request req;
      req.request_id = NewRequestId();
      req.route = "headers_too_large";
      return Send(req, ErrorResponse(431, "request headers too large", "headers", req.request_id),
                  false, false);
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        Request req;
        req.request_id = NewRequestId();
        req.route = "malformed";
        return Send(req, ErrorResponse(400, "malformed HTTP request", "request", req.request_id),
                    false, false);
      }
      return Close();
    }
    ++requests_served_;
    auto msg = parser_->release();
    auto req = std::make_shared<Request>();
    req->method = MethodOf(msg.method());
    std::string_view target(msg.target().data(), msg.target().size());
    size_t q = target.find('?');
    req->path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req->query_string = std::string(target.substr(q + 1));
    req->headers.reserve(8);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req->headers.emplace_back(std::move(name), std::string(field.value()));
    }
    std::string_view given_id = req->Header("x-request-id");
    req->request_id = AcceptableRequestId(given_id) ? std::string(given_id) : NewRequestId();
    req->secure = kTls;
    req->body = std::move(msg.body());
    bool keep_alive = msg.keep_alive();
    bool head = req->method == Method::kHead;

    if (shared_->router.RunsOnIoThread(*req)) {
      Response res = shared_->router.Execute(*req);
      return Send(*req, std::move(res), keep_alive, head);
    }
    net::post(shared_->workers, [self = this->shared_from_this(), req, keep_alive, head] {
      auto res = std::make_shared<Response>(self->shared_->router.Execute(*req));
      net::post(self->stream_.get_executor(), [self, req, res, keep_alive, head] {
        self->Send(*req, std::move(*res), keep_alive, head);
      });
    });
  }

  void Send(const Request& req, Response res, bool keep_alive, bool head) {
    if (shared_->shutting_down.load()) keep_alive = false;
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started_)
                      .count();
    std::string route = req.route.empty() ? "unmatched" : req.route;
    shared_->metrics.Record(std::string(MethodName(req.method)), route, res.status, micros);
    if (shared_->options.access_log) {
      spdlog::info("access {} {} {} {} {}us user={}", req.request_id, MethodName(req.method), route,
                   res.status, micros,
                   req.principal ? std::to_string(req.principal->user_id) : "-");
    }
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(11);
    out->result(static_cast<unsigned>(res.status));
    out->set(bhttp::field::server, "casekeeper");
    out->set(bhttp::field::content_type, res.content_type);
    out->set("X-Request-Id", req.request_id);
    out->set("Content-Security-Policy", kContentSecurityPolicy);
    out->set("X-Content-Type-Options", "nosniff");
    out->set("X-Frame-Options", "DENY");
    out->set("Referrer-Policy", "no-referrer");
    out->set(bhttp::field::cache_control, "no-store");
    if (kTls) out->set("Strict-Transport-Security", "max-age=31536000");
    for (auto& [k, v] : res.headers) {
      if (beast::iequals(k, "set-cookie"))
        out->insert(k, v);
      else
        out->set(k, v);  // a handler's own Cache-Control replaces the default
    }
    out->keep_alive(keep_alive);
    out->body() = std::move(res.body);
    out->prepare_payload();
    if (head) out->body().clear();  // keeps Content-Length of the GET
    beast::get_lowest_layer(stream_).expires_after(
        std::chrono::seconds(shared_->options.read_timeout_seconds));
    response_ = out;
    if (head) {
      auto sr = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*out);
      sr->split(false);
      // Serialise only the header for HEAD.
      bhttp::async_write_header(
          stream_, *sr,
          [self = this->shared_from_this(), sr, keep_alive](beast::error_code ec, size_t) {
            self->OnWrite(ec, keep_alive);
          });
      return;
    }
    bhttp::async_write(stream_, *out,
                       [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                         self->OnWrite(ec, keep_alive);
                       });
  }

  void OnWrite(beast::error_code ec, bool keep_alive) {
    response_.reset();
    if (ec || !keep_alive) return Close();
    ReadRequest();
  }

  void Close() {
    beast::error_code ignored;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ec2;
        beast::get_lowest_layer(self->stream_).socket().close(ec2);
      });
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.socket().close(ignored);
    }
  }

  Stream stream_;
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> response_;
  std::chrono::steady_clock::time_point started_;
  uint64_t id_ = 0;
  uint64_t requests_served_ = 0;
  bool reading_ = false;
  int64_t body_limit_ = 0;  // of the request being read
};

class BeastServer final : public Server {
 public:
  BeastServer(const ServerOptions& options, const Router& router, Metrics& metrics)
      : shared_(std::make_shared<Shared>(options, router, metrics)),
        ioc_(options.io_threads),
        acceptor_(net::make_strand(ioc_)),
        signals_(ioc_, SIGINT, SIGTERM),
        drain_timer_(ioc_) {}

  ~BeastServer() override { shared_->workers.join(); }

  Status Init() {
    const ServerOptions& o = shared_->options;
    beast::error_code ec;
    auto address = net::ip::make_address(o.host, ec);
    if (ec) return InvalidArgument("not an IP address: " + o.host, "http.listen");
    bool want_tls = !o.tls_cert.empty() || !o.tls_key.empty();
    if (want_tls) {
      if (o.tls_cert.empty() || o.tls_key.empty())
        return InvalidArgument("TLS needs both a certificate and a key", "http.tls_cert");
      ssl_ = std::make_unique<ssl::context>(ssl::context::tls_server);
      ssl_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                        ssl::context::single_dh_use);
      ssl_->use_certificate_chain_file(o.tls_cert, ec);
      if (ec) return InvalidArgument("cannot read TLS certificate " + o.tls_cert, "http.tls_cert");
      ssl_->use_private_key_file(o.tls_key, ssl::context::pem, ec);
      if (ec) return InvalidArgument("cannot read TLS key " + o.tls_key, "http.tls_key");
    } else if (!address.is_loopback() && !o.allow_plaintext_non_loopback) {
      return FailedPrecondition(
          "refusing plain HTTP on non-loopback address " + o.host +
          ": patient data must not cross a network in clear text; configure http.tls_cert and "
          "http.tls_key, or set http.allow_plaintext_non_loopback = true behind a TLS proxy");
    }
    tcp::endpoint ep(address, o.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      return Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                         ec.message());
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }
  bool tls() const override { return ssl_ != nullptr; }
  net::io_context& io_context() override { return ioc_; }

  void Run() override {
    signals_.async_wait([this](beast::error_code ec, int) {
      if (!ec) Shutdown();
    });
    Accept();
    std::vector<std::thread> threads;
    for (int i = 1; i < shared_->options.io_threads; ++i)
      threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
    shared_->workers.join();
  }

  void Shutdown() override {
    if (shared_->shutting_down.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    signals_.cancel();
    std::vector<std::function<void()>> notify;
    {
      std::lock_guard lock(shared_->mu);
      for (auto& [_, fn] : shared_->on_shutdown) notify.push_back(fn);
    }
    for (auto& fn : notify) fn();
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::milliseconds(shared_->options.shutdown_grace_ms);
    net::post(ioc_, [this] { WaitForDrain(); });
  }

 private:
  void WaitForDrain() {
    if (shared_->connections.load() == 0 || std::chrono::steady_clock::now() >= deadline_) {
      if (shared_->connections.load() > 0)
        spdlog::warn("shutdown grace period over with {} connections open",
                     shared_->connections.load());
      ioc_.stop();
      return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(20));
    drain_timer_.async_wait([this](beast::error_code) { WaitForDrain(); });
  }

  void Accept() {
    acceptor_.async_accept(
        net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
          if (ec) {
            if (!acceptor_.is_open()) return;
            spdlog::warn("accept failed: {}", ec.message());
            return Accept();
          }
          if (shared_->connections.load() >= shared_->options.max_connections) {
            beast::error_code ignored;
            socket.close(ignored);
            return Accept();
          }
          socket.set_option(tcp::no_delay(true), ec);
          if (ssl_) {
            std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
                beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *ssl_),
                shared_)
                ->Start();
          } else {
            std::make_shared<Connection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                            shared_)
                ->Start();
          }
          Accept();
        });
  }

  std::shared_ptr<Shared> shared_;
  std::unique_ptr<ssl::context> ssl_;  // outlives the io_context and its connections
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point deadline_;
  uint16_t port_ = 0;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options, const Router& router,
                                               Metrics& metrics) {
  auto server = std::make_unique<BeastServer>(options, router, metrics);
  CK_RETURN_IF_ERROR(server->Init());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace ck::http
