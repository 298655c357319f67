#include "interop/hl7v2/listener.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "interop/hl7v2/mllp.h"

namespace ck::hl7 {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// The one thread that stores messages: it takes every message waiting (from
// all connections) and hands them to the inbox together, so one transaction
// and one commit serve them all, then gives each connection its ACK. Waiting
// messages are few (one per connection at a time), and a single writer is what
// the database has anyway; the I/O threads never wait for a commit.
class Writer {
 public:
  using Done = std::function<void(Result<std::string>)>;

  explicit Writer(Inbox& inbox) : inbox_(inbox), thread_([this] { Run(); }) {}
  ~Writer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void Submit(std::string frame, std::string peer, Done done) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back({std::move(frame), std::move(peer), std::move(done)});
    }
    wake_.notify_one();
  }

 private:
  struct Job {
    std::string frame, peer;
    Done done;
  };
  static constexpr size_t kMaxBatch = 64;

  void Run() {
    for (;;) {
      std::vector<Job> batch;
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left to store
        size_t n = std::min(queue_.size(), kMaxBatch);
        for (size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      std::vector<Inbox::Incoming> in;
      in.reserve(batch.size());
      for (const Job& j : batch) in.push_back({j.frame, j.peer});
      std::vector<Result<std::string>> acks = inbox_.ReceiveMany(in);
      for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(acks[i]));
    }
  }

  Inbox& inbox_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stop_ = false;      // guarded by mu_
  std::thread thread_;
};

struct Shared {
  Shared(const MllpOptions& o, Inbox& i) : options(o), inbox(i) {}
  MllpOptions options;
  Inbox& inbox;
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};
  // Last, so that it is destroyed (its thread joined) first.
  std::unique_ptr<Writer> writer = std::make_unique<Writer>(inbox);
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<Shared> shared)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        shared_(std::move(shared)),
        decoder_(shared_->options.max_frame_bytes) {
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    peer_ = ec ? "unknown" : ep.address().to_string() + ":" + std::to_string(ep.port());
    ++shared_->connections;
  }
  ~Connection() { --shared_->connections; }

  void Start() {
    ArmIdleTimer();
    Read();
  }

  void Close() {
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->CloseNow(); });
  }

 private:
  void CloseNow() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  void ArmIdleTimer() {
    timer_.expires_after(std::chrono::seconds(shared_->options.idle_timeout_seconds));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && !self->busy_)
        self->CloseNow();  // idle; a message in progress keeps it open
      else if (!ec)
        self->ArmIdleTimer();
    });
  }

  void Read() {
    socket_.async_read_some(net::buffer(buffer_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              if (ec) return;  // closed by the peer, the idle timer or shutdown
                              self->ArmIdleTimer();
                              self->decoder_.Feed(std::string_view(self->buffer_.data(), n));
                              while (auto frame = self->decoder_.Next())
                                self->pending_.push_back(std::move(*frame));
                              if (self->decoder_.oversized()) {
                                spdlog::warn("mllp: frame from {} over {} bytes; closing",
                                             self->peer_, self->shared_->options.max_frame_bytes);
                                return self->CloseNow();
                              }
                              self->HandleNext();
                              self->Read();
                            });
  }

  // One message at a time per connection, in arrival order.
  void HandleNext() {
    if (busy_ || pending_.empty() || shared_->stopping) return;
    busy_ = true;
    std::string frame = std::move(pending_.front());
    pending_.pop_front();
    shared_->writer->Submit(
        std::move(frame), peer_, [self = shared_from_this()](Result<std::string> ack) {
          net::post(self->socket_.get_executor(), [self, ack = std::move(ack)]() mutable {
            if (!ack.ok()) {
              spdlog::error("mllp: no ACK for a message from {}: {}", self->peer_,
                            ack.status().ToString());
              return self->CloseNow();
            }
            auto out = std::make_shared<std::string>(MllpFrame(*ack));
            net::async_write(self->socket_, net::buffer(*out),
                             [self, out](boost::system::error_code ec, size_t) {
                               self->busy_ = false;
                               if (ec) return self->CloseNow();
                               self->HandleNext();
                             });
          });
        });
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  std::shared_ptr<Shared> shared_;
  MllpDecoder decoder_;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> pending_;
  bool busy_ = false;
  std::string peer_;
};

class Listener final : public MllpListener {
 public:
  Listener(net::io_context& ioc, const MllpOptions& o, Inbox& inbox)
      : ioc_(ioc), shared_(std::make_shared<Shared>(o, inbox)), acceptor_(net::make_strand(ioc)) {}

  ~Listener() override {
    Stop();
    shared_->writer.reset();  // stores what is waiting, then its thread ends
  }

  Status Init() {
    const MllpOptions& o = shared_->options;
    boost::system::error_code ec;
    auto address = net::ip::make_address(o.host, ec);
    if (ec) return InvalidArgument("not an IP address: " + o.host, "mllp.listen");
    if (!address.is_loopback() && !o.allow_non_loopback)
      return FailedPrecondition(
          "refusing plain MLLP on non-loopback address " + o.host +
          ": patient data must not cross a network in clear text; put a TLS tunnel or VPN in "
          "front and set mllp.allow_non_loopback = true");
    tcp::endpoint ep(address, o.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      return Unavailable("cannot listen for MLLP on " + o.host + ":" + std::to_string(o.port) +
                         ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }

  void Start() override { Accept(); }

  void Stop() override {
    if (shared_->stopping.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    std::lock_guard lock(mu_);
    for (auto& weak : live_)
      if (auto c = weak.lock()) c->Close();
  }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           [this](boost::system::error_code ec, tcp::socket socket) {
                             if (ec) {
                               if (!acceptor_.is_open()) return;
                               spdlog::warn("mllp: accept failed: {}", ec.message());
                               return Accept();
                             }
                             if (shared_->connections.load() >= shared_->options.max_connections) {
                               boost::system::error_code ignored;
                               socket.close(ignored);
                               return Accept();
                             }
                             socket.set_option(tcp::no_delay(true), ec);
                             auto c = std::make_shared<Connection>(std::move(socket), shared_);
                             {
                               std::lock_guard lock(mu_);
                               // Forget connections that have ended.
                               for (auto it = live_.begin(); it != live_.end();)
                                 it = it->expired() ? live_.erase(it) : std::next(it);
                               live_.push_back(c);
                             }
                             c->Start();
                             Accept();
                           });
  }

  net::io_context& ioc_;
  std::shared_ptr<Shared> shared_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<std::weak_ptr<Connection>> live_;
};

}  // namespace

Result<std::unique_ptr<MllpListener>> MllpListener::Create(net::io_context& ioc,
                                                           const MllpOptions& options,
                                                           Inbox& inbox) {
  auto l = std::make_unique<Listener>(ioc, options, inbox);
  CK_RETURN_IF_ERROR(l->Init());
  return std::unique_ptr<MllpListener>(std::move(l));
}

}  // namespace ck::hl7
