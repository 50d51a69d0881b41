//! Password hashing: argon2id with at least OWASP's parameters, PHC strings, upgradable.
//!
//! Hashing is CPU- and memory-heavy (19 MiB and ~tens of ms each), so it runs on the blocking
//! pool behind a semaphore: a login flood queues instead of starving the async runtime or
//! exhausting memory. Unknown emails are checked against a dummy hash so they cost the same.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1.
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when the account does not exist.
    dummy: Arc<str>,
}

/// What a verification found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password (or no such account).
    No,
    /// Right password, stored with the current parameters.
    Yes,
    /// Right password, stored with older parameters: store this new hash.
    YesRehash(String),
}

impl PasswordHasher {
    /// `concurrency` bounds simultaneous hashes (memory peak ≈ concurrency × 19 MiB).
    pub fn new(concurrency: usize) -> Result<Self> {
        Self::with_params(MEMORY_KIB, ITERATIONS, PARALLELISM, concurrency)
    }

    pub fn with_params(
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
        concurrency: usize,
    ) -> Result<Self> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
        let mut hasher = Self {
            params,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy: Arc::from(""),
        };
        let dummy = hash_now(&hasher.argon2(), &random_password())?;
        hasher.dummy = Arc::from(dummy);
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a new password into a PHC string.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let argon2 = self.argon2();
        let password = password.to_owned();
        self.blocking(move || hash_now(&argon2, &password)).await
    }

    /// Checks a password against a stored PHC string, or against the dummy hash when `stored`
    /// is `None`, so an unknown account takes as long as a wrong password.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<Verified> {
        let exists = stored.is_some();
        let stored = stored.map_or_else(|| self.dummy.to_string(), str::to_owned);
        let password = password.to_owned();
        let current = self.argon2();
        let params = self.params.clone();
        self.blocking(move || {
            let parsed = PasswordHash::new(&stored)
                .map_err(|e| Error::Internal(format!("stored password hash: {e}")))?;
            // Verify with the parameters the hash was made with.
            if Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_err()
                || !exists
            {
                return Ok(Verified::No);
            }
            let same = parsed.algorithm.as_str() == "argon2id"
                && Params::try_from(&parsed).is_ok_and(|p| {
                    p.m_cost() == params.m_cost()
                        && p.t_cost() == params.t_cost()
                        && p.p_cost() == params.p_cost()
                });
            if same {
                Ok(Verified::Yes)
            } else {
                Ok(Verified::YesRehash(hash_now(&current, &password)?))
            }
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::Internal("password hasher closed".into()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| Error::Internal(format!("password hashing task failed: {e}")))?
    }
}

fn hash_now(argon2: &Argon2<'_>, password: &str) -> Result<String> {
    use rand::RngCore as _;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| Error::Internal(format!("salt: {e}")))?;
    argon2
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing a password: {e}")))
}

fn random_password() -> String {
    crate::auth::token::random_token(24)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> PasswordHasher {
        PasswordHasher::with_params(1024, 1, 1, 2).unwrap()
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_with_owasp_parameters() {
        let h = PasswordHasher::new(1).unwrap();
        let phc = h.hash("correct horse battery").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(
            h.verify("correct horse battery", Some(&phc)).await.unwrap(),
            Verified::Yes
        );
        assert_eq!(
            h.verify("wrong horse battery", Some(&phc)).await.unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        let h = cheap();
        assert_eq!(
            h.verify("anything at all", None).await.unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn old_parameters_are_upgraded_on_a_correct_password() {
        let old = cheap();
        let phc = old.hash("correct horse battery").await.unwrap();
        let current = PasswordHasher::with_params(2048, 2, 1, 2).unwrap();
        match current
            .verify("correct horse battery", Some(&phc))
            .await
            .unwrap()
        {
            Verified::YesRehash(new) => {
                assert!(new.contains("m=2048,t=2,p=1"), "{new}");
                assert_eq!(
                    current
                        .verify("correct horse battery", Some(&new))
                        .await
                        .unwrap(),
                    Verified::Yes
                );
            }
            other => panic!("expected a rehash, got {other:?}"),
        }
        assert_eq!(
            current.verify("wrong", Some(&phc)).await.unwrap(),
            Verified::No
        );
    }
}
