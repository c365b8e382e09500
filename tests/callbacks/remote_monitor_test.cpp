// RemoteMonitor against a loopback HTTP server: what Keras POSTs each epoch, and that
// network trouble only warns.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "test_utils.h"

namespace keras::callbacks {
namespace {

struct Request {
  std::string line, body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// Answers every request on 127.0.0.1:port with `status` until stop().
class Server {
 public:
  explicit Server(std::string status = "200 OK") : status_(std::move(status)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  std::vector<Request> stop() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
    return requests_;
  }
  int port = 0;

 private:
  void serve() {
    for (int c; (c = ::accept(fd_, nullptr, nullptr)) >= 0; ::close(c)) {
      std::string text;
      char buf[4096];
      size_t head_end = std::string::npos, want = 0;
      for (ssize_t n; (n = ::recv(c, buf, sizeof(buf), 0)) > 0;) {
        text.append(buf, static_cast<size_t>(n));
        if (head_end == std::string::npos && (head_end = text.find("\r\n\r\n")) != std::string::npos) {
          const auto at = text.find("Content-Length: ");
          want = head_end + 4 + (at < head_end ? std::stoul(text.substr(at + 16)) : 0);
        }
        if (head_end != std::string::npos && text.size() >= want) break;
      }
      Request r;
      std::istringstream head(text.substr(0, head_end + 2));  // each line ends "\r\n"
      std::getline(head, r.line);
      r.line.pop_back();  // '\r'
      for (std::string h; std::getline(head, h);) {
        std::string name = h.substr(0, h.find(':'));
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        r.headers[name] = h.substr(name.size() + 2, h.size() - name.size() - 3);
      }
      r.body = text.substr(head_end + 4);
      requests_.push_back(r);
      const std::string answer = "HTTP/1.1 " + status_ + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
  }
  std::string status_;
  int fd_ = -1;
  std::thread thread_;
  std::vector<Request> requests_;
};

History fit_with(std::shared_ptr<Callback> callback, int epochs = 2) {
  models::Sequential m({keras::Input({4}), layers::Dense(1)});
  m.compile(optimizers::SGD(), "mse");
  const Tensor x = testing::random_tensor({32, 4}, 1), y = testing::random_tensor({32, 1}, 2);
  return m.fit(x, y, {.batch_size = 16, .epochs = epochs, .verbose = 0, .callbacks = {std::move(callback)}});
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%') out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)), i += 2;
    else out += s[i];
  }
  return out;
}

TEST(RemoteMonitor, PostsEachEpochAsAFormField) {
  Server server;
  const std::string root = "http://127.0.0.1:" + std::to_string(server.port);
  const auto history =
      fit_with(std::make_shared<RemoteMonitor>(RemoteMonitorOptions{.root = root, .headers = {{"X-Run", "7"}}}));
  const auto requests = server.stop();
  ASSERT_EQ(requests.size(), 2u);
  for (int epoch = 0; epoch < 2; ++epoch) {
    const Request& r = requests[epoch];
    EXPECT_EQ(r.line, "POST /publish/epoch/end/ HTTP/1.1");
    EXPECT_EQ(r.headers.at("host"), "127.0.0.1:" + std::to_string(server.port));
    EXPECT_EQ(r.headers.at("content-type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(r.headers.at("x-run"), "7");
    // urlencode({"data": json.dumps(send)}): quote_plus of Python's ", " / ": " separators.
    const std::string prefix = "data=%7B%22epoch%22%3A+" + std::to_string(epoch) + "%2C+%22loss%22%3A+";
    ASSERT_EQ(r.body.substr(0, prefix.size()), prefix);
    const auto sent = nlohmann::json::parse(url_decode(r.body.substr(5)));
    EXPECT_EQ(sent.at("epoch"), epoch);
    EXPECT_EQ(sent.at("loss").get<double>(), history.history.at("loss")[epoch]);  // shortest repr reads back exactly
  }
}

TEST(RemoteMonitor, SendsJsonWhenAsked) {
  Server server;
  const auto history = fit_with(std::make_shared<RemoteMonitor>(RemoteMonitorOptions{
      .root = "http://localhost:" + std::to_string(server.port), .path = "/hook?run=1", .send_as_json = true}));
  const auto requests = server.stop();
  ASSERT_EQ(requests.size(), 2u);
  for (int epoch = 0; epoch < 2; ++epoch) {
    EXPECT_EQ(requests[epoch].line, "POST /hook?run=1 HTTP/1.1");
    EXPECT_EQ(requests[epoch].headers.at("content-type"), "application/json");
    const auto sent = nlohmann::json::parse(requests[epoch].body);
    EXPECT_EQ(sent.at("epoch"), epoch);
    EXPECT_EQ(sent.at("loss").get<double>(), history.history.at("loss")[epoch]);
  }
}

TEST(RemoteMonitor, ServerTroubleOnlyWarns) {
  Server refusing("500 Internal Server Error");
  const std::string answered = "http://127.0.0.1:" + std::to_string(refusing.port);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(fit_with(std::make_shared<RemoteMonitor>(RemoteMonitorOptions{.root = answered}), 1).epoch.size(), 1u);
  EXPECT_EQ(refusing.stop().size(), 1u);
  // The port is free now that the server is gone: nobody listens there.
  EXPECT_EQ(fit_with(std::make_shared<RemoteMonitor>(RemoteMonitorOptions{.root = answered})).epoch.size(), 2u);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("answered \"HTTP/1.1 500 Internal Server Error\""), std::string::npos) << err;
  EXPECT_NE(err.find("Could not reach RemoteMonitor root server at " + answered), std::string::npos) << err;
}

TEST(RemoteMonitor, RejectsUrlsItCannotUse) {
  using testing::expect_error;
  auto make = [](RemoteMonitorOptions o) { return [o] { RemoteMonitor m(o); }; };
  expect_error<ValueError>(make({.root = "https://example.com"}), {"RemoteMonitor", "https", "https://example.com"});
  expect_error<ValueError>(make({.root = "localhost:9000"}), {"RemoteMonitor", "localhost:9000"});
  expect_error<ValueError>(make({.root = "ftp://host"}), {"scheme 'ftp'"});
  expect_error<ValueError>(make({.root = "http://"}), {"no valid host"});
  expect_error<ValueError>(make({.root = "http://host:99999"}), {"port '99999'"});
  expect_error<ValueError>(make({.root = "http://localhost", .path = ".evil.com/"}), {"changes the host"});
  expect_error<ValueError>(make({.root = "http://localhost", .path = "@evil.com/"}), {"'@'"});
  expect_error<ValueError>(make({.headers = {{"X-A", "1\r\nX-B: 2"}}}), {"header \"X-A\""});
  // Keras refuses link-local targets (cloud metadata) when it sends, after resolving the host.
  RemoteMonitor metadata({.root = "http://169.254.169.254"});
  expect_error<ValueError>([&] { metadata.on_epoch_end(0, {{"loss", 1.0}}); }, {"link-local"});
}

}  // namespace
}  // namespace keras::callbacks
