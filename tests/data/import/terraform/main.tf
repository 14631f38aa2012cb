locals {
  name         = "shop-${var.environment}"
  cache_shards = 2
}

module "web" {
  source        = "./modules/web"
  name          = local.name
  instances     = var.web_instances
  subnet_ids    = var.subnet_ids
  vpc_id        = var.vpc_id
  app_sg_id     = aws_security_group.app.id
}

module "database" {
  source        = "./modules/database"
  name          = local.name
  read_replicas = var.read_replicas
  allowed_sg_id = aws_security_group.app.id
}

# Order events: the community SQS module from the registry.
module "events" {
  source  = "terraform-aws-modules/sqs/aws"
  version = "~> 4.0"
  name    = "${local.name}-order-events"
}

resource "aws_security_group" "app" {
  name   = "${local.name}-app"
  vpc_id = var.vpc_id
}

resource "aws_security_group" "cache" {
  name   = "${local.name}-cache"
  vpc_id = var.vpc_id
}

resource "aws_security_group_rule" "app_to_cache" {
  type                     = "ingress"
  from_port                = 6379
  to_port                  = 6379
  protocol                 = "tcp"
  security_group_id        = aws_security_group.cache.id
  source_security_group_id = aws_security_group.app.id
}

resource "aws_instance" "worker" {
  count                  = var.worker_count
  ami                    = "ami-0a1b2c3d4e5f67890"
  instance_type          = "m5.large"
  subnet_id              = var.subnet_ids[count.index]
  vpc_security_group_ids = [aws_security_group.app.id]
  user_data = templatefile("${path.module}/worker.sh.tftpl", {
    queue_url = module.events.queue_url
    db_host   = module.database.address
  })
  tags = { Name = "order-worker-${count.index}" }
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id    = "${local.name}-sessions"
  description             = "Sessions and page cache"
  engine                  = "redis"
  node_type               = "cache.m6g.large"
  num_node_groups         = local.cache_shards
  replicas_per_node_group = 1
  security_group_ids      = [aws_security_group.cache.id]
}

resource "aws_s3_bucket" "media" {
  for_each = var.buckets
  bucket   = "${local.name}-${each.key}"
}

resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    origin_id   = "web"
    domain_name = module.web.lb_dns_name
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "web"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    viewer_protocol_policy = "redirect-to-https"
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate { cloudfront_default_certificate = true }
}

resource "aws_route53_zone" "shop" {
  name = "shop.example.com"
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.shop.zone_id
  name    = "www.shop.example.com"
  type    = "A"
  alias {
    name                   = aws_cloudfront_distribution.cdn.domain_name
    zone_id                = aws_cloudfront_distribution.cdn.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_cloudwatch_metric_alarm" "worker_cpu" {
  alarm_name          = "${local.name}-worker-cpu"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  evaluation_periods  = 3
  period              = 60
  statistic           = "Average"
}

resource "aws_glue_job" "nightly_export" {
  name     = "${local.name}-nightly-export"
  role_arn = "arn:aws:iam::123456789012:role/glue"
  command {
    script_location = "s3://${local.name}-exports/export.py"
  }
}

resource "aws_appsync_graphql_api" "partner" {
  name                = "${local.name}-partner"
  authentication_type = "API_KEY"
}
