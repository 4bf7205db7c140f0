output "namespace" {
  description = "Namespace of the functions."
  value       = kubernetes_namespace_v1.functions.metadata[0].name
}

output "secret_name" {
  description = "Name of the Secret with the functions' secret settings."
  value       = kubernetes_secret_v1.functions.metadata[0].name
}

output "secret_keys" {
  description = "The keys the Secret holds (values stay in the state)."
  value       = sort(nonsensitive(keys(local.secret_data)))
}
