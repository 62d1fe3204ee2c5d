"""The community-health dashboard (cruscotto) for moderators and the editorial board."""
