"""Inviting people to a review's team: each sets their own password through a one-time, expiring link."""
