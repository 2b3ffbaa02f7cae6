//! Temporary: serves the app on 127.0.0.1:7878 for manual checks.
use std::sync::Arc;
#[tokio::main]
async fn main() {
    let load = rapport_pack::builtin_pack();
    let guides = load.pack.map(|p| p.guides).unwrap_or_default();
    let engine = Arc::new(rapport_engine::Engine::new(guides, &rapport_pack::builtin_lexicons()));
    let store = rapport_store::open("/tmp/rapport-dev.db").await.expect("store");
    let addr: std::net::SocketAddr = "127.0.0.1:7878".parse().expect("addr");
    let state = rapport_server::AppState::new(engine, store, rapport_server::Config::new(addr));
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    axum::serve(listener, rapport_server::app(state)).await.expect("serve");
}
