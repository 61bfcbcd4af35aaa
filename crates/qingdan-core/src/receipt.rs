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
    /// The key the intake offers cannot be reached from the pinned key by
    /// rotations each signed by the key before.
    #[error(
        "the intake's key is {offered}, and no rotation signed by the pinned key {pinned} leads to it"
    )]
    Unlinked {
        /// The key pinned.
        pinned: String,
        /// The key the intake offers.
        offered: String,
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
    let signature = intake_signature(key, &serde_json::to_value(&payload).unwrap_or_default());
    let envelope = ReceiptEnvelope {
        payload,
        signatures: vec![signature],
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
    verify_entry(entry, &value["payload"])?;
    Ok(payload)
}

/// The intake's signature entry over `payload`'s canonical bytes, by
/// `key`: how it signs what it publishes (receipts, 民主测评 results).
pub(crate) fn intake_signature(key: &SigningKey, payload: &Value) -> SignatureEntry {
    SignatureEntry {
        public_key: keys::encode_public_key(&key.verifying_key()),
        signature: keys::encode(&key.sign(&canonical::to_bytes(payload)).to_bytes()),
    }
}

/// Checks that `entry`'s signature, by its `public_key`, verifies (strictly)
/// over `payload`'s canonical bytes.
pub(crate) fn verify_entry(entry: &SignatureEntry, payload: &Value) -> Result<(), ReceiptError> {
    let key = keys::decode_public_key(&entry.public_key)?;
    let signature = keys::decode_signature(&entry.signature)?;
    key.verify_strict(&canonical::to_bytes(payload), &signature)
        .map_err(|_| ReceiptError::BadSignature)
}

/// Checks a receipt as [`verify`] does, and that the key that signed it is
/// the intake's: `current`, or one of the `earlier` keys that handed over
/// to it (see [`follow`]), whose receipts stay the intake's.
pub fn verify_by_intake(
    text: &str,
    current: &str,
    earlier: &[String],
) -> Result<ReceiptPayload, ReceiptError> {
    let payload = verify(text, None)?;
    if payload.intake_key != current && !earlier.contains(&payload.intake_key) {
        return Err(ReceiptError::OtherIntake {
            found: payload.intake_key,
            pinned: current.to_owned(),
        });
    }
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

/// The `format` of a key rotation payload.
pub const ROTATION_FORMAT: &str = "qingdan.key-rotation/1";

/// What a key rotation says: the intake's key `previous_key` hands over to
/// `next_key`. It is signed by `previous_key`, so that a device that pinned
/// that key can follow to the next one without being enrolled again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationPayload {
    /// Always [`ROTATION_FORMAT`].
    pub format: String,
    /// The key retired (base64url): the one that signs.
    pub previous_key: String,
    /// The key that signs from now on (base64url).
    pub next_key: String,
    /// When (RFC 3339 UTC).
    pub rotated_at: String,
}

/// Signs the hand-over from `previous` to `next_key`; returns its JSON text.
pub fn sign_rotation(previous: &SigningKey, next_key: &str, rotated_at: &str) -> String {
    let previous_key = keys::encode_public_key(&previous.verifying_key());
    let payload = serde_json::to_value(RotationPayload {
        format: ROTATION_FORMAT.to_owned(),
        previous_key: previous_key.clone(),
        next_key: next_key.to_owned(),
        rotated_at: rotated_at.to_owned(),
    })
    .unwrap_or_default();
    let signature = keys::encode(&previous.sign(&canonical::to_bytes(&payload)).to_bytes());
    serde_json::json!({
        "payload": payload,
        "signatures": [{"public_key": previous_key, "signature": signature}],
    })
    .to_string()
}

/// Checks a rotation's one signature, by its `previous_key`, and returns
/// what it says. (Read field by field: the field app follows rotations,
/// and a derived reader would cost it more than this does.)
pub fn verify_rotation(value: &Value) -> Result<RotationPayload, ReceiptError> {
    let shape = |what: &str| ReceiptError::Shape(format!("a key rotation: {what}"));
    let (Some(envelope), Some(payload)) = (value.as_object(), value["payload"].as_object()) else {
        return Err(shape("no payload object"));
    };
    if envelope.len() != 2 || payload.len() != 4 {
        return Err(shape("unknown fields"));
    }
    let text = |field: &str| {
        payload
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| shape(&format!("payload.{field} is not a string")))
    };
    let rotation = RotationPayload {
        format: text("format")?,
        previous_key: text("previous_key")?,
        next_key: text("next_key")?,
        rotated_at: text("rotated_at")?,
    };
    if rotation.format != ROTATION_FORMAT {
        return Err(ReceiptError::Format(rotation.format));
    }
    let signatures = value["signatures"].as_array().map(Vec::as_slice);
    let Some([entry]) = signatures else {
        return Err(ReceiptError::Signer);
    };
    let (Some(signer), Some(signature)) =
        (entry["public_key"].as_str(), entry["signature"].as_str())
    else {
        return Err(ReceiptError::Signer);
    };
    if signer != rotation.previous_key {
        return Err(ReceiptError::Signer);
    }
    keys::decode_public_key(&rotation.next_key)?;
    let key = keys::decode_public_key(&rotation.previous_key)?;
    let signature = keys::decode_signature(signature)?;
    key.verify_strict(&canonical::to_bytes(&value["payload"]), &signature)
        .map_err(|_| ReceiptError::BadSignature)?;
    Ok(rotation)
}

