//! The settings the kit itself reads on behalf of every function (where to listen, the event bus,
//! authentication, telemetry, background work), in groups a function's description lists whole.

use super::Setting;

/// `PORT`: the port to listen on (Knative sets it).
pub const PORT: Setting = Setting::optional("PORT", "the port to listen on").default_value("8080");
/// `HOST`: the address to listen on.
pub const HOST: Setting = Setting::optional("HOST", "the IP address to listen on").default_value("0.0.0.0");

/// `DATABASE_URL`: a function's database (a URL with credentials, so a secret).
pub const DATABASE_URL: Setting =
    Setting::required("DATABASE_URL", "the database, postgres://... or sqlite://...").secret();

/// `EVENT_BUS`: `kafka://host:port,...` or `memory://`.
pub const EVENT_BUS: Setting = Setting::optional(
    "EVENT_BUS",
    "the event bus, kafka://host:port[,host:port][?fetch_wait_ms=N] or memory://",
);
/// `TOPIC_PREFIX`: put before every topic name.
pub const TOPIC_PREFIX: Setting = Setting::optional("TOPIC_PREFIX", "put before every topic name");
/// `KAFKA_REPLICATION_FACTOR`: for topics a function creates.
pub const KAFKA_REPLICATION_FACTOR: Setting = Setting::optional(
    "KAFKA_REPLICATION_FACTOR",
    "copies of each partition of the topics this function creates",
)
.default_value("1");
/// `KAFKA_SECURITY_PROTOCOL`: `plaintext`, `ssl`, `sasl_plaintext` or `sasl_ssl`.
pub const KAFKA_SECURITY_PROTOCOL: Setting = Setting::optional(
    "KAFKA_SECURITY_PROTOCOL",
    "how to reach the brokers: plaintext, ssl, sasl_plaintext or sasl_ssl",
)
.default_value("plaintext");
/// `KAFKA_SASL_MECHANISM`: `PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512`.
pub const KAFKA_SASL_MECHANISM: Setting = Setting::optional(
    "KAFKA_SASL_MECHANISM",
    "the SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
);
/// `KAFKA_SASL_USERNAME`.
pub const KAFKA_SASL_USERNAME: Setting = Setting::optional("KAFKA_SASL_USERNAME", "the SASL user name");
/// `KAFKA_SASL_PASSWORD`.
pub const KAFKA_SASL_PASSWORD: Setting = Setting::optional("KAFKA_SASL_PASSWORD", "the SASL password").secret();
/// `KAFKA_SSL_CA_PEM`: the brokers' certificate authority, PEM text (managed clusters use a CA of
/// their own).
pub const KAFKA_SSL_CA_PEM: Setting = Setting::optional(
    "KAFKA_SSL_CA_PEM",
    "the certificate authority of the brokers' TLS certificates, as PEM text",
);

/// `AUTH_JWT_SECRET`: the HS256 secret.
pub const AUTH_JWT_SECRET: Setting = Setting::optional(
    "AUTH_JWT_SECRET",
    "the HS256 secret bearer tokens are signed with (at least 32 bytes)",
)
.one_of(&["AUTH_JWT_SECRET", "AUTH_JWKS_URL"])
.secret();
/// `AUTH_JWKS_URL`: where the identity provider publishes its keys.
pub const AUTH_JWKS_URL: Setting = Setting::optional(
    "AUTH_JWKS_URL",
    "the JWKS URL of the identity provider (RS256, ES256, EdDSA tokens)",
)
.one_of(&["AUTH_JWT_SECRET", "AUTH_JWKS_URL"]);
/// `AUTH_ISSUER`.
pub const AUTH_ISSUER: Setting = Setting::optional("AUTH_ISSUER", "the iss claim tokens must carry");
/// `AUTH_AUDIENCE`.
pub const AUTH_AUDIENCE: Setting = Setting::optional("AUTH_AUDIENCE", "the aud claim tokens must carry");

/// `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's OTLP/HTTP base URL.
pub const OTEL_EXPORTER_OTLP_ENDPOINT: Setting = Setting::optional(
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "the OpenTelemetry collector's OTLP/HTTP URL; unset, nothing is traced",
);
/// `OTEL_TRACES_SAMPLER_ARG`: the share of traces sampled.
pub const OTEL_TRACES_SAMPLER_ARG: Setting = Setting::optional(
    "OTEL_TRACES_SAMPLER_ARG",
    "the share of new traces sampled, 0 to 1 (1, or 0.1 in production)",
);
/// `DEPLOYMENT_ENVIRONMENT`: `production` lowers the default sampling.
pub const DEPLOYMENT_ENVIRONMENT: Setting = Setting::optional(
    "DEPLOYMENT_ENVIRONMENT",
    "development, staging or production (production samples 10 % of traces by default)",
);
/// `LOG_FORMAT`: `json` or `text`.
pub const LOG_FORMAT: Setting =
    Setting::optional("LOG_FORMAT", "json or text (default: text on a terminal, else json)");
