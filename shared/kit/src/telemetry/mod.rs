//! Logs and traces, set up in one place for every function.
//!
//! - Logs: JSON lines in containers (`LOG_FORMAT=json`, the default when stderr is not a terminal)
//!   with `timestamp`, `level`, `service`, `message`, `trace_id`, `span_id` and the event's and
//!   span's fields at the top level (see [`json`]); readable text on a terminal. `RUST_LOG` filters.
//! - Traces: spans are exported over OTLP (HTTP, JSON bodies) when `OTEL_EXPORTER_OTLP_ENDPOINT`
//!   names a collector (e.g. `http://otel-collector:4318`), sampled at `OTEL_TRACES_SAMPLER_ARG`
//!   (default 1.0, or 0.1 when `DEPLOYMENT_ENVIRONMENT=production`) unless the caller's trace
//!   decided already. Without an endpoint no OpenTelemetry layer is installed: no export, no cost.
//!   W3C trace context travels through HTTP headers, the outbox and CloudEvents ([`propagation`]).
//! - A tap: with [`tap::enable`] called first, warnings and errors are also kept in memory as JSON
//!   lines, for a watcher in the same process (aiops under `todo serve`, which has no Loki).

pub mod json;
pub mod propagation;
pub mod tap;

use std::io::IsTerminal;
use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracerProvider};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer as _};

/// The tracer provider, kept to flush it at shutdown.
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Where and how much to trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceSettings {
    /// The collector's OTLP/HTTP base URL; `None`: no tracing.
    pub endpoint: Option<String>,
    /// Share of new traces sampled, 0.0 to 1.0.
    pub ratio: f64,
    /// Trace without an endpoint too, exporting nothing, so that logs carry trace ids (`todo serve`).
    pub ids_without_export: bool,
}

impl TraceSettings {
    /// From `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_TRACES_SAMPLER_ARG` and `DEPLOYMENT_ENVIRONMENT`.
    pub fn from_env() -> Self {
        use crate::settings::common::{DEPLOYMENT_ENVIRONMENT, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER_ARG};
        let production = DEPLOYMENT_ENVIRONMENT.value().is_some_and(|e| e == "production");
        let ratio = OTEL_TRACES_SAMPLER_ARG
            .value()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|r| (0.0..=1.0).contains(r))
            .unwrap_or(if production { 0.1 } else { 1.0 });
        Self {
            endpoint: OTEL_EXPORTER_OTLP_ENDPOINT.value(),
            ratio,
            ids_without_export: false,
        }
    }
}

/// Installs logging and, when configured in the environment, trace export for `service`.
/// Calling it twice keeps the first setup.
pub fn init(service: &str) {
    init_with(service, &TraceSettings::from_env());
}

/// [`init`] with explicit trace settings (`todo serve --otlp URL`).
pub fn init_with(service: &str, traces: &TraceSettings) {
    let filter = EnvFilter::try_from_env(crate::settings::common::RUST_LOG.name)
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = match crate::settings::common::LOG_FORMAT.value().as_deref() {
        Some("json") => true,
        Some("text") => false,
        _ => !std::io::stderr().is_terminal(),
    };
    let wanted = traces.endpoint.is_some() || traces.ids_without_export;
    let otel = wanted.then_some(traces.endpoint.as_deref()).and_then(|endpoint| {
        match provider(service, endpoint, traces.ratio) {
            Ok(provider) => {
                let tracer = provider.tracer(service.to_owned());
                let _ = PROVIDER.set(provider);
                Some(tracing_opentelemetry::layer().with_tracer(tracer))
            }
            Err(error) => {
                eprintln!("{service}: traces are off: {error}");
                None
            }
        }
    });
    let fmt = if json {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .event_format(json::JsonLines::new(service))
            .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .compact()
            .boxed()
    };
    // RUST_LOG filters what is logged, not what is traced: spans at info and above are exported
    // whatever the log level (and the sampler decides how many).
    let otel = otel.map(|layer| layer.with_filter(tracing_subscriber::filter::LevelFilter::INFO));
    // The tap keeps warnings and errors whatever RUST_LOG says: they are what the log watch counts.
    // It sees the spans down to info as well: a layer's events carry only the fields of the spans
    // its filter let through (a consumer's name is a field of its span).
    let tap = tap::get().map(|tap| {
        tracing_subscriber::fmt::layer()
            .with_writer(tap::MakeTapWriter(tap))
            .event_format(json::JsonLines::new(service))
            .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
            .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
                let most = if meta.is_span() {
                    tracing::Level::INFO
                } else {
                    tracing::Level::WARN
                };
                *meta.level() <= most
            }))
    });
    let result = tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(otel)
        .with(tap)
        .try_init();
    if result.is_ok() {
        opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
        tracing::debug!(service, tracing = traces.endpoint.is_some(), "telemetry initialised");
    }
}

fn provider(service: &str, endpoint: Option<&str>, ratio: f64) -> Result<SdkTracerProvider, String> {
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service.to_owned())
        .build();
    let mut builder = SdkTracerProvider::builder()
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio))))
        .with_resource(resource);
    if let Some(endpoint) = endpoint {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpJson)
            .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
            .build()
            .map_err(|e| format!("OTLP exporter for {endpoint}: {e}"))?;
        let batches = BatchSpanProcessor::builder(exporter)
            .with_batch_config(
                BatchConfigBuilder::default()
                    .with_scheduled_delay(std::time::Duration::from_millis(500))
                    .build(),
            )
            .build();
        builder = builder.with_span_processor(batches);
    }
    Ok(builder.build())
}

/// True once [`init`] installed tracing: hot paths skip building spans nobody would record.
pub fn tracing_on() -> bool {
    PROVIDER.get().is_some()
}

/// Sends the spans not exported yet; call before the process exits.
pub fn shutdown() {
    if let Some(Err(error)) = PROVIDER.get().map(SdkTracerProvider::force_flush) {
        eprintln!("flushing traces failed: {error}");
    }
}
