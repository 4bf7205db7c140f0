# One VPC per environment, and the firewall of the cluster's nodes.
#
# DigitalOcean load balancers reach their droplets over the VPC, so allowing inbound traffic only
# from the VPC's own range means that from outside only the load balancer (created by the cloud
# controller for the Gateway's Service) reaches the nodes. DOKS adds a managed firewall of its own
# per cluster (k8s-<id>-worker); DigitalOcean firewalls only allow, so this one adds no opening to
# it and DOKS's stays as DOKS keeps it (README: what the operator checks once).

resource "digitalocean_vpc" "this" {
  name        = "${var.name}-vpc"
  region      = var.region
  ip_range    = var.ip_range
  description = "Evolution of Todo, ${var.environment}: the cluster, its databases and load balancers."
}

# The tag the cluster's node pools carry, so that the firewall follows nodes the autoscaler adds.
resource "digitalocean_tag" "nodes" {
  name = "${var.name}-nodes"
}

resource "digitalocean_firewall" "nodes" {
  name = "${var.name}-nodes"
  tags = [digitalocean_tag.nodes.name]

  # Everything inside the VPC: the load balancer's health checks and traffic, node to node
  # (Cilium's overlay), the managed databases answering.
  inbound_rule {
    protocol         = "tcp"
    port_range       = "1-65535"
    source_addresses = [digitalocean_vpc.this.ip_range]
  }

  inbound_rule {
    protocol         = "udp"
    port_range       = "1-65535"
    source_addresses = [digitalocean_vpc.this.ip_range]
  }

  inbound_rule {
    protocol         = "icmp"
    source_addresses = [digitalocean_vpc.this.ip_range]
  }

  # Out: the control plane, image pulls, webhooks and the LLM provider, time and DNS.
  outbound_rule {
    protocol              = "tcp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}