/// `RUST_LOG`: the log filter.
pub const RUST_LOG: Setting = Setting::optional("RUST_LOG", "the log filter, e.g. info,sqlx=warn");

/// `BACKGROUND_WORK`: whether periodic work runs in a loop of the process, or only when its
/// trigger posts to `/work/{name}`.
pub const BACKGROUND_WORK: Setting = Setting::optional(
    "BACKGROUND_WORK",
    "loop (periodic work runs in this process too) or trigger (only when /work/NAME is posted, for scale to zero)",
)
.default_value("loop");

/// `AWS_ACCESS_KEY_ID`: the key of an `s3://` object store (todo-objects reads it).
pub const AWS_ACCESS_KEY_ID: Setting =
    Setting::optional("AWS_ACCESS_KEY_ID", "the S3 access key, for an s3:// object store").secret();
/// `AWS_SECRET_ACCESS_KEY`: its secret.
pub const AWS_SECRET_ACCESS_KEY: Setting =
    Setting::optional("AWS_SECRET_ACCESS_KEY", "the S3 secret key, for an s3:// object store").secret();

/// The credentials of an object store (DigitalOcean Spaces); a `file://` store needs none.
pub const OBJECT_STORE: &[Setting] = &[AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY];

/// `RATE_LIMIT_IP`: every client address's budget.
pub const RATE_LIMIT_IP: Setting = Setting::optional(
    "RATE_LIMIT_IP",
    "requests per client address, RATE/s,BURST or RATE/min,BURST, or off",
)
.default_value("200/s,400");
/// `RATE_LIMIT_USER`: every user's budget.
pub const RATE_LIMIT_USER: Setting = Setting::optional(
    "RATE_LIMIT_USER",
    "requests per user, RATE/s,BURST or RATE/min,BURST, or off",
)
.default_value("50/s,200");
/// `RATE_LIMIT_EXPENSIVE`: every user's budget on the costly routes (chat, search, analytics, rebuild).
pub const RATE_LIMIT_EXPENSIVE: Setting = Setting::optional(
    "RATE_LIMIT_EXPENSIVE",
    "requests per user on the costly routes (chat, search, analytics, rebuild), on top of RATE_LIMIT_USER",
)
.default_value("60/min,20");
/// `TRUSTED_PROXIES`: whose `X-Forwarded-For` names the client.
pub const TRUSTED_PROXIES: Setting = Setting::optional(
    "TRUSTED_PROXIES",
    "private: a loopback or private peer is one of our proxies and X-Forwarded-For names the client; none: the peer is the client",
)
.default_value("private");
/// `REQUEST_TIMEOUT_SECONDS`: a request's deadline.
pub const REQUEST_TIMEOUT_SECONDS: Setting = Setting::optional(
    "REQUEST_TIMEOUT_SECONDS",
    "the longest a request may take to answer before it is stopped with a 503",
)
.default_value("60");
/// `CORS_ALLOWED_ORIGINS`: where browsers may call the API from.
pub const CORS_ALLOWED_ORIGINS: Setting = Setting::optional(
    "CORS_ALLOWED_ORIGINS",
    "origins a browser may call the API from, comma-separated (https://todo.example.com); unset, the same origin only",
);

/// Where an HTTP function listens, and the limits at its edge.
pub const SERVER: &[Setting] = &[
    PORT,
    HOST,
    RATE_LIMIT_IP,
    RATE_LIMIT_USER,
    RATE_LIMIT_EXPENSIVE,
    TRUSTED_PROXIES,
    REQUEST_TIMEOUT_SECONDS,
    CORS_ALLOWED_ORIGINS,
];
/// Logs and traces.
pub const TELEMETRY: &[Setting] = &[
    OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_TRACES_SAMPLER_ARG,
    DEPLOYMENT_ENVIRONMENT,
    LOG_FORMAT,
    RUST_LOG,
];
/// Bearer-token authentication.
pub const AUTH: &[Setting] = &[AUTH_JWT_SECRET, AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE];
/// The event bus and its Kafka client.
pub const BUS: &[Setting] = &[
    EVENT_BUS,
    TOPIC_PREFIX,
    KAFKA_REPLICATION_FACTOR,
    KAFKA_SECURITY_PROTOCOL,
    KAFKA_SASL_MECHANISM,
    KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD,
    KAFKA_SSL_CA_PEM,
];
