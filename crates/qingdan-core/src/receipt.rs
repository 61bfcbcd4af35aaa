//! Receipts: the intake's signed word that it holds a packet.
//!
//! A receipt is an envelope like a packet's, signed by the intake's own
//! Ed25519 key over the RFC 8785 canonical payload:
//!
//! ```json
//! { "payload": { "format": "qingdan.receipt/1", "packet_id": "…",
//!                "packet_sha256": "<hex SHA-256 of the bytes received>",
//!                "received_at": "2026-11-23T08:30:00.125Z", "intake_key": "<base64url>" },
//!   "signatures": [ { "public_key": "<base64url>", "signature": "<base64url>" } ] }
//! ```
//!
//! A device lets a packet leave its outbox only when a receipt verifies
//! against the intake key it pinned and names the digest of the bytes it
//! sent. The intake reads the clock; this module only signs and checks.

use ed25519_dalek::{Signer as _, SigningKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical;
use crate::keys::{self, KeyError};
use crate::packet::SignatureEntry;

/// The `format` of a receipt payload.
pub const RECEIPT_FORMAT: &str = "qingdan.receipt/1";

/// What a receipt says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptPayload {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    /// The packet's id.
    pub packet_id: String,
    /// Hex SHA-256 of the packet file's bytes exactly as received.
    pub packet_sha256: String,
    /// When the intake received it (RFC 3339 UTC).
    pub received_at: String,
    /// The intake's public key, base64url: the key that signs.
    pub intake_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptEnvelope {
    payload: ReceiptPayload,
    signatures: Vec<SignatureEntry>,
}

/// Why a receipt is not good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// Not a receipt envelope.
    #[error("not a receipt: {0}")]
    Shape(String),
    /// `payload.format` is not `qingdan.receipt/1`.
    #[error("payload.format: {0:?} is not \"qingdan.receipt/1\"")]
    Format(String),
    /// Not exactly one signature, or one by another key than `intake_key`.
    #[error("signatures: a receipt carries exactly one signature, by its intake_key")]
    Signer,
    /// A key or signature that cannot be decoded.
    #[error("{0}")]
    Key(#[from] KeyError),
    /// The signature does not verify.
    #[error("the intake's signature does not verify")]
    BadSignature,
    /// Signed by another intake than the one pinned.
    #[error("signed by intake key {found}, but this device pinned {pinned}")]
    OtherIntake {
        /// The key that signed.
        found: String,
        /// The key expected.
        pinned: String,
    },
    /// For another packet, or other bytes, than the ones sent.
    #[error("payload.{field}: the receipt names {found}, the packet sent is {sent}")]
    OtherPacket {
        /// `packet_id` or `packet_sha256`.
        field: &'static str,
        /// What the receipt says.
        found: String,
        /// What was sent.
        sent: String,
    },
}

/// Signs a receipt; returns its JSON text (compact, canonical payload order
/// is not needed: the signature covers the canonical form).
pub fn sign(key: &SigningKey, packet_id: &str, packet_sha256: &str, received_at: &str) -> String {
    let intake_key = keys::encode_public_key(&key.verifying_key());
    let payload = ReceiptPayload {
        format: RECEIPT_FORMAT.to_owned(),
        packet_id: packet_id.to_owned(),
        packet_sha256: packet_sha256.to_owned(),
        received_at: received_at.to_owned(),
        intake_key: intake_key.clone(),
    };
    let signed = canonical::to_bytes(&serde_json::to_value(&payload).unwrap_or_default());
    let envelope = ReceiptEnvelope {
        payload,
        signatures: vec![SignatureEntry {
            public_key: intake_key,
            signature: keys::encode(&key.sign(&signed).to_bytes()),
        }],
    };
    serde_json::to_value(&envelope)
        .unwrap_or_default()
        .to_string()
}

/// Checks a receipt's signature (by its own `intake_key`, which must equal
/// `pinned` when given) and returns what it says.
pub fn verify(text: &str, pinned: Option<&str>) -> Result<ReceiptPayload, ReceiptError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| ReceiptError::Shape(e.to_string()))?;
    let envelope =
        ReceiptEnvelope::deserialize(&value).map_err(|e| ReceiptError::Shape(e.to_string()))?;
    let payload = envelope.payload;
    if payload.format != RECEIPT_FORMAT {
        return Err(ReceiptError::Format(payload.format));
    }
    let [entry] = envelope.signatures.as_slice() else {
        return Err(ReceiptError::Signer);
    };
    if entry.public_key != payload.intake_key {
        return Err(ReceiptError::Signer);
    }
    if let Some(pinned) = pinned
        && pinned != payload.intake_key
    {
        return Err(ReceiptError::OtherIntake {
            found: payload.intake_key,
            pinned: pinned.to_owned(),
        });
    }
    let key = keys::decode_public_key(&payload.intake_key)?;
    let signature = keys::decode_signature(&entry.signature)?;
    key.verify_strict(&canonical::to_bytes(&value["payload"]), &signature)
        .map_err(|_| ReceiptError::BadSignature)?;
    Ok(payload)
}

