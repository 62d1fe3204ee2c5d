"""REST API v1: the same queries and services as the pages, documented by OpenAPI 3.1."""
