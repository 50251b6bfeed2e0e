//! The library's side of a studio binding (R14, STUDIO.md §3): whether and to which studio,
//! as whom and from which device the library is bound, and how many changes wait for it.
//! Binding switches the journal's outbox on (every change from then on is queued in the same
//! transaction as the change).
//!
//! Knows nothing of HTTP, keyrings or the studio's API: atelier-sync drives the sign-in and
//! calls this once it knows who signed in.

use atelier_catalog::StudioBinding;
use atelier_domain::ids::{DeviceId, UserId};
use atelier_domain::{ErrorCode, Id, InvalidInput};

use crate::{Library, Result, now_ms};

impl Library {
    /// The studio this library is bound to, if any.
    pub fn studio_binding(&self) -> Result<Option<StudioBinding>> {
        Ok(self.catalog().studio_binding()?)
    }

    /// Binds the library to `studio_url` as `user` from `device`. A library is bound to one
    /// studio and one person: binding it elsewhere, or as someone else, is refused with what to
    /// do; signing in again (a new device of the same person on the same studio) is fine.
    pub fn bind_studio(&self, studio_url: &str, user: UserId, device: DeviceId) -> Result<()> {
        if let Some(b) = self.studio_binding()? {
            check_same(&b, studio_url, user)?;
        }
        self.catalog()
            .write(|tx| tx.bind_studio(studio_url, user, &device.to_bytes(), now_ms()))?;
        Ok(())
    }

    /// How many changes wait in the outbox for the studio.
    pub fn outbox_len(&self) -> Result<i64> {
        Ok(self.catalog().outbox_len()?)
    }
}

/// Refuses a binding to another studio or person than the one the library has.
pub fn check_same(binding: &StudioBinding, studio_url: &str, user: UserId) -> Result<()> {
    if binding.studio_url != studio_url {
        return Err(InvalidInput::new(
            ErrorCode::BoundElsewhere,
            format!(
                "this library is bound to the studio at {}; a library belongs to one studio: \
                 sign in there, or use another library folder (--library) for {studio_url}",
                binding.studio_url
            ),
        )
        .into());
    }
    if binding.user != user {
        return Err(InvalidInput::new(
            ErrorCode::BoundElsewhere,
            "this library is bound to another person on this studio; a library belongs to one \
             person: sign in as them, or use another library folder (--library) for yourself",
        )
        .into());
    }
    Ok(())
}
