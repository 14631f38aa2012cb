variable "name" { type = string }
variable "instances" {
  type    = number
  default = 1
}
variable "subnet_ids" { type = list(string) }
variable "vpc_id" { type = string }
variable "app_sg_id" { type = string }

resource "aws_lb" "web" {
  name               = "${var.name}-web"
  load_balancer_type = "application"
  internal           = false
  subnets            = var.subnet_ids
}

resource "aws_lb_target_group" "web" {
  name     = "${var.name}-web"
  port     = 8000
  protocol = "HTTP"
  vpc_id   = var.vpc_id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_launch_template" "app" {
  name_prefix            = "${var.name}-app-"
  image_id               = "ami-0a1b2c3d4e5f67890"
  instance_type          = "m5.xlarge"
  vpc_security_group_ids = [var.app_sg_id]
}

resource "aws_autoscaling_group" "app" {
  name                = "${var.name}-app"
  desired_capacity    = var.instances
  min_size            = var.instances
  max_size            = var.instances * 3
  vpc_zone_identifier = var.subnet_ids
  target_group_arns   = [aws_lb_target_group.web.arn]
  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
  tag {
    key                 = "Name"
    value               = "shop-app"
    propagate_at_launch = true
  }
}

output "lb_dns_name" {
  value = aws_lb.web.dns_name
}
