//! Credentials: password hashing and tokens.

pub mod password;
pub mod token;

pub use password::PasswordHasher;
pub use token::AccessTokens;
