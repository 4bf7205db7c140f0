output "database_url" {
  description = "What the functions' DATABASE_URL is: the PgBouncer pool on the private network, as user todo, TLS required."
  value = format(
    "postgres://%s:%s@%s:%d/%s?sslmode=require",
    digitalocean_database_user.todo.name,
    urlencode(digitalocean_database_user.todo.password),
    digitalocean_database_connection_pool.todo.private_host,
    digitalocean_database_connection_pool.todo.port,
    digitalocean_database_db.todo.name,
  )
  sensitive = true
}

output "postgres_port" {
  description = "Port the functions reach PostgreSQL on (the pool's); the network policies must allow it."
  value       = digitalocean_database_connection_pool.todo.port
}

output "session_store_url" {
  description = "What session-api's SESSION_STORE is: Valkey on the private network over TLS (rediss://)."
  value = format(
    "rediss://%s:%s@%s:%d",
    digitalocean_database_cluster.valkey.user,
    urlencode(digitalocean_database_cluster.valkey.password),
    digitalocean_database_cluster.valkey.private_host,
    digitalocean_database_cluster.valkey.port,
  )
  sensitive = true
}

output "session_store_ca_pem" {
  description = "PEM of the CA that signs the Valkey cluster's certificate (DigitalOcean's own): session-api's SESSION_STORE_CA_PEM."
  value       = data.digitalocean_database_ca.valkey.certificate
}

output "kafka" {
  description = "The managed Kafka's bootstrap address and the functions' SASL user, or null where Kafka runs in the cluster."
  value = var.kafka == null ? null : {
    bootstrap = "${digitalocean_database_cluster.kafka[0].private_host}:${digitalocean_database_cluster.kafka[0].port}"
    username  = digitalocean_database_user.kafka[0].name
    password  = digitalocean_database_user.kafka[0].password
  }
  sensitive = true
}

output "urns" {
  description = "URNs of the database clusters, to list them in the environment's project."
  value = concat(
    [digitalocean_database_cluster.postgres.urn, digitalocean_database_cluster.valkey.urn],
    digitalocean_database_cluster.kafka[*].urn,
  )
}
