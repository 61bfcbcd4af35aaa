//! Settings' forms, checked before anything is made or sent: each problem
//! names the field it belongs to, so that it is shown beside that field.

use crate::i18n::T;
use crate::messages::ROLES;
use crate::sync;
use crate::vault;

/// A problem of a form: the field it is about (its `data-field`) and what
/// to say.
pub type FieldProblem = (&'static str, T);

/// Checks the new-key form: a name, a role chosen (there is no default),
/// and a PIN long enough, typed twice alike.
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
            check_new_key("李清廉", "principal", "246810", "246810"),
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
            check_new_key("李清廉", "supervisory", "246810", "246811"),
            Err(("pin-confirm", T::PinMismatch))
        );
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
