//! Accounts and sessions: register, log in, refresh (rotating, with theft detection), log out,
//! change password, sessions and personal API tokens. Every rule about who may do what with an
//! account lives here; the web edge only moves bytes.

use domain::account::{
    ApiTokenView, ChangePasswordRequest, CreateTokenRequest, CreatedToken, Email, LoginRequest,
    Password, RegisterRequest, Scope, SessionView, UserView,
};
use domain::ErrorCode;
use surrealdb::types::SurrealValue;

use crate::auth::password::Verified;
use crate::auth::token::{hash_secret, now, random_token, ACCESS_TTL_SECONDS};
use crate::error::{Error, Result};
use crate::ratelimit::{limits, Decision, Limit};
use crate::services::Services;

/// A refresh token (and its session) lives 30 days without use.
pub const REFRESH_TTL_SECONDS: u64 = 30 * 24 * 3600;
/// Personal API tokens carry this prefix, so they are recognisable (and scannable) in leaks.
pub const API_TOKEN_PREFIX: &str = "tmpat_";

/// Who is asking, as far as the network tells.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    /// The session (refresh family) for browser/app logins; `None` for API tokens.
    pub session_id: Option<String>,
    /// API tokens without the `write` scope may only read.
    pub can_write: bool,
}

impl Caller {
    pub fn require_write(&self) -> Result<()> {
        if self.can_write {
            Ok(())
        } else {
            Err(Error::client(
                ErrorCode::Forbidden,
                "This token may only read.",
            ))
        }
    }
}

/// What a successful register, login or refresh hands back.
#[derive(Clone, Debug)]
pub struct IssuedSession {
    pub user: UserView,
    pub access_token: String,
    pub expires_in: u64,
    /// The opaque refresh token; the edge puts it in an HttpOnly cookie.
    pub refresh_token: String,
    pub session_id: String,
}

#[derive(Debug, SurrealValue)]
pub(crate) struct UserRow {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) password_hash: String,
    pub(crate) created_at: String,
    pub(crate) time_zone: Option<String>,
    pub(crate) email_reminders: Option<bool>,
    pub(crate) digest: Option<bool>,
    pub(crate) locale: Option<String>,
}

impl UserRow {
    pub(crate) fn view(&self) -> UserView {
        UserView {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            created_at: self.created_at.clone(),
            time_zone: self.time_zone.clone().unwrap_or_else(|| "UTC".to_owned()),
            email_reminders: self.email_reminders.unwrap_or(true),
            digest: self.digest.unwrap_or(false),
            locale: self
                .locale
                .as_deref()
                .and_then(domain::Locale::parse)
                .unwrap_or_default(),
        }
    }
}

const USER_FIELDS: &str = "record::id(id) AS id, email, name, password_hash, \
     <string> created_at AS created_at, time_zone, email_reminders, digest, locale";

#[derive(Debug, SurrealValue)]
struct RefreshRow {
    id: String,
    session: String,
    used: bool,
    session_revoked: bool,
    session_expired: bool,
    user: String,
}

/// How long a positive session check is trusted without a `Sessions` notice. Revocations
/// announce themselves to every instance, so this only bounds how long one whose notice was
/// lost (Redis down) goes unnoticed by another instance's HTTP requests.
const SESSION_CHECK_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// A session found live, and when (`Services::authenticate`).
#[derive(Clone)]
pub(crate) struct SessionCheck {
    user_id: String,
    /// `Hub::sessions_generation` read before the check.
    generation: u64,
    at: std::time::Instant,
}

/// Positive session checks by session id.
pub(crate) type SessionChecks = quick_cache::sync::Cache<String, SessionCheck>;

impl Services {
    pub(crate) async fn limit(&self, limit: &Limit, subject: &str) -> Result<()> {
        match self.rate_limiter().check(limit, subject).await {
            Decision::Allowed => Ok(()),
            Decision::Limited { retry_after } => Err(Error::RateLimited {
                retry_after_secs: retry_after.as_secs().max(1),
            }),
        }
    }