/// The keys after `pinned`, in order, that the signed `rotations` lead
/// through to `offered` (empty when `offered` is `pinned`). Rotations that
/// do not verify, or lead elsewhere, are passed over; when none leads to
/// `offered`, it is [`ReceiptError::Unlinked`].
pub fn follow(
    pinned: &str,
    offered: &str,
    rotations: &[Value],
) -> Result<Vec<String>, ReceiptError> {
    let steps: Vec<RotationPayload> = rotations
        .iter()
        .filter_map(|r| verify_rotation(r).ok())
        .collect();
    let mut chain = Vec::new();
    let mut at = pinned;
    // Each step retires a key; a chain longer than the rotations loops.
    while at != offered && chain.len() < steps.len() {
        let Some(step) = steps.iter().find(|s| s.previous_key == at) else {
            break;
        };
        chain.push(step.next_key.clone());
        at = &step.next_key;
    }
    if at == offered {
        Ok(chain)
    } else {
        Err(ReceiptError::Unlinked {
            pinned: pinned.to_owned(),
            offered: offered.to_owned(),
        })
    }
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

    #[test]
    fn a_device_follows_signed_rotations_from_its_pinned_key_and_no_others() {
        let public = |seed| keys::encode_public_key(&key(seed).verifying_key());
        let r1: Value =
            serde_json::from_str(&sign_rotation(&key(1), &public(2), "2026-12-01T00:00:00Z"))
                .unwrap();
        let r2: Value =
            serde_json::from_str(&sign_rotation(&key(2), &public(3), "2026-12-02T00:00:00Z"))
                .unwrap();
        assert_eq!(verify_rotation(&r1).unwrap().next_key, public(2));
        // In any order, from any key of the chain.
        let both = [r2.clone(), r1.clone()];
        assert_eq!(
            follow(&public(1), &public(3), &both).unwrap(),
            [public(2), public(3)]
        );
        assert_eq!(follow(&public(2), &public(3), &both).unwrap(), [public(3)]);
        assert_eq!(
            follow(&public(3), &public(3), &both).unwrap(),
            Vec::<String>::new()
        );
        // A gap, or a key nobody handed over to, is refused.
        assert!(matches!(
            follow(&public(1), &public(3), std::slice::from_ref(&r2)),
            Err(ReceiptError::Unlinked { .. })
        ));
        // A rotation signed by a key other than the one it retires.
        let mut forged = r1.clone();
        forged["payload"]["next_key"] = Value::String(public(9));
        assert_eq!(verify_rotation(&forged), Err(ReceiptError::BadSignature));
        assert!(follow(&public(1), &public(9), &[forged]).is_err());
        let self_made: Value =
            serde_json::from_str(&sign_rotation(&key(9), &public(9), "2026-12-03T00:00:00Z"))
                .unwrap();
        let mut claimed = self_made;
        claimed["payload"]["previous_key"] = Value::String(public(1));
        assert_eq!(verify_rotation(&claimed), Err(ReceiptError::Signer));
        // A loop ends.
        let back: Value =
            serde_json::from_str(&sign_rotation(&key(2), &public(1), "2026-12-04T00:00:00Z"))
                .unwrap();
        assert!(follow(&public(1), &public(7), &[r1, back]).is_err());
        // Receipts by the key in use and by the keys before it are the intake's.
        for seed in [1, 2, 3] {
            let receipt = sign(&key(seed), ID, SHA, "t");
            verify_by_intake(&receipt, &public(3), &[public(1), public(2)]).unwrap();
        }
        assert!(matches!(
            verify_by_intake(&sign(&key(9), ID, SHA, "t"), &public(3), &[public(1)]),
            Err(ReceiptError::OtherIntake { .. })
        ));
        // A receipt is still a receipt, not a rotation.
        let receipt: Value = serde_json::from_str(&sign(&key(1), ID, SHA, "t")).unwrap();
        assert!(verify_rotation(&receipt).is_err());
    }
}
