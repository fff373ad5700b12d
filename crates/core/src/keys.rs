//! WireGuard keys, byte-compatible with `wg genkey`, `wg pubkey` and `wg genpsk`.
//!
//! A private key is 32 random bytes clamped for X25519 (RFC 7748 §5); the public key is
//! the X25519 base-point multiple. Both travel as standard base64 with padding (44
//! characters). A preshared key is 32 random bytes, not clamped.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand_core::{OsRng, RngCore};
use x25519_dalek::{PublicKey as DalekPublic, StaticSecret};

/// Why a string is not a WireGuard key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not 44 characters of standard base64 ending in `=`.
    #[error("a WireGuard key is 44 characters of base64 ending in '=', got {0} characters")]
    Length(usize),
    /// Right length, but not base64 or not 32 bytes.
    #[error("a WireGuard key is base64 of exactly 32 bytes; this is not valid base64")]
    Encoding,
}

/// A WireGuard public key (also used for preshared keys, which share the encoding).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

/// A clamped X25519 private key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct PrivateKey([u8; 32]);

/// A WireGuard preshared key (32 random bytes). Its `Debug` never shows the key.
#[derive(Clone)]
pub struct PresharedKey([u8; 32]);

/// Decodes exactly what `wg` accepts: 44 characters of standard base64 for 32 bytes.
fn decode_key(text: &str) -> Result<[u8; 32], KeyError> {
    if text.len() != 44 {
        return Err(KeyError::Length(text.chars().count()));
    }
    let bytes = STANDARD.decode(text).map_err(|_| KeyError::Encoding)?;
    // Canonical form only: base64 would otherwise accept non-zero trailing bits, which `wg`
    // rejects ("Key is not the correct length or format").
    let key: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Encoding)?;
    if STANDARD.encode(key) != text {
        return Err(KeyError::Encoding);
    }
    Ok(key)
}

impl PublicKey {
    /// Parses a base64 public key.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        decode_key(text).map(Self)
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Standard base64, as `wg` prints it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_base64())
    }
}

/// Clamps a scalar as X25519 requires; `wg genkey` stores keys already clamped.
fn clamp(mut k: [u8; 32]) -> [u8; 32] {
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    k
}

impl PrivateKey {
    /// A new random key from the operating system's generator, clamped like `wg genkey`.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        OsRng.fill_bytes(&mut k);
        Self(clamp(k))
    }

    /// Parses a base64 private key. Like `wg pubkey`, an unclamped key is accepted (X25519
    /// clamps when it multiplies), and kept as given.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        decode_key(text).map(Self)
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        let secret = StaticSecret::from(self.0);
        PublicKey(DalekPublic::from(&secret).to_bytes())
    }

    /// Standard base64. Only for writing a key file the user asked for.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

impl PresharedKey {
    /// 32 random bytes, like `wg genpsk` (no clamping).
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        OsRng.fill_bytes(&mut k);
        Self(k)
    }

    /// Parses a base64 preshared key.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        decode_key(text).map(Self)
    }

    /// Standard base64. Only for writing a key file the user asked for.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl fmt::Debug for PresharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PresharedKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    /// RFC 7748 §6.1: Alice's and Bob's key pairs.
    #[test]
    fn rfc7748_diffie_hellman_vectors() {
        let cases = [
            (
                "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
            ),
            (
                "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
                "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
            ),
        ];
        for (private, public) in cases {
            let key = PrivateKey(hex(private));
            assert_eq!(key.public_key().as_bytes(), &hex(public));
        }
    }

    #[test]
    fn generated_keys_are_clamped_and_round_trip() {
        for _ in 0..64 {
            let key = PrivateKey::generate();
            let b64 = key.to_base64();
            assert_eq!(b64.len(), 44);
            let k = key.0;
            assert_eq!(k[0] & 7, 0);
            assert_eq!(k[31] & 0xc0, 0x40);
            let again = PrivateKey::from_base64(&b64).unwrap();
            assert_eq!(again.public_key(), key.public_key());
        }
    }

    #[test]
    fn rejects_what_wg_rejects() {
        assert_eq!(PublicKey::from_base64("abc"), Err(KeyError::Length(3)));
        let bad = "!".repeat(43) + "=";
        assert_eq!(PublicKey::from_base64(&bad), Err(KeyError::Encoding));
        // Non-canonical: the last data character carries 2 unused bits; `wg` wants them zero.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let good = PrivateKey::generate().public_key().to_base64();
        let mut bytes = good.into_bytes();
        let value = ALPHABET.iter().position(|&c| c == bytes[42]).unwrap();
        bytes[42] = ALPHABET[(value & !3) | 1];
        let tweaked = String::from_utf8(bytes).unwrap();
        assert_eq!(PublicKey::from_base64(&tweaked), Err(KeyError::Encoding));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let key = PrivateKey::generate();
        assert!(!format!("{key:?}").contains(&key.to_base64()));
        let psk = PresharedKey::generate();
        assert!(!format!("{psk:?}").contains(&psk.to_base64()));
    }
}
