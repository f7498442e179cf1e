#include "protocol/postgres/auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace lumadb::protocol::postgres {
namespace {

std::string B64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}
std::string UnB64(const std::string& s) {
  std::string out(s.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  size_t len = static_cast<size_t>(n);
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; i--) len--;
  out.resize(len);
  return out;
}
std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}
std::string Sha(const std::string& d) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(d.data()), d.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}
std::string Attr(const std::string& msg, const std::string& name) {
  size_t at = msg.find(name + "=");
  size_t end = msg.find(',', at);
  return msg.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
}

// What a SCRAM-SHA-256 client (libpq) sends as its final message for `password`.
std::string ClientFinal(const std::string& password, const std::string& client_first_bare,
                        const std::string& server_first, std::string* expected_server_signature) {
  std::string salt = UnB64(Attr(server_first, "s"));
  int iterations = std::stoi(Attr(server_first, "i"));
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                    EVP_sha256(), 32, salted);
  std::string sp(reinterpret_cast<char*>(salted), 32);
  std::string client_key = Hmac(sp, "Client Key");
  std::string without_proof = "c=biws,r=" + Attr(server_first, "r");
  std::string auth = client_first_bare + "," + server_first + "," + without_proof;
  std::string sig = Hmac(Sha(client_key), auth);
  std::string proof(32, '\0');
  for (size_t i = 0; i < 32; i++) proof[i] = static_cast<char>(client_key[i] ^ sig[i]);
  *expected_server_signature = "v=" + B64(Hmac(Hmac(sp, "Server Key"), auth));
  return without_proof + ",p=" + B64(proof);
}

TEST(PgAuth, ScramSha256AcceptsTheRightProofOnly) {
  for (const std::string& tried : {std::string("pencil"), std::string("pencil!")}) {
    ScramServer server("pencil");
    std::string bare = "n=,r=rOprNGfwEbeRWgbNEkqO";
    auto first = server.Start("n,," + bare);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->rfind("r=rOprNGfwEbeRWgbNEkqO", 0), 0u);  // our nonce extends the client's
    EXPECT_NE(first->find(",i=4096"), std::string::npos);
    std::string want_signature;
    auto final = server.Finish(ClientFinal(tried, bare, *first, &want_signature));
    if (tried == "pencil") {
      ASSERT_TRUE(final.has_value());
      EXPECT_EQ(*final, want_signature);
    } else {
      EXPECT_FALSE(final.has_value());
    }
  }
}

TEST(PgAuth, ScramRejectsMalformedMessages) {
  ScramServer server("pencil");
  EXPECT_FALSE(server.Start("").has_value());
  EXPECT_FALSE(server.Start("p=tls-server-end-point,,n=,r=abc").has_value());
  EXPECT_FALSE(server.Start("n,a=admin,n=,r=abc").has_value());
  auto first = server.Start("n,,n=,r=abc");
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(server.Finish("c=biws,r=wrongnonce,p=AAAA").has_value());
  EXPECT_FALSE(server.Finish("c=biws,r=" + Attr(*first, "r")).has_value());
}

TEST(PgAuth, Md5ResponseIsLibpqs) {
  // libpq: "md5" + md5(hex(md5(password || user)) || salt) (values from Python's hashlib).
  std::string r = Md5PasswordResponse("postgres", "pgpw", std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(r, "md590827d3dcbb023e3002d7cdad0d9c04a");
  EXPECT_NE(r, Md5PasswordResponse("postgres", "pgpw", std::string("\x01\x02\x03\x05", 4)));
}

}  // namespace
}  // namespace lumadb::protocol::postgres
