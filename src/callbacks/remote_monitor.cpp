#include "keras/callbacks/remote_monitor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "callbacks/python_format.h"
#include "keras/errors.h"
#include "utils/names.h"

namespace keras::callbacks {
namespace {

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  // macOS: SO_NOSIGPIPE below keeps a closed peer from killing us
#endif

using Clock = std::chrono::steady_clock;

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

struct Url {
  std::string host, port, target;
};

// http://host[:port][/target][?query], the subset of urlparse a plain HTTP client needs.
Url parse_url(const std::string& url, const std::string& root) {
  auto fail = [&](const std::string& why) { throw ValueError("RemoteMonitor: " + why + " (root \"" + root + "\")"); };
  const size_t sep = url.find("://");
  if (sep == std::string::npos) fail("the root must be a URL such as http://localhost:9000");
  const std::string scheme = utils::ascii_lower(url.substr(0, sep));
  if (scheme == "https") fail("https is not supported, only plain http://");
  if (scheme != "http") fail("invalid URL scheme '" + scheme + "', only http is allowed");
  const size_t start = sep + 3, end = url.find_first_of("/?#", start);
  const std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  Url u;
  u.target = end == std::string::npos ? "/" : url.substr(end);
  u.target = u.target.substr(0, u.target.find('#'));  // a fragment is never sent
  if (u.target.empty() || u.target[0] != '/') u.target = "/" + u.target;
  if (has_control(u.target)) fail("the URL holds spaces or control characters");
  if (authority.find('@') != std::string::npos) fail("user info ('@') in the URL is not supported");
  std::string port;
  size_t colon = authority.find(':');
  if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string::npos) fail("unclosed '[' in the host");
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] != ':') fail("bad text after the IPv6 host");
    colon = close + 1 < authority.size() ? close + 1 : std::string::npos;
  } else {
    u.host = authority.substr(0, colon);
  }
  if (colon != std::string::npos) port = authority.substr(colon + 1);
  if (u.host.empty() || has_control(u.host)) fail("the URL has no valid host");
  if (port.empty()) port = "80";
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(port) == 0 || std::stoi(port) > 65535)
    fail("invalid port '" + port + "'");
  u.port = port;
  return u;
}

// Python's json.dumps of a float: repr, with NaN/Infinity as the json module writes them.
std::string json_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return detail::python_str(v);
}

// urllib.parse.quote_plus, which urlencode applies to the form's field and value.
std::string quote_plus(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') out += static_cast<char>(c);
    else if (c == ' ') out += '+';
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
    if (r > 0) return true;  // readiness or an error, which the next call reports
    if (r == 0 || errno != EINTR) return false;
  }
}

bool is_link_local(const sockaddr* a) {
  if (a->sa_family == AF_INET) {
    const auto ip = ntohl(reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr);
    return (ip >> 16) == 0xA9FE;  // 169.254.0.0/16
  }
  if (a->sa_family == AF_INET6) {
    const auto* b = reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr.s6_addr;
    const bool v4_mapped = std::all_of(b, b + 10, [](uint8_t x) { return x == 0; }) && b[10] == 0xff && b[11] == 0xff;
    return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || (v4_mapped && b[12] == 169 && b[13] == 254);  // fe80::/10
  }
  return false;
}

using AddrList = std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)>;

