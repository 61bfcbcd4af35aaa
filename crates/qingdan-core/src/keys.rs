//! Ed25519 keys as Qingdan writes them: base64url without padding in
//! packets, a short fingerprint for people, and (with the `pem` feature)
//! PKCS#8 / SPKI PEM files that `openssl genpkey -algorithm ed25519` reads
//! and writes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
pub use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Why a key or signature text is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not base64url without padding.
    #[error("not base64url without padding")]
    Base64,
    /// The decoded bytes have the wrong length.
    #[error("{found} bytes, expected {expected}")]
    Length {
        /// Bytes found.
        found: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// 32 bytes that are not an Ed25519 public key.
    #[error("not a valid Ed25519 public key")]
    NotAPoint,
    /// A PEM file that is not an Ed25519 key of the expected kind.
    #[error("not an Ed25519 {0} key in PEM")]
    Pem(&'static str),
}

/// base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_exact<const N: usize>(text: &str) -> Result<[u8; N], KeyError> {
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| KeyError::Base64)?;
    let found = bytes.len();
    bytes
        .try_into()
        .map_err(|_| KeyError::Length { found, expected: N })
}

/// A public key from base64url.
pub fn decode_public_key(text: &str) -> Result<VerifyingKey, KeyError> {
    VerifyingKey::from_bytes(&decode_public_key_bytes(text)?).map_err(|_| KeyError::NotAPoint)
}

/// The 32 bytes of a public key in base64url, not yet checked to be a
/// point (cheap: for comparing keys).
pub fn decode_public_key_bytes(text: &str) -> Result<[u8; 32], KeyError> {
    decode_exact::<32>(text)
}

/// A signature from base64url.
pub fn decode_signature(text: &str) -> Result<Signature, KeyError> {
    Ok(Signature::from_bytes(&decode_exact::<64>(text)?))
}

/// The public key as written in packets.
pub fn encode_public_key(key: &VerifyingKey) -> String {
    encode(key.as_bytes())
}

/// A short fingerprint people can compare aloud: the first 8 bytes of the
/// key's SHA-256, hex, in groups of four (`3f2a-91c0-…`).
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex = crate::canonical::hex_lower(&digest[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// PKCS#8 / SPKI PEM, the formats openssl uses for Ed25519 keys.
#[cfg(feature = "pem")]
pub mod pem {
    use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
    use ed25519_dalek::pkcs8::{
        DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey,
    };

    use super::{KeyError, SigningKey, VerifyingKey};

    /// A private key from PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn signing_key_from_pem(text: &str) -> Result<SigningKey, KeyError> {
        SigningKey::from_pkcs8_pem(text).map_err(|_| KeyError::Pem("private (PKCS#8)"))
    }

    /// A public key from SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn verifying_key_from_pem(text: &str) -> Result<VerifyingKey, KeyError> {
        VerifyingKey::from_public_key_pem(text).map_err(|_| KeyError::Pem("public (SPKI)"))
    }

    /// A private key as PKCS#8 v1 PEM, as `openssl genpkey` writes it.
    /// (The v2 form, which also carries the public key, is refused by
    /// OpenSSL 3.0, so it is not written; both are read.)
    pub fn signing_key_to_pem(key: &SigningKey) -> String {
        let bytes = ed25519_dalek::pkcs8::KeypairBytes {
            secret_key: key.to_bytes(),
            public_key: None,
        };
        bytes
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .unwrap_or_default()
    }

    /// A public key as SPKI PEM.
    pub fn verifying_key_to_pem(key: &VerifyingKey) -> String {
        key.to_public_key_pem(LineEnding::LF).unwrap_or_default()
    }
}
