# The names the environments and the manifests use (backend.tf, environments/*/main.tf,
# knative/ and keda/ images). Change them together.
region        = "fra1"
state_bucket  = "evolution-of-todo-terraform-state"
registry_name = "evolution-of-todo"
