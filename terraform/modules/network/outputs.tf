output "vpc_id" {
  description = "ID (UUID) of the environment's VPC, for the cluster and the managed databases."
  value       = digitalocean_vpc.this.id
}

output "vpc_urn" {
  description = "URN of the VPC."
  value       = digitalocean_vpc.this.urn
}

output "ip_range" {
  description = "The VPC's private range."
  value       = digitalocean_vpc.this.ip_range
}

output "node_tag" {
  description = "Tag every node pool must carry so that the nodes' firewall applies to it."
  value       = digitalocean_tag.nodes.name
}
