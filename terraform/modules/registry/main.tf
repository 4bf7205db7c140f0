# The container registry the images are pushed to and the clusters pull from. Pull access is the
# cluster's registry integration (cluster module, registry_integration): DigitalOcean then keeps
# a pull Secret registry-<name> in every namespace, the one each function's ServiceAccount names.
#
# An account has one registry, so it is created once by terraform/bootstrap and shared by every
# environment. Plan "professional": the others hold one (starter) or five (basic) repositories,
# and the platform has an image per function.

resource "digitalocean_container_registry" "this" {
  name                   = var.name
  subscription_tier_slug = "professional"
  region                 = var.region
}
