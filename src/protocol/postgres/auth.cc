#include "protocol/postgres/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <vector>

#include "engine/sql/binder/functions.h"  // Md5Hex

namespace lumadb::protocol::postgres {

namespace {

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Unbase64(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  std::string out(s.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; i--) len--;  // EVP_DecodeBlock counts padding as bytes
  out.resize(len);
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
  return out;
}

// The value of attribute `name` ("r=...") among comma-separated attributes, from position `at`.
std::optional<std::string_view> Attribute(std::string_view msg, char name, size_t* at) {
  if (*at + 2 > msg.size() || msg[*at] != name || msg[*at + 1] != '=') return std::nullopt;
  size_t start = *at + 2;
  size_t comma = msg.find(',', start);
  size_t end = comma == std::string_view::npos ? msg.size() : comma;
  *at = comma == std::string_view::npos ? msg.size() : comma + 1;
  return msg.substr(start, end - start);
}

}  // namespace

std::string Md5PasswordResponse(std::string_view user, std::string_view password, std::string_view salt) {
  std::string inner = engine::sql::Md5Hex(std::string(password) + std::string(user));
  return "md5" + engine::sql::Md5Hex(inner + std::string(salt));
}

ScramServer::ScramServer(std::string password) : password_(std::move(password)), salt_(RandomBytes(16)) {}

std::optional<std::string> ScramServer::Start(std::string_view client_first) {
  // gs2-header: "n,," (no channel binding) or "y,," (client could but we did not offer it).
  if (client_first.size() < 3 || (client_first[0] != 'n' && client_first[0] != 'y') || client_first[1] != ',') {
    return std::nullopt;
  }
  size_t second = client_first.find(',', 2);
  if (second == std::string_view::npos) return std::nullopt;
  if (second != 2) return std::nullopt;  // an authzid is not supported, as in PostgreSQL
  gs2_header_ = std::string(client_first.substr(0, 3));
  client_first_bare_ = std::string(client_first.substr(3));
  size_t at = 0;
  // n=<user> (PostgreSQL ignores it: the startup packet names the user), then r=<nonce>.
  if (!Attribute(client_first_bare_, 'n', &at)) return std::nullopt;
  auto nonce = Attribute(client_first_bare_, 'r', &at);
  if (!nonce || nonce->empty()) return std::nullopt;
  nonce_ = std::string(*nonce) + Base64(RandomBytes(18));
  server_first_ = "r=" + nonce_ + ",s=" + Base64(salt_) + ",i=" + std::to_string(iterations_);
  return server_first_;
}

std::optional<std::string> ScramServer::Finish(std::string_view client_final) {
  size_t at = 0;
  auto binding = Attribute(client_final, 'c', &at);
  auto nonce = Attribute(client_final, 'r', &at);
  if (!binding || !nonce || *binding != Base64(gs2_header_) || *nonce != nonce_) return std::nullopt;
  size_t proof_at = client_final.rfind(",p=");
  if (proof_at == std::string_view::npos) return std::nullopt;
  auto proof = Unbase64(client_final.substr(proof_at + 3));
  if (!proof || proof->size() != SHA256_DIGEST_LENGTH) return std::nullopt;
  std::string without_proof(client_final.substr(0, proof_at));
  unsigned char salted[SHA256_DIGEST_LENGTH];
  PKCS5_PBKDF2_HMAC(password_.data(), static_cast<int>(password_.size()),
                    reinterpret_cast<const unsigned char*>(salt_.data()), static_cast<int>(salt_.size()), iterations_,
                    EVP_sha256(), sizeof(salted), salted);
  std::string salted_password(reinterpret_cast<char*>(salted), sizeof(salted));
  std::string client_key = Hmac(salted_password, "Client Key");
  std::string stored_key = Sha256(client_key);
  std::string auth_message = client_first_bare_ + "," + server_first_ + "," + without_proof;
  std::string client_signature = Hmac(stored_key, auth_message);
  std::string recovered(SHA256_DIGEST_LENGTH, '\0');
  for (size_t i = 0; i < recovered.size(); i++) recovered[i] = static_cast<char>((*proof)[i] ^ client_signature[i]);
  if (Sha256(recovered) != stored_key) return std::nullopt;
  std::string server_key = Hmac(salted_password, "Server Key");
  return "v=" + Base64(Hmac(server_key, auth_message));
}

}  // namespace lumadb::protocol::postgres
