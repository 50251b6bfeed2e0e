//! The studio's own pages, server-rendered: plain HTML that works without JavaScript, with no
//! external assets, every value escaped, and strict headers (`no-store`, no referrer, a CSP
//! that allows inline styles and same-origin forms only, no framing). Routed through the one
//! table in `http::routes()` (Access::Public), so the authorisation tests cover them.
//!
//! Today: the invitation page, `GET /invite/{token}` (who is invited, with which role, and a
//! form to sign up or sign in) and `POST /invite/{token}` (the form, url-encoded); and the
//! browser sign-in page, `GET /login/{secret}` ("Atelier on <device> wants to sign in to
//! <studio>", with an email + password form that approves it and a button that denies it) and
//! `POST /login/{secret}`, ending on "you can go back to Atelier". Any link that doesn't work
//! shows one "no longer valid" page with 404, whatever the reason.
//!
//! Must not know SQL or the rules: it calls `services`. The secret is in the path by design (it
//! is the link); nothing here logs it, and the studio has no request-logging layer that would —
//! one added later must skip `/invite/` and `/login/` paths.

pub mod public;

use atelier_domain::{ErrorCode, StudioRole};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::http::AppState;
use crate::http::error::status_for;
use crate::services::ServiceError;
use crate::services::browser::BrowserSignInView;
use crate::services::invitations::InvitationView;

/// The Content-Security-Policy of every page: nothing loads, inline styles only, forms post to
/// the studio itself, and no one frames it.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}\
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}\
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}\
button{margin-top:1.2rem;padding:.55rem 1.2rem;font:inherit}\
.error{color:#a40e26;background:#fde8eb;padding:.5rem .7rem;border-radius:4px}\
.muted{color:#6e6e73}";

/// A whole page: `title` and `body` are HTML (escape values before).
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{title}</title><style>{STYLE}</style></head><body>{body}</body></html>\n"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The one page for every link that doesn't work.
fn no_longer_valid() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Invitation no longer valid",
        "<h1>This invitation is no longer valid</h1>\
         <p class=\"muted\">It may have expired, been revoked or been used already. \
         Ask the studio's Owner or an Admin for a new link.</p>",
    )
}

/// A failure that is not the person's (storage, internals): logged by the error edge's rules,
/// shown plainly.
fn failed(e: &ServiceError) -> Response {
    tracing::error!(error = %e, "a page failed");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<h1>Something went wrong</h1><p>The studio hit an error: try again in a moment, and tell the studio's admin if it lasts.</p>",
    )
}

fn role_name(role: StudioRole) -> &'static str {
    match role {
        StudioRole::Owner => "Owner",
        StudioRole::Admin => "Admin",
        StudioRole::Member => "Member",
    }
}

/// The invitation with its form (sign up, or sign in when the email has an account), and an
/// error above the form when a submission was refused.
fn invitation(view: &InvitationView, status: StatusCode, error: Option<&str>, name: &str) -> Response {
    let studio = escape(&view.studio);
    let email = escape(&view.email);
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    // No `action`: the form posts back to this page's own address.
    let fields = if view.has_account {
        format!(
            "<p>{email} already has an account here: sign in with its password to accept.</p>\
             <input type=\"hidden\" name=\"mode\" value=\"sign_in\">\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required autofocus>\
             <button type=\"submit\">Sign in and join</button>"
        )
    } else {
        format!(
            "<input type=\"hidden\" name=\"mode\" value=\"sign_up\">\
             <label for=\"display_name\">Your name</label>\
             <input id=\"display_name\" name=\"display_name\" autocomplete=\"name\" value=\"{}\" required autofocus>\
             <label for=\"password\">Choose a password (at least 8 characters)</label>\
             <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required>\
             <label for=\"confirm\">Confirm the password</label>\
             <input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required>\
             <button type=\"submit\">Create my account and join</button>",
            escape(name)
        )
    };
    let body = format!(
        "<h1>Join {studio}</h1>\
         <p>You're invited to the studio <strong>{studio}</strong> as <strong>{role}</strong>, with the email address <strong>{email}</strong>.</p>\
         {error}\
         <form method=\"post\">\
         <input type=\"email\" name=\"email\" value=\"{email}\" autocomplete=\"username\" readonly hidden>\
         {fields}</form>",
        role = role_name(view.role),
    );
    page(status, &format!("Join {studio}"), &body)
}

/// `GET /invite/{token}`
pub async fn invite_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.studio.invitation_view(&token).await {
        Ok(view) => invitation(&view, StatusCode::OK, None, ""),
        Err(e) if e.code() == ErrorCode::InvitationInvalid => no_longer_valid(),
        Err(e) => failed(&e),
    }
}

/// The invitation form's fields (url-encoded); missing ones are empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    /// `sign_up` or `sign_in` (informative: the studio decides by whether the account exists).
    pub mode: String,
    /// The new account's name (sign up).
    pub display_name: String,
    /// The new password (sign up) or the account's password (sign in).
    pub password: String,
    /// The new password again (sign up).
    pub confirm: String,
}

