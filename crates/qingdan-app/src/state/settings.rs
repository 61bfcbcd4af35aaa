//! Settings' forms, checked before anything is made or sent: each problem
//! names the field it belongs to, so that it is shown beside that field.

use crate::i18n::T;
use crate::messages::ROLES;
use crate::sync;
use crate::vault;

/// A problem of a form: the field it is about (its `data-field`) and what
/// to say.
pub type FieldProblem = (&'static str, T);

/// PINs people choose first: a stolen key file (or IndexedDB record) is
/// tried against these before anything else.
const COMMON_PINS: &[&str] = &[
    "12345678",
    "87654321",
    "11223344",
    "12341234",
    "88888888",
    "66666666",
    "00000000",
    "11111111",
    "12344321",
    "13141314",
    "52013140",
    "5201314520",
    "13145200",
    "19491001",
    "20082008",
    "12312312",
    "password",
    "qwertyui",
    "asdfghjk",
    "iloveyou",
    "abc12345",
    "a1234567",
    "qwer1234",
    "1qaz2wsx",
];

/// Whether `pin` is among the first an attacker tries: a common one, one
/// character repeated, a run (12345678, 98765432, abcdefgh) or a short
/// pattern repeated (12121212, 123123123, 56785678).
pub fn guessable(pin: &str) -> bool {
    let lower = pin.to_lowercase();
    if COMMON_PINS.contains(&lower.as_str()) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    let run = |step: i64| {
        chars
            .windows(2)
            .all(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0])) == step)
    };
    if chars.len() > 1 && (run(1) || run(-1)) {
        return true;
    }
    (1..=chars.len() / 2)
        .any(|n| chars.len().is_multiple_of(n) && chars.chunks(n).all(|c| c == &chars[..n]))
}

/// Checks the new-key form: a name, a role chosen (there is no default),
/// and a PIN long enough and hard to guess, typed twice alike.
pub fn check_new_key(name: &str, role: &str, pin: &str, again: &str) -> Result<(), FieldProblem> {
    if name.trim().is_empty() {
        return Err(("name", T::NeedName));
    }
    if !ROLES.iter().any(|(r, _, _)| *r == role) {
        return Err(("role", T::NeedRole));
    }
    if pin.chars().count() < vault::MIN_PIN_CHARS {
        return Err(("pin", T::PinTooShort));
    }
    if guessable(pin) {
        return Err(("pin", T::PinGuessable));
    }
    if pin != again {
        return Err(("pin-confirm", T::PinMismatch));
    }
    Ok(())
}

/// Checks the enrollment form: the intake's address, a code and a key.
pub fn check_enrollment(url: &str, code: &str, has_key: bool) -> Result<(), FieldProblem> {
    if !sync::is_intake_url(url) {
        return Err(("url", T::NeedIntakeUrl));
    }
    if code.trim().is_empty() {
        return Err(("code", T::NeedCode));
    }
    if !has_key {
        return Err(("key", T::NeedKeyFirst));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_needs_a_role_chosen_on_purpose() {
        assert_eq!(
            check_new_key("李清廉", "", "246810", "246810"),
            Err(("role", T::NeedRole))
        );
        assert_eq!(
            check_new_key("李清廉", "chairman", "246810", "246810"),
            Err(("role", T::NeedRole))
        );
        assert_eq!(
            check_new_key("李清廉", "principal", "24681357", "24681357"),
            Ok(())
        );
    }

    #[test]
    fn each_problem_of_a_new_key_names_its_field() {
        assert_eq!(check_new_key(" ", "", "", ""), Err(("name", T::NeedName)));
        assert_eq!(
            check_new_key("李清廉", "supervisory", "123", "123"),
            Err(("pin", T::PinTooShort))
        );
        assert_eq!(
            check_new_key("李清廉", "supervisory", "24681357", "24681358"),
            Err(("pin-confirm", T::PinMismatch))
        );
        assert_eq!(
            check_new_key("李清廉", "supervisory", "246810", "246810"),
            Err(("pin", T::PinTooShort)),
            "six digits fall in a minute to an offline attacker"
        );
        for weak in [
            "12345678",
            "98765432",
            "11111111",
            "12121212",
            "123123123",
            "abcdefgh",
            "Password",
            "52013140",
        ] {
            assert_eq!(
                check_new_key("李清廉", "supervisory", weak, weak),
                Err(("pin", T::PinGuessable)),
                "{weak}"
            );
        }
    }

    #[test]
    fn each_problem_of_an_enrollment_names_its_field() {
        assert_eq!(
            check_enrollment("intake", "C", true),
            Err(("url", T::NeedIntakeUrl))
        );
        assert_eq!(
            check_enrollment("http://127.0.0.1:8080", " ", true),
            Err(("code", T::NeedCode))
        );
        assert_eq!(
            check_enrollment("http://127.0.0.1:8080", "ABCD", false),
            Err(("key", T::NeedKeyFirst))
        );
        assert_eq!(
            check_enrollment("http://127.0.0.1:8080", "ABCD", true),
            Ok(())
        );
    }
}