// Keras resolves at request time, so that a name rebound to a cloud metadata address
// (link-local) after construction is still refused.
AddrList resolve(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list); rc != 0)
    throw ValueError("RemoteMonitor: unable to resolve hostname '" + host + "': " + ::gai_strerror(rc));
  AddrList owned(list, &::freeaddrinfo);
  for (const addrinfo* a = list; a; a = a->ai_next)
    if (is_link_local(a->ai_addr))
      throw ValueError("RemoteMonitor: requests to link-local IP addresses are not allowed (SSRF protection): '" +
                       host + "' resolves to one; this range serves cloud instance metadata (169.254.169.254)");
  return owned;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int connect_any(const addrinfo* list, Clock::time_point deadline) {
  for (const addrinfo* a = list; a; a = a->ai_next) {
    Fd s{::socket(a->ai_family, a->ai_socktype, a->ai_protocol)};
    if (s.fd < 0) continue;
    ::fcntl(s.fd, F_SETFD, FD_CLOEXEC);
    ::fcntl(s.fd, F_SETFL, ::fcntl(s.fd, F_GETFL) | O_NONBLOCK);  // so every step obeys the deadline
#ifdef SO_NOSIGPIPE
    const int one = 1;
    ::setsockopt(s.fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
    int err = ::connect(s.fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      socklen_t len = sizeof(err);
      if (!wait_for(s.fd, POLLOUT, deadline) || ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) continue;
    }
    if (err == 0) return std::exchange(s.fd, -1);
  }
  return -1;
}

// Sends the request and returns the answer's status line; nullopt when the server could
// not be reached or said nothing in time.
std::optional<std::string> exchange(const addrinfo* list, const std::string& request, double timeout) {
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
  Fd s{connect_any(list, deadline)};
  if (s.fd < 0) return std::nullopt;
  for (size_t sent = 0; sent < request.size();) {
    if (!wait_for(s.fd, POLLOUT, deadline)) return std::nullopt;
    const ssize_t n = ::send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return std::nullopt;
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string answer;
  while (answer.find("\r\n") == std::string::npos && answer.size() < 8192) {
    if (!wait_for(s.fd, POLLIN, deadline)) return std::nullopt;
    char buf[1024];
    const ssize_t n = ::recv(s.fd, buf, sizeof(buf), 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return std::nullopt;
    if (n > 0) answer.append(buf, static_cast<size_t>(n));
  }
  if (answer.rfind("HTTP/", 0) != 0) return std::nullopt;
  return answer.substr(0, answer.find("\r\n"));
}

}  // namespace

RemoteMonitor::RemoteMonitor(RemoteMonitorOptions options) : o_(std::move(options)) {
  const Url root = parse_url(o_.root, o_.root);
  const Url full = parse_url(o_.root + o_.path, o_.root);
  // Keras's host-injection guard: a path such as ".evil.com/" must not move the request.
  if (utils::ascii_lower(full.host) != utils::ascii_lower(root.host))
    throw ValueError("RemoteMonitor: path \"" + o_.path + "\" changes the host of root \"" + o_.root + "\" to \"" +
                     full.host + "\"; it must not hold '@', a scheme or other host characters");
  host_ = full.host, port_ = full.port, target_ = full.target;
  for (const auto& [name, value] : o_.headers)
    if (name.empty() || has_control(name) || name.find(':') != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos)
      throw ValueError("RemoteMonitor: invalid HTTP header \"" + name +
                       "\" (names have no spaces or ':', values no line breaks)");
  if (!(o_.timeout_seconds > 0) || !std::isfinite(o_.timeout_seconds))
    throw ValueError("RemoteMonitor: timeout_seconds must be positive, got " + std::to_string(o_.timeout_seconds));
}

void RemoteMonitor::on_epoch_end(int epoch, const Logs& logs) {
  // json.dumps({"epoch": epoch, **logs}) with Python's ", " and ": " separators.
  std::string json = "{\"epoch\": " + std::to_string(epoch);
  bool finite = true;
  for (const auto& [k, v] : logs) {
    json +=
        ", " + nlohmann::json(k).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) + ": " + json_number(v);
    finite = finite && std::isfinite(v);
  }
  json += "}";
  if (o_.send_as_json && !finite) {  // requests refuses NaN in a JSON body; Keras then warns
    std::cerr << "Warning: RemoteMonitor: epoch " << epoch
              << "'s logs hold NaN or infinity, which JSON cannot carry; not sent\n";
    return;
  }
  const std::string body = o_.send_as_json ? json : quote_plus(o_.field) + "=" + quote_plus(json);

  // Default headers, each replaced by a user header of the same name (as requests merges them).
  std::vector<std::pair<std::string, std::string>> headers{
      {"Host", (host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + (port_ == "80" ? "" : ":" + port_)},
      {"Content-Type", o_.send_as_json ? "application/json" : "application/x-www-form-urlencoded"},
      {"Content-Length", std::to_string(body.size())},
      {"Connection", "close"}};
  for (const auto& user : o_.headers) {  // (not a structured binding: clang 14 cannot capture one)
    const std::string name = utils::ascii_lower(user.first);
    std::erase_if(headers, [&](const auto& h) { return utils::ascii_lower(h.first) == name; });
    headers.emplace_back(user.first, user.second);
  }
  std::string request = "POST " + target_ + " HTTP/1.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n" + body;

  const AddrList addresses = resolve(host_, port_);
  const auto status = exchange(addresses.get(), request, o_.timeout_seconds);
  if (!status) {
    std::cerr << "Warning: Could not reach RemoteMonitor root server at " << o_.root << "\n";
  } else if (const size_t sp = status->find(' '); sp == std::string::npos || (*status)[sp + 1] != '2') {
    std::cerr << "Warning: RemoteMonitor: the server at " << o_.root << " answered \"" << *status << "\"\n";
  }
}

}  // namespace keras::callbacks
