"""What Remit recorded, what failed and why; Retry and Ignore."""
