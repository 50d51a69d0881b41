//! Password hashing: argon2id with at least OWASP's parameters, PHC strings, upgradable.
//!
//! Hashing is CPU- and memory-heavy (19 MiB and ~15 ms each), so it runs on a small pool of
//! dedicated threads (`concurrency` of them), never on the async runtime: a login flood queues
//! instead of starving other requests. Dedicated threads also bound memory: the allocator keeps
//! a freed 19 MiB block per thread that used it, so tokio's blocking pool (hundreds of threads)
//! measured +329 MiB peak under 32 concurrent logins. Unknown emails are checked against a
//! dummy hash so they cost the same.

use std::cell::RefCell;
use std::sync::{mpsc, Arc, Mutex};

use argon2::password_hash::{Output, PasswordHash, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;

use crate::error::{Error, Result};

/// OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1.
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    pool: Arc<HashPool>,
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
        let pool = HashPool::new(concurrency.max(1))?;
        // The dummy is a real hash, made on a hashing thread like every other.
        let (tx, rx) = mpsc::channel();
        let dummy_params = params.clone();
        pool.run(Box::new(move || {
            let _ = tx.send(hash_now(&dummy_params, &random_password()));
        }))?;
        let dummy = rx
            .recv()
            .map_err(|_| Error::Internal("password hashing thread failed".into()))??;
        Ok(Self {
            params,
            pool: Arc::new(pool),
            dummy: Arc::from(dummy),
        })
    }

    /// Hashes a new password into a PHC string.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.blocking(move || hash_now(&params, &password)).await
    }

    /// Checks a password against a stored PHC string, or against the dummy hash when `stored`
    /// is `None`, so an unknown account takes as long as a wrong password.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<Verified> {
        let exists = stored.is_some();
        let stored = stored.map_or_else(|| self.dummy.to_string(), str::to_owned);
        let password = password.to_owned();
        let params = self.params.clone();
        self.blocking(move || {
            // Verify with the parameters the hash was made with.
            if !verify_now(&stored, &password)? || !exists {
                return Ok(Verified::No);
            }
            let parsed = PasswordHash::new(&stored)
                .map_err(|e| Error::Internal(format!("stored password hash: {e}")))?;
            let same = parsed.algorithm.as_str() == "argon2id"
                && Params::try_from(&parsed).is_ok_and(|p| {
                    p.m_cost() == params.m_cost()
                        && p.t_cost() == params.t_cost()
                        && p.p_cost() == params.p_cost()
                });
            if same {
                Ok(Verified::Yes)
            } else {
                Ok(Verified::YesRehash(hash_now(&params, &password)?))
            }
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.pool.run(Box::new(move || {
            let _ = reply.send(f());
        }))?;
        answer
            .await
            .map_err(|_| Error::Internal("password hashing thread failed".into()))?
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// `n` threads taking hashing jobs from one queue.
struct HashPool {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl HashPool {
    fn new(n: usize) -> Result<Self> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..n {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return, // every sender is gone: the hasher was dropped
                    }
                })
                .map_err(|e| Error::Internal(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self {
            jobs: Mutex::new(tx),
        })
    }

    fn run(&self, job: Job) -> Result<()> {
        self.jobs
            .lock()
            .map_err(|_| Error::Internal("password hasher poisoned".into()))?
            .send(job)
            .map_err(|_| Error::Internal("password hashing threads are gone".into()))
    }
}

thread_local! {
    /// This thread's argon2 working memory (19 MiB), allocated once and reused, so hashing does
    /// not churn the allocator.
    static WORKSPACE: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Raw argon2id output of `out_len` bytes, computed in this thread's workspace.
fn argon2id_raw(params: &Params, password: &[u8], salt: &[u8], out_len: usize) -> Result<Vec<u8>> {
    WORKSPACE.with(|workspace| {
        let mut workspace = workspace.borrow_mut();
        let blocks = params.block_count();
        if workspace.len() < blocks {
            workspace.resize(blocks, Block::default());
        }
        let mut out = vec![0u8; out_len];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into_with_memory(password, salt, &mut out, &mut workspace[..blocks])
            .map_err(|e| Error::Internal(format!("argon2: {e}")))?;
        Ok(out)
    })
}

/// A new PHC string: `$argon2id$v=19$m=…,t=…,p=…$salt$hash`.
fn hash_now(params: &Params, password: &str) -> Result<String> {
    use rand::RngCore as _;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let out = argon2id_raw(params, password.as_bytes(), &salt, 32)?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    ))
}

/// Checks a password against a PHC string, in constant time for the comparison.
fn verify_now(stored: &str, password: &str) -> Result<bool> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| Error::Internal(format!("stored password hash: {e}")))?;
    if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(0x13) {
        // Not ours (imported accounts): the library's own path.
        return Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok());
    }
    let params = Params::try_from(&parsed)
        .map_err(|e| Error::Internal(format!("stored password hash: {e}")))?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(Error::Internal(
            "stored password hash has no salt or output".into(),
        ));
    };
    let mut buf = [0u8; 64];
    let salt = salt
        .decode_b64(&mut buf)
        .map_err(|e| Error::Internal(format!("stored password salt: {e}")))?;
    let computed = argon2id_raw(&params, password.as_bytes(), salt, expected.len())?;
    Ok(Output::new(&computed).is_ok_and(|o| o == expected))
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
