//! What each action changes in the cluster, as data: which object (kind and name) and the JSON
//! merge patch, for each variant of the manifests. No I/O: the executor sends what this says.
//!
//! | action | `knative/` | `keda/` |
//! |---|---|---|
//! | restart | ksvc `<fn>`: template annotation `aiops.todo.dev/restarted-at` (a new revision) | Deployment `<fn>`: template annotation `kubectl.kubernetes.io/restartedAt` (what `kubectl rollout restart` sets) |
//! | scale | ksvc `<fn>`: template annotation `autoscaling.knative.dev/min-scale` | ScaledObject `<fn>`: `spec.minReplicaCount` |
//! | pause | KafkaSource `<fn>`: KEDA class `disabled` and `spec.consumers` 0 | ScaledObject `<fn>-consumer`: `autoscaling.keda.sh/paused-replicas: "0"` |
//! | resume | KafkaSource `<fn>`: class `keda.autoscaling.knative.dev` again, `spec.consumers` unset | ScaledObject `<fn>-consumer`: the annotation removed |
//! | circuit (chat-api to model-provider) | ksvc `chat-api`: env `LLM_CIRCUIT` = `open` / `closed` on its container (a new revision) | Deployment `chat-api`: the same (a rollout) |
//!
//! A container's env is a list, which a merge patch can only replace whole: the circuit's change
//! reads the object first and sends its containers back with the one variable set, and the
//! `resourceVersion` it read, so that a concurrent edit makes the API refuse (409) rather than be
//! overwritten.
//!
//! Why the KafkaSource pause touches two fields: our KafkaSources are scaled by eventing-kafka's
//! in-tree KEDA support (`autoscaling.eventing.knative.dev/*`), and while it is on, the source's
//! reconciler ignores `spec.consumers` (`control-plane/pkg/reconciler/source/source.go`: "If KEDA
//! is enabled, then we ignore KafkaSource replicas setting"). With the class `disabled` the
//! controller deletes its ScaledObject and the consumer group runs `spec.consumers` replicas,
//! here none; offsets stay committed in group `<fn>`, so resuming loses nothing.

use std::fmt;
use std::str::FromStr;

use ::kube::core::{ApiResource, GroupVersionKind};
use k8s_openapi::api::apps::v1::Deployment;
use serde_json::{Value, json};
use todo_aiops::remediation::{ALL_TOPICS, Action};

/// The annotation whose new value makes Knative roll a new revision of the same spec.
pub(crate) const RESTARTED_AT: &str = "aiops.todo.dev/restarted-at";
/// The annotation `kubectl rollout restart` sets on a Deployment's template.
pub(crate) const KUBECTL_RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";
/// Knative's lower bound of a revision's pods.
pub(crate) const MIN_SCALE: &str = "autoscaling.knative.dev/min-scale";
/// eventing-kafka's autoscaler class of a KafkaSource.
pub(crate) const SOURCE_SCALER: &str = "autoscaling.eventing.knative.dev/class";
/// The class our KafkaSources have (knative/base/<consumer>/kafkasource.yaml).
pub(crate) const SOURCE_SCALER_KEDA: &str = "keda.autoscaling.knative.dev";
/// KEDA's pause: the replicas to hold the target at.
pub(crate) const PAUSED_REPLICAS: &str = "autoscaling.keda.sh/paused-replicas";
/// chat-api's setting that holds its circuit to the models open.
pub(crate) const LLM_CIRCUIT: &str = "LLM_CIRCUIT";

/// How the functions are deployed (`AIOPS_PLATFORM`): which manifests the executor patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// `knative/`: Knative Services fed by KafkaSources.
    Knative,
    /// `keda/`: Deployments scaled by ScaledObjects, consumers in `<fn>-consumer`.
    Keda,
}

impl FromStr for Platform {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "knative" => Ok(Self::Knative),
            "keda" => Ok(Self::Keda),
            other => Err(format!("unknown platform {other:?}: knative or keda")),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Knative => "knative",
            Self::Keda => "keda",
        })
    }
}

