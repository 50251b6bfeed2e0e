//! The one error the domain raises: an input that breaks a rule, with what was wrong and what is
//! allowed. Front ends show `message` as is; `code` is stable for scripts and the UI.

use std::fmt;

/// A value that failed validation. Nothing was changed when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidInput {
    /// Stable machine-readable code, e.g. `invalid_rating`.
    pub code: &'static str,
    /// What was wrong and what is allowed, for a person.
    pub message: String,
}

impl InvalidInput {
    /// Builds an error with a stable code and a human message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}
