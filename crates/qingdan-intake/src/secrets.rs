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
    hash(&normal_code(code))
}

/// A code as typed, in the form it is hashed in: no dashes or spaces,
/// upper case, o/i/l read as 0/1/1.
fn normal_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// A new ballot slip's code (`XXXXX-XXXXX-XXXXX-XXXXX`, 100 random bits)
/// and its hash ([`ballot_code_hash`]).
pub fn new_ballot_code() -> Result<(String, String), getrandom::Error> {
    let letters: String = random::<20>()?
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b & 31)]))
        .collect();
    let code = format!(
        "{}-{}-{}-{}",
        &letters[..5],
        &letters[5..10],
        &letters[10..15],
        &letters[15..]
    );
    let hash = ballot_code_hash(&code);
    Ok((code, hash))
}

/// The hash a ballot slip's code is kept and published under: the core's
/// [`qingdan_core::evaluation::code_sha256`] of the code as
/// [`code_hash`] reads it (the 20 letters, whatever the case and dashes).
pub fn ballot_code_hash(code: &str) -> String {
    qingdan_core::evaluation::code_sha256(&normal_code(code))
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

    #[test]
    fn a_ballot_code_has_100_random_bits_and_is_read_however_it_is_typed() {
        let (code, hash) = new_ballot_code().unwrap();
        assert_eq!(code.len(), 23);
        assert_eq!(code.replace('-', "").len(), 20, "20 letters of 5 bits");
        assert_eq!(ballot_code_hash(&code.to_lowercase()), hash);
        assert_eq!(
            hash,
            qingdan_core::evaluation::code_sha256(&code.replace('-', ""))
        );
        assert_ne!(new_ballot_code().unwrap().0, code);
    }
}
