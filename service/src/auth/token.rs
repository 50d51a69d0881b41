//! Tokens: signed short-lived access tokens (JWT, HS256 with a key id), and opaque random
//! secrets (refresh tokens, personal API tokens) that are stored only as SHA-256 hashes.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Access tokens live 15 minutes at most.
pub const ACCESS_TTL_SECONDS: u64 = 15 * 60;

/// `len` random bytes from the OS, base64url without padding.
pub fn random_token(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of an opaque secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// What an access token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The session (refresh-token family) it was issued for.
    pub sid: String,
    pub iat: u64,
    pub exp: u64,
}

struct Key {
    id: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Key {
    fn from_secret(secret: &Secret) -> Self {
        // The key id names the key without revealing it: a prefix of its hash.
        let id = hash_secret(secret.expose())[..12].to_owned();
        Self {
            id,
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
        }
    }
}

/// Signs with the current key; verifies with the current or the previous one (rotation).
pub struct AccessTokens {
    current: Key,
    previous: Option<Key>,
}

impl AccessTokens {
    pub fn new(current: &Secret, previous: Option<&Secret>) -> Self {
        Self {
            current: Key::from_secret(current),
            previous: previous.map(Key::from_secret),
        }
    }

    pub fn issue(&self, user_id: &str, session_id: &str) -> Result<String> {
        let now = now();
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat: now,
            exp: now + ACCESS_TTL_SECONDS,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.current.id.clone());
        jsonwebtoken::encode(&header, &claims, &self.current.encoding)
            .map_err(|e| Error::Internal(format!("signing an access token: {e}")))
    }

    /// `None` for anything not a valid, unexpired token signed by one of our keys with HS256.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::HS256 {
            return None;
        }
        let key = match header.kid.as_deref() {
            Some(kid) if kid == self.current.id => &self.current,
            Some(kid) => self.previous.as_ref().filter(|k| k.id == kid)?,
            None => return None,
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Secret {
        Secret::new(format!("{s:0<40}"))
    }

    #[test]
    fn a_token_verifies_and_carries_its_claims() {
        let tokens = AccessTokens::new(&key("a"), None);
        let t = tokens.issue("user:1", "session:9").unwrap();
        let c = tokens.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.sid.as_str()), ("user:1", "session:9"));
        assert!(c.exp - c.iat <= ACCESS_TTL_SECONDS);
    }

    #[test]
    fn tampered_foreign_and_unsigned_tokens_are_refused() {
        let tokens = AccessTokens::new(&key("a"), None);
        let t = tokens.issue("user:1", "s").unwrap();
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        // Tamper with the payload: claim another user.
        let forged =
            URL_SAFE_NO_PAD.encode(br#"{"sub":"user:2","sid":"s","iat":1,"exp":9999999999}"#);
        parts[1] = forged.clone();
        assert!(tokens.verify(&parts.join(".")).is_none());
        // alg: none with no signature.
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(tokens.verify(&format!("{none_header}.{forged}.")).is_none());
        // Signed by someone else's key.
        let other = AccessTokens::new(&key("b"), None)
            .issue("user:1", "s")
            .unwrap();
        assert!(tokens.verify(&other).is_none());
        assert!(tokens.verify("not a token").is_none());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let tokens = AccessTokens::new(&key("a"), None);
        let claims = Claims {
            sub: "user:1".into(),
            sid: "s".into(),
            iat: 1,
            exp: 1000,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(tokens.current.id.clone());
        let t = jsonwebtoken::encode(&header, &claims, &tokens.current.encoding).unwrap();
        assert!(tokens.verify(&t).is_none());
    }

    #[test]
    fn rotation_keeps_accepting_the_previous_key() {
        let old = AccessTokens::new(&key("old"), None);
        let t = old.issue("user:1", "s").unwrap();
        let rotated = AccessTokens::new(&key("new"), Some(&key("old")));
        assert!(rotated.verify(&t).is_some());
        let t2 = rotated.issue("user:1", "s").unwrap();
        assert!(
            old.verify(&t2).is_none(),
            "old instances do not know the new key"
        );
        let after = AccessTokens::new(&key("new"), None);
        assert!(
            after.verify(&t).is_none(),
            "once the previous key is dropped its tokens stop working"
        );
    }

    #[test]
    fn secrets_are_hashed_and_random() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
        assert_eq!(hash_secret("x").len(), 64);
    }
}