/// `POST /invite/{token}`
pub async fn invite_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form: Result<Form<InviteForm>, FormRejection>,
) -> Response {
    // The link first: a dead link gets the same page whatever was posted.
    let view = match state.studio.invitation_view(&token).await {
        Ok(view) => view,
        Err(e) if e.code() == ErrorCode::InvitationInvalid => return no_longer_valid(),
        Err(e) => return failed(&e),
    };
    let Ok(Form(form)) = form else {
        return invitation(
            &view,
            StatusCode::BAD_REQUEST,
            Some("The form didn't arrive as expected: fill it in again."),
            "",
        );
    };
    let name = form.display_name.trim();
    if !view.has_account && form.password != form.confirm {
        return invitation(
            &view,
            StatusCode::BAD_REQUEST,
            Some("The two passwords don't match."),
            name,
        );
    }
    let display_name = (!view.has_account).then_some(name);
    match state
        .studio
        .accept_invitation(&token, &view.email, form.password, display_name)
        .await
    {
        Ok(member) => {
            let email = escape(&member.email);
            let studio = escape(&view.studio);
            page(
                StatusCode::OK,
                &format!("Welcome to {studio}"),
                &format!(
                    "<h1>You're in — sign in from Atelier with {email}</h1>\
                     <p>You're a member of <strong>{studio}</strong> as <strong>{}</strong>. \
                     In Atelier, choose <em>Sign in to a studio</em> and use {email} and your password.</p>",
                    role_name(member.role)
                ),
            )
        }
        Err(e) if e.code() == ErrorCode::InvitationInvalid => no_longer_valid(),
        Err(ServiceError::Refused(refusal)) => {
            // A wrong password is the form's problem here, not an HTTP authentication scheme's.
            let status = match status_for(refusal.code) {
                StatusCode::UNAUTHORIZED => StatusCode::BAD_REQUEST,
                s => s,
            };
            invitation(&view, status, Some(&refusal.message), name)
        }
        Err(e) => failed(&e),
    }
}

/// The one page for every sign-in link that doesn't work (unknown, expired, decided).
fn sign_in_gone() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Sign-in link no longer valid",
        "<h1>This sign-in link is no longer valid</h1>\
         <p class=\"muted\">It may have expired (links last 10 minutes) or been used already. \
         Start signing in again from Atelier.</p>",
    )
}

/// The sign-in request with its form: the device asking, then email and password to approve
/// it, or a button to deny it; an error above the form when a submission was refused.
fn sign_in_form(view: &BrowserSignInView, status: StatusCode, error: Option<&str>, email: &str) -> Response {
    let studio = escape(&view.studio);
    let device = escape(&view.device);
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    // No `action`: the form posts back to this page's own address. Deny skips the fields'
    // validation (the link is enough to refuse a sign-in).
    let body = format!(
        "<h1><strong>{device}</strong> wants to sign in to {studio}</h1>\
         <p>Sign in to let <strong>{device}</strong> act as you on the studio <strong>{studio}</strong>. \
         Only continue if you started this sign-in from Atelier yourself.</p>\
         {error}\
         <form method=\"post\">\
         <label for=\"email\">Email</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" value=\"{email}\" required autofocus>\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\" name=\"action\" value=\"approve\">Sign in and allow {device}</button> \
         <button type=\"submit\" name=\"action\" value=\"deny\" formnovalidate>Deny</button>\
         </form>",
        email = escape(email),
    );
    page(status, &format!("Sign in to {studio}"), &body)
}

/// `GET /login/{secret}`
pub async fn login_page(State(state): State<AppState>, Path(secret): Path<String>) -> Response {
    match state.studio.browser_view(&secret).await {
        Ok(view) => sign_in_form(&view, StatusCode::OK, None, ""),
        Err(e) if e.code() == ErrorCode::SignInExpired => sign_in_gone(),
        Err(e) => failed(&e),
    }
}

/// The sign-in form's fields (url-encoded); missing ones are empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    /// `approve` (the default) or `deny`.
    pub action: String,
    /// The account's email.
    pub email: String,
    /// Its password.
    pub password: String,
}

/// `POST /login/{secret}`
pub async fn login_submit(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    // The link first: a dead link gets the same page whatever was posted.
    let view = match state.studio.browser_view(&secret).await {
        Ok(view) => view,
        Err(e) if e.code() == ErrorCode::SignInExpired => return sign_in_gone(),
        Err(e) => return failed(&e),
    };
    let Ok(Form(form)) = form else {
        return sign_in_form(
            &view,
            StatusCode::BAD_REQUEST,
            Some("The form didn't arrive as expected: fill it in again."),
            "",
        );
    };
    let device = escape(&view.device);
    if form.action == "deny" {
        return match state.studio.browser_deny(&secret).await {
            Ok(()) => page(
                StatusCode::OK,
                "Sign-in denied",
                &format!(
                    "<h1>Sign-in denied</h1><p>{device} was not signed in. You can close this page.</p>"
                ),
            ),
            Err(e) if e.code() == ErrorCode::SignInExpired => sign_in_gone(),
            Err(e) => failed(&e),
        };
    }
    match state
        .studio
        .browser_approve(&secret, &form.email, form.password)
        .await
    {
        Ok(user) => page(
            StatusCode::OK,
            "Signed in — go back to Atelier",
            &format!(
                "<h1>You can go back to Atelier</h1>\
                 <p>{device} is signed in to <strong>{}</strong> as <strong>{}</strong>. You can close this page.</p>",
                escape(&view.studio),
                escape(&user.email),
            ),
        ),
        Err(e) if e.code() == ErrorCode::SignInExpired => sign_in_gone(),
        Err(ServiceError::Refused(refusal)) => {
            // A wrong password is the form's problem here, not an HTTP authentication scheme's.
            let status = match status_for(refusal.code) {
                StatusCode::UNAUTHORIZED => StatusCode::BAD_REQUEST,
                s => s,
            };
            sign_in_form(&view, status, Some(&refusal.message), form.email.trim())
        }
        Err(e) => failed(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
