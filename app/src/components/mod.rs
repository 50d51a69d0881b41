mod bell;
mod status_panel;
mod topbar;

pub use bell::{Bell, NotificationBell};
pub use status_panel::StatusPanel;
pub use topbar::TopBar;

/// Sets the HTTP status of a server-rendered page; does nothing in the browser.
pub fn set_http_status(status: u16) {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(status);
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
