//! Admin tokens and one-time enrollment codes: made from the system's
//! random numbers, shown once, stored only as SHA-256 hashes and looked up
//! by hash.

use qingdan_core::{canonical, keys};

/// Letters for enrollment codes: Crockford's base 32 (no I, L, O, U), so a
/// code read aloud or typed on a tablet is not mistaken.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

/// A new admin token (`qd_` + 32 random bytes) and its hash.
pub fn new_admin_token() -> Result<(String, String), getrandom::Error> {
    let token = format!("qd_{}", keys::encode(&random::<32>()?));
    let hash = hash(&token);
    Ok((token, hash))
}

/// A new enrollment code (`XXXX-XXXX-XXXX`, 60 random bits) and its hash.
pub fn new_enrollment_code() -> Result<(String, String), getrandom::Error> {
    let letters: String = random::<12>()?
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b & 31)]))
        .collect();
    let code = format!("{}-{}-{}", &letters[..4], &letters[4..8], &letters[8..]);
    let hash = code_hash(&code);
    Ok((code, hash))
}

/// The hash an enrollment code is stored under: case, spaces and dashes
/// do not matter, and o/i/l read as 0/1/1.
pub fn code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    hash(&normal)
}

/// Hex SHA-256.
pub fn hash(secret: &str) -> String {
    canonical::sha256_hex_bytes(secret.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_new_each_time_and_stored_only_as_their_hash() {
        let (token, hash) = new_admin_token().unwrap();
        let (other, other_hash) = new_admin_token().unwrap();
        assert_ne!(token, other);
        assert_ne!(hash, other_hash);
        assert_eq!(hash, super::hash(&token));
        assert!(!hash.contains(&token[3..]));
    }

    #[test]
    fn a_code_is_read_the_same_however_it_is_typed() {
        let (code, hash) = new_enrollment_code().unwrap();
        assert_eq!(code.len(), 14);
        assert_eq!(code_hash(&code.to_lowercase().replace('-', " ")), hash);
        assert_eq!(code_hash("0o1I-LLOO-abcd"), code_hash("0011-1100-ABCD"));
    }
}
