environment   = "production"
web_instances = 4
worker_count  = 3
read_replicas = 2