/// The kinds of object remediation patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    KnativeService,
    Deployment,
    ScaledObject,
    KafkaSource,
}

impl Kind {
    /// Where the API serves it.
    pub(crate) fn api_resource(self) -> ApiResource {
        let custom = |group: &str, version: &str, kind: &str, plural: &str| {
            ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
        };
        match self {
            Self::KnativeService => custom("serving.knative.dev", "v1", "Service", "services"),
            Self::Deployment => ApiResource::erase::<Deployment>(&()),
            Self::ScaledObject => custom("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects"),
            // The version our manifests are written in (v1beta1 is the stored one; both are served).
            Self::KafkaSource => custom("sources.knative.dev", "v1", "KafkaSource", "kafkasources"),
        }
    }

    /// How outcomes name it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::KnativeService => "ksvc",
            Self::Deployment => "Deployment",
            Self::ScaledObject => "ScaledObject",
            Self::KafkaSource => "KafkaSource",
        }
    }

    /// The topics the consumer behind an object of this kind reads: a KafkaSource's
    /// `spec.topics`, a ScaledObject's kafka triggers' `topic`.
    pub(crate) fn topics(self, object: &Value) -> Vec<String> {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let items = |v: &Value| v.as_array().cloned().unwrap_or_default();
        match self {
            Self::KafkaSource => items(&object["spec"]["topics"]).iter().filter_map(text).collect(),
            Self::ScaledObject => items(&object["spec"]["triggers"])
                .iter()
                .filter(|t| t["type"] == "kafka")
                .filter_map(|t| text(&t["metadata"]["topic"]))
                .collect(),
            Self::KnativeService | Self::Deployment => Vec::new(),
        }
    }
}

/// One merge patch of one object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    /// The body of the `application/merge-patch+json` request.
    pub(crate) patch: Value,
    /// What the patch sets, for the outcome.
    pub(crate) summary: String,
    /// A consumer action on one topic: the object's consumer must read that topic alone, since
    /// neither a KafkaSource nor a consumer Deployment pauses per topic.
    pub(crate) topic: Option<String>,
    /// An environment variable to set on the pod template's first container: the patch is then
    /// built from the object as read ([`env_patch`]), and `patch` is unused.
    pub(crate) env: Option<(String, String)>,
}

