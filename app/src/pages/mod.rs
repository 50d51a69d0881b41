mod account;
mod account_extra;
mod board;
mod landing;
mod not_found;
mod recovery;
mod sign_in;
mod sign_up;
mod workspaces;

pub use account::AccountPage;
pub use board::BoardPage;
pub use landing::LandingPage;
pub use not_found::NotFoundPage;
pub use recovery::{ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage};
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use workspaces::WorkspacesPage;
