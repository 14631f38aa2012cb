variable "name" { type = string }
variable "read_replicas" {
  type    = number
  default = 0
}
variable "allowed_sg_id" { type = string }

resource "aws_db_instance" "primary" {
  identifier              = "${var.name}-db"
  engine                  = "postgres"
  engine_version          = "16"
  instance_class          = "db.m5.xlarge"
  allocated_storage       = 200
  multi_az                = true
  availability_zone       = "eu-west-1a"
  backup_retention_period = 7
  tags = { Name = "orders-db" }
}

resource "aws_db_instance" "replica" {
  count               = var.read_replicas
  identifier          = "${var.name}-db-replica-${count.index}"
  replicate_source_db = aws_db_instance.primary.identifier
  instance_class      = "db.m5.xlarge"
  availability_zone   = "eu-west-1b"
  tags = { Name = "orders-db-replica" }
}

output "address" {
  value = aws_db_instance.primary.address
}
