#pragma once

#include <optional>
#include <string>
#include <string_view>

// Password authentication as PostgreSQL 15 does it: the md5 response a
// client sends (md5(md5(password || user) || salt)), and the server side of
// SCRAM-SHA-256 (RFC 5802, RFC 7677; channel binding not offered).
// Pure functions over bytes, no sockets.
namespace lumadb::protocol::postgres {

// "md5" + hex(md5(hex(md5(password + user)) + salt)): what libpq sends for AuthenticationMD5Password.
std::string Md5PasswordResponse(std::string_view user, std::string_view password, std::string_view salt);

class ScramServer {
 public:
  // `password` is the user's clear-text password from the configuration.
  explicit ScramServer(std::string password);

  // The client-first-message ("n,,n=,r=<nonce>"): the server-first-message
  // to send ("r=<nonce+ours>,s=<salt>,i=4096"), or nullopt if malformed.
  std::optional<std::string> Start(std::string_view client_first);
  // The client-final-message ("c=biws,r=...,p=<proof>"): the
  // server-final-message ("v=<signature>") when the proof is right, else nullopt.
  std::optional<std::string> Finish(std::string_view client_final);

 private:
  std::string password_;
  std::string salt_;
  std::string nonce_;               // client's + server's
  std::string client_first_bare_;
  std::string server_first_;
  std::string gs2_header_;          // "n,," or "y,,"
  int iterations_ = 4096;
};

}  // namespace lumadb::protocol::postgres
