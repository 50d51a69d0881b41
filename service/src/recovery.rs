//! Single-use account tokens sent by mail: password reset and email verification.
//!
//! Tokens are random, stored only as SHA-256 hashes, expire, and are consumed by one atomic
//! conditional UPDATE, so a link works once even if clicked twice at the same moment.

use domain::account::{Email, Password};
use domain::{ApiError, ErrorCode};

use crate::accounts::ClientInfo;
use crate::auth::token::{hash_secret, random_token};
use crate::error::{Error, Result};
use crate::jobs::NewJob;
use crate::mail::{Letter, Message};
use crate::ratelimit::limits;
use crate::services::Services;

const RESET_TTL: &str = "1h";
const VERIFY_TTL: &str = "3d";

#[derive(Clone, Copy)]
enum Kind {
    PasswordReset,
    VerifyEmail,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::VerifyEmail => "verify_email",
        }
    }
}

impl Services {
    /// Issues a token and enqueues the mail carrying it, in one transaction: a token is never
    /// without its mail, nor a mail without its token.
    async fn issue_account_token(
        &self,
        user_id: &str,
        kind: Kind,
        ttl: &str,
        mail: impl FnOnce(&str) -> Message,
    ) -> Result<()> {
        let token = random_token(32);
        let job = mail(&token).job();
        let query = self
            .database()
            .client()
            .query(format!(
                "BEGIN TRANSACTION;\
                 CREATE account_token SET user = type::record('user', $uid), kind = $kind, token_hash = $hash, \
                 expires_at = time::now() + <duration> $ttl;\
                 {}\
                 COMMIT TRANSACTION;",
                NewJob::statement(0)
            ))
            .bind(("uid", user_id.to_owned()))
            .bind(("kind", kind.as_str()))
            .bind(("hash", hash_secret(&token)))
            .bind(("ttl", ttl.to_owned()));
        job.bind(0, query).transaction().await?;
        self.jobs_queue().wake();
        Ok(())
    }

    /// Consumes a token: the user it was for, or `invalid_token` when unknown, used or expired.
    async fn consume_account_token(&self, token: &str, kind: Kind) -> Result<String> {
        let mut res = self
            .database()
            .client()
            .query(
                "UPDATE account_token SET used_at = time::now() \
                 WHERE token_hash = $hash AND kind = $kind AND used_at = NONE AND expires_at > time::now() \
                 RETURN VALUE record::id(user)",
            )
            .bind(("hash", hash_secret(token)))
            .bind(("kind", kind.as_str()))
            .await?
            .check()?;
        let users: Vec<String> = res.take(0)?;
        users.into_iter().next().ok_or_else(|| {
            Error::client(
                ErrorCode::InvalidToken,
                "This link is invalid or has expired. Ask for a new one.",
            )
        })
    }

    /// Sends the "confirm your email" mail for a new account.
    pub(crate) async fn send_email_verification(
        &self,
        user_id: &str,
        email: &str,
        name: &str,
    ) -> Result<()> {
        let url = self.public_url().to_owned();
        self.issue_account_token(user_id, Kind::VerifyEmail, VERIFY_TTL, |token| {
            Letter::new(Kind::VerifyEmail.as_str(), email, "Confirm your email for Task Manager")
                .text(format!("Hello {name},"))
                .text("Please confirm your email address.")
                .action("Confirm my email", format!("{url}/verify-email?token={token}"))
                .small("The link works once and expires in 3 days. If you did not sign up, ignore this mail.")
                .message()
        })
        .await
    }

    /// `POST /auth/verify-email`.
    pub async fn verify_email(&self, token: &str) -> Result<()> {
        let user = self.consume_account_token(token, Kind::VerifyEmail).await?;
        self.database()
            .client()
            .query("UPDATE type::record('user', $uid) SET email_verified_at = time::now()")
            .bind(("uid", user))
            .await?
            .check()?;
        Ok(())
    }

    /// `POST /auth/password-reset`: always succeeds for the caller (no account enumeration); an
    /// account that exists gets a single-use link valid for an hour.
    pub async fn request_password_reset(&self, email: &str, client: &ClientInfo) -> Result<()> {
        self.limit_ip(&limits::PASSWORD_RESET_PER_IP, client)
            .await?;
        let Ok(email) = Email::parse(email) else {
            return Ok(());
        };
        self.limit(&limits::PASSWORD_RESET_PER_ACCOUNT, email.as_str())
            .await?;
        let Some(user) = self.user_by_email(&email).await? else {
            return Ok(());
        };
        let url = self.public_url().to_owned();
        self.issue_account_token(&user.id, Kind::PasswordReset, RESET_TTL, |token| {
            Letter::new(Kind::PasswordReset.as_str(), &user.email, "Reset your Task Manager password")
                .text(format!("Hello {},", user.name))
                .text("Someone (hopefully you) asked to reset your password. Choose a new one here.")
                .action("Choose a new password", format!("{url}/reset-password?token={token}"))
                .small("The link works once and expires in an hour. If you did not ask, ignore this mail: your password stays as it is.")
                .message()
        })
        .await
    }

    /// `POST /auth/password-reset/confirm`: sets the new password and signs out every session.
    pub async fn confirm_password_reset(&self, token: &str, password: &str) -> Result<()> {
        let password = Password::parse(password).map_err(|why| {
            Error::Client(ApiError::validation(
                [("password".to_owned(), why.to_owned())]
                    .into_iter()
                    .collect(),
            ))
        })?;
        let user = self
            .consume_account_token(token, Kind::PasswordReset)
            .await?;
        let hash = self.passwords().hash(password.expose()).await?;
        self.database()
            .client()
            .query(
                "BEGIN TRANSACTION;\
                 UPDATE type::record('user', $uid) SET password_hash = $hash, updated_at = time::now();\
                 UPDATE session SET revoked_at = time::now() WHERE user = type::record('user', $uid) AND revoked_at = NONE;\
                 UPDATE account_token SET used_at = time::now() WHERE user = type::record('user', $uid) AND kind = 'password_reset' AND used_at = NONE;\
                 COMMIT TRANSACTION;",
            )
            .bind(("uid", user.clone()))
            .bind(("hash", hash))
            .transaction()
            .await?;
        // Their sockets close and every instance stops trusting what it remembered of them.
        self.hub().sessions_changed(&user);
        tracing::info!(user = %user, "password reset; every session signed out");
        Ok(())
    }
}
