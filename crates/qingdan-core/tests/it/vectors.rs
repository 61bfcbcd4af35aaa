//! Public conformance vectors, copied into `tests/data/vectors`: RFC 8785
//! canonical JSON, RFC 8032 Ed25519 signing, and Wycheproof's Ed25519
//! verification cases, which a strict verifier must get exactly right.

use qingdan_core::canonical;
use qingdan_core::keys::{Signature, SigningKey, VerifyingKey};

use crate::{data_dir, read, sorted_entries};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn rfc8785_vectors_canonicalize_byte_for_byte() {
    let dir = data_dir().join("vectors/jcs");
    let inputs = sorted_entries(&dir.join("input"));
    assert_eq!(inputs.len(), 6);
    for input in inputs {
        let value: serde_json::Value = serde_json::from_str(&read(&input)).unwrap();
        let expected = std::fs::read(dir.join("output").join(input.file_name().unwrap())).unwrap();
        let actual = canonical::to_bytes(&value);
        assert_eq!(
            String::from_utf8_lossy(&actual),
            String::from_utf8_lossy(&expected),
            "{}",
            input.display()
        );
    }
}

#[test]
fn rfc8032_vectors_sign_and_verify() {
    let doc: serde_json::Value = serde_json::from_str(&read(
        &data_dir().join("vectors/ed25519/rfc8032_section7_1.json"),
    ))
    .unwrap();
    let tests = doc["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 3);
    for t in tests {
        let secret: [u8; 32] = hex(t["secret_key"].as_str().unwrap()).try_into().unwrap();
        let key = SigningKey::from_bytes(&secret);
        assert_eq!(
            key.verifying_key().as_bytes().to_vec(),
            hex(t["public_key"].as_str().unwrap())
        );
        let message = hex(t["message"].as_str().unwrap());
        let signature = ed25519_dalek_sign(&key, &message);
        assert_eq!(
            signature.to_bytes().to_vec(),
            hex(t["signature"].as_str().unwrap()),
            "{}",
            t["name"]
        );
        assert!(
            key.verifying_key()
                .verify_strict(&message, &signature)
                .is_ok()
        );
    }
}

fn ed25519_dalek_sign(key: &SigningKey, message: &[u8]) -> Signature {
    use qingdan_core::keys::Signer as _;
    key.sign(message)
}

#[test]
fn wycheproof_vectors_are_judged_exactly() {
    let doc: serde_json::Value = serde_json::from_str(&read(
        &data_dir().join("vectors/ed25519/wycheproof_ed25519_test.json"),
    ))
    .unwrap();
    let mut judged = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        let public = hex(group["publicKey"]["pk"].as_str().unwrap());
        for t in group["tests"].as_array().unwrap() {
            let expect_valid = match t["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("unexpected result {other}"),
            };
            let accepted = verify(
                &public,
                &hex(t["msg"].as_str().unwrap()),
                &hex(t["sig"].as_str().unwrap()),
            );
            assert_eq!(
                accepted, expect_valid,
                "tcId {} ({})",
                t["tcId"], t["comment"]
            );
            judged += 1;
        }
    }
    assert_eq!(judged, 151);
}

/// Verifies as packets do: the key and signature through their decoders,
/// then `verify_strict`.
fn verify(public: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let (Ok(public), Ok(signature)) = (
        qingdan_core::keys::decode_public_key(&qingdan_core::keys::encode(public)),
        qingdan_core::keys::decode_signature(&qingdan_core::keys::encode(signature)),
    ) else {
        return false;
    };
    let _: (&VerifyingKey, &Signature) = (&public, &signature);
    public.verify_strict(message, &signature).is_ok()
}
