//! Every rendered object validates: Knative, KEDA, Strimzi and Gateway API objects against their
//! CRDs' OpenAPI schemas with unknown fields rejected, core objects against Kubernetes' schemas
//! (`scripts/validate_manifests.py`; the CRDs are the team's copies in `../shared/schemas/crds`).

use std::process::Command;

use crate::manifests::{ENVIRONMENTS, VARIANTS, python, repo, validate};

#[test]
fn every_object_of_every_overlay_validates_against_its_schema() {
    for variant in VARIANTS {
        for env in ENVIRONMENTS {
            let rendered = Command::new("kubectl")
                .args(["kustomize", &format!("{variant}/overlays/{env}")])
                .current_dir(repo())
                .output()
                .expect("kubectl (Debian package kubectl; make manifest-tools installs it)");
            assert!(
                rendered.status.success(),
                "{variant}/{env}: {}",
                String::from_utf8_lossy(&rendered.stderr)
            );
            if let Err(complaints) = validate(&rendered.stdout) {
                panic!("{variant}/{env} does not validate:\n{complaints}");
            }
        }
    }
}

/// Runs a checking script of `scripts/` and fails with what it printed.
fn script_passes(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("run {program} {args:?}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn checkov_passes_on_every_rendered_overlay_the_dockerfile_and_terraform() {
    // Skipped checks are justified inline, in the manifests, the Dockerfile and terraform/.
    script_passes("bash", &["scripts/checkov.sh"]);
}

#[test]
fn the_dockerfile_builds_the_binaries_the_manifests_run_as_a_non_root_user() {
    script_passes(&python().to_string_lossy(), &["scripts/check_dockerfile.py"]);
}
