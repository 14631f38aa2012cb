variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type    = string
  default = "staging"
}

variable "web_instances" {
  type        = number
  default     = 2
  description = "Web servers behind the load balancer."
}

variable "worker_count" {
  type    = number
  default = 2
}

variable "read_replicas" {
  type    = number
  default = 1
}

variable "buckets" {
  type    = set(string)
  default = ["images", "exports"]
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}