/// The change `action` makes on `platform`, `now` being the restart's timestamp (RFC 3339); or
/// why it makes none.
pub(crate) fn change(platform: Platform, action: &Action, now: &str) -> Result<Change, String> {
    let function = action.function().to_owned();
    let (kind, name, patch, summary) = match (platform, action) {
        (_, Action::OpenCircuit { dependency, .. } | Action::CloseCircuit { dependency, .. }) => {
            if (function.as_str(), dependency.as_str()) != ("chat-api", todo_aiops::remediation::MODEL_PROVIDER) {
                return Err(format!(
                    "{function} reads no setting that holds its circuit to {dependency} open or closed: its \
                     breaker (todo_kit::resilience) opens on its own after 5 failures in a row and probes \
                     again after a pause; nothing was changed"
                ));
            }
            let value = if matches!(action, Action::OpenCircuit { .. }) {
                "open"
            } else {
                "closed"
            };
            let (kind, rolls) = match platform {
                Platform::Knative => (Kind::KnativeService, "a new revision"),
                Platform::Keda => (Kind::Deployment, "a rollout"),
            };
            return Ok(Change {
                kind,
                name: function,
                patch: Value::Null,
                summary: format!("{LLM_CIRCUIT}={value} on its container ({rolls})"),
                topic: None,
                env: Some((LLM_CIRCUIT.to_owned(), value.to_owned())),
            });
        }
        (Platform::Knative, Action::RestartRevision { .. }) => (
            Kind::KnativeService,
            function,
            template_annotation(RESTARTED_AT, json!(now)),
            format!("spec.template.metadata.annotations[{RESTARTED_AT}] = {now} (a new revision)"),
        ),
        (Platform::Knative, Action::ScaleUp { to, .. } | Action::ScaleDown { to, .. }) => (
            Kind::KnativeService,
            function,
            template_annotation(MIN_SCALE, json!(to.to_string())),
            format!("spec.template.metadata.annotations[{MIN_SCALE}] = \"{to}\""),
        ),
        (Platform::Knative, Action::PauseConsumer { .. }) => (
            Kind::KafkaSource,
            function,
            json!({"metadata": {"annotations": {SOURCE_SCALER: "disabled"}}, "spec": {"consumers": 0}}),
            format!("metadata.annotations[{SOURCE_SCALER}] = disabled, spec.consumers = 0"),
        ),
        (Platform::Knative, Action::ResumeConsumer { .. }) => (
            Kind::KafkaSource,
            function,
            json!({"metadata": {"annotations": {SOURCE_SCALER: SOURCE_SCALER_KEDA}}, "spec": {"consumers": null}}),
            format!("metadata.annotations[{SOURCE_SCALER}] = {SOURCE_SCALER_KEDA}, spec.consumers unset"),
        ),
        (Platform::Keda, Action::RestartRevision { .. }) => (
            Kind::Deployment,
            function,
            template_annotation(KUBECTL_RESTARTED_AT, json!(now)),
            format!("spec.template.metadata.annotations[{KUBECTL_RESTARTED_AT}] = {now} (a rollout)"),
        ),
        (Platform::Keda, Action::ScaleUp { to, .. } | Action::ScaleDown { to, .. }) => (
            Kind::ScaledObject,
            function,
            json!({"spec": {"minReplicaCount": to}}),
            format!("spec.minReplicaCount = {to}"),
        ),
        (Platform::Keda, Action::PauseConsumer { .. }) => (
            Kind::ScaledObject,
            format!("{function}-consumer"),
            json!({"metadata": {"annotations": {PAUSED_REPLICAS: "0"}}}),
            format!("metadata.annotations[{PAUSED_REPLICAS}] = \"0\""),
        ),
        (Platform::Keda, Action::ResumeConsumer { .. }) => (
            Kind::ScaledObject,
            format!("{function}-consumer"),
            json!({"metadata": {"annotations": {PAUSED_REPLICAS: null}}}),
            format!("metadata.annotations[{PAUSED_REPLICAS}] removed"),
        ),
    };
    let topic = match action {
        Action::PauseConsumer { topic, .. } | Action::ResumeConsumer { topic, .. } if topic != ALL_TOPICS => {
            Some(topic.clone())
        }
        _ => None,
    };
    Ok(Change {
        kind,
        name,
        patch,
        summary,
        topic,
        env: None,
    })
}

/// The merge patch that sets `name` to `value` in the env of the first container of the pod
/// template in `data` (a ksvc's or a Deployment's `spec.template.spec.containers`), keeping every
/// other variable and container, guarded by the object's `resource_version`.
///
/// # Errors
/// An object without a container in its template.
pub(crate) fn env_patch(
    data: &Value,
    resource_version: Option<&str>,
    name: &str,
    value: &str,
) -> Result<Value, String> {
    let mut containers = data["spec"]["template"]["spec"]["containers"]
        .as_array()
        .filter(|c| !c.is_empty())
        .cloned()
        .ok_or_else(|| "its pod template has no container; nothing was changed".to_owned())?;
    let first = &mut containers[0];
    if !first["env"].is_array() {
        first["env"] = json!([]);
    }
    let env = first["env"].as_array_mut().expect("an array");
    env.retain(|variable| variable["name"] != name);
    env.push(json!({"name": name, "value": value}));
    Ok(json!({
        "metadata": {"resourceVersion": resource_version},
        "spec": {"template": {"spec": {"containers": containers}}},
    }))
}

/// A merge patch of one annotation of the pod template.
fn template_annotation(key: &str, value: Value) -> Value {
    json!({"spec": {"template": {"metadata": {"annotations": {key: value}}}}})
}