impl ReceiptPayload {
    /// Checks that the receipt is for `packet_id` and exactly the bytes whose
    /// hex SHA-256 is `packet_sha256`.
    pub fn check_for(&self, packet_id: &str, packet_sha256: &str) -> Result<(), ReceiptError> {
        let other = |field, found: &str, sent: &str| ReceiptError::OtherPacket {
            field,
            found: found.to_owned(),
            sent: sent.to_owned(),
        };
        if self.packet_id != packet_id {
            return Err(other("packet_id", &self.packet_id, packet_id));
        }
        if self.packet_sha256 != packet_sha256 {
            return Err(other("packet_sha256", &self.packet_sha256, packet_sha256));
        }
        Ok(())
    }
}

/// What the intake signs when it serves a published checklist: this prefix,
/// then the checklist's canonical JSON. The prefix keeps a checklist's
/// signature from being read as any other signed thing.
const TEMPLATE_CONTEXT: &[u8] = b"qingdan.template/1\n";

/// The intake's signature (base64url) over a published checklist's
/// canonical JSON, served beside it so that a device can check it against
/// the intake key it pinned.
pub fn sign_template(key: &SigningKey, canonical: &[u8]) -> String {
    let message = [TEMPLATE_CONTEXT, canonical].concat();
    keys::encode(&key.sign(&message).to_bytes())
}

/// Checks `signature` over a checklist's canonical JSON against the pinned
/// intake key.
pub fn verify_template(
    pinned: &str,
    canonical: &[u8],
    signature: &str,
) -> Result<(), ReceiptError> {
    let key = keys::decode_public_key(pinned)?;
    let signature = keys::decode_signature(signature)?;
    let message = [TEMPLATE_CONTEXT, canonical].concat();
    key.verify_strict(&message, &signature)
        .map_err(|_| ReceiptError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b7c6a52-31d5-4a8e-9c43-5f0e2d1a9b77";
    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn a_signed_receipt_verifies_and_names_the_packet() {
        let text = sign(&key(7), ID, SHA, "2026-11-23T08:30:00.125Z");
        let pinned = keys::encode_public_key(&key(7).verifying_key());
        let payload = verify(&text, Some(&pinned)).unwrap();
        assert_eq!(payload.packet_id, ID);
        assert_eq!(payload.received_at, "2026-11-23T08:30:00.125Z");
        payload.check_for(ID, SHA).unwrap();
        assert!(matches!(
            payload.check_for(ID, &SHA.replace('9', "8")),
            Err(ReceiptError::OtherPacket {
                field: "packet_sha256",
                ..
            })
        ));
    }

    #[test]
    fn a_receipt_from_another_intake_or_altered_is_refused() {
        let text = sign(&key(7), ID, SHA, "2026-11-23T08:30:00.125Z");
        let other = keys::encode_public_key(&key(8).verifying_key());
        assert!(matches!(
            verify(&text, Some(&other)),
            Err(ReceiptError::OtherIntake { .. })
        ));
        let altered = text.replace("08:30:00.125Z", "08:30:01.125Z");
        assert_eq!(verify(&altered, None), Err(ReceiptError::BadSignature));
        // A forger who signs with their own key and names it as intake_key
        // passes the signature but not the pin.
        let forged = sign(&key(9), ID, SHA, "2026-11-23T08:30:00.125Z");
        let pinned = keys::encode_public_key(&key(7).verifying_key());
        assert!(verify(&forged, None).is_ok());
        assert!(matches!(
            verify(&forged, Some(&pinned)),
            Err(ReceiptError::OtherIntake { .. })
        ));
    }

    #[test]
    fn a_template_signature_holds_only_for_its_bytes_and_intake() {
        let canonical = br#"{"id":"t","version":1}"#;
        let signature = sign_template(&key(7), canonical);
        let pinned = keys::encode_public_key(&key(7).verifying_key());
        verify_template(&pinned, canonical, &signature).unwrap();
        assert_eq!(
            verify_template(&pinned, br#"{"id":"t","version":2}"#, &signature),
            Err(ReceiptError::BadSignature)
        );
        let other = keys::encode_public_key(&key(8).verifying_key());
        assert_eq!(
            verify_template(&other, canonical, &signature),
            Err(ReceiptError::BadSignature)
        );
    }
}
