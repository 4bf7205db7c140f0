//! The Kubernetes executor against a fake API server: `cargo test -p aiops --test kube_executor`.
//! No cluster is needed: an axum server plays the paths the executor uses, keeps the objects
//! (applying merge patches as the API server does), answers a `Status` 404 for any other, and
//! records every request, so each test asserts what went over the wire.

mod circuit;
mod failures;
mod fake_api;
mod keda;
mod knative;
