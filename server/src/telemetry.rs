//! Where the service's logs (and, with the `otlp` feature, its traces) go.
//!
//! Logs: lines for people on standard error, or with `INTAKE_LOG_FORMAT=json` one JSON object
//! per line (with the request's id) for a log collector; `INTAKE_LOG` filters them.
//!
//! Traces: built with `--features otlp` and run with `OTEL_EXPORTER_OTLP_ENDPOINT` set (the
//! OpenTelemetry variables, e.g. `http://collector:4318`), every request's span (route pattern,
//! method, status, request id: nothing a person wrote) goes to that collector over OTLP/HTTP,
//! in batches from a thread of its own, so a slow collector never slows a request.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Kept until the process ends: dropping it sends the spans still waiting.
pub struct Telemetry {
    #[cfg(feature = "otlp")]
    traces: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        #[cfg(feature = "otlp")]
        if let Some(provider) = self.traces.take() {
            if let Err(e) = provider.shutdown() {
                eprintln!("server: traces not all sent: {e}");
            }
        }
    }
}

/// Sets up logging (and tracing, where built and configured) for the whole process.
pub fn init() -> Telemetry {
    let filter = EnvFilter::try_from_env("INTAKE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("INTAKE_LOG_FORMAT").is_ok_and(|v| v == "json");
    let logs = if json {
        tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(std::io::stderr)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .boxed()
    };
    // One list of layers for the registry: the logs with their filter, and the traces' own.
    #[cfg_attr(not(feature = "otlp"), allow(unused_mut))]
    let mut layers = vec![logs.with_filter(filter).boxed()];
    #[cfg(feature = "otlp")]
    let traces = match otlp::layer() {
        Ok(Some((layer, provider))) => {
            layers.push(layer);
            Some(provider)
        }
        Ok(None) => None,
        Err(e) => {
            eprintln!("server: traces are not sent: {e}");
            None
        }
    };
    tracing_subscriber::registry().with(layers).init();
    Telemetry {
        #[cfg(feature = "otlp")]
        traces,
    }
}

#[cfg(feature = "otlp")]
mod otlp {
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::Layer;

    type Boxed = Box<dyn Layer<tracing_subscriber::Registry> + Send + Sync>;

    /// The OTLP layer, if `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces variant) names a
    /// collector; the exporter reads the standard variables itself.
    pub fn layer() -> Result<Option<(Boxed, SdkTracerProvider)>, String> {
        let configured = [
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        ]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
        if !configured {
            return Ok(None);
        }
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .build()
            .map_err(|e| e.to_string())?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                opentelemetry_sdk::Resource::builder()
                    .with_service_name("complaint-intake")
                    .build(),
            )
            .build();
        let tracer = provider.tracer("server");
        // Our own spans and the server's at INFO: not every query's and connection's.
        let layer = tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(LevelFilter::INFO)
            .boxed();
        Ok(Some((layer, provider)))
    }
}
