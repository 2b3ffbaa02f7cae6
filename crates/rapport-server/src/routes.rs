//! The router, built so that it can say which paths it serves: every module's `routes()`
//! returns `Routes`, which keeps each path it is given beside the axum router. The
//! access test walks [`paths`] so that a new route without an access rule fails it.

use axum::Router;
use axum::routing::MethodRouter;

use crate::AppState;

/// Routes, with the list of their paths.
#[derive(Default)]
pub(crate) struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    /// No routes.
    pub(crate) fn new() -> Routes {
        Routes::default()
    }

    /// Adds a route (as [`Router::route`]).
    pub(crate) fn route(mut self, path: &'static str, method: MethodRouter<AppState>) -> Routes {
        self.router = self.router.route(path, method);
        self.paths.push(path);
        self
    }

    /// Adds every route of `other` (as [`Router::merge`]).
    pub(crate) fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// The axum router.
    pub(crate) fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Every route of the app.
pub(crate) fn all() -> Routes {
    Routes::new()
        .merge(crate::pages::routes())
        .merge(crate::api::routes())
        .merge(crate::speech::routes())
        .merge(crate::recordings::routes())
        .merge(crate::accounts::routes())
        .merge(crate::cohorts::routes())
        .merge(crate::assets::routes())
}

/// Every path the app serves, as written in its routes (`/attempts/{id}`), in the order
/// they were added.
pub fn paths() -> Vec<&'static str> {
    all().paths
}
