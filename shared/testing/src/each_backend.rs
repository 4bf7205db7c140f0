//! One way to run a conformance case on every implementation of a backend trait (task store,
//! read model, session store, event bus, object store…): a module per backend, a test per case
//! in each, so `cargo test on_postgres` or `cargo test on_kafka::` picks one backend and a failing
//! test names both the case and the backend.
//!
//! ```text
//! todo_testing::each_backend! {
//!     backends {
//!         on_sqlite => |case| case(sqlite().await.store.as_ref()).await,
//!         on_postgres => |case| case(postgres().await.store.as_ref()).await,
//!     }
//!     cases { create_then_get, filters }
//! }
//! ```
//!
//! `|case|` names the case function inside the body; cases are named as the module the macro is
//! called in sees them (bring a module's cases in with `use cases::*;`), and the body's paths are
//! that module's too. `returns anyhow::Result<()>;` before `backends` gives the tests a return type.
//! Attributes before a case (`#[ignore]`) apply to its test on every backend. The tests are
//! `#[tokio::test]`; put another test attribute (a multi-threaded runtime) first.

/// Defines one test per case and backend; see the module docs.
#[macro_export]
macro_rules! each_backend {
    (@with #[$test:meta] $ret:tt { $($backend:ident => |$case:ident| $call:expr),+ $(,)? } $cases:tt) => {
        $( $crate::each_backend!(@backend #[$test] $backend, $case, $ret, $call, $cases); )+
    };
    (@returns ()) => { () };
    (@returns ($ret:ty)) => { $ret };
    (@backend #[$test:meta] $backend:ident, $case:ident, $ret:tt, $call:expr,
        { $($(#[$attr:meta])* $name:ident),* $(,)? }
    ) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$attr])*
                #[$test]
                async fn $name() -> $crate::each_backend!(@returns $ret) {
                    let $case = super::$name;
                    $call
                }
            )*
        }
    };
    (#[$test:meta] $(returns $ret:ty;)? backends $backends:tt cases $cases:tt) => {
        $crate::each_backend! { @with #[$test] ($($ret)?) $backends $cases }
    };
    ($(returns $ret:ty;)? backends $backends:tt cases $cases:tt) => {
        $crate::each_backend! { @with #[tokio::test] ($($ret)?) $backends $cases }
    };
}
