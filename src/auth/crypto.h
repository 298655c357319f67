// The cryptographic primitives casekeeper uses, on libsodium (the only place
// that includes <sodium.h>): argon2id password hashes, random tokens, SHA-256.
//
//   auto hash = HashPassword("s3cret", PasswordCost::kInteractive);
//   bool ok = VerifyPassword(*hash, "s3cret");
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace ck::auth {

// Must be called once before any other function here (idempotent, thread-safe).
Status InitCrypto();

enum class PasswordCost { kMinimal, kInteractive, kModerate, kSensitive };
Result<PasswordCost> ParsePasswordCost(std::string_view name);

// An encoded argon2id hash ("$argon2id$v=19$m=...") with a random salt.
// ResourceExhausted if memory for the hash cannot be had.
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
// Constant-time check of `password` against an encoded hash; false for a malformed hash.
bool VerifyPassword(const std::string& encoded_hash, std::string_view password);

// `bytes` random bytes, base64url without padding.
std::string RandomToken(size_t bytes = 32);
// Standard base64 with padding, and back (InvalidArgument for malformed input).
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);
// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view data);
// Constant-time equality of two strings of equal length (false otherwise).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ck::auth