    pub(crate) async fn limit_ip(&self, limit: &Limit, client: &ClientInfo) -> Result<()> {
        self.limit(limit, client.ip.as_deref().unwrap_or("unknown"))
            .await
    }

    /// Creates an account and signs it in.
    #[tracing::instrument(skip_all)]
    pub async fn register(
        &self,
        req: &RegisterRequest,
        client: &ClientInfo,
    ) -> Result<IssuedSession> {
        let reg = req.parse().map_err(Error::Client)?;
        self.limit_ip(&limits::REGISTER_PER_IP, client).await?;
        let hash = self.passwords().hash(reg.password.expose()).await?;
        let id = new_id();
        let result = self
            .database()
            .client()
            .query(format!(
                "CREATE type::record('user', $id) SET email = $email, name = $name, password_hash = $hash, \
                 locale = $locale RETURN {USER_FIELDS}"
            ))
            .bind(("id", id))
            .bind(("email", reg.email.as_str().to_owned()))
            .bind(("name", reg.name.as_str().to_owned()))
            .bind(("hash", hash))
            .bind(("locale", reg.locale.tag().to_owned()))
            .await?
            .check();
        let mut response = match result {
            Ok(r) => r,
            Err(e) if e.to_string().contains("user_email_unique") || e.is_already_exists() => {
                return Err(Error::client(
                    ErrorCode::EmailTaken,
                    "An account with this email already exists.",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let user: Option<UserRow> = response.take(0)?;
        let user = user.ok_or_else(|| Error::Internal("CREATE user returned nothing".into()))?;
        tracing::info!(user = %user.id, "account created");
        self.send_email_verification(&user.id, &user.email, &user.name)
            .await?;
        self.start_session(&user, client).await
    }

    /// Checks an email/password pair. Unknown emails cost the same as wrong passwords and answer
    /// the same error.
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, req: &LoginRequest, client: &ClientInfo) -> Result<IssuedSession> {
        self.limit_ip(&limits::LOGIN_PER_IP, client).await?;
        let email = Email::parse(&req.email).ok();
        if let Some(email) = &email {
            self.limit(&limits::LOGIN_PER_ACCOUNT, email.as_str())
                .await?;
        }
        let user = match &email {
            Some(email) => self.user_by_email(email).await?,
            None => None,
        };
        // Over-long input is refused after the same amount of work as a wrong password.
        let password_ok = Password::parse(&req.password).is_ok();
        let verdict = self
            .passwords()
            .verify(
                &req.password,
                user.as_ref().map(|u| u.password_hash.as_str()),
            )
            .await?;
        let user = match (user, verdict, password_ok) {
            (Some(user), Verified::Yes, true) => user,
            (Some(user), Verified::YesRehash(new_hash), true) => {
                self.database()
                    .client()
                    .query("UPDATE type::record('user', $id) SET password_hash = $hash, updated_at = time::now()")
                    .bind(("id", user.id.clone()))
                    .bind(("hash", new_hash))
                    .await?
                    .check()?;
                tracing::info!(user = %user.id, "password hash upgraded to current parameters");
                user
            }
            _ => return Err(invalid_credentials()),
        };
        self.start_session(&user, client).await
    }

    pub(crate) async fn user_by_email(&self, email: &Email) -> Result<Option<UserRow>> {
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT {USER_FIELDS} FROM user WHERE email = $email LIMIT 1"
            ))
            .bind(("email", email.as_str().to_owned()))
            .await?
            .check()?;
        Ok(res.take(0)?)
    }

    pub(crate) async fn user_by_id(&self, id: &str) -> Result<Option<UserRow>> {
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT {USER_FIELDS} FROM ONLY type::record('user', $id)"
            ))
            .bind(("id", id.to_owned()))
            .await?
            .check()?;
        Ok(res.take(0)?)
    }

    async fn start_session(&self, user: &UserRow, client: &ClientInfo) -> Result<IssuedSession> {
        let session_id = new_id();
        let refresh = random_token(32);
        self.database()
            .client()
            .query(
                "BEGIN TRANSACTION;\
                 CREATE type::record('session', $sid) SET user = type::record('user', $uid), \
                   expires_at = time::now() + <duration> $ttl, user_agent = $ua;\
                 CREATE refresh_token SET session = type::record('session', $sid), token_hash = $hash;\
                 COMMIT TRANSACTION;",
            )
            .bind(("sid", session_id.clone()))
            .bind(("uid", user.id.clone()))
            .bind(("ttl", format!("{REFRESH_TTL_SECONDS}s")))
            .bind(("ua", client.user_agent.as_deref().map(|s| s.chars().take(300).collect::<String>())))
            .bind(("hash", hash_secret(&refresh)))
            .transaction()
            .await?;
        Ok(IssuedSession {
            user: user.view(),
            access_token: self.access_tokens().issue(&user.id, &session_id)?,
            expires_in: ACCESS_TTL_SECONDS,
            refresh_token: refresh,
            session_id,
        })
    }

    /// Rotates a refresh token. Presenting one that was already rotated revokes its whole
    /// family: either it was stolen or the real owner's copy was, and both must sign in again.
    #[tracing::instrument(skip_all)]
    pub async fn refresh(&self, refresh_token: &str, client: &ClientInfo) -> Result<IssuedSession> {
        self.limit_ip(&limits::REFRESH_PER_IP, client).await?;
        let hash = hash_secret(refresh_token);
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, record::id(session) AS session, used_at != NONE AS used, \
                   session.revoked_at != NONE AS session_revoked, session.expires_at < time::now() AS session_expired, \
                   record::id(session.user) AS user \
                 FROM refresh_token WHERE token_hash = $hash LIMIT 1",
            )
            .bind(("hash", hash))
            .await?
            .check()?;
        let row: Option<RefreshRow> = res.take(0)?;
        let Some(row) = row else {
            return Err(unauthenticated());
        };
        if row.session_revoked || row.session_expired {
            return Err(unauthenticated());
        }
        if row.used {
            tracing::warn!(session = %row.session, user = %row.user, "a rotated refresh token was reused; revoking its family");
            self.revoke_session_record(&row.session).await?;
            return Err(unauthenticated());
        }
        // Mark used only if still unused, in one statement (atomic): of two concurrent refreshes
        // with one token, exactly one wins; the other is treated as reuse.
        let mut res = self
            .database()
            .client()
            .query(
                "UPDATE type::record('refresh_token', $rid) SET used_at = time::now() WHERE used_at = NONE \
                 RETURN VALUE record::id(id)",
            )
            .bind(("rid", row.id.clone()))
            .await?
            .check()?;
        let won: Vec<String> = res.take(0)?;
        if won.is_empty() {
            tracing::warn!(session = %row.session, "a refresh token was used twice at once; revoking its family");
            self.revoke_session_record(&row.session).await?;
            return Err(unauthenticated());
        }
        let new_refresh = random_token(32);
        self.database()
            .client()
            .query(
                "BEGIN TRANSACTION;\
                 CREATE refresh_token SET session = type::record('session', $sid), token_hash = $hash;\
                 UPDATE type::record('session', $sid) SET last_used_at = time::now(), expires_at = time::now() + <duration> $ttl;\
                 COMMIT TRANSACTION;",
            )
            .bind(("sid", row.session.clone()))
            .bind(("hash", hash_secret(&new_refresh)))
            .bind(("ttl", format!("{REFRESH_TTL_SECONDS}s")))
            .transaction()
            .await?;
        let user = self
            .user_by_id(&row.user)
            .await?
            .ok_or_else(unauthenticated)?;
        Ok(IssuedSession {
            user: user.view(),
            access_token: self.access_tokens().issue(&user.id, &row.session)?,
            expires_in: ACCESS_TTL_SECONDS,
            refresh_token: new_refresh,
            session_id: row.session,
        })
    }

    async fn revoke_session_record(&self, session_id: &str) -> Result<()> {
        let mut res = self
            .database()
            .client()
            .query("UPDATE type::record('session', $sid) SET revoked_at = time::now() WHERE revoked_at = NONE RETURN VALUE record::id(user)")
            .bind(("sid", session_id.to_owned()))
            .await?
            .check()?;
        let users: Vec<String> = res.take(0)?;
        self.sessions_changed(&users);
        Ok(())
    }

    /// Tells every instance that these users' sessions changed: their sockets re-check.
    fn sessions_changed(&self, users: &[String]) {
        for user in users.iter().collect::<std::collections::BTreeSet<_>>() {
            self.hub().sessions_changed(user);
        }
    }

    /// Whether the caller's session (if it has one) is still valid: not revoked, not expired,
    /// its user not deleted. Sockets check this when told sessions changed, and now and then.
    pub async fn session_live(&self, caller: &Caller) -> Result<bool> {
        let Some(sid) = &caller.session_id else {
            return Ok(true);
        };
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT VALUE revoked_at = NONE AND expires_at > time::now() AND user.id != NONE \
                 FROM ONLY type::record('session', $sid) WHERE user = type::record('user', $uid)",
            )
            .bind(("sid", sid.clone()))
            .bind(("uid", caller.user_id.clone()))
            .await?
            .check()?;
        let live: Option<bool> = res.take(0)?;
        Ok(live == Some(true))
    }

    /// Logs out: revokes the session of the refresh token (if any) and of the caller (if any).
    pub async fn logout(&self, refresh_token: Option<&str>, caller: Option<&Caller>) -> Result<()> {
        if let Some(token) = refresh_token {
            let mut res = self
                .database()
                .client()
                .query("UPDATE session SET revoked_at = time::now() WHERE id IN (SELECT VALUE session FROM refresh_token WHERE token_hash = $hash) AND revoked_at = NONE RETURN VALUE record::id(user)")
                .bind(("hash", hash_secret(token)))
                .await?
                .check()?;
            let users: Vec<String> = res.take(0)?;
            self.sessions_changed(&users);
        }
        if let Some(sid) = caller.and_then(|c| c.session_id.as_deref()) {
            self.revoke_session_record(sid).await?;
        }
        Ok(())
    }

    /// Resolves a bearer credential: an access token (JWT) or a personal API token.
    pub async fn authenticate(&self, credential: &str) -> Result<Caller> {
        if let Some(secret) = credential.strip_prefix(API_TOKEN_PREFIX) {
            return self.authenticate_api_token(secret).await;
        }
        let claims = self
            .access_tokens()
            .verify(credential)
            .ok_or_else(unauthenticated)?;
        // The user must still exist and the session must not be revoked: revocation and account
        // deletion take effect at once, not when the token expires. A positive check is
        // remembered for `SESSION_CHECK_FOR` unless a `Sessions` notice arrives first (every
        // revocation sends one, to every instance): one database round trip less per request.
        let generation = self.hub().sessions_generation();
        if let Some(check) = self.session_checks().get(&claims.sid) {
            if check.user_id == claims.sub
                && check.generation == generation
                && check.at.elapsed() < SESSION_CHECK_FOR
            {
                return Ok(Caller {
                    user_id: claims.sub,
                    session_id: Some(claims.sid),
                    can_write: true,
                });
            }
        }
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT VALUE revoked_at = NONE AND user.id != NONE FROM ONLY type::record('session', $sid) \
                 WHERE user = type::record('user', $uid)",
            )
            .bind(("sid", claims.sid.clone()))
            .bind(("uid", claims.sub.clone()))
            .await?
            .check()?;
        let live: Option<bool> = res.take(0)?;
        if live != Some(true) {
            self.session_checks().remove(&claims.sid);
            return Err(unauthenticated());
        }
        // Remembered as of the generation read before the check: a revocation heard meanwhile
        // makes it stale at once.
        self.session_checks().insert(
            claims.sid.clone(),
            SessionCheck {
                user_id: claims.sub.clone(),
                generation,
                at: std::time::Instant::now(),
            },
        );
        Ok(Caller {
            user_id: claims.sub,
            session_id: Some(claims.sid),
            can_write: true,
        })
    }

    async fn authenticate_api_token(&self, secret: &str) -> Result<Caller> {
        #[derive(Debug, SurrealValue)]
        struct Row {
            id: String,
            user: String,
            scopes: Vec<String>,
            live: bool,
        }
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, record::id(user) AS user, scopes, \
                   (expires_at = NONE OR expires_at > time::now()) AND user.id != NONE AS live \
                 FROM api_token WHERE token_hash = $hash LIMIT 1",
            )
            .bind(("hash", hash_secret(&format!("{API_TOKEN_PREFIX}{secret}"))))
            .await?
            .check()?;
        let row: Option<Row> = res.take(0)?;
        let row = row.filter(|r| r.live).ok_or_else(unauthenticated)?;
        // Best effort: knowing when a token was last used helps people prune old ones.
        let _ = self
            .database()
            .client()
            .query("UPDATE type::record('api_token', $id) SET last_used_at = time::now()")
            .bind(("id", row.id.clone()))
            .await;
        Ok(Caller {
            user_id: row.user,
            session_id: None,
            can_write: row.scopes.iter().any(|s| s == "write"),
        })
    }

    /// Deletes the caller's account with its sessions and tokens, after leaving every workspace
    /// (see `leave_all_workspaces`). Irreversible.
    pub async fn delete_account(&self, caller: &Caller) -> Result<()> {
        caller.require_write()?;
        self.leave_all_workspaces(caller).await?;
        self.database()
            .client()
            .query(
                "BEGIN TRANSACTION;\
                 LET $u = type::record('user', $uid);\
                 DELETE refresh_token WHERE session.user = $u;\
                 DELETE session WHERE user = $u;\
                 DELETE api_token WHERE user = $u;\
                 DELETE $u;\
                 COMMIT TRANSACTION;",
            )
            .bind(("uid", caller.user_id.clone()))
            .transaction()
            .await?;
        self.sessions_changed(std::slice::from_ref(&caller.user_id));
        tracing::info!(user = %caller.user_id, "account deleted");
        Ok(())
    }

    pub async fn me(&self, caller: &Caller) -> Result<UserView> {
        Ok(self
            .user_by_id(&caller.user_id)
            .await?
            .ok_or_else(unauthenticated)?
            .view())
    }

    /// Changes the caller's name and preferences. A new time zone or digest choice reschedules
    /// the digest in the same transaction.
    pub async fn update_profile(
        &self,
        caller: &Caller,
        req: &domain::account::UpdateProfileRequest,
    ) -> Result<UserView> {
        caller.require_write()?;
        let mut fields = std::collections::BTreeMap::new();
        let name = match &req.name {
            Some(raw) => match domain::account::DisplayName::parse(raw) {
                Ok(n) => Some(n.as_str().to_owned()),
                Err(why) => {
                    fields.insert("name".to_owned(), why.to_owned());
                    None
                }
            },
            None => None,
        };
        if let Some(tz) = &req.time_zone {
            if crate::reminders::parse_zone(tz).is_none() {
                fields.insert(
                    "time_zone".to_owned(),
                    "is not a time zone name (like Europe/Paris or UTC)".to_owned(),
                );
            }
        }
        let locale = match req.locale.as_deref() {
            Some(raw) => match domain::Locale::parse(raw) {
                Some(l) => Some(l.tag().to_owned()),
                None => {
                    fields.insert(
                        "locale".to_owned(),
                        "is not a language of this app (en or de)".to_owned(),
                    );
                    None
                }
            },
            None => None,
        };
        if !fields.is_empty() {
            return Err(Error::validation(fields));
        }
        let current = self
            .user_by_id(&caller.user_id)
            .await?
            .ok_or_else(unauthenticated)?
            .view();
        let zone = req.time_zone.clone().unwrap_or(current.time_zone.clone());
        let digest = req.digest.unwrap_or(current.digest);
        let reschedule = req.time_zone.is_some() || req.digest.is_some();
        let mut followups = crate::notifications::Followups::default();
        if reschedule {
            followups.cancel.push((
                crate::jobs::kinds::DIGEST.name,
                format!("user:{}", caller.user_id),
            ));
            if digest {
                followups.jobs.push(crate::reminders::digest_job(
                    &caller.user_id,
                    &zone,
                    chrono::Utc::now(),
                ));
            }
        }
        let query = self
            .database()
            .client()
            .query(format!(
                "BEGIN TRANSACTION;\n\
                 UPDATE type::record('user', $uid) SET \
                   name = IF $name = NONE {{ name }} ELSE {{ $name }}, \
                   time_zone = $zone, digest = $digest, \
                   email_reminders = IF $reminders = NONE {{ email_reminders }} ELSE {{ $reminders }}, \
                   locale = IF $locale = NONE {{ locale }} ELSE {{ $locale }}, \
                   updated_at = time::now();\n{}\nCOMMIT TRANSACTION;",
                followups.sql()
            ))
            .bind(("uid", caller.user_id.clone()))
            .bind(("name", name))
            .bind(("zone", zone))
            .bind(("digest", digest))
            .bind(("reminders", req.email_reminders))
            .bind(("locale", locale));
        followups.bind(query).transaction().await?;
        self.followed_up(&followups);
        self.me(caller).await
    }

    /// Changes the password after checking the current one; every other session is signed out.
    pub async fn change_password(
        &self,
        caller: &Caller,
        req: &ChangePasswordRequest,
    ) -> Result<()> {
        caller.require_write()?;
        let new = Password::parse(&req.new_password).map_err(|why| {
            Error::Client(domain::ApiError::validation(
                [("new_password".to_owned(), why.to_owned())]
                    .into_iter()
                    .collect(),
            ))
        })?;
        self.limit(&limits::LOGIN_PER_ACCOUNT, &caller.user_id)
            .await?;
        let user = self
            .user_by_id(&caller.user_id)
            .await?
            .ok_or_else(unauthenticated)?;
        match self
            .passwords()
            .verify(&req.current_password, Some(&user.password_hash))
            .await?
        {
            Verified::Yes | Verified::YesRehash(_) => {}
            Verified::No => {
                return Err(Error::Client(domain::ApiError {
                    code: ErrorCode::ValidationFailed,
                    message: "The current password is not right.".into(),
                    fields: Some(
                        [("current_password".to_owned(), "is not right".to_owned())]
                            .into_iter()
                            .collect(),
                    ),
                }))
            }
        }
        let hash = self.passwords().hash(new.expose()).await?;
        self.database()
            .client()
            .query(
                "BEGIN TRANSACTION;\
                 UPDATE type::record('user', $uid) SET password_hash = $hash, updated_at = time::now();\
                 UPDATE session SET revoked_at = time::now() WHERE user = type::record('user', $uid) AND revoked_at = NONE AND record::id(id) != $keep;\
                 COMMIT TRANSACTION;",
            )
            .bind(("uid", caller.user_id.clone()))
            .bind(("hash", hash))
            .bind(("keep", caller.session_id.clone().unwrap_or_default()))
            .transaction()
            .await?;
        self.sessions_changed(std::slice::from_ref(&caller.user_id));
        Ok(())
    }

    pub async fn list_sessions(&self, caller: &Caller) -> Result<Vec<SessionView>> {
        #[derive(Debug, SurrealValue)]
        struct Row {
            id: String,
            created_at: String,
            last_used_at: String,
            user_agent: Option<String>,
        }
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, <string> created_at AS created_at, <string> last_used_at AS last_used_at, user_agent \
                 FROM session WHERE user = type::record('user', $uid) AND revoked_at = NONE AND expires_at > time::now() \
                 ORDER BY last_used_at DESC",
            )
            .bind(("uid", caller.user_id.clone()))
            .await?
            .check()?;
        let rows: Vec<Row> = res.take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| SessionView {
                current: caller.session_id.as_deref() == Some(r.id.as_str()),
                id: r.id,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
                user_agent: r.user_agent,
            })
            .collect())
    }

    /// Revokes one of the caller's sessions, or all of them ("sign out everywhere") with `None`.
    pub async fn revoke_sessions(&self, caller: &Caller, session_id: Option<&str>) -> Result<()> {
        caller.require_write()?;
        let mut res = self
            .database()
            .client()
            .query(
                "UPDATE session SET revoked_at = time::now() \
                 WHERE user = type::record('user', $uid) AND revoked_at = NONE AND ($sid = NONE OR record::id(id) = $sid) \
                 RETURN VALUE record::id(id)",
            )
            .bind(("uid", caller.user_id.clone()))
            .bind(("sid", session_id.map(str::to_owned)))
            .await?
            .check()?;
        let revoked: Vec<String> = res.take(0)?;
        if session_id.is_some() && revoked.is_empty() {
            return Err(Error::not_found("Session"));
        }
        self.sessions_changed(std::slice::from_ref(&caller.user_id));
        Ok(())
    }

    pub async fn create_api_token(
        &self,
        caller: &Caller,
        req: &CreateTokenRequest,
    ) -> Result<CreatedToken> {
        caller.require_write()?;
        let mut fields = std::collections::BTreeMap::new();
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            fields.insert("name".to_owned(), "must be 1 to 100 characters".to_owned());
        }
        if req.scopes.is_empty() {
            fields.insert(
                "scopes".to_owned(),
                "must include read and/or write".to_owned(),
            );
        }
        let expires_at = match req.expires_at.as_deref() {
            None => None,
            Some(s) => match chrono::DateTime::parse_from_rfc3339(s) {
                Ok(t) if t.timestamp() > i64::try_from(now()).unwrap_or(i64::MAX) => Some(
                    t.with_timezone(&chrono::Utc)
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ),
                Ok(_) => {
                    fields.insert("expires_at".to_owned(), "must be in the future".to_owned());
                    None
                }
                Err(_) => {
                    fields.insert(
                        "expires_at".to_owned(),
                        "must be an RFC 3339 time".to_owned(),
                    );
                    None
                }
            },
        };
        if !fields.is_empty() {
            return Err(Error::validation(fields));
        }
        let mut scopes: Vec<Scope> = req.scopes.clone();
        scopes.sort();
        scopes.dedup();
        let scope_names: Vec<String> = scopes
            .iter()
            .map(|s| match s {
                Scope::Read => "read".to_owned(),
                Scope::Write => "write".to_owned(),
            })
            .collect();
        let token = format!("{API_TOKEN_PREFIX}{}", random_token(32));
        let id = new_id();
        self.database()
            .client()
            .query(
                "CREATE type::record('api_token', $id) SET user = type::record('user', $uid), name = $name, \
                 token_hash = $hash, scopes = $scopes, expires_at = IF $exp = NONE { NONE } ELSE { <datetime> $exp }",
            )
            .bind(("id", id.clone()))
            .bind(("uid", caller.user_id.clone()))
            .bind(("name", name.to_owned()))
            .bind(("hash", hash_secret(&token)))
            .bind(("scopes", scope_names))
            .bind(("exp", expires_at.clone()))
            .await?
            .check()?;
        Ok(CreatedToken {
            id,
            name: name.to_owned(),
            token,
            scopes,
            expires_at,
        })
    }

    pub async fn list_api_tokens(&self, caller: &Caller) -> Result<Vec<ApiTokenView>> {
        #[derive(Debug, SurrealValue)]
        struct Row {
            id: String,
            name: String,
            scopes: Vec<String>,
            created_at: String,
            expires_at: Option<String>,
            last_used_at: Option<String>,
        }
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, name, scopes, <string> created_at AS created_at, \
                   IF expires_at = NONE { NONE } ELSE { <string> expires_at } AS expires_at, \
                   IF last_used_at = NONE { NONE } ELSE { <string> last_used_at } AS last_used_at \
                 FROM api_token WHERE user = type::record('user', $uid) ORDER BY created_at DESC",
            )
            .bind(("uid", caller.user_id.clone()))
            .await?
            .check()?;
        let rows: Vec<Row> = res.take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenView {
                id: r.id,
                name: r.name,
                scopes: r
                    .scopes
                    .iter()
                    .filter_map(|s| match s.as_str() {
                        "read" => Some(Scope::Read),
                        "write" => Some(Scope::Write),
                        _ => None,
                    })
                    .collect(),
                created_at: r.created_at,
                expires_at: r.expires_at,
                last_used_at: r.last_used_at,
            })
            .collect())
    }

    pub async fn delete_api_token(&self, caller: &Caller, id: &str) -> Result<()> {
        caller.require_write()?;
        let mut res = self
            .database()
            .client()
            .query("DELETE api_token WHERE user = type::record('user', $uid) AND record::id(id) = $id RETURN BEFORE")
            .bind(("uid", caller.user_id.clone()))
            .bind(("id", id.to_owned()))
            .await?
            .check()?;
        let deleted: Vec<surrealdb::types::Value> = res.take(0)?;
        if deleted.is_empty() {
            return Err(Error::not_found("Token"));
        }
        Ok(())
    }
}

