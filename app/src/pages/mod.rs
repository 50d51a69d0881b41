mod account;
mod landing;
mod not_found;
mod sign_in;
mod sign_up;

pub use account::AccountPage;
pub use landing::LandingPage;
pub use not_found::NotFoundPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
