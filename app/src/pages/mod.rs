mod account;
mod account_extra;
mod landing;
mod not_found;
mod recovery;
mod sign_in;
mod sign_up;
mod workspaces;
pub mod ws;

pub use account::AccountPage;
pub use landing::LandingPage;
pub use not_found::NotFoundPage;
pub use recovery::{ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage};
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use workspaces::WorkspacesPage;