fn unauthenticated() -> Error {
    Error::client(ErrorCode::Unauthenticated, "Sign in to continue.")
}

fn invalid_credentials() -> Error {
    Error::client(
        ErrorCode::InvalidCredentials,
        "The email or password is not right.",
    )
}

/// Record keys: 20 random base32-ish characters, URL-safe and unguessable.
pub(crate) fn new_id() -> String {
    random_token(15).replace(['-', '_'], "x").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn services() -> Services {
        crate::services::test_services(Default::default(), None).await
    }

    #[tokio::test]
    async fn refresh_rotates_and_detects_reuse() {
        let s = services().await;
        let client = ClientInfo::default();
        let req = RegisterRequest {
            email: "a@example.com".into(),
            password: "password1".into(),
            name: "A".into(),
            locale: None,
        };
        let issued = s.register(&req, &client).await.unwrap();
        let mut res = s
            .database()
            .client()
            .query("SELECT VALUE used_at FROM refresh_token")
            .await
            .unwrap();
        let used: Vec<Option<String>> = res.take(0).unwrap();
        assert_eq!(
            used,
            vec![None],
            "one unused refresh token after registering"
        );
        let next = s.refresh(&issued.refresh_token, &client).await.unwrap();
        assert_ne!(next.refresh_token, issued.refresh_token);
        assert!(s.refresh(&issued.refresh_token, &client).await.is_err());
        assert!(
            s.refresh(&next.refresh_token, &client).await.is_err(),
            "the family is revoked"
        );
    }

    /// Positive session checks are remembered, and a `Sessions` notice (what every revocation
    /// sends, to every instance) makes this process check again at once.
    #[tokio::test]
    async fn a_remembered_session_check_yields_to_a_sessions_notice() {
        let s = services().await;
        let (caller, issued) = crate::services::test_user(&s, "b@example.com").await;
        let sid = caller.session_id.clone().unwrap();
        assert!(
            s.session_checks().get(&sid).is_some(),
            "the positive check is remembered"
        );
        // Another instance revokes the session: the row changes, and its notice arrives.
        s.database()
            .client()
            .query("UPDATE type::record('session', $sid) SET revoked_at = time::now()")
            .bind(("sid", sid.clone()))
            .await
            .unwrap()
            .check()
            .unwrap();
        s.hub().sessions_changed(&caller.user_id);
        assert!(
            s.authenticate(&issued.access_token).await.is_err(),
            "the revoked session is refused at once"
        );
        assert!(
            s.session_checks().get(&sid).is_none(),
            "a refused session is forgotten"
        );
    }

    /// Logging out refuses the session's access token at once, though its check was remembered.
    #[tokio::test]
    async fn logging_out_refuses_the_access_token_at_once() {
        let s = services().await;
        let (caller, issued) = crate::services::test_user(&s, "c@example.com").await;
        s.authenticate(&issued.access_token).await.unwrap();
        s.logout(None, Some(&caller)).await.unwrap();
        assert!(s.authenticate(&issued.access_token).await.is_err());
    }
}
