"""The operator's deployment files (deploy/): compose, image, environment, systemd units."""
